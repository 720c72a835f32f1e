"""The frozen-A step's tiled path at other tile sizes and halos, beside an older kernel, calls interleaved.

Usage:  python benchmarks/tile_sizes.py --old TREE [--sizes 512 1024 4096] [--configs 4:16 8:16 8:32 stripes:16]
                                        [--site-updates 6e8] [--repeats 5] [--threads 2] [--out FILE.json]

For each n×n grid in complex128 it times, in one process and interleaved (forward, then backward, so that
every code sees the same load on this shared machine): the older tree's ``frozen_steps`` in one call
(``--old``, a checkout or a folder with its ``gl/``; what ``throughput.py --old`` times) and this code's
``run_frozen`` in tiles on ``--threads`` threads (``throughput.frozen_call``: the State path, packing
included) for each ``MiB:halo`` config: ``gl.kernel.TILE_BYTES["frozen"]`` and ``gl.tiles.HALO`` set for
that call; ``stripes:H`` cuts the grid into one stripe of rows per thread instead. Medians of the timed
calls (the first round is a warm-up), site-updates per second and the ratio to the older kernel.
A benchmark for choosing those constants, not a test: RESULTS.md section 16.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throughput  # noqa: E402
from kernel_before_after import _load_tree_as  # noqa: E402

import gl.kernel as kernel  # noqa: E402
import gl.tiles as tiles  # noqa: E402


def _config(text: str):
    """'4:16' → (4 MiB, halo 16); 'stripes:16' → ('stripes', 16)."""
    size, halo = text.split(":")
    return (size if size == "stripes" else float(size)), int(halo)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--old", required=True, help="a checkout (or folder with gl/) of the older kernels")
    p.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 4096])
    p.add_argument("--configs", nargs="+", default=["4:16", "8:16", "8:32", "stripes:16"])
    p.add_argument("--site-updates", type=float, default=6e8, help="site-updates per timed call (sets the steps)")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    _load_tree_as("gl_old", Path(args.old))
    layout, tile_bytes, halo = tiles.layout, dict(kernel.TILE_BYTES), tiles.HALO

    def stripes(nx, ny, threads, *_, **__):
        return tiles.TileLayout(nx, ny, threads, 1, tiles.HALO)

    def use(config):
        size, h = config
        kernel.TILE_BYTES["frozen"] = int((tile_bytes["frozen"] if size == "stripes" else size * 2 ** 20))
        tiles.HALO = h
        tiles.layout = stripes if size == "stripes" else layout

    rows = []
    try:
        for n in args.sizes:
            steps = max(2, int(args.site_updates / n ** 2))
            names = ["old"] + args.configs
            calls = {"old": throughput.frozen_call(n, jnp.float64, steps, pkg="gl_old")}
            for name in args.configs:
                use(_config(name))
                calls[name] = throughput.frozen_call(n, jnp.float64, steps, threads=args.threads)
            rates = {name: [] for name in names}
            for rep in range(args.repeats + 1):
                for name in (names if rep % 2 == 0 else names[::-1]):
                    if name != "old":
                        use(_config(name))
                    t = time.perf_counter()
                    calls[name]()
                    if rep:
                        rates[name].append(n * n * steps / (time.perf_counter() - t) / 1e6)
            med = {k: float(np.median(v)) for k, v in rates.items()}
            row = {"n": n, "steps": steps, "median_M_per_s": med, "over_old": {k: v / med["old"] for k, v in med.items()},
                   "M_per_s": rates}
            rows.append(row)
            print(f"{n:5d}² complex128, {steps} steps: " + ", ".join(
                f"{k} {v:.0f} M/s ({row['over_old'][k]:.2f}x)" for k, v in med.items()), flush=True)
    finally:
        kernel.TILE_BYTES.update(tile_bytes)
        tiles.HALO, tiles.layout = halo, layout
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"machine": platform.processor() or platform.machine(), "jax": jax.__version__,
                       "threads": args.threads, "old_tree": args.old, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
