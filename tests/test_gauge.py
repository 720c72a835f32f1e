"""Gauge invariance of the lattice GL model (docs/model.md, "Discretization").

Under ψ → ψ e^{iχ}, a_ij → a_ij + χ_j − χ_i the free energy, |ψ|, the supercurrent, B and the
vorticity must be unchanged to round-off, for an arbitrary (random, large) χ.
"""
import jax.numpy as jnp
import numpy as np
import pytest

from gl import observables as obs
from gl.energy import free_energy, free_energy_terms
from gl.gauge import GAUGES, applied_link_phases, gauge_transform, magnetic_field, plaquette_flux
from gl.geometry import Grid
from gl.operators import supercurrent
from gl.lattice import make_lattice
from gl.state import uniform_state

from helpers import random_disk_state

ROUND_OFF = 1e-11


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_gauge_transformation_leaves_observables_unchanged(seed):
    grid, lat, state, params = random_disk_state(seed)
    chi = 10.0 * np.random.default_rng(100 + seed).normal(size=grid.shape)
    other = gauge_transform(state, chi)
    # the link phases really changed
    assert float(jnp.max(jnp.abs(other.ax - state.ax))) > 1.0
    F0, F1 = free_energy(state, params, lat), free_energy(other, params, lat)
    assert abs(float(F1 - F0)) <= ROUND_OFF * abs(float(F0))
    for k, v in free_energy_terms(state, params, lat).items():
        assert abs(float(free_energy_terms(other, params, lat)[k] - v)) <= ROUND_OFF * (1 + abs(float(v))), k
    np.testing.assert_allclose(np.abs(other.psi), np.abs(state.psi), atol=1e-13)
    for j0, j1 in zip(supercurrent(state, lat), supercurrent(other, lat)):
        np.testing.assert_allclose(j1, j0, atol=ROUND_OFF)
    np.testing.assert_allclose(magnetic_field(other, lat), magnetic_field(state, lat), atol=ROUND_OFF)
    np.testing.assert_array_equal(obs.vorticity(other, lat), obs.vorticity(state, lat))


@pytest.mark.parametrize("gauge", [g for g in GAUGES if g != "periodic"])
def test_applied_vector_potential_gives_uniform_flux(gauge):
    grid = Grid(9, 7, 0.5, 0.7)
    ax, ay = applied_link_phases(grid, 0.37, gauge)
    flux = np.asarray(plaquette_flux(ax, ay))[:-1, :-1]
    np.testing.assert_allclose(flux, 0.37 * grid.hx * grid.hy, rtol=1e-13)


def test_magnetically_periodic_cell_has_uniform_flux_on_every_plaquette():
    """N = 3 flux quanta through a periodic cell: every plaquette, wrap-around ones included,
    carries H·hx·hy (mod 2π), and an incommensurate field is refused."""
    grid = Grid(12, 10, 0.5, 0.6, periodic_x=True, periodic_y=True)
    H = 2 * np.pi * 3 / (12 * 0.5 * 10 * 0.6)
    ax, ay = applied_link_phases(grid, H)
    np.testing.assert_allclose(np.asarray(plaquette_flux(ax, ay)), H * grid.hx * grid.hy, rtol=1e-12)
    from gl.errors import ParameterError
    with pytest.raises(ParameterError, match="whole number of flux quanta"):
        applied_link_phases(grid, 1.01 * H)


def test_gauges_differ_by_a_lattice_gradient():
    """Symmetric and Landau gauges are related by χ = −Hxy/2 and χ = +Hxy/2: same physics."""
    grid = Grid(11, 9, 0.5, 0.5)
    H = 0.4
    lat = make_lattice(grid)
    sym = uniform_state(lat, *applied_link_phases(grid, H, "symmetric"))
    X, Y = grid.nodes()
    for gauge, sign in (("landau_x", -1.0), ("landau_y", 1.0)):
        moved = gauge_transform(sym, sign * H * X * Y / 2)
        ax, ay = applied_link_phases(grid, H, gauge)
        np.testing.assert_allclose(np.asarray(moved.ax)[:-1, :], np.asarray(ax)[:-1, :], atol=1e-13)
        np.testing.assert_allclose(np.asarray(moved.ay)[:, :-1], np.asarray(ay)[:, :-1], atol=1e-13)
