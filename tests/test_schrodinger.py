"""schrodinger core: Hermitian H, unitary Crank–Nicolson, gauge covariance, lattice continuity."""
import jax.numpy as jnp
import numpy as np

from gl.gauge import applied_link_phases, gauge_transform
from gl.geometry import Disk, Grid
from gl.lattice import make_lattice
from gl.state import State
from schrodinger import Potentials, continuity_residual, dense_hamiltonian, energy, evolve, norm
from schrodinger import current, crank_nicolson_step


def _setup(rng, B=0.3):
    grid = Grid(18, 16, 0.5, 0.5)
    lat = make_lattice(grid, Disk(3.8))
    ax, ay = applied_link_phases(grid, B)
    X, Y = grid.nodes()
    V = jnp.asarray(0.2 * (X ** 2 + Y ** 2))
    psi = jnp.asarray(np.exp(-((X - 1) ** 2 + Y ** 2)) * np.exp(1j * X)) * lat.site
    return grid, lat, Potentials(ax, ay, V), psi / jnp.sqrt(norm(psi))


def test_hamiltonian_is_hermitian(rng):
    _, lat, pot, _ = _setup(rng)
    H, _ = dense_hamiltonian(pot, lat)
    np.testing.assert_allclose(np.asarray(H), np.asarray(H).conj().T, atol=1e-13)


def test_crank_nicolson_conserves_norm_over_ten_thousand_steps(rng):
    _, lat, pot, psi = _setup(rng)
    out = evolve(psi, lat, 0.05, 10000, 0.0, lambda t: pot)
    assert abs(float(norm(out)) - 1.0) < 1e-10
    assert float(jnp.max(jnp.abs(out - psi))) > 0.1           # it moved


def test_gauge_transformation_leaves_density_current_energy_unchanged(rng):
    grid, lat, pot, psi = _setup(rng)
    chi = 5.0 * rng.normal(size=grid.shape)
    moved = gauge_transform(State(psi, pot.ax, pot.ay), chi)
    pot2 = Potentials(moved.ax, moved.ay, pot.V)
    a = crank_nicolson_step(psi, pot, lat, 0.1)
    b = crank_nicolson_step(moved.psi, pot2, lat, 0.1)
    np.testing.assert_allclose(np.abs(b), np.abs(a), atol=1e-12)
    for j0, j1 in zip(current(a, pot, lat), current(b, pot2, lat)):
        np.testing.assert_allclose(j1, j0, atol=1e-12)
    assert abs(float(energy(a, pot, lat) - energy(b, pot2, lat))) < 1e-12


def test_continuity_residual_converges_as_dt_squared(rng):
    _, lat, pot, psi = _setup(rng)
    res = []
    for dt in (0.02, 0.01, 0.005):
        prev = crank_nicolson_step(psi, pot, lat, -dt)
        nxt = crank_nicolson_step(psi, pot, lat, dt)
        res.append(float(continuity_residual(prev, nxt, psi, pot, lat, dt)))
    order = np.log2(res[0] / res[1]), np.log2(res[1] / res[2])
    assert min(order) > 1.8, (res, order)


def test_imaginary_time_finds_the_dense_lowest_eigenpairs(rng):
    from schrodinger import imaginary_time, lowest_eigenpairs
    grid, lat, pot, _ = _setup(rng)
    E_dense, _ = lowest_eigenpairs(pot, lat, 3)
    S0 = jnp.asarray(rng.normal(size=(3,) + grid.shape) + 1j * rng.normal(size=(3,) + grid.shape))
    _, E_it = imaginary_time(S0, pot, lat, 0.5, 3000, n_states=3)
    np.testing.assert_allclose(np.sort(np.asarray(E_it)), E_dense, rtol=1e-6)


def test_current_equals_density_times_gauge_invariant_phase_gradient(rng):
    """J = (ħ/m) n (∇θ − (q/ħ)A) where n > 0: on links, J·h = √(n_i n_j) sin(θ_ij) → n θ_ij/… to O(h²)."""
    from gl.observables import link_phase_differences
    grid, lat, pot, psi = _setup(rng)
    jx, _ = current(psi, pot, lat)
    tx, _ = link_phase_differences(State(psi, pot.ax, pot.ay))
    n = np.abs(np.asarray(psi)) ** 2
    n_link = np.sqrt(n * np.roll(n, -1, 0))
    sel = (np.asarray(lat.link_x) > 0) & (n_link > 0.2 * n.max())
    np.testing.assert_allclose(np.asarray(jx)[sel], (n_link * np.sin(np.asarray(tx)) / grid.hx)[sel], atol=1e-14)
    # and the sine is the lattice form of the phase gradient: |sin θ − θ| ≤ θ³/6
    assert np.max(np.abs(np.asarray(tx)[sel])) < 0.6
