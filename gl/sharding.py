"""Large grids and batches across devices with ``jax.sharding``.

A grid is split into slabs along x over a one-dimensional device mesh: every (nx, ny) array of a
:class:`~gl.state.State` and :class:`~gl.lattice.Lattice` gets ``PartitionSpec("x", None)``. The
step functions are the ordinary jitted ones (:func:`gl.tdgl.run_steps`,
:func:`gl.minimize.minimize`): XLA's SPMD partitioner follows the input shardings and inserts the
halo exchange (collective permutes for the neighbour shifts) and the reductions (energy, norms)
itself, so the sharded run computes the same numbers as the single-device one up to the order of
floating-point sums. Batches of parameter points are split along their batch axis the same way
(:func:`gl.batch.run_batch`).

Across hosts the same code runs under ``jax.distributed``: call :func:`initialize_distributed`
(or ``jax.distributed.initialize``) first in every process; ``jax.devices()`` then lists the
devices of all processes and :func:`device_mesh` spans them. See README, "Running on several
devices".
"""
from __future__ import annotations

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from .errors import ParameterError


def device_mesh(axis_names: tuple[str, ...] = ("x",), devices=None) -> Mesh:
    """A one-dimensional mesh over ``devices`` (default: every visible device, all processes)."""
    devs = np.asarray(devices if devices is not None else jax.devices())
    return Mesh(devs.reshape(-1), axis_names[:1])


def grid_sharding(mesh: Mesh | None = None) -> NamedSharding:
    """Sharding of an (nx, ny) array into x-slabs over the mesh's first axis."""
    mesh = mesh or device_mesh()
    return NamedSharding(mesh, PartitionSpec(mesh.axis_names[0], None))


def shard_grid(tree, mesh: Mesh | None = None):
    """Place every 2-D array leaf of ``tree`` (State, Lattice, …) in x-slabs over the mesh; others replicated.

    Raises:
        ParameterError: if a grid's nx is not a multiple of the number of devices.
    """
    mesh = mesh or device_mesh()
    n_dev = mesh.devices.size
    split = grid_sharding(mesh)
    whole = NamedSharding(mesh, PartitionSpec())

    def put(leaf):
        if getattr(leaf, "ndim", 0) == 2:
            if leaf.shape[0] % n_dev:
                raise ParameterError(f"parameter 'nx' = {leaf.shape[0]}: a grid sharded over {n_dev} devices needs "
                                     f"nx divisible by {n_dev}")
            return jax.device_put(leaf, split)
        return jax.device_put(leaf, whole) if hasattr(leaf, "shape") else leaf

    return jax.tree_util.tree_map(put, tree)


def replicated(x):
    """``x`` constrained to be whole on every device (identity with one device).

    Used before FFTs: XLA's CPU FFT refuses slab-sharded operands (a layout RET_CHECK in
    fft_thunk.cc), so the thin-film convolution gathers its padded input first; on GPU the
    gather is a plain all-gather of the (2nx, 2ny) buffer."""
    if jax.device_count() == 1:
        return x
    return jax.lax.with_sharding_constraint(x, NamedSharding(device_mesh(), PartitionSpec()))


def initialize_distributed(coordinator_address: str, num_processes: int, process_id: int, **kw) -> None:
    """Join a multi-host (or multi-process) run: a thin wrapper of ``jax.distributed.initialize``.

    Must be called before any other JAX call in every process. On CPU, cross-process collectives
    use gloo (``jax_cpu_collectives_implementation``), set here.
    """
    try:
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    except AttributeError:  # pragma: no cover - option absent in this JAX
        pass
    jax.distributed.initialize(coordinator_address=coordinator_address, num_processes=num_processes,
                               process_id=process_id, **kw)
