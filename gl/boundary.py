"""Boundary conditions, in one place (docs/model.md, "Boundaries").

* Open edges of the computational box: entries of a ``jnp.roll`` stencil that would wrap across
  an open edge are masked (:func:`open_edge_masks`); periodic axes wrap.
* Superconductor–vacuum edges: a link is kept only when both its nodes are superconducting, which
  gives zero normal supercurrent (W. D. Gropp et al., J. Comput. Phys. 123, 254 (1996)). The
  link masks are built in :func:`gl.lattice.lattice_from_mask` from :func:`open_edge_masks`.
* Ghost layers of the fast kernels: zero across open edges, copies of the opposite edge across
  periodic ones (:func:`with_ghosts`).
* Gauge compatibility: a uniform field's vector potential must be periodic along periodic axes
  (:func:`choose_gauge`).
* Magnetic field outside the sample: plaquettes outside the computational box count as B = H
  (:func:`field_excess`), so the applied field enters through the box's boundary.
* Electric potential: insulating (Neumann) edges of a rectangle, ∂μ/∂n = 0, solved exactly by a
  discrete cosine transform (:func:`solve_poisson_neumann`).
* Cells of the nodes on open edges (:attr:`gl.geometry.Grid.edge_cells`): whole cells (default),
  or half cells (quarter cells at corners) as in a vertex-centred finite-volume scheme; the
  weights enter the free energy (:func:`node_weights`, :func:`link_weights`), the Laplacian and
  the divergence (:func:`axis_scales`), and the Neumann modes are then those of the DCT-I.
"""
from __future__ import annotations

import functools

import jax.numpy as jnp
import numpy as np
from jax.scipy.fft import dctn, idctn

from .errors import ParameterError
from .geometry import Grid

GAUGES = ("symmetric", "landau_x", "landau_y", "periodic")


def open_edge_masks(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Boolean (nx, ny) masks of x- and y-directed entries that do not wrap across an open edge."""
    ex = np.ones(grid.shape, dtype=bool)
    ey = np.ones(grid.shape, dtype=bool)
    if not grid.periodic_x:
        ex[-1, :] = False
    if not grid.periodic_y:
        ey[:, -1] = False
    return ex, ey


def node_weights(grid: Grid, dtype=None):
    """(nx, ny) fractions of a whole cell that the nodes stand for (w_x[i]·w_y[j],
    :meth:`gl.geometry.Grid.cell_weights`), or None when every cell is whole."""
    if not grid.half_edge_cells:
        return None
    wx, wy = grid.cell_weights()
    return jnp.asarray(np.outer(wx, wy), dtype or jnp.result_type(float))


def link_weights(grid: Grid, dtype=None):
    """(f_x (1, ny), f_y (nx, 1)): the dual faces of x- and y-links as fractions of a whole cell's
    side, broadcastable against (nx, ny) link arrays; None when every cell is whole.

    With half cells a link along an open edge has half a face, so it carries half the flux of
    an interior link: the Laplacian of an edge node is then (ψ_l + ψ_r − 2ψ)/h² + 2(Uψ_in − ψ)/h²,
    the stencil of a mirror ghost node (second-order zero normal derivative; :func:`axis_scales`)."""
    if not grid.half_edge_cells:
        return None
    wx, wy = grid.cell_weights()
    dtype = dtype or jnp.result_type(float)
    return jnp.asarray(wy[None, :], dtype), jnp.asarray(wx[:, None], dtype)


def axis_scales(grid: Grid, dtype=None):
    """(1/w_x as (nx, 1), 1/w_y as (1, ny)), or None when every cell is whole.

    With half edge cells a node's x-link fluxes pass through faces of w_y[j]·hy over a cell of
    w_x[i]w_y[j]·hx·hy, so the x part of the Laplacian or the divergence is the whole-cell one
    times 1/w_x[i], and the y part times 1/w_y[j]: 2 on the edge nodes across the edge."""
    if not grid.half_edge_cells:
        return None
    wx, wy = grid.cell_weights()
    dtype = dtype or jnp.result_type(float)
    return jnp.asarray(1.0 / wx[:, None], dtype), jnp.asarray(1.0 / wy[None, :], dtype)


def with_ghosts(interior, periodic):
    """Pad the last two axes of ``interior`` by one ghost layer: zero, or wrapped along periodic axes.

    Args:
        interior: (..., nx, ny) array. periodic: (periodic_x, periodic_y).

    Returns:
        (..., nx+2, ny+2) array.
    """
    lead = ((0, 0),) * (interior.ndim - 2)
    new = jnp.pad(interior, lead + ((1, 1), (1, 1)))
    if periodic[0]:
        new = new.at[..., 0, :].set(new[..., -2, :]).at[..., -1, :].set(new[..., 1, :])
    if periodic[1]:
        new = new.at[..., :, 0].set(new[..., :, -2]).at[..., :, -1].set(new[..., :, 1])
    return new


def choose_gauge(grid: Grid, gauge: str = "auto") -> str:
    """The gauge for a uniform field on ``grid``: one whose A is periodic along periodic axes.

    Raises:
        ParameterError: for an unknown gauge, or one incompatible with the periodic axes.
    """
    if gauge == "auto":
        if grid.periodic_x and grid.periodic_y:
            return "periodic"
        return "landau_x" if grid.periodic_x else "landau_y" if grid.periodic_y else "symmetric"
    if gauge not in GAUGES:
        raise ParameterError(f"parameter 'gauge' = {gauge!r} is unknown: allowed {('auto',) + GAUGES}")
    if grid.periodic_x and grid.periodic_y:
        if gauge != "periodic":
            raise ParameterError(f"parameter 'gauge' = {gauge!r}: a grid periodic in x and y needs 'periodic'")
    elif (grid.periodic_x and gauge != "landau_x") or (grid.periodic_y and gauge != "landau_y"):
        raise ParameterError(f"parameter 'gauge' = {gauge!r} is not periodic along the grid's periodic axis: "
                             "use 'landau_x' for periodic x, 'landau_y' for periodic y")
    return gauge


def field_excess(bz, applied_field, plaquette):
    """(B − H) on plaquettes inside the box and 0 outside (where B = H): the boundary rule of the field energy."""
    return (bz - applied_field) * plaquette


def require_rectangle(site, periodic: tuple[bool, bool], what: str) -> None:
    """Raise unless the lattice is a fully superconducting, non-periodic rectangle (the DCT's domain)."""
    if periodic[0] or periodic[1] or not bool(np.all(np.asarray(site) > 0)):
        raise ParameterError(f"parameter 'lat': {what} needs a fully superconducting, non-periodic rectangular "
                             "lattice (the electric potential is solved with insulating edges by a cosine transform)")


def neumann_eigenvalues(grid: Grid, spacing=None):
    """Eigenvalues (≤ 0) of the masked lattice Laplacian of a full rectangle, (nx, ny): the DCT-II
    modes for whole edge cells, 2(cos(πk/(n−1)) − 1)/h² (the DCT-I modes) for half edge cells.

    ``spacing`` = (hx, hy) [ξ], possibly traced, replaces the grid's."""
    hx, hy = (grid.hx, grid.hy) if spacing is None else spacing
    if grid.half_edge_cells:
        kx, ky = (jnp.asarray(_half_cell_modes(n)[1]) for n in (grid.nx, grid.ny))
    else:
        kx, ky = (jnp.asarray(2.0 * (np.cos(np.pi * np.arange(n) / n) - 1.0)) for n in (grid.nx, grid.ny))
    return kx[:, None] / hx ** 2 + ky[None, :] / hy ** 2


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


@functools.lru_cache(maxsize=32)
def _half_cell_modes(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Q (n, n), λ (n,), w (n,)) of the 1D half-edge-cell Laplacian at unit spacing, L = W⁻¹K with
    node weights W = diag(w) = diag(½, 1, …, 1, ½): L = W^(−½) Q diag(λ) Qᵀ W^(½), Q orthogonal.

    The modes are the DCT-I's, v_k(i) = cos(πki/(n−1)) with λ_k = 2(cos(πk/(n−1)) − 1), which are
    orthogonal under the weights (Σ_i w_i v_k(i)² = (n−1)/2, or n−1 for k = 0 and n−1)."""
    m = n - 1
    k, i = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    v = np.cos(np.pi * k * i / m)                        # (k, i)
    w = np.ones(n)
    w[[0, -1]] = 0.5
    norm = np.full(n, m / 2.0)
    norm[[0, -1]] = m
    q = (np.sqrt(w)[None, :] * v / np.sqrt(norm)[:, None]).T   # (i, k)
    return q, 2.0 * (np.cos(np.pi * np.arange(n) / m) - 1.0), w


def _half_cell_transform(a, inverse: bool):
    """Coefficients of the (nx, ny) node field ``a`` in the half-cell Neumann modes, or back."""
    (qx, _, wx), (qy, _, wy) = (_half_cell_modes(n) for n in a.shape)
    root = jnp.asarray(np.sqrt(np.outer(wx, wy)), a.dtype)
    qx, qy = jnp.asarray(qx, a.dtype), jnp.asarray(qy, a.dtype)
    if inverse:
        return (qx @ a @ qy.T) / root
    return qx.T @ (root * a) @ qy


def _dct2(a, inverse: bool):
    nx, ny = a.shape
    if max(nx, ny) > DCT_MATRIX_MAX:
        return (idctn if inverse else dctn)(a, type=2, norm="ortho")
    cx, cy = (jnp.asarray(_dct_matrix(n), a.dtype) for n in (nx, ny))
    if inverse:
        return cx.T @ a @ cy
    return cx @ a @ cy.T


def solve_poisson_neumann(rhs, eigenvalues, grid: Grid | None = None):
    """μ with ∇²μ = rhs on the rectangle (insulating edges) and no uniform part; rhs must have no
    uniform part either (Σ rhs = 0, weighted by the cells).

    Exact for the masked lattice Laplacian: the orthonormal DCT-II diagonalizes it for whole edge
    cells, the weighted DCT-I for ``grid`` with half edge cells (eigenvalues from
    :func:`neumann_eigenvalues` of the same grid); shapes (nx, ny)."""
    transform = _half_cell_transform if grid is not None and grid.half_edge_cells else _dct2
    r = transform(rhs, inverse=False)
    safe = jnp.where(eigenvalues == 0.0, 1.0, eigenvalues)
    return transform(jnp.where(eigenvalues == 0.0, 0.0, r / safe), inverse=True)
