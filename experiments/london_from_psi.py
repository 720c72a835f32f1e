"""london-from-psi: the London equations and the energy–phase relation derived from Ψ.

* First London equation: a uniform Ψ (density n) in a slowly applied uniform field E, A = −Et,
  carries J = (ħ/m) n (∇θ − (q/ħ)A) which grows linearly, dJ/dt = E/Λ (charge current) with
  Λ = m/(q²n) — free acceleration, not exponential growth (F. and H. London, Proc. R. Soc. A 149,
  71 (1935)).
* Energy–phase relation: a uniform potential φ makes the phase turn at −qφ/ħ: for q = 2e the
  Josephson frequency 2e/h = 483.6 GHz per mV (B. D. Josephson, Phys. Lett. 1, 251 (1962)).
* Second London equation: for a ring-shaped Ψ in a field, ∇×(ΛJ) = −B wherever Ψ has no
  vortex (the curl of ∇θ vanishes), here on plaquettes where the density is appreciable.
Units ħ = m = |q| = 1 with q = +1 inside; the energy–phase check converts with SI constants.
"""
from __future__ import annotations

import dataclasses
import math

import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from gl.errors import require_positive
from gl.gauge import applied_link_phases, magnetic_field, plaquette_circulation
from gl.geometry import Disk, Grid
from gl.io import save_arrays
from gl.lattice import make_lattice
from gl.state import State
from gl.units import ELEMENTARY_CHARGE, PLANCK_H
from schrodinger import Potentials, current, evolve, lowest_eigenpairs

from .common import check, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "london-from-psi"
DESCRIPTION = "First and second London equations and the energy–phase relation (483.6 GHz/mV) from Ψ."


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (units ħ = m = |q| = 1)."""

    density: float = 0.5       #: n of the uniform Ψ [ℓ⁻²]
    field_E: float = 1e-3      #: applied electric field [E0/(|q|ℓ)]
    duration: float = 20.0     #: time of the E-field ramp [ħ/E0]
    potential: float = 0.3     #: uniform potential energy qφ [E0]
    dt: float = 0.01           #: time step [ħ/E0]
    ring_radius: float = 6.0   #: radius of the ring-shaped Ψ [ℓ]
    ring_field: float = 0.05   #: B threading the ring [ħ/(|q|ℓ²)]
    precision: str = "float64"


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Run the three derivations; write london.h5, summary.json and london.png.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.
    """
    t_start, out, real = start(out_dir, cfg.precision)
    n0 = require_positive("density", cfg.density)
    cdt = jnp.result_type(real, jnp.complex64)
    checks = []

    # 1. uniform Ψ on a periodic cell, A = −E t along x
    grid = Grid(8, 8, 0.5, 0.5, periodic_x=True, periodic_y=True)
    lat = make_lattice(grid, dtype=real)
    zero = jnp.zeros(grid.shape, real)
    psi = jnp.full(grid.shape, math.sqrt(n0), cdt)
    E = cfg.field_E
    pot_t = lambda t: Potentials(zero - E * t * grid.hx, zero, zero)      # a_x = (q/ħ)A_x h
    steps_per = 100
    times, J = [0.0], [0.0]
    for k in range(int(round(cfg.duration / (steps_per * cfg.dt)))):
        psi = evolve(psi, lat, cfg.dt, steps_per, times[-1], pot_t)
        times.append(times[-1] + steps_per * cfg.dt)
        J.append(float(jnp.mean(current(psi, pot_t(times[-1]), lat)[0])))
    times, J = np.array(times), np.array(J)
    slope, icpt = np.polyfit(times, J, 1)
    Lambda = 1.0 / n0                                                     # m/(q² n)
    checks.append(check("first London equation: dJ/dt", slope, E / Lambda, 0.01, "|q|E0/(hbar l) per time"))
    curvature = np.polyfit(times, J, 2)[0] * times[-1] ** 2 / (slope * times[-1])
    checks.append(check("linear, not exponential: quadratic share of J(t_end)", abs(curvature), 0.0, 1e-3,
                        "(absolute)"))

    # 2. energy–phase relation
    V = cfg.potential
    psi = jnp.full(grid.shape, math.sqrt(n0), cdt)
    pot_v = Potentials(zero, zero, zero + V)
    T = 10.0
    psi_T = evolve(psi, lat, cfg.dt, int(round(T / cfg.dt)), 0.0, lambda t: pot_v)
    turned = -float(np.angle(np.asarray(psi_T)[0, 0] / np.asarray(psi)[0, 0]))
    rate = (turned + 2 * math.pi * round((V * T - turned) / (2 * math.pi))) / T
    checks.append(check("energy-phase: phase rate / (q phi / hbar)", rate / V, 1.0, 1e-4, "1"))
    # for a Cooper pair: f = |q| V/h = 2e·1 mV/h
    f_per_mV = (rate / V) * 2 * ELEMENTARY_CHARGE * 1e-3 / PLANCK_H
    checks.append(check("Josephson frequency per mV for q = 2e", f_per_mV / 1e9, 483.5978484, 1e-4, "GHz/mV"))

    # 3. second London equation on a ring-shaped Ψ
    R = require_positive("ring_radius", cfg.ring_radius)
    rgrid = Grid.covering(2 * R + 6, 2 * R + 6, 0.5)
    rlat = make_lattice(rgrid, Disk(R + 3), dtype=real)
    X, Y = rgrid.nodes()
    ax, ay = applied_link_phases(rgrid, cfg.ring_field, dtype=real)
    ring_pot = Potentials(ax, ay, jnp.asarray(0.5 * (np.hypot(X, Y) - R) ** 2, real))
    _, states = lowest_eigenpairs(ring_pot, rlat, 1)
    ring = jnp.asarray(states[0])
    n = np.abs(np.asarray(ring)) ** 2
    jx, jy = current(ring, ring_pot, rlat)
    # ΛJ on links with Λ = 1/n at the link (geometric mean of its ends), times h: a line integral
    nx_link = np.sqrt(n * np.roll(n, -1, 0))
    ny_link = np.sqrt(n * np.roll(n, -1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        lx = np.where(nx_link > 0, np.asarray(jx) / nx_link, 0.0) * rgrid.hx
        ly = np.where(ny_link > 0, np.asarray(jy) / ny_link, 0.0) * rgrid.hy
    curl = np.asarray(plaquette_circulation(jnp.asarray(lx), jnp.asarray(ly))) / (rgrid.hx * rgrid.hy)
    B = np.asarray(magnetic_field(State(ring, ax, ay), rlat))
    corners = np.minimum.reduce([n, np.roll(n, -1, 0), np.roll(n, -1, 1), np.roll(np.roll(n, -1, 0), -1, 1)])
    sel = corners > 0.3 * n.max()
    ratio = float(np.mean(curl[sel] / B[sel]))
    checks.append(check("second London equation: curl(Lambda J) / B on the ring", ratio, -1.0, 0.01, "1"))

    save_arrays(out / "london.h5", {"t": times, "J": J}, {"experiment": NAME, "config": config_dict(cfg)})
    fig, axs = plt.subplots(1, 2, figsize=(11, 4.3))
    axs[0].plot(times, J, "o", ms=3, label="Ψ dynamics")
    axs[0].plot(times, E / Lambda * times, "k-", lw=1, label="London: J = (E/Λ) t")
    axs[0].set(xlabel="t / (ħ/E0)", ylabel="J", title="first London equation")
    axs[0].legend()
    with np.errstate(divide="ignore", invalid="ignore"):
        shown = np.where(sel, curl / B, np.nan)
    im = axs[1].imshow(shown.T, origin="lower", cmap="coolwarm", vmin=-1.1, vmax=-0.9)
    plt.colorbar(im, ax=axs[1], label="∇×(ΛJ) / B")
    axs[1].set(title="second London equation on a ring", xticks=[], yticks=[])
    save_figure(fig, out / "london.png")
    summary = {"experiment": NAME, "checks": checks, "phase_rate_over_qphi": rate / V,
               "josephson_GHz_per_mV": f_per_mV / 1e9, "second_london_ratio": ratio, "config": config_dict(cfg)}
    return finish(out, summary, t_start)
