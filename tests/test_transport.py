"""Current-biased strip: the DCT Poisson solve and current conservation."""
import jax.numpy as jnp
import numpy as np
import pytest

from gl.errors import ParameterError
from gl.geometry import Disk, Grid
from gl.lattice import make_lattice
from gl.operators import covariant_laplacian, supercurrent
from gl.boundary import neumann_eigenvalues, solve_poisson_neumann
from gl.model import FROZEN, make_model
from gl.state import State
from gl.transport import check_strip, potential


def test_dct_solves_the_masked_lattice_laplacian(rng):
    grid = Grid(23, 11, 0.5, 0.4)
    lat = make_lattice(grid)
    rhs = rng.normal(size=grid.shape)
    rhs -= rhs.mean()
    mu = solve_poisson_neumann(jnp.asarray(rhs), neumann_eigenvalues(grid))
    zero = jnp.zeros(grid.shape)
    # the lattice Laplacian with links omitted at the edges is the gauge-covariant one at A = 0
    np.testing.assert_allclose(np.real(covariant_laplacian(mu + 0j, zero, zero, lat)), rhs, atol=1e-10)
    assert abs(float(jnp.mean(mu))) < 1e-12


def test_total_current_is_conserved(rng):
    """∇·(J_s − σ∇μ) = q_ext on every node: the bias enters at the left leads and leaves at the right."""
    grid = Grid(30, 9, 0.5, 0.5)
    lat = make_lattice(grid)
    psi = (0.8 + 0.1 * rng.normal(size=grid.shape)) * np.exp(1j * 0.3 * rng.normal(size=grid.shape))
    zero = jnp.zeros(grid.shape)
    state = State(jnp.asarray(psi), zero, zero)
    params = make_model(1.0, 0.0, vector_potential=FROZEN)
    J = 0.2
    mu = potential(state, params, lat, J)
    jx, jy = supercurrent(state, lat)
    div_s = (jx - jnp.roll(jx, 1, 0)) / grid.hx + (jy - jnp.roll(jy, 1, 1)) / grid.hy
    div_n = -params.sigma * np.real(covariant_laplacian(mu + 0j, zero, zero, lat))
    q = np.zeros(grid.shape)
    q[0, :], q[-1, :] = J / grid.hx, -J / grid.hx
    np.testing.assert_allclose(np.asarray(div_s + div_n), q, atol=1e-10)


def test_strip_must_be_a_full_rectangle():
    with pytest.raises(ParameterError, match="rectangular"):
        check_strip(make_lattice(Grid(20, 20, 0.5, 0.5), Disk(4.0)))


def test_isolated_film_with_potential_conserves_current_during_vortex_entry():
    """No terminals: the net current (supercurrent + normal current −σ∇μ) through every cross-section
    x = const vanishes during the relaxation of a random quench (charge conservation, to 1e-10 of
    the supercurrent's own net value); with μ = 0 (the fast frozen-A kernel) the net supercurrent
    through the cuts does not vanish."""
    from gl.gauge import applied_link_phases
    from gl.geometry import Rectangle
    import jax

    from gl.state import random_state
    from gl.tdgl import run_steps

    grid = Grid.covering(12.0, 8.0, 0.5)
    lat = make_lattice(grid, Rectangle(12.0, 8.0))
    params = make_model(2.0, 0.4, vector_potential=FROZEN)
    s0 = random_state(lat, *applied_link_phases(grid, 0.4, "landau_x"), jax.random.PRNGKey(3), 0.5)

    def net_currents(state):
        mu = potential(state, params, lat, 0.0)
        jx, _ = supercurrent(state, lat)
        jn = -params.sigma * (jnp.roll(mu, -1, axis=0) - mu) / grid.hx * lat.link_x
        return np.abs(np.asarray(jnp.sum(jx * lat.link_x, axis=1))[:-1]), \
            np.abs(np.asarray(jnp.sum((jx + jn) * lat.link_x, axis=1))[:-1])

    s = run_steps(s0, params.replace(electric_potential=True), lat, 0.02, 100)
    js, total = net_currents(s)
    assert js.max() > 1e-3                        # the supercurrent alone has a net flow in the transient
    assert total.max() < 1e-10 * max(js.max(), 1.0)
    s_mu0 = run_steps(s0, params, lat, 0.02, 100)
    js0, _ = net_currents(s_mu0)
    assert js0.max() > 1e-3                       # μ = 0 dynamics: net current through cuts during entry
