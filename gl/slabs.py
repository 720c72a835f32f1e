"""Large grids on several CPU cores: the fast kernels stepped in x-slabs with halo rows, one thread each.

XLA's CPU backend runs each fast step (:mod:`gl.kernel`: the new interior written in place) on
one core, and it neither splits that loop nor runs two independent ones at the same time; two
jitted calls made from two Python threads do run at the same time (JAX releases the GIL while
a computation runs). So a grid is cut into slabs of rows along x, one per core, and each slab
is stepped by the unchanged kernel in its own thread, ``halo`` steps per call:

* slab k owns the padded rows [p0, p1) and holds [p0 − halo − 1, p1 + halo + 1), clipped to the
  grid's padded rows, so the first and last slabs keep the grid's own ghost rows;
* the kernel treats the first and last rows of its slab as ghosts (never written); within a
  slab, a wrong value moves by at most one row per step (the stencils of both steps reach one
  node along x), so after ``halo`` steps the owned rows are exactly what one call over the
  whole grid gives; the rows beyond them are then copied in from the neighbouring slabs;
* every slab runs the same arithmetic on the same numbers as the whole grid, so the result is
  the same to the last bit (tests/test_slabs.py).

This is domain decomposition with overlapping halos (e.g. W. Gropp, E. Lusk, A. Skjellum,
*Using MPI*, MIT Press, 2nd ed. 1999, ch. 4: the Jacobi iteration with ghost points, with the
ghost width set to the number of steps between exchanges). It applies to grids open along x
(periodic x falls back to one call), on a CPU, outside ``jit``/``vmap`` (:func:`gl.tdgl.run_steps`
decides); the number of threads is :func:`kernel_threads`.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import math
import os

import jax
import numpy as np

#: halo rows on each side of a slab = steps per call between exchanges
HALO = 16
#: smallest grid (nodes) stepped in slabs: below it one call on one core is as fast (RESULTS.md §13)
MIN_SITES = 1024 * 1024 // 2
#: bytes a slab holds at most, about: a quarter of this machine's 32 MiB L3 (RESULTS.md §13)
SLAB_BYTES = 8 * 2 ** 20
#: environment variable that sets the number of threads (1 turns slabs off)
THREADS_ENV = "GL_KERNEL_THREADS"


def kernel_threads() -> int:
    """Threads for the slab-parallel kernels: ``$GL_KERNEL_THREADS`` if set, else the cores this
    process may run on.

    Raises:
        ParameterError: if ``GL_KERNEL_THREADS`` is not an integer ≥ 1.
    """
    value = os.environ.get(THREADS_ENV)
    if value is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    from .errors import ParameterError
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ParameterError(f"environment variable {THREADS_ENV} = {value!r}: allowed an integer >= 1")
    return n


@dataclasses.dataclass(frozen=True)
class SlabLayout:
    """Rows of each slab in the grid's padded arrays (nx + 2 rows: ghost, nx interior rows, ghost).

    Attributes:
        nx: interior rows of the grid.
        n_slabs: number of slabs (≥ 2).
        halo: rows each slab holds beyond its own on each side (besides the ghost row).
    """

    nx: int
    n_slabs: int
    halo: int

    @functools.cached_property
    def owned(self) -> tuple[tuple[int, int], ...]:
        """(p0, p1): the padded rows slab k owns; the first slab also owns ghost row 0, the last ghost row nx + 1."""
        cuts = [1 + round(k * self.nx / self.n_slabs) for k in range(self.n_slabs + 1)]
        cuts[0], cuts[-1] = 0, self.nx + 2
        return tuple(zip(cuts[:-1], cuts[1:]))

    @functools.cached_property
    def held(self) -> tuple[tuple[int, int], ...]:
        """(lo, hi): the padded rows slab k holds."""
        w = self.halo + 1
        return tuple((max(0, p0 - w), min(self.nx + 2, p1 + w)) for p0, p1 in self.owned)

    def cut(self, tree, k: int):
        """Slab k of every array leaf of ``tree`` whose axis −2 runs over the grid's rows: padded
        (nx + 2) → rows [lo, hi); unpadded (nx) → the slab's interior rows [lo, hi − 2). Other
        leaves (scalars, (1, ny + 2) rows, None) are returned as they are."""
        lo, hi = self.held[k]

        def one(a):
            n = np.shape(a)[-2] if np.ndim(a) >= 2 else None
            if n == self.nx + 2:
                return a[..., lo:hi, :]
            if n == self.nx:
                return a[..., lo:hi - 2, :]
            return a

        return jax.tree_util.tree_map(one, tree)

    def join(self, slabs):
        """The padded (…, nx + 2, ny + 2) array of the slabs' owned rows."""
        parts = [s[..., p0 - lo:p1 - lo, :] for s, (p0, p1), (lo, _) in zip(slabs, self.owned, self.held)]
        return jax.numpy.concatenate(parts, axis=-2)


def layout(nx: int, ny: int, threads: int, bytes_per_node: int, halo: int | None = None) -> SlabLayout | None:
    """The slab layout for an nx × ny grid on ``threads`` threads, or None when one call is better.

    Slabs hold about :data:`SLAB_BYTES` each (``bytes_per_node``: what the kernel keeps per node,
    both state buffers and the masks), so that a slab's ``halo`` steps run from the cache; their
    number is a multiple of ``threads`` and they own at least 4·``halo`` rows each (the halo rows
    are stepped twice); ``halo`` defaults to :data:`HALO`. None for one thread, fewer than :data:`MIN_SITES` nodes, or fewer than two
    such slabs."""
    halo = HALO if halo is None else halo
    if threads < 2 or nx * ny < MIN_SITES:
        return None
    n = max(threads, math.ceil(nx * ny * bytes_per_node / SLAB_BYTES))
    n = min(math.ceil(n / threads) * threads, nx // (4 * halo))
    return SlabLayout(nx, n, halo) if n >= 2 else None


@functools.partial(jax.jit, donate_argnums=0, static_argnames=("start",))
def _set_rows(a, rows, start):
    """``a`` with rows [start, start + len(rows)) (axis −2) replaced, in place."""
    index = (0,) * (a.ndim - 2) + (start, 0)
    return jax.lax.dynamic_update_slice(a, rows.astype(a.dtype), index)


@functools.partial(jax.jit, static_argnames=("start", "stop"))
def _rows(a, start, stop):
    return a[..., start:stop, :]


_POOLS: dict[int, concurrent.futures.ThreadPoolExecutor] = {}


def _pool(n: int) -> concurrent.futures.ThreadPoolExecutor:
    if n not in _POOLS:
        _POOLS[n] = concurrent.futures.ThreadPoolExecutor(n, thread_name_prefix="gl-slab")
    return _POOLS[n]


def run(step, state, lay: SlabLayout, n_steps: int, t0, dt, threads: int | None = None):
    """``n_steps`` steps of a fast kernel over the whole grid, slab by slab in threads.

    Args:
        step: ``step(k, slab, t, n)`` → slab k's padded state after ``n`` ≤ ``lay.halo`` steps
            from time ``t`` (the caller binds slab k's masks and coefficients, from
            :meth:`SlabLayout.cut`); it may donate ``slab``.
        state: the padded (c, nx + 2, ny + 2) state of the whole grid.
        lay: the :class:`SlabLayout`. n_steps: a Python int ≥ 0. t0, dt: times [t0].

    Returns:
        The padded state after ``n_steps`` steps, equal to one call of the kernel on the whole grid.
    """
    slabs = [lay.cut(state, k) for k in range(lay.n_slabs)]
    pool = _pool(min(lay.n_slabs, threads or kernel_threads()))

    def advance(k, t, n):
        out = step(k, slabs[k], t, n)
        return out.block_until_ready()

    done = 0
    while done < n_steps:
        n = min(lay.halo, n_steps - done)
        t = t0 + done * dt
        slabs = list(pool.map(lambda k: advance(k, t, n), range(lay.n_slabs)))
        done += n
        if done < n_steps:
            slabs = _exchange(slabs, lay)
    return lay.join(slabs)


def _exchange(slabs, lay: SlabLayout):
    """Each slab's rows beyond its own, copied from the slabs that own them."""
    incoming = []
    for k in range(lay.n_slabs):
        lo, hi = lay.held[k]
        p0, p1 = lay.owned[k]
        top = bottom = None
        if k > 0:                       # rows [lo, p0) belong to slab k − 1
            lo_prev = lay.held[k - 1][0]
            top = _rows(slabs[k - 1], start=lo - lo_prev, stop=p0 - lo_prev)
        if k < lay.n_slabs - 1:         # rows [p1, hi) belong to slab k + 1
            lo_next = lay.held[k + 1][0]
            bottom = _rows(slabs[k + 1], start=p1 - lo_next, stop=hi - lo_next)
        incoming.append((top, bottom))
    out = []
    for k, (top, bottom) in enumerate(incoming):
        lo, hi = lay.held[k]
        p0, p1 = lay.owned[k]
        s = slabs[k]
        if top is not None:
            s = _set_rows(s, top, start=0)
        if bottom is not None:
            s = _set_rows(s, bottom, start=p1 - lo)
        out.append(s)
    return out
