"""vortex: an isolated Abrikosov vortex in a large disk (2D cross-section of a cylinder, A evolving).

Compared with:
* flux quantization: the flux of the vortex, through a contour where the current has decayed,
  is Φ0 (Abrikosov 1957; Tinkham, Introduction to Superconductivity, §5.1);
* the core: |ψ(r)| against Clem's trial profile r/√(r² + ξ_v²) (J. R. Clem, J. Low Temp. Phys.
  18, 427 (1975)); ξ_v is fitted and compared with Clem's variational value
  ξ_v = √2 ξ [1 − K0²(ξ_v/λ)/K1²(ξ_v/λ)]^{1/2} (Hao, Clem et al., Phys. Rev. B 43, 2844 (1991));
* the field tail: B(r) ∝ K0(r/λ) for r ≫ ξ (London; with the image term that makes B(R) = 0 at
  the cylinder surface), λ fitted and compared with κ;
* the supercurrent J(r): its maximum and where it sits, against the GL depairing current
  J_d = 2/(3√3) J0 (Tinkham Eq. 4.36).
"""
from __future__ import annotations

import dataclasses
import math

import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import brentq, curve_fit
from scipy.special import i0, k0, k1

from gl import observables as obs
from gl.errors import ParameterError, require_positive
from gl.gauge import magnetic_field
from gl.geometry import Disk, Grid
from gl.io import save_state
from gl.lattice import make_lattice, plaquette_region
from gl.minimize import minimize
from gl.model import make_model
from gl.state import State

from .common import check, finish, start
from .config import config_dict
from .plotting import plot_density, save_figure

NAME = "vortex"
DESCRIPTION = "Isolated vortex: flux Φ0, Clem core profile, K0 field tail, supercurrent vs depairing current."
DEPAIRING = 2.0 / (3.0 * math.sqrt(3.0))


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (lengths in ξ, fields in B_c2)."""

    kappa: float = 3.0          #: κ = λ/ξ
    radius_lambda: float = 8.0  #: disk radius in units of λ
    margin: float = 2.0         #: vacuum around the disk [ξ]
    tail_start: float = 6.0     #: the K0 fit uses r > tail_start [ξ] (r ≫ ξ, outside the depleted core)
    grid_spacing: float = 0.5   #: lattice spacing [ξ]
    tol: float = 1e-9           #: L-BFGS gradient-norm tolerance
    max_iter: int = 30000       #: L-BFGS iteration cap
    precision: str = "float64"


def clem_xi_v(kappa: float) -> float:
    """Clem's variational core size ξ_v/ξ, solving ξ_v = √2 [1 − K0²(ξ_v/κ)/K1²(ξ_v/κ)]^{1/2}."""
    g = lambda x: x - math.sqrt(2.0) * math.sqrt(1.0 - (k0(x / kappa) / k1(x / kappa)) ** 2)
    return brentq(g, 1e-3, math.sqrt(2.0))


def _radial(r, values, edges):
    idx = np.digitize(r, edges) - 1
    ok = (idx >= 0) & (idx < len(edges) - 1)
    s = np.bincount(idx[ok], weights=values[ok], minlength=len(edges) - 1)
    c = np.bincount(idx[ok], minlength=len(edges) - 1)
    with np.errstate(invalid="ignore"):
        return s / c


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Relax one vortex at the disk centre (H = 0) and compare; write vortex.h5, summary.json, figures.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.
    """
    t_start, out, real = start(out_dir, cfg.precision)
    kappa = require_positive("kappa", cfg.kappa)
    if kappa < 1 / math.sqrt(2):
        raise ParameterError(f"parameter 'kappa' = {kappa} is out of range: a vortex needs κ > 1/√2 (type II)")
    R = require_positive("radius_lambda", cfg.radius_lambda) * kappa
    h = require_positive("grid_spacing", cfg.grid_spacing)
    n = 2 * int(math.ceil((R + cfg.margin) / h))                    # even: the centre is a plaquette centre
    grid = Grid(n, n, h, h)
    lat = make_lattice(grid, Disk(R), dtype=real)
    params = make_model(kappa, 0.0, dtype=real)
    X, Y = grid.nodes()
    r = np.hypot(X, Y)
    psi0 = np.tanh(r) * np.exp(1j * np.arctan2(Y, X))
    zero = jnp.zeros(grid.shape, real)
    state = State(jnp.asarray(psi0, jnp.result_type(real, jnp.complex64)) * lat.site, zero, zero)
    res = minimize(state, params, lat, tol=cfg.tol, max_iter=cfg.max_iter)
    state = res.state
    v = obs.vortices(state, lat)
    if v["net"] != 1:
        raise RuntimeError(f"expected one vortex after relaxation, found net vorticity {v['net']}")
    x0, y0 = float(v["x"][0]), float(v["y"][0])
    checks = []

    # flux of the vortex through a contour λ inside the surface, where the current has decayed
    Rc = R - kappa
    flux = obs.fluxoid(state, lat, plaquette_region(grid, Disk(Rc, (x0, y0))))
    checks.append(check("flux of the vortex", flux["flux"], 1.0, 0.01, "Phi0"))
    london_flux = 1.0 - (Rc / kappa) * k1(Rc / kappa)              # flux inside radius r of a London vortex

    # core: Clem profile
    psi_abs = np.abs(np.asarray(state.psi))
    rn = np.hypot(X - x0, Y - y0)
    core = (rn < 6.0) & (np.asarray(lat.site) > 0)
    clem = lambda rr, xv: rr / np.sqrt(rr ** 2 + xv ** 2)
    (xi_v,), _ = curve_fit(clem, rn[core], psi_abs[core], p0=[1.0])
    xi_v_clem = clem_xi_v(kappa)
    checks.append(check("core size xi_v against Clem's variational value", xi_v, xi_v_clem, 0.05, "xi"))

    # field tail: B ∝ K0(r/λ)
    Bz = np.asarray(magnetic_field(state, lat))
    Xc, Yc = grid.plaquette_centres()
    rp = np.hypot(Xc - x0, Yc - y0)
    tail = (rp > cfg.tail_start) & (rp < R - kappa) & (np.asarray(lat.plaquette) > 0)
    # London field of a vortex at the centre of a cylinder with B = H = 0 at its surface r = R
    london = lambda rr, amp, lam: amp * (k0(rr / lam) - k0(R / lam) * i0(rr / lam) / i0(R / lam))
    (amp, lam_fit), _ = curve_fit(london, rp[tail], Bz[tail], p0=[1 / kappa ** 2, kappa])
    checks.append(check("field tail: fitted penetration depth (B ∝ K0(r/λ))", lam_fit, kappa, 0.02, "xi"))
    B0 = float(Bz[rp < h].max())
    B0_clem = k0(xi_v_clem / kappa) / (kappa * xi_v_clem * k1(xi_v_clem / kappa))

    # supercurrent profile
    jx, jy = obs.current_on_nodes(state, lat)
    jmag = np.hypot(np.asarray(jx), np.asarray(jy))
    edges = np.arange(0.0, R, h)
    centres = 0.5 * (edges[1:] + edges[:-1])
    j_r = _radial(rn.ravel(), jmag.ravel(), edges)
    psi_r = _radial(rn.ravel(), psi_abs.ravel(), edges)
    B_r = _radial(rp.ravel(), Bz.ravel(), edges)
    k = int(np.nanargmax(j_r))
    j_max, r_jmax = float(j_r[k]), float(centres[k])

    save_state(out / "vortex.h5", state, grid, lat.site, {"experiment": NAME, "config": config_dict(cfg)},
               {"r": centres, "psi_r": psi_r, "B_r": B_r, "J_r": j_r, "bz": Bz})
    _figures(out, cfg, state, lat, v, centres, psi_r, B_r, j_r, xi_v, amp, lam_fit, kappa, R, london)
    summary = {
        "experiment": NAME, "checks": checks,
        "kappa": kappa, "disk_radius_xi": R, "grid": [grid.nx, grid.ny],
        "vortex_position_xi": [x0, y0], "flux_Phi0": flux["flux"], "fluxoid": flux["fluxoid"],
        "flux_contour_radius_xi": Rc, "flux_London_isolated_vortex_Phi0": london_flux,
        "B_centre_Bc2": B0, "B_centre_Clem_estimate_Bc2": B0_clem,
        "xi_v_fit_xi": float(xi_v), "xi_v_clem_variational_xi": xi_v_clem,
        "lambda_fit_xi": float(lam_fit), "tail_amplitude": float(amp),
        "J_max_J0": j_max, "r_of_J_max_xi": r_jmax, "depairing_current_J0": DEPAIRING,
        "J_max_over_depairing": j_max / DEPAIRING,
        "minimization": {"grad_norm": res.grad_norm, "iterations": res.iterations, "converged": res.converged},
        "config": config_dict(cfg),
    }
    return finish(out, summary, t_start)


def _figures(out, cfg, state, lat, v, rr, psi_r, B_r, j_r, xi_v, amp, lam_fit, kappa, R, london):
    plot_density(state.psi, lat, v, out / "vortex_density.png", "isolated vortex |ψ|²")
    fig, axs = plt.subplots(1, 3, figsize=(15, 4.4))
    x = np.linspace(1e-3, 8, 300)
    ax = axs[0]
    ax.plot(rr, psi_r, "o", ms=3, label="GL lattice")
    ax.plot(x, x / np.sqrt(x ** 2 + xi_v ** 2), "k-", lw=1, label=f"Clem r/√(r²+ξ_v²), ξ_v = {xi_v:.3f} ξ")
    ax.set(xlabel="r / ξ", ylabel="|ψ|", xlim=(0, 8), title="core profile")
    ax.legend()
    ax = axs[1]
    ax.semilogy(rr, B_r, "o", ms=3, label="GL lattice")
    xx = np.linspace(0.3, R, 300)
    ax.semilogy(xx, london(xx, amp, lam_fit), "k-", lw=1, label=f"London K0 (B(R) = 0), λ = {lam_fit:.3f} ξ")
    ax.set(xlabel="r / ξ", ylabel="B / Bc2", title=f"field (κ = {kappa:g})", ylim=(1e-5, None))
    ax.legend()
    ax = axs[2]
    ax.plot(rr, j_r, "o-", ms=3, label="|J_s|")
    ax.axhline(DEPAIRING, color="k", ls="--", lw=1, label="depairing 2/(3√3) J0")
    ax.set(xlabel="r / ξ", ylabel="J / J0", xlim=(0, 4 * kappa), title="supercurrent around the vortex")
    ax.legend()
    save_figure(fig, out / "vortex_profiles.png")
