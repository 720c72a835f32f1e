"""What is simulated: one :class:`Model` pytree, the condensation term and the ψ rate, each written once.

The model (docs/model.md, "The model") is

    f = −ε(r, t)|ψ|² + ½|ψ|⁴ + |(∇ − iA)ψ|² + κ²(∇×A − H(t))²,
    ε(r, t) = ε(r)·(1 − T(t)/T_c)/(1 − T_ref/T_c),

with lengths in ξ(T_ref), fields in B_c2(T_ref) and ψ in ψ∞(T_ref): ε(r) = 1 in clean material at
the reference temperature, < 1 in pinning sites and weak links, < 0 in normal metal. The
dynamics is the generalized TDGL of L. Kramer and R. J. Watts-Tobin, Phys. Rev. Lett. 40, 1041
(1978), in the form and normalization of pyTDGL (L. Bishop-Van Horn, Comput. Phys. Commun. 291,
108799 (2023), Eqs. 1–3):

    u/√(1 + γ²|ψ|²) (∂t + iμ + ½γ² ∂t|ψ|²) ψ = −∂f/∂ψ*,    σ(∂t A + ∇μ) = J_s − κ²∇×(∇×A − H),

time in t0 = μ0σ_nλ². γ = 0 gives the plain TDGL u(∂t + iμ)ψ = −∂f/∂ψ*.

How A is treated is a static *type*, not a flag: :data:`FROZEN` (A = A_applied(t) carried by the
state's links) and :data:`UNIFORM` (A = the uniform applied field, generated in the kernel), the
thin-film limit without screening; :data:`PEARL` (a thin film screening over the Pearl length
Λ = 2λ²/d); or :data:`BULK` (A evolves with κ). :func:`gl.tdgl.run_steps` chooses the
kernel from it in one place.
"""
from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from .errors import ParameterError, require_positive
from .gauge import unit_potential as gauge_unit_potential


# ---------------------------------------------------------------------------------------------
# time dependence
# ---------------------------------------------------------------------------------------------

@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class Schedule:
    """A piecewise-linear function of time, constant before the first and after the last knot.

    Attributes:
        times: (k,) increasing knot times [t0].
        values: (k,) values at the knots (the unit is the quantity's: B_c2 for the field,
            T/T_c for the temperature).

    ``k`` is static (an array shape): a one-knot schedule is a constant, which the kernels know
    at trace time; knot values and times are traced, so a sweep over them does not recompile.
    """

    times: jax.Array
    values: jax.Array

    @property
    def is_constant(self) -> bool:
        return self.times.shape[0] == 1

    def at(self, t):
        """Value at time ``t`` [t0] (linear between knots)."""
        if self.is_constant:
            return self.values[0]
        return jnp.interp(t, self.times, self.values)


def schedule(value_or_knots, dtype=None, name: str = "schedule") -> Schedule:
    """A :class:`Schedule` from a number (constant) or a sequence of (time [t0], value) knots.

    Raises:
        ParameterError: for no knots, non-finite entries or knot times that do not increase.
    """
    if isinstance(value_or_knots, Schedule):
        return value_or_knots
    dtype = dtype or jnp.result_type(float)
    if np.ndim(value_or_knots) == 0:
        v = float(value_or_knots)
        if not np.isfinite(v):
            raise ParameterError(f"parameter '{name}' = {value_or_knots!r} is out of range: must be finite")
        return Schedule(jnp.zeros((1,), dtype), jnp.full((1,), v, dtype))
    knots = np.asarray(value_or_knots, dtype=float)
    if knots.ndim != 2 or knots.shape[1] != 2 or knots.shape[0] < 1:
        raise ParameterError(f"parameter '{name}': expected a number or a list of (time, value) pairs, "
                             f"got shape {knots.shape}")
    if not np.all(np.isfinite(knots)):
        raise ParameterError(f"parameter '{name}': knots must be finite")
    if np.any(np.diff(knots[:, 0]) <= 0):
        raise ParameterError(f"parameter '{name}': knot times must increase strictly, got {knots[:, 0].tolist()}")
    return Schedule(jnp.asarray(knots[:, 0], dtype), jnp.asarray(knots[:, 1], dtype))


# ---------------------------------------------------------------------------------------------
# how A is treated
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FrozenA:
    """A is not dynamical: it is the applied potential. Screening is neglected: the thin-film
    limit Λ = 2λ²/d ≫ sample size, or κ → ∞.

    Attributes:
        uniform: False (:data:`FROZEN`): the state's link phases carry A (so any frozen A, e.g. a
            ring's flux, can be set there), and a time-dependent H(t) shifts them by
            (H(t) − H(t_start))·A_unit, the uniform-field potential of unit strength in the model's
            gauge. True (:data:`UNIFORM`): A = H(t)·A_unit exactly; the kernels generate the link
            factors in the step from a row and a column (no per-site link data) and the state's
            link phases are replaced by it.
    """

    uniform: bool = False


@dataclasses.dataclass(frozen=True)
class BulkA:
    """A evolves: σ ∂t A = J_s − κ²∇×(∇×A − H(t)), the 2D (infinite-cylinder) model with κ."""


@dataclasses.dataclass(frozen=True)
class PearlA:
    """A thin film with its own screening (J. Pearl, Appl. Phys. Lett. 5, 65 (1964)):
    A = A_applied(t) + A_K, where A_K(k) = K(k)/(Λ|k|) is the in-plane vector potential of the
    film's sheet current K (Pearl length Λ = 2λ²/d, :attr:`Model.pearl_length`), evaluated
    without periodic images (:mod:`gl.screening`). The state's links carry the total A. In the
    dynamics K relaxes to the supercurrent, σ ∂t K = J_s − K, so stationary states are the
    self-consistently screened ones (K = J_s); the free energy adds the sheet current's magnetic
    energy ∫K·A_K d²r. Open grids only."""


FROZEN = FrozenA()
UNIFORM = FrozenA(uniform=True)
BULK = BulkA()
PEARL = PearlA()
VECTOR_POTENTIALS = {"frozen": FROZEN, "uniform": UNIFORM, "bulk": BULK, "pearl": PEARL}


# ---------------------------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------------------------

@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class Model:
    """Everything that is simulated besides the lattice and the state (dimensionless GL units).

    Attributes:
        kappa: () GL parameter κ = λ/ξ (> 0).
        u: () ratio of the ψ and current relaxation times (5.79 in the dirty limit, Kramer and
            Watts-Tobin 1978).
        sigma: () normal conductivity in units of 1/(μ0 λ²/t0) (1 with the time unit t0).
        gamma: () inelastic-scattering parameter γ of the generalized TDGL (0: plain TDGL).
        epsilon: () or (nx, ny) condensation coefficient ε(r) on nodes at the reference
            temperature (1: clean material).
        applied_field: :class:`Schedule` H(t) along z [B_c2(T_ref)].
        temperature: :class:`Schedule` T(t)/T_c.
        reference_temperature: () T_ref/T_c at which the units are defined (< 1).
        pearl_length: () thin-film screening length Λ = 2λ²/d [ξ(T_ref)] used by :data:`PEARL`
            (0 when not given: unused by the other types).
        source_potential: None (the applied potential is H(t)·A_unit of a uniform field in
            ``gauge``) or (a_x, a_y), each (nx, ny): the link phases of a local source at unit
            strength (e.g. :func:`gl.sources.link_phases` of a field-coil loop at current 1 I0);
            the applied potential is then ``applied_field(t)``·(a_x, a_y), so the schedule is the
            source's strength (a coil's AC current). Frozen (non-uniform) and :data:`PEARL` only.
        vector_potential: static :data:`FROZEN`, :data:`UNIFORM`, :data:`PEARL` or :data:`BULK`.
        gauge: static gauge of the uniform-field potential A_unit (see
            :func:`gl.gauge.applied_link_phases`; "auto" picks one periodic along periodic axes).
        electric_potential: static; keep μ from σ∇²μ = ∇·J_s (current conserved in transients;
            rectangles only, see :mod:`gl.boundary`) instead of μ = 0 (pure relaxation).
        generalized: static; True when γ ≠ 0 (selects the generalized-TDGL arithmetic). Set by
            :func:`make_model`; change γ with :meth:`with_gamma`, not ``replace``, so it follows.
    """

    kappa: jax.Array
    u: jax.Array
    sigma: jax.Array
    gamma: jax.Array
    epsilon: jax.Array
    applied_field: Schedule
    temperature: Schedule
    reference_temperature: jax.Array
    pearl_length: jax.Array
    source_potential: tuple | None = None
    vector_potential: FrozenA | BulkA | PearlA = dataclasses.field(default=BULK, metadata=dict(static=True))
    gauge: str = dataclasses.field(default="auto", metadata=dict(static=True))
    electric_potential: bool = dataclasses.field(default=False, metadata=dict(static=True))
    generalized: bool = dataclasses.field(default=False, metadata=dict(static=True))

    def replace(self, **kw) -> "Model":
        return dataclasses.replace(self, **kw)

    def with_field(self, applied_field) -> "Model":
        """The same model in a constant applied field H [B_c2] (a number or a traced scalar)."""
        h = jnp.reshape(jnp.asarray(applied_field, self.kappa.dtype), (1,))
        return self.replace(applied_field=Schedule(jnp.zeros_like(h), h))

    def with_gamma(self, gamma) -> "Model":
        """The same model with inelastic-scattering parameter γ ≥ 0 (a number: it selects the code path)."""
        if not (np.isfinite(gamma) and gamma >= 0):
            raise ParameterError(f"parameter 'gamma' = {gamma!r} is out of range: allowed [0, ∞)")
        return self.replace(gamma=jnp.asarray(float(gamma), self.kappa.dtype), generalized=bool(gamma > 0))

    def with_vector_potential(self, vector_potential) -> "Model":
        """The same model with A treated as ``vector_potential`` (:data:`FROZEN`, :data:`UNIFORM`,
        :data:`BULK`, :data:`PEARL` or their names "frozen", "uniform", "bulk", "pearl")."""
        if isinstance(vector_potential, str):
            if vector_potential not in VECTOR_POTENTIALS:
                raise ParameterError(f"parameter 'vector_potential' = {vector_potential!r} is unknown: "
                                     f"allowed {sorted(VECTOR_POTENTIALS)}")
            vector_potential = VECTOR_POTENTIALS[vector_potential]
        return self.replace(vector_potential=vector_potential)

    def with_source(self, ax, ay) -> "Model":
        """The same model driven by a local source whose unit-strength link phases are (ax, ay)
        ((nx, ny) each); ``applied_field`` then schedules the source's strength."""
        dtype = self.kappa.dtype
        return self.replace(source_potential=(jnp.asarray(ax, dtype), jnp.asarray(ay, dtype)))

    def unit_potential(self, lat):
        """(a_x, a_y) of the applied potential at unit strength, full (nx, ny) arrays of the lattice's
        dtype: the source's, or the uniform unit field's in the model's gauge."""
        if self.source_potential is not None:
            return tuple(jnp.broadcast_to(a, lat.shape).astype(lat.site.dtype) for a in self.source_potential)
        return gauge_unit_potential(lat, self.gauge)

    @property
    def frozen(self) -> bool:
        """True when A is frozen at the applied potential."""
        return isinstance(self.vector_potential, FrozenA)

    @property
    def screened_film(self) -> bool:
        """True when A is the applied potential plus the film's own Pearl screening (:data:`PEARL`)."""
        return isinstance(self.vector_potential, PearlA)

    @property
    def uniform(self) -> bool:
        """True when A is exactly the uniform applied field H(t) in the model's gauge (:data:`UNIFORM`)."""
        return self.frozen and self.vector_potential.uniform

    def field(self, t=0.0):
        """H(t) [B_c2(T_ref)]."""
        return self.applied_field.at(t)

    def thermal_factor(self, t=0.0):
        """(1 − T(t)/T_c)/(1 − T_ref/T_c): the condensation coefficient of clean material at time t."""
        return (1.0 - self.temperature.at(t)) / (1.0 - self.reference_temperature)

    def condensation_coefficient(self, t=0.0):
        """ε(r, t) = ε(r)·(1 − T(t)/T_c)/(1 − T_ref/T_c), () or (nx, ny)."""
        return self.epsilon * self.thermal_factor(t)


def make_model(kappa: float, applied_field=0.0, *, u: float = 5.79, sigma: float = 1.0, gamma: float = 0.0,
               epsilon=1.0, temperature=None, reference_temperature: float = 0.0,
               vector_potential: FrozenA | BulkA | PearlA | str = BULK, gauge: str = "auto",
               electric_potential: bool = False, pearl_length: float | None = None, source_potential=None,
               dtype=None) -> Model:
    """A validated :class:`Model` with arrays of ``dtype`` (default: JAX's default float).

    Args:
        kappa: κ > 0. applied_field: H [B_c2], a number or (time [t0], value) knots.
        u, sigma: > 0. gamma: ≥ 0. epsilon: number or (nx, ny) array of ε(r), finite.
        temperature: T/T_c, a number or knots; ``None`` means constant at the reference.
        reference_temperature: T_ref/T_c in [0, 1).
        vector_potential: :data:`FROZEN`, :data:`UNIFORM`, :data:`BULK`, :data:`PEARL`, or
            "frozen"/"uniform"/"bulk"/"pearl".
        pearl_length: Λ = 2λ²/d [ξ(T_ref)], > 0; required for :data:`PEARL` (stored as 0 otherwise).
        source_potential: None or (a_x, a_y) of a local source at unit strength (see
            :class:`Model`); ``applied_field`` is then the source's strength.

    Raises:
        ParameterError: naming the parameter and its allowed range.
    """
    require_positive("kappa", kappa)
    require_positive("u", u)
    require_positive("sigma", sigma)
    if not (np.isfinite(gamma) and gamma >= 0):
        raise ParameterError(f"parameter 'gamma' = {gamma!r} is out of range: allowed [0, ∞)")
    if not (np.isfinite(reference_temperature) and 0 <= reference_temperature < 1):
        raise ParameterError(f"parameter 'reference_temperature' = {reference_temperature!r} is out of range: "
                             "allowed [0, 1) (units of T_c)")
    dtype = dtype or jnp.result_type(float)
    eps = jnp.asarray(epsilon, dtype)
    finite = isinstance(epsilon, jax.core.Tracer) or bool(np.all(np.isfinite(np.asarray(epsilon, dtype=float))))
    if eps.ndim not in (0, 2) or not finite:
        raise ParameterError("parameter 'epsilon' must be a finite number or a finite (nx, ny) array")
    f = lambda v: jnp.asarray(float(v), dtype)
    if pearl_length is not None:
        require_positive("pearl_length", pearl_length, "xi")
    temp = schedule(reference_temperature if temperature is None else temperature, dtype, "temperature")
    model = Model(kappa=f(kappa), u=f(u), sigma=f(sigma), gamma=f(gamma), epsilon=eps,
                  applied_field=schedule(applied_field, dtype, "applied_field"), temperature=temp,
                  reference_temperature=f(reference_temperature),
                  pearl_length=f(0.0 if pearl_length is None else pearl_length), gauge=gauge,
                  electric_potential=bool(electric_potential), generalized=bool(gamma > 0))
    model = model.with_vector_potential(vector_potential)
    if source_potential is not None:
        model = model.with_source(*source_potential)
    if model.screened_film and pearl_length is None:
        raise ParameterError("parameter 'pearl_length' is required for vector_potential = 'pearl': "
                             "Λ = 2λ²/d in units of ξ, allowed (0, ∞)")
    return model


# ---------------------------------------------------------------------------------------------
# the condensation term and the ψ rate: the one definition every kernel uses
# ---------------------------------------------------------------------------------------------

def condensation_density(n, eps):
    """Condensation free-energy density −ε|ψ|² + ½|ψ|⁴ [B_c²/μ0] of the density n = |ψ|²."""
    return -eps * n + 0.5 * n * n


def condensation_factor(n, eps):
    """g with −∂f_cond/∂ψ* = g·ψ, i.e. g = −∂f_cond/∂n = ε − n.

    Written out (not by ``jax.jvp`` of :func:`condensation_density`, which leaves extra products in
    the fast kernels); tests/test_model.py holds it equal to −∂/∂n of the density by autodiff."""
    return eps - n


def psi_rate(force_re, force_im, re, im, u, gamma=None, mu=None):
    """∂t ψ (as Re, Im) of the generalized TDGL given the force R = −∂f/∂ψ* and ψ.

    Solving u/√(1 + γ²n)(∂t + iμ + ½γ²∂t n)ψ = R for ∂tψ exactly (n = |ψ|², ∂t n = 2 Re ψ*∂tψ):
    with c = √(1 + γ²n) R/u − iμψ, Re(ψ*∂tψ) = Re(ψ*c)/(1 + γ²n) and
    ∂tψ = c − γ² ψ Re(ψ*c)/(1 + γ²n). ``gamma`` None (static) is plain TDGL; ``mu`` None is μ = 0.
    Works on any broadcastable real arrays (the kernels' split form).
    """
    if isinstance(u, (int, float)) and u == 1.0:
        cr, ci = force_re, force_im
    else:
        inv_u = 1.0 / u                     # one reciprocal, then products: a division per site is slow
        cr, ci = force_re * inv_u, force_im * inv_u
    if gamma is not None:
        g2n = gamma * gamma * (re * re + im * im)
        root = jnp.sqrt(1.0 + g2n)
        cr, ci = root * cr, root * ci
    if mu is not None:
        cr, ci = cr + mu * im, ci - mu * re
    if gamma is not None:
        k = gamma * gamma * (re * cr + im * ci) / (1.0 + g2n)
        cr, ci = cr - k * re, ci - k * im
    return cr, ci


def rate_scale(model: Model, max_density: float = 1.0) -> float:
    """Largest factor √(1 + γ²n) by which the generalized TDGL speeds up ψ relative to u (n ≤ ``max_density``)."""
    return float(np.sqrt(1.0 + float(model.gamma) ** 2 * max_density))


__all__ = ["Schedule", "schedule", "FrozenA", "BulkA", "PearlA", "FROZEN", "UNIFORM", "BULK", "PEARL", "Model", "make_model",
           "condensation_density", "condensation_factor", "psi_rate", "rate_scale"]
