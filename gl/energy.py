"""The discrete, gauge-invariant Ginzburg–Landau free energy.

Continuum form (DESIGN.md; Tinkham, *Introduction to Superconductivity*, Eq. 4.1 in reduced
units), per unit volume in units of B_c²/μ0:

    f = −|ψ|² + ½|ψ|⁴ + |(∇ − iA)ψ|² + κ²(∇×A − H)²,

lengths in ξ, fields in B_c2. On the lattice the gradient term becomes
Σ_links |U ψ_j − ψ_i|²/h² (Gropp et al., J. Comput. Phys. 123, 254 (1996), Eq. 3.7) and the
field term runs over every plaquette of the box, vacuum included, so F is the Gibbs free energy
G(H) of the 2D (infinite-cylinder) model. With A frozen at the applied potential B = H and the
field term vanishes (the thin-film limit).
"""
from __future__ import annotations

import jax.numpy as jnp

from .gauge import magnetic_field
from .lattice import Lattice
from .operators import covariant_differences
from .state import Params, State


def free_energy_terms(state: State, params: Params, lat: Lattice) -> dict:
    """Condensation, kinetic and field parts of the free energy (scalars).

    Units: (B_c²/μ0) ξ² d, i.e. the area integral of f in ξ² (per film thickness d, or per
    unit length of a cylinder).
    """
    area = lat.hx * lat.hy
    psi = state.psi * lat.site
    n = jnp.real(psi * jnp.conj(psi))
    dx, dy, _, _ = covariant_differences(psi, state.ax, state.ay, lat)
    condensation = area * jnp.sum(lat.site * (-n + 0.5 * n * n))
    kinetic = area * jnp.sum(jnp.abs(dx) ** 2 / lat.hx ** 2 + jnp.abs(dy) ** 2 / lat.hy ** 2)
    b = magnetic_field(state, lat) - params.applied_field
    field = params.kappa ** 2 * area * jnp.sum(lat.plaquette * b * b)
    return {"condensation": condensation, "kinetic": kinetic, "field": field}


def free_energy(state: State, params: Params, lat: Lattice) -> jnp.ndarray:
    """Total discrete GL free energy F [(B_c²/μ0) ξ² d]; differentiable in state and params."""
    t = free_energy_terms(state, params, lat)
    return t["condensation"] + t["kinetic"] + t["field"]
