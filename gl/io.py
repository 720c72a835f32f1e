"""Input/output: HDF5 state files, checkpoints and JSON summaries, all written atomically.

Every file is first written to ``NAME.tmp`` and then renamed over ``NAME`` (``os.replace``), so
an interrupted write never leaves a truncated file behind and the previous version survives.

HDF5 layout of a state file::

    /psi            (nx, ny) complex   order parameter [ψ∞]
    /ax, /ay        (nx, ny) float     link phases ∫A·dl (dimensionless)
    /site_mask      (nx, ny) uint8     superconducting nodes
    /x, /y          (nx,), (ny,)       node coordinates [ξ]
    /extra/NAME     any arrays the caller adds (observables, histories)
    attrs           grid spacing and periodicity, plus the caller's metadata; nested
                    metadata is also stored whole as JSON in attrs['metadata_json']
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import h5py
import numpy as np

from .errors import ParameterError
from .geometry import Grid
from .state import State


def _atomic(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)
    return path


def _jsonable(obj):
    """Plain JSON types; a non-finite float becomes None (JSON has no NaN or Infinity)."""
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.generic,)):
        return _jsonable(obj.item())
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if hasattr(obj, "item") and getattr(obj, "shape", None) == ():
        return _jsonable(obj.item())
    return obj


def write_json(path, obj) -> Path:
    """Write ``obj`` as indented, strict JSON (non-finite numbers as null), atomically."""
    text = json.dumps(_jsonable(obj), indent=2, sort_keys=False, allow_nan=False)
    return _atomic(path, lambda p: Path(p).write_text(text + "\n"))


def save_state(path, state: State, grid: Grid, site_mask, metadata: dict | None = None,
               extra: dict | None = None) -> Path:
    """Write a state, its grid and metadata to HDF5 (layout in the module docstring), atomically."""
    metadata = _jsonable(metadata or {})

    def write(p):
        with h5py.File(p, "w") as f:
            f["psi"] = np.asarray(state.psi)
            f["ax"] = np.asarray(state.ax)
            f["ay"] = np.asarray(state.ay)
            f["site_mask"] = np.asarray(site_mask).astype(np.uint8)
            f["x"] = grid.x()
            f["y"] = grid.y()
            f.attrs.update(nx=grid.nx, ny=grid.ny, hx=grid.hx, hy=grid.hy,
                           periodic_x=grid.periodic_x, periodic_y=grid.periodic_y)
            f.attrs["metadata_json"] = json.dumps(metadata)
            for k, v in metadata.items():
                if isinstance(v, (int, float, str, bool)):
                    f.attrs[k] = v
            for k, v in (extra or {}).items():
                f[f"extra/{k}"] = np.asarray(v)

    return _atomic(path, write)


def load_state(path) -> tuple[State, Grid, dict, dict]:
    """Read a file written by :func:`save_state`.

    Returns:
        (state, grid, metadata, extra) with numpy arrays.

    Raises:
        ParameterError: if the file does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise ParameterError(f"parameter 'path' = '{path}': no such state/checkpoint file")
    with h5py.File(path, "r") as f:
        state = State(psi=f["psi"][()], ax=f["ax"][()], ay=f["ay"][()])
        a = f.attrs
        grid = Grid(int(a["nx"]), int(a["ny"]), float(a["hx"]), float(a["hy"]),
                    bool(a["periodic_x"]), bool(a["periodic_y"]))
        metadata = json.loads(a["metadata_json"])
        extra = {k: v[()] for k, v in f["extra"].items()} if "extra" in f else {}
    return state, grid, metadata, extra


def save_arrays(path, arrays: dict, metadata: dict | None = None) -> Path:
    """Write named arrays (datasets) and metadata (attrs, plus attrs['metadata_json']) to HDF5, atomically."""
    metadata = _jsonable(metadata or {})

    def write(p):
        with h5py.File(p, "w") as f:
            for k, v in arrays.items():
                f[k] = np.asarray(v)
            f.attrs["metadata_json"] = json.dumps(metadata)

    return _atomic(path, write)
