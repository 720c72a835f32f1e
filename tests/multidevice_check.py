"""Run under XLA_FLAGS=--xla_force_host_platform_device_count=4 by test_sharding.py (a subprocess:
the device count is fixed when JAX starts). Prints one JSON line of max differences between the
4-device (sharded) and 1-device results."""
import json
import sys

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

from gl.batch import run_batch  # noqa: E402
from gl.errors import ParameterError  # noqa: E402
from gl.gauge import applied_link_phases  # noqa: E402
from gl.geometry import Disk, Grid  # noqa: E402
from gl.lattice import make_lattice  # noqa: E402
from gl.minimize import minimize  # noqa: E402
from gl.sharding import shard_grid  # noqa: E402
from gl.model import BULK, FROZEN, make_model  # noqa: E402
from gl.state import random_state  # noqa: E402
from gl.tdgl import run_steps  # noqa: E402


def maxdiff(a, b):
    return float(max(jnp.max(jnp.abs(x - y)) for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b))))


out = {"devices": jax.device_count()}
grid = Grid(64, 48, 0.5, 0.5)
lat = make_lattice(grid, Disk(14.0))
params = make_model(2.0, 0.3)
s0 = random_state(lat, *applied_link_phases(grid, 0.3), jax.random.PRNGKey(0), 0.5)
s_sh, lat_sh = shard_grid((s0, lat))
for frozen in (True, False):
    p = params.with_vector_potential(FROZEN if frozen else BULK)
    one = run_steps(s0, p, lat, 0.01, 60)
    four = run_steps(s_sh, p, lat_sh, 0.01, 60)
    key = "frozen_A" if frozen else "full_A"
    out[f"step_{key}"] = maxdiff(one, four)
    out[f"step_{key}_moved"] = maxdiff(one, s0)
    out[f"step_{key}_shards"] = len(four.psi.sharding.device_set)
if "--pearl" in sys.argv:       # opt-in (tests/test_sharding.py, slow marker): compiles the FFT path twice
    film = params.with_vector_potential("pearl").replace(pearl_length=jnp.asarray(4.0))
    one_film = run_steps(s0, film, lat, 0.01, 60)
    four_film = run_steps(s_sh, film, lat_sh, 0.01, 60)
    out["step_pearl"] = maxdiff(one_film, four_film)
    out["step_pearl_moved"] = maxdiff(one_film, s0)
    out["step_pearl_shards"] = len(four_film.psi.sharding.device_set)
m1 = minimize(one, params, lat, tol=1e-12, max_iter=30)
m4 = minimize(shard_grid(one), params, lat_sh, tol=1e-12, max_iter=30)
out["minimize_state"] = maxdiff(m1.state, m4.state)
out["minimize_energy"] = abs(float(m1.energy - m4.energy))
out["minimize_shards"] = len(m4.state.psi.sharding.device_set)


base = make_model(2.0, 0.0, vector_potential=FROZEN)


def point(v):
    p = base.with_field(v["H"])
    s = random_state(lat, *applied_link_phases(grid, v["H"], "landau_x"), jax.random.PRNGKey(1), 0.5)
    s = run_steps(s, p, lat, 0.01, 40)
    return {"density": jnp.mean(jnp.abs(s.psi) ** 2)}


H = np.linspace(0.1, 0.8, 8)
batch, info = run_batch(point, {"H": H}, chunk_size=8, progress=False)
single = jax.jit(point)
out["batch_devices"] = info["devices"]
out["batch"] = max(abs(batch["density"][k] - float(single({"H": H[k]})["density"])) for k in range(len(H)))
try:
    shard_grid(make_lattice(Grid(10, 8, 0.5, 0.5)))
    out["indivisible_error"] = ""
except ParameterError as e:
    out["indivisible_error"] = str(e)
print(json.dumps(out))
