"""Thin-film (Pearl) electrodynamics, gl.thinfilm, against brute force and closed forms.

GL units: lengths in ξ, current density j in J0, fields in B_c2, Λ̃ = Λ/ξ; the film's sheet
current is K̃ = 2j/Λ̃ in I0/ξ (gl/thinfilm.py, gl/sources.py). References: J. Pearl, Appl. Phys.
Lett. 5, 65 (1964); R. W. Hockney and J. W. Eastwood, Computer Simulation Using Particles, §6-5;
V. G. Kogan, Phys. Rev. B 68, 104511 (2003), for the London film's change of mutual inductance.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, special

from gl import probes, sources, thinfilm
from gl.errors import ParameterError
from gl.geometry import Grid
from gl.units import MU0, GLUnits


def _cell_integral_quad(hx, hy, z, x0, y0):
    """∫∫ dx dy/√(x² + y² + z²) over a cell by scipy (polar form around the singular origin)."""
    if z == 0.0 and x0 == 0.0 and y0 == 0.0:
        # four quadrants [0, a] × [0, b]: ∫ r_max(θ) dθ
        a, b = hx / 2, hy / 2
        t = math.atan2(b, a)
        q = integrate.quad(lambda th: a / math.cos(th), 0, t, epsabs=0, epsrel=1e-13)[0] + \
            integrate.quad(lambda th: b / math.sin(th), t, math.pi / 2, epsabs=0, epsrel=1e-13)[0]
        return 4 * q
    f = lambda y, x: 1.0 / math.sqrt(x * x + y * y + z * z)
    return integrate.dblquad(f, x0 - hx / 2, x0 + hx / 2, y0 - hy / 2, y0 + hy / 2, epsabs=0, epsrel=1e-12)[0]


def test_green_function_values():
    """Near cells: the exact cell integral (1e-10); far cells: the corrected midpoint (1e-5)."""
    grid = Grid(12, 10, 0.8, 0.5)
    pearl = 2.5
    for z in (0.0, 0.3):
        G = np.asarray(thinfilm.green_function(grid, pearl, z)) * 2 * math.pi * pearl
        for m, n in [(0, 0), (1, 0), (-3, 2), (6, -6), (7, 0), (-11, 4)]:
            ref = _cell_integral_quad(grid.hx, grid.hy, z, m * grid.hx, n * grid.hy)
            tol = 1e-10 if max(abs(m), abs(n)) <= thinfilm.NEAR_CELLS else 1e-5
            np.testing.assert_allclose(G[m % (2 * grid.nx), n % (2 * grid.ny)], ref, rtol=tol)
    # the centred cell at z = 0 in closed form: 4 asinh(1) h for a square
    np.testing.assert_allclose(thinfilm.cell_integral_inverse_distance(0.7, 0.7), 4 * math.asinh(1) * 0.7,
                               rtol=1e-15)


@pytest.mark.parametrize("height", [0.0, 1.3])
def test_hockney_convolution_matches_brute_force(height):
    """The zero-padded FFT convolution equals the direct O(N²) aperiodic sum (1e-10), including
    the extra row and column of the extended output: no periodic images."""
    grid = Grid(17, 11, 0.8, 0.6)
    pearl = 2.5
    rng = np.random.default_rng(7)
    jx, jy = rng.normal(size=grid.shape), rng.normal(size=grid.shape)
    ax, ay = thinfilm.sheet_potential(jx, jy, grid, pearl, height, extended=True)
    G = np.asarray(thinfilm.green_function(grid, pearl, height))
    nx, ny = grid.shape
    bx = np.zeros((nx + 1, ny + 1))
    by = np.zeros((nx + 1, ny + 1))
    for i in range(nx + 1):
        for j in range(ny + 1):
            for k in range(nx):
                for l in range(ny):
                    g = G[(i - k) % (2 * nx), (j - l) % (2 * ny)]
                    bx[i, j] += g * jx[k, l]
                    by[i, j] += g * jy[k, l]
    scale = np.max(np.abs(bx))
    np.testing.assert_allclose(ax, bx * grid.hx, atol=1e-10 * scale * grid.hx)
    np.testing.assert_allclose(ay, by * grid.hy, atol=1e-10 * scale * grid.hy)
    if height == 0.0:
        sx, sy = thinfilm.screening_potential(jx, jy, grid, pearl)
        np.testing.assert_allclose(sx, ax[:nx, :ny], atol=1e-14 * scale)
        np.testing.assert_allclose(sy, ay[:nx, :ny], atol=1e-14 * scale)


def _ring_current(grid, r1, r2, J, centre):
    """A uniform azimuthal current density J [J0] on r1 < ρ < r2, exactly divergence-free on the
    lattice: j = ∇×(g ẑ) with the stream function g = J·(r2 − clip(ρ, r1, r2)) on plaquette centres,
    jx(i, j) = [g(i, j) − g(i, j−1)]/hy, jy(i, j) = −[g(i, j) − g(i−1, j)]/hx."""
    Xc, Yc = grid.plaquette_centres()
    rho = np.hypot(Xc - centre[0], Yc - centre[1])
    g = J * (r2 - np.clip(rho, r1, r2))
    jx = (g - np.roll(g, 1, axis=1)) / grid.hy
    jy = -(g - np.roll(g, 1, axis=0)) / grid.hx
    return jx, jy, g


def test_uniform_ring_field_on_axis():
    """B_z at the centre of a uniform annulus of sheet current K̃ = 2J/Λ̃ at height z:
    ∫ K r²/(2(r² + z²)^{3/2}) dr = (K/2)[asinh(r/z) − r/√(r² + z²)] from r1 to r2, and (K/2)ln(r2/r1)
    in the plane (the thin-loop formula μ0 I R²/(2(R² + z²)^{3/2}) integrated over radius); 2%."""
    grid = Grid(64, 64, 0.5, 0.5)
    centre = (0.0, 0.0)                       # centre of plaquette (31, 31)
    assert np.allclose([c[31, 31] for c in grid.plaquette_centres()], centre)
    r1, r2, J, pearl = 5.0, 8.0, 0.3, 4.0
    jx, jy, _ = _ring_current(grid, r1, r2, J, centre)
    np.testing.assert_allclose((jx - np.roll(jx, 1, 0)) / grid.hx + (jy - np.roll(jy, 1, 1)) / grid.hy, 0,
                               atol=1e-13)
    K = 2 * J / pearl
    for z in (0.0, 2.0, 6.0, 15.0):
        bz = thinfilm.sheet_field(jx, jy, grid, z, pearl)
        if z == 0.0:
            exact = 0.5 * K * math.log(r2 / r1)
        else:
            F = lambda r, z=z: math.asinh(r / z) - r / math.hypot(r, z)
            exact = 0.5 * K * (F(r2) - F(r1))
        assert abs(float(bz[31, 31]) / exact - 1) < 0.02, (z, float(bz[31, 31]), exact)


def test_sheet_field_far_away_is_a_dipole():
    """Upward continuation: B_z of a small current loop at height z ≫ its size equals the dipole
    field m(3z² − r²)/(4π r⁵) with m = (2/Λ̃)Σ g·hx·hy (the moment of j = ∇×g), 2%."""
    grid = Grid(82, 82, 1.0, 1.0)
    centre = (0.0, 0.0)                      # centre of plaquette (40, 40)
    assert np.allclose([c[40, 40] for c in grid.plaquette_centres()], centre)
    pearl = 3.0
    jx, jy, g = _ring_current(grid, 0.0, 3.0, 0.5, centre)
    m = 2.0 / pearl * g.sum() * grid.cell_area
    # the discrete moment ½Σ r × j over link midpoints is the same number
    X, Y = grid.nodes()
    xm, ym = X - centre[0], Y - centre[1]
    m_links = 2.0 / pearl * 0.5 * np.sum(xm * jy - ym * jx) * grid.cell_area   # x on y-links, y on x-links
    np.testing.assert_allclose(m_links, m, rtol=1e-12)
    z = 30.0
    bz = np.asarray(thinfilm.sheet_field(jx, jy, grid, z, pearl))
    for di in (0, 15, 25):
        r2 = di ** 2 + z ** 2
        dipole = m * (3 * z * z - r2) / (4 * math.pi * r2 ** 2.5)
        assert abs(bz[40 + di, 40] / dipole - 1) < 0.02, (di, bz[40 + di, 40], dipole)
        assert abs(bz[40, 40 + di] / dipole - 1) < 0.02


def test_gl_normalization_matches_si():
    """The Pearl-length convention: a film current density J [A/m²] in a ring gives, at the centre,
    μ0 K ln(r2/r1)/2 with K = J d (SI), converted with GLUnits (B_c2, Λ = 2λ²/d, J0)."""
    units = GLUnits(xi=15e-9, lam=90e-9, thickness=25e-9)
    pearl = units.pearl_length / units.xi
    grid = Grid(48, 48, 0.5, 0.5)
    r1, r2, J_si = 3.0, 7.0, 2e9
    jx, jy, _ = _ring_current(grid, r1, r2, J_si / units.J0, (0.0, 0.0))    # centre of plaquette (23, 23)
    b = float(thinfilm.sheet_field(jx, jy, grid, 0.0, pearl)[23, 23]) * units.Bc2
    exact = MU0 * J_si * units.thickness * math.log(r2 / r1) / 2
    assert abs(b / exact - 1) < 0.02
    np.testing.assert_allclose(thinfilm.sheet_current(jx, jy, pearl)[0],
                               jx * units.J0 * units.thickness / (sources.current_unit(units) / units.xi),
                               rtol=1e-12)


def test_traced_spacing_and_pearl_length():
    grid = Grid(10, 9, 0.6, 0.5)
    rng = np.random.default_rng(3)
    jx, jy = rng.normal(size=grid.shape), rng.normal(size=grid.shape)

    def energy(h, pearl):
        kern = thinfilm.potential_kernel(grid, pearl, spacing=(h, 0.5))
        ax, ay = thinfilm.screening_potential(jx, jy, grid, pearl, kernel=kern, spacing=(h, 0.5))
        return jnp.sum(ax * jx) + jnp.sum(ay * jy)

    ax, ay = thinfilm.screening_potential(jx, jy, grid, 2.0)
    value, (g_h, g_pearl) = jax.jit(jax.value_and_grad(energy, argnums=(0, 1)))(0.6, 2.0)
    np.testing.assert_allclose(value, np.sum(ax * jx) + np.sum(ay * jy), rtol=1e-13)
    np.testing.assert_allclose(g_pearl, -value / 2.0, rtol=1e-12)       # a ∝ 1/Λ̃
    # d/dhx against a central difference of the concrete (numpy-kernel) path
    step = 1e-5
    e = lambda h: float(energy(h, 2.0))
    np.testing.assert_allclose(g_h, (e(0.6 + step) - e(0.6 - step)) / (2 * step), rtol=1e-6)


def test_thinfilm_parameter_errors():
    grid = Grid(6, 6, 1.0, 1.0)
    z = np.zeros(grid.shape)
    with pytest.raises(ParameterError, match="'grid'"):
        thinfilm.screening_potential(z, z, Grid(6, 6, 1.0, 1.0, periodic_y=True), 1.0)
    with pytest.raises(ParameterError, match="'pearl_length'"):
        thinfilm.screening_potential(z, z, grid, 0.0)
    with pytest.raises(ParameterError, match="'height'"):
        thinfilm.sheet_field(z, z, grid, -1.0, 1.0)
    with pytest.raises(ParameterError, match="shape"):
        thinfilm.screening_potential(np.zeros((5, 6)), z, grid, 1.0)


def _kogan(a, b, z, pearl):
    """ΔM = −π a b ∫₀^∞ J1(ka) J1(kb) e^{−2kz}/(1 + kΛ) dk  [μ0ξ] (Kogan 2003)."""
    f = lambda k: special.j1(k * a) * special.j1(k * b) * math.exp(-2 * k * z) / (1 + k * pearl)
    return -math.pi * a * b * integrate.quad(f, 0, np.inf, epsabs=0, epsrel=1e-11, limit=500)[0]


@pytest.fixture(scope="module")
def london_disk():
    """A London film disk (radius 45ξ, h = ξ) under a coaxial source loop a = 6ξ at z = 3ξ."""
    grid = Grid(96, 96, 1.0, 1.0)
    centre = (0.5, 0.5)
    X, Y = grid.nodes()
    site = (X - centre[0]) ** 2 + (Y - centre[1]) ** 2 <= 45.0 ** 2
    lx = site & np.roll(site, -1, 0)
    lx[-1, :] = False
    ly = site & np.roll(site, -1, 1)
    ly[:, -1] = False
    loop = sources.CurrentLoop(6.0, 3.0, 1.0, center=centre)
    ax, ay = sources.link_phases(loop, grid)
    return grid, centre, loop, ax, ay, lx.astype(float), ly.astype(float)


@pytest.mark.parametrize("ratio", [0.1, 1.0, 10.0])
def test_london_film_changes_mutual_inductance_as_kogan(london_disk, ratio):
    """ΔM of a coaxial source (a = 6ξ) and pickup (b = 9ξ) loop, both at z = 3ξ above a London
    film (ψ = 1, j = −(A_app + A_K) with the film's own Pearl field), against Kogan's
    −π a b ∫ J1(ka) J1(kb) e^{−2kz}/(1 + kΛ) dk for Λ/z = 0.1, 1, 10; 2%. The film is a disk of
    radius 45ξ = 15z (finite-size error ≲ 0.6% at Λ/z = 10, from the truncated 1/r² tail);
    the lattice error at h = ξ is ≲ 0.5% (it halves or better with h)."""
    grid, centre, loop, ax, ay, lx, ly = london_disk
    z = loop.height
    pearl = ratio * z
    resp = thinfilm.london_response(ax, ay, grid, pearl, lx, ly, tol=1e-9)
    assert float(resp.residual) < 1e-8
    dM = float(probes.film_mutual_inductance((resp.jx, resp.jy), loop.current, grid, pearl, 9.0, z,
                                             pickup_center=centre))
    ref = _kogan(6.0, 9.0, z, pearl)
    assert abs(dM / ref - 1) < 0.02, (ratio, dM, ref)
    # the total is the free-space Maxwell M of the coplanar loops plus ΔM
    M = float(probes.mutual_inductance(loop, 9.0, z, grid, pickup_center=centre, film_current=(resp.jx, resp.jy),
                                       pearl_length=pearl))
    np.testing.assert_allclose(M - dM, probes.coaxial_mutual_inductance(6.0, 9.0, 0.0), rtol=1e-10)
