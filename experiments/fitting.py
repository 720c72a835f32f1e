"""The app side of ``glsim fit``: read a data CSV, fit a registered model, write the results.

    glsim fit MODEL DATA.csv [--params a,b] [--fix key=value …] [--window default|all] [--starts N]
              [--likelihood least_squares|gaussian] [--seed S] [--out DIR]
    glsim fit --list

Models are :class:`gl.fit.FitModel` s registered by name in ``experiments.fit_models.FIT_MODELS``
(imported lazily), plus any in :data:`EXTRA_MODELS` (for tests and plug-ins).

CSV format
----------
Lines starting with ``#`` are comments (kept as the data's header comments); blank lines are
skipped; the first other line is the header of comma-separated column names, the unit as the
name's suffix (``T_K``, ``Jc_A_per_m2``). The model's x and y columns are required; the y
uncertainties are read from an optional ``sigma_<y column>`` or ``<y column>_err`` column. A
column with the model's quantity in another known unit (``T_mK`` for ``T_K``) is converted; an
unknown unit suffix is refused. Only the columns used are checked; others may hold anything.

Outputs in ``out_dir``: ``fit.json`` (everything about the fit), ``fit.png`` (data, model and
residuals) and ``fit_curve.csv`` (the fitted curve on a fine grid), all written atomically.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from gl.errors import ParameterError
from gl.fit import FitModel, evaluate, fit
from gl.io import write_json

# Extra models by name, consulted after experiments.fit_models.FIT_MODELS (tests register toys here).
EXTRA_MODELS: dict[str, FitModel] = {}

# Known unit suffixes: dimension -> {suffix: factor to the dimension's SI unit}.
UNITS: dict[str, dict[str, float]] = {
    "temperature": {"K": 1.0, "mK": 1e-3},
    "current density": {"A_per_m2": 1.0, "A_per_cm2": 1e4, "kA_per_cm2": 1e7, "MA_per_cm2": 1e10,
                        "MA_per_m2": 1e6, "GA_per_m2": 1e9},
    "length": {"m": 1.0, "mm": 1e-3, "um": 1e-6, "nm": 1e-9},
    "magnetic field": {"T": 1.0, "mT": 1e-3, "uT": 1e-6},
    "mutual inductance": {"Phi0_per_A": 1.0, "Phi0_per_mA": 1e3},
}
_SUFFIXES = sorted(((u, dim, f) for dim, tab in UNITS.items() for u, f in tab.items()),
                   key=lambda t: -len(t[0]))


def split_unit(column: str) -> tuple[str, str | None, str | None]:
    """Split a column name into (quantity, unit suffix, dimension) by the longest known suffix.

    ``"T_mK"`` → ``("T", "mK", "temperature")``; a name without a known suffix → ``(name, None, None)``.
    """
    for unit, dim, _ in _SUFFIXES:
        if column.endswith("_" + unit) and len(column) > len(unit) + 1:
            return column[: -len(unit) - 1], unit, dim
    return column, None, None


def _fail(path, msg: str):
    raise ParameterError(f"data file '{path}': {msg}")


def _find_column(path, header: list[str], wanted: str, role: str) -> tuple[str, float]:
    """The file column holding model column ``wanted`` and the factor converting it to ``wanted``'s unit."""
    if wanted in header:
        return wanted, 1.0
    qty, unit, dim = split_unit(wanted)
    if unit is not None:
        for c in header:
            q2, u2, d2 = split_unit(c)
            if q2 == qty and d2 == dim:
                return c, UNITS[dim][u2] / UNITS[dim][unit]
        for c in header:
            if c.startswith(qty + "_"):
                rest = c[len(qty) + 1:]
                if rest.endswith("err") or rest.startswith("sigma"):
                    continue
                raise ParameterError(
                    f"data file '{path}': column '{c}' has unit suffix '{rest}', which is not known for the "
                    f"{role} column '{wanted}' ({dim}); known {dim} units: {', '.join(UNITS[dim])}")
    raise ParameterError(f"data file '{path}': missing {role} column '{wanted}'"
                         + (f" (or '{qty}_<unit>' with a known {dim} unit: {', '.join(UNITS[dim])})"
                            if unit is not None else "")
                         + f"; columns present: {header}")


def read_csv(path, model: FitModel):
    """Read the data for ``model`` from a CSV file (format in the module docstring).

    Args:
        path: the CSV file.
        model: the :class:`gl.fit.FitModel` whose ``x_column``/``y_column`` are wanted.

    Returns:
        (x, y, sigma, columns, header_comments): x, y float64 (n,) in the model's units; sigma
        float64 (n,) in y's unit or None; columns a dict {"x", "y", "sigma": file column used
        (sigma None if absent), "x_factor", "y_factor": multipliers applied to convert to the
        model's units, "header": all column names}; header_comments the comment lines, "#" stripped.

    Raises:
        ParameterError: naming the file for a missing/empty file or fewer than 2 data rows; naming
            the column for a missing column (listing the present ones), an unknown unit suffix
            (listing the known ones); naming column and line for a non-numeric, empty or
            non-finite cell, a row with the wrong number of cells, or σ ≤ 0.
    """
    path = Path(path)
    if not path.is_file():
        _fail(path, "no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        _fail(path, f"not a UTF-8 text file ({e.reason})")
    comments: list[str] = []
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            comments.append(s[1:].strip())
            continue
        cells = [c.strip() for c in s.split(",")]
        if header is None:
            header = cells
            dup = {c for c in cells if cells.count(c) > 1}
            if dup or "" in cells:
                _fail(path, f"line {lineno}: header has empty or repeated column names {sorted(dup)}: {cells}")
        else:
            if len(cells) != len(header):
                _fail(path, f"line {lineno}: {len(cells)} cells but the header has {len(header)} columns")
            rows.append((lineno, cells))
    if header is None:
        _fail(path, "empty file (no header line)")
    if len(rows) < 2:
        _fail(path, f"{len(rows)} data row(s); need at least 2")

    xcol, xf = _find_column(path, header, model.x_column, "x")
    ycol, yf = _find_column(path, header, model.y_column, "y")
    scol = None
    for cand in (f"sigma_{ycol}", f"{ycol}_err", f"sigma_{model.y_column}", f"{model.y_column}_err"):
        if cand in header:
            scol = cand
            break

    def column(name: str, factor: float) -> np.ndarray:
        j = header.index(name)
        out = np.empty(len(rows))
        for i, (lineno, cells) in enumerate(rows):
            cell = cells[j]
            if cell == "":
                raise ParameterError(f"data file '{path}': column '{name}', line {lineno}: empty cell")
            try:
                v = float(cell)
            except ValueError:
                raise ParameterError(
                    f"data file '{path}': column '{name}', line {lineno}: {cell!r} is not a number") from None
            if not math.isfinite(v):
                raise ParameterError(f"data file '{path}': column '{name}', line {lineno}: value {cell!r} is not "
                                     "finite; remove the row or give a number")
            out[i] = v * factor
        return out

    x = column(xcol, xf)
    y = column(ycol, yf)
    sigma = None
    if scol is not None:
        sigma = column(scol, yf)
        bad = np.flatnonzero(sigma <= 0)
        if bad.size:
            raise ParameterError(f"data file '{path}': column '{scol}', line {rows[bad[0]][0]}: uncertainty "
                                 f"{rows[bad[0]][1][header.index(scol)]} must be > 0")
    columns = {"x": xcol, "y": ycol, "sigma": scol, "x_factor": xf, "y_factor": yf, "header": header}
    return x, y, sigma, columns, comments


# --------------------------------------------------------------------------- models


def available_models() -> dict[str, FitModel]:
    """Registered fit models by name: ``experiments.fit_models.FIT_MODELS`` (if that module exists)
    updated with :data:`EXTRA_MODELS`."""
    models: dict[str, FitModel] = {}
    try:
        from experiments.fit_models import FIT_MODELS
    except ModuleNotFoundError as e:
        if e.name != "experiments.fit_models":
            raise
    else:
        models.update(FIT_MODELS)
    models.update(EXTRA_MODELS)
    return models


def get_model(name: str, models: dict | None = None) -> FitModel:
    """The fit model called ``name``.

    Raises:
        ParameterError: for an unknown name, listing the known ones.
    """
    models = available_models() if models is None else models
    if name not in models:
        raise ParameterError(f"parameter 'MODEL' = {name!r} is unknown: allowed {sorted(models)}")
    return models[name]


def describe_models(models: dict | None = None) -> str:
    """A listing of the fit models: name, description, columns, parameters with units and bounds."""
    models = available_models() if models is None else models
    lines = []
    for name in sorted(models):
        m = models[name]
        lines.append(f"{name}: {m.description}")
        lines.append(f"    columns: x = {m.x_column}, y = {m.y_column} (optional sigma_{m.y_column})")
        for pn, p in m.parameters.items():
            lo = "-inf" if p.lower is None else f"{p.lower:g}"
            hi = "inf" if p.upper is None else f"{p.upper:g}"
            desc = f"  {p.description}" if p.description else ""
            lines.append(f"    {pn} = {p.value:g} {p.unit}  bounds ({lo}, {hi}){desc}")
    return "\n".join(lines)


def parse_fixed(items) -> dict[str, float]:
    """``["key=value", …]`` (or a dict) → {key: float}.

    Raises:
        ParameterError: for an item without '=' or a non-numeric value, naming it.
    """
    if items is None:
        return {}
    if isinstance(items, dict):
        pairs = list(items.items())
    else:
        pairs = []
        for it in items:
            if "=" not in it:
                raise ParameterError(f"parameter '--fix' = {it!r}: expected KEY=VALUE")
            k, v = it.split("=", 1)
            pairs.append((k.strip(), v.strip()))
    out = {}
    for k, v in pairs:
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            raise ParameterError(f"parameter '{k}' = {v!r}: not a number") from None
    return out


# --------------------------------------------------------------------------- outputs


def _num(v):
    """JSON-safe float: NaN/inf → None (null means undefined)."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def _write_curve(path: Path, model: FitModel, xg, yg, result, model_name: str) -> Path:
    lines = [f"# fitted curve of model '{model_name}' ({model.description})",
             "# fitted values (± standard error):"]
    for pn, p in model.parameters.items():
        tag = "" if pn in result.names else " (fixed)"
        lines.append(f"#   {pn} = {result.values[pn]!r} ± {result.stderr[pn]!r} {p.unit}{tag}")
    lines.append(f"# chi2 = {result.chi2!r}, reduced chi2 = {result.reduced_chi2!r}, dof = {result.dof}")
    lines.append(f"{model.x_column},{model.y_column}")
    lines += [f"{a!r},{b!r}" for a, b in zip(xg.tolist(), yg.tolist())]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, path)
    return path


def _plot(path: Path, model: FitModel, x, y, sigma, mask, xg, yg, resid, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from experiments.plotting import save_figure

    fig, (ax, axr) = plt.subplots(2, 1, figsize=(6.4, 6.0), sharex=True,
                                  gridspec_kw={"height_ratios": [3, 1.3]})
    inside, outside = mask, ~mask
    if np.any(outside) and np.any(inside):
        xin = x[inside]
        for a in (ax, axr):
            a.axvspan(xin.min(), xin.max(), color="tab:blue", alpha=0.07, lw=0,
                      label="fit window" if a is ax else None)

    def points(a, vals, sel, color, label=None):
        a.errorbar(x[sel], vals[sel], yerr=None if sigma is None else sigma[sel], fmt="o", ms=4, color=color,
                   elinewidth=0.8, label=label)

    points(ax, y, inside, "tab:blue", "data (fitted)" if np.any(outside) else "data")
    if np.any(outside):
        points(ax, y, outside, "0.65", "data (outside fit window)")
    ax.plot(xg, yg, "-", color="tab:red", lw=1.6, label="model")
    ax.set_ylabel(model.y_label or model.y_column)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    axr.axhline(0.0, color="k", lw=0.8)
    points(axr, resid, inside, "tab:blue")
    if np.any(outside):
        points(axr, resid, outside, "0.65")
    axr.set_ylabel("data − model")
    axr.set_xlabel(model.x_label or model.x_column)
    return save_figure(fig, path)


def run_fit(model_name: str, csv_path, out_dir, free=None, fixed=None, window: str | None = "default",
            starts: int = 1, *, seed: int = 0, likelihood: str = "least_squares",
            models: dict | None = None) -> dict:
    """Fit model ``model_name`` to ``csv_path`` and write fit.json, fit.png and fit_curve.csv to ``out_dir``.

    Args:
        model_name: a registered model (:func:`available_models`, or ``models``).
        csv_path: the data file (format in the module docstring).
        out_dir: output folder (created).
        free: parameter names to fit (list, or comma-separated string); default all not fixed.
        fixed: {name: value} or ["name=value", …] held fixed [the parameter's unit].
        window: "default" (the model's fit window; None means the same) or "all".
        starts: number of starting points (see :func:`gl.fit.fit`).
        seed: seed of the extra starting points.
        likelihood: "least_squares" or "gaussian".
        models: name → FitModel to use instead of the registry.

    Returns:
        The summary written to fit.json (dict).

    Raises:
        ParameterError: unknown model, bad CSV (see :func:`read_csv`), bad free/fixed/window
            values, or any input error of :func:`gl.fit.fit`.
    """
    model = get_model(model_name, models)
    window = "default" if window is None else window
    if window not in ("default", "all"):
        raise ParameterError(f"parameter 'window' = {window!r} is out of range: allowed 'default', 'all'")
    if isinstance(free, str):
        free = [s.strip() for s in free.split(",") if s.strip()]
    fixed = parse_fixed(fixed)
    x, y, sigma, columns, comments = read_csv(csv_path, model)
    result = fit(model, x, y, sigma, free=free, fixed=fixed, starts=starts, seed=seed, likelihood=likelihood,
                 window=window)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    mask = result.mask
    lo, hi = float(np.min(x)), float(np.max(x))
    xg = np.linspace(lo, hi, 400)
    yg = evaluate(model, result.values, xg)
    resid = y - evaluate(model, result.values, x)
    _write_curve(out / "fit_curve.csv", model, xg, yg, result, model_name)
    title = f"{model_name}: " + ", ".join(
        f"{n} = {result.values[n]:.4g} ± {result.stderr[n]:.2g} {model.parameters[n].unit}" for n in result.names)
    _plot(out / "fit.png", model, x, y, sigma, mask, xg, yg, resid, title)

    if sigma is not None:
        sigma_info = {"how": result.sigma_source + f" (column '{columns['sigma']}')", "column": columns["sigma"],
                      "value": np.asarray(result.sigma).tolist() if result.likelihood == "gaussian" else None}
    else:
        sigma_info = {"how": result.sigma_source, "column": None, "value": _num(result.sigma)}
    sigma_info["unit"] = split_unit(model.y_column)[1] or ""
    xin = x[mask]
    summary = {
        "model": model_name,
        "description": model.description,
        "source": model.source,
        "data": {"file": str(csv_path), "header_comments": comments, "columns": columns,
                 "n_points_total": result.n_total, "n_points_used": result.n_used},
        "fit_window": {"mode": window, "x_min_used": _num(xin.min()), "x_max_used": _num(xin.max()),
                       "x_column": model.x_column},
        "parameters": {
            pn: {"value": result.values[pn], "stderr": _num(result.stderr[pn]), "unit": p.unit,
                 "free": pn in result.names, "initial": p.value, "lower": p.lower, "upper": p.upper,
                 "description": p.description}
            for pn, p in model.parameters.items()},
        "correlation": {"names": result.names, "matrix": [[_num(v) for v in row] for row in result.correlation]},
        "covariance": {"names": result.names, "matrix": [[_num(v) for v in row] for row in result.covariance]},
        "chi2": _num(result.chi2),
        "reduced_chi2": _num(result.reduced_chi2),
        "dof": result.dof,
        "likelihood": result.likelihood,
        "log_likelihood": _num(result.log_likelihood),
        "noise_scale": _num(result.noise_scale),
        "noise_scale_stderr": _num(result.noise_scale_stderr),
        "sigma": sigma_info,
        "iterations": result.iterations,
        "converged": result.converged,
        "message": result.message,
        "starts": int(starts),
        "seed": int(seed),
        "starts_chi2": [_num(c) for c in result.starts_chi2],
        "wall_time_s": result.wall_time_s,
        "method": "Levenberg-Marquardt (optimistix) in bounded-transformed coordinates; errors from the "
                  "Gauss-Newton covariance (J^T J)^-1 in physical parameters",
        "files": {"figure": "fit.png", "curve": "fit_curve.csv"},
        "null_means": "undefined (NaN or infinite)",
    }
    write_json(out / "fit.json", summary)
    return summary


def format_table(summary: dict) -> str:
    """A short text table of the fitted values ± standard errors, χ² and status, from a fit.json summary."""
    head = (f"model {summary['model']}: {summary['data']['n_points_used']}/{summary['data']['n_points_total']} "
            f"points fitted, chi2 = {summary['chi2']}, reduced chi2 = {summary['reduced_chi2']}, "
            f"dof = {summary['dof']}, {summary['iterations']} iterations, "
            f"{'converged' if summary['converged'] else 'NOT converged'}")
    rows = [head]
    width = max(len(n) for n in summary["parameters"])
    for name, p in summary["parameters"].items():
        if not p["free"]:
            rows.append(f"  {name:<{width}} = {p['value']:.6g} {p['unit']} (fixed)")
        else:
            err = "± undefined" if p["stderr"] is None else f"± {p['stderr']:.3g}"
            rows.append(f"  {name:<{width}} = {p['value']:.6g} {err} {p['unit']}")
    return "\n".join(rows)
