"""Thin-film screening in the dynamics and the energy: the :data:`~gl.model.PEARL` vector potential.

A film of thickness d ≪ λ screens over the Pearl length Λ = 2λ²/d (J. Pearl, Appl. Phys. Lett.
5, 65 (1964)). In GL units (docs/model.md, "Thin-film screening"; :mod:`gl.thinfilm` derives
them) the film's sheet current, written as a current density K [J0] on the film's links, has the
in-plane vector potential

    A_K(r) = (1/(2πΛ)) ∫ K(r')/|r − r'| d²r',      i.e.  A_K(k) = K(k)/(Λ|k|),           (1)

evaluated by Hockney's zero-padded FFT convolution (:func:`gl.thinfilm.potential_kernel`): an
isolated film, no periodic images, O(N log N). The total potential is A = A_applied(t) + A_K and
the state's links carry it, so every observable (B_z, currents, fluxoid) sees the screened field.

Free energy per unit area of film (per d), the GL terms plus the magnetic energy of the sheet
current's field in all space (½∫B²/μ0 d³r = ½∫K·A_K d²r in SI; in these units):

    F = Σ_nodes (−ε|ψ|² + ½|ψ|⁴) + Σ_links |U ψ' − ψ|²/h² + ∫ K·A_K d²r,               (2)

whose stationarity in K gives K = J_s = Im[ψ*(∇ − iA)ψ]: the film's current is its
supercurrent, the Pearl–London screening (tests/test_screening.py checks it against Kogan's
response, the Brandt–Indenbom strip and Pearl's vortex).

Dynamics ("evolved with ψ"): K relaxes to the supercurrent,

    σ ∂t K = J_s − K,   equivalently  σ ∂t A_K = G·J_s − A_K   (G: the convolution (1)),      (3)

the gradient flow of (2) in the metric G (∂F/∂K = 2G(K − J_s) per cell), so F never increases for
a stable step and the stationary states are exactly the screened GL states. The transient is a
relaxation, like μ = 0 for ψ (the physical eddy-current dynamics σ∂tA_K = J_s − K would be stiff
at short wavelengths, where G⁻¹ ~ Λ|k| is large). Forward Euler on (3) with θ = dt/σ,

    A_K ← (1 − θ)·A_K + θ·G·J_s(ψ, A_applied + A_K),

is stable for θ(1 + n_max g_max) < 2, g_max the largest eigenvalue of G on the film
(:func:`screening_time_step_limit`: with θ = 1 this is the plain iteration A_K = G·J_s, which
diverges for films wider than about Λ).
"""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.sparse.linalg import cg

from .errors import ParameterError
from .geometry import Grid
from .lattice import Lattice, fwd
from .thinfilm import cell_integral_inverse_distance, convolve_padded, potential_kernel


def film_kernel(model, lat: Lattice, spacing=None):
    """The rfft2 of the padded Green's function of Eq. (1) for the model's Pearl length, (2nx, ny+1) complex.

    Traced Λ and spacing allowed (the kernel is then built in the compiled program).

    Raises:
        ParameterError: for a periodic grid or a non-positive or infinite Pearl length (concrete).
    """
    require_film_grid(lat.grid)
    lam = model.pearl_length
    if not isinstance(lam, jax.core.Tracer) and not (0.0 < float(lam) < math.inf):
        raise ParameterError(f"parameter 'pearl_length' = {float(lam)!r} xi is out of range: allowed (0, ∞) for "
                             "vector_potential = 'pearl'")
    return potential_kernel(lat.grid, lam, 0.0, spacing).astype(jnp.result_type(lat.site.dtype, jnp.complex64))


def require_film_grid(grid: Grid) -> None:
    """Raise :class:`ParameterError` unless ``grid`` is open in x and y (an isolated film) with whole
    edge cells (the kernel's cells are whole; :attr:`gl.geometry.Grid.edge_cells`)."""
    if grid.periodic_x or grid.periodic_y:
        raise ParameterError("parameter 'vector_potential' = 'pearl' needs an open grid (periodic_x = periodic_y = "
                             "False): the thin-film kernel is for an isolated film")
    if grid.half_edge_cells:
        raise ParameterError("parameter 'edge_cells' = 'half' does not support vector_potential = 'pearl' "
                             "(the film's screening kernel is written for whole cells)")


def induced_potential(jx, jy, kernel, lat: Lattice, spacing=None):
    """Link phases (a_x, a_y) = h·G·K of the sheet current (jx, jy) [J0], Eq. (1), on all (nx, ny) links.

    jx, jy: (nx, ny) on x- and y-links, 0 off the film. ``kernel`` from :func:`film_kernel`."""
    nx, ny = lat.shape
    hx, hy = (lat.hx, lat.hy) if spacing is None else spacing
    conv = convolve_padded(jnp.stack([jx, jy]), kernel)[:, :nx, :ny]
    return (conv[0] * hx).astype(jx.dtype), (conv[1] * hy).astype(jy.dtype)


def induced_link_phases(state, model, lat: Lattice, t=0.0):
    """The film's own part A_K = A − s(t)·A_unit of the state's link phases (s(t): the model's
    applied-field or source schedule, A_unit: :meth:`gl.model.Model.unit_potential`), (nx, ny) each."""
    ux, uy = model.unit_potential(lat)
    h = model.field(t)
    return state.ax - h * ux, state.ay - h * uy


def with_induced(state, ax_induced, ay_induced, model, lat: Lattice, t=0.0):
    """``state`` with link phases A_applied(t) + A_K for the given induced part A_K."""
    ux, uy = model.unit_potential(lat)
    h = model.field(t)
    return state.replace(ax=ax_induced + h * ux, ay=ay_induced + h * uy)


def relax_induced(ax_induced, ay_induced, jx, jy, kernel, lat: Lattice, dt, sigma, spacing=None):
    """One forward-Euler step of Eq. (3): A_K ← (1 − θ)A_K + θ·G·J_s with θ = dt/σ (link phases in and out)."""
    theta = dt / sigma
    gx, gy = induced_potential(jx, jy, kernel, lat, spacing)
    return ax_induced + theta * (gx - ax_induced), ay_induced + theta * (gy - ay_induced)


def induced_rate(ax_induced, ay_induced, jx, jy, kernel, lat: Lattice, sigma, spacing=None):
    """∂t of the induced link phases, (G·J_s − A_K)/σ of Eq. (3)."""
    gx, gy = induced_potential(jx, jy, kernel, lat, spacing)
    return (gx - ax_induced) / sigma, (gy - ay_induced) / sigma


def sheet_current_of(ax_induced, ay_induced, kernel, lat: Lattice, *, tol: float = 1e-11, maxiter: int = 2000):
    """The sheet current K [J0] on the film's links whose potential G·K equals the given induced
    potential there: solves G_F K = A_K on the film links by conjugate gradients (G_F, the kernel
    restricted to the film, is symmetric positive definite). (nx, ny) each, 0 off the film.

    Used to evaluate the magnetic energy of a state; at a stationary state K = J_s."""
    mx, my = lat.link_x, lat.link_y
    hx, hy = lat.hx, lat.hy

    def op(k):
        gx, gy = induced_potential(k[0] * mx, k[1] * my, kernel, lat)
        return (jnp.where(mx > 0, gx / hx, k[0]), jnp.where(my > 0, gy / hy, k[1]))

    rhs = (mx * ax_induced / hx, my * ay_induced / hy)
    (kx, ky), _ = cg(op, rhs, tol=tol, maxiter=maxiter)
    return kx * mx, ky * my


def magnetic_energy(kx, ky, ax_induced, ay_induced, lat: Lattice):
    """∫K·A_K d²r of Eq. (2) [(B_c²/μ0) ξ² d]: the field energy of the sheet current K (kx, ky) [J0]
    whose induced link phases are (ax_induced, ay_induced)."""
    area = lat.hx * lat.hy
    return area * (jnp.sum(kx * ax_induced) / lat.hx + jnp.sum(ky * ay_induced) / lat.hy)


def kernel_bound(grid: Grid, pearl_length) -> float:
    """An upper bound on g_max, the largest eigenvalue of G restricted to any film on ``grid``:
    Gershgorin's row sum ≤ (1/(2πΛ))∫ d²r/|r| over the (2Lx × 2Ly) rectangle centred on the row's
    link (which covers the grid from any link). The integral depends on the grid only; Λ may be traced."""
    lx, ly = grid.nx * grid.hx, grid.ny * grid.hy
    integral = float(cell_integral_inverse_distance(2.0 * lx, 2.0 * ly, 0.0, xp=np))
    return integral / (2.0 * math.pi * pearl_length)


def screening_time_step_limit(grid: Grid, pearl_length: float, sigma: float, n_max: float = 1.0) -> float:
    """Largest stable dt [t0] of the screening relaxation (3): 2σ/(1 + n_max·g_max) with g_max from
    :func:`kernel_bound` (the supercurrent's London response −n_s A_K closes the loop)."""
    return 2.0 * sigma / (1.0 + n_max * kernel_bound(grid, pearl_length))


def relaxation_block(model, lat: Lattice, dt):
    """ψ steps per screening update in :func:`run_screened` (traced int ≥ 1): k = ⌊θ_max σ/dt⌋ with
    θ_max = 1/(1 + g_max), g_max from :func:`kernel_bound` (half the screening step's stability
    limit for |ψ|² ≤ 1, so k·dt/σ·(1 + n g_max) ≤ 1)."""
    theta_max = 1.0 / (1.0 + kernel_bound(lat.grid, model.pearl_length))
    return jnp.maximum(1, jnp.floor(theta_max * model.sigma / dt)).astype(jnp.int32)


def run_screened(state, model, lat: Lattice, dt, n_steps, t0=0.0, block=None):
    """``n_steps`` steps of a :data:`~gl.model.PEARL` film, multirate: the ψ steps run in blocks of
    k (:func:`relaxation_block`, or ``block``) on the fast frozen-A kernel with A_K held, each block
    followed by one screening update A_K ← A_K + θ_k(G·J_s − A_K), θ_k = k·dt/σ (Eq. 3 with the
    block's step). The stationary states are those of the per-step scheme (:func:`gl.tdgl.euler_step`,
    ``run_steps(reference=True)``); transients differ by O(k·dt), and k = 1 whenever the screening
    limits the step. The FFT convolution, the step's dominant cost, then runs once per k steps."""
    from .kernel import run_frozen          # the kernel module does not import this one
    from .model import FROZEN
    from .operators import supercurrent

    frozen = model.with_vector_potential(FROZEN)
    kernel = film_kernel(model, lat)
    k = relaxation_block(model, lat, dt) if block is None else jnp.asarray(block, jnp.int32)
    k = jnp.minimum(k, jnp.maximum(n_steps, 1))

    def advance(s, t_start, m):
        s = run_frozen(s, frozen, lat, dt, m, t_start)
        t_end = t_start + m * dt
        jx, jy = supercurrent(s, lat)
        ix, iy = induced_link_phases(s, model, lat, t_end)
        return with_induced(s, *relax_induced(ix, iy, jx, jy, kernel, lat, m * dt, model.sigma), model, lat, t_end)

    def multirate(s):
        n_blocks, rest = n_steps // k, n_steps % k
        s = jax.lax.fori_loop(0, n_blocks, lambda b, s: advance(s, t0 + b * k * dt, k), s)
        return jax.lax.cond(rest > 0, lambda s: advance(s, t0 + n_blocks * k * dt, rest), lambda s: s, s)

    def per_step(s):            # k = 1: the plain step is cheaper than a one-step block
        from .tdgl import euler_step
        return jax.lax.fori_loop(0, n_steps, lambda i, s: euler_step(s, model, lat, t0 + i * dt, dt, kernel=kernel), s)

    return jax.lax.cond(k > 1, multirate, per_step, state)


def _gauged_differences(theta, ax, ay):
    """(θ_j − θ_i − a_ij) on the x- and y-links, each (nx, ny): the unwrapped gauge-invariant phase
    differences whose sine (or, in the London limit, value) is the link current times h."""
    return fwd(theta, 0) - theta - ax, fwd(theta, 1) - theta - ay


def _phase_energy(theta, ax, ay, lat: Lattice):
    """½ Σ_film links (θ_j − θ_i − a_ij)²: the London kinetic energy (|ψ| = 1) as a function of the phase;
    its θ-gradient is minus the lattice divergence of the London current Δθ − a."""
    dx, dy = _gauged_differences(theta * lat.site, ax, ay)
    ex, ey = lat.link_x * dx, lat.link_y * dy
    return 0.5 * (jnp.sum(ex * ex) + jnp.sum(ey * ey))


@functools.partial(jax.jit, static_argnums=(3, 4))
def london_phase(ax, ay, lat: Lattice, tol: float = 1e-10, maxiter: int = 20000):
    """The phase θ on the film's nodes whose London current j = (θ_j − θ_i − a_ij)/h on the film's links is
    divergence-free with no flow through the film's edges (∇·j = 0, n·j = 0: the London gauge
    condition, here on the lattice with its staircase edges), by conjugate gradients on the masked
    lattice Laplace problem that minimizes ½ Σ (Δθ − a)².

    Args:
        ax, ay: (nx, ny) link phases [rad]. lat: lattice (its site and link masks define the film).
        tol, maxiter: CG relative tolerance and iteration limit (the Laplacian's condition number
            grows as (film size / h)², so CG needs O(size/h) iterations).

    Returns:
        θ, (nx, ny) [rad], 0 off the film (its constant is fixed by the CG start θ = 0).

    With μ = 0 the TDGL builds this phase by diffusion over the whole film (time ~ u L², ~10⁵ t0 for
    a 1000 ξ film); the electric potential of ∇²μ = ∇·J_s would do it at once.
    """
    site = lat.site.astype(ax.dtype)
    zero = jnp.zeros(lat.shape, ax.dtype)
    g0, hvp = jax.linearize(jax.grad(lambda th: _phase_energy(th, ax, ay, lat)), zero)
    return _solve_on_film(hvp, -g0, site, tol, maxiter)


def _solve_on_film(hvp, rhs, site, tol, maxiter, atol=0.0):
    """x on the film's nodes with H x = rhs there (H applied by ``hvp``, a lattice Laplacian that is
    positive semi-definite on the film), by CG; the identity off the film keeps the system SPD, and
    the film mean of ``rhs`` is removed first: the film's constant phase is H's null mode, and a
    right-hand side with a round-off component along it makes CG drift. 0 off the film."""
    op = lambda v: hvp(v * site) * site + (1.0 - site) * v
    b = rhs * site
    b = b - site * jnp.sum(b) / jnp.maximum(jnp.sum(site), 1.0)
    x, _ = cg(op, b, tol=tol, atol=atol, maxiter=maxiter)
    return x * site


def _gl_phase_energy(theta, weight_x, weight_y, ax, ay, lat: Lattice):
    """Σ_links w (1 − cos(θ_j − θ_i − a_ij)), w = |ψ_i||ψ_j|: the kinetic energy of ψ as a function of
    its phase; minus its θ-gradient is h times the lattice divergence of J_s."""
    dx, dy = _gauged_differences(theta * lat.site, ax, ay)
    return jnp.sum(weight_x * (1.0 - jnp.cos(dx))) + jnp.sum(weight_y * (1.0 - jnp.cos(dy)))


@functools.partial(jax.jit, static_argnums=(2, 3, 4))
def project_phase(state, lat: Lattice, newton_steps: int = 2, tol: float = 1e-8, maxiter: int = 20000):
    """``state`` with the phase of ψ replaced by the one that conserves its supercurrent at fixed |ψ|
    and link phases: ∇·J_s = 0 on the material, n·J_s = 0 at its edges (J_s = |ψ_i||ψ_j|
    sin(θ_j − θ_i − a_ij)/h), by Newton steps on the phase energy Σ|ψ_i||ψ_j|(1 − cos(Δθ − a)), each
    solved by conjugate gradients (the Hessian is a weighted lattice Laplacian, positive definite
    while |Δθ − a| < π/2 on every link).

    Every stationary state satisfies this, so it leaves one unchanged (tested); in between TDGL
    chunks with μ = 0 it does at once what the phase would otherwise do by diffusion over the whole
    sample (time ~ u L²), which is what the electric potential of ∇²μ = ∇·J_s does in the TDGL. It
    does not change |ψ| or A, nor the vorticity of a state whose phase steps stay below π/2.

    Args:
        state: :class:`~gl.state.State`, (nx, ny) arrays. lat: lattice (masks).
        newton_steps: Newton iterations (static). tol, maxiter: CG relative tolerance and limit.

    Returns:
        The :class:`~gl.state.State` with the new ψ.
    """
    amp = jnp.abs(state.psi)
    site = lat.site.astype(amp.dtype)
    theta = jnp.angle(state.psi) * site
    wx = lat.link_x * amp * fwd(amp, 0)
    wy = lat.link_y * amp * fwd(amp, 1)
    grad = jax.grad(lambda th: _gl_phase_energy(th, wx, wy, state.ax, state.ay, lat))
    for _ in range(newton_steps):
        g, hvp = jax.linearize(grad, theta)
        theta = theta + _solve_on_film(hvp, -g, site, tol, maxiter, atol=1e-12 * jnp.sqrt(jnp.sum(site)))
    psi = amp * (jnp.cos(theta) + 1j * jnp.sin(theta))
    return state.replace(psi=psi.astype(state.psi.dtype) * lat.site)


def london_state(lat: Lattice, model, t=0.0, *, tol: float = 1e-8):
    """The Meissner state of a :data:`~gl.model.PEARL` film in the London limit, as a starting state.

    ψ = e^{iθ} on the film (|ψ| = 1) and A = A_applied(t) + A_K, where the sheet current K solves
    the London relation K = −(A − ∇θ) (in J0 with link phases a/h) with its own field A_K = G·K
    (Eq. 1) included, and θ keeps it divergence-free and inside the film (:func:`london_phase`):
    first θ₀ for A_applied, then K = :func:`gl.thinfilm.london_response` to A_applied − ∇θ₀ (a
    potential in the film's London gauge), then θ for A_applied + A_K. This is the GL Meissner
    state up to the suppression of |ψ| by the current and near the edges (an O(ξ) boundary layer);
    started from it, TDGL and L-BFGS only have to relax that, instead of building the screening
    over the whole film (for a 1024 ξ disk at Λ = 256 ξ: benchmarks/RESULTS.md, section 10).
    Vortex-free: the state has the topology of ψ = 1.

    Args:
        lat: lattice of an open grid (an isolated film). model: a PEARL model. t: time of A_applied(t).
        tol: relative residual of the London CG solve.

    Returns:
        :class:`~gl.state.State` with (nx, ny) arrays of the lattice's dtype.

    Raises:
        ParameterError: for a model that is not a PEARL film, or a periodic grid.
    """
    from .state import State
    from .thinfilm import london_response

    if not model.screened_film:
        raise ParameterError("parameter 'model' has vector_potential != 'pearl': london_state needs a PEARL film")
    require_film_grid(lat.grid)
    dtype = lat.site.dtype
    ux, uy = model.unit_potential(lat)
    h = model.field(t)
    ax, ay = h * ux, h * uy
    mx, my = lat.link_x.astype(dtype), lat.link_y.astype(dtype)
    theta = london_phase(ax, ay, lat)
    dx, dy = _gauged_differences(theta, ax, ay)          # the gauged potential a − Δθ is −(these)
    lon = london_response(-dx * mx, -dy * my, lat.grid, model.pearl_length, mx, my, tol=tol)
    ix, iy = induced_potential(lon.jx * mx, lon.jy * my, film_kernel(model, lat), lat)
    theta = london_phase(ax + ix, ay + iy, lat)
    psi = (jnp.cos(theta) + 1j * jnp.sin(theta)) * lat.site
    return with_induced(State(psi.astype(jnp.result_type(dtype, jnp.complex64)), ix, iy), ix, iy, model, lat, t)


__all__ = ["film_kernel", "relaxation_block", "run_screened", "require_film_grid", "induced_potential",
           "induced_link_phases", "with_induced", "relax_induced", "induced_rate",
           "sheet_current_of", "magnetic_energy", "kernel_bound", "screening_time_step_limit", "london_phase",
           "project_phase", "london_state"]
