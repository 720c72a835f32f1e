"""meissner: screening of a parallel field by a slab and by a disk (cylinder cross-section).

London theory (Tinkham, Introduction to Superconductivity, §2.2; κ ≫ 1, H ≪ H_c1):
slab of thickness d: B(x) = H cosh(x/λ)/cosh(d/2λ); cylinder of radius R: B(r) = H I0(r/λ)/I0(R/λ).
In ξ units λ = κ. Both are computed by L-BFGS minimization of the GL free energy with A evolving
(field energy over the whole box, B = H imposed at the box edge). λ is fitted to each simulated
profile (for the disk together with the effective radius of the staircase lattice boundary).
A field sweep of the slab (continuation upward) shows |ψ|² at the surface falling as H rises
toward and past the superheating field H_sh ≈ (√5/3) H_c of κ → ∞ (Matricon & Saint-James,
Phys. Lett. A 24, 241 (1967)); the slab is translation invariant along y, so no vortex can enter
and the surface layer eventually turns normal instead.
"""
from __future__ import annotations

import dataclasses
import math

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import curve_fit
from scipy.special import i0

from gl.errors import require_positive
from gl.gauge import applied_link_phases, magnetic_field
from gl.geometry import Disk, Grid, Rectangle
from gl.io import save_arrays
from gl.lattice import make_lattice
from gl.minimize import minimize
from gl.observables import density
from gl.model import make_model
from gl.state import uniform_state

from .common import check, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "meissner"
DESCRIPTION = "London screening of a parallel field by a slab and a disk; fitted λ; surface |ψ| up to H_sh."


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (GL units: lengths in ξ, fields in B_c2)."""

    kappa: float = 10.0             #: κ = λ/ξ of the slab
    slab_thickness: float = 40.0    #: slab thickness d [ξ]
    disk_kappa: float = 8.0         #: κ of the disk
    disk_radius: float = 24.0       #: disk radius R [ξ]
    margin: float = 4.0             #: vacuum around the sample [ξ]
    grid_spacing: float = 0.5       #: lattice spacing [ξ]
    weak_field: float = 1e-3        #: H for the London comparison [B_c2] (≪ H_c1)
    sweep_points: int = 40          #: fields in the surface-|ψ| sweep
    sweep_max: float = 1.7          #: top of the sweep in units of (√5/3) H_c
    tol: float = 1e-10              #: L-BFGS gradient-norm tolerance
    max_iter: int = 30000           #: L-BFGS iteration cap
    lambda_tolerance: float = 0.02  #: relative tolerance on the fitted λ
    precision: str = "float64"


def _slab(cfg, real, H, state=None):
    h = cfg.grid_spacing
    nx = int(round((cfg.slab_thickness + 2 * cfg.margin) / h)) + 1
    grid = Grid(nx, 4, h, h, periodic_y=True)
    lat = make_lattice(grid, Rectangle(cfg.slab_thickness, 1e6), dtype=real)
    params = make_model(cfg.kappa, H, dtype=real)
    a = applied_link_phases(grid, H, dtype=real)
    # continuation: keep ψ of the previous field, restart A from the new applied potential
    s0 = uniform_state(lat, *a) if state is None else state.replace(ax=a[0], ay=a[1])
    return grid, lat, params, s0


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Compute both profiles and the sweep; write meissner.h5, summary.json and figures.

    ``resume`` is accepted for a uniform command line; this experiment takes seconds and recomputes.
    """
    t_start, out, real = start(out_dir, cfg.precision)
    for k in ("kappa", "slab_thickness", "disk_kappa", "disk_radius", "margin", "grid_spacing", "weak_field"):
        require_positive(k, getattr(cfg, k))
    H = cfg.weak_field
    checks, arrays = [], {}

    # --- slab -------------------------------------------------------------------------------
    grid, lat, params, s0 = _slab(cfg, real, H)
    res = minimize(s0, params, lat, tol=cfg.tol, max_iter=cfg.max_iter)
    B = np.asarray(magnetic_field(res.state, lat))[:-1, 0]
    xc = (grid.x() + grid.hx / 2)[:-1]
    d_eff = float(np.asarray(lat.site)[:, 0].sum()) * grid.hx   # N columns, each a strip of width h
    inside = np.abs(xc) < d_eff / 2
    london = lambda x, lam: H * np.cosh(x / lam) / np.cosh(d_eff / (2 * lam))
    (lam_slab,), _ = curve_fit(london, xc[inside], B[inside], p0=[0.5 * cfg.kappa])
    checks.append(check("slab: fitted penetration depth", lam_slab, cfg.kappa, cfg.lambda_tolerance, "xi"))
    checks.append(check("slab: B at the centre / H", B[np.argmin(np.abs(xc))] / H,
                        1 / math.cosh(d_eff / (2 * cfg.kappa)), cfg.lambda_tolerance, "1"))
    arrays.update(slab_x=xc, slab_B=B)

    # --- disk -------------------------------------------------------------------------------
    Rb = cfg.disk_radius + cfg.margin
    dgrid = Grid.covering(2 * Rb, 2 * Rb, cfg.grid_spacing)
    dlat = make_lattice(dgrid, Disk(cfg.disk_radius), dtype=real)
    dparams = make_model(cfg.disk_kappa, H, dtype=real)
    dres = minimize(uniform_state(dlat, *applied_link_phases(dgrid, H, dtype=real)), dparams, dlat,
                    tol=cfg.tol, max_iter=cfg.max_iter)
    Bd = np.asarray(magnetic_field(dres.state, dlat))
    Xc, Yc = dgrid.plaquette_centres()
    r = np.hypot(Xc, Yc)
    R_area = math.sqrt(float(np.asarray(dlat.site).sum()) * dgrid.cell_area / math.pi)
    sel = (r < R_area - 1.0) & (np.asarray(dlat.plaquette) > 0)
    bessel = lambda rr, lam, R0: H * i0(rr / lam) / i0(R0 / lam)
    (lam_disk, R0), _ = curve_fit(bessel, r[sel], Bd[sel], p0=[0.5 * cfg.disk_kappa, R_area])
    checks.append(check("disk: fitted penetration depth", lam_disk, cfg.disk_kappa, cfg.lambda_tolerance, "xi"))
    checks.append(check("disk: effective London radius", R0, cfg.disk_radius, 2 * cfg.grid_spacing / cfg.disk_radius,
                        "xi"))
    arrays.update(disk_r=r[sel], disk_B=Bd[sel])

    # --- surface |psi|^2 against field (slab, continuation upward) -------------------------
    Hc = 1.0 / (math.sqrt(2.0) * cfg.kappa)
    H_sh = math.sqrt(5.0) / 3.0 * Hc
    fields = np.linspace(0.0, cfg.sweep_max * H_sh, cfg.sweep_points)
    surface, mean_n, state = [], [], None
    edge = int(np.argmax(np.asarray(lat.site)[:, 0]))
    for Hs in fields:
        g, l, p, s0 = _slab(cfg, real, float(Hs), state)
        rs = minimize(s0, p, l, tol=cfg.tol, max_iter=cfg.max_iter)
        state = rs.state
        n = np.asarray(density(state))
        surface.append(float(n[edge, 0]))
        mean_n.append(float(n[np.asarray(l.site) > 0].mean()))
    surface, mean_n = np.asarray(surface), np.asarray(mean_n)
    superconducting_surface = surface > 0.01
    H_normal_surface = (float(fields[np.argmin(superconducting_surface)]) if not superconducting_surface.all()
                        else float("nan"))
    arrays.update(sweep_H=fields, sweep_surface_density=surface, sweep_mean_density=mean_n)

    save_arrays(out / "meissner.h5", arrays, {"experiment": NAME, "config": config_dict(cfg),
                                                "units": {"length": "xi", "field": "Bc2"}})
    _figures(out, cfg, xc, B, lam_slab, london, d_eff, r[sel], Bd[sel], lam_disk, R0, bessel, fields, surface,
             mean_n, Hc, H_sh)
    summary = {
        "experiment": NAME, "checks": checks,
        "slab": {"lambda_fit": lam_slab, "lambda_input": cfg.kappa, "thickness_eff": d_eff,
                 "grad_norm": res.grad_norm},
        "disk": {"lambda_fit": lam_disk, "lambda_input": cfg.disk_kappa, "R_eff": R0, "R_area": R_area,
                 "grad_norm": dres.grad_norm},
        "sweep": {"Hc": Hc, "H_sh_kappa_infinity": H_sh,
                  "surface_density_at_H_sh_kappa_infinity": float(np.interp(H_sh, fields, surface)),
                  "field_where_surface_turns_normal": H_normal_surface,
                  "note": "1D slab (translation invariant along y): no vortex can enter, so above the "
                          "superheating range the surface layer turns normal instead"},
        "config": config_dict(cfg),
    }
    return finish(out, summary, t_start)


def _figures(out, cfg, xc, B, lam_slab, london, d_eff, r, Bd, lam_disk, R0, bessel, fields, surface, mean_n, Hc,
             H_sh):
    H = cfg.weak_field
    fig, axs = plt.subplots(1, 3, figsize=(15, 4.4))
    ax = axs[0]
    ax.plot(xc, B / H, "o", ms=3, label="GL lattice")
    xx = np.linspace(-d_eff / 2, d_eff / 2, 300)
    ax.plot(xx, london(xx, cfg.kappa) / H, "k-", lw=1, label=f"London, λ = κ = {cfg.kappa:g}")
    ax.axvspan(-d_eff / 2, d_eff / 2, color="0.9", zorder=-1)
    ax.set(xlabel="x / ξ", ylabel="B / H", title=f"slab: fitted λ = {lam_slab:.4f} ξ")
    ax.legend()
    ax = axs[1]
    order = np.argsort(r)
    ax.plot(r[order], Bd[order] / H, ".", ms=2, label="GL lattice (all plaquettes)")
    rr = np.linspace(0, R0, 300)
    ax.plot(rr, bessel(rr, cfg.disk_kappa, R0) / H, "k-", lw=1, label=f"London I0(r/λ)/I0(R/λ), λ = {cfg.disk_kappa:g}")
    ax.set(xlabel="r / ξ", ylabel="B / H", title=f"disk: fitted λ = {lam_disk:.4f} ξ")
    ax.legend()
    ax = axs[2]
    ax.plot(fields / Hc, surface, "o-", ms=3, label="|ψ|² at the surface")
    ax.plot(fields / Hc, mean_n, "s-", ms=3, label="mean |ψ|²")
    ax.axvline(H_sh / Hc, color="k", ls="--", lw=1, label="H_sh(κ→∞) = (√5/3) H_c")
    ax.set(xlabel="H / H_c", ylabel="|ψ|²", title=f"slab, κ = {cfg.kappa:g}: surface |ψ|² against field", ylim=(0, 1.05))
    ax.legend()
    save_figure(fig, out / "meissner.png")
