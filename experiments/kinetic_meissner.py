"""kinetic-meissner: the single-charge kinetic-energy argument for the Meissner effect, computed with
the Schrödinger solver on the lattice (J. E. Hirsch, "Kinetic energy driven superconductivity, the
origin of the Meissner effect, and the reductionist frontier", Int. J. Mod. Phys. B 25, 1173
(2011), arXiv:1103.3912; docs/theories.md).

A charge q is held on a circular orbit by a ring trap V = ½mω²(r − r_c)². Half a flux quantum
h/2|q| through the centre (a thin flux tube: B = 0 on the orbit) makes the lowest state of
canonical angular momentum ℓ = 1 carry the mechanical angular momentum L = ħ(ℓ − ½) = ħ/2 in a
single-valued lattice wavefunction, the orbital angular momentum of Hirsch's spin-current carriers.

* Kinetic energy at fixed L = ħ/2: the energy the half flux quantum adds, E(½) − E(0), is the
  azimuthal kinetic energy L²/2mr², (ħ²/8m)⟨r⁻²⟩: by Hellmann–Feynman dE/d(ν²) = (ħ²/2m)⟨r⁻²⟩_ν
  for ν = ℓ − Φ/(h/|q|), so E(½) − E(0) = (ħ²/2m)∫₀^¼⟨r⁻²⟩d(ν²), compared with the trapezoid
  rule (ħ²/8m)·mean of ⟨r⁻²⟩ over the two states. It falls as 1/r² as the orbit expands.
* Diamagnetic susceptibility at fixed ℓ: E(B) = E(0) − (qB/2m)L + (q²B²/8m)⟨r²⟩ for a rotationally
  symmetric state, so χ = −∂²E/∂B² = −q²⟨r²⟩/4m grows with the orbit's ⟨r²⟩ (Langevin–Larmor;
  J. H. Van Vleck, The Theory of Electric and Magnetic Susceptibilities (1932), §81).
* Lorentz force on radial motion: expanding r_c slowly in a uniform field B conserves the canonical
  angular momentum (rotational symmetry), so the mechanical one changes by
  ΔL = −(qB/2)Δ⟨r²⟩, i.e. the charge acquires the azimuthal velocity v_φ = (ħν/m)/r − (qB/2m)r
  with ν = ℓ − ½: the −(qB/2m)r term is the Meissner-current velocity of Hirsch's account.
Units ħ = m = |q| = 1 (q = +1), lengths in a unit ℓ of the user's choice (schrodinger.units).
The square lattice keeps the four-fold rotation symmetry exactly (even node count, centred), so
states of different ℓ mod 4 never mix: ℓ is fixed by the initial state of the imaginary-time
relaxation.
"""
from __future__ import annotations

import dataclasses
import math

import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from gl.errors import ParameterError, require_positive
from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid
from gl.io import save_arrays
from gl.lattice import make_lattice
from schrodinger import (Potentials, canonical_angular_momentum, current, density, electron, evolve, imaginary_time,
                         kinetic_energy, mechanical_angular_momentum, position_moments)

from .common import check, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "kinetic-meissner"
DESCRIPTION = ("Hirsch's kinetic-energy argument on the Schrödinger lattice: an orbit with L = ħ/2 lowers "
               "ħ²/8mr² on expanding, χ = −q²⟨r²⟩/4m grows, and ΔL = −(qB/2)Δ⟨r²⟩ (Lorentz force).")


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (units ħ = m = |q| = 1)."""

    radius_start: float = 3.0     #: smallest orbit radius r_c [ℓ] (and start of the expansion)
    radius_end: float = 6.0       #: largest orbit radius [ℓ] (end of the expansion)
    n_radii: int = 4              #: orbit radii for the energy and susceptibility scans
    trap_frequency: float = 1.0   #: radial confinement ω [E0/ħ]
    field: float = 0.02           #: uniform B of the expansion [ħ/(|q|ℓ²)]
    field_step: float = 0.01      #: B step of the curvature (three-point) [ħ/(|q|ℓ²)]
    grid_spacing: float = 0.25    #: lattice spacing [ℓ]
    ramp_time: float = 60.0       #: duration of the expansion [ħ/E0] (ω·T ≫ 1: adiabatic)
    dt: float = 0.1               #: Crank–Nicolson step [ħ/E0]
    relax_tau: float = 10.0       #: imaginary-time step [ħ/E0]
    relax_steps: int = 40         #: imaginary-time steps per stationary state
    length_unit_nm: float = 10.0  #: ℓ for the SI example (an electron)
    precision: str = "float64"


def _flux_tube_phases(grid, fraction, real):
    """Link phases (q/ħ)∫A·dl of a flux ``fraction``·h/|q| through the plaquette at the origin:
    fraction × (the link's change of polar angle), so every other plaquette carries no flux."""
    X, Y = grid.nodes()
    theta = np.arctan2(Y, X)
    wrap = lambda d: (d + np.pi) % (2 * np.pi) - np.pi
    ax = fraction * wrap(np.roll(theta, -1, 0) - theta)
    ay = fraction * wrap(np.roll(theta, -1, 1) - theta)
    return jnp.asarray(ax, real), jnp.asarray(ay, real)


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Energies and susceptibilities of the L = ħ/2 orbit at several radii and its expansion in a
    field; write kinetic.h5, summary.json and kinetic-meissner.png.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.

    Raises:
        ParameterError: for non-positive parameters, radius_end ≤ radius_start, n_radii < 2, or an
            orbit narrower than 3 lattice spacings.
    """
    t_start, out, real = start(out_dir, cfg.precision)
    r0 = require_positive("radius_start", cfg.radius_start)
    r1 = require_positive("radius_end", cfg.radius_end)
    if r1 <= r0:
        raise ParameterError(f"parameter 'radius_end' = {r1} is out of range: must be > radius_start = {r0}")
    if int(cfg.n_radii) < 2:
        raise ParameterError(f"parameter 'n_radii' = {cfg.n_radii} is out of range: must be ≥ 2")
    w = require_positive("trap_frequency", cfg.trap_frequency)
    h = require_positive("grid_spacing", cfg.grid_spacing)
    width = 1.0 / math.sqrt(2 * w)                                 # rms radial width of |ψ|²
    if width < 1.5 * h:
        raise ParameterError(f"parameter 'grid_spacing' = {h} is out of range: must be ≤ (2ω)^(-1/2)/1.5 = "
                             f"{width / 1.5:.4g} (resolve the orbit's width)")
    B = require_positive("field", cfg.field)
    dB = require_positive("field_step", cfg.field_step)
    T = require_positive("ramp_time", cfg.ramp_time)
    dt = require_positive("dt", cfg.dt)
    tau = require_positive("relax_tau", cfg.relax_tau)
    steps = int(cfg.relax_steps)
    if steps < 1:
        raise ParameterError(f"parameter 'relax_steps' = {cfg.relax_steps} is out of range: must be ≥ 1")
    outer = r1 + 6 * width
    n_half = int(math.ceil(outer / h)) + 1
    grid = Grid(2 * n_half, 2 * n_half, h, h)                      # origin at a plaquette centre
    lat = make_lattice(grid, Disk(outer), dtype=real)
    X, Y = grid.nodes()
    r = np.hypot(X, Y)
    theta = np.arctan2(Y, X)
    rr = jnp.asarray(r, real)
    tube = _flux_tube_phases(grid, 0.5, real)
    cdt = jnp.result_type(real, jnp.complex64)
    site = np.asarray(lat.site)
    inv_r2 = jnp.asarray(1.0 / r ** 2, real)

    def potentials(rc, field, flux):
        bx, by = applied_link_phases(grid, field, gauge="symmetric", dtype=real)
        ax, ay = (bx + tube[0], by + tube[1]) if flux else (bx, by)
        return Potentials(ax, ay, 0.5 * w * w * (rr - rc) ** 2)

    def ground(pot, rc, ell):
        guess = np.exp(-0.5 * w * (r - rc) ** 2 + 1j * ell * theta) * site
        S, E = imaginary_time(jnp.asarray(guess[None], cdt), pot, lat, tau, steps, 1)
        return S[0], float(E[0])

    def mean(psi, f):
        n = density(psi)
        return float(jnp.sum(n * f) / jnp.sum(n))

    checks = []
    radii = np.linspace(r0, r1, int(cfg.n_radii))
    rows = []
    for rc in radii:
        p_half, p_zero = potentials(rc, 0.0, True), potentials(rc, 0.0, False)
        psi_h, E_h = ground(p_half, rc, 1)
        psi_z, E_z = ground(p_zero, rc, 0)
        E_plus = ground(potentials(rc, dB, True), rc, 1)[1]
        E_minus = ground(potentials(rc, -dB, True), rc, 1)[1]
        rows.append({"r_c": float(rc), "E_half": E_h, "E_zero": E_z, "K_phi": E_h - E_z,
                     "inv_r2": 0.5 * (mean(psi_h, inv_r2) + mean(psi_z, inv_r2)),
                     "r2": float(position_moments(psi_h, lat)[2]),
                     "L_mech": float(mechanical_angular_momentum(psi_h, p_half, lat)),
                     "L_can": float(canonical_angular_momentum(psi_h, lat)),
                     "kinetic": float(kinetic_energy(psi_h, p_half, lat)),
                     "chi": -(E_plus + E_minus - 2 * E_h) / dB ** 2})
    K = np.array([x["K_phi"] for x in rows])
    K_exp = np.array([x["inv_r2"] for x in rows]) / 8
    L = np.array([x["L_mech"] for x in rows])
    chi = np.array([x["chi"] for x in rows])
    r2 = np.array([x["r2"] for x in rows])
    worst = lambda a, b: float(np.max(np.abs(a / b - 1)))
    checks.append(check("L = hbar/2 orbit: mechanical angular momentum, worst radius", L[np.argmax(np.abs(L - 0.5))],
                        0.5, 0.01, "hbar"))
    checks.append(check("kinetic energy of the L = hbar/2 orbit, E(1/2) - E(0), against (hbar^2/8m)<r^-2>: worst "
                        "|ratio - 1| over radii", worst(K, K_exp), 0.0, 0.01, "1 (absolute)"))
    checks.append(check("1/r^2 law of the kinetic energy: [K / <r^-2>] at radius_end over the same at radius_start",
                        (K[-1] / K_exp[-1]) / (K[0] / K_exp[0]), 1.0, 0.01, "1"))
    checks.append(check("susceptibility -d2E/dB2 at L = hbar/2 against -q^2<r^2>/(4m): worst |ratio - 1| over radii",
                        worst(chi, -r2 / 4), 0.0, 0.01, "1 (absolute)"))

    # expansion of the orbit in a uniform field
    psi, _ = ground(potentials(r0, B, True), r0, 1)
    base = potentials(r0, B, True)

    def pot_t(t):
        s = jnp.clip(t / T, 0.0, 1.0)
        s = s * s * (3 - 2 * s)
        rc = r0 + (r1 - r0) * s
        return Potentials(base.ax, base.ay, 0.5 * w * w * (rr - rc) ** 2)

    n_total = int(round(T / dt))
    n_chunks = 12
    per = max(1, n_total // n_chunks)
    hist = {"t": [], "r2": [], "L_mech": [], "L_can": []}

    def record(p, t):
        hist["t"].append(t)
        hist["r2"].append(float(position_moments(p, lat)[2]))
        hist["L_mech"].append(float(mechanical_angular_momentum(p, pot_t(t), lat)))
        hist["L_can"].append(float(canonical_angular_momentum(p, lat)))

    t = 0.0
    record(psi, t)
    done = 0
    while done < n_total:
        k = min(per, n_total - done)
        psi = evolve(psi, lat, dt, k, t, pot_t)
        done += k
        t = done * dt
        record(psi, t)
    hist = {k: np.array(v) for k, v in hist.items()}
    dL = hist["L_mech"][-1] - hist["L_mech"][0]
    dr2 = hist["r2"][-1] - hist["r2"][0]
    checks.append(check("expansion in B: change of mechanical angular momentum against -(qB/2) delta<r^2>", dL,
                        -B / 2 * dr2, 0.01, "hbar"))
    checks.append(check("expansion in B: canonical angular momentum conserved",
                        abs(hist["L_can"][-1] - hist["L_can"][0]), 0.0, 1e-3, "hbar (absolute)"))
    # velocity field after the expansion: v_phi − ν/r = −(qB/2m) r on the occupied nodes
    pot_end = pot_t(T)
    jx, jy = (np.asarray(a) for a in current(psi, pot_end, lat))
    n = np.asarray(density(psi))
    jxn, jyn = 0.5 * (jx + np.roll(jx, 1, 0)), 0.5 * (jy + np.roll(jy, 1, 1))
    occ = n > 0.05 * n.max()
    v_phi = (-Y * jxn + X * jyn)[occ] / (r[occ] * n[occ])
    nu = 0.5
    lorentz = v_phi - nu / r[occ]
    slope = float(np.sum(n[occ] * lorentz * r[occ]) / np.sum(n[occ] * r[occ] ** 2))
    checks.append(check("velocity after expansion: (v_phi - hbar nu/(m r)) / r against -qB/(2m)", slope, -B / 2, 0.01,
                        "|q|B0/m"))

    save_arrays(out / "kinetic.h5", {"radii": radii, "K_phi": K, "K_expected": K_exp, "chi": chi, "r2": r2,
                                     "L_mech": L, **{f"expansion_{k}": v for k, v in hist.items()},
                                     "velocity_r": r[occ], "velocity_phi": v_phi},
                {"experiment": NAME, "config": config_dict(cfg), "units": "hbar = m = |q| = 1"})
    _figure(out, K, K_exp, r2, chi, hist, r[occ], v_phi, nu, B)
    e = electron(require_positive("length_unit_nm", cfg.length_unit_nm) * 1e-9)
    summary = {
        "experiment": NAME, "checks": checks, "orbits": rows,
        "expansion": {"r2_before": float(hist["r2"][0]), "r2_after": float(hist["r2"][-1]),
                      "L_mech_before_hbar": float(hist["L_mech"][0]), "L_mech_after_hbar": float(hist["L_mech"][-1]),
                      "L_can_before_hbar": float(hist["L_can"][0]), "L_can_after_hbar": float(hist["L_can"][-1]),
                      "velocity_slope": slope},
        "si_example_electron": {"length_unit_nm": cfg.length_unit_nm, "field_T": B * e.field_unit,
                                "energy_unit_meV": e.energy_unit / 1.602176634e-22,
                                "K_phi_at_radius_start_meV": float(K[0]) * e.energy_unit / 1.602176634e-22},
        "grid": {"nodes": [grid.nx, grid.ny], "spacing": h},
        "config": config_dict(cfg),
    }
    return finish(out, summary, t_start)


def _figure(out, K, K_exp, r2, chi, hist, r_occ, v_phi, nu, B):
    fig, axs = plt.subplots(1, 4, figsize=(19, 4.4))
    ax = axs[0]
    r_eff = (8 * K_exp) ** -0.5                                       # ⟨r⁻²⟩^(−1/2)
    ax.plot(r_eff, K, "o", label="E(½ flux) − E(0): the L = ħ/2 orbit")
    rr = np.linspace(r_eff.min() * 0.9, r_eff.max() * 1.05, 100)
    ax.plot(rr, 1 / (8 * rr ** 2), "k-", lw=1, label="ħ²/(8m r²)")
    ax.set(xlabel="orbit radius ⟨r⁻²⟩^(−1/2) / ℓ", ylabel="azimuthal kinetic energy / E0",
           title="kinetic energy at L = ħ/2 falls as 1/r²")
    ax.legend(fontsize=8)
    ax = axs[1]
    ax.plot(r2, chi, "o", label="−∂²E/∂B² (lattice)")
    xx = np.linspace(0, r2.max() * 1.05, 50)
    ax.plot(xx, -xx / 4, "k-", lw=1, label="−q²⟨r²⟩/4m")
    ax.set(xlabel="⟨r²⟩ / ℓ²", ylabel="χ per charge", title="diamagnetic susceptibility grows as ⟨r²⟩")
    ax.legend(fontsize=8)
    ax = axs[2]
    ax.plot(hist["r2"], hist["L_mech"], "o-", ms=3, label="Crank–Nicolson, during the expansion")
    ax.plot(hist["r2"], hist["L_mech"][0] - B / 2 * (hist["r2"] - hist["r2"][0]), "k--", lw=1,
            label="L₀ − (qB/2)(⟨r²⟩ − ⟨r²⟩₀)")
    ax.set(xlabel="⟨r²⟩ / ℓ²", ylabel="mechanical L / ħ", title=f"orbit expanding in B = {B:g}: Lorentz torque")
    ax.legend(fontsize=8)
    ax = axs[3]
    ax.plot(r_occ, v_phi, ".", ms=2, color="0.5", label="lattice nodes after the expansion")
    rr = np.linspace(r_occ.min(), r_occ.max(), 100)
    ax.plot(rr, nu / rr - B / 2 * rr, "k-", lw=1, label="ħν/(m r) − (qB/2m) r")
    ax.plot(rr, nu / rr, "k:", lw=1, label="ħν/(m r) (B = 0)")
    ax.set(xlabel="r / ℓ", ylabel="v_φ / (ħ/mℓ)", title="azimuthal velocity acquired: −(qB/2m) r")
    ax.legend(fontsize=8)
    save_figure(fig, out / "kinetic-meissner.png")
