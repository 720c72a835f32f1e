"""Time evolution of Ψ: Crank–Nicolson (unitary), and imaginary-time relaxation.

Crank–Nicolson: (1 + iΔtH/2) Ψ' = (1 − iΔtH/2) Ψ (J. Crank and P. Nicolson, Proc. Camb. Phil.
Soc. 43, 50 (1947)). The Cayley operator is unitary for Hermitian H, so the norm is conserved
to the accuracy of the linear solve. The solve uses (1 + iΔtH/2)⁻¹ = (1 − iΔtH/2)(1 + Δt²H²/4)⁻¹,
whose second factor is Hermitian positive definite: conjugate gradients from
``jax.scipy.sparse.linalg.cg`` converge for any Δt. Many steps run in one compiled
``lax.fori_loop``; the potentials may depend on time through a user function.
"""
from __future__ import annotations

import functools
from typing import Callable

import jax
import jax.numpy as jnp
from jax.scipy.sparse.linalg import cg

from gl.lattice import Lattice

from .hamiltonian import Potentials, apply_hamiltonian


def crank_nicolson_step(psi, pot: Potentials, lat: Lattice, dt, tol=1e-14):
    """One Crank–Nicolson step of length ``dt`` [ħ/E0] with potentials ``pot`` (taken at mid-step)."""
    H = lambda v: apply_hamiltonian(v, pot, lat)
    rhs = psi - 0.5j * dt * H(psi)
    normal = lambda v: v + 0.25 * dt * dt * H(H(v)) + (1.0 - lat.site) * v     # identity off the mask
    y, _ = cg(normal, rhs, x0=rhs, tol=tol, atol=0.0, maxiter=1000)
    return lat.site * (y - 0.5j * dt * H(y))


@functools.partial(jax.jit, static_argnames=("potentials",))
def evolve(psi, lat: Lattice, dt, n_steps, t0, potentials: Callable):
    """``n_steps`` Crank–Nicolson steps from time ``t0``; ``potentials(t) -> Potentials`` (static
    callable, evaluated at each step's midpoint). Returns Ψ at t0 + n_steps·dt."""
    def body(k, p):
        return crank_nicolson_step(p, potentials(t0 + (k + 0.5) * dt), lat, dt)
    return jax.lax.fori_loop(0, n_steps, body, psi)


@functools.partial(jax.jit, static_argnames=("n_states",))
def imaginary_time(psi0, pot: Potentials, lat: Lattice, tau, n_steps, n_states: int = 1):
    """Relax ``n_states`` orthonormal states toward the lowest eigenstates by implicit (backward
    Euler) imaginary-time steps (1 + τH)⁻¹, re-orthonormalized (QR) after each step: a subspace
    iteration whose factor 1/(1 + τE) falls monotonically with E (imaginary-time Crank–Nicolson
    would not damp high energies, its factor |1 − τE/2|/(1 + τE/2) tends to 1).

    Args:
        psi0: (n_states, nx, ny) initial states.
    Returns:
        (states, energies ⟨H⟩) of shapes (n_states, nx, ny) and (n_states,).
    """
    H = lambda v: apply_hamiltonian(v, pot, lat)

    def propagate(v):
        op = lambda w: w + tau * H(w) + (1.0 - lat.site) * w
        y, _ = cg(op, v, x0=v, tol=1e-12, maxiter=2000)
        return y * lat.site

    def orthonormalize(S):
        q, _ = jnp.linalg.qr(S.reshape(S.shape[0], -1).T)
        return q.T.reshape(S.shape)

    def body(_, S):
        return orthonormalize(jax.vmap(propagate)(S))

    S = jax.lax.fori_loop(0, n_steps, body, orthonormalize(psi0 * lat.site[None]))
    E = jax.vmap(lambda v: jnp.real(jnp.vdot(v, H(v))))(S)
    return S, E
