"""Gauge fields on the lattice: applied vector potentials, link variables, plaquette fields,
flux, and gauge transformations.

Link phases are line integrals a = ∫A·dl along each link (A in ξ B_c2, lengths in ξ), the link
variable is U = exp(−i a) (DESIGN.md; Gropp et al., J. Comput. Phys. 123, 254 (1996), Eq. 3.2).
The flux through plaquette (i, j) is the counter-clockwise sum
Φ_p = a_x[i, j] + a_y[i+1, j] − a_x[i, j+1] − a_y[i, j], and B_z = Φ_p / (hx hy) in B_c2.
In these units one flux quantum is Φ0 = 2π.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .errors import ParameterError
from .geometry import Grid
from .lattice import Lattice, fwd
from .state import State

GAUGES = ("symmetric", "landau_x", "landau_y")


def choose_gauge(grid: Grid, gauge: str = "auto") -> str:
    """The gauge for a uniform field on ``grid``: one whose A is periodic along periodic axes.

    Raises:
        ParameterError: for an unknown gauge, or one incompatible with the periodic axes.
    """
    if gauge == "auto":
        if grid.periodic_x and grid.periodic_y:
            raise ParameterError("parameter 'gauge': a uniform field on a grid periodic in x and y needs "
                                 "magnetically periodic boundaries, which this grid does not have")
        return "landau_x" if grid.periodic_x else "landau_y" if grid.periodic_y else "symmetric"
    if gauge not in GAUGES:
        raise ParameterError(f"parameter 'gauge' = {gauge!r} is unknown: allowed {('auto',) + GAUGES}")
    if (grid.periodic_x and gauge != "landau_x") or (grid.periodic_y and gauge != "landau_y"):
        raise ParameterError(f"parameter 'gauge' = {gauge!r} is not periodic along the grid's periodic axis: "
                             "use 'landau_x' for periodic x, 'landau_y' for periodic y")
    return gauge


def applied_link_phases(grid: Grid, applied_field, gauge: str = "auto", dtype=None):
    """Link phases of a uniform field H along z, exact for the linear vector potential.

    Args:
        grid: the lattice (coordinates centred on the origin, lengths in ξ).
        applied_field: H [B_c2], a scalar (may be a traced JAX value).
        gauge: ``"symmetric"`` A = H(−y, x)/2, ``"landau_x"`` A = (−Hy, 0),
            ``"landau_y"`` A = (0, Hx), or ``"auto"``.

    Returns:
        (ax, ay), each shape (nx, ny). Every plaquette then carries flux H·hx·hy.

    Raises:
        ParameterError: see :func:`choose_gauge`.
    """
    gauge = choose_gauge(grid, gauge)
    dtype = dtype or jnp.result_type(float)
    X, Y = grid.nodes()
    X = jnp.asarray(X, dtype)
    Y = jnp.asarray(Y, dtype)
    H = jnp.asarray(applied_field, dtype)
    if gauge == "symmetric":
        return -0.5 * H * Y * grid.hx, 0.5 * H * X * grid.hy
    if gauge == "landau_x":
        return -H * Y * grid.hx, jnp.zeros_like(Y)
    return jnp.zeros_like(X), H * X * grid.hy


def link_variables(ax, ay):
    """U_x = exp(−i a_x), U_y = exp(−i a_y), each (nx, ny) complex."""
    return jnp.exp(-1j * ax), jnp.exp(-1j * ay)


def plaquette_flux(ax, ay):
    """Counter-clockwise line integral ∮A·dl around every plaquette, (nx, ny) (not masked)."""
    return ax + fwd(ay, 0) - fwd(ax, 1) - ay


def magnetic_field(state: State, lat: Lattice):
    """B_z on plaquettes [B_c2], (nx, ny); 0 on plaquettes outside the computational box."""
    return plaquette_flux(state.ax, state.ay) / (lat.hx * lat.hy) * lat.plaquette


def flux_through(state: State, region_plaquettes) -> jnp.ndarray:
    """Magnetic flux Φ/Φ0 through a set of plaquettes (boolean (nx, ny) mask)."""
    return jnp.sum(plaquette_flux(state.ax, state.ay) * jnp.asarray(region_plaquettes)) / (2.0 * np.pi)


def gauge_transform(state: State, chi) -> State:
    """Apply ψ → ψ e^{iχ}, A → A + ∇χ, i.e. a_ij → a_ij + χ_j − χ_i.

    Args:
        chi: (nx, ny) real gauge function on nodes (dimensionless phase).
    """
    chi = jnp.asarray(chi, state.ax.dtype)
    return State(psi=state.psi * jnp.exp(1j * chi),
                 ax=state.ax + fwd(chi, 0) - chi,
                 ay=state.ay + fwd(chi, 1) - chi)


__all__ = ["GAUGES", "choose_gauge", "applied_link_phases", "link_variables", "plaquette_flux",
           "magnetic_field", "flux_through", "gauge_transform"]
