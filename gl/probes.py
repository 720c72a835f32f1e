"""Pickup loops: magnetic flux through a circular loop and mutual inductances, with and without a film.

**Flux through a loop** (:func:`flux_through_loop`). A pickup loop of radius b parallel to the
film, at some height, encloses the flux Φ = ∫_disk B_z dA. With B_z given per plaquette (the
plaquette flux divided by its area, as :func:`gl.thinfilm.sheet_field` and
:func:`plaquette_field` return it) the flux is Σ_p B_p·w_p, where w_p is the *exact* area of the
disk inside plaquette p (closed form for the intersection of a circle with a rectangle, with
asin). So Φ is exact for a field constant on each plaquette (a uniform field gives πb²B to
round-off), and for a smooth field its error is O(h²): the midpoint rule inside each plaquette.
In the tests, two coaxial loops (a = 6ξ, b = 9ξ, z = 3ξ, h = 0.5ξ) match Maxwell's formula to
2e-4. The weights are differentiable in b and the centre (jax.numpy throughout).

**Mutual inductance** M = Φ/I between a source :class:`gl.sources.CurrentLoop` and a pickup
loop, in units of μ0ξ (the module docstring of :mod:`gl.sources`: GL units with μ0 → 1; convert
with :func:`inductance_to_si`). :func:`free_space_mutual_inductance` evaluates it on a grid (the
source's link phases in the pickup plane, lattice curl, disk sum) or by the line integral
∮A·dl of the source's exact potential around the pickup (trapezoidal rule, exponentially
convergent for a smooth periodic integrand). :func:`film_mutual_inductance` adds the film's
response: ΔM = Φ_film/I with Φ_film the flux of the film's currents (:func:`gl.thinfilm.sheet_field`
at the pickup height). :func:`coaxial_mutual_inductance` is Maxwell's closed form, for checks.

References: J. C. Maxwell, *A Treatise on Electricity and Magnetism* (1873), §701; W. R.
Smythe, *Static and Dynamic Electricity*, 3rd ed., §8.02; J. D. Jackson, *Classical
Electrodynamics*, 3rd ed., Problem 5.33 (Maxwell's formula); V. G. Kogan, Phys. Rev. B 68,
104511 (2003) (the film's response).
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .errors import ParameterError, require_positive
from .geometry import Grid
from .sources import CurrentLoop, ellipke, link_phases
from .thinfilm import sheet_field
from .units import MU0, GLUnits


def _quadrant_area(x, y, R):
    """Area of the disk |r| ≤ R inside [0, x] × [0, y] for x, y ≥ 0."""
    xp = jnp.minimum(x, R)
    yp = jnp.minimum(y, R)
    xc = jnp.sqrt(jnp.maximum((R - yp) * (R + yp), 0.0))
    x1 = jnp.minimum(xp, xc)

    def S(u):               # ∫₀^u √(R² − X²) dX = ½(u√(R² − u²) + R² asin(u/R)), 0 ≤ u ≤ R
        root = jnp.sqrt(jnp.maximum((R - u) * (R + u), 0.0))
        return 0.5 * (u * root + R * R * jnp.arctan2(u, root))      # atan2: well conditioned at u = R

    return yp * x1 + S(xp) - S(x1)


def _corner_area(x, y, R):
    """Signed area of the disk inside the rectangle spanned by the origin and (x, y)."""
    return jnp.sign(x) * jnp.sign(y) * _quadrant_area(jnp.abs(x), jnp.abs(y), R)


def disk_weights(grid: Grid, radius, center=(0.0, 0.0)):
    """Area of the disk of ``radius`` about ``center`` inside every plaquette [ξ²], shape (nx, ny).

    Plaquette (i, j) is the rectangle [x_i, x_i + hx] × [y_j, y_j + hy] (the last row/column on
    an open axis lie just outside the node grid). Exact: inclusion–exclusion of four corner
    areas, each a closed form in asin. The weights sum to πb² when the disk lies in the grid.

    Args:
        grid: the :class:`Grid` [ξ]. radius: b [ξ], > 0 (may be traced). center: (cx, cy) [ξ].

    Raises:
        ParameterError: for radius ≤ 0.
    """
    require_positive("radius", radius, "xi")
    X, Y = grid.nodes()
    return _disk_weights(X, Y, grid.hx, grid.hy, radius, center[0], center[1])


@jax.jit
def _disk_weights(X, Y, hx, hy, R, cx, cy):
    x0 = X - cx
    y0 = Y - cy
    x1, y1 = x0 + hx, y0 + hy
    return (_corner_area(x1, y1, R) - _corner_area(x0, y1, R) - _corner_area(x1, y0, R)
            + _corner_area(x0, y0, R))


def _require_inside(grid: Grid, radius, center):
    vals = (radius, center[0], center[1])
    if any(isinstance(v, jax.core.Tracer) for v in vals):
        return
    xs, ys = grid.x(), grid.y()
    r, cx, cy = (float(v) for v in vals)
    if cx - r < xs[0] or cx + r > xs[-1] + grid.hx or cy - r < ys[0] or cy + r > ys[-1] + grid.hy:
        raise ParameterError(f"parameter 'radius' = {r:g} xi about center ({cx:g}, {cy:g}) is out of range: the "
                             f"disk must lie inside the plaquettes, x in [{xs[0]:g}, {xs[-1] + grid.hx:g}], "
                             f"y in [{ys[0]:g}, {ys[-1] + grid.hy:g}] xi")


def flux_through_loop(bz_at_height, grid: Grid, radius, center=(0.0, 0.0)):
    """Flux of B_z through a circular pickup loop: Σ_p B_p·(area of the disk in plaquette p).

    Args:
        bz_at_height: B_z [B_c2] on the plaquettes (i, j) of ``grid`` in the loop's plane,
            (nx, ny) — e.g. :func:`gl.thinfilm.sheet_field` at the loop's height,
            :func:`plaquette_field` of a source's link phases, or :func:`gl.gauge.magnetic_field`
            in the film plane.
        grid: the :class:`Grid` [ξ]. radius: b [ξ], > 0. center: (cx, cy) [ξ].

    Returns:
        Φ [B_c2 ξ² = Φ0/2π] (divide by 2π for flux quanta). Exact for a plaquette-wise constant
        B_z, O(h²) for a smooth one (module docstring).

    Raises:
        ParameterError: for radius ≤ 0, a wrong shape, or a disk reaching outside the grid's
            plaquettes (concrete values).
    """
    _require_inside(grid, radius, center)
    bz = jnp.asarray(bz_at_height)
    if bz.shape != grid.shape:
        raise ParameterError(f"parameter 'bz_at_height' has shape {bz.shape}: must be {grid.shape}")
    return jnp.sum(bz * disk_weights(grid, radius, center))


def plaquette_field(ax, ay, grid: Grid):
    """B_z = [a_x(i, j) + a_y(i+1, j) − a_x(i, j+1) − a_y(i, j)]/(hx hy) on plaquettes [B_c2].

    Non-compact (no reduction mod 2π: a classical source field). Takes the (nx+1, ny+1) link
    phases of ``link_phases(..., extended=True)`` and returns all nx × ny plaquettes; given
    (nx, ny) arrays, the last row and column (which would need links beyond the grid) are 0.

    Raises:
        ParameterError: for shapes other than (nx, ny) or (nx+1, ny+1).
    """
    ax, ay = jnp.asarray(ax), jnp.asarray(ay)
    nx, ny = grid.shape
    if ax.shape == (nx + 1, ny + 1) and ay.shape == ax.shape:
        return _curl(ax, ay, grid.hx * grid.hy)
    if ax.shape == (nx, ny) and ay.shape == ax.shape:
        return jnp.pad(_curl(ax, ay, grid.hx * grid.hy), ((0, 1), (0, 1)))
    raise ParameterError(f"parameters 'ax', 'ay' have shapes {ax.shape}, {ay.shape}: must both be {(nx, ny)} "
                         f"or {(nx + 1, ny + 1)}")


@jax.jit
def _curl(ax, ay, area):
    """Counter-clockwise circulation per area of the plaquettes spanned by (n, m) link arrays: (n−1, m−1)."""
    return (ax[:-1, :-1] + ay[1:, :-1] - ax[:-1, 1:] - ay[:-1, :-1]) / area


def coaxial_mutual_inductance(a, b, separation):
    """Maxwell's mutual inductance of two coaxial circles [μ0ξ when a, b, separation are in ξ].

    M = μ0 √(ab) [(2/k − k) K(k²) − (2/k) E(k²)],  k² = 4ab/((a + b)² + s²)
    (Maxwell 1873, §701; Jackson Problem 5.33; Smythe §8.02), with μ0 = 1. Differentiable.

    Args:
        a, b: radii [ξ], > 0. separation: axial distance s [ξ]; s = 0 needs a ≠ b.

    Raises:
        ParameterError: for non-positive radii or touching loops (concrete values).
    """
    require_positive("a", a, "xi")
    require_positive("b", b, "xi")
    m = 4.0 * a * b / ((a + b) ** 2 + separation ** 2)
    if not any(isinstance(v, jax.core.Tracer) for v in (a, b, separation)) and float(m) >= 1.0:
        raise ParameterError("parameter 'separation' = 0 with a = b: the loops touch and M diverges; allowed "
                             "separation != 0 or a != b")
    k = jnp.sqrt(m)
    K, E = ellipke(m)
    return jnp.sqrt(a * b) * ((2.0 / k - k) * K - 2.0 / k * E)


def loop_line_flux(source, radius, height, center=(0.0, 0.0), points: int = 512):
    """Flux Φ = ∮A·dl of a source's exact potential through a horizontal circle [B_c2 ξ²].

    The circle of ``radius`` about (cx, cy) at ``height``; trapezoidal rule with ``points``
    nodes (exponentially convergent; 512 give round-off for a circle farther than ~radius/50
    from the source's wire).

    Args:
        source: a :mod:`gl.sources` source (CurrentLoop, PointDipole, UniformField).
        radius: b [ξ], > 0. height: z of the circle [ξ] (≠ the source's own height for a loop
            or dipole). center: (cx, cy) [ξ]. points: quadrature nodes, ≥ 8.

    Raises:
        ParameterError: for radius ≤ 0, points < 8, or a circle in the source's plane.
    """
    require_positive("radius", radius, "xi")
    if int(points) != points or points < 8:
        raise ParameterError(f"parameter 'points' = {points!r} is out of range: must be an integer ≥ 8")
    phi = 2.0 * math.pi * np.arange(int(points)) / int(points)
    c, s = jnp.asarray(np.cos(phi)), jnp.asarray(np.sin(phi))
    x = center[0] + radius * c
    y = center[1] + radius * s
    Ax, Ay = source.vector_potential(x, y, height)
    return jnp.sum(-Ax * s + Ay * c) * radius * 2.0 * math.pi / int(points)


def free_space_mutual_inductance(source: CurrentLoop, pickup_radius, pickup_height, grid: Grid | None = None, *,
                                 pickup_center=(0.0, 0.0), points: int = 4):
    """M = Φ/I [μ0ξ] between a source loop and a pickup loop in free space (no film).

    With ``grid``: the source's link phases (Gauss–Legendre, ``points`` per link) in the pickup
    plane, their lattice curl per plaquette (:func:`plaquette_field`) and the exact-area disk sum
    (:func:`flux_through_loop`) — the discretization the film's response also uses. Without:
    the line integral ∮A·dl of the exact potential (:func:`loop_line_flux`), also valid for
    coplanar loops (pickup_height = source height, radii unequal).

    Args:
        source: :class:`gl.sources.CurrentLoop` (current I [I0] ≠ 0).
        pickup_radius: b [ξ]. pickup_height: z_p above the film [ξ]. grid: optional open grid
            in the pickup plane [ξ]. pickup_center: (cx, cy) [ξ].

    Raises:
        ParameterError: see :func:`flux_through_loop`, :func:`gl.sources.link_phases`; a grid
            with pickup_height equal to the source height.
    """
    if grid is None:
        flux = loop_line_flux(source, pickup_radius, pickup_height, pickup_center, points=512)
    else:
        ax, ay = link_phases(source, grid, plane_height=pickup_height, points=points, extended=True)
        flux = flux_through_loop(plaquette_field(ax, ay, grid), grid, pickup_radius, pickup_center)
    return flux / source.current


def film_mutual_inductance(film_current, source_current, grid: Grid, pearl_length, pickup_radius, pickup_height,
                           *, pickup_center=(0.0, 0.0), kernel=None):
    """The film's contribution ΔM = Φ_film/I [μ0ξ] to the mutual inductance of source and pickup.

    Φ_film is the flux through the pickup of the film's currents, b_z from
    :func:`gl.thinfilm.sheet_field` at the pickup height, summed by :func:`flux_through_loop`.

    Args:
        film_current: (jx, jy) [J0], the film's current induced by the source at current
            ``source_current`` (e.g. :func:`gl.thinfilm.london_response` of its link phases).
        source_current: I [I0], ≠ 0.
        grid: the film's open :class:`Grid` [ξ]. pearl_length: Λ̃ [ξ].
        pickup_radius: b [ξ]. pickup_height: z_p ≥ 0 [ξ]. pickup_center: (cx, cy) [ξ].
        kernel: :func:`gl.thinfilm.potential_kernel` (grid, Λ̃, z_p), reused between calls.

    Raises:
        ParameterError: see :func:`gl.thinfilm.sheet_field` and :func:`flux_through_loop`.
    """
    bz = sheet_field(film_current[0], film_current[1], grid, pickup_height, pearl_length, kernel=kernel)
    return flux_through_loop(bz, grid, pickup_radius, pickup_center) / source_current


def mutual_inductance(source: CurrentLoop, pickup_radius, pickup_height, grid: Grid | None = None, *,
                      pickup_center=(0.0, 0.0), film_current=None, pearl_length=None, kernel=None):
    """M = Φ/I [μ0ξ] between a source loop and a pickup loop, with the film's response if given.

    M = M_free + ΔM: :func:`free_space_mutual_inductance` (on ``grid`` when given and the pickup
    is not in the source's plane, else the exact line integral) plus, when ``film_current`` is given, :func:`film_mutual_inductance`.

    Args:
        source: :class:`gl.sources.CurrentLoop`. pickup_radius: b [ξ]. pickup_height: z_p [ξ].
        grid: open :class:`Grid` [ξ] (required with ``film_current``).
        pickup_center: (cx, cy) [ξ].
        film_current: (jx, jy) [J0] induced in the film by ``source`` at its current, or None.
        pearl_length: Λ̃ [ξ], required with ``film_current``. kernel: as in
            :func:`film_mutual_inductance`.

    Raises:
        ParameterError: for ``film_current`` without ``grid`` or ``pearl_length``, and as above.
    """
    if film_current is not None and (grid is None or pearl_length is None):
        raise ParameterError("parameters 'grid' and 'pearl_length' are required with 'film_current'")
    d = source.height - pickup_height
    coplanar = not isinstance(d, jax.core.Tracer) and float(d) == 0.0
    M = free_space_mutual_inductance(source, pickup_radius, pickup_height, None if coplanar else grid,
                                     pickup_center=pickup_center)
    if film_current is not None:
        M = M + film_mutual_inductance(film_current, source.current, grid, pearl_length, pickup_radius,
                                       pickup_height, pickup_center=pickup_center, kernel=kernel)
    return M


def inductance_to_si(units: GLUnits, inductance):
    """Inductance [μ0ξ] → [H]: M_SI = M·μ0·ξ."""
    return inductance * MU0 * units.xi


def flux_to_phi0(flux):
    """Flux [B_c2 ξ²] → [Φ0]: Φ/2π."""
    return flux / (2.0 * math.pi)


__all__ = [
    "coaxial_mutual_inductance",
    "disk_weights",
    "film_mutual_inductance",
    "flux_through_loop",
    "flux_to_phi0",
    "free_space_mutual_inductance",
    "inductance_to_si",
    "loop_line_flux",
    "mutual_inductance",
    "plaquette_field",
]
