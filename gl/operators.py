"""Gauge-covariant finite-difference operators on the lattice.

All follow from the link-variable discretization of (∇ − iA) (Gropp et al., J. Comput. Phys.
123, 254 (1996), Eqs. 3.3–3.6): the covariant difference on link i→i+1 is U_x ψ_{i+1} − ψ_i,
its discrete divergence gives the covariant Laplacian, and Im[ψ_i* U ψ_{i+1}]/h is the
supercurrent Im[ψ*(∇ − iA)ψ] on the link. Links outside the material are masked, which imposes
zero normal supercurrent at the superconductor's edge.
"""
from __future__ import annotations

import jax.numpy as jnp

from .boundary import axis_scales, field_excess
from .gauge import link_variables, magnetic_field
from .lattice import Lattice, bwd, fwd
from .state import State


def covariant_differences(psi, ax, ay, lat: Lattice):
    """Masked link differences D_x = U_x ψ_{i+1} − ψ_i and D_y (not divided by h), (nx, ny) each."""
    ux, uy = link_variables(ax, ay)
    dx = lat.link_x * (ux * fwd(psi, 0) - psi)
    dy = lat.link_y * (uy * fwd(psi, 1) - psi)
    return dx, dy, ux, uy


def covariant_laplacian(psi, ax, ay, lat: Lattice):
    """(∇ − iA)²ψ on nodes, (nx, ny) complex, with zero normal derivative at material edges.

    The finite-volume form: the link fluxes through each node's cell faces over its cell area,
    so with half edge cells (:attr:`gl.geometry.Grid.edge_cells`) the x and y parts are scaled
    by 1/w_x[i] and 1/w_y[j] (:func:`gl.boundary.axis_scales`)."""
    dx, dy, ux, uy = covariant_differences(psi, ax, ay, lat)
    lap_x = (dx - jnp.conj(bwd(ux, 0)) * bwd(dx, 0)) / lat.hx ** 2
    lap_y = (dy - jnp.conj(bwd(uy, 1)) * bwd(dy, 1)) / lat.hy ** 2
    scales = axis_scales(lat.grid, lat.site.dtype)
    if scales is None:
        return lap_x + lap_y
    return lap_x * scales[0] + lap_y * scales[1]


def supercurrent(state: State, lat: Lattice, spacing=None):
    """Supercurrent density J_s = Im[ψ*(∇ − iA)ψ] on links [J0].

    ``spacing`` = (hx, hy) [ξ], which may be traced, replaces the grid's static spacing.

    Returns:
        (Jx, Jy): Jx[i, j] on the x-link (i, j)→(i+1, j), Jy on the y-link (i, j)→(i, j+1);
        shape (nx, ny) each, 0 on links outside the material.
    """
    hx, hy = (lat.hx, lat.hy) if spacing is None else spacing
    dx, dy, _, _ = covariant_differences(state.psi, state.ax, state.ay, lat)
    return jnp.imag(jnp.conj(state.psi) * dx) / hx, jnp.imag(jnp.conj(state.psi) * dy) / hy


def curl_field(state: State, applied_field, lat: Lattice):
    """∇×(B − H) on links, (nx, ny) each: (∂_y B, −∂_x B) from plaquette differences.

    A plaquette outside the computational box counts as B = H (:func:`gl.boundary.field_excess`),
    so the applied field ``applied_field`` [B_c2] enters through the boundary of the box.
    """
    b = field_excess(magnetic_field(state, lat), applied_field, lat.plaquette)
    return (b - bwd(b, 1)) / lat.hy, -(b - bwd(b, 0)) / lat.hx
