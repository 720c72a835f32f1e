"""Throughput of the TDGL step: site-updates per second and fraction of the measured memory bandwidth.

Usage:  python benchmarks/throughput.py [--sizes 128 256 512 1024 2048 4096 8192] [--full-a-max 8192]
                                        [--out FILE.json]

For each grid n×n, precision (complex64 / complex128) and mode it times many steps per compiled
call (compile excluded, median of repeats) and prints a table:

* frozen A: the fast kernel ``gl.kernel.frozen_steps`` on a donated buffer, a
  :data:`gl.model.UNIFORM` model (uniform ε, constant uniform field in the Landau gauge: compact
  link rows built once per call, as ``gl.kernel.run_frozen`` does). Bytes per site-update it must move: ψ read and written and the
  site mask read, 5 reals (20 B at complex64, 40 B at complex128); ``gl.kernel.site_bytes``.
* full A: the fast kernel ``gl.kernel.full_steps`` (a :data:`gl.model.BULK` model: ψ and both
  link phases evolve), donated buffer. Bytes it must move: ψ, a_x, a_y read and written and the site and plaquette masks
  read, 10 reals (``gl.kernel.FULL_REALS_PER_SITE_UPDATE``).

The bandwidth reference is a jitted in-place update (donated) of a 512 MiB float32 array,
measured in the same run. A benchmark, not a test: numbers depend on the machine, which the
output names.
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


def uniform_links(grid, applied_field, real, gauge="landau_x"):
    """:class:`gl.kernel.Links` of a constant uniform field H in ``gauge``, compact (a row and/or a
    column), padded by one ghost layer: what ``gl.kernel.run_frozen`` builds for a
    :data:`gl.model.UNIFORM` model with a constant field, from public functions only (open edges)."""
    from gl.gauge import unit_field_link_phases
    from gl.kernel import Links

    ux, uy = unit_field_link_phases(grid, gauge, real)

    def pad(a):
        widths = ((0, 0), (1, 1)) if a.shape[0] == 1 else ((1, 1), (0, 0)) if a.shape[1] == 1 else ((1, 1), (1, 1))
        return jnp.pad(a, widths)

    def link(a):
        return (None, None) if a is None else (pad(jnp.cos(applied_field * a)), pad(-jnp.sin(applied_field * a)))

    (xr, xi), (yr, yi) = link(ux), link(uy)
    if xr is None:
        raise ValueError("a uniform-field gauge with no x-link phases is not used here")
    return Links(xr, xi, yr, yi)


def _frozen_rate(n, real, steps):
    from gl.geometry import Grid
    from gl.kernel import frozen_steps, pack
    from gl.lattice import make_lattice
    from gl.model import UNIFORM, make_model

    grid = Grid(n, n, 0.5, 0.5)
    lat = make_lattice(grid, dtype=real)
    model = make_model(2.0, 0.1, vector_potential=UNIFORM, gauge="landau_x", dtype=real)
    field, site = pack(lat.site.astype(jnp.result_type(real, jnp.complex64)), lat)
    links = uniform_links(grid, 0.1, real)
    hold = {"f": field}
    h, eps, t0, dt = (jnp.asarray(v, real) for v in (0.5, 1.0, 0.0, 0.01 * 5.79))

    def run():
        hold["f"] = frozen_steps(hold["f"], site, eps, links, None, model, h, h, t0, dt, steps)
        hold["f"].block_until_ready()

    t = _median_time(run)
    return n * n * steps / t


def _full_rate(n, real, steps):
    from gl.gauge import applied_link_phases
    from gl.geometry import Grid
    from gl.kernel import full_steps, pack_full
    from gl.lattice import make_lattice
    from gl.model import BULK, make_model
    from gl.state import uniform_state
    from gl.tdgl import check_time_step

    grid = Grid(n, n, 0.5, 0.5)
    lat = make_lattice(grid, dtype=real)
    model = make_model(2.0, 0.1, vector_potential=BULK, dtype=real)
    fields, site, plaquette = pack_full(uniform_state(lat, *applied_link_phases(grid, 0.1, dtype=real)), lat)
    dt = check_time_step(None, grid, model)
    h, eps, t0, dt = (jnp.asarray(v, real) for v in (0.5, 1.0, 0.0, dt))
    hold = {"f": fields}

    def run():
        hold["f"] = full_steps(hold["f"], site, plaquette, eps, model, h, h, t0, dt, steps)
        hold["f"].block_until_ready()

    return n * n * steps / _median_time(run)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[128, 256, 512, 1024, 2048, 4096, 8192])
    p.add_argument("--full-a-max", type=int, default=8192, help="largest n for the full-A kernel")
    p.add_argument("--site-updates", type=float, default=4e8, help="site-updates per timed call (sets the steps)")
    p.add_argument("--out", default="benchmarks/throughput.json")
    args = p.parse_args(argv)
    jax.config.update("jax_enable_x64", True)
    from gl.kernel import FULL_REALS_PER_SITE_UPDATE, site_bytes

    bw = bandwidth()
    device = f"{jax.devices()[0].device_kind} ({platform.processor() or platform.machine()}, {jax.device_count()} device(s))"
    rows = []
    print(f"device: {device}; measured bandwidth {bw:.1f} GB/s")
    print(f"{'n':>6} {'dtype':>10} {'mode':>8} {'steps':>6} {'Msite/s':>9} {'B/site':>7} {'GB/s':>7} {'of bw':>6}")
    for n in args.sizes:
        for real in (jnp.float32, jnp.float64):
            for frozen in (True, False):
                if not frozen and n > args.full_a_max:
                    continue
                r = jnp.dtype(real).itemsize
                steps = max(2, int(args.site_updates / (n * n) / (1 if frozen else 4)) // 2 * 2)
                rate = (_frozen_rate if frozen else _full_rate)(n, real, steps)
                bytes_per = site_bytes(real) if frozen else FULL_REALS_PER_SITE_UPDATE * r
                gbs = rate * bytes_per / 1e9
                rows.append({"n": n, "dtype": "complex64" if real == jnp.float32 else "complex128",
                             "mode": "frozen_A" if frozen else "full_A", "steps_per_call": steps,
                             "site_updates_per_s": rate, "bytes_per_site_update": bytes_per, "GB_per_s": gbs,
                             "fraction_of_bandwidth": gbs / bw})
                row = rows[-1]
                print(f"{n:>6} {row['dtype']:>10} {row['mode']:>8} {steps:>6} {rate / 1e6:>9.1f} {bytes_per:>7} "
                      f"{gbs:>7.2f} {gbs / bw:>6.1%}", flush=True)
    with open(args.out, "w") as fh:
        json.dump({"device": device, "bandwidth_GB_per_s": bw, "rows": rows}, fh, indent=2)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
