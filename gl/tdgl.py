"""Time-dependent Ginzburg–Landau dynamics of a :class:`~gl.model.Model`: right-hand side,
stability limit, and the one place where a kernel is chosen for a model.

Equations (docs/model.md; Gor'kov & Eliashberg 1968 and Kramer & Watts-Tobin 1978, in the
normalization of pyTDGL, L. Bishop-Van Horn, Comput. Phys. Commun. 291, 108799 (2023), Eqs. 1–3):

    u/√(1 + γ²|ψ|²) (∂t + iμ + ½γ²∂t|ψ|²) ψ = (∇ − iA)²ψ + (ε(r, t) − |ψ|²)ψ,
    σ ∂t A = Im[ψ*(∇ − iA)ψ] − κ² ∇×(∇×A − H(t)),

lengths in ξ, fields in B_c2, time in t0 = μ0 σ_n λ², current in J0. With γ = 0 and μ = 0 the
right-hand sides are exactly −∂F/∂ψ* and −½∂F/∂A of :func:`gl.energy.free_energy` per unit area
(a discrete gradient flow: F never increases for a stable step); γ > 0 multiplies −∂F/∂ψ* by a
positive mobility, so F still never increases. Time stepping is explicit (forward Euler).

With a :data:`~gl.model.FROZEN` vector potential only ψ evolves; A follows the applied H(t).
μ = 0 is then a model choice: pure relaxation, whose stationary states are the GL ones but
which does not conserve the current in transients. ``electric_potential=True`` keeps μ from
σ∇²μ = ∇·J_s with insulating edges (as pyTDGL does), for rectangles.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from . import screening, tiles
from .boundary import axis_scales, neumann_eigenvalues, require_rectangle, solve_poisson_neumann
from .errors import ParameterError, TimeStepError
from .geometry import Grid
from .kernel import run_frozen, run_full, tile_layout
from .lattice import Lattice, bwd
from .model import Model, condensation_factor, psi_rate, rate_scale
from .operators import covariant_laplacian, curl_field, supercurrent
from .screening import induced_link_phases  # noqa: F401  (gl.tdgl.induced_link_phases, kept public)
from .state import State

#: fraction of the stability limit used as default time step
DEFAULT_DT_FRACTION = 0.5


def unit_potential(model: Model, lat: Lattice):
    """(a_x, a_y) of the applied potential at unit strength (:meth:`gl.model.Model.unit_potential`):
    the uniform unit field in the model's gauge or the model's local source, full (nx, ny) arrays."""
    return model.unit_potential(lat)


def divergence(jx, jy, lat: Lattice):
    """Lattice divergence of a link field (jx, jy) on nodes, (nx, ny): the net outflow through
    each node's cell faces over its cell area (with half edge cells the x and y parts scaled by
    :func:`gl.boundary.axis_scales`)."""
    div_x, div_y = (jx - bwd(jx, 0)) / lat.hx, (jy - bwd(jy, 1)) / lat.hy
    scales = axis_scales(lat.grid, jx.dtype)
    if scales is None:
        return div_x + div_y
    return div_x * scales[0] + div_y * scales[1]


def electric_potential(state: State, model: Model, lat: Lattice, injection=None):
    """μ from σ∇²μ = ∇·J_s − q_ext with insulating edges, mean zero [ħ/(2e t0)], (nx, ny).

    ``injection`` is the external source q_ext [J0/ξ] on nodes (current terminals), or None.
    Needs a full rectangle (:func:`gl.boundary.require_rectangle`)."""
    jx, jy = supercurrent(state, lat)
    src = divergence(jx, jy, lat) if injection is None else divergence(jx, jy, lat) - injection
    eig = neumann_eigenvalues(lat.grid).astype(lat.site.dtype)
    return solve_poisson_neumann(src / model.sigma, eig, lat.grid)


def rhs(state: State, model: Model, lat: Lattice, t=0.0, mu=None, kernel=None) -> State:
    """Time derivatives (∂t ψ, ∂t a_x, ∂t a_y) at time ``t`` [t0], as a :class:`State`.

    ``mu`` (nx, ny) overrides the electric potential; by default it is 0, or solved when the model
    keeps it. With A frozen, ∂t a = Ḣ(t)·a_unit (the applied potential's drift); a
    :data:`~gl.model.PEARL` film adds the relaxation (G·J_s − A_K)/σ of its own potential
    (:mod:`gl.screening`, Eq. 3; ``kernel`` = :func:`gl.screening.film_kernel`, built if None)."""
    psi = state.psi
    n = jnp.real(psi * jnp.conj(psi))
    force = covariant_laplacian(psi, state.ax, state.ay, lat) + condensation_factor(
        n, model.condensation_coefficient(t)) * psi
    if mu is None and model.electric_potential:
        mu = electric_potential(state, model, lat)
    dr, di = psi_rate(jnp.real(force), jnp.imag(force), jnp.real(psi), jnp.imag(psi), model.u,
                      model.gamma if model.generalized else None, mu)
    dpsi = lat.site * jax.lax.complex(dr, di).astype(psi.dtype)
    if model.frozen or model.screened_film:
        if model.applied_field.is_constant:
            dax = day = jnp.zeros_like(state.ax)
        else:
            rate = jax.jvp(model.field, (jnp.asarray(t, state.ax.dtype),), (jnp.ones((), state.ax.dtype),))[1]
            ux, uy = unit_potential(model, lat)
            dax, day = rate * ux, rate * uy
        if model.screened_film:
            kernel = screening.film_kernel(model, lat) if kernel is None else kernel
            ix, iy = screening.induced_link_phases(state, model, lat, t)
            jx, jy = supercurrent(state, lat)
            rx, ry = screening.induced_rate(ix, iy, jx, jy, kernel, lat, model.sigma)
            dax, day = dax + rx, day + ry
        return State(dpsi, dax, day)
    jx, jy = supercurrent(state, lat)
    cx, cy = curl_field(state, model.field(t), lat)
    scales = axis_scales(lat.grid, cx.dtype)
    if scales is not None:
        # a link along an open edge stands for half a cell: its field force per unit area doubles
        cx, cy = cx * scales[1], cy * scales[0]
    k2 = model.kappa ** 2
    return State(dpsi, lat.hx * (jx - k2 * cx) / model.sigma, lat.hy * (jy - k2 * cy) / model.sigma)


def _epsilon_range(model: Model) -> tuple[float, float]:
    """(min, max) of ε(r, t) over the lattice and the temperature schedule (host floats)."""
    eps = np.asarray(model.epsilon)
    theta = (1.0 - np.asarray(model.temperature.values)) / (1.0 - float(model.reference_temperature))
    prods = np.outer([eps.min(), eps.max()], [theta.min(), theta.max()])
    return float(prods.min()), float(prods.max())


def stability_limit(grid: Grid, model: Model, spacing=None) -> float:
    """Largest stable forward-Euler time step [t0] for ``model`` on ``grid``.

    The linearized ψ operator has eigenvalues up to √(1 + γ²n_max)(4/hx² + 4/hy² + c)/u with
    c = 3n_max − ε_min and n_max = max(1, ε_max) (the condensation Jacobian's eigenvalues are
    ε − n and ε − 3n at |ψ|² = n ≤ n_max); the A operator up to (4κ²(1/hx² + 1/hy²) + n_max)/σ
    (lattice curl-curl plus the London term). Forward Euler is stable for dt·λ_max ≤ 2. For the
    clean model (ε = 1, γ = 0) the ψ bound is (4/hx² + 4/hy² + 2)/u. A :data:`~gl.model.PEARL`
    film's screening relaxation adds dt ≤ 2σ/(1 + n_max g_max)
    (:func:`gl.screening.screening_time_step_limit`). Half edge cells leave the bound unchanged
    (an edge node's Laplacian, (ψ_l + ψ_r − 2ψ)/h² + 2(ψ_in − ψ)/h², has the same Gershgorin disc).
    ``spacing`` = (hx, hy) [ξ] replaces the grid's.
    """
    hx, hy = (grid.hx, grid.hy) if spacing is None else (float(spacing[0]), float(spacing[1]))
    s = 1.0 / hx ** 2 + 1.0 / hy ** 2
    eps_min, eps_max = _epsilon_range(model)
    n_max = max(1.0, eps_max)
    c = 3.0 * n_max - eps_min
    dt = 2.0 * float(model.u) / (rate_scale(model, n_max) * (4.0 * s + c))
    if model.screened_film:
        dt = min(dt, screening.screening_time_step_limit(grid, float(model.pearl_length), float(model.sigma), n_max))
    elif not model.frozen:
        dt = min(dt, 2.0 * float(model.sigma) / (4.0 * float(model.kappa) ** 2 * s + n_max))
    return dt


def check_time_step(dt: float | None, grid: Grid, model: Model) -> float:
    """Return ``dt`` (or the default, half the limit, when ``dt`` is None) after checking it.

    Raises:
        TimeStepError: if ``dt`` is not in (0, stability limit].
    """
    limit = stability_limit(grid, model)
    if dt is None:
        return DEFAULT_DT_FRACTION * limit
    dt = float(dt)
    if not (0.0 < dt <= limit):
        raise TimeStepError(
            f"parameter 'dt' = {dt:g} t0 is out of range: allowed (0, {limit:.6g}] t0, the forward-Euler "
            f"stability limit for hx = {grid.hx:g}, hy = {grid.hy:g} ξ, κ = {float(model.kappa):g}, "
            f"u = {float(model.u):g}, γ = {float(model.gamma):g}{' (frozen A)' if model.frozen else ''}")
    return dt


def check_model(model: Model, lat: Lattice) -> None:
    """Raise a :class:`ParameterError` if the model does not fit the lattice.

    Checks ε(r)'s shape, that a screened film's grid suits its kernel
    (:func:`gl.screening.require_film_grid`: open, whole edge cells), and that a kept electric
    potential has a frozen A on a full rectangle.
    """
    if model.epsilon.ndim == 2 and model.epsilon.shape != lat.shape:
        raise ParameterError(f"parameter 'epsilon' has shape {model.epsilon.shape}: must be () or {lat.shape}")
    if model.screened_film:
        screening.require_film_grid(lat.grid)
    if model.source_potential is not None:
        if not (model.screened_film or (model.frozen and not model.uniform)):
            raise ParameterError("parameter 'source_potential' needs vector_potential = 'frozen' or 'pearl' (a local "
                                 "source has no B = H outside the box for 'bulk', and 'uniform' is the uniform field)")
        for a in model.source_potential:
            if a.shape != lat.shape:
                raise ParameterError(f"parameter 'source_potential' has arrays of shape {a.shape}: must be {lat.shape}")
    if model.electric_potential:
        if not model.frozen:
            raise ParameterError("parameter 'electric_potential' = True needs vector_potential = 'frozen'")
        require_rectangle(lat.site, (lat.grid.periodic_x, lat.grid.periodic_y), "electric_potential = True")


def euler_step(state: State, model: Model, lat: Lattice, t, dt, mu=None, kernel=None) -> State:
    """One forward-Euler step from time ``t`` to ``t + dt`` [t0] (the readable reference).

    With A frozen the links move by exactly (H(t + dt) − H(t))·a_unit; with :data:`~gl.model.UNIFORM`
    they are H(t)·a_unit at every step, whatever the state carried. An electric potential μ
    (given as ``mu``, (nx, ny), or solved when the model keeps it) enters as the exact phase
    rotation ψ → e^{−iμdt}ψ after the Euler step of the rest (μ does not change |ψ|, so the
    split is consistent with the generalized TDGL). A :data:`~gl.model.PEARL` film relaxes its own
    potential by :func:`gl.screening.relax_induced` (``kernel``: :func:`gl.screening.film_kernel`)."""
    if model.uniform:
        ux, uy = unit_potential(model, lat)
        state = state.replace(ax=model.field(t) * ux, ay=model.field(t) * uy)
    if mu is None and model.electric_potential:
        mu = electric_potential(state, model, lat)
    d = rhs(state, model, lat, t, mu=None if mu is None else jnp.zeros_like(mu), kernel=kernel)
    psi = state.psi + dt * d.psi
    if mu is not None:
        psi = jnp.exp(-1j * mu * dt) * psi
    if model.screened_film:
        # A_K ← (1 − θ)A_K + θ G·J_s (gl.screening, Eq. 3), then the applied part at t + dt
        kernel = screening.film_kernel(model, lat) if kernel is None else kernel
        ix, iy = screening.induced_link_phases(state, model, lat, t)
        jx, jy = supercurrent(state, lat)
        ix, iy = screening.relax_induced(ix, iy, jx, jy, kernel, lat, dt, model.sigma)
        return screening.with_induced(state.replace(psi=psi), ix, iy, model, lat, t + dt)
    if model.frozen:
        if model.applied_field.is_constant:
            return state.replace(psi=psi)
        ux, uy = unit_potential(model, lat)
        dh = model.field(t + dt) - model.field(t)
        return State(psi, state.ax + dh * ux, state.ay + dh * uy)
    return State(psi, state.ax + dt * d.ax, state.ay + dt * d.ay)


def run_steps(state: State, model: Model, lat: Lattice, dt, n_steps, t0=0.0, spacing=None,
              reference: bool = False) -> State:
    """``n_steps`` Euler steps from time ``t0`` [t0] in one compiled call (``n_steps`` is traced).

    On a CPU, called outside ``jit``/``vmap`` on one device, a fast kernel on a large grid open along
    x runs instead in tiles on :func:`gl.tiles.kernel_threads` threads (:mod:`gl.tiles`; the same
    result to round-off), several calls.

    The kernel is chosen here, from the model's type, and nowhere else:
    a kept electric potential runs :func:`euler_step` (with the Poisson solve); a
    :data:`~gl.model.PEARL` film :func:`gl.screening.run_screened` (blocks of fast frozen-A steps
    between screening updates; ``reference=True`` gives the per-step scheme); a frozen A runs
    :func:`gl.kernel.run_frozen`; an evolving A :func:`gl.kernel.run_full` (each the same scheme
    as :func:`euler_step` to round-off, written for memory bandwidth). ``reference=True`` forces
    the plain loop. ``spacing`` = (hx, hy) [ξ], traced, replaces the grid's in the fast kernels.
    """
    threads = 1 if reference else _tile_threads(state, model, lat, n_steps, (dt, t0, spacing))
    if threads > 1:
        run = run_frozen if model.frozen else run_full
        return run(state, model, lat, dt, int(n_steps), t0, spacing, threads=threads)
    return _run_steps(state, model, lat, dt, n_steps, t0, spacing, reference=reference)


def _tile_threads(state: State, model: Model, lat: Lattice, n_steps, scalars) -> int:
    """Threads on which :func:`run_steps` steps a fast kernel in tiles (:mod:`gl.tiles`), 1 for one
    compiled call: tiles need a CPU, nothing traced (outside ``jit``/``vmap``), one device, a fast
    kernel's model, and a grid :func:`gl.kernel.tile_layout` cuts."""
    if model.electric_potential or model.screened_film or jax.default_backend() != "cpu":
        return 1
    leaves = jax.tree_util.tree_leaves((state, model, lat, n_steps, scalars))
    if any(isinstance(x, jax.core.Tracer) for x in leaves):
        return 1
    sharding = getattr(state.psi, "sharding", None)
    if sharding is not None and len(sharding.device_set) > 1:
        return 1
    threads = tiles.kernel_threads()
    return threads if tile_layout(lat, model, state.ax.dtype, threads) is not None else 1


@functools.partial(jax.jit, static_argnames=("reference",))
def _run_steps(state: State, model: Model, lat: Lattice, dt, n_steps, t0=0.0, spacing=None,
               reference: bool = False) -> State:
    """:func:`run_steps` in one compiled call."""
    if reference or model.electric_potential:
        if spacing is not None:
            raise ParameterError("parameter 'spacing' is only supported by the fast kernels")
        kernel = screening.film_kernel(model, lat) if model.screened_film else None
        body = lambda k, s: euler_step(s, model, lat, t0 + k * dt, dt, kernel=kernel)
        return jax.lax.fori_loop(0, n_steps, body, state)
    if model.screened_film:
        if spacing is not None:
            raise ParameterError("parameter 'spacing' is not supported for vector_potential = 'pearl'")
        return screening.run_screened(state, model, lat, dt, n_steps, t0)
    if model.frozen:
        return run_frozen(state, model, lat, dt, n_steps, t0, spacing)
    return run_full(state, model, lat, dt, n_steps, t0, spacing)


def reference_steps(state: State, model: Model, lat: Lattice, dt, n_steps, t0=0.0) -> State:
    """``n_steps`` Euler steps of :func:`euler_step` in one ``lax.fori_loop`` (readable reference)."""
    return run_steps(state, model, lat, dt, n_steps, t0, reference=True)
