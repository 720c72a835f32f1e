"""Experiment configuration: dataclass defaults, overridden by a TOML file and ``--set key=value``.

Each experiment defines a frozen dataclass of flat, typed fields (SI-suffixed names such as
``temperature_K``). :func:`build_config` merges a TOML file (top-level keys) and command-line
overrides into it, converting strings to each field's type.
"""
from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from gl.errors import ParameterError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _coerce(name: str, value, typ):
    try:
        if typ is bool:
            if isinstance(value, bool):
                return value
            s = str(value).strip().lower()
            if s in _TRUE | _FALSE:
                return s in _TRUE
            raise ValueError
        if typ is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            return int(value)
        if typ is float:
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ParameterError(f"parameter '{name}' = {value!r} is not a valid {typ.__name__}") from None


def build_config(cls, toml_file: str | Path | None = None, overrides: list[str] | tuple = ()):
    """Instance of the dataclass ``cls`` from its defaults, a TOML file and ``key=value`` strings.

    Raises:
        ParameterError: unknown key (the allowed keys are listed), badly typed value, malformed
            override, or missing TOML file.
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}
    types = {name: type(f.default) for name, f in fields.items()}
    values: dict = {}

    def put(key, val):
        if key not in fields:
            raise ParameterError(f"unknown parameter '{key}': allowed {sorted(fields)}")
        values[key] = _coerce(key, val, types[key])

    if toml_file is not None:
        path = Path(toml_file)
        if not path.exists():
            raise ParameterError(f"parameter 'config' = '{path}': no such file")
        with path.open("rb") as fh:
            for k, v in tomllib.load(fh).items():
                put(k, v)
    for item in overrides:
        key, sep, val = str(item).partition("=")
        if not sep:
            raise ParameterError(f"--set expects key=value, got {item!r}")
        put(key.strip(), val.strip())
    return cls(**values)


def config_dict(cfg) -> dict:
    """The configuration as a plain dict (for metadata and summaries)."""
    return dataclasses.asdict(cfg)
