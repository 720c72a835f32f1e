"""The time-integration driver: chunks of compiled steps, progress, checks and checkpoints.

Separates what is computed (``gl.tdgl.run_steps``: many steps per compiled call) from what is
saved. Between chunks the driver checks the state is finite, records the free energy, advances a
progress bar and writes checkpoints. Ctrl-C (SIGINT) is caught as a flag polled after every chunk
(so it cannot be lost inside library code); it then checkpoints the last completed chunk and raises
:class:`~gl.errors.RunInterrupted`; on a non-finite state it keeps the last finite checkpoint and
raises :class:`~gl.errors.NonFiniteStateError`.
"""
from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from tqdm.auto import tqdm

from .energy import free_energy
from .errors import NonFiniteStateError, ParameterError, RunInterrupted
from .io import load_state, save_state
from .lattice import Lattice
from .model import Model
from .state import State
from .tdgl import check_model, check_time_step, run_steps


@dataclasses.dataclass
class Trajectory:
    """Result of :func:`evolve`.

    Attributes:
        state: final state.
        step: total steps taken since the start of the run (including resumed ones).
        time: simulated time [t0].
        dt: time step used [t0].
        history: dict of lists ``time`` [t0] and ``energy`` [(B_c²/μ0) ξ² d], one entry per chunk;
            with snapshots also ``frame_time`` [t0] and ``frame_NAME`` (one array per snapshot).
    """

    state: State
    step: int
    time: float
    dt: float
    history: dict


@jax.jit
def _finite(state: State):
    return jnp.all(jnp.array([jnp.all(jnp.isfinite(x)) for x in jax.tree_util.tree_leaves(state)]))


_energy = jax.jit(free_energy)


_HISTORY_INFO = {"time": ("t0", "simulated time at the end of each TDGL chunk"),
                 "energy": ("(B_c^2/mu0) xi^2 d", "free energy at the end of each TDGL chunk"),
                 "frame_time": ("t0", "simulated time of each stored snapshot")}


def check_state(state: State, model: Model, lat: Lattice, name: str = "state") -> None:
    """Raise a :class:`ParameterError` unless ``state`` fits ``lat`` and ``model`` and is finite.

    Checks: ψ, a_x and a_y have the lattice's shape; a_x and a_y have the lattice's real dtype and
    ψ the matching complex dtype; the model's arrays (κ) have that real dtype too (a float32 state
    with a float64 model would silently compute in mixed precision); every entry is finite.
    """
    shapes = {k: tuple(np.shape(getattr(state, k))) for k in ("psi", "ax", "ay")}
    bad = {k: v for k, v in shapes.items() if v != tuple(lat.shape)}
    if bad:
        raise ParameterError(f"parameter '{name}' does not fit the lattice: {bad} but the lattice is {tuple(lat.shape)}; "
                             "build the state on the same grid (e.g. gl.random_state(lat, ...))")
    real = jnp.dtype(lat.site.dtype)
    want_complex = jnp.result_type(real, jnp.complex64)
    dtypes = {"psi": jnp.dtype(state.psi.dtype), "ax": jnp.dtype(state.ax.dtype), "ay": jnp.dtype(state.ay.dtype)}
    if dtypes["psi"] != want_complex or dtypes["ax"] != real or dtypes["ay"] != real:
        raise ParameterError(f"parameter '{name}' has dtypes psi {dtypes['psi']}, ax {dtypes['ax']}, ay {dtypes['ay']} "
                             f"but the lattice is {real}: must be {want_complex} and {real} (one precision per run)")
    if jnp.dtype(model.kappa.dtype) != real:
        raise ParameterError(f"parameter 'model' has dtype {jnp.dtype(model.kappa.dtype)} but the state and lattice "
                             f"{real}: build it with make_model(..., dtype={real.name})")
    if not bool(_finite(state)):
        n = {k: int(np.sum(~np.isfinite(np.asarray(getattr(state, k))))) for k in ("psi", "ax", "ay")}
        raise ParameterError(f"parameter '{name}' holds non-finite values (NaN or inf: {n}); start from a finite state")


@dataclasses.dataclass
class Checkpointer:
    """Where and how often :func:`evolve` writes checkpoints.

    Attributes:
        path: HDF5 file (written atomically, see :mod:`gl.io`).
        every: write after every ``every`` chunks (and always at the end).
        metadata: stored with each checkpoint (e.g. the run's configuration).
    """

    path: Path
    every: int = 10
    metadata: dict = dataclasses.field(default_factory=dict)

    def write(self, traj: Trajectory, lat: Lattice) -> None:
        meta = dict(self.metadata, step=traj.step, time=traj.time, dt=traj.dt)
        extra = {f"history_{k}": (np.asarray(v), *_HISTORY_INFO.get(k, ("", f"snapshots '{k}' during TDGL")))
                 for k, v in traj.history.items()}
        save_state(self.path, jax.device_get(traj.state), lat.grid, lat.site, meta, extra)

    def load(self, template: State) -> Trajectory:
        """Read the checkpoint back (arrays cast to the template's dtypes)."""
        s, _, meta, extra = load_state(self.path)
        state = jax.tree_util.tree_map(lambda a, t: jnp.asarray(a, t.dtype), s, template)
        hist = {k[len("history_"):]: list(np.asarray(v)) for k, v in extra.items() if k.startswith("history_")}
        return Trajectory(state, int(meta["step"]), float(meta["time"]), float(meta["dt"]), hist)


@contextlib.contextmanager
def _sigint_flag():
    """Turn Ctrl-C (SIGINT) into a flag the chunk loop polls, so it is never lost inside library code.

    Only in the main thread (signal handlers cannot be installed elsewhere); the previous handler
    is restored on exit. A previous handler with a true ``pending`` attribute (a Ctrl-C already
    received, e.g. by the command line's handler) sets the flag at once; a Ctrl-C received after the
    loop's last look at the flag is handed back to such a handler (its ``pending`` set) on exit.
    """
    flag = {"set": False}
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum, frame):
        flag["set"] = True

    previous = signal.signal(signal.SIGINT, handler)
    # a caller's handler may hold a Ctrl-C that Python swallowed (raised inside a gc callback):
    # honour it at the first chunk boundary
    flag["set"] = bool(getattr(previous, "pending", False))
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)
        if flag["set"] and hasattr(previous, "pending"):   # one that came after the last chunk: hand it back
            previous.pending = True


def evolve(state: State, model: Model, lat: Lattice, *, n_steps: int, dt: float | None = None,
           chunk_steps: int = 500, checkpoint: Checkpointer | None = None,
           resume_from: Trajectory | None = None, progress: bool = True,
           on_chunk: Callable[[Trajectory], None] | None = None, snapshots: int = 0,
           snapshot: Callable[[State], dict] | None = None) -> Trajectory:
    """Integrate the TDGL equations of ``model`` for ``n_steps`` steps of length ``dt``, from t = 0.

    Args:
        state: initial state (ignored when ``resume_from`` is given).
        model: the :class:`~gl.model.Model` (κ, ε(r), H(t), T(t), u, σ, γ; frozen or evolving A).
        lat: lattice and masks.
        n_steps: total number of steps of the run (a resumed run continues up to it).
        dt: time step [t0]; ``None`` picks half the stability limit.
        chunk_steps: steps per compiled call (≥ 1).
        checkpoint: where to write checkpoints, or ``None``.
        resume_from: a :class:`Trajectory` read from a checkpoint to continue.
        progress: show a tqdm progress bar.
        on_chunk: called with the trajectory after every chunk.
        snapshots: number N of snapshots to record at steps round(k·n_steps/(N − 1)), k = 0 … N − 1
            (N = 1: the last step only); chunks are cut at those steps. Each is ``snapshot(state)``
            (a dict of arrays; default ``{"psi": ψ}``) appended to ``history["frame_NAME"]``, with
            its time in ``history["frame_time"]``, so checkpoints keep them.
        snapshot: the function that makes one snapshot.

    Returns:
        :class:`Trajectory`.

    Raises:
        TimeStepError: ``dt`` outside (0, stability limit].
        ParameterError: ``n_steps`` not an integer ≥ 0, ``chunk_steps`` not an integer ≥ 1,
            ``snapshots`` not an integer ≥ 0, a model that does not fit the lattice
            (:func:`gl.tdgl.check_model`), or a state that does not fit the lattice and model or is
            not finite (:func:`check_state`).
        NonFiniteStateError: the state became NaN/inf (the last finite checkpoint is kept).
        RunInterrupted: on Ctrl-C, after checkpointing the last completed chunk.
    """
    for name, value, low in (("n_steps", n_steps, 0), ("chunk_steps", chunk_steps, 1), ("snapshots", snapshots, 0)):
        try:
            ok = not isinstance(value, bool) and float(value).is_integer() and int(value) >= low
        except (TypeError, ValueError, OverflowError):
            ok = False
        if not ok:
            raise ParameterError(f"parameter '{name}' = {value!r} is out of range: must be an integer ≥ {low}")
    n_steps, chunk_steps, snapshots = int(n_steps), int(chunk_steps), int(snapshots)
    check_model(model, lat)
    snapshot = snapshot or (lambda s: {"psi": s.psi})
    if resume_from is not None:
        traj = resume_from
        check_state(traj.state, model, lat, "resume_from.state")
        dt = check_time_step(traj.dt if dt is None else dt, lat.grid, model)
        traj = dataclasses.replace(traj, dt=dt)
    else:
        check_state(state, model, lat)
        dt = check_time_step(dt, lat.grid, model)
        traj = Trajectory(state, 0, 0.0, dt, {"time": [0.0], "energy": [float(_energy(state, model, lat, 0.0))]})
    in_dtypes = [traj.state.psi.dtype, traj.state.ax.dtype, traj.state.ay.dtype]
    targets = sorted({round(k * n_steps / (snapshots - 1)) for k in range(snapshots)} if snapshots > 1
                     else ({n_steps} if snapshots == 1 else set()))

    def record(tr):
        tr.history.setdefault("frame_time", []).append(tr.time)
        for k, v in snapshot(tr.state).items():
            tr.history.setdefault(f"frame_{k}", []).append(np.asarray(jax.device_get(v)))

    pending = [t for t in targets if t > traj.step]          # a resumed run has the earlier ones already
    if resume_from is None and targets and targets[0] == 0:
        record(traj)
    dt_arr = jnp.asarray(dt, traj.state.ax.dtype)
    chunks_done = 0
    bar = tqdm(total=int(n_steps), initial=min(traj.step, int(n_steps)), unit="step", disable=not progress,
               dynamic_ncols=True, leave=False)
    try:
        with _sigint_flag() as ctrl_c:
            while traj.step < n_steps:
                n = min(int(chunk_steps), int(n_steps) - traj.step)
                if pending:
                    n = min(n, pending[0] - traj.step)
                new = run_steps(traj.state, model, lat, dt_arr, n, jnp.asarray(traj.time, dt_arr.dtype))
                new = State(*(x if x.dtype == d else x.astype(d)                # one precision per run
                              for x, d in zip((new.psi, new.ax, new.ay), in_dtypes)))
                if not bool(_finite(new)):
                    where = f"; the last finite state (step {traj.step}) is in {checkpoint.path}" if checkpoint else ""
                    if checkpoint:
                        checkpoint.write(traj, lat)
                    raise NonFiniteStateError(
                        f"state became non-finite between steps {traj.step} and {traj.step + n} "
                        f"(t ≈ {traj.time:.4g} t0){where}. Reduce parameter 'dt' = {dt:g} (allowed (0, stability "
                        "limit]) or check the initial state (|ψ| should be ≲ 1)")
                traj = Trajectory(new, traj.step + n, traj.time + n * dt, dt, traj.history)
                traj.history["time"].append(traj.time)
                traj.history["energy"].append(float(_energy(new, model, lat, traj.time)))
                if pending and traj.step == pending[0]:
                    record(traj)
                    pending.pop(0)
                chunks_done += 1
                bar.update(n)
                bar.set_postfix(F=f"{traj.history['energy'][-1]:.6g}")
                if checkpoint and chunks_done % max(1, checkpoint.every) == 0:
                    checkpoint.write(traj, lat)
                if on_chunk:
                    on_chunk(traj)
                if ctrl_c["set"]:
                    raise KeyboardInterrupt
    except KeyboardInterrupt as exc:
        if isinstance(exc, RunInterrupted):
            raise
        if checkpoint:
            checkpoint.write(traj, lat)
        raise RunInterrupted(f"interrupted at step {traj.step} (t = {traj.time:.4g} t0)"
                             + (f"; checkpoint written to {checkpoint.path}" if checkpoint else ""),
                             str(checkpoint.path) if checkpoint else None) from None
    finally:
        bar.close()
    if checkpoint:
        checkpoint.write(traj, lat)
    return traj
