"""``glsim sweep EXPERIMENT --over key=a:b:n …``: a whole parameter sweep as one batched computation.

An experiment is sweepable when a module in ``SWEEPS`` provides ``KEYS`` ({config key: unit}),
``build(cfg, values, real) -> (point, derived, extra, info)`` (a pure-JAX function of one point's
GL inputs ``derived``, plus per-point host-side quantities ``extra``), ``postprocess`` and
``figure``. :func:`run_sweep` builds the grid of points (several ``--over`` axes make a grid,
first axis slowest), runs them with :func:`gl.batch.run_batch` (one compiled function, chunks of
``chunk_size`` points, one progress bar), and writes ``sweep.h5`` (every input and output as an
array of the grid's shape, each with ``units`` and ``description`` attributes), ``summary.json`` and
``sweep.png``. Points whose outputs are not finite are listed (``point_failed`` in sweep.h5,
``failed_points`` in the summary) and the sweep then raises :class:`~gl.errors.NonFiniteStateError`.
"""
from __future__ import annotations

import importlib
import time
from pathlib import Path

import numpy as np

from gl.batch import parameter_grid, parse_axis, run_batch
from gl.errors import NonFiniteStateError, ParameterError
from gl.io import save_arrays, write_json

from .common import check_memory, real_dtype
from .config import config_dict

SWEEPS = {
    "vortex-film": "experiments.sweep_vortex_film",
    "depairing": "experiments.sweep_depairing",
}


#: units and meaning of every dataset the sweeps write (swept keys take their units from the module's KEYS)
DATASETS = {
    "applied_field_mT": ("mT", "applied perpendicular field μ0H of each point"),
    "temperature_K": ("K", "temperature of each point"),
    "kappa": ("1", "GL parameter κ = λ/ξ swept (overrides the material's)"),
    "kappa_used": ("1", "GL parameter κ = λ/ξ used at each point"),
    "applied_flux_Phi0": ("Phi0", "applied flux through the film, B·S/Φ0"),
    "applied_field_Bc2": ("Bc2", "applied field in units of B_c2(T) of the point"),
    "xi_nm": ("nm", "coherence length ξ(T) of the point"),
    "grid_spacing_xi": ("xi", "lattice spacing in units of the point's ξ(T) (the grid is shared by all points)"),
    "Bc2_mT": ("mT", "upper critical field B_c2(T) = Φ0/(2πξ²) of the point"),
    "expected_vortex_min": ("vortices", "lower end of the expected net vorticity (flux through the interior)"),
    "expected_vortex_max": ("vortices", "upper end of the expected net vorticity (the applied flux)"),
    "n_vortices": ("vortices", "plaquettes with positive winding, counted with multiplicity"),
    "n_antivortices": ("vortices", "plaquettes with negative winding, counted with multiplicity"),
    "mean_density": ("psi_inf^2", "mean |ψ|² over the superconductor"),
    "magnetization_Bc2": ("Bc2", "magnetization M = m_z/(κ² S) of the supercurrents"),
    "magnetization_mT": ("mT", "magnetization μ0M = M·B_c2(T)"),
    "mean_field_Bc2": ("Bc2", "mean B_z over the computational box"),
    "applied_current": ("J0", "bias current density of each point"),
    "applied_current_J0": ("J0", "bias current density of each point"),
    "strip_field": ("Bc2", "perpendicular field on the strip"),
    "ohmic_V_per_J": ("hbar/(2e t0) per J0", "V/J of the normal strip between the probes"),
    "voltage": ("hbar/(2e t0)", "time-averaged voltage between the probes"),
    "resistance_ratio": ("1", "V/J over the normal strip's V/J (NaN at zero bias)"),
    "point_failed": ("1", "1 where the point's outputs were not finite (the run diverged), else 0"),
}


def dataset_attributes(names, keys: dict) -> dict:
    """{name: (units, description)} for every dataset name (swept keys' units from ``keys``)."""
    out = {}
    for name in names:
        units, text = DATASETS.get(name, (keys.get(name, ""), f"output '{name}' of each point"))
        out[name] = (keys.get(name, units), text)
    return out


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
        ParameterError: for an unknown experiment or key, a malformed axis, invalid values, or a chunk
            of points that would not fit in memory.
        NonFiniteStateError: after writing the files, when some points' outputs are not finite
            (the message names them).
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
    n_points = int(np.prod(shape))
    if "grid" in info:                            # a chunk of points at once must fit in memory
        check_memory(tuple(info["grid"]), np.dtype(real).itemsize, "'--chunk' and the film's size",
                     minimize=False, evolving_A=getattr(cfg, "vector_potential", None) == "bulk",
                     batch=min(chunk_size, n_points))
    outputs, batch_info = run_batch(point, derived, chunk_size=chunk_size, dtype=real, progress=progress,
                                    description=f"sweep {name}")
    failed = np.zeros(n_points, bool)
    for v in outputs.values():                   # the points' own outputs, before post-processing
        v = np.asarray(v, dtype=float).reshape(n_points, -1)
        failed |= ~np.all(np.isfinite(v), axis=1)
    outputs = mod.postprocess(outputs, extra)
    data = {**values, **extra, **outputs, "point_failed": failed.astype(np.uint8)}
    out = Path(out_dir)
    meta = {"experiment": name, "config": config_dict(cfg), "over": over, "grid_shape": list(shape),
            "axes": [k for k, _ in axes], "units": mod.KEYS}
    save_arrays(out / "sweep.h5", {k: np.reshape(np.asarray(v), shape + np.shape(v)[1:]) for k, v in data.items()}, meta,
                attributes=dataset_attributes(data, mod.KEYS))
    title = f"{name}: {len(values[axes[0][0]])} points, one batch"
    mod.figure(axes, shape, data, out / "sweep.png", title)
    bad = [{"index": int(i), **{k: float(values[k][i]) for k, _ in axes}} for i in np.flatnonzero(failed)]
    summary = {"experiment": name, "sweep": over, "points": n_points, "grid_shape": list(shape),
               **info, **batch_info, "wall_time_s": time.perf_counter() - t0,
               "outputs": sorted(outputs), "failed_points": bad, "all_points_finite": not bad,
               "files": ["sweep.h5", "sweep.png", "summary.json"]}
    write_json(out / "summary.json", summary)
    if bad:
        named = ", ".join("#{} ({})".format(b["index"], ", ".join(f"{k}={b[k]:g}" for k, _ in axes)) for b in bad[:10])
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        raise NonFiniteStateError(f"{len(bad)} of {n_points} sweep points went non-finite (NaN or inf): {named}{more}; "
                                  f"their outputs in {out / 'sweep.h5'} are marked by point_failed. Reduce parameter 'dt' "
                                  "or check the initial state (initial_amplitude ≲ 1)")
    return summary
