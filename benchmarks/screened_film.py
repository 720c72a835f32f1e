"""Thin-film (Pearl) screening at scale: the cost of a screened TDGL step beside the frozen-A step,
and a 1024² screened film relaxed to its steady state (time and peak memory).

Run: python benchmarks/screened_film.py [--quick | --relax-only] [--max-time T] [--out FILE]. Writes
benchmarks/screened_film.json by default.
Machine of record: see benchmarks/RESULTS.md. A dense O(N²) self-field (pyTDGL's Biot–Savart
matrix) would need N² = 1.1e12 entries (8.8 TB in float64) at 1024² sites; the FFT kernel needs a
few (2nx, 2ny) arrays.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

from gl.gauge import applied_link_phases, magnetic_field  # noqa: E402
from gl.geometry import Disk, Grid  # noqa: E402
from gl.lattice import make_lattice  # noqa: E402
from gl.model import UNIFORM, make_model  # noqa: E402
from gl.state import State  # noqa: E402
from gl.tdgl import check_time_step, rhs, run_steps  # noqa: E402


def _timed(fn, *args, repeat=3):
    out = fn(*args)
    jax.block_until_ready(out)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        jax.block_until_ready(out)
        best = min(best, time.perf_counter() - t)
    return best, out


def step_costs(n: int, steps: int, dtype) -> dict:
    """Seconds per step of the screened (PEARL) and frozen-A (fast kernel) TDGL at n² sites."""
    grid = Grid(n, n, 1.0, 1.0)
    lat = make_lattice(grid, dtype=dtype)
    H = 0.002
    ax, ay = applied_link_phases(grid, H, dtype=dtype)
    cplx = jnp.complex128 if dtype == jnp.float64 else jnp.complex64
    s = State(jnp.ones(grid.shape, cplx) * lat.site, ax, ay)
    film = make_model(2.0, H, vector_potential="pearl", pearl_length=n / 4.0, dtype=dtype)
    frozen = make_model(2.0, H, vector_potential=UNIFORM, dtype=dtype)
    dt = 0.05
    row = {"sites": n * n, "dtype": jnp.dtype(dtype).name, "steps": steps}
    for name, model in (("pearl", film), ("frozen_fast", frozen)):
        sec, _ = _timed(lambda st: run_steps(st, model, lat, dt, steps), s)
        row[f"{name}_s_per_step"] = sec / steps
    row["pearl_over_frozen"] = row["pearl_s_per_step"] / row["frozen_fast_s_per_step"]
    return row


def relax_1024(n: int = 1024, max_time: float = 300.0, chunk: int = 100) -> dict:
    """A disk film (radius n/2 − 1 ξ, h = ξ) with Λ = 256 ξ in a weak field (Meissner state), relaxed
    by screened TDGL from ψ = 1 until the largest rate |∂tψ|, |∂t a| on the film is below 1e-5."""
    grid = Grid(n, n, 1.0, 1.0)
    X, Y = grid.nodes()
    c = (float(X.mean()), float(Y.mean()))
    lat = make_lattice(grid, Disk(n / 2 - 1, center=c))
    H = 0.002
    ax, ay = applied_link_phases(grid, H, "symmetric")
    model = make_model(2.0, H, vector_potential="pearl", pearl_length=256.0, gauge="symmetric")
    s = State(jnp.ones(grid.shape, jnp.complex128) * lat.site, ax, ay)
    dt = check_time_step(None, grid, model)
    rate = jax.jit(lambda st: rhs(st, model, lat))
    t0 = time.perf_counter()
    t, history = 0.0, []
    while t < max_time:
        s = run_steps(s, model, lat, dt, chunk, t)
        t += chunk * dt
        d = rate(s)
        r = max(float(jnp.max(jnp.abs(d.psi))), float(jnp.max(jnp.abs(d.ax * lat.link_x))),
                float(jnp.max(jnp.abs(d.ay * lat.link_y))))
        history.append([t, r, time.perf_counter() - t0])
        print(f"  t = {t:8.1f} t0  max rate {r:.3e}  wall {time.perf_counter() - t0:7.1f} s", flush=True)
        if r < 1e-5:
            break
    b = np.asarray(magnetic_field(s, lat))
    inner = np.hypot(*np.meshgrid(np.arange(n) + 0.5 - n / 2, np.arange(n) + 0.5 - n / 2, indexing="ij")) < n / 4
    return {"sites": n * n, "pearl_length_xi": 256.0, "dt_t0": dt, "simulated_t0": t, "wall_s": time.perf_counter() - t0,
            "final_max_rate": history[-1][1], "converged": history[-1][1] < 1e-5,
            "mean_bz_inner_half_over_H": float(b[inner].mean() / H),
            "peak_rss_GiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20, "history": history}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true", help="step costs only at 256² and 512²")
    p.add_argument("--relax-only", action="store_true", help="only the 1024² relaxation (no step costs)")
    p.add_argument("--max-time", type=float, default=300.0, help="longest relaxation [t0] (300)")
    p.add_argument("--out", default=str(Path(__file__).with_suffix(".json")))
    args = p.parse_args()
    out = {"machine": f"{platform.processor() or platform.machine()}, {jax.devices()[0].device_kind}, "
                      f"JAX {jax.__version__}", "step_costs": []}
    for n in (() if args.relax_only else (256, 512) if args.quick else (256, 512, 1024)):
        for dtype in (jnp.float64, jnp.float32):
            row = step_costs(n, 20 if n >= 1024 else 50, dtype)
            print(row, flush=True)
            out["step_costs"].append(row)
    if not args.quick:
        out["relax_1024"] = relax_1024(max_time=args.max_time)
        print({k: v for k, v in out["relax_1024"].items() if k != "history"})
    Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
