"""gl.hirsch: Hirsch's charge and spin sectors against closed forms (Bessel, cosh), on cylindrical
cells and on the square lattice; London's field; constants; bad input."""
import math

import numpy as np
import pytest
import scipy.constants as sc
from scipy.special import i0e, i1, i1e, k0e, k1e

from gl import hirsch
from gl.errors import ParameterError
from gl.geometry import Disk, Grid, Rectangle, Ring
from gl.lattice import lattice_from_mask, make_lattice

LAM = 40e-9
EPS0 = hirsch.VACUUM_PERMITTIVITY


def test_bessel_functions_against_scipy():
    x = np.concatenate([[0.0], np.geomspace(1e-3, 2000, 400)])
    assert np.max(np.abs(hirsch.bessel_i_scaled(0, x) / i0e(x) - 1)) < 1e-12
    assert np.max(np.abs(hirsch.bessel_i_scaled(1, x[1:]) / i1e(x[1:]) - 1)) < 1e-12
    xk = x[x >= 1e-2]
    assert np.max(np.abs(hirsch.bessel_k_scaled(0, xk) / k0e(xk) - 1)) < 1e-12
    assert np.max(np.abs(hirsch.bessel_k_scaled(1, xk) / k1e(xk) - 1)) < 1e-12
    assert hirsch.bessel_i_scaled(0, np.zeros((2, 3))).shape == (2, 3)


def test_constants_are_codata_2018():
    assert hirsch.VACUUM_PERMITTIVITY == pytest.approx(sc.epsilon_0, rel=1e-10)
    assert hirsch.ELECTRON_MASS == pytest.approx(sc.m_e, rel=1e-9)
    assert hirsch.SPEED_OF_LIGHT == sc.c


def test_hirsch_numbers_at_400_angstrom():
    """E_m, v_σ⁰, ρ₋ and L from CODATA against Hirsch's quoted values (they differ in the 4th digit)."""
    Em = hirsch.interior_field_scale(LAM)
    assert Em == pytest.approx(sc.hbar * sc.c / (4 * sc.e * LAM ** 2), rel=1e-9)
    assert Em / 100 == pytest.approx(308281.0, rel=2e-4) and abs(Em / 100 - 308281.0) > 10     # 308,323 V/cm
    v0 = hirsch.spin_current_speed(LAM)
    assert v0 * 100 == pytest.approx(7.24e4, rel=1e-3)
    # Gaussian ρ₋ = −E_m/(4πλ): E in statvolt/cm, ρ in statC/cm³ → SI via ε0
    E_gauss = Em / hirsch.STATVOLT_PER_CM
    rho_gauss = -E_gauss / (4 * math.pi * LAM * 100)                                  # statC/cm³
    statC = 0.1 / sc.c                                                                # C per statcoulomb
    assert hirsch.surface_charge_density(LAM) == pytest.approx(rho_gauss * statC * 1e6, rel=1e-9)
    assert hirsch.orbit_angular_momentum(LAM) == pytest.approx(sc.hbar / 2, rel=1e-12)
    # E_m is the field at which the surface carriers move at v_σ⁰: |e|λ E_m/(m c) = ħ/(4mλ)
    assert hirsch.carrier_velocity_per_field(LAM) * Em == pytest.approx(v0, rel=1e-12)
    # J_σ = (ε0 c/2λ)E_m equals (n_s/2)|e| v_σ⁰ at the surface
    assert EPS0 * sc.c / (2 * LAM) * Em == pytest.approx(hirsch.superfluid_density(LAM) / 2 * sc.e * v0, rel=1e-9)


def _laplacian_radial(f, r, dr):
    return (f(r + dr) - 2 * f(r) + f(r - dr)) / dr ** 2 + (f(r + dr) - f(r - dr)) / (2 * dr * r)


def test_cylinder_closed_form_is_a_solution():
    """∇²(ρ − ρ₀) = (ρ − ρ₀)/λ², neutrality, Gauss, E(R) = 0, E → E_m r/R inside, E − E₀ = (λ²/ε0)ρ'."""
    R = 10 * LAM
    rho0 = 2 * EPS0 * hirsch.interior_field_scale(LAM) / R
    cf = lambda r, k="rho": hirsch.cylinder_charge(r, R, LAM, rho0)[k]
    r = np.linspace(0.2 * R, 0.98 * R, 7)
    dr = 1e-3 * LAM
    d = lambda r: cf(r) - rho0
    assert np.allclose(_laplacian_radial(d, r, dr) * LAM ** 2, d(r), rtol=1e-5, atol=1e-7 * rho0)
    rr = np.linspace(0, R, 200001)
    q = np.trapezoid(cf(rr) * 2 * np.pi * rr, rr)
    assert abs(q) < 1e-8 * rho0 * np.pi * R ** 2
    for x in (0.3 * R, 0.9 * R):
        s = rr <= x
        assert cf(x, "E") == pytest.approx(np.trapezoid(cf(rr[s]) * rr[s], rr[s]) / (EPS0 * x), rel=1e-7)
    out = hirsch.cylinder_charge(np.array([R / 2, R]), R, LAM, rho0)
    assert out["E"][1] == pytest.approx(0.0, abs=1e-12 * out["E_m"])
    assert out["E"][0] == pytest.approx(out["E_m"] * (0.5 - i1(5.0) / i1(10.0)), rel=1e-12)
    assert out["E"][0] == pytest.approx(out["E_m"] / 2, rel=0.02)                 # Hirsch's E_m r/R at R = 10λ
    assert cf(R, "dE") == pytest.approx(-out["E_m"], rel=1e-12)
    drho = (cf(0.9 * R + dr) - cf(0.9 * R - dr)) / (2 * dr)
    assert cf(0.9 * R, "dE") == pytest.approx(LAM ** 2 / EPS0 * drho, rel=1e-6)
    # φ(R) = 0 and −φ' = E
    assert cf(R, "phi") == pytest.approx(0.0, abs=1e-12)
    assert -(cf(0.7 * R + dr, "phi") - cf(0.7 * R - dr, "phi")) / (2 * dr) == pytest.approx(cf(0.7 * R, "E"), rel=1e-6)
    # R ≫ λ: the surface density tends to Hirsch's ρ₋ = −ε0E_m/λ
    Rb = 400 * LAM
    big = hirsch.cylinder_charge(Rb, Rb, LAM, 2 * EPS0 * hirsch.interior_field_scale(LAM) / Rb)["rho"]
    assert big == pytest.approx(hirsch.surface_charge_density(LAM), rel=4e-3)


def test_annulus_and_slab_closed_forms_are_solutions():
    a, R = 5 * LAM, 12 * LAM
    rho0 = 1.0
    cf = lambda r, k="rho": hirsch.annulus_charge(r, a, R, LAM, rho0)[k]
    dr = 1e-3 * LAM
    d = lambda r: cf(r) - rho0
    r = np.linspace(a + 0.3 * LAM, R - 0.3 * LAM, 5)
    assert np.allclose(_laplacian_radial(d, r, dr) * LAM ** 2, d(r), rtol=1e-5, atol=1e-7 * abs(cf(R)))
    assert (cf(a + dr) - cf(a)) / dr == pytest.approx(0.0, abs=1e-4 * abs(cf(R)) / LAM)      # ρ'(a) = 0
    rr = np.linspace(a, R, 200001)
    assert abs(np.trapezoid(cf(rr) * rr, rr)) < 1e-8 * rho0 * R ** 2
    assert cf(R, "E") == pytest.approx(0.0, abs=1e-9 * np.max(np.abs(cf(rr, "E"))))
    assert cf(a, "E") == pytest.approx(0.0, abs=1e-12)
    assert hirsch.annulus_charge(a, a, R, LAM, rho0)["phi"] == pytest.approx(
        hirsch.annulus_charge(a, a, R, LAM, rho0)["phi_hole"], rel=1e-12)
    d_slab = 8 * LAM
    sl = lambda x, k="rho": hirsch.slab_charge(x, d_slab, LAM, rho0)[k]
    x = np.linspace(-d_slab / 2, d_slab / 2, 100001)
    assert abs(np.trapezoid(sl(x), x)) < 1e-9 * d_slab
    assert sl(d_slab / 2, "E") == pytest.approx(0.0, abs=1e-12)
    xs = 0.3 * d_slab
    assert (sl(xs + dr) - 2 * sl(xs) + sl(xs - dr)) / dr ** 2 * LAM ** 2 == pytest.approx(sl(xs) - rho0, rel=1e-5)


def test_radial_lattice_matches_bessel_forms():
    """Cylindrical cells of λ/20: ρ, E, E − E₀, φ within 0.1% of the closed forms; exact neutrality."""
    R, n = 10 * LAM, 200
    rho0 = 2 * EPS0 * hirsch.interior_field_scale(LAM) / R
    s = hirsch.solve_charge_radial(R, LAM, rho0, n_cells=n)
    cf = hirsch.cylinder_charge(s.r[s.inside], R, LAM, rho0)
    assert np.max(np.abs(s.rho[s.inside] - cf["rho"])) < 1e-3 * np.max(np.abs(cf["rho"]))
    E_cf = hirsch.cylinder_charge(s.r_face[1:n + 1], R, LAM, rho0)
    assert np.max(np.abs(s.E[1:n + 1] - E_cf["E"])) < 1e-3 * E_cf["E_m"]
    assert np.max(np.abs(s.dE[1:n] - E_cf["dE"][:-1])) < 1e-3 * E_cf["E_m"]
    assert np.max(np.abs(s.phi[s.inside] - cf["phi"])) < 1e-3 * np.max(np.abs(cf["phi"]))
    assert abs(np.sum(s.rho * s.r)) < 1e-10 * rho0 * np.sum(s.r[s.inside])
    assert np.all(s.rho[~s.inside] == 0) and s.E[n] == 0
    # the tube: free hole potential reproduces ρ'(a) = 0 (the free-space φ₀ of Hirsch)
    a = 4 * LAM
    t = hirsch.solve_charge_radial(R, LAM, rho0, inner_radius=a, n_cells=n)
    tc = hirsch.annulus_charge(t.r[t.inside], a, R, LAM, rho0)
    assert np.max(np.abs(t.rho[t.inside] - tc["rho"])) < 1e-3 * np.max(np.abs(tc["rho"]))
    assert t.phi_hole == pytest.approx(tc["phi_hole"], rel=1e-3)
    assert np.all(t.rho[t.r < a] == 0)


def test_london_field_on_cells_and_closed_forms():
    R, a = 10 * LAM, 4 * LAM
    r, B = hirsch.solve_field_radial(R, LAM, 1.0, n_cells=200)
    assert np.max(np.abs(B - hirsch.cylinder_field(r, R, LAM))) < 1e-3
    r, B = hirsch.solve_field_radial(R, LAM, 1.0, inner_radius=a, hole_field=0.3, n_cells=200)
    assert np.max(np.abs(B - hirsch.annulus_field(r, a, R, LAM, 1.0, 0.3))) < 1e-3
    assert hirsch.annulus_field(np.array([a, R]), a, R, LAM, 1.0, 0.3) == pytest.approx([0.3, 1.0], rel=1e-12)
    assert hirsch.cylinder_field(R, R, LAM, 2.0) == pytest.approx(2.0, rel=1e-12)


def _slab_lattice(d_nodes, h, margin=2):
    grid = Grid(d_nodes + 2 * margin, 2, h, h, periodic_y=True)
    mask = np.zeros(grid.shape, bool)
    mask[margin:margin + d_nodes] = True
    return grid, lattice_from_mask(grid, mask)


def test_square_lattice_slab_matches_cosh_forms():
    """Edges along the axes: the general-mask solver is within 1% of the slab closed forms at h = λ/4."""
    h, d_nodes = 0.25, 40                              # d = 10 λ
    grid, lat = _slab_lattice(d_nodes, h)
    d = d_nodes * h * LAM
    rho0 = 2 * EPS0 * hirsch.interior_field_scale(LAM) / d
    s = hirsch.solve_charge(lat, LAM, rho0)
    site = np.asarray(lat.site)[:, 0] > 0
    x = grid.x() * LAM
    cf = hirsch.slab_charge(x[site], d, LAM, rho0)
    assert np.max(np.abs(s.rho[site, 0] - cf["rho"])) < 0.01 * np.max(np.abs(cf["rho"]))
    assert np.max(np.abs(s.phi[site, 0] - cf["phi"])) < 0.01 * np.max(np.abs(cf["phi"]))
    xl = x + h * LAM / 2
    inner = np.abs(xl) < d / 2
    E_cf = hirsch.slab_charge(xl[inner], d, LAM, rho0)["E"]
    assert np.max(np.abs(s.ex[inner, 0] - E_cf)) < 0.01 * np.max(np.abs(E_cf))
    assert abs(s.rho.sum()) < 1e-9 * rho0 * site.sum()
    assert np.all(s.rho[~site] == 0) and np.all(s.ex[~inner] == 0)
    # spin current: ẑ × ∇ρ along y, antiparallel carrier velocity; |v| ≈ (|e|λ/mc)|E − E₀|
    j, v = s.spin_current[1], s.spin_velocity[1]
    assert np.all(np.sign(j[site, 0][:5]) == -np.sign(v[site, 0][:5]))
    assert np.max(np.abs(s.spin_velocity[0])) < 1e-6 * np.max(np.abs(v))
    # London's field in the slab: cosh within 1%
    B, _ = hirsch.solve_field(lat, 1.0)
    lam_l = 1.0
    xb = grid.x()[site]
    Bc = np.cosh(xb / lam_l) / np.cosh(d_nodes * h / 2 / lam_l)
    assert np.max(np.abs(B[site, 0] - Bc)) < 0.01


def test_square_cross_section_neutral_no_field_outside_and_screened_within_lambda():
    h, n = 0.25, 72                                   # square of side 16 λ in a box of 18 λ
    grid = Grid(n, n, h, h)
    lat = make_lattice(grid, Rectangle(16.0, 16.0))
    site = np.asarray(lat.site) > 0
    rho0 = hirsch.background_density(hirsch.interior_field_scale(LAM), (16 * LAM) ** 2, 64 * LAM)
    s = hirsch.solve_charge(lat, LAM, rho0)
    assert abs(s.rho.sum()) < 1e-9 * rho0 * site.sum()
    assert np.all(s.rho[~site] == 0) and np.all(s.phi[~site] == 0)
    assert np.all(s.ex[~site] == 0) and np.all(s.ey[~site] == 0)
    # four-fold symmetry of the solution
    assert np.allclose(s.rho, np.rot90(s.rho), atol=1e-7 * rho0) and np.allclose(s.rho, s.rho.T, atol=1e-7 * rho0)
    # ρ − ρ₀ decays from the edge centre over λ (discrete rate: 0.1% at h = λ/4), fitted over 2λ
    mid = n // 2
    edge = int(np.argmax(site[:, mid]))
    prof = np.log(np.abs(0.5 * (s.rho[edge:edge + 8, mid] + s.rho[edge:edge + 8, mid - 1]) - rho0))
    decay = -1 / np.polyfit(np.arange(8) * h, prof, 1)[0]
    assert decay == pytest.approx(1.0, rel=0.01)


def test_ring_hole_potential_free_and_field_free_hole():
    """A hole gets one free potential: no charge and no field inside it; close to the tube's closed form."""
    h, n = 0.25, 88
    grid = Grid(n, n, h, h)
    a, R = 4.0, 10.0
    lat = make_lattice(grid, Ring(a, R))
    site = np.asarray(lat.site) > 0
    X, Y = grid.nodes()
    rho0 = 1.0
    s = hirsch.solve_charge(lat, LAM, rho0)
    hole = np.hypot(X, Y) < a - h
    assert len(s.hole_potentials) == 1
    assert np.all(s.rho[hole] == 0) and np.allclose(s.phi[hole], s.hole_potentials[0], rtol=1e-12)
    assert abs(s.rho.sum()) < 1e-8 * rho0 * site.sum()
    closed = hirsch.annulus_charge(R * LAM, a * LAM, R * LAM, LAM, rho0)["phi_hole"]
    assert s.hole_potentials[0] == pytest.approx(closed, rel=0.03)                 # staircase circles
    rr = np.linspace(a, R, 4001) * LAM
    Emax = hirsch.annulus_charge(rr, a * LAM, R * LAM, LAM, rho0)["E"].max()
    ex = 0.5 * (s.ex + np.roll(s.ex, 1, 0))
    ey = 0.5 * (s.ey + np.roll(s.ey, 1, 1))
    assert np.hypot(ex, ey).max() == pytest.approx(Emax, rel=0.01)


def test_bad_input_raises_parameter_error():
    with pytest.raises(ParameterError, match="penetration_depth"):
        hirsch.interior_field_scale(0.0)
    with pytest.raises(ParameterError, match="area"):
        hirsch.background_density(1.0, -1.0, 1.0)
    with pytest.raises(ParameterError, match="inner_radius"):
        hirsch.solve_charge_radial(1e-6, LAM, 1.0, inner_radius=0.33333e-6, n_cells=100)
    with pytest.raises(ParameterError, match="n_cells"):
        hirsch.solve_charge_radial(1e-6, LAM, 1.0, n_cells=4)
    with pytest.raises(ParameterError, match="inner_radius"):
        hirsch.annulus_charge(1e-7, 2e-7, 1e-7, LAM, 1.0)
    with pytest.raises(ParameterError, match="x"):
        hirsch.bessel_k_scaled(0, np.array([0.0, 1.0]))
    grid = Grid(12, 12, 0.25, 0.25)
    with pytest.raises(ParameterError, match="open edges"):
        hirsch.solve_charge(make_lattice(grid), LAM, 1.0)
    with pytest.raises(ParameterError, match="interior node"):
        mask = np.zeros(grid.shape, bool)
        mask[3:5, 3:9] = True
        hirsch.solve_charge(lattice_from_mask(grid, mask), LAM, 1.0)
    with pytest.raises(ParameterError, match="thinner than 2"):
        mask = np.zeros(grid.shape, bool)
        mask[2:10, 2:10] = True
        mask[3:5, 4:7] = False                   # a hole one node from the outside
        hirsch.solve_charge(lattice_from_mask(grid, mask), LAM, 1.0)
    with pytest.raises(ParameterError, match="max_iter"):
        hirsch.solve_charge(make_lattice(Grid(24, 24, 0.25, 0.25), Disk(2.5)), LAM, 1.0, max_iter=3)
