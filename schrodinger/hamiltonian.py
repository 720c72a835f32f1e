"""The lattice Hamiltonian of a charged particle in vector and scalar potentials.

    H Ψ = (1/2m)(−iħ∇ − qA)²Ψ + qφΨ

discretized on the lattice of :mod:`gl` with the Peierls substitution: the kinetic term is
−(ħ²/2m) times the gauge-covariant Laplacian of :func:`gl.operators.covariant_laplacian`, with
link phases (q/ħ)∫A·dl (R. Peierls, Z. Phys. 80, 763 (1933); the same link variables as the GL
model, so both share one gauge-invariant discretization). Dimensionless units (ħ = m = |q| = 1,
see :mod:`schrodinger.units`): H = −½ D² + V, with V = qφ on nodes. Links leaving the mask are
omitted, so no probability current crosses the boundary; H is Hermitian.
"""
from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp

from gl.lattice import Lattice
from gl.operators import covariant_laplacian


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class Potentials:
    """Potentials on the lattice (dimensionless).

    Attributes:
        ax, ay: (nx, ny) link phases (q/ħ)∫A·dl on x- and y-links.
        V: (nx, ny) potential energy qφ on nodes [E0].
    """

    ax: jax.Array
    ay: jax.Array
    V: jax.Array


def apply_hamiltonian(psi, pot: Potentials, lat: Lattice):
    """H Ψ for Ψ of shape (nx, ny) (complex); zero off the mask."""
    return lat.site * (-0.5 * covariant_laplacian(psi, pot.ax, pot.ay, lat) + pot.V * psi)


def dense_hamiltonian(pot: Potentials, lat: Lattice):
    """The Hermitian matrix of H on the superconducting/occupied nodes.

    Returns:
        (H, index): H of shape (N, N) complex with N the number of nodes in the mask, and the
        flat node indices (into nx·ny) of its rows.
    """
    import numpy as np

    index = np.flatnonzero(np.asarray(lat.site).ravel() > 0)
    cdt = jnp.result_type(pot.ax.dtype, jnp.complex64)

    def column(k):
        e = jnp.zeros(lat.shape[0] * lat.shape[1], cdt).at[k].set(1.0).reshape(lat.shape)
        return apply_hamiltonian(e, pot, lat).ravel()[index]

    cols = jax.vmap(column)(jnp.asarray(index))
    return cols.T, index
