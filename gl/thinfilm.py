"""Thin-film (Pearl) electrodynamics: the vector potential and field of a film's own currents.

A film of thickness d ≪ λ carries a sheet current K = J d. Its vector potential in the film
plane is, per in-plane Fourier component k (J. Pearl, Appl. Phys. Lett. 5, 65 (1964)),

    A_K(k) = μ0 K(k)/(2|k|),    and at height z:  A_K(k, z) = μ0 K(k) e^{−|k| z}/(2|k|),

the 2D transform of the 3D Biot–Savart potential μ0/(4π)∫K(r')/|r − r'| d²r'
(since ∫d²k/(2π)² e^{ik·r} e^{−kz}/k = (1/2π)∫₀^∞ J0(kρ) e^{−kz} dk = 1/(2π√(ρ² + z²))).

**In GL units** (docs/model.md, "Units": lengths in ξ, A in ξB_c2 = Φ0/(2πξ), J in
J0 = Φ0/(2πμ0λ²ξ)) write K = J0 d·j, k = k̃/ξ, A = (Φ0/2πξ)·ã and transform with d²r = ξ²d²r̃:

    ã(k̃) = (2πξ/Φ0)·μ0 J0 d ξ² j(k̃)/(2k̃/ξ)·(1/ξ²) = (d ξ/(2λ²))·j(k̃)/k̃ = j(k̃)/(Λ̃ k̃),

with Λ̃ = Λ/ξ = 2λ²/(dξ) the Pearl length in ξ. In real space, at height z̃ above the film,

    ã(r, z) = (1/(2πΛ̃)) ∫ j(r') / √(|r − r'|² + z²) d²r',                          (1)
    b_z(r, z) = ∂x ã_y − ∂y ã_x,   b_z(k, z) = i(k × j)_z e^{−kz}/(Λ̃ k)  [B_c2],        (2)

i.e. the Fourier-space Biot–Savart law B_z = (μ0/2)(i k × K)_z e^{−kz}/k. Equivalently the sheet
current in the SI-with-μ0-=-1 current unit I0/ξ of :mod:`gl.sources` is K̃ = 2j/Λ̃
(:func:`sheet_current`). This module uses (1) and (2) in real space, so nothing is periodic:

**Hockney's method** (R. W. Hockney and J. W. Eastwood, *Computer Simulation Using Particles*,
§6-5). The current on the x-links (a piecewise-constant density over hx × hy cells centred on
the link midpoints) is zero-padded to (2nx, 2ny) and convolved, by rfft2, with the Green's
function G(m, n) = (1/(2πΛ̃))∫∫_cell dx dy/√(x² + y² + z²) of the cell (m, n) cells away,
stored at the wrapped offsets m ∈ [−nx, nx), n ∈ [−ny, ny). Because the padded box is twice the
grid, the circular convolution equals the aperiodic sum for every output offset in
[−1, nx] × [−1, ny]: an isolated film sees no periodic images. Near cells, including the self
cell (m, n) = (0, 0) where 1/r is singular at z = 0, use the exact cell integral (closed form
with asinh, :func:`cell_integral_inverse_distance`); far cells the midpoint value with its
h² correction (:func:`green_function` says why not the bare point value). The x- and y-links
form two lattices shifted by half a cell, but each component only sees its own (A_K ∥ K), so
the same kernel serves both. Cost O(N log N); the kernel's transform is computed once per grid
(:func:`potential_kernel`), traced spacing and Pearl length allowed.

Also here: :func:`london_response`, the film's self-consistent London screening current with
the film's own field included, solved by conjugate gradients.
"""
from __future__ import annotations

import functools
import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.sparse.linalg import cg

from .errors import ParameterError, require_positive
from .geometry import Grid
from .sharding import replicated


def _require_open(grid: Grid):
    if grid.periodic_x or grid.periodic_y:
        raise ParameterError("parameter 'grid' is periodic: the thin-film kernels are for an isolated film; use an "
                             "open grid (periodic_x = periodic_y = False)")


def _require_height(height):
    if isinstance(height, jax.core.Tracer):
        return height
    v = float(height)
    if not math.isfinite(v) or v < 0.0:
        raise ParameterError(f"parameter 'height' = {height!r} xi is out of range: allowed [0, inf) xi")
    return v


def _primitive(x, y, z, xp=jnp):
    """F(x, y) with ∂²F/∂x∂y = 1/√(x² + y² + z²) and F(0, y) = F(x, 0) = 0 (odd in x and in y).

    ``xp`` is numpy (concrete inputs: no compilation) or jax.numpy (traced inputs)."""
    r = xp.sqrt(x * x + y * y + z * z)
    sx = xp.sqrt(x * x + z * z)
    sy = xp.sqrt(y * y + z * z)
    tx = xp.where(sx > 0, x * xp.arcsinh(y / xp.where(sx > 0, sx, 1.0)), 0.0)
    ty = xp.where(sy > 0, y * xp.arcsinh(x / xp.where(sy > 0, sy, 1.0)), 0.0)
    zs = xp.where(z > 0, z, 1.0)
    rs = xp.where(r > 0, r, 1.0)
    angle = xp.where(z > 0, z * xp.arctan(x * y / (zs * rs)), 0.0)
    return tx + ty - angle


def cell_integral_inverse_distance(hx, hy, height=0.0, x0=0.0, y0=0.0, *, xp=jnp):
    """∫∫ dx dy/√(x² + y² + z²) over the cell |x − x0| ≤ hx/2, |y − y0| ≤ hy/2 [ξ], exactly.

    With F(x, y) = x asinh(y/√(x² + z²)) + y asinh(x/√(y² + z²)) − z atan(xy/(z√(x² + y² + z²)))
    (∂²F/∂x∂y = 1/√(x² + y² + z²)) the integral is F(x1, y1) − F(x0', y1) − F(x1, y0') + F(x0', y0')
    over the cell's corners. For the centred cell at z = 0 it is 2hx asinh(hy/hx) +
    2hy asinh(hx/hy) (= 4 asinh(1)·h ≈ 3.525h for a square cell, against 2√π·h ≈ 3.545h for the
    disk of equal area). Loses relative accuracy ~1e-16·(r/h)² far from the cell (cancellation);
    :func:`green_function` uses it only for near cells.

    Args:
        hx, hy: cell sides [ξ], > 0. height: z ≥ 0 [ξ]. x0, y0: cell centre [ξ] (arrays
            allowed, broadcast explicitly by the caller). Traced values allowed.
        xp: the array module, jax.numpy (default) or numpy.

    Returns:
        The integral [ξ], the shape of x0, y0.
    """
    xa, xb = x0 - 0.5 * hx, x0 + 0.5 * hx
    ya, yb = y0 - 0.5 * hy, y0 + 0.5 * hy
    z = height
    F = _primitive
    return F(xb, yb, z, xp) - F(xa, yb, z, xp) - F(xb, ya, z, xp) + F(xa, ya, z, xp)


#: Cells with |m| ≤ NEAR_CELLS and |n| ≤ NEAR_CELLS use the exact cell integral in
#: :func:`green_function`; farther ones the midpoint value with its h² correction.
NEAR_CELLS = 6


def _offsets(n: int) -> np.ndarray:
    """Offsets 0, 1, …, n, −(n−1), …, −1 of the (2n)-point padded axis (index n holds +n ≡ −n)."""
    k = np.arange(2 * n)
    return np.where(k <= n, k, k - 2 * n)


def green_function(grid: Grid, pearl_length, height=0.0, spacing=None):
    """The padded real-space kernel G(m, n) of Eq. (1), shape (2nx, 2ny), at wrapped offsets.

    G(m, n) = (1/(2πΛ̃)) ∫∫_cell(m, n) dx dy/√(x² + y² + z²), the potential at a link of a unit
    current density spread uniformly over the hx × hy cell centred on the link (m, n) cells away,
    so that ã_x(i, j) = Σ G(i − i', j − j') j_x(i', j') is Eq. (1) [ξ B_c2] for a cell-wise
    constant current. Near cells (|m|, |n| ≤ :data:`NEAR_CELLS`, including the singular self cell
    at z = 0) use the exact integral (:func:`cell_integral_inverse_distance`); the others the
    midpoint value with its h² correction, hx hy [f + (hx²/24) f_xx + (hy²/24) f_yy] with
    f = 1/r, r² = x² + y² + z², f_xx = (2x² − y² − z²)/r⁵ (relative error ≤ (h/r)⁴/80 < 1e-5
    there). Using the point value 1/r off the self cell instead would leave an O(h) local
    error (Σ_cells h⁴/(24 r³) ~ h), which acts like a shift of Λ̃ by O(h) and, at Λ̃ ~ h,
    costs ~1% in the screening.

    Args:
        grid: an open grid. pearl_length: Λ̃ [ξ], > 0. height: z ≥ 0 [ξ].
        spacing: (hx, hy) [ξ], possibly traced, replacing the grid's spacing.

    Raises:
        ParameterError: for a periodic grid, Λ̃ ≤ 0 or z < 0 (concrete values).
    """
    _require_open(grid)
    require_positive("pearl_length", pearl_length, "xi")
    height = _require_height(height)
    hx, hy = (grid.hx, grid.hy) if spacing is None else spacing
    if any(isinstance(v, jax.core.Tracer) for v in (hx, hy, height, pearl_length)):
        return _green_jit(grid.nx, grid.ny, hx, hy, height, pearl_length, jnp)
    # concrete inputs: evaluate in float64 numpy (no compilation per grid shape)
    G = _green(grid.nx, grid.ny, float(hx), float(hy), float(height), float(pearl_length), np)
    return jnp.asarray(G, dtype=jnp.result_type(float))


def _green(nx, ny, hx, hy, height, pearl_length, xp):
    mx, ny_ = np.meshgrid(_offsets(nx), _offsets(ny), indexing="ij")
    near = (np.abs(mx) <= NEAR_CELLS) & (np.abs(ny_) <= NEAR_CELLS)
    X = xp.asarray(mx, dtype=float) * hx
    Y = xp.asarray(ny_, dtype=float) * hy
    z2 = height * height
    r2 = xp.where(near, 1.0, X * X + Y * Y + z2)      # far cells only: r > 6h
    r = xp.sqrt(r2)
    corr = 1.0 + (hx * hx * (2.0 * X * X - Y * Y - z2) + hy * hy * (2.0 * Y * Y - X * X - z2)) / (24.0 * r2 * r2)
    far = hx * hy * corr / r
    exact = cell_integral_inverse_distance(hx, hy, height, xp.where(near, X, 0.0), xp.where(near, Y, 0.0), xp=xp)
    G = xp.where(near, exact, far)
    return G / (2.0 * math.pi * pearl_length)


_green_jit = functools.partial(jax.jit, static_argnums=(0, 1, 6))(_green)


def potential_kernel(grid: Grid, pearl_length, height=0.0, spacing=None):
    """rfft2 of :func:`green_function`: complex, shape (2nx, ny + 1). Compute once per grid,
    Pearl length and height, and pass as ``kernel=`` to the functions below (traced inputs
    allowed)."""
    return jnp.fft.rfft2(replicated(green_function(grid, pearl_length, height, spacing)))


def _convolve(f, kernel, grid: Grid, name: str = "j"):
    """Aperiodic convolution of an (nx, ny) array with the padded kernel; returns (2nx, 2ny)."""
    nx, ny = grid.shape
    if f.shape != (nx, ny):
        raise ParameterError(f"parameter '{name}' has shape {f.shape}: must be the grid shape {(nx, ny)}")
    return _convolve_jit(f, kernel)


def convolve_padded(f, kernel):
    """Aperiodic (Hockney) convolution of ``f`` (..., nx, ny) with a kernel given as the rfft2 of its
    (2nx, 2ny) zero-padded Green's function (:func:`potential_kernel`); returns (..., 2nx, 2ny), of
    which [..., :nx, :ny] is the convolution on the grid. The FFT operands are gathered first when
    sharded (:func:`gl.sharding.replicated`). The one convolution of the thin-film code: the probes,
    the London solve and the screened TDGL (:mod:`gl.screening`) all call it."""
    nx, ny = f.shape[-2:]
    lead = f.ndim - 2
    padded = replicated(jnp.pad(f, ((0, 0),) * lead + ((0, nx), (0, ny))))
    spectrum = jnp.fft.rfft2(padded) * jnp.reshape(kernel, (1,) * lead + kernel.shape)
    return jnp.fft.irfft2(replicated(spectrum), s=(2 * nx, 2 * ny))


_convolve_jit = jax.jit(convolve_padded)


@jax.jit
def _plaquette_curl(ax, ay, area):
    return (ax[:-1, :-1] + ay[1:, :-1] - ax[:-1, 1:] - ay[:-1, :-1]) / area


def _spacing(grid, spacing):
    return (grid.hx, grid.hy) if spacing is None else spacing


def sheet_potential(jx, jy, grid: Grid, pearl_length, height=0.0, *, kernel=None, spacing=None,
                    extended: bool = False):
    """Link phases (a_x, a_y) of the film's vector potential at height z, Eq. (1), by Hockney's method.

    Args:
        jx, jy: current density on the film's x- and y-links [J0], (nx, ny) each (Jx[i, j] on
            the x-link (i, j)→(i+1, j), as :func:`gl.operators.supercurrent` returns them). It
            is treated as constant over an hx × hy cell centred on each link midpoint; links
            outside the film (or across an open edge) must carry 0.
        grid: an open :class:`Grid` [ξ].
        pearl_length: Λ̃ = 2λ²/(dξ) [ξ], > 0 (:attr:`gl.units.GLUnits.pearl_length`/ξ).
        height: z ≥ 0 above the film [ξ]; the links are those of the grid translated to height z.
        kernel: :func:`potential_kernel` for this grid, Λ̃ and z (computed if None; a kernel
            for another Λ̃ or z is not detected).
        spacing: traced (hx, hy) [ξ] replacing the grid's.
        extended: return (nx+1, ny+1) arrays (the extra row/column are the links one step beyond
            the grid, also exact), so every plaquette of the grid has its four links.

    Returns:
        (a_x, a_y) = (A_x·hx, A_y·hy): link phases (dimensionless, the project's convention) on
        the same staggered positions as jx, jy.

    Raises:
        ParameterError: for a periodic grid, wrong shapes, Λ̃ ≤ 0 or z < 0.
    """
    _require_open(grid)
    require_positive("pearl_length", pearl_length, "xi")
    _require_height(height)
    if kernel is None:
        kernel = potential_kernel(grid, pearl_length, height, spacing)
    hx, hy = _spacing(grid, spacing)
    n = (grid.nx + int(extended), grid.ny + int(extended))
    Ax = _convolve(jnp.asarray(jx), kernel, grid, "jx")[:n[0], :n[1]]
    Ay = _convolve(jnp.asarray(jy), kernel, grid, "jy")[:n[0], :n[1]]
    return Ax * hx, Ay * hy


def screening_potential(jx, jy, grid: Grid, pearl_length, *, kernel=None, spacing=None):
    """The film's own vector potential in its plane as link phases: a_K(k) = j(k)/(Λ̃|k|).

    Pearl's A_K(k) = μ0K(k)/(2|k|) in GL units (module docstring): in real space
    ã(r) = (1/(2πΛ̃))∫ j(r')/|r − r'| d²r', evaluated by aperiodic (Hockney) convolution on the
    (2nx, 2ny) zero-padded grid, with exact cell integrals of 1/|r| for the near cells (the
    self cell included, where 1/|r| is singular), see :func:`green_function`.

    Args:
        jx, jy: current density [J0] on x- and y-links, (nx, ny) each; 0 off the film.
        grid: open :class:`Grid` [ξ]. pearl_length: Λ̃ [ξ], > 0.
        kernel: :func:`potential_kernel` (grid, Λ̃, height 0), reused between calls.
        spacing: traced (hx, hy) [ξ].

    Returns:
        (a_x, a_y): link phases a = A·h (dimensionless), (nx, ny) each, on the positions of jx, jy.

    Raises:
        ParameterError: for a periodic grid, wrong shapes or Λ̃ ≤ 0.
    """
    return sheet_potential(jx, jy, grid, pearl_length, 0.0, kernel=kernel, spacing=spacing)


def sheet_field(jx, jy, grid: Grid, height, pearl_length, *, kernel=None, spacing=None):
    """B_z of the film's currents at height z ≥ 0 above the film [B_c2], Eq. (2), on plaquettes.

    b_z(k, z) = i(k × j)_z e^{−kz}/(Λ̃ k) (in SI: (μ0/2)(ik × K)_z e^{−kz}/k), evaluated as the
    lattice curl of the potential (1) at height z: b = [a_x(i, j) + a_y(i+1, j) − a_x(i, j+1)
    − a_y(i, j)]/(hx hy), i.e. the flux through the plaquette (i, j) translated to height z divided
    by its area (Stokes, exact for the link phases). All nx × ny plaquettes are valid, including
    the last row and column, which lie just outside the node grid. Sign: a counter-clockwise
    current gives B_z > 0 inside it (tested against the loop formula μ0 I R²/(2(R² + z²)^{3/2})).

    Args:
        jx, jy: current density on links [J0], (nx, ny); 0 off the film.
        grid: open :class:`Grid` [ξ].
        height: z ≥ 0 [ξ]. At z = 0 this is the in-plane field of the film's currents (B_z of a
            current sheet is log-singular only at a current discontinuity).
        pearl_length: Λ̃ [ξ], > 0; it converts j [J0] to the sheet current K̃ = 2j/Λ̃.
        kernel: :func:`potential_kernel` (grid, Λ̃, z).
        spacing: traced (hx, hy) [ξ].

    Returns:
        b_z on the plaquettes (i, j) (centre (x_i + hx/2, y_j + hy/2)), shape (nx, ny) [B_c2].

    Raises:
        ParameterError: for a periodic grid, wrong shapes, Λ̃ ≤ 0 or z < 0.
    """
    ax, ay = sheet_potential(jx, jy, grid, pearl_length, height, kernel=kernel, spacing=spacing, extended=True)
    hx, hy = _spacing(grid, spacing)
    return _plaquette_curl(ax, ay, hx * hy)


def sheet_current(jx, jy, pearl_length):
    """Sheet current K̃ = 2j/Λ̃ [I0/ξ] (I0 = Φ0/(2πμ0ξ), :func:`gl.sources.current_unit`) of a
    current density j [J0]: K = J0 d j = (2/Λ̃)(I0/ξ) j."""
    return 2.0 * jnp.asarray(jx) / pearl_length, 2.0 * jnp.asarray(jy) / pearl_length


class LondonResponse(NamedTuple):
    """Result of :func:`london_response`: currents jx, jy [J0] and the relative residual."""

    jx: jax.Array
    jy: jax.Array
    residual: jax.Array


def london_response(ax_applied, ay_applied, grid: Grid, pearl_length, superfluid_x, superfluid_y, *,
                    kernel=None, spacing=None, tol: float = 1e-10, maxiter: int = 2000) -> LondonResponse:
    """Self-consistent London current of a thin film in an applied potential, its own field included.

    On every link the London relation j = −n_s A holds (the GL supercurrent Im[ψ*(∇ − iA)ψ]/h
    = −|ψ|² sin(a)/h for a uniform phase, linearized: j = −n_s a/h, n_s = |ψ|² on the link), with
    A = A_applied + A_K(j) and A_K from :func:`screening_potential` (the Pearl length enters only
    there). On the links where n_s > 0 this is the symmetric positive-definite system

        (1/n_s) j + G j = −A_applied,

    solved by conjugate gradients (jax.scipy.sparse.linalg.cg); j = 0 where n_s = 0. For an
    infinite film (n_s = 1) the solution is A_K = −A_app/(1 + kΛ̃), the Pearl result that
    V. G. Kogan, Phys. Rev. B 68, 104511 (2003) uses. The phase of ψ is held fixed (no ∇φ term):
    valid when A_applied is already in the London gauge of the film (∇·A = 0 and A·n = 0 at
    the film's edges), e.g. for a loop or dipole on the axis of a disk-shaped film; a film of any
    other shape needs its phase (fluxoid) solved too, which this function does not do.

    Args:
        ax_applied, ay_applied: applied link phases a = ∫A·dl in the film plane, (nx, ny).
        grid: open :class:`Grid` [ξ]. pearl_length: Λ̃ [ξ], > 0.
        superfluid_x, superfluid_y: n_s = |ψ|² ≥ 0 on the x- and y-links, (nx, ny) (1 on the
            film's links for the London limit, 0 off the film and on the last link of each row
            or column).
        kernel: :func:`potential_kernel` (grid, Λ̃, 0). spacing: traced (hx, hy).
        tol: relative residual for cg. maxiter: cg iteration limit.

    Returns:
        :class:`LondonResponse` (jx, jy [J0], residual ‖(1/n_s)j + Gj + A‖/‖A‖ on the film).

    Raises:
        ParameterError: for a periodic grid, wrong shapes or Λ̃ ≤ 0.
    """
    _require_open(grid)
    require_positive("pearl_length", pearl_length, "xi")
    if kernel is None:
        kernel = potential_kernel(grid, pearl_length, 0.0, spacing)
    hx, hy = _spacing(grid, spacing)
    nsx = jnp.asarray(superfluid_x)
    nsy = jnp.asarray(superfluid_y)
    for name, v in (("superfluid_x", nsx), ("superfluid_y", nsy), ("ax_applied", ax_applied),
                    ("ay_applied", ay_applied)):
        if jnp.shape(v) != grid.shape:
            raise ParameterError(f"parameter '{name}' has shape {jnp.shape(v)}: must be {grid.shape}")
    return _london_solve(grid.nx, grid.ny, float(tol), int(maxiter), kernel, nsx, nsy, jnp.asarray(ax_applied),
                         jnp.asarray(ay_applied), hx, hy)


@functools.partial(jax.jit, static_argnums=(0, 1, 2, 3))
def _london_solve(nx, ny, tol, maxiter, kernel, nsx, nsy, ax_applied, ay_applied, hx, hy):
    on = (nsx > 0, nsy > 0)
    inv = (jnp.where(on[0], 1.0 / jnp.where(on[0], nsx, 1.0), 0.0),
           jnp.where(on[1], 1.0 / jnp.where(on[1], nsy, 1.0), 0.0))

    def conv(f):
        return convolve_padded(f, kernel)[:nx, :ny]

    def operator(j):
        # symmetric: the film block (1/n_s + P G P) and the identity off the film, not coupled (the
        # input is masked before the convolution), so cg's reverse-mode (transpose) solve is exact
        jf = (jnp.where(on[0], j[0], 0.0), jnp.where(on[1], j[1], 0.0))
        return (jnp.where(on[0], inv[0] * j[0] + conv(jf[0]), j[0]), jnp.where(on[1], inv[1] * j[1] + conv(jf[1]), j[1]))

    rhs = (jnp.where(on[0], -ax_applied / hx, 0.0), jnp.where(on[1], -ay_applied / hy, 0.0))
    sol, _ = cg(operator, rhs, tol=tol, maxiter=maxiter)
    res = operator(sol)
    num = jnp.sqrt(jnp.sum((res[0] - rhs[0]) ** 2) + jnp.sum((res[1] - rhs[1]) ** 2))
    den = jnp.sqrt(jnp.sum(rhs[0] ** 2) + jnp.sum(rhs[1] ** 2))
    return LondonResponse(sol[0], sol[1], num / jnp.where(den > 0, den, 1.0))


__all__ = [
    "LondonResponse",
    "cell_integral_inverse_distance",
    "green_function",
    "london_response",
    "potential_kernel",
    "screening_potential",
    "sheet_current",
    "sheet_field",
    "sheet_potential",
]
