"""Batch against sequential: 64 applied-field values as one vmapped batch vs 64 separate runs.

Usage:  python benchmarks/batch.py [--sizes 64 256] [--points 64] [--steps 500] [--repeats 7] [--out FILE.json]

Each point is a square film of n×n nodes (spacing 0.5 ξ) quenched from the same random ψ and
relaxed for ``--steps`` frozen-A TDGL steps (``gl.kernel.run_frozen`` with a
:data:`gl.model.UNIFORM` model, complex64, dt = 0.05 t0, u = 5.79) at its own applied field
(0 to 0.5 B_c2); the output is its vortex count. "batch" runs all points through
``gl.batch.run_batch`` (one compiled, vmapped call); "sequential" calls the same jitted
single-point function once per point. The first times include their one compilation; the steady-state
times are the medians of ``--repeats`` further calls of each, alternating. The per-core ratio is the steady
ratio times the threads the batch runs on (``info["threads"]`` of ``run_batch``; each sequential run is one call
on one core): 1 means the batch does no better per core than single runs. A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np


def make_point(n: int, steps: int):
    from gl.geometry import Grid
    from gl.kernel import run_frozen
    from gl.lattice import make_lattice
    from gl.model import UNIFORM, make_model
    from gl.observables import vortex_counts
    from gl.state import random_state

    grid = Grid(n, n, 0.5, 0.5)
    lat = make_lattice(grid, dtype=jnp.float32)
    zero = jnp.zeros(grid.shape, jnp.float32)
    state0 = random_state(lat, zero, zero, jax.random.PRNGKey(0), 0.1)
    base = make_model(2.0, 0.0, u=5.79, vector_potential=UNIFORM, gauge="landau_x", dtype=jnp.float32)

    def point(v):
        # UNIFORM: the kernel sets the link phases to H·a_unit (Landau gauge), whatever state0 carries
        state = run_frozen(state0, base.with_field(v["H"]), lat, 0.05, steps)
        return {"n_vortices": vortex_counts(state, lat)[0]}

    return point


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[64, 256])
    p.add_argument("--points", type=int, default=64)
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--repeats", type=int, default=7, help="steady-state calls of each, alternating (median)")
    p.add_argument("--out", default="benchmarks/batch.json")
    args = p.parse_args(argv)
    from gl.batch import run_batch

    H = np.linspace(0.0, 0.5, args.points)
    rows = []
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {jax.devices()[0].device_kind}")
    for n in args.sizes:
        point = make_point(n, args.steps)
        times = {}
        single = jax.jit(point)

        def run_batched():
            return run_batch(point, {"H": H}, chunk_size=args.points, dtype=jnp.float32, progress=False)

        def run_sequential():
            return [float(single({"H": jnp.float32(h)})["n_vortices"]) for h in H]

        t = time.perf_counter()                      # first calls: compilation included
        batch, info = run_batched()
        times["batch_first"] = time.perf_counter() - t
        t = time.perf_counter()
        seq = run_sequential()
        times["sequential_first"] = time.perf_counter() - t
        steady = {"batch": [], "sequential": []}
        for k in range(args.repeats):                # then steady state, alternating, median of the repeats
            for name, fn in ((("batch", run_batched), ("sequential", run_sequential)) if k % 2 == 0
                             else (("sequential", run_sequential), ("batch", run_batched))):
                t = time.perf_counter()
                fn()
                steady[name].append(time.perf_counter() - t)
        times["batch_second"] = float(np.median(steady["batch"]))
        times["sequential_second"] = float(np.median(steady["sequential"]))
        times["steady_times_s"] = steady
        threads = info["threads"]            # run_batch's threads; each sequential run is one call on one core
        same = bool(np.array_equal(np.asarray(batch["n_vortices"]), np.array(seq)))
        row = {"n": n, "points": args.points, "steps": args.steps, **times,
               "ratio_batch_over_sequential": times["batch_first"] / times["sequential_first"],
               "ratio_steady": times["batch_second"] / times["sequential_second"],
               "batch_threads": threads,
               # the steady ratio times the batch's threads: 1 = the batch does no better per core than one run
               # on one core (each single run here is one call on one core), 0.5 = twice as fast per core
               "ratio_steady_per_core": times["batch_second"] / times["sequential_second"] * threads,
               "same_vortex_counts": same, "compilations": info["compilations"]}
        rows.append(row)
        print(f"{n}²: batch {times['batch_first']:.2f} s (steady {times['batch_second']:.2f}), sequential "
              f"{times['sequential_first']:.2f} s (steady {times['sequential_second']:.2f}); batch/sequential = "
              f"{row['ratio_batch_over_sequential']:.3f} (steady {row['ratio_steady']:.3f}; per core, "
              f"{threads} threads: {row['ratio_steady_per_core']:.3f}); same counts: {same}", flush=True)
    with open(args.out, "w") as fh:
        json.dump({"machine": f"{platform.machine()}, {os.cpu_count()} cores", "rows": rows}, fh, indent=2)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
