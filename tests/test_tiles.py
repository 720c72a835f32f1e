"""The fast kernels stepped in tiles on threads (gl.tiles) give the one-call result to round-off
(1e-13 after tens of steps: the tiles run the same stencil, but float64 one-call steps on a CPU may use
the padded write and the tiles the in-place one, which XLA may compile with other roundings); the
tiles partition the grid and their exchanges fill every halo; tiles are used only where they apply.
Small grids here: the size threshold, halo and tile size are lowered for the test."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import gl.tiles as tiles
from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.geometry import Grid, Rectangle
from gl.kernel import tile_layout
from gl.lattice import make_lattice
from gl.model import BULK, FROZEN, UNIFORM, make_model
from gl.state import random_state
from gl.tdgl import _run_steps, _tile_threads, run_steps

HALO = 4


@pytest.fixture
def small_tiles(monkeypatch):
    """Tiles for grids of a few thousand nodes: halo 4, tiles of ~12-25 kB, two threads."""
    import gl.kernel as kernel

    monkeypatch.setattr(tiles, "MIN_SITES", 0)
    monkeypatch.setattr(tiles, "HALO", HALO)
    monkeypatch.setattr(kernel, "TILE_BYTES", {"frozen": 12_000, "full": 25_000})
    monkeypatch.setenv(tiles.THREADS_ENV, "2")


def _film(nx=96, ny=72, periodic_y=False, edge_cells="whole", field=0.3, gauge="symmetric", seed=0):
    grid = Grid(nx, ny, 0.5, 0.5, periodic_y=periodic_y, edge_cells=edge_cells)
    region = None if periodic_y else Rectangle(0.5 * (nx - 9), 0.5 * (ny - 5))   # vacuum rows and columns too
    lat = make_lattice(grid, region)
    s0 = random_state(lat, *applied_link_phases(grid, field, gauge), jax.random.PRNGKey(seed), 0.5)
    return grid, lat, s0


def _max(a, b):
    return float(jnp.max(jnp.abs(a - b)))


def test_tiles_partition_the_grid_and_the_transfers_fill_every_halo():
    lay = tiles.TileLayout(nx=100, ny=60, tiles_x=4, tiles_y=3, halo=5)
    owner = np.full((102, 62), -1)
    for k, (x0, x1, y0, y1) in enumerate(lay.owned):
        assert (owner[x0:x1, y0:y1] == -1).all()                           # no overlap
        owner[x0:x1, y0:y1] = k
    assert (owner >= 0).all()                                              # a partition, ghosts included
    for (x0, x1, y0, y1), (a0, a1, b0, b1) in zip(lay.owned, lay.held):
        assert 0 <= a0 <= max(0, x0 - 6) and min(102, x1 + 6) <= a1 <= 102     # owned ± (halo + 1), in the array
        assert 0 <= b0 <= max(0, y0 - 6) and min(62, y1 + 6) <= b1 <= 62
    assert len({(a1 - a0, b1 - b0) for a0, a1, b0, b1 in lay.held}) == 1    # one shape: one compilation
    a = jnp.arange(3 * 102 * 62.0).reshape(3, 102, 62)
    cut = [lay.cut(a, k) for k in range(lay.n_tiles)]
    assert _max(lay.join(cut), a) == 0                                     # cut then join is the identity
    # halos set to garbage come back as the owners' values after one exchange
    spoiled = []
    for k, t in enumerate(cut):
        x0, x1, y0, y1 = lay.owned[k]
        hx0, _, hy0, _ = lay.held[k]
        mask = jnp.ones(t.shape[-2:]).at[x0 - hx0:x1 - hx0, y0 - hy0:y1 - hy0].set(0.0)
        spoiled.append(t - 1e6 * mask[None])
    fixed = tiles._exchange(spoiled, lay)
    assert max(_max(f, c) for f, c in zip(fixed, cut)) == 0


def test_layout_choice(monkeypatch):
    frozen = make_model(2.0, 0.1, vector_potential=UNIFORM)
    lat = make_lattice(Grid(512, 512, 0.5, 0.5))          # below MIN_SITES: tiles only where the kernel keeps ≥ 10 MiB
    assert tile_layout(lat, frozen, jnp.float64, 2).n_tiles >= 2             # float64 frozen A: 10 MiB at 512²
    assert tile_layout(lat, frozen, jnp.float32, 2) is None                  # float32: 5 MiB, one call
    assert tile_layout(make_lattice(Grid(448, 448, 0.5, 0.5)), frozen, jnp.float64, 2) is None
    monkeypatch.setattr(tiles, "MIN_SITES", 512 * 512)
    assert tiles.layout(2048, 2048, 1, 20, 4 * 2 ** 20) is None             # one thread: one call
    assert tiles.layout(256, 256, 4, 20, 4 * 2 ** 20) is None               # small grid: one call
    big = tiles.MIN_BYTES // (480 * 480) + 1                                 # ...unless it keeps ≥ MIN_BYTES
    assert tiles.layout(480, 480, 2, big - 2, 8 * 2 ** 20) is None
    assert tiles.layout(480, 480, 2, big, 8 * 2 ** 20).n_tiles >= 2
    lay = tiles.layout(2048, 2048, 2, 20, 4 * 2 ** 20)
    sizes = [(x1 - x0) * (y1 - y0) * 20 for x0, x1, y0, y1 in lay.held]
    assert lay.n_tiles >= 2 and max(sizes) <= 1.2 * 4 * 2 ** 20             # tiles of about tile_bytes
    assert min(x1 - x0 for x0, x1, _, _ in lay.owned) >= 4 * lay.halo      # tiles own ≥ 4 halos a side
    assert tiles.layout(2048, 256, 2, 20, 4 * 2 ** 20, periodic_y=True).tiles_y == 1   # periodic y: cut along x
    lat = make_lattice(Grid(2048, 64, 0.5, 0.5, periodic_x=True))
    assert tile_layout(lat, make_model(2.0, 0.1, vector_potential=UNIFORM), jnp.float64, 2) is None


@pytest.mark.parametrize("n_steps", [HALO, 37])
@pytest.mark.parametrize("gauge", ["symmetric", "landau_x", "landau_y"])
def test_frozen_kernel_in_tiles_equals_one_call(small_tiles, gauge, n_steps):
    grid, lat, s0 = _film(gauge=gauge)
    model = make_model(2.0, 0.3, vector_potential=UNIFORM, gauge=gauge)
    assert _tile_threads(s0, model, lat, n_steps, (0.01, 0.0, None)) == 2
    lay = tile_layout(lat, model, jnp.float64, 2)
    assert lay.tiles_x >= 3 and lay.tiles_y >= 3                            # interior tiles exercised
    one = _run_steps(s0, model, lat, 0.01, n_steps)
    sl = run_steps(s0, model, lat, 0.01, n_steps)
    assert _max(one.psi, s0.psi) > 0.05                                     # the state really moved
    assert _max(sl.psi, one.psi) < 1e-13
    assert _max(sl.ax, one.ax) < 1e-13 and _max(sl.ay, one.ay) < 1e-13


def test_frozen_kernel_in_tiles_with_every_model_term(small_tiles):
    """H(t) ramp on a FROZEN A (links moved per step), ε(r), γ > 0, half edge cells, periodic y: equal to
    one call to 1e-13 (block start times t0 + k·halo·dt are rounded apart from t0 + k·dt)."""
    grid, lat, s0 = _film(periodic_y=True, edge_cells="half", gauge="landau_y", seed=3)
    eps = 1.0 - 0.3 * jnp.asarray(np.random.default_rng(1).random(grid.shape))
    model = make_model(2.0, ((0.0, 0.1), (1.0, 0.4)), gamma=5.0, epsilon=eps, vector_potential=FROZEN,
                       gauge="landau_y")
    one = _run_steps(s0, model, lat, 0.01, 41, 0.2)
    sl = run_steps(s0, model, lat, 0.01, 41, 0.2)
    assert _max(one.psi, s0.psi) > 0.05 and _max(one.ay, s0.ay) > 1e-3           # H(t) moved A
    assert _max(sl.psi, one.psi) < 1e-13
    assert _max(sl.ax, one.ax) < 1e-13 and _max(sl.ay, one.ay) < 1e-13


@pytest.mark.parametrize("edge_cells", ["whole", "half"])
def test_full_a_kernel_in_tiles_equals_one_call(small_tiles, edge_cells):
    grid, lat, s0 = _film(edge_cells=edge_cells, seed=5)
    model = make_model(2.0, 0.3, vector_potential=BULK)
    assert _tile_threads(s0, model, lat, 37, (0.005, 0.0, None)) == 2
    one = _run_steps(s0, model, lat, 0.005, 37)
    sl = run_steps(s0, model, lat, 0.005, 37)
    assert _max(one.ax, s0.ax) > 0.01                                       # A really evolved
    assert _max(sl.psi, one.psi) < 1e-12
    assert _max(sl.ax, one.ax) < 1e-12 and _max(sl.ay, one.ay) < 1e-12


def test_tiles_only_where_they_apply(small_tiles, monkeypatch):
    grid, lat, s0 = _film()
    model = make_model(2.0, 0.3, vector_potential=UNIFORM)
    assert _tile_threads(s0, model, lat, 10, (0.01, 0.0, None)) == 2
    # traced (inside jit or vmap): one compiled call
    seen = []
    jax.jit(lambda s: seen.append(_tile_threads(s, model, lat, 10, (0.01, 0.0, None))) or s.psi)(s0)
    assert seen == [1]
    assert _tile_threads(s0, model.replace(electric_potential=True), lat, 10, (0.01, 0.0, None)) == 1
    monkeypatch.setenv(tiles.THREADS_ENV, "1")
    assert _tile_threads(s0, model, lat, 10, (0.01, 0.0, None)) == 1
    for bad in ("0", "two"):
        monkeypatch.setenv(tiles.THREADS_ENV, bad)
        with pytest.raises(ParameterError, match="GL_KERNEL_THREADS"):
            tiles.kernel_threads()
