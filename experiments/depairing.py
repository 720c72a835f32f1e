"""depairing: the largest supercurrent a thin wire can carry.

A wire of width ≪ ξ (a periodic chain of the GL lattice) carries a uniform superfluid momentum
q = ∇θ − A, imposed by the link phases (A frozen). For each q the GL free energy is minimized
over ψ; the stationary state has |ψ|² = 1 − q² and J = (1 − q²) q, maximal at q = 1/√3 where
|ψ|² = 2/3 and J = 2/(3√3) J0 ≈ 0.3849 J0, the GL depairing current (Tinkham, Introduction to
Superconductivity, Eqs. 4.34–4.36).

A current-biased strip in TDGL (:mod:`gl.transport`: normal-metal leads, electric potential from
current conservation, a small perpendicular field) is swept up and down in bias current: the
voltage between two probes is zero below the critical current, vortices cross the strip and
dissipate above it (flux flow), and at high bias the strip is normal and obeys Ohm's law
V = J·d/σ (d the probe distance), which is the check; superconductivity re-forms only at a lower
current on the way down (hysteresis).
"""
from __future__ import annotations

import dataclasses
import math

import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from gl.errors import ParameterError, require_positive
from gl.gauge import applied_link_phases
from gl.geometry import Grid
from gl.io import save_arrays
from gl.lattice import make_lattice, periodic_chain
from gl.minimize import minimize
from gl.observables import density
from gl.operators import supercurrent
from gl.model import FROZEN, make_model
from gl.state import uniform_state
from gl.tdgl import check_time_step
from gl.transport import check_strip, run_biased

from .common import check, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "depairing"
DESCRIPTION = "Depairing current of a wire (2/(3√3) J0 at |ψ|² = 2/3) and the I–V curve of a current-biased strip."
J_DEPAIRING = 2.0 / (3.0 * math.sqrt(3.0))


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (lengths in ξ, currents in J0)."""

    wire_sites: int = 200          #: nodes of the periodic wire
    wire_length: float = 20.0      #: wire length [ξ]
    q_max: float = 0.95            #: top of the superfluid-momentum sweep [1/ξ]
    q_points: int = 96             #: momenta in the sweep
    strip_length: float = 32.0     #: current-biased strip: length between the leads [ξ]
    strip_width: float = 10.0      #: strip width [ξ]
    strip_field: float = 0.1       #: perpendicular field on the strip [B_c2]
    strip_spacing: float = 0.5     #: lattice spacing of the strip [ξ]
    probe_offset: float = 8.0      #: voltage probes this far inside the leads [ξ] (beyond the current-conversion region)
    bias_max: float = 0.45         #: largest bias current density [J0]
    bias_step: float = 0.03        #: bias step [J0]
    bias_steps: int = 10000        #: TDGL steps per bias point (the voltage is averaged over the last half)
    seed: int = 0
    precision: str = "float64"


def wire_current_curve(cfg: Config, real):
    """Minimized |ψ|² and J along the wire for each superfluid momentum q, arrays of shape (q_points,)."""
    lat = periodic_chain(cfg.wire_sites, cfg.wire_length, dtype=real)
    h = lat.hx
    model = make_model(1.0, 0.0, vector_potential=FROZEN, dtype=real)
    qs = np.linspace(0.0, cfg.q_max, cfg.q_points)
    n2, J = [], []
    zero = jnp.zeros(lat.shape, real)
    state = uniform_state(lat, zero, zero)
    for q in qs:
        ax = zero.at[:, 0].set(-q * h)                 # ψ real ⇒ q = ∇θ − A = −A_x
        state = minimize(state.replace(ax=ax), model, lat, tol=1e-12).state
        n2.append(float(jnp.mean(density(state)[:, 0])))
        J.append(float(jnp.mean(supercurrent(state, lat)[0][:, 0])))
    return qs, np.array(n2), np.array(J)


def strip_setup(cfg: Config, real):
    """(grid, lattice, model, initial state ψ = 1, dt, probe column, ohmic V/J) of the current-biased strip.

    Raises:
        ParameterError: for non-positive sizes or a probe offset outside the strip.
    """
    grid = Grid.covering(require_positive("strip_length", cfg.strip_length),
                         require_positive("strip_width", cfg.strip_width), cfg.strip_spacing)
    lat = make_lattice(grid, dtype=real)
    check_strip(lat)
    model = make_model(1.0, cfg.strip_field, vector_potential=FROZEN, dtype=real)
    state = uniform_state(lat, *applied_link_phases(grid, cfg.strip_field, "landau_x", dtype=real))
    dt = check_time_step(None, grid, model)
    probe = int(round(require_positive("probe_offset", cfg.probe_offset) / grid.hx))
    if not 0 < probe < grid.nx // 2 - 1:
        raise ParameterError(f"parameter 'probe_offset' = {cfg.probe_offset} is out of range: allowed "
                             f"(0, {(grid.nx // 2 - 1) * grid.hx:g}) ξ for this strip")
    ohmic = (grid.nx - 1 - 2 * probe) * grid.hx             # V/J of the normal strip between the probes (σ = 1)
    return grid, lat, model, state, dt, probe, ohmic


def iv_curve(cfg: Config, real):
    """Bias sweep up to ``bias_max`` and back down; returns (J, V, mean |ψ|², sweep direction, ohmic slope)."""
    grid, lat, model, state, dt, probe, ohmic = strip_setup(cfg, real)
    up = np.arange(0.0, cfg.bias_max + 1e-9, require_positive("bias_step", cfg.bias_step))
    biases = np.concatenate([up, up[::-1][1:]])
    rng = np.random.default_rng(cfg.seed)
    V, n2 = [], []
    for J in biases:
        # a whisper of noise lets superconductivity re-nucleate from ψ = 0 on the way down
        noise = 1e-4 * (rng.normal(size=grid.shape) + 1j * rng.normal(size=grid.shape)) * np.asarray(lat.site)
        state = state.replace(psi=state.psi + jnp.asarray(noise, state.psi.dtype))
        state, v = run_biased(state, model, lat, dt, float(J), cfg.bias_steps, cfg.bias_steps // 2, probe)
        V.append(float(v))
        n2.append(float(jnp.mean(density(state))))
    direction = np.concatenate([np.ones(len(up)), -np.ones(len(up) - 1)])
    return biases, np.array(V), np.array(n2), direction, ohmic


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Sweep q, locate the maximum current; write depairing.h5, summary.json and depairing.png.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.
    """
    t_start, out, real = start(out_dir, cfg.precision)
    require_positive("wire_length", cfg.wire_length)
    require_positive("q_max", cfg.q_max)
    qs, n2, J = wire_current_curve(cfg, real)
    k = int(np.argmax(J))
    k = min(max(k, 1), len(qs) - 2)
    # parabola through the three points around the sampled maximum
    c = np.polyfit(qs[k - 1:k + 2], J[k - 1:k + 2], 2)
    q_star = -c[1] / (2 * c[0])
    J_max = float(np.polyval(c, q_star))
    n_star = float(np.interp(q_star, qs, n2))
    checks = [
        check("wire: maximum supercurrent (depairing current)", J_max, J_DEPAIRING, 0.01, "J0"),
        check("wire: |psi|^2 at the maximum current", n_star, 2.0 / 3.0, 0.01, "psi_inf^2"),
        check("wire: superfluid momentum at the maximum", q_star, 1 / math.sqrt(3.0), 0.01, "1/xi"),
    ]
    bias, V, n_strip, direction, ohmic = iv_curve(cfg, real)
    top = int(np.argmax(bias))
    normal = n_strip[top] < 1e-6
    if normal:
        checks.append(check("strip: Ohmic normal state V/J at the highest bias", V[top] / bias[top], ohmic, 0.01,
                            "hbar/(2e t0) per J0"))
    up = direction > 0
    resistance = V / (ohmic * np.maximum(bias, 1e-12))       # R/R_n between the probes
    dissipative = up & (resistance > 1e-3)                   # critical-current criterion: R > 10⁻³ R_n
    J_c = float(bias[up][np.argmax(dissipative[up])]) if dissipative.any() else float("nan")
    below = up & (bias > 0) & (bias <= 0.8 * J_c)
    checks.append(check("strip: largest R/R_n at bias <= 0.8 J_c (zero voltage)",
                        float(np.max(np.abs(resistance[below]))) if below.any() else float("nan"), 0.0, 1e-5,
                        "1 (absolute)"))
    down = direction < 0
    retrap = float(bias[down][np.argmax(n_strip[down] > 0.1)]) if np.any(n_strip[down] > 0.1) else float("nan")
    save_arrays(out / "depairing.h5", {"q": qs, "density": n2, "current": J, "strip_bias": bias, "strip_voltage": V,
                                       "strip_mean_density": n_strip, "strip_sweep_direction": direction},
                {"experiment": NAME, "config": config_dict(cfg),
                 "units": {"q": "1/xi", "current": "J0", "voltage": "hbar/(2e t0)"}})
    fig, axs = plt.subplots(1, 3, figsize=(16, 4.3))
    ax = axs[2]
    ax.plot(bias[up], V[up], "o-", ms=3, label="sweep up")
    ax.plot(bias[down], V[down], "s--", ms=3, label="sweep down")
    ax.plot(bias, ohmic * bias, "k:", lw=1, label="Ohm: V = J d/σ")
    ax.axvline(J_DEPAIRING, color="0.5", ls="--", lw=1, label="depairing 2/(3√3)")
    ax.set(xlabel="J / J0", ylabel="V / (ħ/2e t0)", title=f"strip {cfg.strip_length:g}×{cfg.strip_width:g} ξ, "
           f"H = {cfg.strip_field:g} Bc2: I–V", ylim=(-0.05 * ohmic * cfg.bias_max, 1.05 * ohmic * cfg.bias_max))
    ax.legend(fontsize=8)
    axs[0].plot(qs, J, "o", ms=3, label="GL lattice")
    axs[0].plot(qs, (1 - qs ** 2) * qs, "k-", lw=1, label="(1 − q²) q")
    axs[0].axhline(J_DEPAIRING, color="k", ls="--", lw=1, label="2/(3√3)")
    axs[0].set(xlabel="q ξ", ylabel="J / J0", title=f"wire: J_max = {J_max:.5f} J0 at q = {q_star:.4f}/ξ")
    axs[0].legend()
    axs[1].plot(J, n2, "o-", ms=3)
    axs[1].axhline(2 / 3, color="k", ls="--", lw=1)
    axs[1].set(xlabel="J / J0", ylabel="|ψ|²", title="|ψ|² against current (both branches)")
    save_figure(fig, out / "depairing.png")
    summary = {"experiment": NAME, "checks": checks, "J_max_J0": J_max, "q_at_max": q_star,
               "density_at_max": n_star,
               "strip": {"critical_current_J0": J_c, "critical_over_depairing": J_c / J_DEPAIRING,
                         "retrapping_current_J0": retrap, "ohmic_V_per_J": ohmic, "normal_at_top": bool(normal)},
               "config": config_dict(cfg)}
    return finish(out, summary, t_start)
