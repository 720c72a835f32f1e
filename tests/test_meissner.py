"""Meissner screening of a parallel field by a slab (London theory; docs/model.md, "The model").

At κ ≫ 1 and H ≪ H_c1 the field inside a slab of thickness d is B(x) = H cosh(x/λ)/cosh(d/2λ)
(Tinkham, Introduction to Superconductivity, Eq. 2.5 with both faces exposed). In ξ units
λ = κ. The slab is infinite along y (periodic lattice) and the field enters from the vacuum on
both sides. λ fitted to the simulated profile must be within 2% of κ.
"""
import numpy as np
from scipy.optimize import curve_fit

from gl.gauge import applied_link_phases, magnetic_field
from gl.geometry import Disk, Grid, Rectangle
from gl.lattice import make_lattice
from gl.minimize import minimize
from gl.model import make_model
from gl.state import uniform_state


def test_slab_profile_matches_london_and_fitted_lambda_within_2_percent():
    kappa, H, d, margin, h = 10.0, 1e-3, 40.0, 5.0, 0.5     # H ≪ H_c1 ≈ ln κ/(2κ²) = 0.012 B_c2
    nx = int(round((d + 2 * margin) / h)) + 1
    grid = Grid(nx, 4, h, h, periodic_y=True)
    lat = make_lattice(grid, Rectangle(d, 1e3))
    params = make_model(kappa, H)
    result = minimize(uniform_state(lat, *applied_link_phases(grid, H)), params, lat, tol=1e-11, max_iter=20000)
    assert result.converged, result.grad_norm
    B = np.asarray(magnetic_field(result.state, lat))
    np.testing.assert_allclose(B[:, 1:], B[:, :1].repeat(3, 1), rtol=1e-9)   # uniform along the slab
    B = B[:-1, 0]                                           # the last column lies outside the box
    xc = (grid.x() + h / 2)[:-1]                            # plaquette centres
    # each superconducting column carries the current of a strip of width h: faces at ±(N h)/2
    d_eff = float(np.asarray(lat.site)[:, 0].sum()) * h
    np.testing.assert_allclose(B[np.abs(xc) > d_eff / 2], H, rtol=1e-9)   # vacuum: B = H
    inside = np.abs(xc) < d_eff / 2
    london = lambda x, lam: H * np.cosh(x / lam) / np.cosh(d_eff / (2 * lam))
    (lam_fit,), _ = curve_fit(london, xc[inside], B[inside], p0=[0.5 * kappa])
    assert abs(lam_fit - kappa) / kappa < 0.02, lam_fit
    np.testing.assert_allclose(B[inside], london(xc[inside], kappa), rtol=0.02)


def _screened_disk():
    grid = Grid.covering(20, 20, 0.5)
    lat = make_lattice(grid, Disk(6.0))
    params = make_model(2.0, 0.05)
    res = minimize(uniform_state(lat, *applied_link_phases(grid, 0.05)), params, lat, tol=1e-10, max_iter=20000)
    return grid, lat, params, res


def test_magnetization_from_currents_equals_mean_field_deficit():
    """Lattice identity: ½Σ r×J /κ² = Σ(B − H) hxhy for a screened sample (Ampère κ²∇×B = J)."""
    from gl.observables import magnetic_moment, magnetization
    grid, lat, params, res = _screened_disk()
    assert res.converged
    B = np.asarray(magnetic_field(res.state, lat))
    deficit = np.sum((B - 0.05) * np.asarray(lat.plaquette)) * grid.hx * grid.hy
    m = float(magnetic_moment(res.state, lat))
    assert m < 0                                                   # diamagnetic
    np.testing.assert_allclose(m / 2.0 ** 2, deficit, rtol=1e-6)
    S = float(np.sum(np.asarray(lat.site))) * grid.hx * grid.hy
    np.testing.assert_allclose(float(magnetization(res.state, lat, params.kappa)), deficit / S, rtol=1e-6)


def test_tdgl_with_screening_relaxes_to_the_london_profile():
    """Full-A TDGL (ψ and A evolving) reaches the same screened slab profile as L-BFGS."""
    from gl.driver import evolve
    kappa, H, d, h = 5.0, 1e-3, 20.0, 0.5
    grid = Grid(int(round((d + 6) / h)) + 1, 4, h, h, periodic_y=True)
    lat = make_lattice(grid, Rectangle(d, 1e3))
    params = make_model(kappa, H)
    s0 = uniform_state(lat, *applied_link_phases(grid, H))
    ref = minimize(s0, params, lat, tol=1e-11, max_iter=20000)
    traj = evolve(s0, params, lat, n_steps=40000, chunk_steps=10000, progress=False)
    B_tdgl = np.asarray(magnetic_field(traj.state, lat))[:-1, 0]
    B_ref = np.asarray(magnetic_field(ref.state, lat))[:-1, 0]
    assert B_ref.min() < 0.5 * H                                     # strongly screened inside
    np.testing.assert_allclose(B_tdgl, B_ref, rtol=1e-3)
