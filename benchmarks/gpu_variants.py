"""The fast TDGL steps' layouts and carried buffers on an accelerator, measured side by side.

Usage:  python benchmarks/gpu_variants.py [--sizes 8192] [--site-updates 4e9] [--dtypes float32 float64]
                                          [--modes frozen full] [--out FILE.json]

The fast kernels (:mod:`gl.kernel`) choose by backend how they run a step; this script times every
choice on whatever device JAX sees, through the kernels' static arguments:

* frozen A: each of ``gl.kernel.FROZEN_LAYOUTS``: ``"planes"`` (Re ψ and Im ψ as two real planes),
  ``"complex"`` (ψ as one complex buffer: on a GPU both parts of a node in one thread, the GPU's
  choice) and both on aligned rows (each row's interior on a 64/128-byte boundary; the CPU's choice
  for in-cache grids is ``"planes_aligned"``); on a GPU also ``"pallas"`` (the planes stepped by the
  Pallas/Triton kernel of ``gl.pallas_steps``) at each block of :data:`PALLAS_BLOCKS` and
  ``"pallas_aligned"`` at :data:`PALLAS_ALIGNED_BLOCKS`;
* full A: ``carry="none"`` (link factors and B − H recomputed where used), ``"links"`` (the link
  factors written once per step into a carried buffer) and ``"links+excess"`` (B − H too), each with
  ``trig="polynomial"`` (``gl.kernel.sincos``) and ``"library"`` (the device's sine and cosine); on a GPU
  also the Pallas kernel of ``gl.pallas_steps`` (``layout="pallas"``) at :data:`FULL_PALLAS_BLOCKS`, with either;
* references: the copy bandwidth (x ← 1.0001 x over 1 GiB, 16 times in one call) and a bare complex
  5-point Laplacian step in the same two-step loop, with the interior at column 1 (the kernels'
  ghost layer) and at column 16 of rows padded to a multiple of 32 nodes (aligned rows): what XLA
  reaches on a stencil of this shape.

Each choice is checked against the first after 20 steps on the first timed grid (max |difference|
printed; the same compiled call as the timing, whose step count is traced, so nothing compiles twice),
then timed (median of 3 calls after a warm-up, whose time is kept apart; the compilation is in the check); the
JSON is rewritten after each row, so a run stopped at a time limit keeps what it measured.
Run 1 of this script (commit 23e48f6, ``gpu_variants_h200_session11_layouts.json``) also timed the
full-A step with ψ and a_x + i a_y as complex pairs and with the device's own sine and cosine. A
benchmark, not a test.
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

from throughput import _median_time, bandwidth, kernel_inputs   # the script beside this one


def _laplacian_steps(field, dt, n_steps, col0):
    """Bare complex Laplacian steps on a (1, n+2, pitch) buffer: interior rows 1..n, columns col0..col0+n−1,
    ghosts around them; two steps per loop iteration into alternating buffers, as gl.kernel's loop."""
    n = field.shape[1] - 2
    cols = lambda d: slice(col0 + d, col0 + d + n)

    def into(buffer, src):   # the next interior of src, written into buffer in place
        g = src[0]
        c = g[1:-1, cols(0)]
        lap = g[2:, cols(0)] + g[:-2, cols(0)] + g[1:-1, cols(1)] + g[1:-1, cols(-1)] - 4.0 * c
        return jax.lax.dynamic_update_slice(buffer, (c + dt * lap)[None], (0, 1, col0))

    def two(k, carry):
        scratch, current = carry
        mid = jax.lax.optimization_barrier(into(scratch, current))
        return mid, into(current, mid)

    return jax.lax.fori_loop(0, n_steps // 2, two, (jnp.copy(field), field))[1]


_laplacian_jit = jax.jit(_laplacian_steps, static_argnames=("col0",), donate_argnums=0)


def _laplacian_buffer(field, aligned):
    """The (2, n+2, n+2) planes as the Laplacian's complex buffer: as they are, or on the kernels' aligned
    rows (``gl.kernel._on_aligned_rows``)."""
    from gl.kernel import _on_aligned_rows

    c = jax.lax.complex(field[0], field[1])[None]
    return _on_aligned_rows(c) if aligned else c


#: (rows, columns[, warps]) of nodes per program at which the "pallas" layout is timed on a GPU: two nodes a
#: thread (the default, no spills on sm_90) at four shapes, then four and eight nodes a thread (more registers,
#: fewer programs resident; benchmarks/triton_registers.py, RESULTS.md section 17)
PALLAS_BLOCKS = ((8, 64), (8, 128), (16, 64), (4, 128), (8, 128, 8), (8, 128, 4))
#: and the "pallas_aligned" layout (its aligned rows let Triton vectorize the loads at the block's own columns:
#: 2-wide at two nodes a thread, RESULTS.md section 17; four nodes a thread may give 4-wide)
PALLAS_ALIGNED_BLOCKS = ((8, 64), (8, 128, 8))


def block_name(block) -> str:
    """'8x64 w8': a Pallas block and the warps its programs run on."""
    from gl.pallas_steps import _check_block

    (bm, bn), warps = _check_block(block)
    return f"{bm}x{bn} w{warps}"


def frozen_variants():
    """name → steps(field, args, n): the frozen-A layouts (the library's frozen_steps); the Pallas ones at
    each of their blocks, on a GPU only (elsewhere Pallas only interprets)."""
    from gl import kernel

    def lay(layout, block=None):
        return lambda f, a, n: kernel.frozen_steps(f, a["site"], a["eps"], a["links"], None, a["model"], a["h"],
                                                   a["h"], a["t0"], a["dt"], n, layout=layout, block=block)
    out = {f"layout={name}": lay(name) for name in kernel.FROZEN_LAYOUTS if not name.startswith("pallas")}
    if jax.default_backend() == "gpu":
        for name, blocks in (("pallas", PALLAS_BLOCKS), ("pallas_aligned", PALLAS_ALIGNED_BLOCKS)):
            out |= {f"layout={name} {block_name(b)}": lay(name, b) for b in blocks}
    return out


#: blocks at which the full-A step's "pallas" layout is timed on a GPU (each with both sines and cosines): two
#: nodes a thread at two shapes (float64 with the device's sine and cosine spills there), and one
FULL_PALLAS_BLOCKS = ((8, 64), (4, 128), (8, 64, 16))


def full_variants():
    """name → steps(fields, args, n): the full-A carried buffers, each with the polynomial and the device's
    sine and cosine (the library's full_steps, static ``carry`` and ``trig``); on a GPU also the Pallas
    kernel (``layout="pallas"``) at :data:`FULL_PALLAS_BLOCKS`."""
    from gl import kernel

    def variant(trig, **static):
        return lambda f, a, n: kernel.full_steps(f, a["site"], a["plaquette"], a["eps"], a["model"], a["h"], a["h"],
                                                 a["t0"], a["dt"], n, trig=trig, **static)
    out = {f"carry={c} trig={t}": variant(t, carry=c) for c in kernel.FULL_CARRIES for t in kernel.TRIG_CHOICES}
    if jax.default_backend() == "gpu":
        out |= {f"pallas {block_name(b)} trig={t}": variant(t, layout="pallas", block=b) for b in FULL_PALLAS_BLOCKS
                for t in kernel.TRIG_CHOICES}
    return out


def _write(path, record):
    """``record`` as JSON at ``path``, atomically (a run stopped at its time limit keeps the rows so far)."""
    tmp = f"{path}.tmp"
    with open(tmp, "w") as fh:
        json.dump(record, fh, indent=2)
    os.replace(tmp, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[8192])
    p.add_argument("--site-updates", type=float, default=4e9)
    p.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    p.add_argument("--modes", nargs="+", choices=["frozen", "full"], default=["frozen", "full"],
                   help="which kernels' variants to time: frozen A, full A")
    p.add_argument("--out", default="benchmarks/gpu_variants.json")
    args = p.parse_args(argv)
    jax.config.update("jax_enable_x64", True)
    from gl import kernel
    from gl.kernel import FULL_REALS_PER_SITE_UPDATE, site_bytes

    bw = bandwidth(1 << 30)
    device = f"{jax.devices()[0].device_kind} ({platform.machine()})"
    print(f"device: {device}; copy bandwidth {bw:.0f} GB/s (16 updates of 1 GiB in one call)", flush=True)
    rows = []

    def timed(n, dtype, mode, name, steps, buffer, n_steps, bytes_per):
        hold = {"f": buffer}

        def run():
            hold["f"] = steps(hold["f"], n_steps)
            hold["f"].block_until_ready()

        t_first = time.perf_counter()
        run()
        t_first = time.perf_counter() - t_first
        rate = n * n * n_steps / _median_time(run)
        rows.append(dict(n=n, dtype=dtype, mode=mode, variant=name, steps_per_call=n_steps, site_updates_per_s=rate,
                         fraction_of_copy_bandwidth=rate * bytes_per / 1e9 / bw, first_call_s=t_first))
        _write(args.out, {"device": device, "copy_bandwidth_GB_per_s": bw, "rows": rows})
        print(f"{n:>6} {dtype:>10} {mode:>8} {name:>26}: {rate / 1e9:8.2f} G site-updates/s, "
              f"{rows[-1]['fraction_of_copy_bandwidth']:6.1%} of the copy bandwidth (first call {t_first:.1f} s)",
              flush=True)
        hold.clear()   # free the device buffer before the next case

    for real in (getattr(jnp, d) for d in args.dtypes):
        dtype = "complex64" if real == jnp.float32 else "complex128"
        kinds = [(True, frozen_variants)] * ("frozen" in args.modes) + [(False, full_variants)] * ("full" in args.modes)
        for frozen, variants in ((f, make()) for f, make in kinds):
            mode = "frozen_A" if frozen else "full_A"
            f0, a0 = kernel_inputs(args.sizes[0], real, frozen, key=jax.random.PRNGKey(1))
            ref = None
            for name, steps in variants.items():   # agreement after 20 steps
                out = np.asarray(steps(jnp.copy(f0), a0, 20))
                ref = out if ref is None else ref
                print(f"check {mode} {dtype} {name}: max |difference| to the first {np.max(np.abs(out - ref)):.1e}",
                      flush=True)
            for n in args.sizes:
                n_steps = max(2, int(args.site_updates / (n * n) / (1 if frozen else 4)) // 2 * 2)
                field, a = kernel_inputs(n, real, frozen, key=jax.random.PRNGKey(1))
                bytes_per = site_bytes(real) if frozen else FULL_REALS_PER_SITE_UPDATE * np.dtype(real).itemsize
                for name, steps in variants.items():
                    timed(n, dtype, mode, name, lambda f, k, steps=steps, a=a: steps(f, a, k), jnp.copy(field),
                          n_steps, bytes_per)
                if frozen:   # the references: ψ read and written, no mask (4 reals a site-update)
                    for aligned, col0 in ((False, 1), (True, kernel.ALIGNED_COLUMN)):
                        name = "laplacian, aligned rows" if aligned else "laplacian"
                        timed(n, dtype, mode, name, lambda f, k, col0=col0, dt=a["dt"]: _laplacian_jit(f, dt, k, col0=col0),
                              _laplacian_buffer(field, aligned), n_steps, 4 * np.dtype(real).itemsize)
    _write(args.out, {"device": device, "copy_bandwidth_GB_per_s": bw, "rows": rows})
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
