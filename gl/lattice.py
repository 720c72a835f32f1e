"""The lattice: a static :class:`~gl.geometry.Grid` plus the material masks as arrays.

Staggered quantities all have the node-array shape (nx, ny) and say where they live:

* nodes (i, j): ψ, the site mask;
* x-links (i, j) → (i+1, j) and y-links (i, j) → (i, j+1): link phases a_x, a_y,
  supercurrents, the link masks;
* plaquettes (i, j) with corners (i, j), (i+1, j), (i+1, j+1), (i, j+1): B_z, vorticity.

Entries that would wrap around an open (non-periodic) edge are masked out, so one
``jnp.roll``-based stencil serves periodic and open boundaries alike. A link is kept only when
both its end nodes are superconducting: omitting links that leave the material gives the
zero-normal-supercurrent boundary condition of the gauge-invariant scheme (W. D. Gropp et al.,
J. Comput. Phys. 123, 254 (1996)); the rules live in :mod:`gl.boundary`.
"""
from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from .boundary import open_edge_masks
from .errors import ParameterError
from .geometry import Grid, Region


def fwd(f, axis: int):
    """f at the next node along ``axis`` (f[i+1]), wrapping around; shape preserved."""
    return jnp.roll(f, -1, axis=axis)


def bwd(f, axis: int):
    """f at the previous node along ``axis`` (f[i-1]), wrapping around; shape preserved."""
    return jnp.roll(f, 1, axis=axis)


@jax.tree_util.register_pytree_node_class
@dataclasses.dataclass(frozen=True)
class Lattice:
    """Grid and masks of a superconductor on a uniform lattice.

    Attributes:
        grid: static :class:`Grid`.
        site: (nx, ny) float array, 1 on superconducting nodes, 0 elsewhere.
        link_x, link_y: (nx, ny) float arrays, 1 on links whose two nodes are superconducting.
        plaquette: (nx, ny) float array, 1 on plaquettes inside the computational box (all of
            them where the field energy is counted; vacuum included).
    """

    grid: Grid
    site: jax.Array
    link_x: jax.Array
    link_y: jax.Array
    plaquette: jax.Array

    def tree_flatten(self):
        return (self.site, self.link_x, self.link_y, self.plaquette), self.grid

    @classmethod
    def tree_unflatten(cls, grid, children):
        return cls(grid, *children)

    @property
    def hx(self) -> float:
        return self.grid.hx

    @property
    def hy(self) -> float:
        return self.grid.hy

    @property
    def shape(self) -> tuple[int, int]:
        return self.grid.shape

    def superconducting_area(self) -> float:
        """Area of the superconducting nodes' cells [ξ²]: N_sites·hx·hy, with edge nodes counted
        by their cell fraction when the grid has half edge cells (:meth:`Grid.cell_weights`)."""
        wx, wy = self.grid.cell_weights()
        return float(np.sum(np.asarray(self.site) * np.outer(wx, wy))) * self.grid.cell_area


def lattice_from_mask(grid: Grid, site_mask, dtype=None) -> Lattice:
    """Build a :class:`Lattice` from a boolean node mask of shape (nx, ny).

    Raises:
        ParameterError: if the mask has the wrong shape or no superconducting node.
    """
    s = np.asarray(site_mask, dtype=bool)
    if s.shape != grid.shape:
        raise ParameterError(f"parameter 'site_mask' has shape {s.shape}: must be {grid.shape}")
    if not s.any():
        raise ParameterError("parameter 'site_mask' has no superconducting site: at least 1 node must be inside the material")
    ex, ey = open_edge_masks(grid)
    # boolean masks (1 byte per node) until the final conversion: large grids stay light
    link_x = s & np.roll(s, -1, axis=0) & ex
    link_y = s & np.roll(s, -1, axis=1) & ey
    plaquette = ex & ey
    dtype = dtype or jnp.result_type(float)
    arr = lambda a: jnp.asarray(a, dtype=dtype)
    return Lattice(grid, arr(s), arr(link_x), arr(link_y), arr(plaquette))


def make_lattice(grid: Grid, region: Region | None = None, dtype=None) -> Lattice:
    """Lattice whose superconducting nodes are those of ``grid`` inside ``region``.

    Args:
        grid: the node grid (lengths in ξ).
        region: material shape; ``None`` means the whole grid is superconducting.
        dtype: real dtype of the mask arrays (default: JAX's default float).

    Raises:
        ParameterError: if no node lies inside ``region``.
    """
    if region is None:
        mask = np.ones(grid.shape, dtype=bool)
    else:
        X, Y = grid.nodes()
        mask = region.contains(X, Y)
    return lattice_from_mask(grid, mask, dtype=dtype)


def plaquette_region(grid: Grid, region: Region) -> np.ndarray:
    """Boolean (nx, ny) mask of the plaquettes whose centres lie inside ``region``.

    The boundary of such a set of plaquettes is a closed lattice contour; see
    :func:`gl.observables.fluxoid`.
    """
    ex, ey = open_edge_masks(grid)
    Xc, Yc = grid.plaquette_centres()
    return np.asarray(region.contains(Xc, Yc)) & (ex * ey > 0)


def periodic_chain(n_sites: int, length: float, dtype=None) -> Lattice:
    """A wire (or ring) of width ≪ ξ: ``n_sites`` nodes on a closed loop of ``length`` [ξ].

    Built as row 0 of an (n_sites, 2) grid periodic along x with spacing length/n_sites; the
    other row is vacuum and there are no plaquettes (no field energy: a flux through the loop is
    set by the x-link phases, e.g. 2πΦ/(Φ0 n_sites) each, and A stays frozen).

    Raises:
        ParameterError: for fewer than 3 sites or a non-positive length.
    """
    if int(n_sites) != n_sites or n_sites < 3:
        raise ParameterError(f"parameter 'n_sites' = {n_sites!r} is out of range: must be an integer ≥ 3")
    if not length > 0:
        raise ParameterError(f"parameter 'length' = {length!r} is out of range: must be > 0 (ξ)")
    h = float(length) / n_sites
    grid = Grid(int(n_sites), 2, h, h, periodic_x=True)
    mask = np.zeros(grid.shape, dtype=bool)
    mask[:, 0] = True
    lat = lattice_from_mask(grid, mask, dtype=dtype)
    return dataclasses.replace(lat, plaquette=jnp.zeros_like(lat.plaquette))
