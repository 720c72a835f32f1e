"""Pinning sites (gl.pinning) as ε(r) < 1: a pin attracts a vortex; the landscape's geometry and errors.
The matching-field, field-ramp and field-cooling checks run in tests/test_experiment_pinning.py."""
import jax.numpy as jnp
import numpy as np
import pytest

from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid
from gl.lattice import make_lattice
from gl.minimize import minimize
from gl.model import UNIFORM, make_model
from gl.observables import vortices
from gl.pinning import pinning_landscape, random_pins, square_pin_array
from gl.state import State


def _vortex_at_centre(grid, lat, field):
    X, Y = grid.nodes()
    r = np.hypot(X, Y)
    psi = np.tanh(r / np.sqrt(2.0)) * np.exp(1j * np.arctan2(Y, X)) * np.asarray(lat.site)
    return State(jnp.asarray(psi), *applied_link_phases(grid, field))


def test_a_pin_in_the_vortex_core_lowers_the_energy():
    """One vortex in a disk (R = 8ξ, H = 0.08 B_c2, A frozen): the minimized free energy with a pin
    (radius ξ, ε = 0) in the core is lower than with the same pin 3ξ away — the pin costs
    condensation energy where |ψ| would be large and almost none where the core already suppresses
    it (δT_c pinning). The difference is a sizable part of the pin's cost in the bulk."""
    grid = Grid.covering(18, 18, 0.5)
    lat = make_lattice(grid, Disk(8.0))
    field = 0.08
    s0 = _vortex_at_centre(grid, lat, field)
    energies, positions = {}, {}
    for label, centre in (("on", (0.0, 0.0)), ("off", (3.0, 0.0))):
        eps = pinning_landscape(grid, [centre], 1.0, 1.0)
        res = minimize(s0, make_model(2.0, field, epsilon=eps, vector_potential=UNIFORM), lat, tol=1e-8, max_iter=8000)
        assert res.converged
        v = vortices(res.state, lat)
        assert v["n_vortices"] == 1 and v["n_antivortices"] == 0
        energies[label], positions[label] = res.energy, (float(v["x"][0]), float(v["y"][0]))
    no_pin = minimize(s0, make_model(2.0, field, vector_potential=UNIFORM), lat, tol=1e-8, max_iter=8000).energy
    assert energies["on"] < energies["off"]
    # the pin 3ξ from the core costs more than half of what the pinned core saves is worth: not a round-off effect
    assert energies["off"] - energies["on"] > 0.5 * (energies["off"] - no_pin) > 0
    assert np.hypot(*positions["on"]) < 1.0


def test_landscape_geometry_and_errors():
    grid = Grid.covering(20, 20, 0.5)
    centres = square_pin_array(20, 20, 5.0)
    assert centres.shape == (16, 2)
    np.testing.assert_allclose(np.unique(centres[:, 0]), [-7.5, -2.5, 2.5, 7.5])
    eps = pinning_landscape(grid, centres, 1.0, 0.6)
    # area fraction of pins ≈ 16π/400 within the lattice discretization
    assert abs(np.mean(eps < 1) - 16 * np.pi / 400) < 0.03
    assert set(np.unique(eps)) == {0.4, 1.0}
    rp = random_pins(100, 50, 0.02, seed=3)
    assert abs(len(rp) - 100) < 40 and np.all(np.abs(rp[:, 0]) <= 50) and np.all(np.abs(rp[:, 1]) <= 25)
    with pytest.raises(ParameterError, match="pin_radius"):
        pinning_landscape(grid, centres, -1.0, 0.5)
    with pytest.raises(ParameterError, match="pin_spacing"):
        square_pin_array(4, 4, 5.0)
    with pytest.raises(ParameterError, match="pin_density"):
        random_pins(10, 10, -1.0)
