"""Hirsch's electrodynamics of superconductors beside London's: charge expulsion, the interior
electric field and the spin Meissner effect on a 2D cross-section of a long sample.

What is computed (docs/theories.md, "Theories side by side", gives the comparison with London/GL):

* **The four-vector London equation** of J. E. Hirsch, "Electrodynamics of superconductors",
  Phys. Rev. B 69, 214515 (2004), in Gaussian units
  J − J₀ = −(c/4πλ_L²)(A − A₀). Its time component, ρ − ρ₀ = −(1/4πλ_L²)(φ − φ₀), with Poisson's
  equation gives ∇²(ρ − ρ₀) = (ρ − ρ₀)/λ_L² inside the superconductor: a uniform positive
  background ρ₀ in the interior and negative charge expelled into a layer of thickness λ_L at the
  surface (J. E. Hirsch, "Charge expulsion and electric field in superconductors", Phys. Rev. B 68,
  184502 (2003)). In SI, which this module uses throughout: ρ − ρ₀ = −(ε0/λ_L²)(φ − φ₀), hence
  E − E₀ = (λ_L²/ε0)∇ρ.
* **The spin sector** of J. E. Hirsch, "Spin Meissner effect in superconductors and the origin of
  the Meissner effect", EPL 81, 67003 (2008) and "Electrodynamics of spin currents in
  superconductors", Ann. Phys. (Berlin) 17, 380 (2008): the current of the carriers of spin σ is
  J_σ = −(c/8πλ_L) σ × (E − E₀) (Gaussian), i.e. J_σ = −(ε0c/2λ_L) σ × (E − E₀) = −(cλ_L/2) σ × ∇ρ
  (SI; the last form is the same in both unit systems). Its carriers (density n_s/2 per spin,
  charge −|e|, bare mass m_e, n_s = m_e/(μ0e²λ_L²)) move with v_σ = J_σ/(−|e|n_s/2), of magnitude
  (|e|λ_L/m_e c)|E − E₀|.
* **Hirsch's numbers** (same papers): E_m = ħc/(4|e|λ_L²) (the Gaussian formula; the same
  expression holds in SI), v_σ⁰ = ħ/(4m_eλ_L), the surface density ρ₋ = −E_m/(4πλ_L) (Gaussian)
  = −ε0E_m/λ_L (SI), and the orbital angular momentum m_e v_σ⁰ (2λ_L) = ħ/2.

**Boundary conditions.** Overall neutrality and no electric field outside, as in Hirsch's solutions
for the sphere and the cylinder. With no surface charge sheet, E is continuous, so φ = const and
∂φ/∂n = 0 on the outer surface. Eliminating ρ, the potential obeys the fourth-order equation
λ_L²∇⁴φ − ∇²φ = ρ₀/ε0 with these two (clamped) conditions; it is the minimum of
W[φ] = ∫ [λ_L²(∇²φ)²/2 + |∇φ|²/2 − ρ₀φ/ε0] dA; with ρ = −ε0∇²φ, ε0W = U[ρ] − ∫ρ₀φ dA +
(λ_L²/2ε0)∫ρ² dA, U[ρ] = (ε0/2)∫|∇φ|² dA the electrostatic energy. Minimized over ρ at fixed total
charge without further constraint, this energy gives Hirsch's time component with φ₀ the free-space
potential of ρ₀ (the constant is the multiplier of neutrality); "no field outside" is an extra
constraint, met anyway by circular cross-sections. The potential of each hole of a multiply
connected cross-section is a free constant (no field inside the hole); minimizing W over it gives
∮∂ρ/∂n = 0 on the hole's edge, which for an annulus is Hirsch's own condition (ρ₀'s free-space
potential φ₀, whose field vanishes in the hole). For a non-circular cross-section, imposing
E = 0 outside makes φ₀ differ from the free-space potential of ρ₀ by a harmonic function (with
the free-space φ₀ the field outside a square would not vanish); see docs/theories.md.

**Closed forms** (derived here; cylinder of radius R, annulus a < r < R, slab |x| < d/2):
ρ − ρ₀ = C·I0(r/λ_L) solves the radial equation; neutrality, ρ₀πR² + 2πλ_L R C I1(R/λ_L) = 0,
fixes C = −ρ₀R/(2λ_L I1(R/λ_L)), and Gauss's law gives

    ρ(r) = ρ₀[1 − (R/2λ_L) I0(r/λ_L)/I1(R/λ_L)],   E(r) = E_m[r/R − I1(r/λ_L)/I1(R/λ_L)],

with E_m = ρ₀R/(2ε0) the field of ρ₀ at the surface, E(R) = 0, and E − E₀ = −E_m I1(r/λ_L)/I1(R/λ_L).
So E ≈ E_m r/R in the interior (exact up to I1(r/λ_L)/I1(R/λ_L) ~ e^{−(R−r)/λ_L}), the spin speed
is v_σ⁰·I1(r/λ_L)/I1(R/λ_L) when ρ₀ = 2ε0E_m/R, reaching v_σ⁰ at the surface, and
ρ(R) = ρ₀ − (ε0E_m/λ_L)·I0(R/λ_L)/I1(R/λ_L) → ρ₋ for R ≫ λ_L. Hirsch's E(r) ≈ E_m r/R is the
interior limit of this exact solution. Annulus: ρ − ρ₀ = α I0 + β K0 with ∂ρ/∂r = 0 at r = a and
neutrality. Slab: ρ − ρ₀ ∝ cosh(x/λ_L). The London magnetic profile is H I0(r/λ)/I0(R/λ)
(cylinder) and H cosh(x/λ)/cosh(d/2λ) (slab), the same in both theories for a static field.

**The lattice** (node-centred cells of a :class:`gl.geometry.Grid`, lengths in units of λ_L, not ξ):
every material node stands for an h×h cell, so the material is the union of the cells and its
surface runs half a spacing beyond the outermost nodes (second order for edges along the axes).
φ is free on interior nodes (all four neighbours in the material), zero on the outer boundary
nodes and outside, and a free constant on each hole and its boundary nodes. Then ρ = −ε0∇²φ
vanishes outside exactly, the total charge is zero to round-off and E = 0 outside. The
stationarity conditions of the discrete W are solved by conjugate gradients in JAX
(:func:`solve_charge`); :func:`solve_charge_radial` solves the same discrete energy for a
cylinder or an annulus in cylindrical cells with a dense direct solve, for radii where a square
lattice would need too many nodes to resolve λ_L at a curved surface.
"""
from __future__ import annotations

import dataclasses
import math
from collections import deque

import jax
import jax.numpy as jnp
import numpy as np

from .errors import ParameterError, require_positive
from .geometry import Grid
from .lattice import Lattice
from .units import ELEMENTARY_CHARGE, HBAR, MU0

#: Speed of light in vacuum c [m/s] (CODATA 2018, exact).
SPEED_OF_LIGHT = 299792458.0
#: Electron mass m_e [kg] (CODATA 2018).
ELECTRON_MASS = 9.1093837015e-31
#: Vacuum permittivity ε0 = 1/(μ0c²) [F/m] (CODATA 2018: 8.8541878128e-12).
VACUUM_PERMITTIVITY = 1.0 / (MU0 * SPEED_OF_LIGHT ** 2)
#: 1 statvolt/cm in V/m (Gaussian field unit), c·10⁻⁴ exactly.
STATVOLT_PER_CM = SPEED_OF_LIGHT * 1e-4


# --------------------------------------------------------------------------- Hirsch's scales


def interior_field_scale(penetration_depth: float) -> float:
    """Hirsch's interior field E_m = ħc/(4|e|λ_L²) [V/m] (EPL 81, 67003 (2008)).

    Written in Gaussian units in the paper; with SI values of ħ, c, e and λ_L the same expression
    gives V/m. 3.0833e7 V/m (308,327 V/cm) at λ_L = 400 Å with CODATA 2018 constants.

    Raises:
        ParameterError: unless penetration_depth [m] > 0.
    """
    lam = require_positive("penetration_depth", penetration_depth, "m")
    return HBAR * SPEED_OF_LIGHT / (4.0 * ELEMENTARY_CHARGE * lam ** 2)


def spin_current_speed(penetration_depth: float) -> float:
    """Speed of the spin-current carriers at the surface, v_σ⁰ = ħ/(4m_eλ_L) [m/s] (EPL 81, 67003).

    Raises:
        ParameterError: unless penetration_depth [m] > 0.
    """
    lam = require_positive("penetration_depth", penetration_depth, "m")
    return HBAR / (4.0 * ELECTRON_MASS * lam)


def surface_charge_density(penetration_depth: float) -> float:
    """Hirsch's expelled surface charge density ρ₋ = −E_m/(4πλ_L) (Gaussian) = −ε0E_m/λ_L [C/m³].

    The density at a flat surface that screens the interior field E_m within λ_L (Gauss's law
    across the layer: ρ₋λ_L = −ε0E_m).

    Raises:
        ParameterError: unless penetration_depth [m] > 0.
    """
    return -VACUUM_PERMITTIVITY * interior_field_scale(penetration_depth) / penetration_depth


def orbit_angular_momentum(penetration_depth: float) -> float:
    """m_e v_σ⁰ (2λ_L) [J s] of a spin-current carrier in an orbit of radius 2λ_L: ħ/2 for any λ_L.

    Raises:
        ParameterError: unless penetration_depth [m] > 0.
    """
    return ELECTRON_MASS * spin_current_speed(penetration_depth) * 2.0 * penetration_depth


def superfluid_density(penetration_depth: float) -> float:
    """n_s = m_e/(μ0e²λ_L²) [m⁻³], the London density of carriers of charge e and bare mass m_e.

    Raises:
        ParameterError: unless penetration_depth [m] > 0.
    """
    lam = require_positive("penetration_depth", penetration_depth, "m")
    return ELECTRON_MASS / (MU0 * ELEMENTARY_CHARGE ** 2 * lam ** 2)


def background_density(field_scale: float, area: float, perimeter: float) -> float:
    """Uniform positive background ρ₀ = ε0E_m·P/A [C/m³] of a cross-section of area A [m²] and
    perimeter P [m] (holes' edges included).

    The expelled negative charge ρ₀A then equals ε0E_m per unit length of surface, as in Hirsch's
    flat-surface layer (ρ₋λ_L = −ε0E_m). For a cylinder of radius R this is ρ₀ = 2ε0E_m/R, i.e.
    the field of ρ₀ at the surface is exactly E_m (Gauss: E₀(R) = ρ₀R/2ε0).

    Raises:
        ParameterError: unless field_scale [V/m], area and perimeter are > 0.
    """
    E = require_positive("field_scale", field_scale, "V/m")
    A = require_positive("area", area, "m^2")
    P = require_positive("perimeter", perimeter, "m")
    return VACUUM_PERMITTIVITY * E * P / A


def carrier_velocity_per_field(penetration_depth: float) -> float:
    """|v_σ|/|E − E₀| = |e|λ_L/(m_e c) [(m/s)/(V/m)]: J_σ/(n_s e/2) with J_σ = (ε0c/2λ_L)|E − E₀|.

    Raises:
        ParameterError: unless penetration_depth [m] > 0.
    """
    lam = require_positive("penetration_depth", penetration_depth, "m")
    return ELEMENTARY_CHARGE * lam / (ELECTRON_MASS * SPEED_OF_LIGHT)


# --------------------------------------------------------------------------- Bessel functions


def _trapezoid(a: float, b: float, n: int):
    t = np.linspace(a, b, n)
    w = np.full(n, (b - a) / (n - 1))
    w[0] = w[-1] = 0.5 * (b - a) / (n - 1)
    return t, w


def _by_chunks(x: np.ndarray, f, size: int = 256) -> np.ndarray:
    """f over sorted chunks of the flattened x (each chunk picks its own quadrature)."""
    flat = x.ravel()
    order = np.argsort(flat)
    out = np.empty(flat.size)
    for k in range(0, flat.size, size):
        idx = order[k:k + size]
        out[idx] = f(flat[idx])
    return out.reshape(x.shape)


def bessel_i_scaled(order: int, x):
    """e^{−x} I_n(x) for integer n ≥ 0 and x ≥ 0, any array shape.

    I_n(x) = (1/π)∫₀^π e^{x cos t} cos(nt) dt (Abramowitz–Stegun 9.6.19) by the trapezoid rule,
    which is spectrally accurate for this periodic integrand: its error is set by I_k(x)/I_0(x)
    ~ e^{−k²/2x} at k = 2N, so N = 5√x + 32 intervals give round-off accuracy (tests: < 1e-12
    relative to scipy for 0 ≤ x ≤ 2000).
    """
    x = np.asarray(x, dtype=float)

    def f(v):
        t, w = _trapezoid(0.0, math.pi, int(5 * math.sqrt(v.max())) + 33)
        return np.exp(v[:, None] * (np.cos(t)[None] - 1.0)) @ (np.cos(order * t) * w) / math.pi

    return _by_chunks(x, f)


def bessel_k_scaled(order: int, x):
    """e^{x} K_n(x) for integer n ≥ 0 and x > 0, any array shape.

    K_n(x) = ∫₀^∞ e^{−x cosh t} cosh(nt) dt (Abramowitz–Stegun 9.6.24) by the trapezoid rule on
    [0, arccosh(1 + 40/x) + 1] with step min(0.1, 0.5/√x): the integrand is even and analytic, so
    the error falls like e^{x(1 − cos y) − 2πy/step} (tests: < 1e-12 relative to scipy for
    0.01 ≤ x ≤ 2000).

    Raises:
        ParameterError: for x ≤ 0.
    """
    x = np.asarray(x, dtype=float)
    if np.any(x <= 0):
        raise ParameterError("parameter 'x' of K_n is out of range: must be > 0")

    def f(v):
        top = math.acosh(1.0 + 40.0 / v.min()) + 1.0
        step = min(0.1, 0.5 / math.sqrt(v.max()))
        t, w = _trapezoid(0.0, top, int(math.ceil(top / step)) + 1)
        return np.exp(-v[:, None] * (np.cosh(t)[None] - 1.0)) @ (np.cosh(order * t) * w)

    return _by_chunks(x, f)


# --------------------------------------------------------------------------- closed forms


def _i_ratio(order: int, r, R: float, lam: float):
    """I_n(r/λ)/I1(R/λ) without overflow."""
    r = np.asarray(r, dtype=float)
    return bessel_i_scaled(order, r / lam) / bessel_i_scaled(1, R / lam) * np.exp((r - R) / lam)


def cylinder_charge(r, radius: float, penetration_depth: float, rho0: float) -> dict:
    """Closed-form charge sector of a long cylinder (module docstring, "Closed forms").

    Args:
        r: radii [m], any shape, 0 ≤ r ≤ radius.
        radius: R [m]; penetration_depth: λ_L [m]; rho0: ρ₀ [C/m³].

    Returns:
        dict of arrays shaped like r: ``rho`` [C/m³], ``E`` (radial) [V/m], ``phi`` [V] with
        φ(R) = 0, ``dE`` = E − E₀ (radial) [V/m], and the scalar ``E_m`` = ρ₀R/2ε0 [V/m].

    Raises:
        ParameterError: for non-positive radius or λ_L.
    """
    R = require_positive("radius", radius, "m")
    lam = require_positive("penetration_depth", penetration_depth, "m")
    r = np.asarray(r, dtype=float)
    eps = VACUUM_PERMITTIVITY
    Em = rho0 * R / (2 * eps)
    i0, i1 = _i_ratio(0, r, R, lam), _i_ratio(1, r, R, lam)
    i0R = _i_ratio(0, R, R, lam)
    return {"rho": rho0 * (1 - R / (2 * lam) * i0), "E": Em * (r / R - i1),
            "phi": rho0 / (2 * eps) * ((R ** 2 - r ** 2) / 2 - R * lam * (i0R - i0)), "dE": -Em * i1, "E_m": Em}


def annulus_charge(r, inner_radius: float, radius: float, penetration_depth: float, rho0: float) -> dict:
    """Closed-form charge sector of a long tube a < r < R (module docstring, "Closed forms").

    ρ − ρ₀ = αI0(r/λ_L) + βK0(r/λ_L) with ∂ρ/∂r = 0 at r = a (no field of ρ − ρ₀ in the hole) and
    zero total charge; E by Gauss's law from the hole (where E = 0), φ(R) = 0.

    Returns:
        dict with ``rho``, ``E``, ``phi``, ``dE`` shaped like r (a ≤ r ≤ R), SI units as in
        :func:`cylinder_charge`, and the hole potential ``phi_hole`` [V].

    Raises:
        ParameterError: unless 0 < inner_radius < radius and λ_L > 0.
    """
    a = require_positive("inner_radius", inner_radius, "m")
    R = require_positive("radius", radius, "m")
    lam = require_positive("penetration_depth", penetration_depth, "m")
    if a >= R:
        raise ParameterError(f"parameter 'inner_radius' = {a} m is out of range: must be < radius = {R} m")
    eps = VACUUM_PERMITTIVITY

    def ii(n, r):                      # I_n(r/λ)/I1(R/λ)
        return _i_ratio(n, r, R, lam)

    def kk(n, r):                      # K_n(r/λ)/K1(a/λ)
        r = np.asarray(r, dtype=float)
        return bessel_k_scaled(n, r / lam) / bessel_k_scaled(1, a / lam) * np.exp(-(r - a) / lam)

    # δρ = α·ii(0) + β·kk(0); δρ'(a) = (α ii(1, a) − β kk(1, a))/λ = 0, kk(1, a) = 1
    ratio = float(ii(1, a))
    # ∫_a^R δρ r dr = αλ[R ii1(R) − a ii1(a)] − βλ[R kk1(R) − a kk1(a)] = −ρ₀(R² − a²)/2
    coef = lam * (R * 1.0 - a * ratio) - ratio * lam * (R * float(kk(1, R)) - a * 1.0)
    alpha = -rho0 * (R ** 2 - a ** 2) / 2 / coef
    beta = alpha * ratio
    r = np.asarray(r, dtype=float)

    def enclosed(r):                   # ∫_a^r ρ r' dr'
        return (rho0 * (r ** 2 - a ** 2) / 2 + alpha * lam * (r * ii(1, r) - a * ratio)
                - beta * lam * (r * kk(1, r) - a * 1.0))

    def antiderivative(r):             # F with F' = E
        return (rho0 * (r ** 2 / 4 - a ** 2 / 2 * np.log(r)) + alpha * lam * (lam * ii(0, r) - a * ratio * np.log(r))
                - beta * lam * (-lam * kk(0, r) - a * np.log(r))) / eps

    E = enclosed(r) / (eps * r)
    return {"rho": rho0 + alpha * ii(0, r) + beta * kk(0, r), "E": E,
            "phi": antiderivative(R) - antiderivative(r),
            "dE": (lam / eps) * (alpha * ii(1, r) - beta * kk(1, r)),            # (λ²/ε0) ∂ρ/∂r
            "phi_hole": float(antiderivative(R) - antiderivative(a))}


def slab_charge(x, thickness: float, penetration_depth: float, rho0: float) -> dict:
    """Closed-form charge sector of a slab |x| < d/2 (module docstring, "Closed forms").

    ρ = ρ₀[1 − (d/2λ_L) cosh(x/λ_L)/sinh(d/2λ_L)], E = (ρ₀/ε0)[x − (d/2) sinh(x/λ_L)/sinh(d/2λ_L)],
    φ(±d/2) = 0.

    Returns:
        dict with ``rho`` [C/m³], ``E`` (along x) [V/m], ``phi`` [V], ``dE`` [V/m] shaped like x.

    Raises:
        ParameterError: for non-positive thickness or λ_L.
    """
    d = require_positive("thickness", thickness, "m")
    lam = require_positive("penetration_depth", penetration_depth, "m")
    x = np.asarray(x, dtype=float)
    eps = VACUUM_PERMITTIVITY
    den = 1 - np.exp(-d / lam)
    ch = (np.exp((x - d / 2) / lam) + np.exp((-x - d / 2) / lam)) / den      # cosh(x/λ)/sinh(d/2λ)
    sh = (np.exp((x - d / 2) / lam) - np.exp((-x - d / 2) / lam)) / den
    chd = (1 + np.exp(-d / lam)) / den
    return {"rho": rho0 * (1 - d / (2 * lam) * ch), "E": rho0 / eps * (x - d / 2 * sh),
            "phi": rho0 / eps * ((d ** 2 / 4 - x ** 2) / 2 - d * lam / 2 * (chd - ch)),
            "dE": -rho0 * d / (2 * eps) * sh}


def cylinder_field(r, radius: float, penetration_depth: float, applied_field: float = 1.0):
    """London's (and, for a static field, Hirsch's) B(r) = H I0(r/λ)/I0(R/λ) in a long cylinder in
    a parallel field H (F. and H. London, Proc. R. Soc. A 149, 71 (1935)); shaped like r, units of H.

    Raises:
        ParameterError: for non-positive radius or λ.
    """
    R = require_positive("radius", radius, "m")
    lam = require_positive("penetration_depth", penetration_depth, "m")
    r = np.asarray(r, dtype=float)
    return applied_field * bessel_i_scaled(0, r / lam) / bessel_i_scaled(0, R / lam) * np.exp((r - R) / lam)


def annulus_field(r, inner_radius: float, radius: float, penetration_depth: float, applied_field: float = 1.0,
                  hole_field: float = 0.0):
    """London's B(r) = P I0(r/λ) + Q K0(r/λ) in a tube a < r < R with B(R) = H, B(a) = hole_field.

    Raises:
        ParameterError: unless 0 < inner_radius < radius and λ > 0.
    """
    a = require_positive("inner_radius", inner_radius, "m")
    R = require_positive("radius", radius, "m")
    lam = require_positive("penetration_depth", penetration_depth, "m")
    if a >= R:
        raise ParameterError(f"parameter 'inner_radius' = {a} m is out of range: must be < radius = {R} m")
    r = np.asarray(r, dtype=float)
    iR = lambda s: bessel_i_scaled(0, s / lam) / bessel_i_scaled(0, R / lam) * np.exp((s - R) / lam)
    ka = lambda s: bessel_k_scaled(0, s / lam) / bessel_k_scaled(0, a / lam) * np.exp(-(s - a) / lam)
    # B = P·iR + Q·ka; B(R) = P + Q ka(R) = H, B(a) = P iR(a) + Q = B_h
    m = np.array([[1.0, float(ka(R))], [float(iR(a)), 1.0]])
    P, Q = np.linalg.solve(m, [applied_field, hole_field])
    return P * iR(r) + Q * ka(r)


# --------------------------------------------------------------------------- radial lattice


@dataclasses.dataclass(frozen=True)
class RadialSolution:
    """Charge sector of a cylinder or tube on cylindrical cells (SI).

    Attributes:
        r: (n,) cell centres [m]; rho: (n,) ρ [C/m³]; phi: (n,) φ [V] (0 outside).
        r_face: (n + 1,) cell faces [m]; E: (n + 1,) radial E on faces [V/m].
        dE: (n + 1,) E − E₀ = (λ_L²/ε0)∂ρ/∂r on faces between two material cells, 0 elsewhere [V/m].
        inside: (n,) bool, material cells. phi_hole: potential of the hole [V] (0 without one).
    """

    r: np.ndarray
    rho: np.ndarray
    phi: np.ndarray
    r_face: np.ndarray
    E: np.ndarray
    dE: np.ndarray
    inside: np.ndarray
    phi_hole: float


def _radial_setup(radius, inner_radius, penetration_depth, n_cells):
    R = require_positive("radius", radius, "m")
    lam = require_positive("penetration_depth", penetration_depth, "m")
    if int(n_cells) != n_cells or n_cells < 8:
        raise ParameterError(f"parameter 'n_cells' = {n_cells!r} is out of range: must be an integer ≥ 8")
    h = R / n_cells
    j0 = 0
    if inner_radius:
        a = require_positive("inner_radius", inner_radius, "m")
        j0 = a / h
        if a >= R or abs(j0 - round(j0)) > 1e-6 or round(j0) < 1 or n_cells - round(j0) < 4:
            raise ParameterError(f"parameter 'inner_radius' = {a} m is out of range: must be a multiple of "
                                 f"radius/n_cells = {h} m in (0, radius − 4·{h} m]")
        j0 = int(round(j0))
    n = n_cells + 3
    r = (np.arange(n) + 0.5) * h
    faces = np.arange(n + 1) * h
    # L φ = [f_{j+1}(φ_{j+1} − φ_j) − f_j(φ_j − φ_{j−1})]/(h² r_j): symmetric in the weights r_j h
    L = np.zeros((n, n))
    for j in range(n):
        up, dn = faces[j + 1], faces[j]
        L[j, j] = -(up + dn) / (h * h * r[j])
        if j + 1 < n:
            L[j, j + 1] = up / (h * h * r[j])
        if j > 0:
            L[j, j - 1] = dn / (h * h * r[j])
    inside = (np.arange(n) >= j0) & (np.arange(n) < n_cells)
    return R, lam, h, j0, n, r, faces, L, inside


def solve_charge_radial(radius: float, penetration_depth: float, rho0: float, *, inner_radius: float = 0.0,
                        n_cells: int = 1000) -> RadialSolution:
    """Hirsch's charge sector of a cylinder (or a tube inner_radius < r < radius) on ``n_cells``
    cylindrical cells of width h = radius/n_cells: the discrete energy W of the module docstring,
    minimized with φ free on interior cells, φ = 0 on the last material cell and outside, and one
    free constant on the hole and its boundary cell; dense direct solve (numpy).

    Args:
        radius: R [m]; penetration_depth: λ_L [m]; rho0: ρ₀ [C/m³].
        inner_radius: a [m], a multiple of h (0: a full cylinder).
        n_cells: cells across the material radius (second-order accurate in h/λ_L).

    Raises:
        ParameterError: for non-positive sizes, n_cells < 8, or an inner radius off the cell faces.
    """
    _, lam, h, j0, n, r, faces, L, inside = _radial_setup(radius, inner_radius, penetration_depth, n_cells)
    w = r * h
    K = w[:, None] * (lam ** 2 * (L @ L) - L)             # symmetric
    first_free = j0 + 1 if j0 > 0 else 0
    free = np.flatnonzero((np.arange(n) >= first_free) & (np.arange(n) < n_cells - 1))
    cols = [np.eye(n)[:, free]]
    if j0 > 0:
        cols.append((np.arange(n) <= j0).astype(float)[:, None])
    B = np.hstack(cols)
    rhs = B.T @ (w * inside * (rho0 / VACUUM_PERMITTIVITY))
    x = np.linalg.solve(B.T @ K @ B, rhs)
    phi = B @ x
    rho = -VACUUM_PERMITTIVITY * (L @ phi) * inside
    E = np.zeros(n + 1)
    E[1:n] = -(phi[1:] - phi[:-1]) / h
    dE = np.zeros(n + 1)
    both = inside[1:] & inside[:-1]
    dE[1:n] = np.where(both, lam ** 2 / VACUUM_PERMITTIVITY * (rho[1:] - rho[:-1]) / h, 0.0)
    return RadialSolution(r, rho, phi, faces, E, dE, inside, float(phi[0]) if j0 > 0 else 0.0)


def solve_field_radial(radius: float, penetration_depth: float, applied_field: float = 1.0, *,
                       inner_radius: float = 0.0, hole_field: float = 0.0, n_cells: int = 1000):
    """London's ∇²B = B/λ² in a cylinder (or tube) on cylindrical cells, B = applied_field on the
    outer surface and hole_field on the inner one (the face values, second order).

    Returns:
        (r, B): cell centres [m] and B in units of applied_field's, over the material cells.

    Raises:
        ParameterError: as :func:`solve_charge_radial`.
    """
    _, lam, h, j0, _, r, faces, L, inside = _radial_setup(radius, inner_radius, penetration_depth, n_cells)
    idx = np.flatnonzero(inside)
    A = L[np.ix_(idx, idx)].copy()
    b = np.zeros(len(idx))
    # Dirichlet on the faces: the outside neighbour takes 2B_face − B_inside
    last, first = len(idx) - 1, 0
    up = faces[n_cells] / (h * h * r[n_cells - 1])
    A[last, last] -= up
    b[last] -= 2 * up * applied_field
    if j0 > 0:
        dn = faces[j0] / (h * h * r[j0])
        A[first, first] -= dn
        b[first] -= 2 * dn * hole_field
    A -= np.eye(len(idx)) / lam ** 2
    return r[idx], np.linalg.solve(A, b)


# --------------------------------------------------------------------------- 2D lattice


@dataclasses.dataclass(frozen=True)
class ChargeSolution:
    """Charge and spin sectors on a 2D cross-section (SI; node and link layout of docs/model.md).

    Attributes:
        rho: (nx, ny) ρ [C/m³] on nodes (0 outside the material).
        phi: (nx, ny) φ [V] on nodes (0 outside, the hole's constant in a hole).
        ex, ey: (nx, ny) E on x- and y-links [V/m] (0 outside the material).
        dex, dey: (nx, ny) E − E₀ = (λ_L²/ε0)∇ρ on links between two material nodes [V/m].
        spin_current: (2, nx, ny) J_σ for σ = +ẑ on nodes, −(cλ_L/2) ẑ×∇ρ [A/m²] (∇ρ averaged
            from the adjacent material links).
        spin_velocity: (2, nx, ny) v_σ = J_σ/(−|e|n_s/2) for σ = +ẑ [m/s].
        hole_potentials: (n_holes,) φ of each hole [V].
        iterations: conjugate-gradient iterations; relative_residual: final ‖r‖/‖b‖.
        spacing: (hx, hy) [m].
    """

    rho: np.ndarray
    phi: np.ndarray
    ex: np.ndarray
    ey: np.ndarray
    dex: np.ndarray
    dey: np.ndarray
    spin_current: np.ndarray
    spin_velocity: np.ndarray
    hole_potentials: np.ndarray
    iterations: int
    relative_residual: float
    spacing: tuple


def _neighbours(mask: np.ndarray, periodic) -> list:
    """The four shifted copies of ``mask`` (value at the neighbour), False beyond open edges."""
    out = []
    for axis in (0, 1):
        for step in (-1, 1):
            m = np.roll(mask, step, axis=axis)
            if not periodic[axis]:
                sl = [slice(None), slice(None)]
                sl[axis] = 0 if step == 1 else -1
                m[tuple(sl)] = False
            out.append(m)
    return out


def _components(free: np.ndarray, periodic) -> tuple[np.ndarray, int]:
    """4-connected components of the True nodes of ``free``: (labels (−1 elsewhere), count)."""
    nx, ny = free.shape
    labels = np.full(free.shape, -1, dtype=np.int64)
    count = 0
    for start in zip(*np.nonzero(free)):
        if labels[start] >= 0:
            continue
        labels[start] = count
        queue = deque([start])
        while queue:
            i, j = queue.popleft()
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                a, b = i + di, j + dj
                if periodic[0]:
                    a %= nx
                if periodic[1]:
                    b %= ny
                if 0 <= a < nx and 0 <= b < ny and free[a, b] and labels[a, b] < 0:
                    labels[a, b] = count
                    queue.append((a, b))
        count += 1
    return labels, count


def _regions(site: np.ndarray, grid: Grid):
    """Interior nodes, hole sets (hole nodes ∪ their material neighbours) and checks."""
    periodic = (grid.periodic_x, grid.periodic_y)
    if (not periodic[0] and (site[0].any() or site[-1].any())) or \
            (not periodic[1] and (site[:, 0].any() or site[:, -1].any())):
        raise ParameterError("parameter 'lat': the material must stay at least one node inside the open edges "
                             "of the box (the field outside is computed on those nodes)")
    empty = ~site
    if not empty.any():
        raise ParameterError("parameter 'lat': the material fills the periodic box; it needs a surface")
    interior = site.copy()
    for nb in _neighbours(site, periodic):
        interior &= nb
    if not interior.any():
        raise ParameterError("parameter 'lat': no interior node (the material must be ≥ 3 nodes wide)")
    labels, count = _components(empty, periodic)
    touches = set()
    for axis in (0, 1):
        if not periodic[axis]:
            for edge in (0, -1):
                touches |= set(np.unique(np.take(labels, edge, axis=axis))) - {-1}
    if not touches:                                    # fully periodic: the largest region is "outside"
        touches = {int(np.argmax(np.bincount(labels[labels >= 0])))}
    holes = []
    for k in range(count):
        if k in touches:
            continue
        hole = labels == k
        near = np.zeros_like(site)
        for nb in _neighbours(hole, periodic):
            near |= nb
        rim = near & site
        other = empty & ~hole
        rim_next = np.zeros_like(site)
        for nb in _neighbours(rim, periodic):
            rim_next |= nb
        if (rim_next & other).any():
            raise ParameterError("parameter 'lat': a wall between a hole and another empty region is thinner "
                                 "than 2 lattice spacings")
        holes.append(hole | rim)
    return interior, holes


def _laplacian(f, hx, hy):
    """5-point Laplacian with jnp.roll (valid where f vanishes on open box edges)."""
    return ((jnp.roll(f, -1, 0) + jnp.roll(f, 1, 0) - 2 * f) / hx ** 2
            + (jnp.roll(f, -1, 1) + jnp.roll(f, 1, 1) - 2 * f) / hy ** 2)


def _cg(matvec, b, tol, maxiter):
    """Conjugate gradients (M. R. Hestenes and E. Stiefel, J. Res. NBS 49, 409 (1952)) on a flat
    vector; stops at ‖r‖ ≤ tol‖b‖. Returns (x, iterations, ‖r‖/‖b‖) with the true residual."""
    bnorm = jnp.sqrt(jnp.vdot(b, b))

    def cond(s):
        rr, k = s[3], s[4]
        return (jnp.sqrt(rr) > tol * bnorm) & (k < maxiter)

    def body(s):
        x, r, p, rr, k = s
        q = matvec(p)
        alpha = rr / jnp.vdot(p, q)
        x = x + alpha * p
        r = r - alpha * q
        rr_new = jnp.vdot(r, r)
        return x, r, r + (rr_new / rr) * p, rr_new, k + 1

    x0 = jnp.zeros_like(b)
    x, _, _, _, k = jax.lax.while_loop(cond, body, (x0, b, b, jnp.vdot(b, b), 0))
    res = b - matvec(x)
    return x, k, jnp.sqrt(jnp.vdot(res, res)) / bnorm


@jax.jit
def _charge_cg(interior, holes, body, hx, hy, tol, maxiter):
    n_holes = holes.shape[0]
    shape = interior.shape

    size = shape[0] * shape[1]

    def expand(x):
        phi = x[:size].reshape(shape) * interior
        if n_holes:
            phi = phi + jnp.tensordot(x[size:], holes, 1)
        return phi

    def matvec(x):
        phi = expand(x)
        lap = _laplacian(phi, hx, hy)
        g = _laplacian(lap, hx, hy) - lap
        parts = [(g * interior).ravel()]
        if n_holes:
            parts.append(jnp.tensordot(holes, g, 2))
        return jnp.concatenate(parts)

    parts = [(body * interior).ravel()]
    if n_holes:
        parts.append(jnp.tensordot(holes, body, 2))
    b = jnp.concatenate(parts)
    x, k, res = _cg(matvec, b, tol, maxiter)
    return expand(x), k, res


def solve_charge(lat: Lattice, penetration_depth: float, rho0: float, *, tol: float = 1e-9,
                 max_iter: int = 200000) -> ChargeSolution:
    """Hirsch's charge and spin sectors on the cross-section ``lat`` (module docstring): neutral,
    no field outside, ρ − ρ₀ screened within λ_L of every surface.

    Args:
        lat: lattice whose grid spacings are in units of λ_L (not ξ); its material must stay one
            node inside open box edges. Holes (empty regions not touching an open edge) get a free
            potential; empty regions touching an open edge are held at φ = 0.
        penetration_depth: λ_L [m]. rho0: uniform background ρ₀ [C/m³] (see
            :func:`background_density`).
        tol: relative residual of conjugate gradients; max_iter: their iteration cap.

    Returns:
        :class:`ChargeSolution`.

    Raises:
        ParameterError: for a non-positive λ_L, material on an open edge, no interior node, a wall
            thinner than 2 nodes, or conjugate gradients not reaching ``tol`` in ``max_iter``.
    """
    lam = require_positive("penetration_depth", penetration_depth, "m")
    if not jax.config.jax_enable_x64 and tol < 1e-5:
        raise ParameterError(f"parameter 'tol' = {tol:g} is out of range in float32: allowed ≥ 1e-5 "
                             "(jax.config.update('jax_enable_x64', True) for smaller)")
    grid = lat.grid
    site = np.asarray(lat.site) > 0
    interior, holes = _regions(site, grid)
    real = jnp.float64 if jax.config.jax_enable_x64 else jnp.float32
    hole_arr = np.array(holes, dtype=float).reshape(len(holes), *site.shape)
    phi_s, k, res = _charge_cg(jnp.asarray(interior, real), jnp.asarray(hole_arr, real), jnp.asarray(site, real),
                               grid.hx, grid.hy, tol, int(max_iter))
    if not float(res) <= 10 * tol:
        raise ParameterError(f"parameter 'max_iter' = {max_iter}: conjugate gradients reached a relative residual "
                             f"{float(res):.2e} > tol = {tol:g}; raise max_iter (allowed: any integer ≥ 1)")
    # scaled units: lengths λ, ρ in ρ₀, φ in ρ₀λ²/ε0, E in ρ₀λ/ε0
    phi_s = np.asarray(phi_s)
    lap = np.asarray(_laplacian(jnp.asarray(phi_s), grid.hx, grid.hy))
    rho_s = -lap * site
    e_unit = rho0 * lam / VACUUM_PERMITTIVITY
    ex = -(np.roll(phi_s, -1, 0) - phi_s) / grid.hx
    ey = -(np.roll(phi_s, -1, 1) - phi_s) / grid.hy
    lx = site & np.roll(site, -1, 0)
    ly = site & np.roll(site, -1, 1)
    if not grid.periodic_x:
        ex[-1] = 0.0
        lx[-1] = False
    if not grid.periodic_y:
        ey[:, -1] = 0.0
        ly[:, -1] = False
    gx = np.where(lx, (np.roll(rho_s, -1, 0) - rho_s) / grid.hx, 0.0)          # ∂ρ/∂x on x-links
    gy = np.where(ly, (np.roll(rho_s, -1, 1) - rho_s) / grid.hy, 0.0)
    # node averages over the adjacent material links
    nxl = lx.astype(float) + np.roll(lx, 1, 0)
    nyl = ly.astype(float) + np.roll(ly, 1, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        gnx = np.where(nxl > 0, (gx + np.roll(gx, 1, 0)) / nxl, 0.0) * site
        gny = np.where(nyl > 0, (gy + np.roll(gy, 1, 1)) / nyl, 0.0) * site
    grad_unit = rho0 / lam                                                       # ∇ρ in C/m⁴
    c = SPEED_OF_LIGHT
    # J_σ = −(cλ/2) ẑ × ∇ρ = −(cλ/2)(−∂_yρ, ∂_xρ)
    spin = np.stack([c * lam / 2 * gny, -c * lam / 2 * gnx]) * grad_unit
    n_half = superfluid_density(lam) / 2
    velocity = spin / (-ELEMENTARY_CHARGE * n_half)
    phi_unit = rho0 * lam ** 2 / VACUUM_PERMITTIVITY
    hole_pot = np.array([float(np.mean(phi_s[h > 0])) for h in hole_arr]) * phi_unit
    de_unit = lam ** 2 / VACUUM_PERMITTIVITY * grad_unit                       # (λ²/ε0)∇ρ in V/m
    return ChargeSolution(rho_s * rho0, phi_s * phi_unit, ex * e_unit, ey * e_unit, gx * de_unit, gy * de_unit,
                          spin, velocity, hole_pot, int(k), float(res), (grid.hx * lam, grid.hy * lam))


@jax.jit
def _field_cg(site, boundary_value, n_out, hx, hy, tol, maxiter):
    shape = site.shape

    def matvec(x):
        B = x.reshape(shape) * site
        # −∇²B over material links, + 2B/h² per link to an empty neighbour, + B/λ² (λ = 1)
        lap_in = ((jnp.roll(B, -1, 0) + jnp.roll(B, 1, 0)) / hx ** 2
                  + (jnp.roll(B, -1, 1) + jnp.roll(B, 1, 1)) / hy ** 2)
        return ((-lap_in + (2 / hx ** 2 + 2 / hy ** 2) * B + n_out * B + B) * site).ravel()

    x, k, res = _cg(matvec, boundary_value.ravel(), tol, maxiter)
    return x.reshape(shape) * site, k, res


def solve_field(lat: Lattice, applied_field: float = 1.0, *, hole_field: float = 0.0, tol: float = 1e-10,
                max_iter: int = 100000):
    """London's ∇²B = B/λ² on the cross-section ``lat`` (grid lengths in units of λ), B = H on the
    surface facing the outside and ``hole_field`` on the surface of every hole (a zero-field-cooled
    tube with walls ≫ λ has a hole field ≈ 0). The boundary value is imposed on the cell face,
    half a spacing beyond the outermost nodes (the outside node takes 2B_face − B_inside).

    Returns:
        (B, iterations): B on nodes, (nx, ny), in the units of applied_field (0 off the material).

    Raises:
        ParameterError: as :func:`solve_charge` for the geometry, or if conjugate gradients do not
            reach ``tol``.
    """
    grid = lat.grid
    site = np.asarray(lat.site) > 0
    _, holes = _regions(site, grid)
    periodic = (grid.periodic_x, grid.periodic_y)
    value = np.full(site.shape, float(applied_field))
    for h in holes:
        value[h & ~site] = hole_field
    # per node and empty neighbour: B_i/h² more on the diagonal, 2·value/h² on the right-hand side
    n_out = np.zeros(site.shape)
    rhs = np.zeros(site.shape)
    for (axis, step), nb in zip([(0, -1), (0, 1), (1, -1), (1, 1)], _neighbours(site, periodic)):
        hh = grid.hx if axis == 0 else grid.hy
        empty_nb = ~nb & site
        n_out += empty_nb / hh ** 2
        rhs += empty_nb * 2 * np.roll(value, step, axis=axis) / hh ** 2
    real = jnp.float64 if jax.config.jax_enable_x64 else jnp.float32
    B, k, res = _field_cg(jnp.asarray(site, real), jnp.asarray(rhs, real), jnp.asarray(n_out, real), grid.hx,
                          grid.hy, tol, int(max_iter))
    if not float(res) <= 10 * tol:
        raise ParameterError(f"parameter 'max_iter' = {max_iter}: conjugate gradients reached a relative residual "
                             f"{float(res):.2e} > tol = {tol:g}")
    return np.asarray(B), int(k)
