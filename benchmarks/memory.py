"""Peak resident memory per lattice site of the frozen-A TDGL step on the largest grid.

Usage:  python benchmarks/memory.py [--n 8192] [--steps 4] [--out FILE.json]

Each precision runs in a fresh subprocess: it imports JAX, records the resident set, builds an
n×n film with the fast kernel's state (gl.kernel.pack) and runs ``--steps`` steps of
``gl.kernel.frozen_steps`` (a :data:`gl.model.UNIFORM` model, uniform ε, constant field), then reports
the peak resident set (``ru_maxrss``) minus the resident set before the grid was built, per site.
The kernel's own arrays are ψ twice (two buffers, 2 reals each, with ghost layer) plus the site
mask: about 5 reals per site at the minimum. A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return float(line.split()[1]) / 1024
    return float("nan")


def worker(n: int, precision: str, steps: int) -> dict:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    from gl.geometry import Grid
    from gl.kernel import frozen_steps, pack
    from gl.lattice import make_lattice
    from gl.model import UNIFORM, make_model
    from throughput import uniform_links

    real = jnp.float32 if precision == "complex64" else jnp.float64
    base = _rss_mb()
    grid = Grid(n, n, 0.5, 0.5)
    lat = make_lattice(grid, dtype=real)
    field, site = pack(lat.site.astype(jnp.result_type(real, jnp.complex64)), lat)
    del lat
    model = make_model(2.0, 0.1, vector_potential=UNIFORM, gauge="landau_x", dtype=real)
    h, eps, t0, dt = (jnp.asarray(v, real) for v in (0.5, 1.0, 0.0, 0.01 * 5.79))
    t = time.perf_counter()
    field = frozen_steps(field, site, eps, uniform_links(grid, 0.1, real), None, model, h, h, t0, dt, steps)
    ok = bool(jnp.isfinite(field[0, n // 2, n // 2]))
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "dtype": precision, "steps": steps, "finite": ok, "wall_s_incl_compile": wall,
            "baseline_MB": base, "peak_MB": peak, "bytes_per_site": (peak - base) * 2 ** 20 / n ** 2,
            "reals_per_site": (peak - base) * 2 ** 20 / n ** 2 / jnp.dtype(real).itemsize}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, default=8192)
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--out", default="benchmarks/memory.json")
    args = p.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.n, args.worker, args.steps)))
        return
    here = Path(__file__).resolve().parent
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(here.parent), str(here)]))
    rows = []
    for prec in ("complex64", "complex128"):
        res = subprocess.run([sys.executable, __file__, "--worker", prec, "--n", str(args.n), "--steps", str(args.steps)],
                             capture_output=True, text=True, env=env)
        if res.returncode != 0:
            rows.append({"n": args.n, "dtype": prec, "error": res.stderr[-500:], "returncode": res.returncode})
        else:
            rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    with open(args.out, "w") as fh:
        json.dump({"machine": f"{platform.machine()}, {os.cpu_count()} cores", "rows": rows}, fh, indent=2)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
