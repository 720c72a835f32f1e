"""Large grids on several CPU cores: the fast kernels stepped in tiles with halos, on threads.

XLA's CPU backend runs each fast step (:mod:`gl.kernel`: the new interior written in place) on
one core, and neither splits that loop nor runs two independent ones at the same time; jitted
calls made from several Python threads do run at the same time (JAX releases the GIL while a
computation runs). Out of the cache one core streams the step at about a quarter of what it does
in the cache. So a large grid is cut into tiles of a few MiB, each stepped by the unchanged
kernel, ``halo`` steps per call, the calls spread over a pool of threads:

* tile k owns a box of the padded arrays and holds it with ``halo`` + 1 more rows and columns
  on each side, clipped to the arrays, so tiles at the grid's edges keep the grid's own ghosts
  (those own ``halo`` + 1 more, so all tiles hold boxes of one shape: one compilation);
* the kernel treats the outermost rows and columns of its tile as ghosts (never written); a
  wrong value there moves inward by at most one node per step (both steps' stencils reach one
  node), so after ``halo`` steps every owned node holds what one call over the whole grid gives;
  the held-but-not-owned nodes are then copied in from the tiles that own them
  (:attr:`TileLayout.transfers`: one compiled gather of the boxes, then each tile's boxes written
  in place by its own call on the pool);
* each tile runs the same stencil on the same numbers as the whole grid: the result agrees with
  one call to round-off (tests/test_tiles.py).

This is domain decomposition with overlapping halos as in the ghost-point Jacobi iteration (W.
Gropp, E. Lusk, A. Skjellum, *Using MPI*, 2nd ed., MIT Press 1999, ch. 4), with the ghost width
set to the steps between exchanges, which also makes it temporal cache blocking. It applies to
grids open along x (a grid periodic along y is cut along x only), on a CPU, outside
``jit``/``vmap`` (:func:`gl.tdgl.run_steps` decides); the number of threads is :func:`kernel_threads`.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import math
import os

import jax
import numpy as np

#: halo width (nodes on each side of a tile) = steps per call between exchanges
HALO = 16
#: smallest grid (nodes) stepped in tiles: below it one call on one core is as fast (RESULTS.md §13)
MIN_SITES = 1024 * 1024 // 2
#: a smaller grid is stepped in tiles too when the kernel keeps at least this many bytes for it (the default of
#: :func:`layout`'s ``min_bytes``; the kernels pass their own, gl.kernel.TILE_MIN_BYTES: this one for the full-A
#: step, whose one call no longer runs from the 32 MiB L3 in float64 from about 470²: RESULTS.md §13)
MIN_BYTES = 24 * 2 ** 20
#: environment variable that sets the number of threads (1 turns tiles off)
THREADS_ENV = "GL_KERNEL_THREADS"


def kernel_threads() -> int:
    """Threads for the tiled kernels: ``$GL_KERNEL_THREADS`` if set, else the cores this
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


def _cuts(n: int, parts: int, w: int) -> tuple[tuple[int, int], ...]:
    """[p0, p1) along one padded axis (n interior points and a ghost at each end) for ``parts`` tiles,
    in order: the inner tiles own equal shares, the first and last (ghosts included) ``w`` more (the
    last also the remainder), so that every tile holds the same length with ``w`` more on each side
    (the end tiles have nothing to hold beyond the array's ends) and all inner tiles sit alike in
    their boxes."""
    share = (n + 2 - 2 * w) // parts
    cuts = [0] + [w + k * share for k in range(1, parts)] + [n + 2]
    return tuple(zip(cuts[:-1], cuts[1:]))


def _held(cuts: tuple[tuple[int, int], ...], w: int, end: int) -> tuple[tuple[int, int], ...]:
    """[h0, h1) along one axis: each [p0 − w, p1 + w) clipped to [0, ``end``), then lengthened to the
    longest of them (by the remainder of :func:`_cuts`' shares, fewer nodes than tiles, on the side
    away from the array's end), so that every tile has the same shape."""
    if len(cuts) == 1:
        return ((0, end),)
    length = max(min(end, p1 + w) - max(0, p0 - w) for p0, p1 in cuts)
    return tuple((a, a + length) for a in (min(max(0, p0 - w), end - length) for p0, _ in cuts))


@dataclasses.dataclass(frozen=True)
class TileLayout:
    """The tiles of a grid's padded (nx + 2) × (ny + 2) arrays: ``tiles_x`` × ``tiles_y`` boxes that
    partition them (owned), each held with ``halo`` + 1 more rows and columns on every side, clipped
    to the array (so edge tiles keep the grid's own ghosts). The tiles at the grid's edges own
    ``halo`` + 1 more rows or columns than the others, so that every tile holds a box of the same
    shape (one compilation of the kernel for all, and of the halo refill for all inner tiles; the
    boxes are longer than needed by the remainder of the equal shares, fewer nodes than tiles).

    Attributes:
        nx, ny: interior nodes of the grid. tiles_x, tiles_y: tiles along x and y.
        halo: steps between exchanges (rows and columns each tile holds beyond its own, besides
            the one its kernel treats as ghosts).
    """

    nx: int
    ny: int
    tiles_x: int
    tiles_y: int
    halo: int

    @property
    def n_tiles(self) -> int:
        return self.tiles_x * self.tiles_y

    @functools.cached_property
    def owned(self) -> tuple[tuple[int, int, int, int], ...]:
        """(x0, x1, y0, y1) of each tile's own box, row-major over (tile x, tile y)."""
        w = self.halo + 1
        return tuple((x0, x1, y0, y1) for x0, x1 in _cuts(self.nx, self.tiles_x, w)
                     for y0, y1 in _cuts(self.ny, self.tiles_y, w))

    @functools.cached_property
    def held(self) -> tuple[tuple[int, int, int, int], ...]:
        """(x0, x1, y0, y1) of the box each tile holds: all of one shape, each containing its owned box
        and ``halo`` + 1 more nodes on every side that the array has."""
        w = self.halo + 1
        xs = _held(_cuts(self.nx, self.tiles_x, w), w, self.nx + 2)
        ys = _held(_cuts(self.ny, self.tiles_y, w), w, self.ny + 2)
        return tuple((x0, x1, y0, y1) for x0, x1 in xs for y0, y1 in ys)

    @functools.cached_property
    def transfers(self) -> tuple[tuple[int, int, tuple[int, int, int, int], tuple[int, int, int, int]], ...]:
        """(to, from, box in ``to``, box in ``from``): every part of a tile's held box that another tile
        owns, in each tile's local indices."""
        out = []
        for k, (hx0, hx1, hy0, hy1) in enumerate(self.held):
            for m, (ox0, ox1, oy0, oy1) in enumerate(self.owned):
                x0, x1, y0, y1 = max(hx0, ox0), min(hx1, ox1), max(hy0, oy0), min(hy1, oy1)
                if m == k or x0 >= x1 or y0 >= y1:
                    continue
                mx, my = self.held[m][0], self.held[m][2]
                out.append((k, m, (x0 - hx0, x1 - hx0, y0 - hy0, y1 - hy0), (x0 - mx, x1 - mx, y0 - my, y1 - my)))
        return tuple(out)

    def cut(self, tree, k: int):
        """Tile k of every array leaf of ``tree``: along axis −2, padded length nx + 2 → the held rows,
        unpadded nx → the held interior rows (the padded ones less the tile's ghost rows); along axis
        −1 the same with ny. Other axes and leaves (scalars, a length-1 axis, None) are kept."""
        x0, x1, y0, y1 = self.held[k]

        def along(n, n_grid, lo, hi):
            return slice(lo, hi) if n == n_grid + 2 else slice(lo, hi - 2) if n == n_grid else slice(None)

        def one(a):
            if np.ndim(a) < 2:
                return a
            return a[..., along(np.shape(a)[-2], self.nx, x0, x1), along(np.shape(a)[-1], self.ny, y0, y1)]

        return jax.tree_util.tree_map(one, tree)

    def join(self, tiles):
        """The padded (…, nx + 2, ny + 2) array of the tiles' owned boxes."""
        own = [t[..., x0 - hx0:x1 - hx0, y0 - hy0:y1 - hy0]
               for t, (x0, x1, y0, y1), (hx0, _, hy0, _) in zip(tiles, self.owned, self.held)]
        rows = [jax.numpy.concatenate(own[i * self.tiles_y:(i + 1) * self.tiles_y], axis=-1) for i in range(self.tiles_x)]
        return jax.numpy.concatenate(rows, axis=-2)


def layout(nx: int, ny: int, threads: int, bytes_per_node: int, tile_bytes: int, periodic_y: bool = False,
           halo: int | None = None, min_bytes: int | None = None) -> TileLayout | None:
    """The tiles for an nx × ny grid on ``threads`` threads, or None when one call is better.

    Tiles are about square and hold about ``tile_bytes`` each (``bytes_per_node``: what the kernel
    keeps per node, both state buffers and the masks; the kernels' sizes are
    :data:`gl.kernel.TILE_BYTES`), so that their ``halo`` steps run from the cache; they own at least 4·``halo`` nodes along each cut axis (the halo is stepped
    twice). A grid periodic along y is cut along x only (the kernel wraps y itself). ``halo``
    defaults to :data:`HALO`. None for one thread, fewer than :data:`MIN_SITES` nodes that keep
    fewer than ``min_bytes`` bytes (default :data:`MIN_BYTES`), or fewer than two tiles."""
    halo = HALO if halo is None else halo
    min_bytes = MIN_BYTES if min_bytes is None else min_bytes
    if threads < 2 or (nx * ny < MIN_SITES and nx * ny * bytes_per_node < min_bytes):
        return None
    most = lambda n: (n - 2 * halo) // (4 * halo)     # tiles along an axis that leave each a 4·halo share
    side = max(4 * halo, int(math.sqrt(tile_bytes / bytes_per_node)) - 2 * (halo + 1))
    tiles_y = 1 if periodic_y else max(1, min(most(ny), math.ceil(ny / side)))
    rows = max(4 * halo, tile_bytes // (bytes_per_node * (ny / tiles_y + 2 * (halo + 1))) - 2 * (halo + 1))
    tiles_x = max(1, min(most(nx), math.ceil(nx / rows)))
    if tiles_x * tiles_y < 2:
        tiles_x = min(2, most(nx))
    return _interned(TileLayout(nx, ny, tiles_x, tiles_y, halo)) if tiles_x * tiles_y >= 2 else None


@functools.lru_cache(maxsize=64)
def _interned(lay: TileLayout) -> TileLayout:
    """The first equal layout made: its boxes and transfers (cached properties, O(tiles²) to find)
    are worked out once, not on every call of a kernel in tiles."""
    return lay


@functools.partial(jax.jit, static_argnames=("transfers",))
def _gather(tiles, transfers):
    """The boxes of :attr:`TileLayout.transfers` read from their owners (small new arrays; nothing donated)."""
    return tuple(tiles[m][..., c0:c1, d0:d1] for _, m, _, (c0, c1, d0, d1) in transfers)


@functools.partial(jax.jit, static_argnames=("boxes",), donate_argnums=0)
def _refill(tile, pieces, boxes):
    """``tile`` with each of ``boxes`` (local (x0, x1, y0, y1)) set to the matching piece, in place."""
    for (a0, _, b0, _), p in zip(boxes, pieces):
        tile = jax.lax.dynamic_update_slice(tile, p, (0,) * (tile.ndim - 2) + (a0, b0))
    return tile


def _exchange(tiles, lay: "TileLayout", pool=None):
    """The tiles with every held-but-not-owned box copied in from the tile that owns it: one compiled
    gather of all boxes, then each tile's boxes written in place, the tiles spread over ``pool``."""
    pieces = jax.block_until_ready(_gather(tuple(tiles), lay.transfers))   # read before any tile is donated
    mine = [[] for _ in tiles]
    for (k, _, box, _), p in zip(lay.transfers, pieces):
        mine[k].append((box, p))

    def one(k):
        boxes = tuple(b for b, _ in mine[k])
        return _refill(tiles[k], tuple(p for _, p in mine[k]), boxes) if boxes else tiles[k]

    return list(pool.map(one, range(len(tiles)))) if pool is not None else [one(k) for k in range(len(tiles))]


_POOLS: dict[int, concurrent.futures.ThreadPoolExecutor] = {}


def thread_pool(n: int) -> concurrent.futures.ThreadPoolExecutor:
    """A pool of ``n`` worker threads, made once per size and kept."""
    if n not in _POOLS:
        _POOLS[n] = concurrent.futures.ThreadPoolExecutor(n, thread_name_prefix="gl-tile")
    return _POOLS[n]


def run(step, state, lay: TileLayout, n_steps: int, t0, dt, threads: int | None = None):
    """``n_steps`` steps of a fast kernel over the whole grid, tile by tile on threads.

    Args:
        step: ``step(k, tile, t, n)`` → tile k's padded state after ``n`` ≤ ``lay.halo`` steps
            from time ``t`` (the caller binds tile k's masks and coefficients, from
            :meth:`TileLayout.cut`); it may donate ``tile``.
        state: the padded (c, nx + 2, ny + 2) state of the whole grid.
        lay: the :class:`TileLayout`. n_steps: a Python int ≥ 0. t0, dt: times [t0].
        threads: worker threads (default :func:`kernel_threads`).

    Returns:
        The padded state after ``n_steps`` steps: one call of the kernel on the whole grid, to round-off.
    """
    tiles = [lay.cut(state, k) for k in range(lay.n_tiles)]
    pool = thread_pool(min(lay.n_tiles, threads or kernel_threads()))
    done = 0
    while done < n_steps:
        n = min(lay.halo, n_steps - done)
        t = t0 + done * dt
        tiles = list(pool.map(lambda k: step(k, tiles[k], t, n).block_until_ready(), range(lay.n_tiles)))
        done += n
        if done < n_steps:
            tiles = _exchange(tiles, lay, pool)
    return lay.join(tiles)
