"""TDGL dynamics: it is the gradient flow of the discrete free energy, so F never increases.

docs/model.md, "The model": u ∂tψ = (∇ − iA)²ψ + (1 − |ψ|²)ψ, σ ∂tA = J_s − κ²∇×∇×A. On the lattice the right-hand
sides must equal −(1/hxhy) ∂F/∂ψ* and −(1/2hxhy) ∂F/∂A exactly (to round-off).
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gl.driver import evolve
from gl.energy import free_energy
from gl.errors import TimeStepError
from gl.geometry import Grid
from gl.lattice import make_lattice
from gl.model import BULK, FROZEN, make_model
from gl.state import State
from gl.tdgl import check_time_step, rhs, stability_limit

from helpers import quenched_film, random_disk_state


def test_rhs_is_the_gradient_of_the_free_energy():
    grid, lat, state, params = random_disk_state(seed=3)
    area = grid.hx * grid.hy

    def F(re, im, ax, ay):
        return free_energy(State((re + 1j * im) * lat.site, ax, ay), params, lat)

    g_re, g_im, g_ax, g_ay = jax.grad(F, argnums=(0, 1, 2, 3))(jnp.real(state.psi), jnp.imag(state.psi),
                                                                state.ax, state.ay)
    d = rhs(state, params, lat)
    # ∂F/∂ψ* = (g_re + i g_im)/2 ; a = h·A so ∂F/∂A_x = hx ∂F/∂a_x, and ∂t a_x = hx ∂t A_x
    np.testing.assert_allclose(d.psi * params.u, -(g_re + 1j * g_im) / (2 * area) * lat.site, atol=1e-12)
    np.testing.assert_allclose(d.ax * params.sigma, -grid.hx ** 2 * g_ax / (2 * area), atol=1e-12)
    np.testing.assert_allclose(d.ay * params.sigma, -grid.hy ** 2 * g_ay / (2 * area), atol=1e-12)
    assert float(jnp.max(jnp.abs(d.ax))) > 0.1   # the check is not vacuous


@pytest.mark.parametrize("vector_potential", [FROZEN, BULK])
def test_free_energy_never_increases(vector_potential):
    """Relaxation from a random quench in a field: F(t) is non-increasing at every recorded step."""
    grid, lat, params, state = quenched_film(12, 10, 0.4, seed=7, amplitude=0.3)
    traj = evolve(state, params.with_vector_potential(vector_potential), lat, n_steps=600, chunk_steps=5,
                  progress=False)
    F = np.asarray(traj.history["energy"])
    assert len(F) == 121
    dF = np.diff(F)
    assert np.all(dF <= 1e-12 * np.abs(F[1:])), f"F increased by up to {dF.max():.3e}"
    assert F[-1] < F[0] - 1.0   # it really relaxed


def test_time_derivative_of_free_energy_is_negative():
    """dF/dt = −2 hxhy Σ[u|∂tψ|² + σ(|∂tA_x|² + |∂tA_y|²)] ≤ 0 (lattice gradient-flow identity)."""
    grid, lat, state, params = random_disk_state(seed=5)
    d = rhs(state, params, lat)
    tangent = jax.jvp(lambda s: free_energy(s, params, lat), (state,), (d,))[1]
    area = grid.hx * grid.hy
    expected = -2 * area * (params.u * jnp.sum(jnp.abs(d.psi) ** 2)
                        + params.sigma * (jnp.sum((d.ax / grid.hx) ** 2) + jnp.sum((d.ay / grid.hy) ** 2)))
    assert float(tangent) < 0
    np.testing.assert_allclose(float(tangent), float(expected), rtol=1e-10)


def test_time_step_above_stability_limit_is_rejected():
    grid = Grid.covering(6, 6, 0.25)
    params = make_model(4.0, 0.1)
    limit = stability_limit(grid, params)
    assert check_time_step(None, grid, params) == pytest.approx(0.5 * limit)
    with pytest.raises(TimeStepError, match=r"parameter 'dt' = .* allowed \(0, "):
        check_time_step(1.01 * limit, grid, params)
    with pytest.raises(TimeStepError, match="'dt'"):
        check_time_step(-0.1, grid, params.with_vector_potential(FROZEN))


def test_stability_limit_is_sharp():
    """At 1.05× the limit a perturbation grows; at 0.95× it decays (A frozen).

    The worst case for |ψ| ≤ 1 is an amplitude perturbation of the uniform state ψ = 1 with the
    checkerboard pattern, the top eigenvector of the lattice Laplacian: λ = (4/hx² + 4/hy² + 2)/u.
    """
    grid = Grid(32, 32, 0.5, 0.5, periodic_x=True, periodic_y=True)
    lat = make_lattice(grid)
    params = make_model(1.0, 0.0, vector_potential=FROZEN)
    limit = stability_limit(grid, params)
    # checkerboard: the highest-frequency mode of the lattice Laplacian
    i, j = np.meshgrid(np.arange(32), np.arange(32), indexing="ij")
    psi0 = 1.0 + 1e-3 * (-1.0) ** (i + j)
    z = jnp.zeros(grid.shape)
    from gl.tdgl import run_steps
    grow = lambda f: float(jnp.max(jnp.abs(run_steps(State(jnp.asarray(psi0, complex), z, z), params, lat,
                                                          f * limit, 200).psi - 1.0)))
    assert grow(0.95) < 1e-3
    assert grow(1.05) > 1e-2
