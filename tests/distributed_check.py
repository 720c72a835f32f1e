"""One of two local processes of a jax.distributed run on CPU (started by test_distributed.py).

Usage: python distributed_check.py PROCESS_ID PORT. Each process has 2 CPU devices; the grid is
sharded over all 4 and one frozen-A TDGL chunk is run; process 0 prints the max difference from
the same steps computed locally without sharding, as JSON.
"""
import json
import sys

import jax

from gl.sharding import initialize_distributed

pid, port = int(sys.argv[1]), sys.argv[2]
initialize_distributed(f"localhost:{port}", num_processes=2, process_id=pid)
jax.config.update("jax_enable_x64", True)

import numpy as np  # noqa: E402
from jax.experimental import multihost_utils  # noqa: E402

from gl.gauge import applied_link_phases  # noqa: E402
from gl.geometry import Disk, Grid  # noqa: E402
from gl.lattice import make_lattice  # noqa: E402
from gl.sharding import shard_grid  # noqa: E402
from gl.model import FROZEN, make_model  # noqa: E402
from gl.state import random_state  # noqa: E402
from gl.tdgl import run_steps  # noqa: E402

grid = Grid(64, 48, 0.5, 0.5)
lat = make_lattice(grid, Disk(14.0))
params = make_model(2.0, 0.3, vector_potential=FROZEN)
s0 = random_state(lat, *applied_link_phases(grid, 0.3), jax.random.PRNGKey(0), 0.5)
local = jax.device_get(run_steps(jax.device_put(s0, jax.local_devices()[0]), params,
                                 jax.device_put(lat, jax.local_devices()[0]), 0.01, 40).psi)
s_sh, lat_sh = shard_grid((s0, lat))
sharded = run_steps(s_sh, params, lat_sh, 0.01, 40)
full = multihost_utils.process_allgather(sharded.psi, tiled=True)
if pid == 0:
    print(json.dumps({"processes": jax.process_count(), "devices": jax.device_count(),
                      "diff": float(np.max(np.abs(np.asarray(full) - local)))}))
