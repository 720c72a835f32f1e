"""Exact gradients through steady states (implicit differentiation) and through TDGL (checkpointed
reverse mode), against central finite differences in float64."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid
from gl.lattice import make_lattice
from gl.model import BULK, UNIFORM, make_model
from gl.observables import magnetization
from gl.state import random_state, uniform_state
from gl.steady import differentiable_steps, steady_state

GRID = Grid.covering(8, 8, 0.5)
LAT = make_lattice(GRID, Disk(3.6))
S0 = uniform_state(LAT, *applied_link_phases(GRID, 0.3))


def _observable(theta, mode="reverse"):
    """|ψ|² summed + 3·M of the minimum, as a function of (κ, H, ε in the disk centre, T/T_c)."""
    kappa, field, eps_centre, temperature = theta
    eps = jnp.ones(GRID.shape).at[GRID.nx // 2, GRID.ny // 2].set(eps_centre)
    model = make_model(2.0, 0.3, vector_potential=UNIFORM, reference_temperature=0.5).replace(
        kappa=kappa, epsilon=eps).with_field(field)
    model = model.replace(temperature=model.temperature.__class__(model.temperature.times, jnp.reshape(temperature, (1,))))
    state = steady_state(S0, model, LAT, mode=mode)
    return jnp.sum(jnp.abs(state.psi) ** 2 * LAT.site) + 3.0 * magnetization(state, LAT, kappa)


@pytest.mark.slow
def test_steady_state_gradient_equals_central_differences():
    theta = jnp.array([2.0, 0.3, 0.6, 0.55])
    grad = np.asarray(jax.grad(_observable)(theta))
    fd = []
    for k in range(4):
        e = 1e-5 * float(theta[k])
        fd.append((float(_observable(theta.at[k].add(e))) - float(_observable(theta.at[k].add(-e)))) / (2 * e))
    np.testing.assert_allclose(grad, fd, rtol=1e-5)
    assert np.all(np.abs(grad) > 1e-3)               # every parameter really enters
    # forward mode (the fits' Jacobians) gives the same numbers
    np.testing.assert_allclose(np.asarray(jax.jacfwd(lambda t: _observable(t, "forward"))(theta)), grad, rtol=1e-8)


@pytest.mark.slow
def test_steady_state_gradient_with_A_evolving():
    """Gauge zero modes: the CG solve of the consistent singular system still gives the exact gradient."""
    def obs(kappa):
        model = make_model(2.0, 0.3, vector_potential=BULK).replace(kappa=kappa)
        return jnp.sum(jnp.abs(steady_state(S0, model, LAT, tol=1e-9).psi) ** 2 * LAT.site)

    e = 1e-4
    fd = (float(obs(jnp.asarray(2.0 + e))) - float(obs(jnp.asarray(2.0 - e)))) / (2 * e)
    assert float(jax.grad(obs)(jnp.asarray(2.0))) == pytest.approx(fd, rel=1e-5)


def test_tdgl_gradient_through_checkpointed_steps():
    """d(Σ|ψ|² after 400 steps)/d(H, γ, u) by reverse mode through √n-checkpointed segments equals
    central differences; the result equals the plain step loop."""
    from gl.tdgl import reference_steps

    s0 = random_state(LAT, *applied_link_phases(GRID, 0.3), jax.random.PRNGKey(0), 0.5)

    def final(theta, segment=None):
        field, gamma, u = theta
        model = make_model(2.0, 0.3, vector_potential=UNIFORM, gamma=1.0).with_field(field).replace(gamma=gamma, u=u)
        s = differentiable_steps(s0, model, LAT, 0.01, 400, segment=segment)
        return jnp.sum(jnp.abs(s.psi) ** 2 * LAT.site)

    theta = jnp.array([0.3, 1.0, 5.79])
    model = make_model(2.0, 0.3, vector_potential=UNIFORM, gamma=1.0)
    ref = reference_steps(s0, model, LAT, 0.01, 400)
    assert float(final(theta)) == pytest.approx(float(jnp.sum(jnp.abs(ref.psi) ** 2 * LAT.site)), rel=1e-12)
    assert float(final(theta, segment=7)) == pytest.approx(float(final(theta)), rel=1e-12)
    grad = np.asarray(jax.grad(final)(theta))
    for k in range(3):
        e = 1e-5 * float(theta[k])
        fd = (float(final(theta.at[k].add(e))) - float(final(theta.at[k].add(-e)))) / (2 * e)
        assert grad[k] == pytest.approx(fd, rel=1e-5)


def test_bad_arguments():
    with pytest.raises(ParameterError, match="mode"):
        steady_state(S0, make_model(2.0, 0.3, vector_potential=UNIFORM), LAT, mode="sideways")
    with pytest.raises(ParameterError, match="n_steps"):
        differentiable_steps(S0, make_model(2.0, 0.3), LAT, 0.01, 2.5)
