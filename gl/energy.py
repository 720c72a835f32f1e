"""The discrete, gauge-invariant Ginzburg–Landau free energy.

Continuum form (docs/model.md; Tinkham, *Introduction to Superconductivity*, 2nd ed., Eq. 4.1
in reduced units), per unit volume in units of B_c²/μ0:

    f = −ε(r, t)|ψ|² + ½|ψ|⁴ + |(∇ − iA)ψ|² + κ²(∇×A − H(t))²,

lengths in ξ, fields in B_c2; the condensation term is :func:`gl.model.condensation_density`. On the lattice the gradient term becomes
Σ_links |U ψ_j − ψ_i|²/h² (Gropp et al., J. Comput. Phys. 123, 254 (1996), Eq. 3.7) and the
field term runs over every plaquette of the box, vacuum included, so F is the Gibbs free energy
G(H) of the 2D (infinite-cylinder) model. With half edge cells (:attr:`gl.geometry.Grid.edge_cells`)
the node terms count with their cell fractions and the links with their dual-face fractions. With
A frozen at the applied potential B = H and the field term vanishes (the thin-film limit without
screening); a :data:`~gl.model.PEARL` film's field term is the magnetic energy ∫K·A_K of its
sheet current (:mod:`gl.screening`, Eq. 2).
"""
from __future__ import annotations

import jax.numpy as jnp

from .boundary import field_excess, link_weights, node_weights
from .gauge import magnetic_field
from .lattice import Lattice
from .model import Model, condensation_density
from .lattice import fwd
from .screening import film_kernel, induced_link_phases, magnetic_energy, sheet_current_of
from .state import State


def link_factors(ax, ay):
    """(Re U_x, Im U_x, Re U_y, Im U_y) of the link variables U = exp(−i a), each (nx, ny) real.

    The kinetic term needs only these; a minimizer with A frozen computes them once
    (``free_energy_terms(..., links=)``) instead of at every evaluation."""
    return jnp.cos(ax), -jnp.sin(ax), jnp.cos(ay), -jnp.sin(ay)


def kinetic_sum(re, im, links, lat: Lattice):
    """Σ over the material's links of |U ψ_j − ψ_i|²/h² (Gropp et al., Eq. 3.7), in real arithmetic.

    Args:
        re, im: Re ψ and Im ψ on the nodes, (nx, ny), zero off the material.
        links: :func:`link_factors` of the link phases.
    Returns:
        The sum (scalar, per ξ² of area: multiply by hx·hy for the energy). With half edge cells
        each link counts with the fraction of its dual face (:func:`gl.boundary.link_weights`).
    """
    faces = link_weights(lat.grid, re.dtype) or (None, None)
    total = 0.0
    for axis, h, mask, (ur, ui), face in ((0, lat.hx, lat.link_x, links[:2], faces[0]),
                                          (1, lat.hy, lat.link_y, links[2:], faces[1])):
        rn, in_ = fwd(re, axis), fwd(im, axis)
        dr = mask * (ur * rn - ui * in_ - re)
        di = mask * (ur * in_ + ui * rn - im)
        squares = dr * dr + di * di
        total = total + jnp.sum(squares if face is None else face * squares) / h ** 2
    return total


def free_energy_terms(state: State, model: Model, lat: Lattice, t=0.0, links=None) -> dict:
    """Condensation, kinetic and field parts of the free energy at time ``t`` [t0] (scalars).

    Units: (B_c²/μ0) ξ² d, i.e. the area integral of f in ξ² (per film thickness d, or per
    unit length of a cylinder). ``t`` enters through ε(r, t) and H(t). ``links``: the state's
    :func:`link_factors`, when the caller has them (A frozen); computed from the state otherwise.
    """
    area = lat.hx * lat.hy
    re, im = jnp.real(state.psi) * lat.site, jnp.imag(state.psi) * lat.site
    n = re * re + im * im
    weights = node_weights(lat.grid, lat.site.dtype)
    cells = lat.site if weights is None else lat.site * weights
    condensation = area * jnp.sum(cells * condensation_density(n, model.condensation_coefficient(t)))
    links = link_factors(state.ax, state.ay) if links is None else links
    kinetic = area * kinetic_sum(re, im, links, lat)
    if model.screened_film:
        field = film_field_energy(state, model, lat, t)
    else:
        b = field_excess(magnetic_field(state, lat), model.field(t), lat.plaquette)
        field = model.kappa ** 2 * area * jnp.sum(b * b)
    return {"condensation": condensation, "kinetic": kinetic, "field": field}


def film_field_energy(state: State, model: Model, lat: Lattice, t=0.0, kernel=None):
    """Magnetic energy ∫K·A_K d²r of a :data:`~gl.model.PEARL` film's sheet current (gl/screening.py,
    Eq. 2), with K solved from the state's induced potential A_K = A − H(t)·A_unit on the film."""
    kernel = film_kernel(model, lat) if kernel is None else kernel
    ix, iy = induced_link_phases(state, model, lat, t)
    kx, ky = sheet_current_of(ix, iy, kernel, lat)
    return magnetic_energy(kx, ky, ix, iy, lat)


def free_energy(state: State, model: Model, lat: Lattice, t=0.0) -> jnp.ndarray:
    """Total discrete GL free energy F [(B_c²/μ0) ξ² d] at time ``t``; differentiable in state and model."""
    terms = free_energy_terms(state, model, lat, t)
    return terms["condensation"] + terms["kinetic"] + terms["field"]
