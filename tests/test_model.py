"""One model, one energy (gl.model): the TDGL right-hand side is −∂F for every model variant, the
generalized TDGL solves its defining equation and lowers F, temperature enters as the GL scaling,
and schedules, errors and validation behave."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gl.energy import free_energy
from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.geometry import Grid, Rectangle
from gl.lattice import make_lattice
from gl.model import BULK, FROZEN, UNIFORM, condensation_density, condensation_factor, make_model, schedule
from gl.state import State
from gl.tdgl import reference_steps, rhs, run_steps

from helpers import random_disk_state


def _grad_psi_star(state, model, lat, t):
    """−∂F/∂ψ* per unit area: −(g_re + i g_im)/(2 hx hy)."""
    def F(re, im):
        return free_energy(State((re + 1j * im) * lat.site, state.ax, state.ay), model, lat, t)

    g_re, g_im = jax.grad(F, argnums=(0, 1))(jnp.real(state.psi), jnp.imag(state.psi))
    return -(g_re + 1j * g_im) / (2 * lat.hx * lat.hy) * lat.site


@pytest.mark.parametrize("vector_potential", [FROZEN, BULK])
def test_rhs_is_minus_dF_for_random_epsilon_and_time_dependent_field(vector_potential):
    """u ∂tψ = −∂F/∂ψ* and σ ∂t a = −h²/(2hxhy) ∂F/∂a to round-off, ε(r) random in [−0.5, 1],
    H(t) and T(t) ramps, evaluated mid-ramp (t = 0.3)."""
    grid, lat, state, _ = random_disk_state(seed=21)
    eps = np.random.default_rng(4).uniform(-0.5, 1.0, grid.shape)
    model = make_model(2.0, [(0.0, 0.1), (1.0, 0.5)], epsilon=eps, temperature=[(0.0, 0.3), (1.0, 0.1)],
                       reference_temperature=0.2, vector_potential=vector_potential)
    t = 0.3
    d = rhs(state, model, lat, t)
    np.testing.assert_allclose(d.psi * model.u, _grad_psi_star(state, model, lat, t), atol=1e-12)
    assert float(jnp.max(jnp.abs(d.psi))) > 0.1
    area = grid.hx * grid.hy
    if vector_potential is BULK:
        g_ax, g_ay = jax.grad(lambda ax, ay: free_energy(State(state.psi, ax, ay), model, lat, t),
                              argnums=(0, 1))(state.ax, state.ay)
        np.testing.assert_allclose(d.ax * model.sigma, -grid.hx ** 2 * g_ax / (2 * area), atol=1e-12)
        np.testing.assert_allclose(d.ay * model.sigma, -grid.hy ** 2 * g_ay / (2 * area), atol=1e-12)
    else:   # the frozen links drift with the applied potential: ∂t a = Ḣ·a_unit, Ḣ = 0.4
        ux, uy = applied_link_phases(grid, 1.0)
        np.testing.assert_allclose(d.ax, 0.4 * ux, atol=1e-13)
        np.testing.assert_allclose(d.ay, 0.4 * uy, atol=1e-13)


def test_condensation_factor_is_minus_the_derivative_of_the_density():
    n = jnp.linspace(0.0, 1.5, 7)
    eps = jnp.linspace(-0.5, 1.0, 7)
    derivative = jax.vmap(jax.grad(condensation_density))(n, eps)
    np.testing.assert_allclose(condensation_factor(n, eps), -derivative, atol=1e-15)
    np.testing.assert_allclose(condensation_density(n, eps), -eps * n + 0.5 * n * n, atol=1e-15)


def test_generalized_tdgl_solves_its_equation_and_lowers_the_energy():
    """With γ = 10 the rate X = ∂tψ satisfies u/√(1+γ²n)(X + γ² Re(ψ*X) ψ) = −∂F/∂ψ* (pyTDGL's
    Eq. 1 with ∂t|ψ|² = 2 Re ψ*X) to round-off, and dF/dt = 2hxhy Re Σ (∂F/∂ψ)·X < 0."""
    grid, lat, state, _ = random_disk_state(seed=8)
    model = make_model(2.0, 0.3, gamma=10.0, vector_potential=FROZEN)
    X = rhs(state, model, lat).psi
    psi = state.psi
    n = jnp.abs(psi) ** 2
    lhs = model.u / jnp.sqrt(1 + 100.0 * n) * (X + 100.0 * jnp.real(jnp.conj(psi) * X) * psi)
    np.testing.assert_allclose(lhs, _grad_psi_star(state, model, lat, 0.0), atol=1e-11)
    dF = jax.jvp(lambda s: free_energy(s, model, lat), (state,), (State(X, 0 * state.ax, 0 * state.ay),))[1]
    assert float(dF) < 0
    # γ = 0 is plain TDGL
    np.testing.assert_allclose(rhs(state, make_model(2.0, 0.3, gamma=0.0), lat).psi * 5.79,
                               _grad_psi_star(state, model, lat, 0.0), atol=1e-12)


def test_generalized_tdgl_energy_never_increases():
    grid = Grid.covering(12, 12, 0.5)
    lat = make_lattice(grid, Rectangle(12, 10))
    from gl.driver import evolve
    from gl.state import random_state

    model = make_model(2.0, 0.4, gamma=10.0, vector_potential=UNIFORM)
    s0 = random_state(lat, *applied_link_phases(grid, 0.4), jax.random.PRNGKey(2), amplitude=0.3)
    traj = evolve(s0, model, lat, n_steps=2000, chunk_steps=20, progress=False)
    F = np.asarray(traj.history["energy"])
    assert np.all(np.diff(F) <= 1e-12 * np.abs(F[1:])), np.diff(F).max()
    assert F[-1] < F[0] - 1.0


def test_temperature_enters_as_the_gl_scaling():
    """A film at T = 0.95 T_c in units of ξ(0) (ε = 1 − T/T_c = 0.05) is the reference run at
    T_ref = 0.95 T_c (ε = 1) after rescaling: lengths by √θ, fields by θ, ψ by √θ, time by θ
    (θ = 1 − T/T_c; λ, ξ ∝ θ^(−1/2), B_c2 ∝ θ, ψ∞² ∝ θ, t0 ∝ λ²). Agreement to 1e-12."""
    theta = 0.05
    h_ref, b_ref, dt_ref = 0.5, 0.3, 0.05
    g_ref = Grid(30, 26, h_ref, h_ref)
    g_0 = Grid(30, 26, h_ref / np.sqrt(theta), h_ref / np.sqrt(theta))     # the same film in ξ(0)
    lat_ref, lat_0 = make_lattice(g_ref, Rectangle(12, 10)), make_lattice(g_0, Rectangle(12 / np.sqrt(theta), 10 / np.sqrt(theta)))
    rng = np.random.default_rng(5)
    psi = 0.5 * (rng.normal(size=g_ref.shape) + 1j * rng.normal(size=g_ref.shape)) * np.asarray(lat_ref.site)
    a_ref = applied_link_phases(g_ref, b_ref)
    a_0 = applied_link_phases(g_0, b_ref * theta)
    np.testing.assert_allclose(a_ref[0], a_0[0], atol=1e-14)            # link phases are physical: the same
    ref = run_steps(State(jnp.asarray(psi), *a_ref), make_model(2.0, b_ref, vector_potential=UNIFORM,
                    temperature=0.95, reference_temperature=0.95), lat_ref, dt_ref, 200)
    zero_K = make_model(2.0, b_ref * theta, vector_potential=UNIFORM, temperature=0.95, reference_temperature=0.0)
    out = run_steps(State(jnp.asarray(psi * np.sqrt(theta)), *a_0), zero_K, lat_0, dt_ref / theta, 200)
    assert float(jnp.max(jnp.abs(ref.psi - jnp.asarray(psi)))) > 0.1
    np.testing.assert_allclose(out.psi / np.sqrt(theta), ref.psi, atol=1e-12)


def test_time_dependent_temperature_above_tc_destroys_superconductivity():
    """ε(t) < 0 above T_c: |ψ|² decays; back below T_c it recovers (|ψ| > 0.9 in the interior)."""
    grid = Grid.covering(8, 8, 0.5)
    lat = make_lattice(grid, Rectangle(8, 8))
    s = State(jnp.asarray(lat.site, complex), *applied_link_phases(grid, 0.0))
    hot = make_model(1.0, 0.0, vector_potential=FROZEN, temperature=1.2, reference_temperature=0.5)
    s = run_steps(s, hot, lat, 0.1, 3000)
    assert float(jnp.max(jnp.abs(s.psi))) < 1e-3
    cold = make_model(1.0, 0.0, vector_potential=FROZEN, temperature=[(0.0, 1.2), (50.0, 0.5)],
                      reference_temperature=0.5)
    s = run_steps(s.replace(psi=s.psi + 1e-3 * lat.site), cold, lat, 0.1, 6000)
    assert float(jnp.abs(s.psi[grid.nx // 2, grid.ny // 2])) > 0.9


def test_schedules_and_bad_input():
    sch = schedule([(0.0, 1.0), (2.0, 3.0)])
    assert float(sch.at(1.0)) == pytest.approx(2.0) and float(sch.at(5.0)) == 3.0 and float(sch.at(-1.0)) == 1.0
    assert schedule(0.5).is_constant and not sch.is_constant
    with pytest.raises(ParameterError, match="knot times must increase"):
        schedule([(1.0, 0.0), (0.5, 1.0)], name="applied_field")
    for kw, name in [(dict(kappa=-1.0), "kappa"), (dict(kappa=1.0, gamma=-1.0), "gamma"),
                     (dict(kappa=1.0, reference_temperature=1.0), "reference_temperature"),
                     (dict(kappa=1.0, vector_potential="pearl"), "vector_potential"),
                     (dict(kappa=1.0, epsilon=np.nan), "epsilon"),
                     (dict(kappa=1.0, applied_field=np.inf), "applied_field")]:
        with pytest.raises(ParameterError, match=name):
            make_model(**kw)


def test_model_must_fit_the_lattice():
    from gl.driver import evolve
    from gl.geometry import Disk

    grid = Grid(10, 10, 0.5, 0.5)
    lat = make_lattice(grid, Disk(2.0))
    s = State(jnp.asarray(lat.site, complex), *applied_link_phases(grid, 0.0))
    with pytest.raises(ParameterError, match="epsilon"):
        evolve(s, make_model(1.0, epsilon=np.ones((3, 3))), lat, n_steps=1, progress=False)
    with pytest.raises(ParameterError, match="rectangular"):
        evolve(s, make_model(1.0, vector_potential=FROZEN, electric_potential=True), lat, n_steps=1, progress=False)
    for bad in (2.7, -1, True):
        with pytest.raises(ParameterError, match="n_steps"):
            evolve(s, make_model(1.0), lat, n_steps=bad, progress=False)


def test_reference_and_fast_agree_through_a_ramp_and_chunks():
    """Chunked evolution through a field ramp (t passed between chunks) equals one reference call."""
    from gl.driver import evolve
    from gl.state import random_state

    grid = Grid.covering(10, 10, 0.5)
    lat = make_lattice(grid, Rectangle(10, 10))
    model = make_model(2.0, [(0.0, 0.0), (20.0, 0.5)], vector_potential=UNIFORM)
    s0 = random_state(lat, *applied_link_phases(grid, 0.0), jax.random.PRNGKey(1), 0.5)
    traj = evolve(s0, model, lat, n_steps=300, dt=0.1, chunk_steps=70, progress=False)
    ref = reference_steps(s0, model, lat, 0.1, 300)
    assert float(jnp.max(jnp.abs(traj.state.psi - ref.psi))) < 1e-11
    np.testing.assert_allclose(traj.state.ax, applied_link_phases(grid, 0.5)[0], atol=1e-12)


def test_slow_field_ramp_ends_in_the_static_state():
    """Below the vortex-entry field a slow ramp H(t): 0 → 0.12 B_c2 ends in the same state as a run
    that starts at the final field (the Meissner branch is unique): no vortices in either, free
    energies equal to 1e-9 and |ψ| equal to 1e-5 after the same L-BFGS polish. (Above the entry
    field the two differ: the edge barrier lets a sudden field push in more vortices than a slow
    ramp — e.g. 8 against 4 at 0.3 B_c2 in this film — which is physics, not a defect.)"""
    from gl.driver import evolve
    from gl.minimize import minimize
    from gl.observables import vortices
    from gl.state import uniform_state

    grid = Grid.covering(16, 16, 0.5)
    lat = make_lattice(grid, Rectangle(16, 16))
    finals = []
    for field, t_total in ((0.12, 600.0), ([(0.0, 0.0), (1500.0, 0.12)], 2100.0)):
        model = make_model(2.0, field, vector_potential=UNIFORM)
        s = uniform_state(lat, *applied_link_phases(grid, float(model.field(0.0))))
        traj = evolve(s, model, lat, n_steps=int(t_total / 0.17), dt=0.17, chunk_steps=2000, progress=False)
        res = minimize(traj.state, model, lat, t=traj.time, tol=1e-9, max_iter=5000)
        assert vortices(res.state, lat)["n_vortices"] == 0
        finals.append(res)
    assert abs(finals[0].energy - finals[1].energy) < 1e-9 * abs(finals[0].energy)
    np.testing.assert_allclose(np.abs(finals[1].state.psi), np.abs(finals[0].state.psi), atol=1e-5)


@pytest.mark.parametrize("field", [0.3, 0.5])
def test_slow_field_ramp_ends_in_the_static_state_above_entry_without_edge_barrier(field):
    """Above the vortex-entry field, with the edge barrier removed by a 1 ξ normal rim (ε = −1 there:
    a vortex enters and leaves the superconductor without crossing a barrier), a slow ramp
    H(t): 0 → H ends in the same state as the run that starts at H: the same vortex count (4 at
    0.3 B_c2, 12 at 0.5 B_c2 in this 16 ξ film) and free energies equal to 1e-6 after the same
    L-BFGS polish. (Without the rim the edge barrier makes them differ, see the test above.)"""
    from gl.driver import evolve
    from gl.minimize import minimize
    from gl.observables import vortices
    from gl.state import uniform_state

    grid = Grid.covering(16, 16, 0.5)
    lat = make_lattice(grid, Rectangle(16, 16))
    X, Y = grid.nodes()
    rim = np.minimum(8.0 - np.abs(X), 8.0 - np.abs(Y)) < 1.0
    eps = np.where(rim, -1.0, 1.0)
    finals = []
    for applied, t_total in ((field, 600.0), ([(0.0, 0.0), (3000.0, field)], 3600.0)):
        model = make_model(2.0, applied, epsilon=eps, vector_potential=UNIFORM)
        s = uniform_state(lat, *applied_link_phases(grid, float(model.field(0.0))))
        traj = evolve(s, model, lat, n_steps=int(t_total / 0.17), dt=0.17, chunk_steps=2000, progress=False)
        res = minimize(traj.state, model, lat, t=traj.time, tol=1e-7, max_iter=5000)
        finals.append((vortices(res.state, lat)["net"], res.energy))
    (n_static, e_static), (n_ramp, e_ramp) = finals
    assert n_static > 0 and n_static == n_ramp
    assert abs(e_static - e_ramp) < 1e-6 * abs(e_static)
