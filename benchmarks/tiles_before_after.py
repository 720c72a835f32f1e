"""The frozen-A step in tiles on threads (what ``run_steps`` runs for large grids on a CPU), this code
against an older checkout, calls interleaved.

Usage:  python benchmarks/tiles_before_after.py --old TREE [--cases 512:float64 1024:float32 ...]
                                                [--threads 2] [--pairs 5] [--site-updates 6e8]

Both trees' ``gl`` are imported in one process (the old one as ``gl_old``; it must have
``gl.kernel.run_frozen(..., threads=)``, i.e. 2026-12-03 or later). Each case is an n×n grid of the
throughput benchmark's frozen-A model (``throughput.frozen_call`` with ``threads``: packing and
unpacking included); after a compile and a warm-up call of each, ``--pairs`` pairs of calls alternate
old, new / new, old, and new/old is the median of the pairs' speed ratios. A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import throughput   # the scripts beside this one
from kernel_before_after import _load_tree_as


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--old", required=True, help="a checkout of the code before a change")
    p.add_argument("--cases", nargs="+", default=["512:float64", "768:float32", "1024:float32", "1024:float64",
                                                   "2048:float32"], help="n:dtype of each grid")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--pairs", type=int, default=5)
    p.add_argument("--site-updates", type=float, default=6e8, help="site-updates per timed call (sets the steps)")
    args = p.parse_args(argv)
    jax.config.update("jax_enable_x64", True)
    _load_tree_as("gl_old", Path(args.old))
    if "threads" not in inspect.signature(importlib.import_module("gl_old.kernel").run_frozen).parameters:
        sys.exit(f"--old {args.old}: its gl.kernel.run_frozen has no 'threads' (a tree from before 2026-12-03)")
    for case in args.cases:
        n, dtype = int(case.split(":")[0]), getattr(jnp, case.split(":")[1])
        steps = max(2, int(args.site_updates / n / n) // 2 * 2)
        runs = {c: throughput.frozen_call(n, dtype, steps, pkg, args.threads) for c, pkg in (("old", "gl_old"),
                                                                                              ("new", "gl"))}
        for run in runs.values():
            run()
            run()
        ratios, new_times = [], []
        for k in range(args.pairs):
            times = {}
            for c in (("old", "new") if k % 2 == 0 else ("new", "old")):
                t = time.perf_counter()
                runs[c]()
                times[c] = time.perf_counter() - t
            ratios.append(times["old"] / times["new"])
            new_times.append(times["new"])
        print(f"{n:>5}² {jnp.dtype(dtype).name:>8}, {steps} steps a call, {args.threads} threads: new/old "
              f"{np.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f}), new "
              f"{n * n * steps / np.median(new_times) / 1e6:.0f} M site-updates/s", flush=True)


if __name__ == "__main__":
    main()
