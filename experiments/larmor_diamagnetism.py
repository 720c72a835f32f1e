"""larmor-diamagnetism: a charge bound in a 2D harmonic trap, V = ½ m ω0² r².

* Susceptibility: the ground-state energy E0(B) = ħ√(ω0² + ω_c²/4) has curvature
  −∂²E/∂B² = −q²⟨r²⟩/(4m) at B = 0, the Langevin–Larmor diamagnetic susceptibility per particle
  (V. Fock, Z. Phys. 47, 446 (1928); C. G. Darwin (1931); J. H. Van Vleck, The Theory of Electric
  and Magnetic Susceptibilities (1932), §81). ⟨r²⟩ is measured in the B = 0 ground state.
* Slow widening at fixed B: the canonical angular momentum of the ground state stays 0, so the
  mechanical magnetic moment μ = −(q²B/4m)⟨r²⟩ follows the size: Δμ = −(q²B/4m)Δ⟨r²⟩.
  The trap frequency is ramped slowly with Crank–Nicolson and μ is measured from the current.
Units ħ = m = |q| = 1.
"""
from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from gl.errors import require_positive
from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid
from gl.io import save_arrays
from gl.lattice import make_lattice
from schrodinger import (Potentials, canonical_angular_momentum, evolve, lowest_eigenpairs, magnetic_moment,
                         position_moments)

from .common import check, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "larmor-diamagnetism"
DESCRIPTION = "Larmor diamagnetism of a trapped charge: χ = −q²⟨r²⟩/4m and Δμ = −(q²B/4m)Δ⟨r²⟩."


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (units ħ = m = |q| = 1)."""

    omega0: float = 0.5        #: trap frequency ω0 [E0/ħ]
    omega1: float = 0.35       #: trap frequency after the slow widening
    field: float = 0.02        #: fixed B of the widening [ħ/(|q|ℓ²)]
    field_step: float = 0.01   #: B step of the curvature fit
    grid_spacing: float = 0.25 #: lattice spacing [ℓ]
    radius: float = 7.0        #: computational disk radius [ℓ]
    ramp_time: float = 100.0   #: duration of the widening [ħ/E0] (ω0·T ≫ 1: adiabatic)
    dt: float = 0.1            #: time step [ħ/E0]
    precision: str = "float64"


def _trap(grid, lat, omega, B, real):
    X, Y = grid.nodes()
    ax, ay = applied_link_phases(grid, B, dtype=real)
    return Potentials(ax, ay, jnp.asarray(0.5 * omega ** 2 * (X ** 2 + Y ** 2), real))


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Curvature of E0(B) and the adiabatic widening; write larmor.h5, summary.json and larmor.png.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.
    """
    t_start, out, real = start(out_dir, cfg.precision)
    R = require_positive("radius", cfg.radius)
    grid = Grid.covering(2 * R, 2 * R, require_positive("grid_spacing", cfg.grid_spacing))
    lat = make_lattice(grid, Disk(R), dtype=real)
    w0, w1 = require_positive("omega0", cfg.omega0), require_positive("omega1", cfg.omega1)
    checks = []

    # susceptibility from the curvature of E0(B)
    dB = require_positive("field_step", cfg.field_step)
    Bs = np.array([-2 * dB, -dB, 0.0, dB, 2 * dB])
    E0 = []
    for B in Bs:
        E, states = lowest_eigenpairs(_trap(grid, lat, w0, float(B), real), lat, 1)
        E0.append(E[0])
        if B == 0.0:
            ground0 = jnp.asarray(states[0])
    E0 = np.array(E0)
    curvature = np.polyfit(Bs, E0, 4)[2] * 2                                  # ∂²E/∂B² at 0
    r2 = float(position_moments(ground0, lat)[2])
    checks.append(check("susceptibility -d2E/dB2 against -q^2<r^2>/(4m)", -curvature, -r2 / 4, 0.01, "q^2 l^2/m"))
    checks.append(check("<r^2> of the trap ground state (hbar/(m omega0))", r2, 1 / w0, 0.01, "l^2"))

    # slow widening at fixed B
    B = cfg.field
    pot_start = _trap(grid, lat, w0, B, real)
    _, st = lowest_eigenpairs(pot_start, lat, 1)
    psi = jnp.asarray(st[0])
    T = require_positive("ramp_time", cfg.ramp_time)
    X, Y = grid.nodes()
    rr = jnp.asarray(X ** 2 + Y ** 2, real)

    def pot_t(t):
        s = jnp.clip(t / T, 0.0, 1.0)
        s = s * s * (3 - 2 * s)                                               # smooth ramp
        w = w0 + (w1 - w0) * s
        return Potentials(pot_start.ax, pot_start.ay, 0.5 * w * w * rr)

    mu0 = float(magnetic_moment(psi, pot_start, lat))
    r2_0 = float(position_moments(psi, lat)[2])
    psi = evolve(psi, lat, cfg.dt, int(round(T / cfg.dt)), 0.0, pot_t)
    pot_end = pot_t(T)
    mu1 = float(magnetic_moment(psi, pot_end, lat))
    L_can = float(canonical_angular_momentum(psi, lat))
    r2_1 = float(position_moments(psi, lat)[2])
    checks.append(check("moment before widening: -(q^2 B/4m)<r^2>", mu0, -B * r2_0 / 4, 0.01, "|q| hbar/m l"))
    # L_can stays 0: any transition would change it by a whole ħ; the square lattice's C4 symmetry
    # leaves only a tiny O(h²) admixture, so 10⁻³ ħ separates conservation from a jump
    checks.append(check("canonical angular momentum after widening (symmetric gauge)", abs(L_can), 0.0, 1e-3,
                        "hbar (absolute)"))
    checks.append(check("change of moment on slow widening: -(q^2 B/4m) delta<r^2>", mu1 - mu0, -B * (r2_1 - r2_0) / 4,
                        0.01, "|q| hbar/m l"))
    save_arrays(out / "larmor.h5", {"B": Bs, "E0": E0}, {"experiment": NAME, "config": config_dict(cfg)})
    fig, axs = plt.subplots(1, 2, figsize=(11, 4.3))
    bb = np.linspace(Bs[0], Bs[-1], 100)
    axs[0].plot(Bs, E0, "o", label="lattice ground state")
    axs[0].plot(bb, np.sqrt(w0 ** 2 + bb ** 2 / 4), "k-", lw=1, label="ħ√(ω0² + ω_c²/4)")
    axs[0].set(xlabel="B", ylabel="E0", title="ground-state energy against field")
    axs[0].legend()
    axs[1].bar(["μ before", "μ after", "−(B/4)⟨r²⟩ after"], [mu0, mu1, -B * r2_1 / 4])
    axs[1].set(title=f"slow widening ω: {w0:g} → {w1:g}", ylabel="magnetic moment")
    save_figure(fig, out / "larmor.png")
    summary = {"experiment": NAME, "checks": checks, "r2_B0": r2, "curvature": curvature, "mu_before": mu0,
               "mu_after": mu1, "r2_before": r2_0, "r2_after": r2_1,
               "canonical_angular_momentum_after_hbar": L_can, "config": config_dict(cfg)}
    return finish(out, summary, t_start)
