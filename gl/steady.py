"""Differentiable steady states and dynamics: exact gradients of observables with respect to the model.

* :func:`steady_state` — the minimum x*(θ) of the free energy F(x, θ) (x = Re ψ, Im ψ and, with A
  evolving, the link phases; θ = every array in the :class:`~gl.model.Model`: κ, ε(r), H(t), T(t), …),
  found by the L-BFGS of :func:`gl.minimize.minimize` and differentiated by the implicit function
  theorem: ∇ₓF(x*(θ), θ) = 0 ⇒ dx*/dθ = −H⁻¹ ∂θ∇ₓF (H the Hessian ∇ₓ²F at x*, applied by
  forward-over-reverse Hessian-vector products and inverted by conjugate gradients), instead of
  differentiating through the optimizer. Two rules, chosen by ``mode``: "reverse" (a custom VJP:
  θ̄ = −(∂θ∇ₓF)ᵀ w with H w = ḡ, one CG solve per scalar observable, for gradients with respect
  to many parameters such as an ε(r) map) and "forward" (a custom JVP: one CG solve per
  parameter, for Jacobians of many data points with respect to a few fit parameters).
* Zero modes. F is invariant under ψ → ψe^{iα} (always) and, with A evolving, under every gauge
  transformation ψ → ψe^{iχ}, a → a + Δχ, so H is singular along those directions z. For a
  gauge-invariant observable ḡ·z = 0, and ∂θ∇ₓF·z = ∂θ(∇ₓF·z) = 0 because ∇ₓF·z ≡ 0, so any
  component of w along a zero mode drops out of θ̄: the system H w = ḡ is consistent and CG
  (which never leaves the Krylov space of ḡ, orthogonal to the zero modes) solves it. The
  global-phase mode is in addition projected out of ḡ and w explicitly; gauge-dependent
  observables (the raw phase of ψ) have no well-defined gradient and are not supported.
  (Forward mode: the tangent dx* may carry a zero-mode component, which gauge-invariant
  observables do not see.)
* :func:`differentiable_steps` — TDGL steps that reverse-mode differentiation can run through:
  a ``lax.scan`` over segments, each a checkpointed scan of :func:`gl.tdgl.euler_step`, so memory
  grows as (number of segments + steps per segment) states, O(√n) for segments of √n steps.
"""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
from jax.scipy.sparse.linalg import cg

from .energy import free_energy
from .errors import ParameterError
from .lattice import Lattice
from .minimize import _lbfgs
from .model import Model
from .state import State
from .tdgl import euler_step, unit_potential


def _to_vars(state: State, model: Model) -> dict:
    v = {"re": jnp.real(state.psi), "im": jnp.imag(state.psi)}
    if not model.frozen:
        v.update(ax=state.ax, ay=state.ay)
    return v


def _to_state(v: dict, template: State, model: Model, lat: Lattice, t) -> State:
    """The state of variables ``v``; a UNIFORM model's links are H(t)·a_unit (so they depend on the model)."""
    psi = (v["re"] + 1j * v["im"]).astype(template.psi.dtype) * lat.site
    if model.uniform:
        ux, uy = unit_potential(model, lat)
        return State(psi, model.field(t) * ux, model.field(t) * uy)
    return State(psi, v.get("ax", template.ax), v.get("ay", template.ay))


def _phase_mode(v: dict) -> dict:
    """The global-phase zero mode iψ in variable space (zero on link phases), unit norm."""
    z = {k: jnp.zeros_like(a) for k, a in v.items()}
    z["re"], z["im"] = -v["im"], v["re"]
    norm = jnp.sqrt(sum(jnp.sum(a * a) for a in jax.tree_util.tree_leaves(z)))
    return jax.tree_util.tree_map(lambda a: a / jnp.maximum(norm, 1e-300), z)


def _project_out(x: dict, z: dict) -> dict:
    c = sum(jnp.sum(a * b) for a, b in zip(jax.tree_util.tree_leaves(x), jax.tree_util.tree_leaves(z)))
    return jax.tree_util.tree_map(lambda a, b: a - c * b, x, z)


def _gradient(v, model, state0, lat, t):
    """∇ₓF at variables ``v``."""
    return jax.grad(lambda x: free_energy(_to_state(x, state0, model, lat, t), model, lat, t))(v)


def _hessian_solve(v, model, state0, lat, t, rhs, cg_tol):
    """w with H w = rhs (H = ∇ₓ²F at v) by conjugate gradients, the global-phase mode projected out."""
    hvp = lambda w: jax.jvp(lambda x: _gradient(x, model, state0, lat, t), (v,), (w,))[1]
    z = _phase_mode(v)
    size = sum(a.size for a in jax.tree_util.tree_leaves(v))
    w, _ = cg(lambda w: _project_out(hvp(_project_out(w, z)), z), _project_out(rhs, z), tol=cg_tol,
              maxiter=4 * size)
    return _project_out(w, z)


def _minimum(model: Model, state0: State, lat: Lattice, t, tol, max_iter, cg_tol, newton_steps):
    """Variables at the minimum: L-BFGS, then Newton–CG polish steps."""
    dtype = state0.ax.dtype
    state, _, _, _ = _lbfgs(state0, model, lat, jnp.asarray(tol, dtype), jnp.asarray(max_iter), jnp.asarray(t, dtype), 20)
    v = _to_vars(state, model)
    for _ in range(newton_steps):     # Newton polish: L-BFGS stalls near round-off, Newton converges quadratically
        step = _hessian_solve(v, model, state0, lat, t, _gradient(v, model, state0, lat, t), cg_tol)
        v = jax.tree_util.tree_map(jnp.subtract, v, step)
    return v


_NONDIFF = (3, 4, 5, 6, 7)
_solve_forward = functools.partial(jax.custom_jvp, nondiff_argnums=_NONDIFF)(_minimum)
_solve_reverse = functools.partial(jax.custom_vjp, nondiff_argnums=_NONDIFF)(_minimum)


@_solve_forward.defjvp
def _forward_jvp(t, tol, max_iter, cg_tol, newton_steps, primals, tangents):
    """dx* = −H⁻¹ ∂θ∇ₓF[θ̇]: one CG solve per tangent (forward mode)."""
    model, state0, lat = primals
    v = _solve_forward(model, state0, lat, t, tol, max_iter, cg_tol, newton_steps)
    model_dot = jax.tree_util.tree_map(lambda p, d: jnp.zeros_like(p) if d is None else d, model, tangents[0])
    _, dgrad = jax.jvp(lambda m: _gradient(v, m, state0, lat, t), (model,), (model_dot,))
    return v, _hessian_solve(v, model, state0, lat, t, jax.tree_util.tree_map(jnp.negative, dgrad), cg_tol)


def _reverse_fwd(model, state0, lat, t, tol, max_iter, cg_tol, newton_steps):
    v = _solve_reverse(model, state0, lat, t, tol, max_iter, cg_tol, newton_steps)
    return v, (v, model, state0, lat)


def _reverse_bwd(t, tol, max_iter, cg_tol, newton_steps, res, g):
    """θ̄ = −(∂θ∇ₓF)ᵀ w with H w = ḡ: one CG solve per cotangent (reverse mode)."""
    v, model, state0, lat = res
    w = _hessian_solve(v, model, state0, lat, t, g, cg_tol)
    _, vjp = jax.vjp(lambda m: _gradient(v, m, state0, lat, t), model)
    (model_bar,) = vjp(jax.tree_util.tree_map(jnp.negative, w))
    zeros = lambda tree: jax.tree_util.tree_map(jnp.zeros_like, tree)
    return model_bar, zeros(state0), zeros(lat)


_solve_reverse.defvjp(_reverse_fwd, _reverse_bwd)


def steady_state(state0: State, model: Model, lat: Lattice, *, t: float = 0.0, tol: float = 1e-8,
                 max_iter: int = 20000, cg_tol: float = 1e-10, newton_steps: int | None = None,
                 mode: str = "reverse") -> State:
    """The free-energy minimum reached from ``state0``, differentiable in ``model`` by implicit differentiation.

    Args:
        state0: starting guess (its vortex configuration selects the local minimum).
        model: the :class:`~gl.model.Model`; gradients flow to all of its arrays (κ, ε(r), H, T, …).
            For :data:`~gl.model.UNIFORM` the links are H(t)·a_unit, so the applied field is
            differentiable too; for :data:`~gl.model.FROZEN` the links are the state's (no field
            gradient); with A evolving, H enters through the boundary term.
        lat: lattice. t: time at which H(t), T(t) are taken [t0].
        tol: L-BFGS gradient-norm tolerance, after which ``newton_steps`` Newton–CG steps polish
            the minimum to near round-off (needed for gradients and finite differences to agree
            to 1e-5). max_iter: L-BFGS iteration cap. cg_tol: relative tolerance of the CG solves
            (Newton steps and the backward pass). ``newton_steps`` defaults to 2 with A frozen and 0
            with A evolving, where the gauge zero modes make Newton–CG steps drift (the L-BFGS
            minimum at ``tol`` = 1e-9 then gives gradients to about 1e-6 relative).
        mode: "reverse" (jax.grad, jax.vjp) or "forward" (jax.jacfwd, jax.jvp).

    Returns:
        The minimizing :class:`State` (same shapes and dtypes as ``state0``).

    Raises:
        ParameterError: for an unknown ``mode``, or when the minimization did not converge (a
            gradient would then be meaningless).
    """
    if newton_steps is None:
        newton_steps = 2 if model.frozen else 0
    if mode not in ("reverse", "forward"):
        raise ParameterError(f"parameter 'mode' = {mode!r} is unknown: allowed 'reverse', 'forward'")
    solve = _solve_reverse if mode == "reverse" else _solve_forward
    v = solve(model, state0, lat, t, tol, max_iter, cg_tol, int(newton_steps))
    if not isinstance(v["re"], jax.core.Tracer):
        gnorm = float(jnp.sqrt(sum(jnp.sum(a * a) for a in jax.tree_util.tree_leaves(
            _gradient(v, model, state0, lat, t)))))
        if not gnorm <= tol:
            raise ParameterError(f"parameter 'max_iter' = {max_iter}: the minimization did not converge (gradient "
                                 f"norm {gnorm:.3g} > tol = {tol:g}); raise max_iter or start closer")
    return _to_state(v, state0, model, lat, t)


def differentiable_steps(state: State, model: Model, lat: Lattice, dt: float, n_steps: int, t0: float = 0.0,
                         segment: int | None = None) -> State:
    """``n_steps`` Euler steps of :func:`gl.tdgl.euler_step` that reverse-mode AD can differentiate.

    Args:
        n_steps: a Python int (static). segment: steps per checkpointed segment (default ⌈√n⌉).
            Memory of the backward pass: about (n_steps/segment + segment) states.

    Raises:
        ParameterError: for n_steps < 0 or segment < 1.
    """
    if isinstance(n_steps, bool) or int(n_steps) != n_steps or n_steps < 0:
        raise ParameterError(f"parameter 'n_steps' = {n_steps!r} is out of range: must be an integer ≥ 0")
    n_steps = int(n_steps)
    segment = segment or max(1, math.isqrt(max(n_steps, 1)))
    if segment < 1:
        raise ParameterError(f"parameter 'segment' = {segment!r} is out of range: must be ≥ 1")
    n_seg, tail = divmod(n_steps, segment)

    @jax.checkpoint
    def run_segment(s, k0):
        body = lambda c, k: (euler_step(c, model, lat, t0 + (k0 + k) * dt, dt), None)
        return jax.lax.scan(body, s, jnp.arange(segment))[0]

    state = jax.lax.scan(lambda s, j: (run_segment(s, j * segment), None), state, jnp.arange(n_seg))[0]
    for k in range(tail):
        state = euler_step(state, model, lat, t0 + (n_seg * segment + k) * dt, dt)
    return state
