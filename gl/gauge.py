"""Gauge fields on the lattice: applied vector potentials, link variables, plaquette fields,
flux, and gauge transformations.

Link phases are line integrals a = ∫A·dl along each link (A in ξ B_c2, lengths in ξ), the link
variable is U = exp(−i a) (docs/model.md, "Discretization"; Gropp et al., J. Comput. Phys. 123, 254 (1996), Eq. 3.2).
The flux through plaquette (i, j) is the counter-clockwise sum
Φ_p = a_x[i, j] + a_y[i+1, j] − a_x[i, j+1] − a_y[i, j], and B_z = Φ_p / (hx hy) in B_c2.
In these units one flux quantum is Φ0 = 2π. Since only U = exp(−i a) is physical, the plaquette
flux is taken modulo 2π in (−π, π] (a compact lattice gauge field): that is exact while
|B|·hx·hy < π, and it lets a magnetically periodic cell carry its 2πN twist at one corner.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .boundary import GAUGES, choose_gauge
from .errors import ParameterError
from .geometry import Grid
from .lattice import Lattice, fwd
from .state import State

def flux_quanta_in_cell(grid: Grid, applied_field) -> float:
    """Number of flux quanta H·Lx·Ly/2π through a periodic cell (Lx = nx·hx, Ly = ny·hy)."""
    return float(applied_field) * grid.nx * grid.hx * grid.ny * grid.hy / (2.0 * np.pi)


def applied_link_phases(grid: Grid, applied_field, gauge: str = "auto", dtype=None, check_quanta: bool = True):
    """Link phases of a uniform field H along z, exact for the linear vector potential.

    Args:
        grid: the lattice (coordinates centred on the origin, lengths in ξ).
        applied_field: H [B_c2], a scalar (may be a traced JAX value).
        gauge: ``"symmetric"`` A = H(−y, x)/2, ``"landau_x"`` A = (−Hy, 0),
            ``"landau_y"`` A = (0, Hx), ``"periodic"`` (magnetically periodic cell: A = (0, Hx)
            with x from the cell's left edge, and the twist a_x = −H·Lx·y on the x-links that
            wrap around; needs H·Lx·Ly = 2πN, see :func:`flux_quanta_in_cell`), or ``"auto"``.

    Returns:
        (ax, ay), each shape (nx, ny). Every plaquette then carries flux H·hx·hy (mod 2π).

    Raises:
        ParameterError: see :func:`choose_gauge`; for ``"periodic"`` also when the flux through
            the cell is not a whole number of flux quanta (checked for concrete H and
            ``check_quanta`` only).
    """
    gauge = choose_gauge(grid, gauge)
    dtype = dtype or jnp.result_type(float)
    X, Y = grid.nodes()
    H = jnp.asarray(applied_field, dtype)
    if gauge == "periodic":
        if check_quanta and not isinstance(applied_field, jax.core.Tracer):
            n = flux_quanta_in_cell(grid, applied_field)
            if abs(n - round(n)) > 1e-9 * max(1.0, abs(n)):
                raise ParameterError(f"parameter 'applied_field' = {float(applied_field):g}: a magnetically periodic "
                                     f"cell needs a whole number of flux quanta, H·Lx·Ly/2π = {n:.6g}")
        i, j = np.meshgrid(np.arange(grid.nx), np.arange(grid.ny), indexing="ij")
        ay = H * jnp.asarray(i * grid.hx, dtype) * grid.hy
        Lx = grid.nx * grid.hx
        ax = jnp.where(jnp.asarray(i == grid.nx - 1), -H * Lx * jnp.asarray(j * grid.hy, dtype), 0.0).astype(dtype)
        return ax, ay
    X = jnp.asarray(X, dtype)
    Y = jnp.asarray(Y, dtype)
    if gauge == "symmetric":
        return -0.5 * H * Y * grid.hx, 0.5 * H * X * grid.hy
    if gauge == "landau_x":
        return -H * Y * grid.hx, jnp.zeros_like(Y)
    return jnp.zeros_like(X), H * X * grid.hy


def unit_field_link_phases(grid: Grid, gauge: str = "auto", dtype=None):
    """Link phases of the unit uniform field (H = 1 B_c2) in ``gauge``, in their most compact shape.

    A uniform field's potential is linear, so each link array depends on one coordinate only in
    the symmetric and Landau gauges: returned as a (1, ny) row or an (nx, 1) column, or ``None``
    where it vanishes; the periodic gauge's twisted x-links are a full (nx, ny) array. Used for a
    time-dependent H(t): A(t) − A(t') = (H(t) − H(t'))·A_unit.

    Returns:
        (ax_unit, ay_unit), each ``None``, (1, ny), (nx, 1) or (nx, ny).
    """
    with jax.ensure_compile_time_eval():      # concrete even under jit: the grid is static
        full = applied_link_phases(grid, 1.0, gauge, dtype=dtype, check_quanta=False)

    def compact(a):
        a = np.asarray(a)
        if not np.any(a):
            return None
        if np.all(a == a[0:1, :]):
            a = a[0:1, :]
        elif np.all(a == a[:, 0:1]):
            a = a[:, 0:1]
        return jnp.asarray(a, dtype)

    return compact(full[0]), compact(full[1])


def unit_potential(lat, gauge: str = "auto"):
    """(a_x, a_y) of the unit uniform field (H = 1 B_c2) in ``gauge`` as full (nx, ny) arrays of the
    lattice's dtype (zeros where the potential vanishes); ``lat`` is a :class:`gl.lattice.Lattice`."""
    ax, ay = unit_field_link_phases(lat.grid, gauge, dtype=lat.site.dtype)
    full = lambda a: jnp.zeros(lat.shape, lat.site.dtype) if a is None else jnp.broadcast_to(a, lat.shape)
    return full(ax), full(ay)


def link_variables(ax, ay):
    """U_x = exp(−i a_x), U_y = exp(−i a_y), each (nx, ny) complex."""
    return jnp.exp(-1j * ax), jnp.exp(-1j * ay)


def plaquette_circulation(fx, fy):
    """Counter-clockwise sum fx[i,j] + fy[i+1,j] − fx[i,j+1] − fy[i,j] of link values round every plaquette."""
    return fx + fwd(fy, 0) - fwd(fx, 1) - fy


def plaquette_flux(ax, ay):
    """Counter-clockwise ∮A·dl around every plaquette modulo 2π, in (−π, π]; (nx, ny), not masked."""
    raw = plaquette_circulation(ax, ay)
    return raw - 2.0 * np.pi * jnp.round(raw / (2.0 * np.pi))


@jax.jit
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


__all__ = ["GAUGES", "choose_gauge", "applied_link_phases", "unit_field_link_phases", "link_variables", "plaquette_circulation", "plaquette_flux",
           "magnetic_field", "flux_through", "gauge_transform", "flux_quanta_in_cell"]
