"""schrodinger core: Hermitian H, unitary Crank–Nicolson, gauge covariance, lattice continuity."""
import jax.numpy as jnp
import numpy as np

from gl.gauge import applied_link_phases, gauge_transform
from gl.geometry import Disk, Grid
from gl.lattice import make_lattice
from gl.state import State
from schrodinger import Potentials, apply_hamiltonian, continuity_residual, dense_hamiltonian, energy, evolve, norm
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
