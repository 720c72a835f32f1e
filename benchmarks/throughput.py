"""Throughput of the TDGL step: site-updates per second and fraction of the measured memory bandwidth.

Usage:  python benchmarks/throughput.py [--sizes 128 256 512 1024 2048] [--steps 50] [--out FILE.json]

For each grid n×n, precision (complex64 / complex128) and mode (frozen A / full A) it times
``gl.tdgl.run_steps`` (many steps per compiled call; compile excluded, median of repeats) and
prints a table. The bandwidth reference is a jitted large in-place array update measured in the
same run. Bytes per site-update that the step must move (read + write, at the state's precision):
frozen A: ψ read and written (2 × complex) + the link phases a_x, a_y read (2 × real);
full A: ψ, a_x, a_y read and written (2 × complex + 4 × real). Masks are not counted.
A benchmark, not a test: numbers depend on the machine, which the output names.
"""
from __future__ import annotations

import argparse
import json
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np


def _median_time(fn, repeats=3):
    fn()  # compile + warm up
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def bandwidth(n_bytes=1 << 29):
    """Effective GB/s of a jitted x ← 1.0001·x over an array of ``n_bytes`` (read + write)."""
    x = jnp.ones(n_bytes // 4, jnp.float32)
    f = jax.jit(lambda a: a * 1.0001, donate_argnums=0)
    state = {"x": x}

    def run():
        state["x"] = f(state["x"])
        state["x"].block_until_ready()

    return 2 * n_bytes / _median_time(run, 5) / 1e9


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[128, 256, 512, 1024, 2048])
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--out", default="benchmarks/throughput.json")
    args = p.parse_args(argv)
    jax.config.update("jax_enable_x64", True)
    from gl.gauge import applied_link_phases
    from gl.geometry import Grid
    from gl.lattice import make_lattice
    from gl.state import make_params, uniform_state
    from gl.tdgl import check_time_step, run_steps

    bw = bandwidth()
    device = f"{jax.devices()[0].device_kind} ({platform.processor() or platform.machine()}, {jax.device_count()} device(s))"
    rows = []
    print(f"device: {device}; measured bandwidth {bw:.1f} GB/s")
    print(f"{'n':>6} {'dtype':>10} {'mode':>8} {'Msite/s':>9} {'B/site':>7} {'GB/s':>7} {'of bw':>6}")
    for n in args.sizes:
        for real in (jnp.float32, jnp.float64):
            for frozen in (True, False):
                grid = Grid(n, n, 0.5, 0.5)
                lat = make_lattice(grid, dtype=real)
                params = make_params(2.0, 0.1, dtype=real)
                s0 = uniform_state(lat, *applied_link_phases(grid, 0.1, dtype=real))
                dt = jnp.asarray(check_time_step(None, grid, params, frozen), real)

                def run():
                    run_steps(s0, params, lat, dt, args.steps, frozen_A=frozen).psi.block_until_ready()

                t = _median_time(run)
                rate = n * n * args.steps / t
                r = jnp.dtype(real).itemsize
                bytes_per = (2 * 2 * r + 2 * r) if frozen else (2 * 2 * r + 4 * r)
                gbs = rate * bytes_per / 1e9
                rows.append({"n": n, "dtype": "complex64" if real == jnp.float32 else "complex128",
                             "mode": "frozen_A" if frozen else "full_A", "site_updates_per_s": rate,
                             "bytes_per_site_update": bytes_per, "GB_per_s": gbs, "fraction_of_bandwidth": gbs / bw})
                row = rows[-1]
                print(f"{n:>6} {row['dtype']:>10} {row['mode']:>8} {rate / 1e6:>9.1f} {bytes_per:>7} {gbs:>7.2f} "
                      f"{gbs / bw:>6.1%}")
    with open(args.out, "w") as fh:
        json.dump({"device": device, "bandwidth_GB_per_s": bw, "steps_per_call": args.steps, "rows": rows}, fh,
                  indent=2)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
