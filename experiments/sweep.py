"""``glsim sweep EXPERIMENT --over key=a:b:n …``: a whole parameter sweep as one batched computation.

An experiment is sweepable when a module in ``SWEEPS`` provides ``KEYS`` ({config key: unit}),
``build(cfg, values, real) -> (point, derived, extra, info)`` (a pure-JAX function of one point's
GL inputs ``derived``, plus per-point host-side quantities ``extra``), ``postprocess`` and
``figure``. :func:`run_sweep` builds the grid of points (several ``--over`` axes make a grid,
first axis slowest), runs them with :func:`gl.batch.run_batch` (one compiled function, chunks of
``chunk_size`` points, one progress bar), and writes ``sweep.h5`` (every input and output as an
array of the grid's shape), ``summary.json`` and ``sweep.png``.
"""
from __future__ import annotations

import importlib
import time
from pathlib import Path

import numpy as np

from gl.batch import parameter_grid, parse_axis, run_batch
from gl.errors import ParameterError
from gl.io import save_arrays, write_json

from .common import real_dtype
from .config import config_dict

SWEEPS = {
    "vortex-film": "experiments.sweep_vortex_film",
    "depairing": "experiments.sweep_depairing",
}


def sweep_module(name: str):
    """The sweep module of experiment ``name``.

    Raises:
        ParameterError: if the experiment has no batched sweep.
    """
    if name not in SWEEPS:
        raise ParameterError(f"parameter 'EXPERIMENT' = {name!r} has no batched sweep: allowed {sorted(SWEEPS)}")
    return importlib.import_module(SWEEPS[name])


def run_sweep(name: str, cfg, over: list[str], out_dir, *, chunk_size: int = 64, progress: bool = True) -> dict:
    """Run the sweep and write its files; returns the summary.

    Args:
        name: experiment name (see ``SWEEPS``).
        cfg: the experiment's Config (the values not swept).
        over: ``["key=start:stop:n" | "key=v1,v2,…", …]``, keys from the sweep module's ``KEYS``.
        out_dir: output folder.
        chunk_size: points per compiled call.

    Raises:
        ParameterError: for an unknown experiment or key, a malformed axis or invalid values.
    """
    t0 = time.perf_counter()
    mod = sweep_module(name)
    if not over:
        raise ParameterError(f"parameter '--over' is missing: give at least one of {sorted(mod.KEYS)}")
    axes = [parse_axis(s) for s in over]
    for key, _ in axes:
        if key not in mod.KEYS:
            raise ParameterError(f"parameter '--over' key {key!r} cannot be swept for {name}: allowed {sorted(mod.KEYS)}")
    values, shape = parameter_grid(axes)
    real = real_dtype(cfg.precision)
    point, derived, extra, info = mod.build(cfg, values, real)
    outputs, batch_info = run_batch(point, derived, chunk_size=chunk_size, dtype=real, progress=progress,
                                    description=f"sweep {name}")
    outputs = mod.postprocess(outputs, extra)
    data = {**values, **extra, **outputs}
    out = Path(out_dir)
    meta = {"experiment": name, "config": config_dict(cfg), "over": over, "grid_shape": list(shape),
            "axes": [k for k, _ in axes], "units": mod.KEYS}
    save_arrays(out / "sweep.h5", {k: np.reshape(np.asarray(v), shape + np.shape(v)[1:]) for k, v in data.items()}, meta)
    title = f"{name}: {len(values[axes[0][0]])} points, one batch"
    mod.figure(axes, shape, data, out / "sweep.png", title)
    summary = {"experiment": name, "sweep": over, "points": int(np.prod(shape)), "grid_shape": list(shape),
               **info, **batch_info, "wall_time_s": time.perf_counter() - t0,
               "outputs": sorted(outputs), "files": ["sweep.h5", "sweep.png", "summary.json"]}
    write_json(out / "summary.json", summary)
    return summary
