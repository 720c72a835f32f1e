"""Current-biased strip: the DCT Poisson solve and current conservation."""
import jax.numpy as jnp
import numpy as np
import pytest

from gl.errors import ParameterError
from gl.geometry import Disk, Grid
from gl.lattice import make_lattice
from gl.operators import covariant_laplacian, supercurrent
from gl.state import State, make_params
from gl.transport import check_strip, neumann_eigenvalues, potential, solve_poisson_neumann


def test_dct_solves_the_masked_lattice_laplacian(rng):
    grid = Grid(23, 11, 0.5, 0.4)
    lat = make_lattice(grid)
    rhs = rng.normal(size=grid.shape)
    rhs -= rhs.mean()
    mu = solve_poisson_neumann(jnp.asarray(rhs), jnp.asarray(neumann_eigenvalues(lat)))
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
    params = make_params(1.0, 0.0)
    J = 0.2
    mu = potential(state, params, lat, J, jnp.asarray(neumann_eigenvalues(lat)))
    jx, jy = supercurrent(state, lat)
    div_s = (jx - jnp.roll(jx, 1, 0)) / grid.hx + (jy - jnp.roll(jy, 1, 1)) / grid.hy
    div_n = -params.sigma * np.real(covariant_laplacian(mu + 0j, zero, zero, lat))
    q = np.zeros(grid.shape)
    q[0, :], q[-1, :] = J / grid.hx, -J / grid.hx
    np.testing.assert_allclose(np.asarray(div_s + div_n), q, atol=1e-10)


def test_strip_must_be_a_full_rectangle():
    with pytest.raises(ParameterError, match="rectangular"):
        check_strip(make_lattice(Grid(20, 20, 0.5, 0.5), Disk(4.0)))
