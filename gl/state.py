"""The state pytree of the GL model.

``State`` holds the fields that evolve: the order parameter ψ on nodes and the link phases
a_x = ∫A_x dx, a_y = ∫A_y dy on links (dimensionless; the link variables are
U = exp(−i a)). What is simulated (κ, ε(r), H(t), T(t), …) is the :class:`gl.model.Model`.
"""
from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from .lattice import Lattice


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class State:
    """GL fields on the lattice.

    Attributes:
        psi: (nx, ny) complex order parameter in units of ψ∞ (0 off the material).
        ax: (nx, ny) real x-link phases ∫A·dl (A in ξ B_c2, length in ξ).
        ay: (nx, ny) real y-link phases.
    """

    psi: jax.Array
    ax: jax.Array
    ay: jax.Array

    def replace(self, **kw) -> "State":
        return dataclasses.replace(self, **kw)


def complex_dtype(real_dtype=None):
    """The complex dtype matching ``real_dtype`` (default: JAX's default float)."""
    return jnp.result_type(real_dtype or jnp.result_type(float), jnp.complex64)


def uniform_state(lat: Lattice, ax, ay, value: complex = 1.0) -> State:
    """ψ = ``value`` on the material (0 elsewhere) with the given link phases."""
    psi = jnp.asarray(value, complex_dtype(lat.site.dtype)) * lat.site
    return State(psi=psi, ax=jnp.asarray(ax, lat.site.dtype), ay=jnp.asarray(ay, lat.site.dtype))


def random_state(lat: Lattice, ax, ay, key, amplitude: float = 0.1) -> State:
    """Small random ψ (a quench from the normal state), |ψ| ≲ ``amplitude``, with given link phases."""
    kr, ki = jax.random.split(key)
    dt = lat.site.dtype
    psi = amplitude * (jax.random.normal(kr, lat.shape, dt) + 1j * jax.random.normal(ki, lat.shape, dt)) / np.sqrt(2)
    return State(psi=(psi * lat.site).astype(complex_dtype(dt)), ax=jnp.asarray(ax, dt), ay=jnp.asarray(ay, dt))
