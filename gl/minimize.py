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

from .energy import free_energy_terms, link_factors
from .errors import ParameterError
from .lattice import Lattice
from .model import FROZEN, Model
from .operators import supercurrent
from .screening import film_kernel, induced_potential, magnetic_energy, with_induced
from .state import State


@dataclasses.dataclass(frozen=True)
class MinimizeResult:
    """Outcome of :func:`minimize`.

    Attributes:
        state: the minimizing :class:`State`.
        energy: final free energy [(B_c²/μ0) ξ² d].
        grad_norm: final Euclidean norm of ∂F/∂(Re ψ, Im ψ, a_x, a_y) over the free variables
            (for a :data:`~gl.model.PEARL` film: over Re ψ, Im ψ and the scaled sheet current).
        iterations: L-BFGS iterations taken.
        converged: ``grad_norm <= tol``.
    """

    state: State
    energy: float
    grad_norm: float
    iterations: int
    converged: bool


def _current_scale(model: Model, lat: Lattice):
    """K = scale·s for a :data:`~gl.model.PEARL` film: makes the magnetic energy's Hessian in s of
    order one at the lattice scale (G ~ h/Λ there), so L-BFGS sees ψ and K on one footing."""
    h = min(lat.hx, lat.hy)
    return jnp.sqrt(model.pearl_length / (h * lat.hx * lat.hy))


def _to_vars(state: State, model: Model, lat: Lattice):
    """The free variables as one real array, (2, nx, ny) = (Re ψ, Im ψ), or (4, nx, ny) with
    (a_x, a_y) for an evolving A or the scaled sheet current (s_x, s_y) of a PEARL film: one leaf,
    so each of L-BFGS's vector operations is one array operation."""
    v = [jnp.real(state.psi), jnp.imag(state.psi)]
    if model.screened_film:
        # the sheet current of a stationary state is its supercurrent (gl/screening.py, Eq. 2)
        jx, jy = supercurrent(state, lat)
        scale = _current_scale(model, lat)
        v += [jx * lat.link_x / scale, jy * lat.link_y / scale]
    elif not model.frozen:
        v += [state.ax, state.ay]
    return jnp.stack(v).astype(state.ax.dtype)


def _energy_and_state(v, template: State, model: Model, lat: Lattice, t, kernel, links):
    psi = (v[0] + 1j * v[1]).astype(template.psi.dtype) * lat.site
    if not model.screened_film:
        if model.frozen:
            state = State(psi=psi, ax=template.ax, ay=template.ay)
        else:
            state = State(psi=psi, ax=v[2], ay=v[3])
        terms = free_energy_terms(state, model, lat, t, links=links)
        return terms["condensation"] + terms["kinetic"] + terms["field"], state
    scale = _current_scale(model, lat)
    kx, ky = scale * v[2] * lat.link_x, scale * v[3] * lat.link_y
    ix, iy = induced_potential(kx, ky, kernel, lat)
    state = with_induced(State(psi=psi, ax=ix, ay=iy), ix, iy, model, lat, t)
    terms = free_energy_terms(state, model.replace(vector_potential=FROZEN), lat, t)
    return terms["condensation"] + terms["kinetic"] + magnetic_energy(kx, ky, ix, iy, lat), state


@functools.partial(jax.jit, static_argnames=("memory_size",))
def _lbfgs(state, model, lat, tol, max_iter, t, memory_size):
    kernel = film_kernel(model, lat) if model.screened_film else None
    # A frozen: the link variables are the same at every evaluation, computed once here
    links = link_factors(state.ax, state.ay) if model.frozen and not model.screened_film else None
    energy = lambda v: _energy_and_state(v, state, model, lat, t, kernel, links)[0]
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

    v0 = _to_vars(state, model, lat)
    init = (v0, opt.init(v0), otu.tree_norm(jax.grad(energy)(v0)), jnp.asarray(0))
    v, _, _, it = jax.lax.while_loop(keep_going, step, init)
    value, grad = jax.value_and_grad(energy)(v)
    return _energy_and_state(v, state, model, lat, t, kernel, links)[1], value, otu.tree_norm(grad), it


def minimize(state: State, model: Model, lat: Lattice, *, tol: float = 1e-8, max_iter: int = 5000,
             memory_size: int = 20, t: float = 0.0) -> MinimizeResult:
    """Minimize the GL free energy of ``model`` at time ``t`` [t0] from ``state`` with L-BFGS.

    Args:
        state: initial guess (ψ in ψ∞, link phases); the result keeps its gauge class.
        model: κ, ε(r), H(t), T(t) (u, σ, γ are unused); with a frozen A the link phases stay
            fixed and only ψ is varied; for a :data:`~gl.model.PEARL` film ψ and the sheet current
            K on the film's links are varied, A = H(t)·A_unit + G·K (gl/screening.py, Eq. 2),
            starting from K = J_s of ``state``.
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
