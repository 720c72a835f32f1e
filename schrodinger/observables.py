"""Observables of Ψ: density, gauge-invariant current, continuity residual, energies, angular
momenta and magnetic moment (dimensionless units of :mod:`schrodinger.units`; multiply by q for
charge density and electric current).

The particle current on a link is J = (ħ/m) Im[Ψ_i* U_ij Ψ_j]/h — the lattice form of
Re{Ψ*(ħ/(im)∇ − (q/m)A)Ψ}; where Ψ = √n e^{iθ} it equals (ħ/m) n (∇θ − (q/ħ)A) up to O(h²).
It is the supercurrent of :func:`gl.operators.supercurrent` with the same link variables, so the
lattice continuity equation ∂n/∂t + ∇·J = 0 holds exactly for the continuous-time lattice model.
"""
from __future__ import annotations

import jax.numpy as jnp

from gl.lattice import Lattice, bwd
from gl.operators import supercurrent
from gl.state import State

from .hamiltonian import Potentials, apply_hamiltonian


def density(psi):
    """n = |Ψ|², (nx, ny)."""
    return jnp.abs(psi) ** 2


def norm(psi) -> jnp.ndarray:
    """Σ|Ψ|² over nodes (the lattice normalization used throughout)."""
    return jnp.sum(jnp.abs(psi) ** 2)


def current(psi, pot: Potentials, lat: Lattice):
    """Particle current (Jx, Jy) on links [ħ/(mℓ) per node weight], each (nx, ny)."""
    return supercurrent(State(psi, pot.ax, pot.ay), lat)


def divergence(jx, jy, lat: Lattice):
    """Lattice divergence of link currents on nodes, (nx, ny)."""
    return (jx - bwd(jx, 0)) / lat.hx + (jy - bwd(jy, 1)) / lat.hy


def continuity_residual(psi_prev, psi_next, psi_mid, pot: Potentials, lat: Lattice, dt):
    """max |(n(t+dt) − n(t−dt))/(2dt) + ∇·J(t)| with the current at the middle state."""
    dn = (density(psi_next) - density(psi_prev)) / (2.0 * dt)
    jx, jy = current(psi_mid, pot, lat)
    return jnp.max(jnp.abs(lat.site * (dn + divergence(jx, jy, lat))))


def energy(psi, pot: Potentials, lat: Lattice) -> jnp.ndarray:
    """⟨H⟩/⟨Ψ|Ψ⟩ [E0]."""
    return jnp.real(jnp.vdot(psi, apply_hamiltonian(psi, pot, lat))) / norm(psi)


def potential_energy(psi, pot: Potentials) -> jnp.ndarray:
    """⟨V⟩/⟨Ψ|Ψ⟩ [E0]."""
    return jnp.sum(pot.V * density(psi)) / norm(psi)


def position_moments(psi, lat: Lattice):
    """⟨x⟩, ⟨y⟩ and ⟨r²⟩ [ℓ, ℓ²] (coordinates of :class:`gl.geometry.Grid`, centred on the origin)."""
    X, Y = lat.grid.nodes()
    n = density(psi) / norm(psi)
    return jnp.sum(n * X), jnp.sum(n * Y), jnp.sum(n * (X ** 2 + Y ** 2))


def magnetic_moment(psi, pot: Potentials, lat: Lattice) -> jnp.ndarray:
    """Mechanical (gauge-invariant) moment m_z = (q/2)⟨r × v⟩ with q = +1 [|q|ħℓ/m].

    With Ψ normalized on nodes (Σ|Ψ|² = 1) the link currents are already per particle, so
    m_z = ½ Σ_links (r × J)_z / Σ|Ψ|²; link positions are taken at the node they start from along
    the perpendicular coordinate.
    """
    jx, jy = current(psi, pot, lat)
    X, Y = lat.grid.nodes()
    return 0.5 * jnp.sum(X * jy - Y * jx) / norm(psi)


def kinetic_energy(psi, pot: Potentials, lat: Lattice) -> jnp.ndarray:
    """⟨(−iħ∇ − qA)²/2m⟩/⟨Ψ|Ψ⟩ = ⟨H⟩ − ⟨V⟩ [E0]."""
    return energy(psi, pot, lat) - potential_energy(psi, pot)


def canonical_angular_momentum(psi, lat: Lattice) -> jnp.ndarray:
    """⟨L_z⟩ = ⟨−iħ(x∂_y − y∂_x)⟩/⟨Ψ|Ψ⟩ [ħ], central differences (gauge dependent, as L_can is)."""
    X, Y = lat.grid.nodes()
    dpx = (jnp.roll(psi, -1, 0) - jnp.roll(psi, 1, 0)) / (2 * lat.hx)
    dpy = (jnp.roll(psi, -1, 1) - jnp.roll(psi, 1, 1)) / (2 * lat.hy)
    Lpsi = -1j * (X * dpy - Y * dpx) * lat.site
    return jnp.real(jnp.vdot(psi, Lpsi)) / norm(psi)


def mechanical_angular_momentum(psi, pot: Potentials, lat: Lattice) -> jnp.ndarray:
    """⟨m (r × v)_z⟩ = 2m/q · m_z [ħ] (gauge invariant); see :func:`magnetic_moment`."""
    return 2.0 * magnetic_moment(psi, pot, lat)
