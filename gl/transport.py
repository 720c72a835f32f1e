"""Transport: a current-biased superconducting strip in TDGL with normal-metal leads.

Frozen A (thin film, self-field neglected) and the electric potential μ kept (DESIGN.md TDGL):

    u(∂t + iμ)ψ = (∇ − iA)²ψ + (1 − |ψ|²)ψ,     ∇·(J_s − σ∇μ) = q_ext,

where q_ext injects the bias current density J at the left end of the strip and removes it at
the right end (pyTDGL's current terminals: L. Bishop-Van Horn, Comput. Phys. Commun. 291, 108799
(2023), Eqs. 4–6). ψ = 0 on the terminal columns (normal-metal leads). The Poisson equation
σ∇²μ = ∇·J_s − q_ext with insulating (Neumann) edges is solved exactly each step by a discrete
cosine transform, which diagonalizes the lattice Laplacian of a rectangle with omitted outside
links. Units: J in J0, μ (and the voltage) in ħ/(2e t0), time in t0.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.fft import dctn, idctn

from .errors import ParameterError
from .lattice import Lattice, bwd
from .operators import covariant_laplacian, supercurrent
from .state import Params, State


def neumann_eigenvalues(lat: Lattice) -> np.ndarray:
    """Eigenvalues (≤ 0) of the masked lattice Laplacian of a full rectangle, (nx, ny), DCT-II basis."""
    g = lat.grid
    kx = 2.0 * (np.cos(np.pi * np.arange(g.nx) / g.nx) - 1.0) / g.hx ** 2
    ky = 2.0 * (np.cos(np.pi * np.arange(g.ny) / g.ny) - 1.0) / g.hy ** 2
    return kx[:, None] + ky[None, :]


#: up to this many nodes per axis the DCT is a product with a precomputed matrix (faster than an FFT
#: on small grids, where the FFT's set-up dominates); larger axes use jax.scipy.fft
DCT_MATRIX_MAX = 256


@functools.lru_cache(maxsize=32)
def _dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II matrix C (n, n): C @ x equals scipy's dct(x, type=2, norm='ortho')."""
    k, i = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    c = np.sqrt(2.0 / n) * np.cos(np.pi * k * (2 * i + 1) / (2 * n))
    c[0] /= np.sqrt(2.0)
    return c


def _dct2(a, inverse: bool):
    nx, ny = a.shape
    if max(nx, ny) > DCT_MATRIX_MAX:
        return (idctn if inverse else dctn)(a, type=2, norm="ortho")
    cx, cy = (jnp.asarray(_dct_matrix(n), a.dtype) for n in (nx, ny))
    if inverse:
        return cx.T @ a @ cy
    return cx @ a @ cy.T


def solve_poisson_neumann(rhs, eigenvalues):
    """μ with ∇²μ = rhs on the rectangle (insulating edges) and mean(μ) = 0; rhs must sum to 0.

    Exact for the masked lattice Laplacian: the orthonormal DCT-II diagonalizes it (eigenvalues
    from :func:`neumann_eigenvalues`); shapes (nx, ny)."""
    r = _dct2(rhs, inverse=False)
    safe = jnp.where(eigenvalues == 0.0, 1.0, eigenvalues)
    return _dct2(jnp.where(eigenvalues == 0.0, 0.0, r / safe), inverse=True)


def check_strip(lat: Lattice) -> None:
    """Raise unless the lattice is a fully superconducting, non-periodic rectangle."""
    g = lat.grid
    if g.periodic_x or g.periodic_y or not bool(np.all(np.asarray(lat.site) > 0)):
        raise ParameterError("parameter 'lat': the current-biased strip needs a fully superconducting, "
                             "non-periodic rectangular lattice")


def _divergence(jx, jy, lat):
    return (jx - bwd(jx, 0)) / lat.hx + (jy - bwd(jy, 1)) / lat.hy


def potential(state: State, params: Params, lat: Lattice, current_density, eigenvalues):
    """Electric potential μ for the present ψ and the bias current density [J0] at the terminals."""
    jx, jy = supercurrent(state, lat)
    g = lat.grid
    inject = jnp.zeros(lat.shape, lat.site.dtype).at[0, :].set(1.0).at[g.nx - 1, :].set(-1.0) / lat.hx
    return solve_poisson_neumann((_divergence(jx, jy, lat) - current_density * inject) / params.sigma, eigenvalues)


def transport_step(state: State, params: Params, lat: Lattice, dt, current_density, eigenvalues, leads):
    """One step: μ from the Poisson equation, then ψ ← e^{−iμdt}(ψ + dt/u [D²ψ + (1 − |ψ|²)ψ]), ψ = 0 on leads."""
    mu = potential(state, params, lat, current_density, eigenvalues)
    psi = state.psi
    n = jnp.real(psi * jnp.conj(psi))
    psi = psi + dt / params.u * (covariant_laplacian(psi, state.ax, state.ay, lat) + (1.0 - n) * psi)
    psi = jnp.exp(-1j * mu * dt) * psi * (1.0 - leads)
    return state.replace(psi=psi), mu


@functools.partial(jax.jit, static_argnames=("probe",))
def run_biased(state: State, params: Params, lat: Lattice, dt, current_density, n_steps, n_average, probe: int):
    """``n_steps`` steps at fixed bias; returns the state and the voltage μ(left probe) − μ(right probe)
    averaged over the last ``n_average`` steps (probes: columns ``probe`` and nx−1−probe)."""
    eig = jnp.asarray(neumann_eigenvalues(lat), lat.site.dtype)
    leads = jnp.zeros(lat.shape, lat.site.dtype).at[0, :].set(1.0).at[-1, :].set(1.0)

    def body(k, carry):
        s, v = carry
        s, mu = transport_step(s, params, lat, dt, current_density, eig, leads)
        volt = jnp.mean(mu[probe, :]) - jnp.mean(mu[lat.grid.nx - 1 - probe, :])
        return s, v + jnp.where(k >= n_steps - n_average, volt, 0.0)

    s, v = jax.lax.fori_loop(0, n_steps, body, (state, jnp.zeros((), lat.site.dtype)))
    return s, v / n_average


@jax.jit
def run_with_potential(state: State, params: Params, lat: Lattice, dt, n_steps) -> State:
    """``n_steps`` frozen-A TDGL steps of an isolated rectangle (no terminals) with the potential μ kept.

    The same equations as above with q_ext = 0 and no leads: the supercurrent plus the normal
    current −σ∇μ is conserved at every step, as in pyTDGL without terminals. The fast kernel
    :mod:`gl.kernel` instead sets μ = 0 (pure relaxation): both have the same stationary states,
    but vortex entry runs differently and can end in a different metastable state. The lattice
    must pass :func:`check_strip` (a fully superconducting, non-periodic rectangle).
    """
    eig = jnp.asarray(neumann_eigenvalues(lat), lat.site.dtype)
    no_leads = jnp.zeros(lat.shape, lat.site.dtype)
    body = lambda _, s: transport_step(s, params, lat, dt, 0.0, eig, no_leads)[0]
    return jax.lax.fori_loop(0, n_steps, body, state)
