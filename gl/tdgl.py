"""Time-dependent Ginzburg–Landau dynamics: right-hand side, stability limit and jitted steps.

Equations (DESIGN.md; Gor'kov & Eliashberg 1968, in the normalization of pyTDGL,
L. Bishop-Van Horn, Comput. Phys. Commun. 291, 108799 (2023), Eqs. 1–3, with γ = 0), in the
zero-electric-potential gauge μ = 0:

    u ∂t ψ = (∇ − iA)²ψ + (1 − |ψ|²)ψ,
    σ ∂t A = Im[ψ*(∇ − iA)ψ] − κ² ∇×∇×A,

lengths in ξ, fields in B_c2, time in t0 = μ0 σ_n λ², current in J0. On the lattice the
right-hand sides are exactly −∂F/∂ψ* and −½∂F/∂A of :func:`gl.energy.free_energy` per unit
area, so the scheme is a discrete gradient flow: F never increases for a stable time step.
Time stepping is explicit (forward Euler), one fused update of ψ and the link phases per step.

With ``frozen_A=True`` only ψ evolves and A stays at its initial (applied) value: the κ → ∞ or
thin-film limit where screening is negligible. μ = 0 is then a model choice, not a gauge: the
step is the pure relaxation u ∂t ψ = −∂F/∂ψ*, whose stationary states are exactly the GL ones,
but the supercurrent is not conserved during transients. The full frozen-A TDGL keeps μ from
∇²μ = ∇·J_s (as pyTDGL does); :func:`gl.transport.run_with_potential` solves it for rectangles.
The two can relax into different metastable vortex states from the same start.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from .errors import TimeStepError
from .geometry import Grid
from .kernel import frozen_links, run_frozen, run_full
from .lattice import Lattice
from .operators import covariant_laplacian, curl_field, supercurrent
from .state import Params, State

#: fraction of the stability limit used as default time step
DEFAULT_DT_FRACTION = 0.5


def rhs(state: State, params: Params, lat: Lattice, frozen_A: bool = False) -> State:
    """Time derivatives (∂t ψ, ∂t a_x, ∂t a_y) of the TDGL equations, as a :class:`State`."""
    psi = state.psi
    n = jnp.real(psi * jnp.conj(psi))
    dpsi = lat.site * (covariant_laplacian(psi, state.ax, state.ay, lat) + (1.0 - n) * psi) / params.u
    if frozen_A:
        zero = jnp.zeros_like(state.ax)
        return State(dpsi, zero, zero)
    jx, jy = supercurrent(state, lat)
    cx, cy = curl_field(state, params.applied_field, lat)
    k2 = params.kappa ** 2
    return State(dpsi, lat.hx * (jx - k2 * cx) / params.sigma, lat.hy * (jy - k2 * cy) / params.sigma)


def stability_limit(grid: Grid, kappa: float, u: float = 5.79, sigma: float = 1.0,
                    frozen_A: bool = False) -> float:
    """Largest stable forward-Euler time step [t0].

    The linearized ψ operator has eigenvalues up to (4/hx² + 4/hy² + 2)/u and the A operator
    up to (4κ²(1/hx² + 1/hy²) + 1)/σ (the lattice curl-curl plus the London term |ψ|² ≤ 1);
    forward Euler is stable for dt·λ_max ≤ 2.
    """
    s = 1.0 / grid.hx ** 2 + 1.0 / grid.hy ** 2
    dt = 2.0 * float(u) / (4.0 * s + 2.0)
    if not frozen_A:
        dt = min(dt, 2.0 * float(sigma) / (4.0 * float(kappa) ** 2 * s + 1.0))
    return dt


def check_time_step(dt: float, grid: Grid, params: Params, frozen_A: bool) -> float:
    """Return ``dt`` (or the default, half the limit, when ``dt`` is None) after checking it.

    Raises:
        TimeStepError: if ``dt`` is not in (0, stability limit].
    """
    limit = stability_limit(grid, float(params.kappa), float(params.u), float(params.sigma), frozen_A)
    if dt is None:
        return DEFAULT_DT_FRACTION * limit
    dt = float(dt)
    if not (0.0 < dt <= limit):
        raise TimeStepError(
            f"parameter 'dt' = {dt:g} t0 is out of range: allowed (0, {limit:.6g}] t0, the forward-Euler "
            f"stability limit for hx = {grid.hx:g}, hy = {grid.hy:g} ξ, κ = {float(params.kappa):g}, "
            f"u = {float(params.u):g}{' (frozen A)' if frozen_A else ''}")
    return dt


def euler_step(state: State, params: Params, lat: Lattice, dt, frozen_A: bool = False) -> State:
    """One forward-Euler step of length ``dt`` [t0]."""
    d = rhs(state, params, lat, frozen_A)
    return jax.tree_util.tree_map(lambda x, dx: x + dt * dx, state, d)


@functools.partial(jax.jit, static_argnames=("frozen_A",))
def run_steps(state: State, params: Params, lat: Lattice, dt, n_steps, frozen_A: bool = False) -> State:
    """``n_steps`` Euler steps in one compiled call (``lax.fori_loop``; ``n_steps`` is traced).

    The steps run in the bandwidth-oriented kernels of :mod:`gl.kernel` (the same scheme to
    round-off); :func:`reference_steps` keeps the plain complex-arithmetic loop.
    """
    if frozen_A:
        links = frozen_links(lat.grid, state.ax, state.ay)
        return state.replace(psi=run_frozen(state.psi, lat, links, dt, params.u, n_steps).astype(state.psi.dtype))
    return run_full(state, params, lat, dt, n_steps)


@functools.partial(jax.jit, static_argnames=("frozen_A",))
def reference_steps(state: State, params: Params, lat: Lattice, dt, n_steps, frozen_A: bool = False) -> State:
    """``n_steps`` Euler steps of :func:`euler_step` in one ``lax.fori_loop`` (readable reference)."""
    body = lambda _, s: euler_step(s, params, lat, dt, frozen_A)
    return jax.lax.fori_loop(0, n_steps, body, state)
