"""Helpers shared by the experiments: precision set-up, comparison checks and summary output."""
from __future__ import annotations

import math
import time
from pathlib import Path

import jax
import jax.numpy as jnp

from gl.errors import ParameterError
from gl.io import write_json


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


def check(name: str, computed: float, expected: float, tolerance: float, units: str) -> dict:
    """One comparison of a computed value with its analytic/published value.

    ``tolerance`` is relative: passed = |computed − expected| ≤ tolerance·|expected|.
    """
    computed, expected = float(computed), float(expected)
    err = abs(computed - expected) / abs(expected) if expected != 0 else abs(computed)
    return {"name": name, "computed": computed, "expected": expected, "tolerance": tolerance,
            "relative_error": err, "passed": bool(math.isfinite(err) and err <= tolerance), "units": units}


def finish(out: Path, summary: dict, t_start: float) -> dict:
    """Add the wall time and write summary.json (atomically); return the summary."""
    summary["wall_time_s"] = time.perf_counter() - t_start
    summary["all_checks_passed"] = all(c["passed"] for c in summary.get("checks", []))
    write_json(Path(out) / "summary.json", summary)
    return summary
