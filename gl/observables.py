"""Observables: density, phase, supercurrent, field, vortices, fluxoid, magnetization.

Windings are computed from gauge-invariant link phases θ_ij = arg(ψ_i* U_ij ψ_j) ∈ (−π, π]:
around any closed lattice contour Σ(θ + a)/2π is an integer to round-off — the fluxoid in units
of Φ0 (F. London, *Superfluids* I (1950); lattice form: Kato, Enomoto and Maekawa, Phys. Rev. B
44, 6916 (1991); Gropp et al. 1996). On one plaquette it is the vorticity.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .boundary import link_weights
from .errors import ParameterError, require_positive
from .gauge import link_variables, magnetic_field, plaquette_circulation, plaquette_flux
from .lattice import Lattice, bwd, fwd
from .operators import supercurrent
from .state import State

TWO_PI = 2.0 * np.pi


def _require_shape(state: State, lat: Lattice) -> None:
    """Raise a :class:`ParameterError` unless ψ, a_x and a_y have the lattice's shape (static shapes: traceable)."""
    bad = {k: tuple(getattr(state, k).shape) for k in ("psi", "ax", "ay") if tuple(getattr(state, k).shape) != lat.shape}
    if bad:
        raise ParameterError(f"parameter 'state' does not fit the lattice: {bad} but the lattice is {lat.shape}")


@jax.jit
def density(state: State) -> jnp.ndarray:
    """Superfluid density |ψ|², (nx, ny), units of ψ∞²."""
    return jnp.abs(state.psi) ** 2


@jax.jit
def phase(state: State) -> jnp.ndarray:
    """Phase arg ψ ∈ (−π, π], (nx, ny) (gauge dependent; for plots)."""
    return jnp.angle(state.psi)


def link_phase_differences(state: State):
    """Gauge-invariant θ_x = arg(ψ_i* U_x ψ_{i+1}) and θ_y on links, each (nx, ny), in (−π, π]."""
    ux, uy = link_variables(state.ax, state.ay)
    tx = jnp.angle(jnp.conj(state.psi) * ux * fwd(state.psi, 0))
    ty = jnp.angle(jnp.conj(state.psi) * uy * fwd(state.psi, 1))
    return tx, ty


@jax.jit
def vorticity(state: State, lat: Lattice) -> jnp.ndarray:
    """Winding number of every plaquette, (nx, ny) integer-valued floats.

    Counts only plaquettes whose four links lie in the material; elsewhere 0.
    """
    tx, ty = link_phase_differences(state)
    circ = plaquette_circulation(tx, ty) + plaquette_flux(state.ax, state.ay)
    inside = lat.link_x * fwd(lat.link_x, 1) * lat.link_y * fwd(lat.link_y, 0)
    return jnp.round(circ / TWO_PI) * inside


def vortex_counts(state: State, lat: Lattice):
    """(vortices, antivortices): positive and negative plaquette windings, counted with multiplicity.

    Traceable (for batched sweeps); :func:`vortices` gives the same numbers with positions."""
    w = vorticity(state, lat)
    return jnp.sum(jnp.where(w > 0, w, 0.0)), jnp.sum(jnp.where(w < 0, -w, 0.0))


def vortices(state: State, lat: Lattice) -> dict:
    """Vortex positions and signs from plaquette windings.

    Returns:
        dict with ``x``, ``y`` (positions of plaquette centres [ξ], shape (N,)), ``charge``
        (winding ±1, ±2, …, shape (N,)), ``n_vortices`` (plaquettes with positive winding,
        counted with multiplicity), ``n_antivortices`` and ``net`` (total winding).
    """
    _require_shape(state, lat)
    w = np.asarray(vorticity(state, lat))
    Xc, Yc = lat.grid.plaquette_centres()
    idx = np.nonzero(w)
    q = w[idx].astype(int)
    return {"x": Xc[idx], "y": Yc[idx], "charge": q,
            "n_vortices": int(q[q > 0].sum()), "n_antivortices": int(-q[q < 0].sum()), "net": int(q.sum())}


def fluxoid(state: State, lat: Lattice, region_plaquettes) -> dict:
    """Fluxoid around the boundary of a set of plaquettes, counter-clockwise, in units of Φ0.

    The contour is the lattice boundary of ``region_plaquettes`` (a boolean (nx, ny) mask; build
    one with :func:`gl.lattice.plaquette_region`). It may enclose holes and vacuum, but every link
    of the contour must lie in the material.

    Returns:
        dict with ``fluxoid`` (flux + supercurrent term, an integer to round-off),
        ``flux`` (enclosed magnetic flux Φ/Φ0) and ``supercurrent_term`` ((1/2π)∮(∇θ − A)·dl).

    Raises:
        ParameterError: if the region is empty or its contour leaves the material.
    """
    r = jnp.asarray(region_plaquettes, dtype=state.ax.dtype)
    if not np.any(np.asarray(region_plaquettes)):
        raise ParameterError("parameter 'region_plaquettes' is empty: the contour must enclose ≥ 1 plaquette")
    # oriented boundary coefficients: x-link (i,j) is the bottom edge of plaquette (i,j) (+) and
    # the top edge of plaquette (i,j-1) (−); y-link (i,j) is the right edge of (i-1,j) (+) and
    # the left edge of (i,j) (−).
    cx = r - bwd(r, 1)
    cy = bwd(r, 0) - r
    on_contour_x, on_contour_y = np.asarray(cx) != 0, np.asarray(cy) != 0
    if np.any(on_contour_x & (np.asarray(lat.link_x) == 0)) or np.any(on_contour_y & (np.asarray(lat.link_y) == 0)):
        raise ParameterError("parameter 'region_plaquettes': its boundary contour leaves the superconductor; "
                             "choose a region whose edge runs through the material")
    tx, ty = link_phase_differences(state)
    current_term = jnp.sum(cx * tx) + jnp.sum(cy * ty)
    # Σ over the region of plaquette fluxes (mod 2π each) = Σ a along the contour, up to 2π·integer
    flux = jnp.sum(r * plaquette_flux(state.ax, state.ay))
    return {"fluxoid": float((current_term + flux) / TWO_PI), "flux": float(flux / TWO_PI),
            "supercurrent_term": float(current_term / TWO_PI)}


@jax.jit
def current_on_nodes(state: State, lat: Lattice):
    """Supercurrent (Jx, Jy) averaged from links onto nodes, each (nx, ny) [J0] (for plots)."""
    jx, jy = supercurrent(state, lat)
    return 0.5 * (jx + bwd(jx, 0)), 0.5 * (jy + bwd(jy, 1))


@jax.jit
def magnetic_moment(state: State, lat: Lattice, spacing=None) -> jnp.ndarray:
    """Magnetic moment of the supercurrents, m_z = ½ Σ (r × J)_z hx hy [J0 ξ³ per unit thickness].

    Positions are link midpoints relative to the grid centre. ``spacing`` = (hx, hy) [ξ], which
    may be traced, replaces the grid's static spacing (a sweep over spacing shares one lattice).
    """
    hx, hy = (lat.hx, lat.hy) if spacing is None else spacing
    jx, jy = supercurrent(state, lat, (hx, hy))
    X, Y = lat.grid.nodes()
    # a y-link's midpoint has the x of its nodes; an x-link's midpoint has the y of its nodes
    x, y = jnp.asarray(X / lat.hx) * hx, jnp.asarray(Y / lat.hy) * hy
    faces = link_weights(lat.grid, jx.dtype)
    if faces is not None:                       # a link along an open edge stands for half a cell
        jx, jy = jx * faces[0], jy * faces[1]
    return 0.5 * hx * hy * jnp.sum(x * jy - y * jx)


def magnetization(state: State, lat: Lattice, kappa, spacing=None) -> jnp.ndarray:
    """Magnetization M = m_z / (κ² S) [B_c2] averaged over the superconducting area S.

    In reduced units the static Ampère law is κ²∇×B = J, so the field of the currents integrates
    to ∫(B − H) dA = m_z/κ²; M is negative (diamagnetic) in the Meissner state. ``spacing`` as in
    :func:`magnetic_moment`.

    Raises:
        ParameterError: for κ ≤ 0 or not finite (a traced κ is not checked), or a state whose
            arrays do not have the lattice's shape.
    """
    require_positive("kappa", kappa)
    _require_shape(state, lat)
    hx, hy = (lat.hx, lat.hy) if spacing is None else spacing
    wx, wy = lat.grid.cell_weights()
    area = jnp.sum(lat.site * np.outer(wx, wy)) * hx * hy
    return magnetic_moment(state, lat, spacing) / (kappa ** 2 * area)


def mean_field(state: State, lat: Lattice) -> jnp.ndarray:
    """Mean B_z over the plaquettes of the box [B_c2]."""
    return jnp.sum(magnetic_field(state, lat)) / jnp.sum(lat.plaquette)


def periodic_winding(state: State, lat: Lattice, axis: int = 0, index: int = 0) -> dict:
    """Fluxoid along a non-contractible loop of a periodic lattice, in units of Φ0.

    The loop is the full line of ``axis``-links at ``index`` of the other axis (e.g. ``axis=0,
    index=j`` runs along x at row j). On a ring modelled as a periodic chain this is the fluxoid
    of the hole; on a periodic cell it is the phase winding across the cell.

    Returns:
        dict with ``fluxoid`` (integer to round-off), ``flux`` ((1/2π)Σa along the loop) and
        ``supercurrent_term``.

    Raises:
        ParameterError: if the axis is not periodic or the loop leaves the material.
    """
    periodic = lat.grid.periodic_x if axis == 0 else lat.grid.periodic_y
    if not periodic:
        raise ParameterError(f"parameter 'axis' = {axis}: the lattice is not periodic along it")
    tx, ty = link_phase_differences(state)
    theta, a, links = (tx, state.ax, lat.link_x) if axis == 0 else (ty, state.ay, lat.link_y)
    take = (lambda f: f[:, index]) if axis == 0 else (lambda f: f[index, :])
    if np.any(np.asarray(take(links)) == 0):
        raise ParameterError(f"parameter 'index' = {index}: the loop leaves the superconductor")
    current_term, flux = jnp.sum(take(theta)), jnp.sum(take(a))
    return {"fluxoid": float((current_term + flux) / TWO_PI), "flux": float(flux / TWO_PI),
            "supercurrent_term": float(current_term / TWO_PI)}


def bond_orientational_order(x, y, box: tuple[float, float] | None = None, neighbours: int = 6,
                             subset=None) -> dict:
    """Sixfold bond-orientational order of points (vortex positions) [ξ], shape (N,) each.

    ψ6 = (1/N) Σ_k |(1/6) Σ_j e^{6iθ_kj}| over each point's six nearest neighbours (periodic images
    included when ``box = (Lx, Ly)``); 1 for a perfect triangular lattice, ≈ 0 for a square one
    (D. R. Nelson and B. I. Halperin, Phys. Rev. B 19, 2457 (1979)).

    ``subset`` (boolean, shape (N,)) restricts the average to some points (e.g. away from a
    sample's edges); their neighbours are still sought among all points.

    Returns:
        dict with ``psi6`` (mean local modulus), ``psi6_global`` (modulus of the mean), the mean
        nearest-neighbour distance ``a`` [ξ] and ``count`` (points averaged).

    Raises:
        ParameterError: if there are fewer points than ``neighbours`` + 1 (without a box).
    """
    pts = np.stack([np.asarray(x, float), np.asarray(y, float)], axis=1)
    if box is None and len(pts) <= neighbours:
        raise ParameterError(f"bond_orientational_order needs > {neighbours} points, got {len(pts)}")
    if len(pts) == 0:
        raise ParameterError("bond_orientational_order needs at least one point")
    images = pts
    if box is not None:
        shifts = [(i * box[0], j * box[1]) for i in (-1, 0, 1) for j in (-1, 0, 1)]
        images = np.concatenate([pts + np.asarray(s) for s in shifts])
    local, dists = [], []
    chosen = pts if subset is None else pts[np.asarray(subset, bool)]
    if len(chosen) == 0:
        raise ParameterError("parameter 'subset' selects no point")
    for p in chosen:
        d = images - p
        r = np.hypot(d[:, 0], d[:, 1])
        order = np.argsort(r)[1:neighbours + 1]
        theta = np.arctan2(d[order, 1], d[order, 0])
        local.append(np.mean(np.exp(6j * theta)))
        dists.append(r[order].mean())
    local = np.asarray(local)
    return {"psi6": float(np.mean(np.abs(local))), "psi6_global": float(np.abs(local.mean())),
            "a": float(np.mean(dists)), "count": len(chosen)}
