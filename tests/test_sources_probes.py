"""Field sources (gl.sources) and pickup-loop probes (gl.probes) against closed forms.

GL units with μ0 → 1 (gl/sources.py): lengths in ξ, fields in B_c2, currents in I0 = Φ0/(2πμ0ξ),
mutual inductances in μ0ξ. References: elliptic integrals — scipy.special.ellipk/ellipe; the
loop — Jackson, Classical Electrodynamics 3rd ed., Eqs. 5.37 and 5.40; coaxial mutual
inductance — Maxwell, Treatise §701 (Jackson Problem 5.33).
"""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, special

from gl import probes, sources
from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.geometry import Grid
from gl.units import MU0, GLUnits

# ---------------------------------------------------------------- elliptic integrals

def test_elliptic_integrals_match_scipy():
    m = np.concatenate([np.linspace(-5.0, 0.99, 400), 1.0 - np.logspace(-2, -12, 50)])
    K, E = sources.ellipke(m)
    np.testing.assert_allclose(K, special.ellipk(m), rtol=1e-12, atol=0)
    np.testing.assert_allclose(E, special.ellipe(m), rtol=1e-12, atol=0)
    np.testing.assert_allclose(sources.ellipk(0.3), special.ellipk(0.3), rtol=1e-14)
    np.testing.assert_allclose(sources.ellipe(0.3), special.ellipe(0.3), rtol=1e-14)


def test_elliptic_integrals_are_differentiable():
    # dK/dm = [E − (1 − m)K]/(2m(1 − m)), dE/dm = (E − K)/(2m) (Abramowitz & Stegun 17.3.43–44)
    m = np.array([0.05, 0.3, 0.7, 0.95])
    dK = jax.jit(jax.vmap(jax.grad(sources.ellipk)))(jnp.asarray(m))
    dE = jax.jit(jax.vmap(jax.grad(sources.ellipe)))(jnp.asarray(m))
    K, E = special.ellipk(m), special.ellipe(m)
    np.testing.assert_allclose(dK, (E - (1 - m) * K) / (2 * m * (1 - m)), rtol=1e-11)
    np.testing.assert_allclose(dE, (E - K) / (2 * m), rtol=1e-11)


def test_elliptic_integrals_reject_m_at_least_one():
    with pytest.raises(ParameterError, match="'m'"):
        sources.ellipke(np.array([0.5, 1.0]))


# ---------------------------------------------------------------- the loop's potential

def _biot_savart_loop(x, y, a, z, current, nodes=4096):
    """A = (I/4π)∮dl/|r − r'| by the trapezoidal rule in the loop's angle (independent of the elliptic
    form). The integrand is periodic and analytic in a strip |Im t| < d, d ≈ (distance to the wire)/a
    (≥ 0.14 for the points below), so the error falls as exp(−nodes·d), far below round-off; unlike an
    adaptive rule it has no trouble with components that vanish by symmetry."""
    t = 2 * np.pi * np.arange(nodes) / nodes
    R = np.sqrt((x - a * np.cos(t)) ** 2 + (y - a * np.sin(t)) ** 2 + z * z)
    Ax = np.mean(-a * np.sin(t) / R) * 2 * np.pi
    Ay = np.mean(a * np.cos(t) / R) * 2 * np.pi
    return current * Ax / (4 * math.pi), current * Ay / (4 * math.pi)


@pytest.mark.parametrize("x, y", [(0.0, 0.0), (1e-3, 2e-3), (0.4, -0.3), (2.0, 1.0), (4.9, 0.2), (-3.0, 7.0),
                                  (30.0, -20.0)])
def test_loop_potential_matches_biot_savart(x, y):
    a, z, current = 5.0, 0.7, 1.3
    Ax, Ay = sources.loop_vector_potential(jnp.asarray(x), jnp.asarray(y), a, z, current)
    Bx, By = _biot_savart_loop(x, y, a, z, current)
    tol = 1e-11 * (abs(Bx) + abs(By)) + 1e-15 * current     # A vanishes on the axis
    assert abs(float(Ax) - Bx) <= tol and abs(float(Ay) - By) <= tol


def test_loop_potential_in_its_own_plane_and_its_gradient_at_the_axis():
    a, current = 4.0, 2.0
    Ax, Ay = sources.loop_vector_potential(jnp.asarray(6.0), jnp.asarray(0.0), a, 0.0, current)
    Bx, By = _biot_savart_loop(6.0, 0.0, a, 0.0, current)
    np.testing.assert_allclose([float(Ax), float(Ay)], [Bx, By], rtol=1e-11, atol=1e-15)
    # near the axis A = B_axis·(−y, x)/2 and the derivative is finite at ρ = 0
    z = 3.0
    g = jax.jit(jax.grad(lambda x: sources.loop_vector_potential(x, jnp.asarray(0.0), a, z, current)[1]))(0.0)
    np.testing.assert_allclose(float(g), 0.5 * sources.loop_field_on_axis(a, z, current), rtol=1e-12)


@pytest.mark.parametrize("z", [1.0, 3.0, 8.0])
def test_loop_field_on_axis_from_lattice_curl(z):
    """B_z = ∇×A on the axis (lattice curl of the link phases) vs I a²/(2(a² + z²)^{3/2}), 1%."""
    grid = Grid(40, 40, 0.5, 0.5)
    centre = (0.0, 0.0)                         # the centre of plaquette (19, 19)
    assert np.allclose([c[19, 19] for c in grid.plaquette_centres()], centre)
    loop = sources.CurrentLoop(5.0, z, 2.0, center=centre)
    ax, ay = sources.link_phases(loop, grid, extended=True)
    b = probes.plaquette_field(ax, ay, grid)
    exact = sources.loop_field_on_axis(5.0, z, 2.0)
    assert abs(float(b[19, 19]) / exact - 1.0) < 0.01
    # Stokes: the flux through a plaquette is the sum of its exact line integrals; points=4 is
    # converged, and the midpoint rule (points=1) is still O(h²) close
    bx1, by1 = sources.link_phases(loop, grid, points=1, extended=True)
    b1 = probes.plaquette_field(bx1, by1, grid)
    assert abs(float(b1[19, 19]) / exact - 1.0) < 0.02


def test_dipole_link_phases_are_exact_line_integrals_and_the_far_loop_is_a_dipole():
    grid = Grid(9, 8, 0.7, 0.5)
    dip = sources.PointDipole(3.0, 1.5, center=(0.3, -0.2))
    ax, ay = dip.link_phases(grid)
    gx, gy = sources._quadrature_link_phases(dip.vector_potential, grid, 12, False)
    np.testing.assert_allclose(ax, gx, rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(ay, gy, rtol=1e-11, atol=1e-15)
    # a small loop far away: its A equals the dipole's with m = Iπa² to O((a/r)²)
    loop = sources.CurrentLoop(0.05, 1.5, 3.0 / (math.pi * 0.05 ** 2), center=(0.3, -0.2))
    lx, ly = loop.link_phases(grid)
    np.testing.assert_allclose(lx, ax, rtol=5e-3, atol=1e-6 * float(jnp.max(jnp.abs(ax))))
    np.testing.assert_allclose(ly, ay, rtol=5e-3, atol=1e-6 * float(jnp.max(jnp.abs(ay))))


def test_uniform_field_sum_and_amplitude():
    grid = Grid(10, 12, 0.5, 0.4)
    H = 0.37
    ux, uy = sources.UniformField(H).link_phases(grid)
    rx, ry = applied_link_phases(grid, H, "symmetric")
    np.testing.assert_allclose(ux, rx, atol=1e-15)
    np.testing.assert_allclose(uy, ry, atol=1e-15)
    loop = sources.CurrentLoop(2.0, 1.0, 0.5)
    dip = sources.PointDipole(0.8, 2.0, center=(0.5, 0.5))
    lx, ly = loop.link_phases(grid)
    dx, dy = dip.link_phases(grid)
    sx, sy = sources.link_phases([loop, dip, sources.UniformField(H)], grid, amplitude=[2.0, -1.0, 0.5])
    np.testing.assert_allclose(sx, 2 * lx - dx + 0.5 * ux, atol=1e-14)
    np.testing.assert_allclose(sy, 2 * ly - dy + 0.5 * uy, atol=1e-14)
    tx, _ = sources.link_phases([loop, dip], grid, amplitude=0.25)
    np.testing.assert_allclose(tx, 0.25 * (lx + dx), atol=1e-15)
    # sources are pytrees: traced strengths work under jit and grad
    f = jax.jit(lambda c: jnp.sum(sources.link_phases(sources.CurrentLoop(2.0, 1.0, c), grid)[0] ** 2))
    np.testing.assert_allclose(jax.jit(jax.grad(f))(0.5), 2 * f(0.5) / 0.5, rtol=1e-12)


def test_si_conversions():
    units = GLUnits(xi=10e-9, lam=100e-9, thickness=20e-9)
    I0 = sources.current_unit(units)
    np.testing.assert_allclose(I0, 2.067833848e-15 / (2 * math.pi * MU0 * 10e-9), rtol=1e-9)   # ≈ 26.2 mA
    # the centre field of a loop: μ0 I/(2a) in SI equals I/(2a) in GL units
    I_si, a_si = 3e-3, 2e-6
    b_gl = sources.loop_field_on_axis(units.length_to_gl(a_si), 0.0, sources.current_to_gl(units, I_si))
    np.testing.assert_allclose(b_gl * units.Bc2, MU0 * I_si / (2 * a_si), rtol=1e-12)
    m_si = I_si * math.pi * a_si ** 2
    np.testing.assert_allclose(sources.moment_to_gl(units, m_si),
                               sources.current_to_gl(units, I_si) * math.pi * units.length_to_gl(a_si) ** 2,
                               rtol=1e-12)
    # Maxwell's M in μ0ξ converts to henries
    M_gl = probes.coaxial_mutual_inductance(units.length_to_gl(a_si), units.length_to_gl(3e-6),
                                            units.length_to_gl(1e-6))
    k2 = 4 * 2e-6 * 3e-6 / (5e-6 ** 2 + 1e-6 ** 2)
    k = math.sqrt(k2)
    M_si = MU0 * math.sqrt(6e-12) * ((2 / k - k) * special.ellipk(k2) - 2 / k * special.ellipe(k2))
    np.testing.assert_allclose(probes.inductance_to_si(units, M_gl), M_si, rtol=1e-12)


def test_source_parameter_errors():
    grid = Grid(6, 6, 1.0, 1.0)
    with pytest.raises(ParameterError, match="'radius'"):
        sources.CurrentLoop(0.0, 1.0, 1.0)
    with pytest.raises(ParameterError, match="'height'"):
        sources.CurrentLoop(1.0, -1.0, 1.0)
    with pytest.raises(ParameterError, match="'height'"):
        sources.PointDipole(1.0, 0.0)
    with pytest.raises(ParameterError, match="'plane_height'"):
        sources.CurrentLoop(1.0, 2.0, 1.0).link_phases(grid, plane_height=2.0)
    with pytest.raises(ParameterError, match="'grid'"):
        sources.CurrentLoop(1.0, 2.0, 1.0).link_phases(Grid(6, 6, 1.0, 1.0, periodic_x=True))
    with pytest.raises(ParameterError, match="'points'"):
        sources.CurrentLoop(1.0, 2.0, 1.0).link_phases(grid, points=0)
    with pytest.raises(ParameterError, match="'amplitude'"):
        sources.link_phases([sources.UniformField(1.0)], grid, amplitude=[1.0, 2.0])


# ---------------------------------------------------------------- probes

def test_disk_weights_are_exact_areas():
    grid = Grid(30, 26, 0.5, 0.4)
    for radius, centre in [(3.0, (0.0, 0.0)), (2.3, (0.37, -0.81)), (0.2, (0.1, 0.1))]:
        w = np.asarray(probes.disk_weights(grid, radius, centre))
        np.testing.assert_allclose(w.sum(), math.pi * radius ** 2, rtol=1e-13)
        assert w.min() >= -1e-14 and w.max() <= grid.cell_area * (1 + 1e-13)
    # one boundary plaquette against direct integration of the chord
    radius, centre = 2.3, (0.37, -0.81)
    w = np.asarray(probes.disk_weights(grid, radius, centre))
    X, Y = grid.nodes()
    i, j = np.argwhere((w > 0.1 * grid.cell_area) & (w < 0.9 * grid.cell_area))[0]
    x0, y0 = X[i, j] - centre[0], Y[i, j] - centre[1]
    f = lambda x: max(0.0, min(y0 + grid.hy, math.sqrt(max(radius ** 2 - x * x, 0.0)))
                      - max(y0, -math.sqrt(max(radius ** 2 - x * x, 0.0))))
    ref = integrate.quad(f, x0, x0 + grid.hx, epsabs=1e-14, limit=200)[0]
    np.testing.assert_allclose(w[i, j], ref, rtol=1e-9)


def test_uniform_field_flux_is_exact():
    grid = Grid(24, 24, 0.5, 0.5)
    H = 0.2
    ax, ay = sources.UniformField(H).link_phases(grid, extended=True)
    b = probes.plaquette_field(ax, ay, grid)
    np.testing.assert_allclose(b, H, rtol=1e-12)
    flux = probes.flux_through_loop(b, grid, 4.1, center=(0.3, -0.2))
    np.testing.assert_allclose(flux, math.pi * 4.1 ** 2 * H, rtol=1e-13)
    np.testing.assert_allclose(probes.flux_to_phi0(flux), H * math.pi * 4.1 ** 2 / (2 * math.pi), rtol=1e-13)
    with pytest.raises(ParameterError, match="'radius'"):
        probes.flux_through_loop(b, grid, 6.0)


def test_coaxial_mutual_inductance_matches_maxwell():
    """M of two coaxial loops in free space on the grid (link phases → lattice curl → disk sum)
    and by the line integral, against Maxwell's M = √(ab)[(2/k − k)K − (2/k)E] (μ0 = 1), 1%."""
    a, b, s = 6.0, 9.0, 3.0
    maxwell = float(probes.coaxial_mutual_inductance(a, b, s))
    # independent check of the closed form: M = π a b ∫ J1(ka) J1(kb) e^{−ks} dk
    hankel = math.pi * a * b * integrate.quad(lambda k: special.j1(k * a) * special.j1(k * b) * math.exp(-k * s),
                                              0, np.inf, epsabs=0, epsrel=1e-12, limit=400)[0]
    np.testing.assert_allclose(maxwell, hankel, rtol=1e-9)
    grid = Grid(48, 48, 0.5, 0.5)
    centre = (0.25, 0.25)
    loop = sources.CurrentLoop(a, 4.0, 1.0, center=centre)
    M_grid = float(probes.free_space_mutual_inductance(loop, b, 1.0, grid, pickup_center=centre))
    assert abs(M_grid / maxwell - 1) < 0.01
    M_line = float(probes.free_space_mutual_inductance(loop, b, 1.0, pickup_center=centre))
    np.testing.assert_allclose(M_line, maxwell, rtol=1e-12)
    # reciprocity and coplanar loops (s = 0, a ≠ b) by the line integral
    swapped = probes.free_space_mutual_inductance(sources.CurrentLoop(b, 1.0, 2.0, center=centre), a, 4.0,
                                                  pickup_center=centre)
    np.testing.assert_allclose(swapped, maxwell, rtol=1e-12)
    np.testing.assert_allclose(probes.mutual_inductance(loop, b, 4.0, grid, pickup_center=centre),
                               probes.coaxial_mutual_inductance(a, b, 0.0), rtol=1e-10)
    with pytest.raises(ParameterError, match="'separation'"):
        probes.coaxial_mutual_inductance(2.0, 2.0, 0.0)
