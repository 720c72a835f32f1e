"""Applied vector potentials of field sources above a film, as link phases on a :class:`~gl.geometry.Grid`.

Three sources, all static (magnetostatic) and all in the Coulomb gauge ∇·A = 0 (the loop's and the
dipole's A vanish far away), so their potentials add:

* :class:`CurrentLoop` — a circular loop of radius a at height z above the evaluation plane,
  current I, exact through the complete elliptic integrals K(m), E(m);
* :class:`PointDipole` — a point moment m ẑ at height z, A = m × r/(4π|r|³);
* :class:`UniformField` — a uniform field B ẑ, symmetric gauge A = B(−y, x)/2 about the grid's
  origin (:func:`gl.gauge.applied_link_phases`).

**Units.** Inputs are in GL units (docs/model.md, "Units"): lengths in ξ, fields in B_c2 and link
phases a = ∫A·dl dimensionless. A current needs one more unit, which the project's J0 does not
give directly; this module uses

    I0 = Φ0/(2π μ0 ξ)            [A]      (current; :func:`current_unit`)
    m0 = I0 ξ² = Φ0 ξ/(2π μ0)    [A m²]   (magnetic moment; :func:`moment_unit`)

because then every magnetostatic formula in GL units is the SI formula with μ0 = 1: a loop's
centre field is B = I/(2a) [B_c2], its potential A = (I/4π)∮dl/|r − r'| [ξ B_c2], and a mutual
inductance M = Φ/I is in units of μ0 ξ. (Check: A_SI = (μ0 I_SI/4π)∮dl/R; dividing by the unit
Φ0/(2πξ) of A gives (μ0 I_SI ξ/(2Φ0))∮dl̃/R̃ = (I_SI/I0)/(4π)∮dl̃/R̃.) Convert SI inputs with
:func:`current_to_gl` and :func:`moment_to_gl`, which take a :class:`gl.units.GLUnits`. For
reference, ξ = 10 nm gives I0 = 26.2 mA.

**Link phases.** a_x on the x-link (i, j) → (i+1, j) is ∫A_x dx along it, a_y likewise
(docs/model.md, "Discretization"). The dipole's and the uniform field's line integrals are exact
(closed forms). The loop's are Gauss–Legendre quadratures with ``points`` nodes per link
(``points=1`` is the midpoint rule, error O(h²/z²)); the integrand is analytic along every
link for z > 0, so the default 4 points give a relative error ~1e-9 for h = z/2 and ~1e-7 for
h = z (8 points: ~1e-13 and ~1e-9 there). The loop's A is singular only on the wire, which is
off the evaluation plane for z > 0; link phases in the loop's own plane are refused.

**Time dependence.** All three potentials are linear in their strength, so a source driven by
s(t)·I (or s(t)·m, s(t)·B) has link phases s(t)·a. :func:`link_phases` takes this ``amplitude``
as a plain multiplier (a number, a traced value, or a per-source sequence). This is the
quasi-static potential: retardation is neglected (fine for sources smaller than c/ω), and the
induced electric field −∂A/∂t is left to the dynamics that consume these phases.

References: J. D. Jackson, *Classical Electrodynamics*, 3rd ed. (Wiley 1999), §5.5, Eqs.
5.35–5.37 (loop) and §5.6, Eq. 5.55 (dipole); W. R. Smythe, *Static and Dynamic Electricity*, 3rd ed., §7.10;
M. Abramowitz and I. A. Stegun, *Handbook of Mathematical Functions*, §17.6 (the arithmetic–
geometric mean for K and E).
"""
from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp
import numpy as np

from .errors import ParameterError, require_positive
from .geometry import Grid
from .units import MU0, PHI0, GLUnits

#: Fixed number of arithmetic–geometric-mean steps; quadratic convergence makes 12 enough for
#: every m ≤ 1 − 1e-16 (b0 = √(1 − m) ≥ 1e-8 reaches a/b − 1 < 1e-16 after ≤ 9 steps).
AGM_STEPS = 12

# Below this m the loop uses the power series of [(1 − m/2)K − E]/m², which cancels badly.
_SERIES_M = 0.2
_SERIES_TERMS = 40


def _series_coefficients(n_terms: int) -> np.ndarray:
    """d_n (n = 2, 3, …) with (1 − m/2)K(m) − E(m) = (π/2) Σ d_n mⁿ.

    From K = (π/2) Σ c_n mⁿ and E = −(π/2) Σ c_n mⁿ/(2n − 1), c_n = [(2n)!/(2²ⁿ n!²)]²
    (Abramowitz & Stegun 17.3.11–12): d_n = c_n·2n/(2n − 1) − c_{n−1}/2; d_0 = d_1 = 0.
    """
    c = [1.0]
    for n in range(1, n_terms + 3):
        c.append(c[-1] * ((2 * n - 1) / (2 * n)) ** 2)
    return np.array([c[n] * 2 * n / (2 * n - 1) - c[n - 1] / 2 for n in range(2, n_terms + 2)])


_D = _series_coefficients(_SERIES_TERMS)


def _check_parameter_m(m):
    if isinstance(m, jax.core.Tracer):
        return
    v = np.asarray(m, dtype=float)
    if not np.all(np.isfinite(v)) or np.any(v >= 1.0):
        raise ParameterError(f"parameter 'm' (max {np.max(v)!r}) is out of range: allowed m < 1 "
                             "(K(m) diverges at m = 1)")


def ellipke(m):
    """Complete elliptic integrals K(m) and E(m) by the arithmetic–geometric mean.

    K(m) = ∫₀^{π/2} dθ/√(1 − m sin²θ),  E(m) = ∫₀^{π/2} √(1 − m sin²θ) dθ  (parameter m = k²,
    the convention of scipy.special.ellipk/ellipe). With a₀ = 1, b₀ = √(1 − m), c₀² = m and
    a_{n+1} = (a_n + b_n)/2, b_{n+1} = √(a_n b_n), c_{n+1} = (a_n − b_n)/2:
    K = π/(2a_∞), E = K·(1 − Σ_{n≥0} 2^{n−1} c_n²) (Abramowitz & Stegun 17.6.1–4). A fixed
    :data:`AGM_STEPS` steps of plain jax.numpy, so jit, vmap and grad work (the derivative of the
    converged iteration is the derivative of K, E).

    Args:
        m: parameter, any shape, m < 1 (negative m allowed).

    Returns:
        (K, E), arrays of the shape of ``m``; relative accuracy a few 1e-15 for m ≤ 1 − 1e-12.

    Raises:
        ParameterError: for a concrete m ≥ 1 or non-finite m (traced values are not checked).
    """
    _check_parameter_m(m)
    return _agm(jnp.asarray(m, dtype=jnp.result_type(float, m)))


@jax.jit
def _agm(m):
    a = jnp.ones_like(m)
    b = jnp.sqrt(1.0 - m)
    s = 0.5 * m
    weight = 0.5
    for _ in range(AGM_STEPS):
        c = 0.5 * (a - b)
        a, b = 0.5 * (a + b), jnp.sqrt(a * b)
        weight *= 2.0
        s = s + weight * c * c
    K = 0.5 * math.pi / a
    return K, K * (1.0 - s)


def ellipk(m):
    """Complete elliptic integral of the first kind K(m), m < 1; see :func:`ellipke`."""
    return ellipke(m)[0]


def ellipe(m):
    """Complete elliptic integral of the second kind E(m), m < 1; see :func:`ellipke`."""
    return ellipke(m)[1]


def _loop_g(m):
    """g(m) = [(1 − m/2)K(m) − E(m)]/m², smooth on [0, 1), → π/32 as m → 0."""
    small = m < _SERIES_M
    ms = jnp.where(small, m, 0.0)
    series = jnp.zeros_like(m)
    for d in _D[::-1]:
        series = series * ms + d
    series = 0.5 * math.pi * series
    md = jnp.where(small, _SERIES_M, m)
    K, E = _agm(md)
    direct = ((1.0 - 0.5 * md) * K - E) / (md * md)
    return jnp.where(small, series, direct)


def _safe_sqrt(x):
    """√x with a finite (zero) gradient at x = 0."""
    pos = x > 0
    return jnp.where(pos, jnp.sqrt(jnp.where(pos, x, 1.0)), 0.0)


def loop_vector_potential(x, y, radius, height, current, center=(0.0, 0.0)):
    """Vector potential (A_x, A_y) in the plane z = 0 of a circular loop at height ``height``.

    The loop is the circle of radius a about (cx, cy, z), current I counter-clockwise seen from
    +z (positive I gives B_z > 0 inside). Jackson Eq. 5.37 / Smythe §7.10 in closed form:

        A_φ(ρ, z) = (I/(π k)) √(a/ρ) [(1 − k²/2) K(k²) − E(k²)],   k² = 4aρ/((a + ρ)² + z²),

    (SI with μ0 → 1, see the module docstring). Rewritten as A_φ/ρ = 8 I a² g(k²)/(π D^{3/2}),
    D = (a + ρ)² + z², g(m) = [(1 − m/2)K − E]/m² (a power series below m = 0.2), so that
    A_x = −(A_φ/ρ)(y − cy), A_y = (A_φ/ρ)(x − cx) are smooth and differentiable through ρ = 0.

    Args:
        x, y: evaluation points [ξ], arrays of one shape.
        radius: loop radius a [ξ], > 0.
        height: z [ξ], ≥ 0. For z = 0 (points in the loop's own plane) A is finite except on
            the wire ρ = a, where it diverges logarithmically (inf/nan there).
        current: I [I0 = Φ0/(2πμ0ξ)].
        center: (cx, cy) [ξ].

    Returns:
        (A_x, A_y) [ξ B_c2 = Φ0/(2πξ)], the shape of x.

    Raises:
        ParameterError: for radius ≤ 0 or height < 0 (concrete values).
    """
    require_positive("radius", radius, "xi")
    if not isinstance(height, jax.core.Tracer) and not float(height) >= 0.0:
        raise ParameterError(f"parameter 'height' = {height!r} xi is out of range: allowed [0, inf) xi")
    return _loop_potential(jnp.asarray(x) - center[0], jnp.asarray(y) - center[1], radius, height, current)


@jax.jit
def _loop_potential(dx, dy, radius, height, current):
    rho = _safe_sqrt(dx * dx + dy * dy)
    D = (radius + rho) ** 2 + height ** 2
    m = 4.0 * radius * rho / D
    a_over_rho = 8.0 * current * radius ** 2 * _loop_g(m) / (math.pi * D ** 1.5)
    return -a_over_rho * dy, a_over_rho * dx


def loop_field_on_axis(radius, height, current):
    """B_z on the axis of a loop at axial distance z: I a²/(2(a² + z²)^{3/2}) [B_c2] (Biot–Savart; Jackson §5.5).

    Args: radius a [ξ], height z [ξ] (any sign), current I [I0]."""
    return current * radius ** 2 / (2.0 * (radius ** 2 + height ** 2) ** 1.5)


def dipole_vector_potential(x, y, moment, height, center=(0.0, 0.0)):
    """A = m ẑ × r/(4π|r|³) in the plane z = 0 of a point dipole at (cx, cy, height) (Jackson Eq. 5.55).

    Args:
        x, y: points [ξ]. moment: m [m0 = I0 ξ²]. height: z [ξ], > 0. center: (cx, cy) [ξ].

    Returns:
        (A_x, A_y) = (m/4π)(−(y − cy), x − cx)/(ρ² + z²)^{3/2} [ξ B_c2].

    Raises:
        ParameterError: for height ≤ 0.
    """
    require_positive("height", height, "xi")
    dx = jnp.asarray(x) - center[0]
    dy = jnp.asarray(y) - center[1]
    f = moment / (4.0 * math.pi * (dx * dx + dy * dy + height ** 2) ** 1.5)
    return -f * dy, f * dx


def _link_coordinates(grid: Grid, extended: bool):
    """Node coordinates xs (nx or nx+1,), ys (ny or ny+1,) [ξ] of link start points."""
    nx, ny = grid.nx + int(extended), grid.ny + int(extended)
    xs = (np.arange(nx) - (grid.nx - 1) / 2.0) * grid.hx
    ys = (np.arange(ny) - (grid.ny - 1) / 2.0) * grid.hy
    return xs, ys


def _quadrature_link_phases(potential, grid: Grid, points: int, extended: bool):
    """Gauss–Legendre ∫A·dl over every x- and y-link of ``grid``; potential(x, y) → (A_x, A_y)."""
    if int(points) != points or points < 1:
        raise ParameterError(f"parameter 'points' = {points!r} is out of range: must be an integer ≥ 1")
    t, w = np.polynomial.legendre.leggauss(int(points))
    xs, ys = _link_coordinates(grid, extended)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    sx = 0.5 * grid.hx * (1.0 + t)[:, None, None]
    sy = 0.5 * grid.hy * (1.0 + t)[:, None, None]
    # all quadrature points of both link directions in one call: (2·points, n, m)
    px = np.concatenate([X[None] + sx, np.broadcast_to(X[None], sy.shape[:1] + X.shape)])
    py = np.concatenate([np.broadcast_to(Y[None], sx.shape[:1] + Y.shape), Y[None] + sy])
    Ax, Ay = potential(px, py)
    p = len(t)
    ax = 0.5 * grid.hx * jnp.tensordot(jnp.asarray(w), Ax[:p], axes=1)
    ay = 0.5 * grid.hy * jnp.tensordot(jnp.asarray(w), Ay[p:], axes=1)
    return ax, ay


def _require_open(grid: Grid):
    if grid.periodic_x or grid.periodic_y:
        raise ParameterError("parameter 'grid' is periodic: the potentials of isolated sources are not periodic; "
                             "use an open grid (periodic_x = periodic_y = False)")


def _source_leaves(obj):
    return tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))


def _unflatten(cls, children):
    obj = object.__new__(cls)            # skip validation: leaves may be tracers or placeholders
    for f, v in zip(dataclasses.fields(cls), children):
        object.__setattr__(obj, f.name, v)
    return obj


def _pytree(cls):
    jax.tree_util.register_pytree_node(cls, lambda o: (_source_leaves(o), None),
                                       lambda _, ch: _unflatten(cls, ch))
    return cls


@_pytree
@dataclasses.dataclass(frozen=True)
class CurrentLoop:
    """A circular current loop parallel to the film, a pytree (every field may be traced).

    Attributes:
        radius: a [ξ], > 0.
        height: z of the loop above the film plane z = 0 [ξ], > 0.
        current: I [I0 = Φ0/(2πμ0ξ)]; positive means counter-clockwise seen from +z.
        center: (cx, cy) of the axis [ξ].

    Raises:
        ParameterError: for radius ≤ 0 or height ≤ 0.
    """

    radius: float
    height: float
    current: float
    center: tuple = (0.0, 0.0)

    def __post_init__(self):
        require_positive("radius", self.radius, "xi")
        require_positive("height", self.height, "xi")

    @property
    def moment(self):
        """Magnetic moment m = I π a² [m0 = I0 ξ²]."""
        return self.current * math.pi * self.radius ** 2

    def vector_potential(self, x, y, plane_height=0.0):
        """(A_x, A_y) [ξ B_c2] at (x, y, plane_height); see :func:`loop_vector_potential`.

        The plane may be the loop's own (plane_height = height): A is then finite off the wire.
        """
        d = self.height - plane_height
        return loop_vector_potential(x, y, self.radius, jnp.abs(d) if isinstance(d, jax.Array) else abs(d),
                                     self.current, self.center)

    def link_phases(self, grid: Grid, plane_height=0.0, *, points: int = 4, extended: bool = False):
        """(a_x, a_y) on the links of ``grid`` in the plane z = plane_height; see :func:`link_phases`."""
        _require_open(grid)
        _distance(self.height, plane_height)
        return _quadrature_link_phases(lambda x, y: self.vector_potential(x, y, plane_height), grid, points,
                                       extended)


@_pytree
@dataclasses.dataclass(frozen=True)
class PointDipole:
    """A point magnetic dipole m ẑ at (cx, cy, height), a pytree.

    Attributes:
        moment: m [m0 = I0 ξ²] (positive along +z).
        height: z above the film plane [ξ], > 0.
        center: (cx, cy) [ξ].
    """

    moment: float
    height: float
    center: tuple = (0.0, 0.0)

    def __post_init__(self):
        require_positive("height", self.height, "xi")

    def vector_potential(self, x, y, plane_height=0.0):
        """(A_x, A_y) [ξ B_c2]; see :func:`dipole_vector_potential`."""
        return dipole_vector_potential(x, y, self.moment, _distance(self.height, plane_height), self.center)

    def link_phases(self, grid: Grid, plane_height=0.0, *, points: int = 4, extended: bool = False):
        """Exact line integrals (``points`` is ignored): with c² = (y − cy)² + z²,

            a_x = −(m (y − cy)/4π)·[x'/(c²√(x'² + c²))] from x' = x_i − cx to x_i + hx − cx,

        and a_y likewise with x ↔ y and the opposite sign.
        """
        _require_open(grid)
        z = _distance(self.height, plane_height)
        xs, ys = _link_coordinates(grid, extended)
        X, Y = np.meshgrid(xs, ys, indexing="ij")
        dx = jnp.asarray(X) - self.center[0]
        dy = jnp.asarray(Y) - self.center[1]
        k = self.moment / (4.0 * math.pi)

        def primitive(u, c2):          # ∫ du/(u² + c²)^{3/2} = u/(c²√(u² + c²))
            return u / (c2 * jnp.sqrt(u * u + c2))

        cy2 = dy * dy + z ** 2
        cx2 = dx * dx + z ** 2
        ax = -k * dy * (primitive(dx + grid.hx, cy2) - primitive(dx, cy2))
        ay = k * dx * (primitive(dy + grid.hy, cx2) - primitive(dy, cx2))
        return ax, ay


@_pytree
@dataclasses.dataclass(frozen=True)
class UniformField:
    """A uniform field B ẑ [B_c2], symmetric gauge A = B(−y, x)/2 about the grid's origin (a pytree)."""

    field: float

    def vector_potential(self, x, y, plane_height=0.0):
        """(A_x, A_y) = B(−y, x)/2 [ξ B_c2]."""
        return -0.5 * self.field * jnp.asarray(y), 0.5 * self.field * jnp.asarray(x)

    def link_phases(self, grid: Grid, plane_height=0.0, *, points: int = 4, extended: bool = False):
        """Exact: a_x = −B·y·hx/2, a_y = B·x·hy/2 (x, y of the link's start node), as
        :func:`gl.gauge.applied_link_phases` with gauge "symmetric"."""
        _require_open(grid)
        xs, ys = _link_coordinates(grid, extended)
        X, Y = np.meshgrid(xs, ys, indexing="ij")
        return -0.5 * self.field * jnp.asarray(Y) * grid.hx, 0.5 * self.field * jnp.asarray(X) * grid.hy


def _distance(height, plane_height):
    d = height - plane_height
    if not isinstance(d, jax.core.Tracer) and float(d) == 0.0:
        raise ParameterError(f"parameter 'plane_height' = {plane_height!r} xi equals the source height: allowed "
                             "any other height (the source is singular in its own plane)")
    return jnp.abs(d) if isinstance(d, jax.Array) else abs(d)


def link_phases(sources, grid: Grid, amplitude=1.0, *, plane_height=0.0, points: int = 4,
                extended: bool = False):
    """Link phases of a sum of sources: a = Σ_k s_k·a_k on the links of ``grid``.

    Args:
        sources: one source or a sequence of :class:`CurrentLoop`, :class:`PointDipole`,
            :class:`UniformField`.
        grid: an open :class:`Grid` (lengths in ξ), the plane z = plane_height.
        amplitude: s(t), a plain multiplier of all sources (a number or traced scalar), or one
            per source. The potentials are linear in the source strengths, so this is the
            quasi-static potential of sources driven by s(t) (see the module docstring).
        plane_height: height of the evaluation plane [ξ] (the film is at 0).
        points: Gauss–Legendre nodes per link for the loop (1 = midpoint rule).
        extended: if True, return (nx+1, ny+1) arrays whose extra row/column continues the grid,
            so that every one of the nx × ny plaquettes has its four links (see
            :func:`gl.probes.plaquette_field`).

    Returns:
        (a_x, a_y), each (nx, ny) (or (nx+1, ny+1)), dimensionless (a = ∫A·dl, A in ξ B_c2).

    Raises:
        ParameterError: for a periodic grid, a plane through a source, ``points`` < 1, or a
            per-source amplitude of the wrong length.
    """
    if not isinstance(sources, (list, tuple)):
        sources = [sources]
    if len(sources) == 0:
        raise ParameterError("parameter 'sources' is empty: give at least one source")
    amps = amplitude if isinstance(amplitude, (list, tuple)) else [amplitude] * len(sources)
    if len(amps) != len(sources):
        raise ParameterError(f"parameter 'amplitude' has {len(amps)} entries: must be one number or one per "
                             f"source ({len(sources)})")
    ax = ay = 0.0
    for s, src in zip(amps, sources):
        bx, by = src.link_phases(grid, plane_height, points=points, extended=extended)
        ax = ax + s * bx
        ay = ay + s * by
    return ax, ay


def current_unit(units: GLUnits) -> float:
    """The GL current unit I0 = Φ0/(2π μ0 ξ) [A] (module docstring)."""
    return PHI0 / (2.0 * math.pi * MU0 * units.xi)


def moment_unit(units: GLUnits) -> float:
    """The GL moment unit m0 = I0 ξ² = Φ0 ξ/(2π μ0) [A m²]."""
    return current_unit(units) * units.xi ** 2


def current_to_gl(units: GLUnits, amperes):
    """Current [A] → units of I0 = Φ0/(2πμ0ξ)."""
    return amperes / current_unit(units)


def moment_to_gl(units: GLUnits, ampere_m2):
    """Magnetic moment [A m²] → units of m0 = Φ0ξ/(2πμ0)."""
    return ampere_m2 / moment_unit(units)


__all__ = [
    "AGM_STEPS",
    "CurrentLoop",
    "PointDipole",
    "UniformField",
    "current_to_gl",
    "current_unit",
    "dipole_vector_potential",
    "ellipe",
    "ellipk",
    "ellipke",
    "link_phases",
    "loop_field_on_axis",
    "loop_vector_potential",
    "moment_to_gl",
    "moment_unit",
]
