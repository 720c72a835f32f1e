"""Stationary states: the lowest eigenpairs of the lattice Hamiltonian (dense, for small lattices)."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from gl.errors import ParameterError
from gl.lattice import Lattice

from .hamiltonian import Potentials, dense_hamiltonian


def lowest_eigenpairs(pot: Potentials, lat: Lattice, k: int = 1):
    """The ``k`` lowest eigenvalues [E0] and eigenvectors of H (dense Hermitian diagonalization).

    Returns:
        (energies (k,), states (k, nx, ny)) with unit-norm states (Σ|Ψ|² = 1 over nodes).

    Raises:
        ParameterError: unless 1 ≤ k ≤ number of nodes in the mask, or the mask is too large for a
            dense matrix (> 12000 nodes; use :func:`schrodinger.dynamics.imaginary_time`).
    """
    H, index = dense_hamiltonian(pot, lat)
    n = len(index)
    if not 1 <= k <= n:
        raise ParameterError(f"parameter 'k' = {k} is out of range: allowed [1, {n}]")
    if n > 12000:
        raise ParameterError(f"lattice has {n} nodes: too many for a dense eigensolver (allowed ≤ 12000)")
    w, v = jnp.linalg.eigh(H)
    states = np.zeros((k, lat.shape[0] * lat.shape[1]), dtype=np.asarray(v).dtype)
    states[:, index] = np.asarray(v[:, :k]).T
    return np.asarray(w[:k]), states.reshape((k,) + tuple(lat.shape))
