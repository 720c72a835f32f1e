"""hirsch-electrodynamics: Hirsch's charge expulsion and spin Meissner effect beside London's, on
the same lattice (gl.hirsch; docs/theories.md).

* Hirsch's numbers at λ_L: E_m = ħc/(4|e|λ_L²), v_σ⁰ = ħ/(4m_eλ_L), ρ₋ = −E_m/(4πλ_L) (Gaussian)
  and m_e v_σ⁰(2λ_L) = ħ/2, with CODATA 2018 constants, against the values quoted at λ_L = 400 Å
  (E_m = 308,281 V/cm, v_σ⁰ = 7.24×10⁴ cm/s; J. E. Hirsch, EPL 81, 67003 (2008) and
  J. Supercond. Nov. Magn. (2012), doi:10.1007/s10948-011-1345-8), scaled as λ_L⁻² and λ_L⁻¹ when
  λ_L differs.
* A long cylinder (radius R) and a tube (a < r < R) on cylindrical cells (the symmetric model of
  the default: λ_L/40 cells resolve the screening layer) against the closed forms with I0, I1, K0,
  K1 (gl.hirsch module docstring): ρ(r), E(r), v_σ(r), the hole potential, and London's
  B(r) = H I0(r/λ)/I0(R/λ), which both theories share for a static field.
* The same cylinder, a square and a ring on the square lattice (spacing λ_L/4): neutrality, the
  interior field E_m r/R, the peak field, the screening length at the square's edge for ρ
  (Hirsch) and for B (both), and maps that show how the geometry shapes E and the spin current.
  On curved surfaces the square lattice's staircase changes ρ and ∇ρ node by node (stated in the
  summary); E, an integral of ρ, is insensitive to it.
London's theory predicts ρ = 0, E = 0 and no spin current in all of these geometries.
"""
from __future__ import annotations

import dataclasses
import math

import matplotlib.pyplot as plt
import numpy as np

from gl import hirsch
from gl.errors import ParameterError, require_positive
from gl.geometry import Disk, Grid, Rectangle, Ring
from gl.io import save_arrays
from gl.lattice import make_lattice

from .common import check, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "hirsch-electrodynamics"
DESCRIPTION = ("Hirsch's charge expulsion, interior field E_m r/R and spin current v_σ⁰ beside London's E = 0, "
               "cylinder/tube (Bessel closed forms), square and ring on the lattice.")

#: Hirsch's values at λ_L = 400 Å (EPL 81, 67003 (2008)): E_m [V/cm] and v_σ⁰ [cm/s]
QUOTED_LAMBDA_NM = 40.0
QUOTED_FIELD_V_PER_CM = 308281.0
QUOTED_SPEED_CM_PER_S = 7.24e4


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (SI with the unit in the name)."""

    penetration_depth_nm: float = 40.0     #: London penetration depth λ_L
    radius_um: float = 1.0                 #: cylinder radius R (also the outer radius of the ring)
    ring_inner_radius_um: float = 0.5      #: inner radius a of the ring/tube
    square_side_um: float = 2.0            #: side of the square cross-section
    grid_spacing_nm: float = 10.0          #: square-lattice spacing (≤ λ_L/2)
    radial_cells: int = 1000               #: cylindrical cells across R
    precision: str = "float64"


def _decay_length(values, spacing, n):
    """−1/slope of log|values[:n]| against position (values ordered from the surface inward)."""
    y = np.log(np.abs(np.asarray(values[:n])))
    return -1.0 / np.polyfit(np.arange(n) * spacing, y, 1)[0]


def _node_field(sol):
    ex = 0.5 * (sol.ex + np.roll(sol.ex, 1, 0))
    ey = 0.5 * (sol.ey + np.roll(sol.ey, 1, 1))
    return np.hypot(ex, ey)


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Hirsch's numbers, the cylinder and tube on cylindrical cells, three cross-sections on the
    square lattice; write hirsch.h5, summary.json and hirsch-electrodynamics.png.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.

    Raises:
        ParameterError: for non-positive sizes, a lattice spacing above λ_L/2, a ring inner radius
            not below R − 4 spacings, or fewer than 8 radial cells.
    """
    if cfg.precision != "float64":
        raise ParameterError(f"parameter 'precision' = {cfg.precision!r} is out of range: allowed 'float64' "
                             "(the fourth-order solve needs conjugate gradients to 1e-9)")
    t_start, out, real = start(out_dir, cfg.precision)
    lam = require_positive("penetration_depth_nm", cfg.penetration_depth_nm, "nm") * 1e-9
    R = require_positive("radius_um", cfg.radius_um, "um") * 1e-6
    a = require_positive("ring_inner_radius_um", cfg.ring_inner_radius_um, "um") * 1e-6
    side = require_positive("square_side_um", cfg.square_side_um, "um") * 1e-6
    h = require_positive("grid_spacing_nm", cfg.grid_spacing_nm, "nm") * 1e-9
    if h > lam / 2:
        raise ParameterError(f"parameter 'grid_spacing_nm' = {cfg.grid_spacing_nm} is out of range: must be ≤ "
                             f"penetration_depth_nm/2 = {cfg.penetration_depth_nm / 2:g} (resolve λ_L)")
    if a >= R - 4 * h:
        raise ParameterError(f"parameter 'ring_inner_radius_um' = {cfg.ring_inner_radius_um} is out of range: "
                             f"must be < radius_um − 4·grid_spacing = {(R - 4 * h) * 1e6:g}")
    n_cells = int(cfg.radial_cells)
    if n_cells < 8:
        raise ParameterError(f"parameter 'radial_cells' = {cfg.radial_cells} is out of range: must be ≥ 8")
    eps0 = hirsch.VACUUM_PERMITTIVITY
    checks = []

    # --- Hirsch's numbers ----------------------------------------------------------------------
    Em = hirsch.interior_field_scale(lam)
    v0 = hirsch.spin_current_speed(lam)
    rho_minus = hirsch.surface_charge_density(lam)
    L_orbit = hirsch.orbit_angular_momentum(lam)
    scale = QUOTED_LAMBDA_NM / cfg.penetration_depth_nm
    Em_quoted = QUOTED_FIELD_V_PER_CM * 100 * scale ** 2                     # V/m
    v0_quoted = QUOTED_SPEED_CM_PER_S / 100 * scale                            # m/s
    checks.append(check("E_m = hbar c/(4|e| lambda_L^2), CODATA 2018, against Hirsch's quoted value",
                        Em / 100, Em_quoted / 100, 5e-4, "V/cm"))
    checks.append(check("v_sigma0 = hbar/(4 m_e lambda_L) against Hirsch's quoted value (3 digits)",
                        v0 * 100, v0_quoted * 100, 1e-3, "cm/s"))
    checks.append(check("rho_minus = -E_m/(4 pi lambda_L) (Gaussian) = -eps0 E_m/lambda_L, against the quoted E_m",
                        rho_minus, -eps0 * Em_quoted / lam, 5e-4, "C/m^3"))
    checks.append(check("orbital angular momentum m_e v_sigma0 (2 lambda_L) against hbar/2",
                        L_orbit / hirsch.HBAR, 0.5, 1e-12, "hbar"))

    # --- cylinder and tube on cylindrical cells --------------------------------------------------
    rho0_cyl = hirsch.background_density(Em, math.pi * R ** 2, 2 * math.pi * R)      # = 2 eps0 E_m / R
    cyl = hirsch.solve_charge_radial(R, lam, rho0_cyl, n_cells=n_cells)
    ins = cyl.inside
    rc = cyl.r[ins]
    cf = hirsch.cylinder_charge(rc, R, lam, rho0_cyl)
    faces = cyl.r_face[1:n_cells]                                   # faces between two material cells
    cff = hirsch.cylinder_charge(faces, R, lam, rho0_cyl)
    k_v = hirsch.carrier_velocity_per_field(lam)
    v_lat = k_v * np.abs(cyl.dE[1:n_cells])
    v_cf = k_v * np.abs(cff["dE"])
    E_faces = cyl.E[1:n_cells + 1]
    E_cf = hirsch.cylinder_charge(cyl.r_face[1:n_cells + 1], R, lam, rho0_cyl)["E"]
    checks.append(check("cylinder: rho(r) against rho0[1 - (R/2 lam) I0(r/lam)/I1(R/lam)], max deviation / max|rho|",
                        np.max(np.abs(cyl.rho[ins] - cf["rho"])) / np.max(np.abs(cf["rho"])), 0.0, 0.01,
                        "1 (absolute)"))
    checks.append(check("cylinder: surface density rho(R - h/2) against the Bessel form", cyl.rho[ins][-1],
                        cf["rho"][-1], 0.01, "C/m^3"))
    checks.append(check("cylinder: E(r) against E_m[r/R - I1(r/lam)/I1(R/lam)], max deviation / E_m",
                        np.max(np.abs(E_faces - E_cf)) / Em, 0.0, 0.01, "1 (absolute)"))
    i_half = int(np.argmin(np.abs(cyl.r_face - R / 2)))
    checks.append(check("cylinder: interior field E(R/2) against Hirsch's E_m r/R (R >> lambda_L)", cyl.E[i_half],
                        Em * cyl.r_face[i_half] / R, 0.01, "V/m"))
    checks.append(check("cylinder: spin speed v_sigma(r) against v_sigma0 I1(r/lam)/I1(R/lam), max deviation / "
                        "v_sigma0", np.max(np.abs(v_lat - v_cf)) / v0, 0.0, 0.01, "1 (absolute)"))
    v_surface = v_lat[-1] + (v_lat[-1] - v_lat[-2]) * (R - faces[-1]) / (faces[-1] - faces[-2])
    checks.append(check("cylinder: spin speed at the surface (lattice, extrapolated to r = R) against v_sigma0",
                        v_surface, v0, 0.01, "m/s"))
    checks.append(check("cylinder: total charge per length / (rho0 pi R^2)",
                        np.sum(cyl.rho[ins] * 2 * math.pi * rc) * (R / n_cells) / (rho0_cyl * math.pi * R ** 2), 0.0,
                        1e-9, "1 (absolute)"))
    rB, B_cyl = hirsch.solve_field_radial(R, lam, 1.0, n_cells=n_cells)
    checks.append(check("cylinder, both theories: B(r)/H against I0(r/lam)/I0(R/lam), max deviation",
                        np.max(np.abs(B_cyl - hirsch.cylinder_field(rB, R, lam))), 0.0, 0.01, "1 (absolute)"))

    rho0_ring = hirsch.background_density(Em, math.pi * (R ** 2 - a ** 2), 2 * math.pi * (R + a))
    a_cells = a / (R / n_cells)
    if abs(a_cells - round(a_cells)) > 1e-6:
        raise ParameterError(f"parameter 'ring_inner_radius_um' = {cfg.ring_inner_radius_um} is out of range: must be "
                             f"a multiple of radius_um/radial_cells = {cfg.radius_um / n_cells:g} (a cell face)")
    tube = hirsch.solve_charge_radial(R, lam, rho0_ring, inner_radius=a, n_cells=n_cells)
    tin = tube.inside
    tcf = hirsch.annulus_charge(tube.r[tin], a, R, lam, rho0_ring)
    checks.append(check("tube: rho(r) against the I0/K0 form, max deviation / max|rho|",
                        np.max(np.abs(tube.rho[tin] - tcf["rho"])) / np.max(np.abs(tcf["rho"])), 0.0, 0.01,
                        "1 (absolute)"))
    checks.append(check("tube: potential of the hole against the closed form", tube.phi_hole, tcf["phi_hole"], 0.01,
                        "V"))

    # --- three cross-sections on the square lattice ------------------------------------------------
    ht = h / lam                                                   # spacing in units of λ_L
    half = max(R, side / 2)
    n_half = int(math.ceil(half / h - 1e-9)) + 2
    grid = Grid(2 * n_half, 2 * n_half, ht, ht)                    # nodes at ±(k + ½)h: cells tile R and the square
    X, Y = grid.nodes()
    r_nodes = np.hypot(X, Y) * lam
    shapes = {"cylinder": Disk(R / lam), "square": Rectangle(side / lam, side / lam),
              "ring": Ring(a / lam, R / lam)}
    maps, summary_2d = {}, {}
    for name, region in shapes.items():
        lat = make_lattice(grid, region, dtype=real)
        site = np.asarray(lat.site) > 0
        area = site.sum() * h * h
        perimeter = {"cylinder": 2 * math.pi * R, "square": 4 * side, "ring": 2 * math.pi * (R + a)}[name]
        rho0 = hirsch.background_density(Em, area, perimeter)
        sol = hirsch.solve_charge(lat, lam, rho0)
        Emag = _node_field(sol)
        speed = np.hypot(*sol.spin_velocity)
        B, _ = hirsch.solve_field(lat, 1.0)
        net = float(np.sum(sol.rho)) / (rho0 * site.sum())
        checks.append(check(f"{name} (square lattice): total charge / (rho0 N_nodes)", net, 0.0, 1e-8, "1 (absolute)"))
        info = {"rho0_C_per_m3": rho0, "nodes": int(site.sum()), "cg_iterations": sol.iterations,
                "cg_relative_residual": sol.relative_residual, "max_field_V_per_cm": float(Emag.max()) / 100,
                "max_field_over_E_m": float(Emag.max() / Em), "min_rho_C_per_m3": float(sol.rho.min()),
                "max_spin_speed_m_per_s": float(speed.max()), "hole_potentials_V": sol.hole_potentials.tolist()}
        if name == "cylinder":
            sel = site & (np.abs(r_nodes - R / 2) < h)
            checks.append(check("cylinder (square lattice): interior field |E| R/r at r = R/2 against E_m "
                                "(R >> lambda_L)", float(np.mean(Emag[sel] * R / r_nodes[sel])), Em, 0.01, "V/m"))
            rr = np.linspace(0, R, 20001)
            checks.append(check("cylinder (square lattice): peak |E| against the Bessel form's maximum",
                                float(Emag.max()), float(hirsch.cylinder_charge(rr, R, lam, rho0)["E"].max()), 0.01,
                                "V/m"))
            # staircase: node-by-node spread of ρ in the outermost layer, stated, not checked
            shell = site & (r_nodes > R - h)
            info["surface_layer_rho_spread_over_mean"] = float(np.std(sol.rho[shell]) / abs(np.mean(sol.rho[shell])))
        if name == "ring":
            rr = np.linspace(a, R, 20001)
            checks.append(check("ring (square lattice): peak |E| against the I0/K0 form's maximum", float(Emag.max()),
                                float(hirsch.annulus_charge(rr, a, R, lam, rho0)["E"].max()), 0.01, "V/m"))
            info["hole_potential_closed_form_V"] = hirsch.annulus_charge(R, a, R, lam, rho0)["phi_hole"]
        if name == "square":
            mid = grid.ny // 2                                      # rows y = ±h/2
            edge = int(np.argmax(site[:, mid]))
            profile = 0.5 * (sol.rho[edge:, mid] + sol.rho[edge:, mid - 1]) - rho0
            n_fit = max(4, int(round(3 * lam / h)))
            checks.append(check("square: decay length of rho - rho0 from the edge centre (Hirsch) against lambda_L",
                                _decay_length(profile, h, n_fit), lam, 0.01, "m"))
            bprof = 0.5 * (B[edge:, mid] + B[edge:, mid - 1])
            checks.append(check("square: decay length of B from the edge centre (both theories) against lambda_L",
                                _decay_length(bprof, h, n_fit), lam, 0.01, "m"))
            info["edge_centre_rho_over_rho_minus"] = float(sol.rho[edge, mid] / rho_minus)
            info["edge_centre_spin_speed_over_v0"] = float(speed[edge, mid] / v0)
            info["corner_spin_speed_over_v0"] = float(speed[edge, edge] / v0)
        maps[name] = {"rho": sol.rho, "E": Emag, "speed": speed, "B": B, "site": site}
        summary_2d[name] = info

    arrays = {"radial_r": cyl.r[ins], "radial_rho": cyl.rho[ins], "radial_rho_closed": cf["rho"],
              "radial_r_face": cyl.r_face[1:n_cells + 1], "radial_E": E_faces, "radial_E_closed": E_cf,
              "radial_faces_inner": faces, "radial_speed": v_lat, "radial_speed_closed": v_cf,
              "radial_B_r": rB, "radial_B": B_cyl, "tube_r": tube.r[tin], "tube_rho": tube.rho[tin],
              "tube_rho_closed": tcf["rho"], "x": grid.x() * lam, "y": grid.y() * lam}
    for name, m in maps.items():
        for key in ("rho", "E", "speed", "B"):
            arrays[f"{name}_{key}"] = m[key]
    save_arrays(out / "hirsch.h5", arrays, {"experiment": NAME, "config": config_dict(cfg),
                                              "units": {"length": "m", "rho": "C/m^3", "E": "V/m", "speed": "m/s",
                                                        "B": "applied field H"}})
    _figure(out, cfg, lam, R, Em, v0, cyl, cf, E_faces, E_cf, faces, v_lat, v_cf, rB, B_cyl, maps, grid, r_nodes)
    summary = {
        "experiment": NAME, "checks": checks,
        "hirsch_numbers": {"E_m_V_per_m": Em, "E_m_V_per_cm_codata": Em / 100, "E_m_V_per_cm_quoted": Em_quoted / 100,
                           "v_sigma0_m_per_s": v0, "v_sigma0_cm_per_s_codata": v0 * 100,
                           "v_sigma0_cm_per_s_quoted": v0_quoted * 100, "rho_minus_C_per_m3": rho_minus,
                           "rho_minus_electrons_per_cm3": rho_minus / (-hirsch.ELEMENTARY_CHARGE) * 1e-6,
                           "orbit_angular_momentum_hbar": L_orbit / hirsch.HBAR,
                           "superfluid_density_per_m3": hirsch.superfluid_density(lam),
                           "spin_current_density_per_species_at_surface_A_per_m2":
                               eps0 * hirsch.SPEED_OF_LIGHT * Em / (2 * lam)},
        "cylinder": {"rho0_C_per_m3": rho0_cyl, "rho_surface_C_per_m3": float(cyl.rho[ins][-1]),
                     "rho_surface_over_rho_minus": float(cyl.rho[ins][-1] / rho_minus),
                     "peak_field_over_E_m": float(E_faces.max() / Em),
                     "peak_field_depth_nm": float((R - cyl.r_face[1 + int(np.argmax(E_faces))]) * 1e9),
                     "phi_centre_minus_surface_V": float(cyl.phi[0]),
                     "phi_centre_closed_form_V": float(hirsch.cylinder_charge(cyl.r[0], R, lam, rho0_cyl)["phi"]),
                     "surface_spin_speed_m_per_s": float(v_surface),
                     "cells": n_cells, "cell_nm": R / n_cells * 1e9},
        "tube": {"rho0_C_per_m3": rho0_ring, "phi_hole_V": tube.phi_hole, "phi_hole_closed_V": tcf["phi_hole"]},
        "square_lattice": {"spacing_nm": h * 1e9, "nodes": [grid.nx, grid.ny], **summary_2d},
        "london": {"rho_C_per_m3": 0.0, "E_V_per_m": 0.0, "spin_current_A_per_m2": 0.0,
                   "note": "London/GL: no charge expulsion, no interior E, no spin current; the static B profile "
                           "is the same as Hirsch's"},
        "config": config_dict(cfg),
    }
    return finish(out, summary, t_start)


def _figure(out, cfg, lam, R, Em, v0, cyl, cf, E_faces, E_cf, faces, v_lat, v_cf, rB, B_cyl, maps, grid, r_nodes):
    um = 1e6
    ins = cyl.inside
    lo = max(0.0, R - 12 * lam)
    fig, axs = plt.subplots(2, 4, figsize=(19, 8.6))
    ax = axs[0, 0]
    ax.plot(cyl.r[ins] * um, cyl.rho[ins], "-", lw=2, color="tab:blue", label="Hirsch, cylindrical cells", zorder=3)
    ax.plot(cyl.r[ins] * um, cf["rho"], "k--", lw=1, label="ρ₀[1 − (R/2λ)I0(r/λ)/I1(R/λ)]", zorder=4)
    m = maps["cylinder"]
    sel = m["site"] & (r_nodes > lo)
    ax.plot(r_nodes[sel] * um, m["rho"][sel], ".", ms=1.5, color="0.6", label="Hirsch, square lattice nodes")
    ax.axhline(0, color="tab:red", lw=1.5, label="London: ρ = 0")
    ax.set(xlim=(lo * um, R * um), xlabel="r [µm]", ylabel="ρ [C/m³]", title="charge density (cylinder)")
    ax.legend(fontsize=7)
    ax = axs[0, 1]
    ax.plot(cyl.r_face[1:len(E_faces) + 1] * um, E_faces / 1e5, "-", lw=2, color="tab:blue", label="Hirsch, lattice")
    ax.plot(cyl.r_face[1:len(E_faces) + 1] * um, E_cf / 1e5, "k--", lw=1, label="E_m[r/R − I1(r/λ)/I1(R/λ)]")
    rr = np.linspace(0, R, 50)
    ax.plot(rr * um, Em * rr / R / 1e5, ":", color="0.4", label="E_m r/R")
    ax.axhline(0, color="tab:red", lw=1.5, label="London: E = 0")
    ax.set(xlabel="r [µm]", ylabel="E [kV/cm]", title=f"interior electric field, E_m = {Em / 1e5:.1f} kV/cm")
    ax.legend(fontsize=7)
    ax = axs[0, 2]
    ax.plot(faces * um, v_lat, "-", lw=2, color="tab:blue", label="Hirsch, lattice")
    ax.plot(faces * um, v_cf, "k--", lw=1, label="v_σ⁰ I1(r/λ)/I1(R/λ)")
    ax.axhline(v0, color="0.4", ls=":", label=f"v_σ⁰ = ħ/4m_eλ_L = {v0:.0f} m/s")
    ax.axhline(0, color="tab:red", lw=1.5, label="London: no spin current")
    ax.set(xlim=(lo * um, R * um), xlabel="r [µm]", ylabel="|v_σ| [m/s]", title="spin-current carrier speed")
    ax.legend(fontsize=7)
    ax = axs[0, 3]
    ax.plot(rB * um, B_cyl, "-", lw=2, color="tab:purple", label="London = Hirsch (static), lattice")
    ax.plot(rB * um, hirsch.cylinder_field(rB, R, lam), "k--", lw=1, label="I0(r/λ)/I0(R/λ)")
    ax.set(xlim=(lo * um, R * um), xlabel="r [µm]", ylabel="B / H", title="Meissner profile (both theories)")
    ax.legend(fontsize=7)
    x, y = grid.x() * lam * um, grid.y() * lam * um
    ext = [x[0], x[-1], y[0], y[-1]]
    for k, name in enumerate(("cylinder", "square", "ring")):
        ax = axs[1, k]
        m = maps[name]
        im = ax.imshow(np.ma.masked_where(~m["site"], m["E"] / 1e5).T, origin="lower", extent=ext, cmap="magma")
        plt.colorbar(im, ax=ax, shrink=0.8, label="|E| [kV/cm] (London: 0)")
        ax.set(title=f"Hirsch: |E| in the {name} (square lattice)", xlabel="x [µm]", ylabel="y [µm]")
    ax = axs[1, 3]
    m = maps["square"]
    im = ax.imshow(np.ma.masked_where(~m["site"], m["speed"]).T, origin="lower", extent=ext, cmap="viridis")
    plt.colorbar(im, ax=ax, shrink=0.8, label="|v_σ| [m/s] (London: 0)")
    ax.set(title="Hirsch: spin-current speed in the square", xlabel="x [µm]", ylabel="y [µm]")
    fig.suptitle(f"Hirsch vs London on the same lattice: λ_L = {cfg.penetration_depth_nm:g} nm, "
                 f"R = {cfg.radius_um:g} µm", fontsize=12)
    save_figure(fig, out / "hirsch-electrodynamics.png")
