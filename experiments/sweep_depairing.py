"""Batched I–V curve of the current-biased strip of the depairing experiment.

Every point starts from the same superconducting state (ψ = 1 in the strip's field) and runs
``bias_steps`` TDGL steps at its own bias current density (:func:`gl.transport.run_biased`), so
the batch gives the I–V curve of fresh starts at each bias, i.e. the curve on increasing current
(the hysteretic return branch of ``glsim run depairing`` needs the state of the previous bias and
is not part of a batch). The field on the strip may be swept too. Outputs: voltage between the
probes [ħ/(2e t0)], V/J in units of the normal strip's V/J, and mean |ψ|².
"""
from __future__ import annotations


import jax.numpy as jnp
import numpy as np

from gl.gauge import applied_link_phases
from gl.observables import density
from gl.transport import run_biased

from .depairing import J_DEPAIRING, strip_setup
from .plotting import plt, save_figure

KEYS = {"applied_current": "J0", "strip_field": "Bc2"}


def build(cfg, values: dict[str, np.ndarray], real):
    """(point function, per-point inputs, host-side extras, info) for bias current and strip field."""
    n = len(next(iter(values.values())))
    J = np.broadcast_to(values.get("applied_current", 0.0), (n,)).astype(float)
    Hs = np.broadcast_to(values.get("strip_field", cfg.strip_field), (n,)).astype(float)
    grid, lat, model, state0, dt, probe, ohmic = strip_setup(cfg, real)

    def point(v):
        ax, ay = applied_link_phases(grid, v["field"], "landau_x", dtype=real)
        state = state0.replace(ax=ax, ay=ay)
        state, volt = run_biased(state, model.with_field(v["field"]), lat, dt, v["current"], cfg.bias_steps, cfg.bias_steps // 2, probe)
        return {"voltage": volt, "mean_density": jnp.mean(density(state))}

    info = {"grid": [grid.nx, grid.ny], "dt_t0": dt, "tdgl_steps": cfg.bias_steps, "ohmic_V_per_J": ohmic,
            "depairing_current_J0": J_DEPAIRING}
    return point, {"current": J, "field": Hs}, {"applied_current_J0": J, "ohmic_V_per_J": np.full(n, ohmic)}, info


def postprocess(outputs: dict, extra: dict) -> dict:
    """Add R/R_n = V/(J·(V/J)_normal) (NaN at zero bias)."""
    J = extra["applied_current_J0"]
    with np.errstate(divide="ignore", invalid="ignore"):
        outputs["resistance_ratio"] = np.where(J == 0, np.nan, outputs["voltage"] / (J * extra["ohmic_V_per_J"]))
    return outputs


def figure(axes, shape, data: dict, path, title: str):
    """I–V curve(s): voltage against bias, one line per value of the other axis."""
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    V = np.reshape(data["voltage"], shape)
    J = np.reshape(data["applied_current_J0"], shape)
    if len(axes) == 1:
        ax.plot(J, V, "o-", ms=3)
    else:
        other = [i for i, (k, _) in enumerate(axes) if k != "applied_current"][0]
        for k in range(shape[other]):
            sl = tuple(k if i == other else slice(None) for i in range(len(shape)))
            ax.plot(J[sl], V[sl], "o-", ms=3, label=f"{axes[other][0]} = {axes[other][1][k]:.3g}")
        ax.legend()
    ax.plot(J.ravel(), J.ravel() * data["ohmic_V_per_J"][0], "k--", lw=1, label="normal state")
    ax.set_xlabel("bias current density J / J0")
    ax.set_ylabel("voltage [ħ/(2e t0)]")
    ax.set_title(title)
    return save_figure(fig, path)
