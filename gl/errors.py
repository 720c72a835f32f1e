"""Errors raised by the simulator and helpers that validate user input.

Every error names the offending parameter and the range it must lie in, so that a
physicist reading a traceback knows what to change.
"""
from __future__ import annotations

import math

import jax


class ParameterError(ValueError):
    """A user-supplied parameter lies outside its allowed range."""


class TimeStepError(ParameterError):
    """The time step ``dt`` exceeds the explicit scheme's stability limit."""


class NonFiniteStateError(FloatingPointError):
    """The simulated state became NaN or infinite during a run."""


class RunInterrupted(KeyboardInterrupt):
    """A run was interrupted (Ctrl-C); its last state was written to a checkpoint."""

    def __init__(self, message: str, checkpoint: str | None = None):
        super().__init__(message)
        self.checkpoint = checkpoint


def _traced(value) -> bool:
    """True for a JAX tracer (a value inside jit/grad): it cannot be checked, and is passed through."""
    return isinstance(value, jax.core.Tracer)


def require_positive(name: str, value: float, unit: str = "") -> float:
    """Return ``float(value)`` if it is finite and > 0, else raise :class:`ParameterError`.

    A traced value (inside ``jax.grad``/``jit``) is returned unchanged and unchecked."""
    if _traced(value):
        return value
    v = float(value)
    if not math.isfinite(v) or v <= 0.0:
        u = f" {unit}" if unit else ""
        raise ParameterError(f"parameter '{name}' = {value!r}{u} is out of range: must be finite and > 0{u}")
    return v


def require_range(name: str, value: float, low: float, high: float, *, low_open: bool = False,
                  high_open: bool = False, unit: str = "") -> float:
    """Return ``float(value)`` if ``low <= value <= high`` (with open ends as requested).

    A traced value is returned unchanged and unchecked.

    Raises:
        ParameterError: naming ``name`` and the interval.
    """
    if _traced(value):
        return value
    v = float(value)
    ok = math.isfinite(v)
    ok = ok and (v > low if low_open else v >= low) and (v < high if high_open else v <= high)
    if not ok:
        lb = "(" if low_open else "["
        rb = ")" if high_open else "]"
        u = f" {unit}" if unit else ""
        raise ParameterError(
            f"parameter '{name}' = {value!r}{u} is out of range: allowed {lb}{low:g}, {high:g}{rb}{u}")
    return v
