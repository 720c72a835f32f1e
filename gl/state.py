"""State and parameter pytrees of the GL model.

``State`` holds the fields that evolve: the order parameter ψ on nodes and the link phases
a_x = ∫A_x dx, a_y = ∫A_y dy on links (dimensionless; the link variables are
U = exp(−i a)). ``Params`` holds the physical parameters as arrays, so they are traced and a
sweep over them does not recompile.
"""
from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from .errors import ParameterError, require_positive
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


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class Params:
    """Physical parameters (dimensionless GL units).

    Attributes:
        kappa: GL parameter κ = λ/ξ (> 0).
        applied_field: applied field H along z [B_c2].
        u: ratio of the ψ and current relaxation times (5.79 in the dirty limit,
            L. Kramer and R. J. Watts-Tobin, Phys. Rev. Lett. 40, 1041 (1978)).
        sigma: normal conductivity in units of 1/(μ0 λ² / t0) (1 with the time unit t0).
    """

    kappa: jax.Array
    applied_field: jax.Array
    u: jax.Array = 5.79
    sigma: jax.Array = 1.0


def make_params(kappa: float, applied_field: float = 0.0, u: float = 5.79, sigma: float = 1.0,
                dtype=None) -> Params:
    """Validated :class:`Params` as 0-d arrays of ``dtype`` (default: JAX's default float).

    Raises:
        ParameterError: if ``kappa``, ``u`` or ``sigma`` is not > 0, or the field is not finite.
    """
    require_positive("kappa", kappa)
    require_positive("u", u)
    require_positive("sigma", sigma)
    if not np.isfinite(applied_field):
        raise ParameterError(f"parameter 'applied_field' = {applied_field!r} is out of range: must be finite (B_c2 units)")
    f = lambda v: jnp.asarray(v, dtype or jnp.result_type(float))
    return Params(kappa=f(float(kappa)), applied_field=f(float(applied_field)), u=f(float(u)), sigma=f(float(sigma)))


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
