"""``glsim show DIR``: a result folder's status, summary headline, checks and the datasets of its
HDF5 files (shape, dtype, units, description), readable without the code."""
from __future__ import annotations

import json
from pathlib import Path

from gl.errors import ParameterError

from .common import LOCK, MANIFEST, read_manifest

#: the summary entries printed first, when present
_HEADLINE = ("experiment", "material", "temperature_K", "applied_field_mT", "applied_flux_Phi0", "n_vortices",
             "n_antivortices", "net_vorticity", "xi_nm", "lambda_nm", "kappa", "Bc2_mT", "free_energy",
             "magnetization_Bc2", "points", "grid_shape", "failed_points", "wall_time_s", "all_checks_passed")


def _running(folder: Path) -> bool:
    """True while another process holds the folder's lock (a run in progress)."""
    import fcntl
    import os

    try:
        fd = os.open(folder / LOCK, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _status(folder: Path) -> str:
    m = read_manifest(folder)
    if m is None:
        return "status: unknown (no glsim-run.json: written by an older glsim or by hand)"
    status = m.get("status", "unknown")
    if status == "running":
        status = "running (in progress)" if _running(folder) else "INCOMPLETE (the run was killed before it finished)"
    elif status == "interrupted":
        status = "INCOMPLETE (interrupted; continue with glsim run --resume)"
    elif status == "failed":
        status = f"FAILED: {m.get('error', 'see the files')}"
    cmd = " ".join(m.get("command") or [])
    return f"status: {status}\nstarted: {m.get('started', '?')}" + (f", finished: {m['finished']}" if m.get("finished") else "") + \
        (f"\ncommand: {cmd}" if cmd else "")


def _value(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 100 else text[:97] + "..."


def describe_h5(path: Path) -> list[str]:
    """One line per dataset: name, shape, dtype, [units] and description."""
    import h5py

    lines = []
    try:
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    units = obj.attrs.get("units", "")
                    desc = obj.attrs.get("description", "")
                    shape = "×".join(map(str, obj.shape)) or "scalar"
                    lines.append(f"  {name:<22} {shape:<14} {obj.dtype!s:<10} [{units}] {desc}".rstrip())
            f.visititems(visit)
    except OSError as e:
        lines.append(f"  (unreadable: {str(e).splitlines()[0]})")
    return lines


def show(out) -> str:
    """The text ``glsim show`` prints for the folder ``out``.

    Raises:
        ParameterError: naming 'DIR' when it is missing, not a folder, or holds no glsim results.
    """
    folder = Path(out)
    if not folder.exists():
        raise ParameterError(f"parameter 'DIR' = '{out}': no such folder")
    if not folder.is_dir():
        raise ParameterError(f"parameter 'DIR' = '{out}': is a file; give the folder a run wrote")
    h5 = sorted(folder.glob("*.h5"))
    summary_path = folder / "summary.json"
    if not h5 and not summary_path.exists() and not (folder / MANIFEST).exists():
        raise ParameterError(f"parameter 'DIR' = '{out}': holds no glsim results (no summary.json, no .h5 file)")
    lines = [f"{folder}/", _status(folder)]
    if summary_path.exists():
        try:
            s = json.loads(summary_path.read_text())
        except (OSError, ValueError) as e:
            lines.append(f"summary.json: unreadable ({e})")
            s = None
        if isinstance(s, dict):
            lines.append("summary:")
            keys = [k for k in _HEADLINE if k in s] + [k for k in s if k not in _HEADLINE and not isinstance(s[k], (dict, list))]
            for k in keys:
                lines.append(f"  {k} = {_value(s[k])}")
            for c in s.get("checks") or []:
                mark = {True: "PASS", False: "FAIL", None: "n/a"}.get(c.get("passed"), "?")
                lines.append(f"  check [{mark}] {c.get('name')}: computed {_value(c.get('computed'))}, expected "
                             f"{_value(c.get('expected'))} {c.get('units') or ''}".rstrip())
    for path in h5:
        lines.append(f"{path.name}:")
        lines.extend(describe_h5(path))
    figures = sorted(p.name for p in folder.iterdir() if p.suffix in (".png", ".gif", ".mp4"))
    if figures:
        lines.append("figures: " + ", ".join(figures))
    return "\n".join(lines)
