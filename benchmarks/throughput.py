"""Throughput of the TDGL step: site-updates per second and fraction of the measured memory bandwidth.

Usage:  python benchmarks/throughput.py [--sizes 128 256 512 1024 2048 4096 8192] [--full-a-max 8192]
                                        [--modes frozen full] [--old TREE --pairs 3] [--threads 2]
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

``--threads T`` adds a column for this code's tiled path (``gl.tiles``: ``run_frozen`` /
``run_full`` on a State, cut into tiles stepped on T threads, packing and unpacking included;
what ``gl.tdgl.run_steps`` runs for large grids on a CPU). Ratios are speeds against the first
column, the median over interleaved pairs of calls.

The bandwidth reference is a jitted in-place update (donated) of a 512 MiB float32 array, 16 times
in one call, measured in the same run. A benchmark, not a test: numbers depend on the machine, which the
output names.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import time
from pathlib import Path

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


def bandwidth(n_bytes=1 << 29, reps=16):
    """Effective GB/s of x ← 1.0001·x over a float32 array of ``n_bytes`` (read + write), ``reps`` times in
    one compiled call: one update of 512 MiB takes 0.25 ms on a GPU, where the dispatch of a call would
    count (2.2 TB/s measured with one update a call on an H200, against 4.3 TB/s copied)."""
    x = jnp.ones(n_bytes // 4, jnp.float32)
    f = jax.jit(lambda a: jax.lax.fori_loop(0, reps, lambda k, b: b * 1.0001, a), donate_argnums=0)
    state = {"x": x}

    def run():
        state["x"] = f(state["x"])
        state["x"].block_until_ready()

    return 2 * n_bytes * reps / _median_time(run, 5) / 1e9


def _mods(pkg, *names):
    return [importlib.import_module(f"{pkg}.{name}") for name in names]


def _state_call(kernel_run, state, model, lat, dt, steps, threads):
    """A zero-argument callable: ``steps`` steps of ``kernel_run`` (``run_frozen``/``run_full``) on a
    State, in tiles on ``threads`` threads (gl.tiles), packing and unpacking included."""
    hold = {"s": state}

    def run():
        hold["s"] = kernel_run(hold["s"], model, lat, dt, steps, threads=threads)
        hold["s"].psi.block_until_ready()

    return run


def kernel_inputs(n, real, frozen, pkg="gl", key=None):
    """(padded state, arguments) of the fast kernel's benchmark case on an n×n grid (spacing 0.5 ξ, open
    edges), as ``run_frozen``/``run_full`` would pack them. Frozen A: a UNIFORM model, constant
    H = 0.1 B_c2 in the Landau gauge, its compact link row built once; arguments site, eps, links,
    model, h, t0, dt. Full A: a BULK model (κ = 2) in the field's symmetric gauge; arguments site,
    plaquette, eps, model, h, t0, dt. ψ = 1, or with a PRNG ``key`` a random ψ (0.8 + 0.1·noise in the
    frozen case, ``random_state`` in the full one)."""
    geometry, kernel, lattice, model_mod, gauge = _mods(pkg, "geometry", "kernel", "lattice", "model", "gauge")
    grid = geometry.Grid(n, n, 0.5, 0.5)
    lat = lattice.make_lattice(grid, dtype=real)
    if frozen:
        model = model_mod.make_model(2.0, 0.1, vector_potential=model_mod.UNIFORM, gauge="landau_x", dtype=real)
        psi = lat.site if key is None else (0.8 + 0.1 * jax.random.normal(key, grid.shape, real)) * lat.site
        field, site = kernel.pack(psi.astype(jnp.result_type(real, jnp.complex64)), lat)
        ux, _ = gauge.unit_field_link_phases(grid, "landau_x", real)
        row = jnp.pad(0.1 * ux, ((0, 0), (1, 1)))
        links = kernel.Links(jnp.cos(row), -jnp.sin(row), None, None)
        h, eps, t0, dt = (jnp.asarray(v, real) for v in (0.5, 1.0, 0.0, 0.01 * 5.79))
        return field, dict(site=site, eps=eps, links=links, model=model, h=h, t0=t0, dt=dt)
    state, tdgl = _mods(pkg, "state", "tdgl")
    model = model_mod.make_model(2.0, 0.1, vector_potential=model_mod.BULK, dtype=real)
    links = gauge.applied_link_phases(grid, 0.1, dtype=real)
    s0 = state.uniform_state(lat, *links) if key is None else state.random_state(lat, *links, key, 0.1)
    fields, site, plaquette = kernel.pack_full(s0, lat)
    h, eps, t0, dt = (jnp.asarray(v, real) for v in (0.5, 1.0, 0.0, tdgl.check_time_step(None, grid, model)))
    return fields, dict(site=site, plaquette=plaquette, eps=eps, model=model, h=h, t0=t0, dt=dt)


def frozen_call(n, real, steps, pkg="gl", threads=1):
    """A zero-argument callable running ``steps`` frozen-A steps of ``pkg.kernel.frozen_steps`` on the
    donated n×n buffer of :func:`kernel_inputs`. ``threads`` > 1: ``run_frozen`` in tiles on that
    many threads (the State path, packing included)."""
    geometry, kernel, lattice, model_mod, gauge = _mods(pkg, "geometry", "kernel", "lattice", "model", "gauge")
    if threads > 1:
        grid = geometry.Grid(n, n, 0.5, 0.5)
        lat = lattice.make_lattice(grid, dtype=real)
        model = model_mod.make_model(2.0, 0.1, vector_potential=model_mod.UNIFORM, gauge="landau_x", dtype=real)
        state = _mods(pkg, "state")[0]
        s0 = state.uniform_state(lat, *gauge.applied_link_phases(grid, 0.1, "landau_x", dtype=real))
        s0 = s0.replace(psi=s0.psi.astype(jnp.result_type(real, jnp.complex64)))
        return _state_call(kernel.run_frozen, s0, model, lat, jnp.asarray(0.01 * 5.79, real), steps, threads)
    field, a = kernel_inputs(n, real, True, pkg)
    hold = {"f": field}
    args = lambda: (hold["f"], a["site"], a["eps"], a["links"], None, a["model"], a["h"], a["h"], a["t0"], a["dt"],
                    steps)

    def run():
        hold["f"] = kernel.frozen_steps(*args())
        hold["f"].block_until_ready()

    run.lower = lambda: kernel.frozen_steps.lower(*args())
    return run


def full_call(n, real, steps, pkg="gl", threads=1):
    """The same for the full-A kernel ``pkg.kernel.full_steps`` (a BULK model, κ = 2)."""
    kernel = _mods(pkg, "kernel")[0]
    fields, a = kernel_inputs(n, real, False, pkg)
    if threads > 1:
        geometry, lattice, gauge, state = _mods(pkg, "geometry", "lattice", "gauge", "state")
        grid = geometry.Grid(n, n, 0.5, 0.5)
        lat = lattice.make_lattice(grid, dtype=real)
        s0 = state.uniform_state(lat, *gauge.applied_link_phases(grid, 0.1, dtype=real))
        return _state_call(kernel.run_full, s0, a["model"], lat, a["dt"], steps, threads)
    hold = {"f": fields}
    args = lambda: (hold["f"], a["site"], a["plaquette"], a["eps"], a["model"], a["h"], a["h"], a["t0"], a["dt"], steps)

    def run():
        hold["f"] = kernel.full_steps(*args())
        hold["f"].block_until_ready()

    run.lower = lambda: kernel.full_steps.lower(*args())
    return run


def row_mode(frozen: bool) -> str:
    return "frozen_A" if frozen else "full_A"


def _write_hlo(path, title, run):
    """Append the optimized HLO of ``run``'s compiled kernel to ``path`` and print how many fusions
    (separate device kernels on a GPU) its text holds."""
    text = run.lower().compile().as_text()
    fusions = sum(1 for line in text.splitlines() if " fusion(" in line or "= fusion" in line)
    print(f"HLO of {title}: {fusions} fusion calls, {len(text)} characters -> {path}")
    with open(path, "a") as fh:
        fh.write(f"### {title}\n{text}\n")


def _timed(run):
    t = time.perf_counter()
    run()
    return time.perf_counter() - t


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048, 4096])
    p.add_argument("--full-a-max", type=int, default=4096, help="largest n for the full-A kernel")
    p.add_argument("--site-updates", type=float, default=4e8, help="site-updates per timed call (sets the steps)")
    p.add_argument("--old", default=None, help="a checkout of the code before a change: timed beside this one, "
                                                "calls interleaved old, new, new, old, …")
    p.add_argument("--pairs", type=int, default=3, help="timed calls per code and case (pairs with --old)")
    p.add_argument("--modes", nargs="+", choices=["frozen", "full"], default=["frozen", "full"],
                   help="which kernels to time: frozen A, full A (A evolving)")
    p.add_argument("--threads", type=int, default=0,
                   help="also time this code's tiled path (gl.tiles, run_frozen/run_full) on this many threads")
    p.add_argument("--out", default="benchmarks/throughput.json")
    p.add_argument("--hlo", default=None, help="also write the compiled HLO of this code's kernels at the largest "
                                                "size in complex64 to this file (to read its fusions offline)")
    args = p.parse_args(argv)
    jax.config.update("jax_enable_x64", True)
    from gl.kernel import FULL_REALS_PER_SITE_UPDATE, site_bytes

    codes = {"new": ("gl", 1)}
    if args.old:
        from kernel_before_after import _load_tree_as   # the script beside this one

        _load_tree_as("gl_old", Path(args.old))
        codes = {"old": ("gl_old", 1), "new": ("gl", 1)}
    if args.threads > 1:
        codes["tiles"] = ("gl", args.threads)
    if args.hlo:
        Path(args.hlo).unlink(missing_ok=True)
    bw = bandwidth()
    device = f"{jax.devices()[0].device_kind} ({platform.processor() or platform.machine()}, {jax.device_count()} device(s))"
    rows = []
    print(f"device: {device}; measured bandwidth {bw:.1f} GB/s; load average {os.getloadavg()[0]:.2f}")
    print(f"{'n':>6} {'dtype':>10} {'mode':>8} {'steps':>6} " + " ".join(f"{c + ' M/s':>10} {'of bw':>6}" for c in codes)
          + "".join(f" {c + '/' + list(codes)[0]:>10}" for c in list(codes)[1:]))
    for n in args.sizes:
        for real in (jnp.float32, jnp.float64):
            for frozen in (True, False):
                if ("frozen" if frozen else "full") not in args.modes or (not frozen and n > args.full_a_max):
                    continue
                r = jnp.dtype(real).itemsize
                steps = max(2, int(args.site_updates / (n * n) / (1 if frozen else 4)) // 2 * 2)
                calls = {c: (frozen_call if frozen else full_call)(n, real, steps, pkg, threads)
                         for c, (pkg, threads) in codes.items()}
                if args.hlo and n == max(args.sizes) and real == jnp.float32:
                    _write_hlo(args.hlo, f"{row_mode(frozen)} {n}x{n} complex64, {steps} steps", calls["new"])
                for run in calls.values():       # compile, then warm up
                    run()
                    run()
                times = {c: [] for c in codes}
                order = list(codes)
                for k in range(args.pairs):
                    for c in (order if k % 2 == 0 else order[::-1]):
                        times[c].append(_timed(calls[c]))
                bytes_per = site_bytes(real) if frozen else FULL_REALS_PER_SITE_UPDATE * r
                row = {"n": n, "dtype": "complex64" if real == jnp.float32 else "complex128",
                       "mode": row_mode(frozen), "steps_per_call": steps, "bytes_per_site_update": bytes_per}
                text = f"{n:>6} {row['dtype']:>10} {row['mode']:>8} {steps:>6} "
                for c in codes:
                    rate = n * n * steps / float(np.median(times[c]))
                    row[f"{c}_site_updates_per_s"] = rate
                    row[f"{c}_fraction_of_bandwidth"] = rate * bytes_per / 1e9 / bw
                    row[f"{c}_times_s"] = times[c]
                    text += f"{rate / 1e6:>10.1f} {rate * bytes_per / 1e9 / bw:>6.1%} "
                first = list(codes)[0]
                for c in list(codes)[1:]:       # speed ratio, median of the calls' pairs
                    ratio = float(np.median([a / b for a, b in zip(times[first], times[c])]))
                    row[f"{c}_over_{first}"] = ratio
                    text += f" {ratio:>10.2f}"
                rows.append(row)
                print(text, flush=True)
    with open(args.out, "w") as fh:
        json.dump({"device": device, "bandwidth_GB_per_s": bw, "old_tree": args.old, "threads": args.threads,
                   "load_average": os.getloadavg()[0], "rows": rows}, fh, indent=2)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
