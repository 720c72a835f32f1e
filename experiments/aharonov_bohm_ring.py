"""aharonov-bohm-ring: a charge on a thin ring threaded by flux Φ.

The ring (a periodic chain of the lattice, circumference 2πR) has the spectrum
E_m(Φ) = (ħ²/2mR²)(m − qΦ/h)², periodic in Φ with period h/|q| — h/e for an electron and
h/2e = Φ0 for a Cooper pair (Y. Aharonov and D. Bohm, Phys. Rev. 115, 485 (1959); N. Byers and
C. N. Yang, Phys. Rev. Lett. 7, 46 (1961)). The ground state carries the persistent current
I = −∂E/∂Φ, a sawtooth jumping at half-integer flux quanta, and its fluxoid (phase winding) is the
integer m nearest to Φ/(h/|q|); side by side, the energy parabolas W_n ∝ (nΦ0 − Φ)² of a hollow
superconducting cylinder (F. London, Superfluids I (1950)).
"""
from __future__ import annotations

import dataclasses
import math

import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from gl.errors import require_positive
from gl.io import save_arrays
from gl.lattice import periodic_chain
from gl.observables import periodic_winding
from gl.state import State
from schrodinger import Potentials, cooper_pair, electron, lowest_eigenpairs

from .common import check, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "aharonov-bohm-ring"
DESCRIPTION = "Ring spectrum against flux: period h/e (electron) and h/2e (Cooper pair), persistent current."


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters: ring radius in units of ℓ = ``length_unit_nm``, flux in Wb via the particles."""

    radius: float = 5.0          #: ring radius R [ℓ]
    sites: int = 96              #: lattice sites on the ring
    length_unit_nm: float = 100.0  #: ℓ [nm] (sets the SI scale; the periods do not depend on it)
    flux_points: int = 241       #: flux values in each sweep
    sweep_quanta: float = 2.0    #: sweep range in units of h/e
    levels: int = 4              #: eigenvalues kept
    precision: str = "float64"


def ring_spectrum(cfg: Config, real, particle, fluxes_wb):
    """Lowest ``levels`` energies [E0 of the particle] and ground-state windings for each flux [Wb]."""
    lat = periodic_chain(cfg.sites, 2 * math.pi * require_positive("radius", cfg.radius), dtype=real)
    zero = jnp.zeros(lat.shape, real)
    E, wind = [], []
    for phi in fluxes_wb:
        phase = particle.sign * 2 * math.pi * phi / particle.flux_quantum    # (q/ħ)Φ
        ax = zero.at[:, 0].set(phase / cfg.sites)
        pot = Potentials(ax, zero, zero)
        w, states = lowest_eigenpairs(pot, lat, cfg.levels)
        E.append(w)
        wind.append(periodic_winding(State(jnp.asarray(states[0]), ax, zero), lat)["fluxoid"])
    return np.array(E), np.array(wind)


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Sweep the flux for an electron and a Cooper pair; write ab_ring.h5, summary.json and ab_ring.png.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.
    """
    t_start, out, real = start(out_dir, cfg.precision)
    ell = require_positive("length_unit_nm", cfg.length_unit_nm) * 1e-9
    R = cfg.radius
    checks, arrays, summary = [], {}, {"experiment": NAME}
    for name, particle in (("electron", electron(ell)), ("cooper_pair", cooper_pair(ell))):
        h_over_e = electron(ell).flux_quantum
        fluxes = np.linspace(0.0, cfg.sweep_quanta * h_over_e, cfg.flux_points)
        E, wind = ring_spectrum(cfg, real, particle, fluxes)
        # period: the smallest shift (on the sweep grid) that maps the spectrum onto itself
        step = fluxes[1] - fluxes[0]
        best = None
        for shift in range(1, len(fluxes) // 2 + 1):
            if np.max(np.abs(E[shift:] - E[:-shift])) < 1e-9:
                best = shift
                break
        period = best * step if best else float("nan")
        checks.append(check(f"{name}: period of the spectrum in flux", period, particle.flux_quantum, 1e-3, "Wb"))
        phi = fluxes / particle.flux_quantum                                 # flux in units of h/|q|
        nearest = np.round(phi)
        ok = np.abs(phi - nearest - 0.5 * np.sign(phi - nearest)) > 1e-6     # away from the degeneracy points
        checks.append(check(f"{name}: ground-state fluxoid = nearest integer to flux/(h/|q|)",
                            float(np.max(np.abs(np.abs(wind[ok]) - nearest[ok]))), 0.0, 1e-6, "(absolute)"))
        # parabola curvature of the ground branch: E = (m − φ)²/(2R²) in E0
        branch = np.abs(phi - nearest) < 0.4
        curvature = np.polyfit(phi[branch] - nearest[branch], E[branch, 0], 2)[0]
        checks.append(check(f"{name}: parabola curvature W ∝ (n - flux)^2", curvature, 1.0 / (2 * R * R), 0.01,
                            "E0 per (h/|q|)^2"))
        current = -np.gradient(E[:, 0], phi)                                # −∂E/∂φ: persistent current
        arrays.update({f"{name}_flux_wb": fluxes, f"{name}_energies": E, f"{name}_winding": wind,
                       f"{name}_current": current})
        summary[name] = {"flux_quantum_Wb": particle.flux_quantum, "period_Wb": period,
                         "energy_unit_J": particle.energy_unit, "max_persistent_current_E0": float(np.max(current))}
    save_arrays(out / "ab_ring.h5", arrays, {"experiment": NAME, "config": config_dict(cfg)})
    _figure(out, cfg, arrays)
    summary.update(checks=checks, config=config_dict(cfg))
    return finish(out, summary, t_start)


def _figure(out, cfg, a):
    h_e = electron(cfg.length_unit_nm * 1e-9).flux_quantum
    fig, axs = plt.subplots(1, 3, figsize=(15, 4.3))
    for name, ax in (("electron", axs[0]), ("cooper_pair", axs[1])):
        f = a[f"{name}_flux_wb"] / h_e
        ax.plot(f, a[f"{name}_energies"], "-", lw=1)
        ax.set(xlabel="Φ / (h/e)", ylabel="E / E0", title=f"{name.replace('_', ' ')}: ring spectrum")
    f = a["cooper_pair_flux_wb"] / h_e
    axs[2].plot(f, a["cooper_pair_current"], "-", label="Cooper pair, −∂E/∂Φ")
    axs[2].plot(a["electron_flux_wb"] / h_e, a["electron_current"], "--", label="electron")
    axs[2].set(xlabel="Φ / (h/e)", ylabel="persistent current (E0 per flux quantum)", title="sawtooth")
    axs[2].legend()
    save_figure(fig, out / "ab_ring.png")
