"""Fluxoid quantization on lattice contours (docs/model.md, "Discretization").

The fluxoid (1/2π)[Φ + ∮(∇θ − A)·dl] around any closed contour in the superconductor is an
integer to round-off (London); it is 0 around a vortex-free disk, equals the number of vortices
enclosed, and around the hole of a ring equals the imposed winding while the enclosed flux alone
is not an integer.
"""
import jax.numpy as jnp
import numpy as np
import pytest

from gl import observables as obs
from gl.driver import evolve
from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid, Rectangle, Ring
from gl.lattice import make_lattice, plaquette_region
from gl.minimize import minimize
from gl.model import FROZEN, make_model
from gl.state import State, uniform_state

from helpers import quenched_film

INTEGER_TOL = 1e-6


@pytest.fixture(scope="module")
def film_with_vortices():
    grid, lat, params, state = quenched_film(24, 24, 0.3, seed=3, amplitude=0.1)
    traj = evolve(state, params.with_vector_potential(FROZEN), lat, n_steps=1500, chunk_steps=500, progress=False)
    return grid, lat, traj.state


@pytest.mark.parametrize("region", [Disk(5.0), Disk(8.3, (1.0, -2.0)), Rectangle(15.0, 9.0, (2.0, 3.0)),
                                    Disk(11.0) - Disk(3.0)])
def test_fluxoid_is_integer_and_counts_enclosed_vortices(film_with_vortices, region):
    grid, lat, state = film_with_vortices
    v = obs.vortices(state, lat)
    assert v["n_vortices"] >= 10
    plaq = plaquette_region(grid, region)
    f = obs.fluxoid(state, lat, plaq)
    assert abs(f["fluxoid"] - round(f["fluxoid"])) < INTEGER_TOL
    w = np.asarray(obs.vorticity(state, lat))
    enclosed = int(w[plaq].sum())
    assert round(f["fluxoid"]) == enclosed
    assert abs(f["flux"] - round(f["flux"])) > 1e-3     # the flux alone is not quantized


def test_fluxoid_zero_around_vortex_free_disk():
    grid = Grid.covering(18, 18, 0.5)
    lat = make_lattice(grid, Disk(8.0))
    H = 0.05
    params = make_model(2.0, H, vector_potential=FROZEN)
    res = minimize(uniform_state(lat, *applied_link_phases(grid, H)), params, lat, tol=1e-9)
    assert obs.vortices(res.state, lat)["n_vortices"] == 0
    for r in (2.0, 4.5, 7.0):
        f = obs.fluxoid(res.state, lat, plaquette_region(grid, Disk(r)))
        assert abs(f["fluxoid"]) < INTEGER_TOL
        assert f["flux"] > 0.05                              # screened by the supercurrent term
        assert abs(f["flux"] + f["supercurrent_term"]) < INTEGER_TOL


@pytest.mark.parametrize("winding", [0, 1, 2, -1])
def test_ring_fluxoid_equals_winding_around_the_hole(winding):
    """A ring with winding n relaxed at H = 0.02: contours through the ring enclose the vacuum hole."""
    grid = Grid.covering(26, 26, 0.5)
    ring = Ring(6.0, 12.0)
    lat = make_lattice(grid, ring)
    H = 0.02
    params = make_model(2.0, H, vector_potential=FROZEN)
    X, Y = grid.nodes()
    psi = jnp.exp(1j * winding * jnp.arctan2(Y, X)) * lat.site
    state = State(psi, *applied_link_phases(grid, H))
    res = minimize(state, params, lat, tol=1e-8)
    assert obs.vortices(res.state, lat)["n_vortices"] == 0
    for r in (7.5, 9.0, 10.5):
        f = obs.fluxoid(res.state, lat, plaquette_region(grid, Disk(r)))
        assert abs(f["fluxoid"] - winding) < INTEGER_TOL
        assert abs(f["flux"] - H * np.pi * r ** 2 / (2 * np.pi)) < 0.15 * H * r ** 2


def test_contour_leaving_the_superconductor_is_rejected():
    grid = Grid.covering(26, 26, 0.5)
    lat = make_lattice(grid, Ring(6.0, 12.0))
    state = uniform_state(lat, *applied_link_phases(grid, 0.1))
    with pytest.raises(ParameterError, match="region_plaquettes"):
        obs.fluxoid(state, lat, plaquette_region(grid, Disk(4.0)))
