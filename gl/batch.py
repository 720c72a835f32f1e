"""Batched parameter sweeps: one vmapped, jitted function over all points, chunked to fit memory.

A sweep is a function ``point(values) -> outputs`` of one parameter point (a dict of scalars, all
traced) returning a dict of arrays. :func:`run_batch` vmaps and jits it once, feeds the points in
chunks of a fixed size (the last chunk padded, so every call has the same shape and nothing
recompiles), shards each chunk's batch axis over all visible devices, and returns every output
stacked over the points. Parameter *values* never cause a recompilation; only a new chunk size
or grid shape does. On a CPU with one device, each chunk is cut into equal parts run at the same
time on :func:`gl.tiles.kernel_threads` threads (XLA's CPU backend runs a vmapped step on about
one core; JAX releases the GIL while a call runs), in parts as large as keep each call's loop state
within :data:`PART_STATE_BYTES` (the cache): the same outputs, one compilation.
"""
from __future__ import annotations

import itertools
import weakref

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec
from tqdm.auto import tqdm

from .errors import ParameterError
from .sharding import device_mesh
from .tiles import kernel_threads, thread_pool


#: most values on one axis, and most points of a grid of axes
MAX_POINTS = 1_000_000
#: loop state (bytes: the largest carry of a loop in the point function, times the points of a part) that one
#: part of a chunk holds on one CPU device: parts as large as keep their states in the cache. 64 quenches
#: (RESULTS.md §13): at 64² (70 KB a point) 0.51 of sequential in parts of 32 against 0.56-0.58 in parts of 4;
#: at 256² (1.1 MB a point) 0.50 in parts of 4, 0.53 in parts of 8, 0.86 in parts of 16
PART_STATE_BYTES = 6 * 2 ** 20


def parse_axis(spec: str) -> tuple[str, np.ndarray]:
    """``"key=start:stop:n"`` (n evenly spaced values, ends included) or ``"key=v1,v2,…"``.

    Raises:
        ParameterError: for a malformed spec, N outside 1 … MAX_POINTS, a non-numeric or non-finite
            START/STOP, each with its own message naming '--over'.
    """
    key, sep, rhs = spec.partition("=")
    key = key.strip()
    if not sep or not key or not rhs.strip():
        raise ParameterError(f"parameter '--over' = {spec!r}: expected KEY=START:STOP:N or KEY=V1,V2,…")
    try:
        if ":" in rhs:
            a, b, n = rhs.split(":")
            n = int(n)
            if n < 1 or n > MAX_POINTS:
                raise ParameterError(f"parameter '--over' = {spec!r}: N = {n} is out of range: allowed 1 … {MAX_POINTS}")
            a, b = float(a), float(b)
            if not (np.isfinite(a) and np.isfinite(b)):
                raise ParameterError(f"parameter '--over' = {spec!r}: START and STOP must be finite numbers")
            return key, np.linspace(a, b, n)
        values = np.array([float(v) for v in rhs.split(",")])
        if not np.all(np.isfinite(values)):
            raise ParameterError(f"parameter '--over' = {spec!r}: the values must be finite numbers")
        if values.size > MAX_POINTS:
            raise ParameterError(f"parameter '--over' = {spec[:40]!r}…: {values.size} values, allowed at most {MAX_POINTS}")
        return key, values
    except ParameterError:
        raise                                      # the specific message, not the generic one below
    except ValueError:
        raise ParameterError(f"parameter '--over' = {spec!r}: expected KEY=START:STOP:N or KEY=V1,V2,… "
                             "with numbers") from None


def parameter_grid(axes: list[tuple[str, np.ndarray]]) -> tuple[dict[str, np.ndarray], tuple[int, ...]]:
    """All combinations of the axes' values: ({key: flat values}, grid shape), first axis slowest.

    Raises:
        ParameterError: if a key appears twice or the grid has more than MAX_POINTS points.
    """
    keys = [k for k, _ in axes]
    if len(set(keys)) != len(keys):
        raise ParameterError(f"parameter '--over': each key may be swept once, got {keys}")
    shape = tuple(len(v) for _, v in axes)
    total = float(np.prod([float(n) for n in shape])) if shape else 0.0
    if total > MAX_POINTS:
        raise ParameterError(f"parameter '--over': the grid {' × '.join(map(str, shape))} has {total:.3g} points, "
                             f"allowed at most {MAX_POINTS}")
    combos = np.array(list(itertools.product(*[v for _, v in axes])), dtype=float).reshape(-1, len(axes))
    return {k: combos[:, i] for i, k in enumerate(keys)}, shape


#: compiled batch function of each point function, so repeated sweeps with the same point reuse it
_COMPILED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _loop_state_bytes(jaxpr) -> int:
    """The largest carry, in bytes, of a loop (``while``, or the carry of a ``scan``) in ``jaxpr`` or any
    jaxpr inside it; 0 without loops. What a time-stepping point function keeps while it runs."""
    best = 0
    for eqn in jaxpr.eqns:
        name = eqn.primitive.name
        if name in ("while", "scan"):
            carry = eqn.outvars if name == "while" else eqn.outvars[:eqn.params["num_carry"]]
            best = max(best, sum(int(np.prod(v.aval.shape)) * v.aval.dtype.itemsize for v in carry
                                 if hasattr(v.aval, "shape")))
        for param in eqn.params.values():
            for sub in param if isinstance(param, (tuple, list)) else (param,):
                inner = getattr(sub, "jaxpr", sub)        # a ClosedJaxpr holds a Jaxpr
                if hasattr(inner, "eqns"):
                    best = max(best, _loop_state_bytes(inner))
    return best


def _part_size(per_thread: int, state_bytes: int) -> int:
    """Points per part when each thread runs ``per_thread`` points: as few parts as keep a part's loop state
    within :data:`PART_STATE_BYTES`, with the least padding among up to twice that many parts."""
    most = max(1, PART_STATE_BYTES // state_bytes) if state_bytes else per_thread
    fewest = -(-per_thread // most)
    k = min(range(fewest, 2 * fewest + 1), key=lambda k: (k * -(-per_thread // k), k))
    return -(-per_thread // k)


def run_batch(point, values: dict[str, np.ndarray], *, chunk_size: int = 64, dtype=None,
              progress: bool = True, description: str = "sweep") -> tuple[dict[str, np.ndarray], dict]:
    """Evaluate ``point`` at every parameter point as vmapped, jitted chunks.

    Args:
        point: ``dict[str, scalar] -> dict[str, array]``, pure JAX (traceable).
        values: {name: (n_points,) array}, all the same length.
        chunk_size: points per chunk (memory bound); lowered to the number of points when that
            is smaller, then rounded up to a multiple of the device count (or, on one CPU device,
            of the part size: equal parts, each one compiled call, run on threads).
        dtype: real dtype of the parameter values (default: JAX's default float).

    Returns:
        ({output: (n_points, …) numpy array}, info) where info has ``chunk_size``, ``n_chunks``,
        ``devices`` and ``compilations`` (distinct compiled shapes: 1 for any sweep whose points
        fit the same chunk).

    Raises:
        ParameterError: for empty or ragged ``values`` or ``chunk_size`` < 1.
    """
    lengths = {len(np.ravel(v)) for v in values.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise ParameterError(f"parameter 'values': need equally long, non-empty arrays, got lengths {lengths}")
    n = lengths.pop()
    if chunk_size < 1:
        raise ParameterError(f"parameter 'chunk_size' = {chunk_size} is out of range: allowed ≥ 1")
    mesh = device_mesh(("batch",))
    n_dev = mesh.devices.size
    # one CPU device: each chunk in equal parts on threads, each part's loop state within PART_STATE_BYTES
    # (elsewhere one part: the devices split it)
    threads = min(kernel_threads(), n) if n_dev == 1 and jax.default_backend() == "cpu" else 1
    chunk = min(int(chunk_size), n)
    dtype = dtype or jnp.result_type(float)
    sharding = NamedSharding(mesh, PartitionSpec("batch"))
    batched = _COMPILED.get(point)
    if batched is None:
        batched = _COMPILED[point] = jax.jit(jax.vmap(point))

    def part_of(v, start, size):
        return {k: jax.device_put(jnp.asarray(np.ravel(a)[start:start + size], dtype), sharding) for k, a in v.items()}

    if threads > 1:
        # trace (not compile) a part of one thread's share; a call of that shape reuses the trace
        per_thread = -(-chunk // threads)
        example = {k: np.resize(np.ravel(v), per_thread) for k, v in values.items()}
        trace = getattr(batched, "trace", None)           # a jax without jit(...).trace: trace it once more
        jaxpr = (trace(part_of(example, 0, per_thread)).jaxpr if trace is not None
                 else jax.make_jaxpr(jax.vmap(point))(part_of(example, 0, per_thread)))
        state = _loop_state_bytes(jaxpr.jaxpr)
        part_size = _part_size(per_thread, -(-state // per_thread))
        chunk = -(-chunk // part_size) * part_size
    else:
        chunk = part_size = -(-chunk // n_dev) * n_dev
    n_chunks = -(-n // chunk)
    padded = {k: np.concatenate([np.ravel(v), np.full(n_chunks * chunk - n, np.ravel(v)[-1])]) for k, v in values.items()}
    outputs = []

    def run_part(start):
        return jax.device_get(batched(part_of(padded, start, part_size)))

    with tqdm(total=n, unit="point", desc=description, disable=not progress) as bar:
        for c in range(n_chunks):
            starts = list(range(c * chunk, (c + 1) * chunk, part_size))
            parts = []
            if threads > 1 and batched._cache_size() == 0:   # compile once, before the threads call it
                parts, starts = [run_part(starts[0])], starts[1:]
            parts += list(thread_pool(threads).map(run_part, starts)) if threads > 1 else [run_part(s) for s in starts]
            outputs.append({k: np.concatenate([np.asarray(p[k]) for p in parts]) for k in parts[0]})
            bar.update(min(chunk, n - c * chunk))
    stacked = {k: np.concatenate([o[k] for o in outputs])[:n] for k in outputs[0]}
    info = {"chunk_size": chunk, "n_chunks": n_chunks, "devices": n_dev, "threads": threads, "part_size": part_size,
            "compilations": batched._cache_size()}
    return stacked, info
