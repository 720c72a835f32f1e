"""The fast kernels stepped in x-slabs on threads (gl.slabs) give the one-call result to round-off
(1e-13 after tens of steps; the slabs run the same stencil, but float64 one-call steps on a CPU use
the padded write and the slabs the in-place one, which XLA may compile with other roundings); the
slabs partition the grid; slabs are used only where they apply. Small grids here: the size
threshold and halo are lowered for the test."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import gl.slabs as slabs
from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.geometry import Grid, Rectangle
from gl.kernel import slab_layout
from gl.lattice import make_lattice
from gl.model import BULK, FROZEN, UNIFORM, make_model
from gl.state import random_state
from gl.tdgl import _run_steps, _slab_threads, run_steps

HALO = 4


@pytest.fixture
def small_slabs(monkeypatch):
    """Slabs for grids of a few thousand nodes: halo 4, slabs of ~12 kB, two threads."""
    monkeypatch.setattr(slabs, "MIN_SITES", 0)
    monkeypatch.setattr(slabs, "HALO", HALO)
    monkeypatch.setattr(slabs, "SLAB_BYTES", 12_000)
    monkeypatch.setenv(slabs.THREADS_ENV, "2")


def _film(nx=96, ny=40, periodic_y=False, edge_cells="whole", field=0.3, gauge="symmetric", seed=0):
    grid = Grid(nx, ny, 0.5, 0.5, periodic_y=periodic_y, edge_cells=edge_cells)
    region = None if periodic_y else Rectangle(0.5 * (nx - 9), 0.5 * (ny - 5))   # vacuum rows and columns too
    lat = make_lattice(grid, region)
    s0 = random_state(lat, *applied_link_phases(grid, field, gauge), jax.random.PRNGKey(seed), 0.5)
    return grid, lat, s0


def _max(a, b):
    return float(jnp.max(jnp.abs(a - b)))


def test_layout_partitions_the_rows_and_holds_the_halos():
    lay = slabs.SlabLayout(nx=100, n_slabs=4, halo=5)
    owned = lay.owned
    assert owned[0][0] == 0 and owned[-1][1] == 102                       # ghost rows included
    assert all(a[1] == b[0] for a, b in zip(owned[:-1], owned[1:]))        # a partition, in order
    assert max(p1 - p0 for p0, p1 in owned[1:-1]) - min(p1 - p0 for p0, p1 in owned[1:-1]) <= 1
    for (p0, p1), (lo, hi) in zip(owned, lay.held):
        assert lo == max(0, p0 - 6) and hi == min(102, p1 + 6)
    a = jnp.arange(7 * 102 * 3.0).reshape(7, 102, 3)
    assert _max(lay.join([lay.cut(a, k) for k in range(4)]), a) == 0      # cut then join is the identity


def test_layout_choice(monkeypatch):
    monkeypatch.setattr(slabs, "MIN_SITES", 512 * 512)
    assert slabs.layout(2048, 2048, 1, 20) is None                          # one thread: one call
    assert slabs.layout(256, 256, 4, 20) is None                            # small grid: one call
    lay = slabs.layout(2048, 2048, 2, 20)
    assert lay.n_slabs % 2 == 0 and lay.n_slabs >= 2
    rows = 2048 / lay.n_slabs + 2 * (lay.halo + 1)
    assert rows * 2050 * 20 <= 1.2 * slabs.SLAB_BYTES                     # each slab about SLAB_BYTES
    assert 2048 // lay.n_slabs >= 4 * lay.halo                              # slabs own ≥ 4 halos of rows
    lat = make_lattice(Grid(2048, 64, 0.5, 0.5, periodic_x=True))
    assert slab_layout(lat, make_model(2.0, 0.1, vector_potential=UNIFORM), jnp.float64, 2) is None


@pytest.mark.parametrize("n_steps", [HALO, 37])
@pytest.mark.parametrize("gauge", ["symmetric", "landau_x", "landau_y"])
def test_frozen_kernel_in_slabs_equals_one_call(small_slabs, gauge, n_steps):
    grid, lat, s0 = _film(gauge=gauge)
    model = make_model(2.0, 0.3, vector_potential=UNIFORM, gauge=gauge)
    assert _slab_threads(s0, model, lat, n_steps, (0.01, 0.0, None)) == 2
    assert slab_layout(lat, model, jnp.float64, 2).n_slabs >= 4              # interior slabs exercised
    one = _run_steps(s0, model, lat, 0.01, n_steps)
    sl = run_steps(s0, model, lat, 0.01, n_steps)
    assert _max(one.psi, s0.psi) > 0.05                                     # the state really moved
    assert _max(sl.psi, one.psi) < 1e-13
    assert _max(sl.ax, one.ax) < 1e-13 and _max(sl.ay, one.ay) < 1e-13


def test_frozen_kernel_in_slabs_with_every_model_term(small_slabs):
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
def test_full_a_kernel_in_slabs_equals_one_call(small_slabs, edge_cells):
    grid, lat, s0 = _film(edge_cells=edge_cells, seed=5)
    model = make_model(2.0, 0.3, vector_potential=BULK)
    assert _slab_threads(s0, model, lat, 37, (0.005, 0.0, None)) == 2
    one = _run_steps(s0, model, lat, 0.005, 37)
    sl = run_steps(s0, model, lat, 0.005, 37)
    assert _max(one.ax, s0.ax) > 0.01                                       # A really evolved
    assert _max(sl.psi, one.psi) < 1e-12
    assert _max(sl.ax, one.ax) < 1e-12 and _max(sl.ay, one.ay) < 1e-12


def test_slabs_only_where_they_apply(small_slabs, monkeypatch):
    grid, lat, s0 = _film()
    model = make_model(2.0, 0.3, vector_potential=UNIFORM)
    assert _slab_threads(s0, model, lat, 10, (0.01, 0.0, None)) == 2
    # traced (inside jit or vmap): one compiled call
    seen = []
    jax.jit(lambda s: seen.append(_slab_threads(s, model, lat, 10, (0.01, 0.0, None))) or s.psi)(s0)
    assert seen == [1]
    assert _slab_threads(s0, model.replace(electric_potential=True), lat, 10, (0.01, 0.0, None)) == 1
    monkeypatch.setenv(slabs.THREADS_ENV, "1")
    assert _slab_threads(s0, model, lat, 10, (0.01, 0.0, None)) == 1
    for bad in ("0", "two"):
        monkeypatch.setenv(slabs.THREADS_ENV, bad)
        with pytest.raises(ParameterError, match="GL_KERNEL_THREADS"):
            slabs.kernel_threads()
