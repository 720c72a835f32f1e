"""Half edge cells (Grid.edge_cells = "half"): nodes on a film's edges stand for half cells, the
vertex-centred finite volumes of pyTDGL. The film's area is then exact, the zero-normal-derivative
boundary is second order, the TDGL right-hand side is still −∂F/∂ψ* per cell area, the Neumann
Poisson solve is exact, and everything is gauge covariant."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gl.boundary import neumann_eigenvalues, solve_poisson_neumann
from gl.energy import free_energy
from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.geometry import Grid, Rectangle
from gl.io import load_state, save_state
from gl.lattice import make_lattice
from gl.model import BULK, FROZEN, PEARL, UNIFORM, make_model
from gl.operators import covariant_laplacian, supercurrent
from gl.state import State, uniform_state
from gl.tdgl import check_model, divergence, electric_potential, reference_steps, rhs, run_steps


def _random_film(seed, width=9.0, height=6.0, h=0.5, field=0.3):
    grid = Grid.covering(width, height, h, edge_cells="half")
    lat = make_lattice(grid, Rectangle(width, height))
    rng = np.random.default_rng(seed)
    ax, ay = applied_link_phases(grid, field)
    psi = 0.8 * (rng.normal(size=grid.shape) + 1j * rng.normal(size=grid.shape)) / np.sqrt(2)
    state = State(jnp.asarray(psi), ax + 0.2 * jnp.asarray(rng.normal(size=grid.shape)),
                  ay + 0.2 * jnp.asarray(rng.normal(size=grid.shape)))
    return grid, lat, state


def test_uniform_state_energy_is_minus_half_the_film_area():
    """F(ψ = 1, A = 0) = −½·area: with nodes on the edges and half cells the film is exactly
    width × height (whole cells make it one spacing wider in each direction)."""
    width, height = 20.0, 12.0
    model = make_model(2.0, 0.0, vector_potential=FROZEN)
    for cells, area in (("half", width * height), ("whole", None)):
        grid = Grid.covering(width, height, 0.5, edge_cells=cells)
        lat = make_lattice(grid)
        zero = jnp.zeros(grid.shape)
        area = area or (width + grid.hx) * (height + grid.hy)
        assert float(free_energy(uniform_state(lat, zero, zero), model, lat)) == pytest.approx(-0.5 * area, rel=1e-13)
        assert lat.superconducting_area() == pytest.approx(area, rel=1e-13)


def test_laplacian_is_second_order_up_to_the_edges():
    """The Neumann mode cos(πx/W)cos(2πy/W) of the square: the lattice Laplacian's largest error,
    edges included, falls 4× per halving of h with half cells (ratios 3.9–4.1), while with whole
    edge cells it stays at half the exact value on the edge nodes (first-order consistent only in
    the finite-volume sense)."""
    width = 20.0
    errors = {"half": [], "whole": []}
    for h in (0.5, 0.25, 0.125):
        for cells in errors:
            grid = Grid.covering(width, width, h, edge_cells=cells)
            lat = make_lattice(grid)
            X, Y = grid.nodes()
            f = np.cos(np.pi * (X + width / 2) / width) * np.cos(2 * np.pi * (Y + width / 2) / width)
            zero = jnp.zeros(grid.shape)
            lap = np.real(np.asarray(covariant_laplacian(jnp.asarray(f + 0j), zero, zero, lat)))
            exact = -5.0 * (np.pi / width) ** 2 * f
            errors[cells].append(np.abs(lap - exact).max() / np.abs(exact).max())
    half = np.array(errors["half"])
    assert half[0] < 2e-3
    np.testing.assert_allclose(half[:-1] / half[1:], 4.0, rtol=0.03)
    np.testing.assert_allclose(errors["whole"], 0.5, atol=1e-3)


@pytest.mark.parametrize("gamma", [0.0, 10.0])
def test_rhs_is_minus_dF_per_cell_area(gamma):
    """R_i = −∂F/∂ψ_i* / (w_i hx hy), with w_i the node's cell fraction (½ on edges, ¼ at corners), is
    the force of the TDGL: u ∂tψ = R at γ = 0, and ∂tψ = gl.model.psi_rate(R) at γ = 10; ε(r) random
    in [−0.5, 1], random link phases, to round-off."""
    from gl.model import psi_rate

    grid, lat, state = _random_film(3)
    eps = np.random.default_rng(5).uniform(-0.5, 1.0, grid.shape)
    model = make_model(2.0, 0.3, epsilon=eps, vector_potential=FROZEN, gamma=gamma)
    wx, wy = grid.cell_weights()
    cells = np.outer(wx, wy) * grid.hx * grid.hy

    def F(re, im):
        return free_energy(State(re + 1j * im, state.ax, state.ay), model, lat)

    g_re, g_im = jax.grad(F, argnums=(0, 1))(jnp.real(state.psi), jnp.imag(state.psi))
    force = -(np.asarray(g_re) + 1j * np.asarray(g_im)) / (2 * cells)
    psi = np.asarray(state.psi)
    dr, di = psi_rate(force.real, force.imag, psi.real, psi.imag, model.u, gamma if gamma else None)
    np.testing.assert_allclose(np.asarray(rhs(state, model, lat).psi), dr + 1j * di, atol=1e-12)
    assert np.abs(force[0, :]).max() > 0.1 and np.abs(force[:, -1]).max() > 0.1   # the edges are exercised


def test_gauge_covariance():
    """ψ → e^{iχ}ψ, a → a + χ_j − χ_i: ∂tψ → e^{iχ}∂tψ, μ and F unchanged, with half cells and μ kept."""
    grid, lat, state = _random_film(7)
    chi = jnp.asarray(np.random.default_rng(8).uniform(-3, 3, grid.shape))
    gauged = State(jnp.exp(1j * chi) * state.psi, state.ax + jnp.roll(chi, -1, 0) - chi,
                   state.ay + jnp.roll(chi, -1, 1) - chi)
    model = make_model(2.0, 0.3, vector_potential=FROZEN, gamma=10.0, electric_potential=True)
    d0, d1 = rhs(state, model, lat), rhs(gauged, model, lat)
    np.testing.assert_allclose(np.asarray(d1.psi), np.asarray(jnp.exp(1j * chi) * d0.psi), atol=1e-11)
    np.testing.assert_allclose(np.asarray(electric_potential(gauged, model, lat)),
                               np.asarray(electric_potential(state, model, lat)), atol=1e-11)
    assert float(free_energy(gauged, model, lat)) == pytest.approx(float(free_energy(state, model, lat)), rel=1e-12)


def test_poisson_solve_is_exact_and_conserves_current():
    """The weighted DCT-I solve gives ∇²μ = ∇·J_s on every node, edges included (1e-10), so the
    total current J_s − ∇μ (σ = 1) has zero divergence; a random rhs with no uniform part too."""
    grid, lat, state = _random_film(11, width=7.0, height=5.0, h=0.25)
    model = make_model(2.0, 0.3, vector_potential=FROZEN, electric_potential=True)
    mu = electric_potential(state, model, lat)
    zero = jnp.zeros(grid.shape)
    jx, jy = supercurrent(state, lat)
    lap_mu = np.real(np.asarray(covariant_laplacian(mu + 0j, zero, zero, lat)))
    np.testing.assert_allclose(lap_mu, np.asarray(divergence(jx, jy, lat)), atol=1e-10)
    assert np.abs(np.asarray(divergence(jx, jy, lat))).max() > 0.1
    rng = np.random.default_rng(2)
    src = rng.normal(size=grid.shape)
    wx, wy = grid.cell_weights()
    src -= np.sum(np.outer(wx, wy) * src) / np.sum(np.outer(wx, wy))       # no uniform part
    sol = solve_poisson_neumann(jnp.asarray(src), neumann_eigenvalues(grid), grid)
    np.testing.assert_allclose(np.real(np.asarray(covariant_laplacian(sol + 0j, zero, zero, lat))), src, atol=1e-10)


@pytest.mark.parametrize("periodic_x", [False, True])
def test_fast_kernel_equals_the_reference_and_lowers_F(periodic_x):
    """The fast frozen-A kernel with half edge cells (run_steps) equals the reference loop to 1e-13
    after 37 steps, on an open box and on one periodic along x (half cells along y only); a
    relaxation at ½ the stability limit then lowers F monotonically (γ = 0, μ = 0: a gradient flow)."""
    from gl.tdgl import stability_limit

    grid = Grid.covering(9.0, 6.0, 0.5, edge_cells="half", periodic_x=periodic_x)
    lat = make_lattice(grid)
    rng = np.random.default_rng(13)
    psi = 0.8 * (rng.normal(size=grid.shape) + 1j * rng.normal(size=grid.shape)) / np.sqrt(2)
    zero = jnp.zeros(grid.shape)
    model = make_model(2.0, 0.3, vector_potential=UNIFORM)
    state = run_steps(State(jnp.asarray(psi), zero, zero), model, lat, 0.0, 0)    # A = the applied field's
    dt = 0.5 * stability_limit(grid, model)
    a = run_steps(state, model, lat, dt, 37)
    b = reference_steps(state, model, lat, dt, 37)
    assert float(jnp.max(jnp.abs(a.psi - b.psi))) < 1e-13
    assert float(jnp.max(jnp.abs(a.psi - run_steps(state, model, make_lattice(Grid.covering(
        9.0, 6.0, 0.5, periodic_x=periodic_x)), dt, 37).psi))) > 1e-3       # the half cells change the result
    energies = [float(free_energy(state, model, lat))]
    for _ in range(8):
        state = run_steps(state, model, lat, dt, 50)
        energies.append(float(free_energy(state, model, lat)))
    assert np.all(np.diff(energies) < 0)


def test_errors_and_file_round_trip(tmp_path):
    with pytest.raises(ParameterError, match="edge_cells"):
        Grid(10, 10, 0.5, 0.5, edge_cells="halves")
    with pytest.raises(ParameterError, match="edge_cells"):
        Grid.tiling(5.0, 5.0, 0.5, edge_cells="half")
    grid = Grid.covering(5.0, 5.0, 0.5, edge_cells="half")
    lat = make_lattice(grid)
    with pytest.raises(ParameterError, match="edge_cells"):
        check_model(make_model(2.0, 0.1, vector_potential=PEARL, pearl_length=50.0), lat)
    zero = jnp.zeros(grid.shape)
    save_state(tmp_path / "s.h5", uniform_state(lat, zero, zero), grid, np.ones(grid.shape, bool), {})
    assert load_state(tmp_path / "s.h5")[1] == grid


def test_free_energy_converges_at_second_order_with_half_cells():
    """A strip 10 ξ wide (open in x, periodic in y, A frozen at 0.1 B_c2 in the Landau gauge),
    minimized at h = 0.5, 0.25, 0.125 ξ: with half edge cells the free energy per unit length
    converges at second order (successive differences fall 4×: 3.5–4.5), with whole cells at first
    order (2×: 1.8–2.2; that film is h wider); the two Richardson limits agree to 1e-3 (2.5e-4
    relative)."""
    from gl.minimize import minimize
    from gl.tdgl import unit_potential

    width, field = 10.0, 0.1
    limits = {}
    for cells, order in (("half", 2), ("whole", 1)):
        energies = []
        for n in (20, 40, 80):
            h = width / n
            grid = Grid(n + 1, 4, h, h, periodic_y=True, edge_cells=cells)
            lat = make_lattice(grid)
            model = make_model(2.0, field, vector_potential=UNIFORM)
            ux, uy = unit_potential(model, lat)
            res = minimize(uniform_state(lat, field * ux, field * uy), model, lat, tol=1e-11, max_iter=20000)
            assert res.converged
            energies.append(res.energy / (grid.ny * h))
        d = np.diff(energies)
        ratio = d[0] / d[1]
        assert (3.5 < ratio < 4.5) if order == 2 else (1.8 < ratio < 2.2), (cells, ratio)
        limits[cells] = energies[-1] + d[-1] / (2 ** order - 1)
    assert abs(limits["half"] - limits["whole"]) < 1e-3


def test_evolving_A_with_half_cells():
    """A evolving (BULK): σ ∂t a = −(h²/2hxhy) ∂F/∂a / f_l with f_l the link's dual-face fraction
    (½ along open edges: the link stands for half a cell, so the curl term doubles there, the
    field of the outside B = H entering through half the distance), to 1e-12 for random ψ and
    links; u ∂tψ = −∂F/∂ψ* per cell area as with A frozen; and the fast full-A kernel equals the
    reference loop to 1e-13 after 37 steps."""
    from gl.boundary import link_weights
    from gl.tdgl import stability_limit

    grid, lat, state = _random_film(17)
    model = make_model(2.0, 0.3, vector_potential=BULK)
    d = rhs(state, model, lat)
    g_ax, g_ay = jax.grad(lambda ax, ay: free_energy(State(state.psi, ax, ay), model, lat), argnums=(0, 1))(
        state.ax, state.ay)
    fx, fy = link_weights(grid)
    area = grid.hx * grid.hy
    np.testing.assert_allclose(np.asarray(d.ax * model.sigma), -grid.hx ** 2 * np.asarray(g_ax / fx) / (2 * area), atol=1e-12)
    np.testing.assert_allclose(np.asarray(d.ay * model.sigma), -grid.hy ** 2 * np.asarray(g_ay / fy) / (2 * area), atol=1e-12)
    assert float(jnp.max(jnp.abs(d.ax[:, 0]))) > 0.1                  # the edge links are exercised
    wx, wy = grid.cell_weights()

    def F(re, im):
        return free_energy(State(re + 1j * im, state.ax, state.ay), model, lat)

    g_re, g_im = jax.grad(F, argnums=(0, 1))(jnp.real(state.psi), jnp.imag(state.psi))
    force = -(np.asarray(g_re) + 1j * np.asarray(g_im)) / (2 * np.outer(wx, wy) * area)
    np.testing.assert_allclose(np.asarray(d.psi) * model.u, force, atol=1e-12)
    dt = 0.5 * stability_limit(grid, model)
    fast, ref = run_steps(state, model, lat, dt, 37), reference_steps(state, model, lat, dt, 37)
    for a, b in ((fast.psi, ref.psi), (fast.ax, ref.ax), (fast.ay, ref.ay)):
        assert float(jnp.max(jnp.abs(a - b))) < 1e-13


@pytest.mark.parametrize("vector_potential", [UNIFORM, BULK])
def test_float32_fast_kernels_with_half_cells(vector_potential):
    """float32 (the in-place kernels on a CPU): the fast frozen-A and full-A kernels with half edge
    cells stay within 1e-6 of the float32 reference after 100 steps, relative to max |ψ| and max |a|."""
    from gl.state import random_state

    grid = Grid.covering(9.0, 6.0, 0.5, edge_cells="half")
    lat = make_lattice(grid, dtype=jnp.float32)
    s0 = random_state(lat, *applied_link_phases(grid, 0.3, "symmetric", dtype=jnp.float32), jax.random.PRNGKey(5), 0.5)
    model = make_model(2.0, 0.3, vector_potential=vector_potential, gamma=2.0, dtype=jnp.float32)
    fast, ref = run_steps(s0, model, lat, 0.005, 100), reference_steps(s0, model, lat, 0.005, 100)
    assert fast.psi.dtype == jnp.complex64
    big = lambda a: float(jnp.max(jnp.abs(a)))
    assert big(ref.psi - s0.psi) > 0.05
    assert big(fast.psi - ref.psi) < 1e-6 * big(ref.psi)
    assert big(fast.ax - ref.ax) < 1e-6 * big(ref.ax) and big(fast.ay - ref.ay) < 1e-6 * big(ref.ay)
