"""Layouts of the fast TDGL steps on an accelerator: which one XLA compiles best, measured side by side.

Usage:  python benchmarks/gpu_variants.py [--sizes 8192] [--site-updates 4e9] [--out FILE.json]

The fast kernels (:mod:`gl.kernel`) keep ψ as two real planes, (2, nx+2, ny+2), and the full-A state as
four, (4, nx+2, ny+2). On a GPU, XLA computes each element of a step's output in its own thread, so a
plane layout computes Re ψ and Im ψ of one node in two threads, each reading both planes at five nodes.
This script times, on whatever device JAX sees, the same step (the same functions of
:mod:`gl.kernel`: ``_psi_update``, ``_full_step``, ``_two_step_loop``) in other layouts:

* frozen A: ``planes`` (the library's ``frozen_steps``) against ``complex`` (ψ as one complex
  (1, nx+2, ny+2) buffer: both parts of a node in one thread);
* full A: ``planes`` (the library's ``full_steps``, link factors by the polynomial ``sincos``),
  ``planes+libm`` (the device's own sine and cosine), ``pairs`` (ψ and a_x + i a_y as one complex
  (2, nx+2, ny+2) buffer) and ``pairs+libm``;
* references: the copy bandwidth (x ← 1.0001 x over 1 GiB, 16 times in one call: no dispatch in the
  time) and a bare complex 5-point Laplacian step in the same two-step loop (what XLA reaches on a
  stencil of this shape).

Each variant is checked against ``planes`` after 20 steps on a 256² grid (max |difference| printed),
then timed (median of 3 calls after 2 warm-ups, the first call's time, with its compilation, shown apart). A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import json
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np

from throughput import _median_time, bandwidth   # the script beside this one


def _inputs(n, real, frozen):
    """Initial state and step arguments of the benchmark cases of throughput.py (same models)."""
    from gl import geometry, gauge, kernel, lattice, model as model_mod, state, tdgl

    grid = geometry.Grid(n, n, 0.5, 0.5)
    lat = lattice.make_lattice(grid, dtype=real)
    if frozen:
        model = model_mod.make_model(2.0, 0.1, vector_potential=model_mod.UNIFORM, gauge="landau_x", dtype=real)
        key = jax.random.PRNGKey(1)
        psi = (0.8 + 0.1 * jax.random.normal(key, grid.shape, real)).astype(jnp.result_type(real, jnp.complex64))
        field, site = kernel.pack(psi * lat.site, lat)
        ux, _ = gauge.unit_field_link_phases(grid, "landau_x", real)
        row = jnp.pad(0.1 * ux, ((0, 0), (1, 1)))
        links = kernel.Links(jnp.cos(row), -jnp.sin(row), None, None)
        h, eps, t0, dt = (jnp.asarray(v, real) for v in (0.5, 1.0, 0.0, 0.01 * 5.79))
        return field, dict(site=site, eps=eps, links=links, model=model, h=h, t0=t0, dt=dt)
    model = model_mod.make_model(2.0, 0.1, vector_potential=model_mod.BULK, dtype=real)
    s0 = state.random_state(lat, *gauge.applied_link_phases(grid, 0.1, dtype=real), jax.random.PRNGKey(1), 0.1)
    dt = tdgl.check_time_step(None, grid, model)
    fields, site, plaquette = kernel.pack_full(s0, lat)
    h, eps, t0, dt = (jnp.asarray(v, real) for v in (0.5, 1.0, 0.0, dt))
    return fields, dict(site=site, plaquette=plaquette, eps=eps, model=model, h=h, t0=t0, dt=dt)


def _frozen_planes(field, a, n_steps):
    from gl import kernel
    return kernel.frozen_steps(field, a["site"], a["eps"], a["links"], None, a["model"], a["h"], a["h"], a["t0"],
                               a["dt"], n_steps)


def _frozen_complex_steps(field, site, eps, links, model, h, dt, n_steps):
    from gl import kernel

    def step(f, k):
        re, im = kernel._psi_update(f[0].real, f[0].imag, site, eps, links, h, h, dt, model)
        return jax.lax.complex(re, im)[None]

    return kernel._two_step_loop(step, field, n_steps, (False, False))


_frozen_complex_jit = jax.jit(_frozen_complex_steps, donate_argnums=0)


def _laplacian_steps(field, dt, n_steps):
    from gl import kernel

    def step(f, k):
        g = f[0]
        lap = g[kernel._XP] + g[kernel._XM] + g[kernel._YP] + g[kernel._YM] - 4.0 * g[kernel._C]
        return (g[kernel._C] + dt * lap)[None]

    return kernel._two_step_loop(step, field, n_steps, (False, False))


_laplacian_jit = jax.jit(_laplacian_steps, donate_argnums=0)


def _to_complex(field):
    """(2k, …) real planes → (k, …) complex pairs."""
    return jax.lax.complex(field[0::2], field[1::2])


def _to_planes(field):
    return jnp.stack([field.real, field.imag], axis=1).reshape((-1,) + field.shape[1:])


def _full_variant_steps(fields, site, plaquette, eps, model, h, t0, dt, n_steps, pairs, libm):
    from gl import kernel

    def links_of(ax, ay):
        return kernel.Links(jnp.cos(ax), -jnp.sin(ax), jnp.cos(ay), -jnp.sin(ay)) if libm else None

    if pairs:
        def step(f, k):
            r, i, ax, ay = f[0].real, f[0].imag, f[1].real, f[1].imag
            new = kernel._full_step([r, i, ax, ay], site, plaquette, eps, model, h, h, t0 + k * dt, dt, links_of(ax, ay))
            return jax.lax.complex(new[0::2], new[1::2])
    else:
        def step(f, k):
            return kernel._full_step(f, site, plaquette, eps, model, h, h, t0 + k * dt, dt, links_of(f[2], f[3]))

    return kernel._two_step_loop(step, fields, n_steps, (False, False))


_full_variant_jit = jax.jit(_full_variant_steps, static_argnames=("pairs", "libm"), donate_argnums=0)


def frozen_variants():
    """name → (pack, steps(field, args, n), unpack): the frozen-A layouts."""
    ident = lambda f: f
    return {
        "planes": (ident, _frozen_planes, ident),
        "complex": (_to_complex, lambda f, a, n: _frozen_complex_jit(f, a["site"], a["eps"], a["links"], a["model"],
                                                                      a["h"], a["dt"], n), _to_planes),
    }


def full_variants():
    from gl import kernel

    ident = lambda f: f
    lib = lambda f, a, n: kernel.full_steps(f, a["site"], a["plaquette"], a["eps"], a["model"], a["h"], a["h"],
                                            a["t0"], a["dt"], n)
    var = lambda pairs, libm: (lambda f, a, n: _full_variant_jit(f, a["site"], a["plaquette"], a["eps"], a["model"],
                                                                 a["h"], a["t0"], a["dt"], n, pairs=pairs, libm=libm))
    return {
        "planes": (ident, lib, ident),
        "planes+libm": (ident, var(False, True), ident),
        "pairs": (_to_complex, var(True, False), _to_planes),
        "pairs+libm": (_to_complex, var(True, True), _to_planes),
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[8192])
    p.add_argument("--site-updates", type=float, default=4e9)
    p.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    p.add_argument("--out", default="benchmarks/gpu_variants.json")
    args = p.parse_args(argv)
    jax.config.update("jax_enable_x64", True)
    from gl.kernel import FULL_REALS_PER_SITE_UPDATE, site_bytes

    bw = bandwidth(1 << 30)
    device = f"{jax.devices()[0].device_kind} ({platform.machine()})"
    print(f"device: {device}; copy bandwidth {bw:.0f} GB/s (16 updates of 1 GiB in one call)", flush=True)
    rows = []
    for real in (getattr(jnp, d) for d in args.dtypes):
        dtype = "complex64" if real == jnp.float32 else "complex128"
        for frozen, variants in ((True, frozen_variants()), (False, full_variants())):
            mode = "frozen_A" if frozen else "full_A"
            f0, a0 = _inputs(256, real, frozen)
            ref = None
            for name, (pack, steps, unpack) in variants.items():   # agreement after 20 steps at 256²
                out = np.asarray(unpack(steps(pack(jnp.copy(f0)), a0, 20)))
                ref = out if ref is None else ref
                print(f"check {mode} {dtype} {name}: max |difference| to planes {np.max(np.abs(out - ref)):.1e}",
                      flush=True)
            for n in args.sizes:
                n_steps = max(2, int(args.site_updates / (n * n) / (1 if frozen else 4)) // 2 * 2)
                field, a = _inputs(n, real, frozen)
                bytes_per = site_bytes(real) if frozen else FULL_REALS_PER_SITE_UPDATE * np.dtype(real).itemsize
                cases = dict(variants)
                if frozen:
                    cases["laplacian (reference)"] = (_to_complex, lambda f, a, n: _laplacian_jit(f, a["dt"], n), None)
                for name, (pack, steps, _) in cases.items():
                    hold = {"f": pack(jnp.copy(field))}

                    def run():
                        hold["f"] = steps(hold["f"], a, n_steps)
                        hold["f"].block_until_ready()

                    t_compile = time.perf_counter()
                    run()
                    t_compile = time.perf_counter() - t_compile
                    rate = n * n * n_steps / _median_time(run)
                    if name.startswith("laplacian"):   # ψ read and written, no mask
                        bytes_per = 4 * np.dtype(real).itemsize
                    row = dict(n=n, dtype=dtype, mode=mode, variant=name, steps_per_call=n_steps,
                               site_updates_per_s=rate, fraction_of_copy_bandwidth=rate * bytes_per / 1e9 / bw,
                               first_call_s=t_compile)
                    rows.append(row)
                    print(f"{n:>6} {dtype:>10} {mode:>8} {name:>22}: {rate / 1e9:8.2f} G site-updates/s, "
                          f"{row['fraction_of_copy_bandwidth']:6.1%} of the copy bandwidth "
                          f"(first call {t_compile:.1f} s)", flush=True)
                    hold.clear()   # free the device buffer before the next case
    with open(args.out, "w") as fh:
        json.dump({"device": device, "copy_bandwidth_GB_per_s": bw, "rows": rows}, fh, indent=2)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
