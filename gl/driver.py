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
from pathlib import Path
from typing import Callable

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
        history: dict of lists ``time`` [t0] and ``energy`` [(B_c²/μ0) ξ² d], one entry per chunk.
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
        extra = {f"history_{k}": np.asarray(v) for k, v in traj.history.items()}
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
    is restored on exit.
    """
    flag = {"set": False}
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum, frame):
        flag["set"] = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def evolve(state: State, model: Model, lat: Lattice, *, n_steps: int, dt: float | None = None,
           chunk_steps: int = 500, checkpoint: Checkpointer | None = None,
           resume_from: Trajectory | None = None, progress: bool = True,
           on_chunk: Callable[[Trajectory], None] | None = None) -> Trajectory:
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

    Returns:
        :class:`Trajectory`.

    Raises:
        TimeStepError: ``dt`` outside (0, stability limit].
        ParameterError: ``n_steps`` not an integer ≥ 0, ``chunk_steps`` not an integer ≥ 1, or a
            model that does not fit the lattice (:func:`gl.tdgl.check_model`).
        NonFiniteStateError: the state became NaN/inf (the last finite checkpoint is kept).
        RunInterrupted: on Ctrl-C, after checkpointing the last completed chunk.
    """
    for name, value, low in (("n_steps", n_steps, 0), ("chunk_steps", chunk_steps, 1)):
        if isinstance(value, bool) or not float(value).is_integer() or int(value) < low:
            raise ParameterError(f"parameter '{name}' = {value!r} is out of range: must be an integer ≥ {low}")
    n_steps, chunk_steps = int(n_steps), int(chunk_steps)
    check_model(model, lat)
    if resume_from is not None:
        traj = resume_from
        dt = check_time_step(traj.dt if dt is None else dt, lat.grid, model)
        traj = dataclasses.replace(traj, dt=dt)
    else:
        dt = check_time_step(dt, lat.grid, model)
        traj = Trajectory(state, 0, 0.0, dt, {"time": [0.0], "energy": [float(_energy(state, model, lat, 0.0))]})
    dt_arr = jnp.asarray(dt, traj.state.ax.dtype)
    chunks_done = 0
    bar = tqdm(total=int(n_steps), initial=min(traj.step, int(n_steps)), unit="step", disable=not progress,
               dynamic_ncols=True, leave=False)
    try:
        with _sigint_flag() as ctrl_c:
            while traj.step < n_steps:
                n = min(int(chunk_steps), int(n_steps) - traj.step)
                new = run_steps(traj.state, model, lat, dt_arr, n, jnp.asarray(traj.time, dt_arr.dtype))
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
