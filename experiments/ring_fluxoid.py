"""ring-fluxoid: fluxoid quantization in rings — energy parabolas, hysteresis, field-cooling
staircase and Little–Parks oscillations.

* Thin ring (width ≪ ξ, R): a periodic chain of the GL lattice of circumference 2πR threaded by
  flux Φ (link phases 2πΦ/(Φ0 N)), A frozen. With winding n the exact GL solution has
  |ψ|² = 1 − (ξ/R)²(n − Φ/Φ0)² and free energy per length −½(1 − (ξ/R)²(n − Φ/Φ0)²)², so the
  branches cross at Φ/Φ0 = n + ½ (Tinkham, Introduction to Superconductivity, §4.9; W. A. Little
  and R. D. Parks, Phys. Rev. Lett. 9, 9 (1962)).
* Hysteresis: sweeping Φ up and down the winding state survives until the Eckhaus instability
  of the ring's lowest mode k = 1/R, (ξ q)² = 1/3 + (ξ/R)²/6 with q = (n − Φ/Φ0)/R
  (linear stability of the uniform current state; J. S. Langer and V. Ambegaokar, Phys. Rev.
  164, 498 (1967) for k → 0).
* Wide ring in a perpendicular field (2D lattice, A frozen): the fluxoid of the hole is an
  integer at every field, the flux through the same contour is not.
* Field cooling (B. S. Deaver and W. M. Fairbank, Phys. Rev. Lett. 7, 43 (1961); R. Doll and
  M. Näbauer, ibid. 7, 51 (1961)): a thick ring (wall ≫ λ, A evolving) cooled slowly in a field
  H_cool condenses in its lowest-energy fluxoid state (the lowest of the candidate windings after
  L-BFGS at H_cool); after a quasi-static ramp of the field to zero the trapped flux is that
  integer times Φ0, up to the London correction ~e^{−d/λ} at a contour a distance d inside.
* Little–Parks: T_c(Φ)/T_c0 = 1 − (ξ(0)/R)² min_n (n − Φ/Φ0)², from the lowest eigenvalue of the
  linearized GL operator −(∇ − iA)² on the thin ring (lengths in ξ(0)).
"""
from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from gl.errors import require_positive
from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid, Ring
from gl.io import save_arrays
from gl.lattice import make_lattice, periodic_chain, plaquette_region
from gl.minimize import minimize
from gl.observables import density, fluxoid, periodic_winding
from gl.operators import covariant_laplacian
from gl.model import FROZEN, make_model
from gl.state import State, random_state

from .common import check, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "ring-fluxoid"
DESCRIPTION = "Ring fluxoid: energy parabolas, hysteresis, field-cooling staircase, Little–Parks."


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (lengths in ξ, fields in B_c2, flux in Φ0)."""

    thin_radius: float = 2.0         #: thin-ring radius R [ξ] for parabolas and hysteresis
    thin_sites: int = 64             #: lattice sites around the thin ring
    flux_max: float = 3.0            #: top of the flux sweeps [Φ0]
    flux_step: float = 0.01          #: flux step of the sweeps [Φ0]
    lp_radius: float = 5.0           #: Little–Parks ring radius [ξ(0)]
    wide_inner: float = 4.0          #: wide ring inner radius [ξ]
    wide_outer: float = 10.0         #: wide ring outer radius [ξ]
    wide_field_max: float = 0.25     #: top of the wide-ring field sweep [B_c2]
    wide_fields: int = 11            #: fields in the wide-ring sweep
    thick_inner: float = 3.0         #: field-cooled ring inner radius [ξ]
    thick_outer: float = 11.0        #: field-cooled ring outer radius [ξ]
    thick_kappa: float = 1.0         #: κ of the field-cooled ring (wall = 8λ by default)
    cooling_field_max: float = 0.12  #: top of the cooling fields [B_c2]
    cooling_fields: int = 13         #: number of cooling fields
    ramp_points: int = 6             #: fields of the quasi-static ramp from H_cool to zero
    max_iter: int = 20000            #: L-BFGS iteration cap
    grid_spacing: float = 0.5        #: spacing of the 2D rings [ξ]
    seed: int = 0
    precision: str = "float64"


def thin_ring(n_sites: int, radius: float, real):
    """A ring of width ≪ ξ: a periodic chain of ``n_sites`` nodes, circumference 2π·radius."""
    lat = periodic_chain(n_sites, 2 * math.pi * radius, dtype=real)
    return lat.grid, lat


def thin_ring_links(grid: Grid, flux, real):
    """Link phases threading flux Φ/Φ0 = ``flux`` through the thin ring (uniform gauge)."""
    ax = jnp.zeros(grid.shape, real).at[:, 0].set(2 * math.pi * flux / grid.nx)
    return ax, jnp.zeros(grid.shape, real)


def _winding_state(grid, lat, n, flux, real):
    j = np.arange(grid.nx)
    psi = np.exp(2j * math.pi * n * j / grid.nx)[:, None] * np.asarray(lat.site)
    return State(jnp.asarray(psi, jnp.result_type(real, jnp.complex64)), *thin_ring_links(grid, flux, real))


def _sweep_thin(cfg, real, grid, lat, params, fluxes, state, rng):
    """Follow one state through the fluxes (continuation, small noise); windings and densities."""
    winding, mean_n, energy = [], [], []
    for f in fluxes:
        noise = 1e-4 * (rng.normal(size=grid.shape) + 1j * rng.normal(size=grid.shape)) * np.asarray(lat.site)
        state = State(state.psi + jnp.asarray(noise, state.psi.dtype), *thin_ring_links(grid, f, real))
        res = minimize(state, params, lat, tol=1e-10, max_iter=5000)
        state = res.state
        winding.append(round(periodic_winding(state, lat)["fluxoid"]))
        mean_n.append(float(jnp.sum(density(state) * lat.site) / jnp.sum(lat.site)))
        energy.append(res.energy)
    return np.array(winding), np.array(mean_n), np.array(energy)


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Run all parts; write ring_fluxoid.h5, summary.json and ring_fluxoid.png.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.
    """
    t_start, out, real = start(out_dir, cfg.precision)
    for k in ("thin_radius", "flux_max", "flux_step", "lp_radius", "wide_inner", "wide_outer", "thick_inner",
              "thick_outer", "thick_kappa", "grid_spacing"):
        require_positive(k, getattr(cfg, k))
    rng = np.random.default_rng(cfg.seed)
    checks, arrays, summary = [], {}, {"experiment": NAME}
    R = cfg.thin_radius
    fluxes = np.round(np.arange(0.0, cfg.flux_max + 1e-9, cfg.flux_step), 10)
    grid, lat = thin_ring(cfg.thin_sites, R, real)
    params = make_model(1.0, 0.0, vector_potential=FROZEN, dtype=real)
    length = grid.nx * grid.hx * grid.hy       # F = hx·hy·Σ f: per unit length times the chain's width hy

    # (a) energy branches of fixed winding --------------------------------------------------
    windings = list(range(0, int(math.ceil(cfg.flux_max)) + 1))
    F = np.full((len(windings), len(fluxes)), np.nan)
    n_of = np.full_like(F, np.nan)
    for a, n in enumerate(windings):
        for b, f in enumerate(fluxes):
            if abs(n - f) > 0.9 * R * math.sqrt(1 / 3 + 1 / (6 * R * R)):
                continue                                           # beyond the branch's stability limit
            res = minimize(_winding_state(grid, lat, n, f, real), params, lat, tol=1e-11)
            assert round(periodic_winding(res.state, lat)["fluxoid"]) == n
            F[a, b] = res.energy / length
            n_of[a, b] = float(jnp.sum(density(res.state) * lat.site) / jnp.sum(lat.site))
    q2 = lambda n, f: ((n - f) / R) ** 2
    for a, n in enumerate(windings[:-1]):
        d = F[a] - F[a + 1]
        ok = np.isfinite(d)
        idx = np.nonzero(ok[:-1] & ok[1:] & (np.sign(d[:-1]) != np.sign(d[1:])))[0]
        if len(idx):
            i = idx[0]
            cross = fluxes[i] - d[i] * (fluxes[i + 1] - fluxes[i]) / (d[i + 1] - d[i])
            checks.append(check(f"thin ring: ground state {n}->{n + 1} at flux", cross, n + 0.5, 0.02, "Phi0"))
    for n, f in ((0, 0.5), (1, 0.0), (1, 0.25), (2, 1.5)):
        b = int(np.argmin(np.abs(fluxes - f)))
        checks.append(check(f"thin ring: |psi|^2 for n={n} at flux {f}", n_of[windings.index(n), b],
                            1 - q2(n, fluxes[b]), 0.02, "psi_inf^2"))
        checks.append(check(f"thin ring: free energy per length for n={n} at flux {f}", F[windings.index(n), b],
                            -0.5 * (1 - q2(n, fluxes[b])) ** 2, 0.02, "Bc^2 xi^2/mu0 per xi"))
    arrays.update(thin_flux=fluxes, thin_windings=np.array(windings), thin_energy=F, thin_density=n_of)

    # (d) hysteresis between up and down sweeps ------------------------------------------------
    up_w, up_n, _ = _sweep_thin(cfg, real, grid, lat, params, fluxes, _winding_state(grid, lat, 0, 0.0, real), rng)
    top = int(round(cfg.flux_max))
    down_w, down_n, _ = _sweep_thin(cfg, real, grid, lat, params, fluxes[::-1],
                                    _winding_state(grid, lat, top, fluxes[-1], real), rng)
    eckhaus = R * math.sqrt(1 / 3 + 1 / (6 * R * R))
    up_jumps = fluxes[1:][np.diff(up_w) != 0]
    if len(up_jumps):
        checks.append(check("hysteresis: first up-sweep jump (Eckhaus limit)", up_jumps[0], eckhaus, 0.02, "Phi0"))
    down_jumps = fluxes[::-1][1:][np.diff(down_w) != 0]
    arrays.update(up_winding=up_w, down_winding=down_w[::-1], up_density=up_n, down_density=down_n[::-1])
    summary["hysteresis"] = {"up_jumps_Phi0": up_jumps, "down_jumps_Phi0": down_jumps,
                             "eckhaus_offset_Phi0": eckhaus}

    # Little–Parks --------------------------------------------------------------------------
    lp_grid, lp_lat = thin_ring(128, cfg.lp_radius, real)
    lp_flux = fluxes
    shift = np.array([_lowest_eigenvalue(lp_grid, lp_lat, f, real) for f in lp_flux])   # = 1 − Tc/Tc0
    expected_shift = np.min([(n - lp_flux) ** 2 for n in range(-1, top + 2)], axis=0) / cfg.lp_radius ** 2
    half = int(np.argmin(np.abs(lp_flux - 0.5)))
    checks.append(check("Little-Parks: 1 - Tc/Tc0 at flux 1/2", shift[half], 0.25 / cfg.lp_radius ** 2, 0.02, "1"))
    peaks = lp_flux[1:-1][(shift[1:-1] > shift[:-2]) & (shift[1:-1] >= shift[2:])]
    if len(peaks) > 1:
        checks.append(check("Little-Parks: period", float(np.mean(np.diff(peaks))), 1.0, 0.02, "Phi0"))
    arrays.update(lp_flux=lp_flux, lp_tc_shift=shift, lp_tc_shift_analytic=expected_shift)

    # (b) wide ring in a perpendicular field -------------------------------------------------
    wide = Ring(cfg.wide_inner, cfg.wide_outer)
    wgrid = Grid.covering(2 * cfg.wide_outer + 2, 2 * cfg.wide_outer + 2, cfg.grid_spacing)
    wlat = make_lattice(wgrid, wide, dtype=real)
    contour = plaquette_region(wgrid, Disk(0.5 * (cfg.wide_inner + cfg.wide_outer)))
    w_fields = np.linspace(0.0, cfg.wide_field_max, cfg.wide_fields)
    state = random_state(wlat, *applied_link_phases(wgrid, 0.0, dtype=real), jax.random.PRNGKey(cfg.seed), 1.0)
    state = state.replace(psi=jnp.ones_like(state.psi) * wlat.site)
    w_fluxoid, w_flux = [], []
    for H in w_fields:
        state = state.replace(**dict(zip(("ax", "ay"), applied_link_phases(wgrid, H, dtype=real))))
        state = minimize(state, make_model(2.0, H, vector_potential=FROZEN, dtype=real), wlat, tol=1e-9).state
        f = fluxoid(state, wlat, contour)
        w_fluxoid.append(f["fluxoid"])
        w_flux.append(f["flux"])
    w_fluxoid, w_flux = np.array(w_fluxoid), np.array(w_flux)
    checks.append(check("wide ring: max |fluxoid - nearest integer|", np.max(np.abs(w_fluxoid - np.round(w_fluxoid))),
                        0.0, 1e-6, "Phi0 (absolute)"))
    arrays.update(wide_field=w_fields, wide_fluxoid=w_fluxoid, wide_flux=w_flux)
    summary["wide_ring"] = {"max_distance_of_flux_from_integer": float(np.max(np.abs(w_flux - np.round(w_flux))))}

    # (c) field-cooling staircase ----------------------------------------------------------------
    thick = Ring(cfg.thick_inner, cfg.thick_outer)
    tgrid = Grid.covering(2 * cfg.thick_outer + 4, 2 * cfg.thick_outer + 4, cfg.grid_spacing)
    tlat = make_lattice(tgrid, thick, dtype=real)
    mid = 0.5 * (cfg.thick_inner + cfg.thick_outer)
    tcontour = plaquette_region(tgrid, Disk(mid))
    c_fields = np.linspace(0.0, cfg.cooling_field_max, cfg.cooling_fields)
    cooled, trapped_fluxoid, trapped_flux = [], [], []
    X, Y = tgrid.nodes()
    theta = np.arctan2(Y, X)
    for Hc in c_fields:
        # slow cooling: superconductivity nucleates in the lowest-energy winding at the cooling field
        p = make_model(cfg.thick_kappa, Hc, dtype=real)
        a = applied_link_phases(tgrid, Hc, dtype=real)
        guess = round(Hc * Disk(mid).area() / (2 * math.pi))
        best = None
        for n in range(max(guess - 1, 0), guess + 2):
            s0 = State(jnp.asarray(0.1 * np.exp(1j * n * theta), jnp.result_type(real, jnp.complex64)) * tlat.site, *a)
            r = minimize(s0, p, tlat, tol=1e-8, max_iter=cfg.max_iter)
            if best is None or r.energy < best.energy:
                best = r
        s = best.state
        cooled.append(round(fluxoid(s, tlat, tcontour)["fluxoid"]))
        for H in np.linspace(Hc, 0.0, cfg.ramp_points)[1:]:          # ramp the applied field to zero
            s = minimize(s, make_model(cfg.thick_kappa, H, dtype=real), tlat, tol=1e-8, max_iter=cfg.max_iter).state
        f = fluxoid(s, tlat, tcontour)
        trapped_fluxoid.append(round(f["fluxoid"]))
        trapped_flux.append(f["flux"])
    cooled, trapped_fluxoid, trapped_flux = map(np.array, (cooled, trapped_fluxoid, trapped_flux))
    summary["field_cooling"] = {"cooled_fluxoid": cooled, "trapped_fluxoid": trapped_fluxoid,
                                "trapped_flux_Phi0": trapped_flux, "cooling_fields_Bc2": c_fields}
    steps = np.diff(trapped_fluxoid)
    nz = trapped_fluxoid > 0
    if steps.any():
        checks.append(check("field cooling: height of every fluxoid step", float(np.max(steps[steps != 0])), 1.0,
                            0.0, "Phi0"))
    if nz.any():
        checks.append(check("field cooling: trapped flux per trapped fluxoid quantum (field off)",
                            float(np.mean(trapped_flux[nz] / trapped_fluxoid[nz])), 1.0,
                            2 * math.exp(-(mid - cfg.thick_inner) * 1.0 / cfg.thick_kappa), "Phi0"))
    arrays.update(cooling_field=c_fields, cooling_flux_contour=c_fields * mid ** 2 / 2,
                  cooled_fluxoid=cooled, trapped_fluxoid=trapped_fluxoid, trapped_flux=trapped_flux)

    save_arrays(out / "ring_fluxoid.h5", arrays, {"experiment": NAME, "config": config_dict(cfg)})
    _figure(out, cfg, arrays, windings, eckhaus)
    summary.update(checks=checks, config=config_dict(cfg))
    return finish(out, summary, t_start)


def _lowest_eigenvalue(grid, lat, flux, real):
    """Lowest eigenvalue of −(∇ − iA)² on the thin ring (dense; the operator is Hermitian)."""
    ax, ay = thin_ring_links(grid, flux, real)
    cdt = jnp.result_type(real, jnp.complex64)
    basis = jnp.eye(grid.nx, dtype=cdt)
    cols = jax.vmap(lambda e: -covariant_laplacian(jnp.stack([e, jnp.zeros_like(e)], 1), ax, ay, lat)[:, 0])(basis)
    return float(jnp.linalg.eigvalsh(cols.T)[0])


def _figure(out, cfg, a, windings, eckhaus):
    fig, axs = plt.subplots(2, 3, figsize=(15, 8.6))
    f = a["thin_flux"]
    ax = axs[0, 0]
    for i, n in enumerate(windings):
        ax.plot(f, a["thin_energy"][i], "-", lw=1.5, label=f"n = {n}")
        ax.plot(f, -0.5 * (1 - ((n - f) / cfg.thin_radius) ** 2) ** 2, "k:", lw=0.8)
    ax.set(xlabel="Φ / Φ0", ylabel="F per length", title=f"thin ring R = {cfg.thin_radius:g} ξ: branches (dotted: GL)")
    ax.legend(fontsize=8)
    ax = axs[0, 1]
    ax.plot(f, a["up_winding"], "-", label="sweep up")
    ax.plot(f, a["down_winding"], "--", label="sweep down")
    ax.set(xlabel="Φ / Φ0", ylabel="fluxoid n", title=f"hysteresis (Eckhaus: jump at n + {eckhaus:.3f})")
    ax.legend()
    ax = axs[0, 2]
    ax.plot(a["lp_flux"], a["lp_tc_shift"], "-", label="lattice eigenvalue")
    ax.plot(a["lp_flux"], a["lp_tc_shift_analytic"], "k:", label="(ξ(0)/R)² min(n − Φ/Φ0)²")
    ax.invert_yaxis()
    ax.set(xlabel="Φ / Φ0", ylabel="1 − Tc(Φ)/Tc0", title=f"Little–Parks, R = {cfg.lp_radius:g} ξ(0)")
    ax.legend()
    ax = axs[1, 0]
    ax.plot(a["wide_field"], a["wide_fluxoid"], "o-", label="fluxoid of the hole")
    ax.plot(a["wide_field"], a["wide_flux"], "s--", label="enclosed flux")
    ax.set(xlabel="H / Bc2", ylabel="Φ0", title="wide ring: fluxoid integer, flux not")
    ax.legend()
    ax = axs[1, 1]
    ax.step(a["cooling_flux_contour"], a["trapped_fluxoid"], "o-", where="mid", label="trapped fluxoid (field off)")
    ax.plot(a["cooling_flux_contour"], a["trapped_flux"], "s", label="trapped flux (field off)")
    ax.set(xlabel="applied flux through the mid-wall contour while cooling / Φ0", ylabel="Φ0",
           title="field cooling (Deaver–Fairbank, Doll–Näbauer)")
    ax.legend()
    ax = axs[1, 2]
    n_mean = a["thin_density"]
    for i, n in enumerate(windings):
        ax.plot(f, n_mean[i], "-", label=f"n = {n}")
        ax.plot(f, 1 - ((n - f) / cfg.thin_radius) ** 2, "k:", lw=0.8)
    ax.set(xlabel="Φ / Φ0", ylabel="|ψ|²", title="thin ring |ψ|² (dotted: 1 − (ξ/R)²(n − Φ/Φ0)²)", ylim=(0.5, 1.02))
    save_figure(fig, out / "ring_fluxoid.png")
