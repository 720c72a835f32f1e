"""depairing: the largest supercurrent a thin wire can carry.

A wire of width ≪ ξ (a periodic chain of the GL lattice) carries a uniform superfluid momentum
q = ∇θ − A, imposed by the link phases (A frozen). For each q the GL free energy is minimized
over ψ; the stationary state has |ψ|² = 1 − q² and J = (1 − q²) q, maximal at q = 1/√3 where
|ψ|² = 2/3 and J = 2/(3√3) J0 ≈ 0.3849 J0, the GL depairing current (Tinkham, Introduction to
Superconductivity, Eqs. 4.34–4.36).
"""
from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from gl.errors import require_positive
from gl.io import save_arrays
from gl.lattice import periodic_chain
from gl.minimize import minimize
from gl.observables import density
from gl.operators import supercurrent
from gl.plotting import save_figure
from gl.state import make_params, uniform_state

from .common import check, finish, real_dtype
from .config import config_dict

NAME = "depairing"
DESCRIPTION = "GL depairing current of a thin wire: J(q) maximum 2/(3√3) J0 at |ψ|² = 2/3."
J_DEPAIRING = 2.0 / (3.0 * math.sqrt(3.0))


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (lengths in ξ, currents in J0)."""

    wire_sites: int = 200          #: nodes of the periodic wire
    wire_length: float = 20.0      #: wire length [ξ]
    q_max: float = 0.95            #: top of the superfluid-momentum sweep [1/ξ]
    q_points: int = 96             #: momenta in the sweep
    precision: str = "float64"


def wire_current_curve(cfg: Config, real):
    """Minimized |ψ|² and J along the wire for each superfluid momentum q, arrays of shape (q_points,)."""
    lat = periodic_chain(cfg.wire_sites, cfg.wire_length, dtype=real)
    h = lat.hx
    params = make_params(1.0, 0.0, dtype=real)
    qs = np.linspace(0.0, cfg.q_max, cfg.q_points)
    n2, J = [], []
    zero = jnp.zeros(lat.shape, real)
    state = uniform_state(lat, zero, zero)
    for q in qs:
        ax = zero.at[:, 0].set(-q * h)                 # ψ real ⇒ q = ∇θ − A = −A_x
        state = minimize(state.replace(ax=ax), params, lat, frozen_A=True, tol=1e-12).state
        n2.append(float(jnp.mean(density(state)[:, 0])))
        J.append(float(jnp.mean(supercurrent(state, lat)[0][:, 0])))
    return qs, np.array(n2), np.array(J)


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Sweep q, locate the maximum current; write depairing.h5, summary.json and depairing.png.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.
    """
    t_start = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    real = real_dtype(cfg.precision)
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
    save_arrays(out / "depairing.h5", {"q": qs, "density": n2, "current": J},
                {"experiment": NAME, "config": config_dict(cfg), "units": {"q": "1/xi", "current": "J0"}})
    fig, axs = plt.subplots(1, 2, figsize=(11, 4.3))
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
               "density_at_max": n_star, "config": config_dict(cfg)}
    return finish(out, summary, t_start)
