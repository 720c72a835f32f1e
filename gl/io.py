"""Input/output: HDF5 state files, checkpoints and JSON summaries, all written atomically.

Every file is first written to ``NAME.tmp`` and then renamed over ``NAME`` (``os.replace``), so
an interrupted write never leaves a truncated file behind and the previous version survives (the
``.tmp`` file of a failed write is removed).

HDF5 layout of a state file (every dataset carries the attributes ``units`` and ``description``)::

    /psi            (nx, ny) complex   order parameter [ψ∞]
    /ax, /ay        (nx, ny) float     link phases ∫A·dl (dimensionless)
    /site_mask      (nx, ny) uint8     superconducting nodes
    /x, /y          (nx,), (ny,)       node coordinates [ξ]
    /x_um, /y_um    (nx,), (ny,)       node coordinates [µm] (when the length unit is given)
    /NAME           any arrays the caller adds (observables, histories), at the top level
    attrs           grid spacing and periodicity, plus the caller's metadata; nested
                    metadata is also stored whole as JSON in attrs['metadata_json']

Files of the first layout kept the caller's arrays in a group ``/extra``; :func:`load_state` reads both.
"""
from __future__ import annotations

import contextlib
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
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:                        # Ctrl-C or a full disk: no half-written .tmp is left
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
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


class StateFileError(ParameterError):
    """A state or checkpoint file is missing, truncated, or not a file written by :func:`save_state`."""


#: units and description of the datasets every state file holds
CORE_DATASETS = {
    "psi": ("psi_inf", "complex order parameter ψ on the nodes, in units of ψ∞ (0 off the material)"),
    "ax": ("rad", "x-link phases a_x = ∫A_x dx from node (i, j) to (i+1, j); link variable exp(−i a_x)"),
    "ay": ("rad", "y-link phases a_y = ∫A_y dy from node (i, j) to (i, j+1); link variable exp(−i a_y)"),
    "site_mask": ("1", "1 on superconducting nodes, 0 elsewhere"),
    "x": ("xi", "x coordinate of the nodes (first array axis), in units of the coherence length ξ(T)"),
    "y": ("xi", "y coordinate of the nodes (second array axis), in units of the coherence length ξ(T)"),
    "x_um": ("um", "x coordinate of the nodes (first array axis) in micrometres"),
    "y_um": ("um", "y coordinate of the nodes (second array axis) in micrometres"),
}


def _dataset(f, name: str, value, units: str, description: str):
    d = f.create_dataset(name, data=np.asarray(value))
    d.attrs["units"] = units
    d.attrs["description"] = description
    return d


def _split(v, name: str):
    """An ``extra`` entry: ``array`` or ``(array, units, description)``."""
    if isinstance(v, tuple) and len(v) == 3 and isinstance(v[1], str):
        return v
    return v, "", f"array '{name}' (no description given)"


def save_state(path, state: State, grid: Grid, site_mask, metadata: dict | None = None,
               extra: dict | None = None, *, length_unit_m: float | None = None) -> Path:
    """Write a state, its grid and metadata to HDF5 (layout in the module docstring), atomically.

    Args:
        extra: ``{name: array}`` or ``{name: (array, units, description)}``, written at the top level
            with ``units`` and ``description`` attributes.
        length_unit_m: ξ in metres; when given the coordinates are also stored in µm (``x_um``, ``y_um``).
    """
    metadata = _jsonable(metadata or {})
    clash = set(extra or {}) & set(CORE_DATASETS)
    if clash:
        raise ParameterError(f"parameter 'extra': names {sorted(clash)} are reserved for the state itself")

    def write(p):
        with h5py.File(p, "w") as f:
            for name, value in (("psi", state.psi), ("ax", state.ax), ("ay", state.ay),
                                ("site_mask", np.asarray(site_mask).astype(np.uint8)), ("x", grid.x()), ("y", grid.y())):
                _dataset(f, name, value, *CORE_DATASETS[name])
            if length_unit_m is not None:
                _dataset(f, "x_um", grid.x() * length_unit_m * 1e6, *CORE_DATASETS["x_um"])
                _dataset(f, "y_um", grid.y() * length_unit_m * 1e6, *CORE_DATASETS["y_um"])
                f.attrs["xi_m"] = float(length_unit_m)
            f.attrs.update(nx=grid.nx, ny=grid.ny, hx=grid.hx, hy=grid.hy,
                           periodic_x=grid.periodic_x, periodic_y=grid.periodic_y, edge_cells=grid.edge_cells,
                           layout_version=2)
            f.attrs["metadata_json"] = json.dumps(metadata)
            for k, v in metadata.items():
                if isinstance(v, (int, float, str, bool)):
                    f.attrs[k] = v
            for k, v in (extra or {}).items():
                _dataset(f, k, *_split(v, k))

    return _atomic(path, write)


def load_state(path) -> tuple[State, Grid, dict, dict]:
    """Read a file written by :func:`save_state` (either layout).

    Returns:
        (state, grid, metadata, extra) with numpy arrays; ``extra`` holds every dataset that is not
        part of the state and grid (the caller's arrays).

    Raises:
        StateFileError (a ParameterError): if the file does not exist, is a folder, or is truncated,
            not HDF5 or not a state file (the message names the file and what is wrong).
    """
    path = Path(path)
    if not path.exists():
        raise StateFileError(f"parameter 'path' = '{path}': no such state/checkpoint file")
    if not path.is_file():
        raise StateFileError(f"parameter 'path' = '{path}': is a folder, not a state/checkpoint file")
    try:
        with h5py.File(path, "r") as f:
            missing = [k for k in ("psi", "ax", "ay") if k not in f] + \
                      [k for k in ("nx", "ny", "hx", "hy", "periodic_x", "periodic_y", "metadata_json") if k not in f.attrs]
            if missing:
                raise StateFileError(f"file '{path}' is not a glsim state/checkpoint file: it lacks {missing}")
            state = State(psi=f["psi"][()], ax=f["ax"][()], ay=f["ay"][()])
            a = f.attrs
            grid = Grid(int(a["nx"]), int(a["ny"]), float(a["hx"]), float(a["hy"]),
                        bool(a["periodic_x"]), bool(a["periodic_y"]),
                        str(a.get("edge_cells", "whole")))      # files written before edge_cells: whole cells
            metadata = json.loads(a["metadata_json"])
            extra = {k: v[()] for k, v in f.items() if isinstance(v, h5py.Dataset) and k not in CORE_DATASETS}
            if isinstance(f.get("extra"), h5py.Group):          # the first layout
                extra.update({k: v[()] for k, v in f["extra"].items() if isinstance(v, h5py.Dataset)})
    except StateFileError:
        raise
    except (OSError, KeyError, ValueError, TypeError) as e:      # truncated, garbage, wrong types
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise StateFileError(f"file '{path}' is not a readable glsim state/checkpoint file (truncated or "
                             f"corrupt: {reason})") from None
    for name, arr in (("psi", state.psi), ("ax", state.ax), ("ay", state.ay)):
        if np.shape(arr) != grid.shape:
            raise StateFileError(f"file '{path}' is inconsistent: '{name}' has shape {np.shape(arr)}, the grid "
                                 f"{grid.shape}")
    return state, grid, metadata, extra


def save_arrays(path, arrays: dict, metadata: dict | None = None, attributes: dict | None = None) -> Path:
    """Write named arrays (datasets) and metadata (attrs, plus attrs['metadata_json']) to HDF5, atomically.

    ``attributes`` = ``{name: (units, description)}`` gives each dataset its ``units`` and
    ``description`` attributes.
    """
    metadata = _jsonable(metadata or {})
    attributes = attributes or {}

    def write(p):
        with h5py.File(p, "w") as f:
            for k, v in arrays.items():
                if k in attributes:
                    _dataset(f, k, v, *attributes[k])
                else:
                    f[k] = np.asarray(v)
            f.attrs["metadata_json"] = json.dumps(metadata)

    return _atomic(path, write)
