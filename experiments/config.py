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

_TYPE_WORDS = {bool: "boolean (true/false)", int: "integer", float: "number", str: "string"}
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
    except (TypeError, ValueError, OverflowError):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise ParameterError(f"parameter '{name}' = {shown} is not a valid {_TYPE_WORDS.get(typ, typ.__name__)}") from None


def read_toml(toml_file) -> dict:
    """The top-level table of a TOML file.

    Raises:
        ParameterError: naming '--config' and the file problem (missing, a folder, unreadable, not
            UTF-8, not valid TOML with the line and column).
    """
    path = Path(toml_file)
    where = f"parameter '--config' = '{path}'"
    if not path.exists():
        raise ParameterError(f"{where}: no such file")
    if path.is_dir():
        raise ParameterError(f"{where}: is a folder, not a TOML file")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ParameterError(f"{where}: cannot be read ({e.strerror or e})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ParameterError(f"{where}: is not UTF-8 text (byte {e.start}: {raw[e.start:e.start + 1]!r}); TOML files "
                             "must be UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ParameterError(f"{where}: is not valid TOML: {str(e).splitlines()[0]}") from None


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
        for k, v in read_toml(toml_file).items():
            put(k, v)
    for item in overrides:
        key, sep, val = str(item).partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"parameter '--set' = {item!r}: expected KEY=VALUE, e.g. --set temperature_K=7.2")
        put(key.strip(), val.strip())
    return cls(**values)


def config_dict(cfg) -> dict:
    """The configuration as a plain dict (for metadata and summaries)."""
    return dataclasses.asdict(cfg)


_UNIT_SUFFIXES = {"_K": "K", "_um": "µm", "_nm": "nm", "_mT": "mT", "_xi": "ξ", "_T": "T", "_s": "s", "_ns": "ns",
                  "_J0": "J0", "_Bc2": "B_c2"}


def describe_fields(cls) -> list[dict]:
    """Each field of a config dataclass: name, default, units and one-line meaning.

    The meaning is the field's ``#:`` comment in the class source (or ``metadata["help"]``); the
    units come from the key's suffix (``temperature_K`` → K) or a ``[unit]`` in the comment.
    """
    import inspect
    import re

    comments: dict[str, str] = {}
    try:
        for line in inspect.getsource(cls).splitlines():
            m = re.match(r"\s*(\w+)\s*:[^#]*#:\s*(.*)$", line)
            if m:
                comments[m.group(1)] = m.group(2).strip()
    except (OSError, TypeError):
        pass
    rows = []
    for f in dataclasses.fields(cls):
        meaning = f.metadata.get("help") or comments.get(f.name, "")
        units = f.metadata.get("units", "")
        if not units:
            for suffix, u in _UNIT_SUFFIXES.items():
                if f.name.endswith(suffix):
                    units = u
                    break
        if not units:
            m = re.search(r"\[([^\]]+)\]", meaning)
            if m:
                units = m.group(1).split("=")[0].strip()
        default = f.default if f.default is not dataclasses.MISSING else None
        rows.append({"name": f.name, "default": default, "units": units, "meaning": meaning})
    return rows
