"""Helpers shared by the experiments: precision set-up, comparison checks and summary output."""
from __future__ import annotations

import math
import time
from pathlib import Path

import jax
import jax.numpy as jnp

from gl.driver import evolve
from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.io import write_json
from gl.minimize import minimize
from gl.model import FROZEN
from gl.state import random_state


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


def start(out_dir, precision: str):
    """Begin an experiment run: (wall-clock origin, output folder (created), real dtype).

    Raises:
        ParameterError: for an unknown precision.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return time.perf_counter(), out, real_dtype(precision)


def check(name: str, computed: float, expected: float, tolerance: float, units: str) -> dict:
    """One comparison of a computed value with its analytic/published value.

    ``tolerance`` is relative: passed = |computed − expected| ≤ tolerance·|expected|.
    """
    computed, expected = float(computed), float(expected)
    err = abs(computed - expected) / abs(expected) if expected != 0 else abs(computed)
    return {"name": name, "computed": computed, "expected": expected, "tolerance": tolerance,
            "relative_error": err, "passed": bool(math.isfinite(err) and err <= tolerance), "units": units}


def check_at_least(name: str, computed: float, minimum: float, units: str) -> dict:
    """A one-sided comparison: passed = computed ≥ minimum (a bound, not an expected value)."""
    computed, minimum = float(computed), float(minimum)
    return {"name": name, "computed": computed, "expected": f">= {minimum:g}", "tolerance": None,
            "relative_error": None, "passed": bool(math.isfinite(computed) and computed >= minimum), "units": units}


def finish(out: Path, summary: dict, t_start: float) -> dict:
    """Add the wall time and write summary.json (atomically); return the summary."""
    summary["wall_time_s"] = time.perf_counter() - t_start
    checks = summary.get("checks") or []
    summary["all_checks_passed"] = all(c["passed"] for c in checks) if checks else None   # never true on none
    write_json(Path(out) / "summary.json", summary)
    return summary


def quench_and_relax(lat, model, *, seed: int, quench_steps: int, tol: float, max_iter: int,
                     amplitude: float = 0.5):
    """Random small ψ at the applied field (a quench from the normal state), TDGL with A frozen for
    ``quench_steps`` steps, then L-BFGS of ``model`` (A frozen or evolving, as its type says).
    Returns the MinimizeResult."""
    real = lat.site.dtype
    field = float(model.field(0.0))
    s = random_state(lat, *applied_link_phases(lat.grid, field, dtype=real), jax.random.PRNGKey(seed), amplitude)
    if quench_steps > 0:
        s = evolve(s, model.with_vector_potential(FROZEN), lat, n_steps=quench_steps, chunk_steps=quench_steps,
                   progress=False).state
    return minimize(s, model, lat, tol=tol, max_iter=max_iter)


# ---------------------------------------------------------------------------------------------
# memory: refuse a grid the machine cannot hold before allocating it
# ---------------------------------------------------------------------------------------------

#: bytes per lattice node per byte of the real dtype, counted from the arrays a run holds (an upper
#: estimate, not a measurement): TDGL with the fast kernel (state, masks, split arrays with ghost
#: layers, double buffers, observables), and the L-BFGS polish (20 pairs of (Re ψ, Im ψ) vectors,
#: gradients and line-search temporaries; twice that with A evolving)
BYTES_PER_NODE_TDGL = 40
BYTES_PER_NODE_LBFGS = 120
#: the part of the available memory a run may plan to use
MEMORY_FRACTION = 0.8


def available_memory() -> tuple[int, str]:
    """(bytes, where): the first device's memory limit on an accelerator, else the host's available RAM."""
    try:
        dev = jax.devices()[0]
        if dev.platform != "cpu":
            stats = dev.memory_stats() or {}
            if stats.get("bytes_limit"):
                return int(stats["bytes_limit"]) - int(stats.get("bytes_in_use", 0)), f"{dev.platform} memory"
    except (RuntimeError, AttributeError, KeyError, TypeError, ValueError):
        stats = None                              # no backend information: fall back to the host
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024, "available RAM"
    except OSError:
        pass
    import os

    return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")), "RAM"


def _bytes(n: float) -> str:
    for unit, size in (("TiB", 2 ** 40), ("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} B"


def memory_estimate(nodes: float, real_bytes: int, *, minimize: bool = True, evolving_A: bool = False,
                    frames: int = 0, batch: int = 1) -> int:
    """Estimated peak memory [bytes] of a run on ``nodes`` lattice nodes (see the constants above).

    ``frames`` snapshots of three real maps each; ``batch`` points run at once (a sweep chunk).
    """
    per_node = BYTES_PER_NODE_TDGL * (1.5 if evolving_A else 1.0) * batch
    if minimize:
        per_node = max(per_node, BYTES_PER_NODE_LBFGS * (2.0 if evolving_A else 1.0))
    return int(nodes * real_bytes * per_node + nodes * frames * 3 * 8)


def check_memory(shape: tuple[int, int], real_bytes: int, keys: str, **kw) -> int:
    """Raise a :class:`ParameterError` naming ``keys`` when a run on a ``shape`` grid would not fit in memory.

    Returns the estimate [bytes]."""
    nodes = float(shape[0]) * float(shape[1])
    need = memory_estimate(nodes, real_bytes, **kw)
    have, where = available_memory()
    if need > MEMORY_FRACTION * have:
        raise ParameterError(f"parameters {keys} give a {shape[0]} × {shape[1]} grid that needs about {need:.3g} bytes "
                             f"({_bytes(need)}), more than {MEMORY_FRACTION:.0%} of the {_bytes(have)} of {where}: "
                             "make the film smaller or the spacing coarser")
    return need


# ---------------------------------------------------------------------------------------------
# output folders: one run per folder, locked while it runs, marked complete only at the end
# ---------------------------------------------------------------------------------------------

#: the run manifest in every output folder: status (running, complete, interrupted, failed), command, files
MANIFEST = "glsim-run.json"
LOCK = ".glsim.lock"
#: files that mark a folder as holding a run's results
RESULT_FILES = ("summary.json", "result.h5", "checkpoint.h5", "sweep.h5", MANIFEST)


def _out_error(out, what: str) -> ParameterError:
    return ParameterError(f"parameter '--out' = '{out}': {what}")


def read_manifest(folder) -> dict | None:
    """The folder's run manifest, or None (missing or unreadable)."""
    import json

    try:
        m = json.loads((Path(folder) / MANIFEST).read_text())
        return m if isinstance(m, dict) else None
    except (OSError, ValueError):
        return None


class RunFolder:
    """The output folder of one ``glsim run`` or ``glsim sweep``.

    :meth:`open` checks the folder can be written, takes an exclusive lock (a second run into the
    same folder is refused while the first runs), refuses a folder that holds another run's results
    unless ``overwrite`` (which deletes them first) or ``resume``, and writes the manifest
    (``glsim-run.json``) with status ``running``. :meth:`finish` records the final status
    (``complete``, ``interrupted``, ``failed``) and the files written; a run that is killed leaves
    ``running``: the folder is then marked incomplete, never a mix of two finished runs.
    :meth:`abandon` (bad input before anything was written) restores the folder as it was.
    """

    def __init__(self, path: Path, lock, created: bool, previous: dict | None, started: float, info: dict):
        self.path, self._lock, self.created, self.previous, self.started, self.info = \
            path, lock, created, previous, started, info
        # what the folder held when this run started: a file counts as written by the run only if it
        # is new or its modification time or size changed (a time window alone misjudged files a
        # run finished milliseconds before this one started)
        self._before = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in path.iterdir() if p.is_file()}

    @classmethod
    def open(cls, out, *, command: list[str], experiment: str, resume: bool = False,
             overwrite: bool = False) -> RunFolder:
        """Prepare ``out`` for a run.

        Raises:
            ParameterError: naming '--out': a file, a folder under a file, not writable, in use by
                another run, or holding another run's results (without ``overwrite``/``resume``).
        """
        import datetime
        import errno
        import fcntl
        import os

        path = Path(out)
        if path.exists() and not path.is_dir():
            raise _out_error(out, "is a file, not a folder; choose a folder")
        for parent in path.parents:
            if parent.exists() and not parent.is_dir():
                raise _out_error(out, f"'{parent}' is a file, so no folder can be made under it")
        created = not path.exists()
        lock_existed = (path / LOCK).exists()
        try:
            path.mkdir(parents=True, exist_ok=True)
            fd = os.open(path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise _out_error(out, f"cannot write there ({e.strerror or e})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            try:
                other = os.pread(fd, 64, 0).decode(errors="replace").strip()
            finally:
                os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise _out_error(out, f"another glsim run{f' (pid {other})' if other else ''} is writing to this "
                                      "folder; wait for it to finish or choose another --out") from None
            raise _out_error(out, f"cannot lock the folder ({e.strerror or e})") from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            previous = read_manifest(path)
            held = [f for f in RESULT_FILES if (path / f).exists()]
            if held and not resume:
                if not overwrite:
                    state = f" (status: {previous['status']})" if previous and previous.get("status") else ""
                    raise _out_error(out, f"already holds the results of a run{state}: {', '.join(held)}; add "
                                          "--overwrite to replace them, --resume to continue that run, or choose "
                                          "another --out")
                cls._remove_results(path, previous)
                previous = None
            started = time.time()
            info = {"status": "running", "experiment": experiment, "command": list(command), "pid": os.getpid(),
                    "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                    "resumed": bool(resume), "files": []}
            folder = cls(path, fd, created, previous, started, info)
            folder.lock_existed = lock_existed
            folder._write(info)
            return folder
        except BaseException:
            os.close(fd)
            raise

    @staticmethod
    def _remove_results(path: Path, manifest: dict | None) -> None:
        names = set(RESULT_FILES) | set((manifest or {}).get("files") or [])
        names |= {p.name for pattern in ("*.png", "*.tmp", "movie.gif", "movie.mp4") for p in path.glob(pattern)}
        for name in names:
            target = path / Path(str(name)).name          # never outside the folder
            if target.is_file():
                target.unlink()

    def _write(self, info: dict) -> None:
        write_json(self.path / MANIFEST, info)

    def written(self) -> list[str]:
        """Files in the folder written since this run started (besides the manifest and lock)."""
        out = []
        for p in sorted(self.path.iterdir()):
            if p.is_file() and p.name not in (MANIFEST, LOCK) and not p.name.endswith(".tmp"):
                st = p.stat()
                if self._before.get(p.name) != (st.st_mtime_ns, st.st_size):
                    out.append(p.name)
        return out

    def finish(self, status: str = "complete", **fields) -> None:
        """Record the run's final ``status`` and its files, then release the lock."""
        import datetime

        try:
            files = sorted(set(self.written()) | set((self.previous or {}).get("files") or []) if self.info["resumed"]
                           else self.written())
            self._write(dict(self.info, status=status, files=[f for f in files if (self.path / f).exists()],
                             finished=datetime.datetime.now().astimezone().isoformat(timespec="seconds"), **fields))
        finally:
            self.close()

    def abandon(self) -> None:
        """Bad input, nothing run: put the folder back as it was (manifest restored, a new empty folder removed)."""
        import contextlib

        try:
            if self.previous is not None:
                self._write(self.previous)
            else:
                with contextlib.suppress(OSError):
                    (self.path / MANIFEST).unlink()
            if not getattr(self, "lock_existed", True):
                with contextlib.suppress(OSError):
                    (self.path / LOCK).unlink()
        finally:
            self.close()
        if self.created:
            with contextlib.suppress(OSError):
                self.path.rmdir()

    def close(self) -> None:
        import os

        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
