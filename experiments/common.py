"""Helpers shared by the experiments: precision set-up, comparison checks and summary output."""
from __future__ import annotations

import math
import time
from pathlib import Path

import jax
import jax.numpy as jnp

from gl.driver import evolve
from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.io import write_json
from gl.minimize import minimize
from gl.model import FROZEN
from gl.state import random_state


def real_dtype(precision: str):
    """The real dtype for ``precision`` ("float64" turns on JAX's 64-bit mode).

    Raises:
        ParameterError: unless precision is "float64" or "float32".
    """
    if precision not in ("float64", "float32"):
        raise ParameterError(f"parameter 'precision' = {precision!r} is out of range: allowed 'float64', 'float32'")
    if precision == "float64" and not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
    return jnp.float64 if precision == "float64" else jnp.float32


def start(out_dir, precision: str):
    """Begin an experiment run: (wall-clock origin, output folder (created), real dtype).

    Raises:
        ParameterError: for an unknown precision.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return time.perf_counter(), out, real_dtype(precision)


def check(name: str, computed: float, expected: float, tolerance: float, units: str) -> dict:
    """One comparison of a computed value with its analytic/published value.

    ``tolerance`` is relative: passed = |computed − expected| ≤ tolerance·|expected|.
    """
    computed, expected = float(computed), float(expected)
    err = abs(computed - expected) / abs(expected) if expected != 0 else abs(computed)
    return {"name": name, "computed": computed, "expected": expected, "tolerance": tolerance,
            "relative_error": err, "passed": bool(math.isfinite(err) and err <= tolerance), "units": units}


def check_at_least(name: str, computed: float, minimum: float, units: str) -> dict:
    """A one-sided comparison: passed = computed ≥ minimum (a bound, not an expected value)."""
    computed, minimum = float(computed), float(minimum)
    return {"name": name, "computed": computed, "expected": f">= {minimum:g}", "tolerance": None,
            "relative_error": None, "passed": bool(math.isfinite(computed) and computed >= minimum), "units": units}


def finish(out: Path, summary: dict, t_start: float) -> dict:
    """Add the wall time and write summary.json (atomically); return the summary."""
    summary["wall_time_s"] = time.perf_counter() - t_start
    checks = summary.get("checks") or []
    summary["all_checks_passed"] = all(c["passed"] for c in checks) if checks else None   # never true on none
    write_json(Path(out) / "summary.json", summary)
    return summary


def quench_and_relax(lat, model, *, seed: int, quench_steps: int, tol: float, max_iter: int,
                     amplitude: float = 0.5):
    """Random small ψ at the applied field (a quench from the normal state), TDGL with A frozen for
    ``quench_steps`` steps, then L-BFGS of ``model`` (A frozen or evolving, as its type says).
    Returns the MinimizeResult."""
    real = lat.site.dtype
    field = float(model.field(0.0))
    s = random_state(lat, *applied_link_phases(lat.grid, field, dtype=real), jax.random.PRNGKey(seed), amplitude)
    if quench_steps > 0:
        s = evolve(s, model.with_vector_potential(FROZEN), lat, n_steps=quench_steps, chunk_steps=quench_steps,
                   progress=False).state
    return minimize(s, model, lat, tol=tol, max_iter=max_iter)
