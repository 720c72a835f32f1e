"""Energy minimization of the discrete GL free energy with L-BFGS (optax).

Finds a local minimum of :func:`gl.energy.free_energy` from any initial state, optionally with A
frozen. The optimizer is ``optax.lbfgs`` with its zoom line search (Nocedal & Wright, *Numerical
Optimization*, 2nd ed., Alg. 7.4 and 3.5), run inside one compiled ``lax.while_loop``.
"""
from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import optax
import optax.tree_utils as otu

from .energy import free_energy
from .errors import ParameterError
from .lattice import Lattice
from .model import Model
from .state import State


@dataclasses.dataclass(frozen=True)
class MinimizeResult:
    """Outcome of :func:`minimize`.

    Attributes:
        state: the minimizing :class:`State`.
        energy: final free energy [(B_c²/μ0) ξ² d].
        grad_norm: final Euclidean norm of ∂F/∂(Re ψ, Im ψ, a_x, a_y) over the free variables.
        iterations: L-BFGS iterations taken.
        converged: ``grad_norm <= tol``.
    """

    state: State
    energy: float
    grad_norm: float
    iterations: int
    converged: bool


def _to_vars(state: State, frozen_A: bool) -> dict:
    v = {"re": jnp.real(state.psi), "im": jnp.imag(state.psi)}
    if not frozen_A:
        v.update(ax=state.ax, ay=state.ay)
    return v


def _to_state(v: dict, template: State, lat: Lattice) -> State:
    return State(psi=(v["re"] + 1j * v["im"]).astype(template.psi.dtype) * lat.site,
                 ax=v.get("ax", template.ax), ay=v.get("ay", template.ay))


@functools.partial(jax.jit, static_argnames=("memory_size",))
def _lbfgs(state, model, lat, tol, max_iter, t, memory_size):
    energy = lambda v: free_energy(_to_state(v, state, lat), model, lat, t)
    opt = optax.lbfgs(memory_size=memory_size)
    value_and_grad = optax.value_and_grad_from_state(energy)

    def step(carry):
        v, opt_state, _, it = carry
        value, grad = value_and_grad(v, state=opt_state)
        updates, opt_state = opt.update(grad, opt_state, v, value=value, grad=grad, value_fn=energy)
        v = optax.apply_updates(v, updates)
        # the line search stored the gradient at the new point: the stopping test costs nothing
        return v, opt_state, otu.tree_norm(otu.tree_get(opt_state, "grad")), it + 1

    def keep_going(carry):
        _, _, gnorm, it = carry
        return (it < max_iter) & (gnorm > tol)

    v0 = _to_vars(state, model.frozen)
    init = (v0, opt.init(v0), otu.tree_norm(jax.grad(energy)(v0)), jnp.asarray(0))
    v, _, _, it = jax.lax.while_loop(keep_going, step, init)
    value, grad = jax.value_and_grad(energy)(v)
    return _to_state(v, state, lat), value, otu.tree_norm(grad), it


def minimize(state: State, model: Model, lat: Lattice, *, tol: float = 1e-8, max_iter: int = 5000,
             memory_size: int = 20, t: float = 0.0) -> MinimizeResult:
    """Minimize the GL free energy of ``model`` at time ``t`` [t0] from ``state`` with L-BFGS.

    Args:
        state: initial guess (ψ in ψ∞, link phases); the result keeps its gauge class.
        model: κ, ε(r), H(t), T(t) (u, σ, γ are unused); with a frozen A the link phases stay
            fixed and only ψ is varied.
        lat: lattice and masks.
        tol: stop when the gradient norm (see :class:`MinimizeResult`) is ≤ ``tol``.
        max_iter: iteration cap.
        t: time at which H(t) and T(t) are taken.

    Returns:
        :class:`MinimizeResult` with the final gradient norm.

    Raises:
        ParameterError: ``tol`` < 0 or ``max_iter`` not an integer ≥ 0.
    """
    if not (tol >= 0):
        raise ParameterError(f"parameter 'tol' = {tol!r} is out of range: allowed [0, ∞)")
    if isinstance(max_iter, bool) or not float(max_iter).is_integer() or max_iter < 0:
        raise ParameterError(f"parameter 'max_iter' = {max_iter!r} is out of range: must be an integer ≥ 0")
    s, value, gnorm, it = _lbfgs(state, model, lat, jnp.asarray(tol, state.ax.dtype), jnp.asarray(int(max_iter)),
                                 jnp.asarray(t, state.ax.dtype), memory_size)
    return MinimizeResult(state=s, energy=float(value), grad_norm=float(gnorm), iterations=int(it),
                          converged=bool(float(gnorm) <= tol))
