"""Transport: a current-biased superconducting strip in TDGL with normal-metal leads.

A frozen (thin film, self-field neglected) and the electric potential μ kept (docs/model.md):

    u/√(1 + γ²|ψ|²)(∂t + iμ + ½γ²∂t|ψ|²)ψ = (∇ − iA)²ψ + (ε − |ψ|²)ψ,     ∇·(J_s − σ∇μ) = q_ext,

where q_ext injects the bias current density J at the left end of the strip and removes it at
the right end (pyTDGL's current terminals: L. Bishop-Van Horn, Comput. Phys. Commun. 291, 108799
(2023), Eqs. 4–6). ψ = 0 on the terminal columns (normal-metal leads). The Poisson equation
σ∇²μ = ∇·J_s − q_ext with insulating (Neumann) edges is solved exactly each step
(:func:`gl.boundary.solve_poisson_neumann`); the step itself is :func:`gl.tdgl.euler_step`.
Units: J in J0, μ (and the voltage) in ħ/(2e t0), time in t0.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from .boundary import require_rectangle
from .lattice import Lattice
from .model import Model
from .state import State
from .tdgl import electric_potential, euler_step


def check_strip(lat: Lattice) -> None:
    """Raise :class:`~gl.errors.ParameterError` unless the lattice is a fully superconducting,
    non-periodic rectangle."""
    require_rectangle(lat.site, (lat.grid.periodic_x, lat.grid.periodic_y), "the current-biased strip")


def terminal_injection(lat: Lattice, current_density):
    """q_ext [J0/ξ] on nodes: the bias current density enters through the first column, leaves through the last."""
    return jnp.zeros(lat.shape, lat.site.dtype).at[0, :].set(1.0).at[lat.grid.nx - 1, :].set(-1.0) \
        * (current_density / lat.hx)


def potential(state: State, model: Model, lat: Lattice, current_density):
    """Electric potential μ for the present ψ and the bias current density [J0] at the terminals, (nx, ny)."""
    return electric_potential(state, model, lat, terminal_injection(lat, current_density))


def transport_step(state: State, model: Model, lat: Lattice, t, dt, current_density, leads):
    """One step: μ from the Poisson equation, then :func:`gl.tdgl.euler_step` with that μ; ψ = 0 on leads."""
    mu = potential(state, model, lat, current_density)
    new = euler_step(state, model, lat, t, dt, mu=mu)
    return new.replace(psi=new.psi * (1.0 - leads)), mu


@functools.partial(jax.jit, static_argnames=("probe",))
def run_biased(state: State, model: Model, lat: Lattice, dt, current_density, n_steps, n_average, probe: int):
    """``n_steps`` steps at fixed bias; returns the state and the voltage μ(left probe) − μ(right probe)
    averaged over the last ``n_average`` steps (probes: columns ``probe`` and nx−1−probe)."""
    leads = jnp.zeros(lat.shape, lat.site.dtype).at[0, :].set(1.0).at[-1, :].set(1.0)

    def body(k, carry):
        s, v = carry
        s, mu = transport_step(s, model, lat, k * dt, dt, current_density, leads)
        volt = jnp.mean(mu[probe, :]) - jnp.mean(mu[lat.grid.nx - 1 - probe, :])
        return s, v + jnp.where(k >= n_steps - n_average, volt, 0.0)

    s, v = jax.lax.fori_loop(0, n_steps, body, (state, jnp.zeros((), lat.site.dtype)))
    return s, v / n_average
