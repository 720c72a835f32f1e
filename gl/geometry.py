"""Uniform rectangular grids and material regions (masks).

A :class:`Grid` is static (hashable) geometry: node counts, spacings and which directions are
periodic. Node (i, j) sits at x = (i − (nx−1)/2)·hx, y = (j − (ny−1)/2)·hy, so the grid is
centred on the origin. Lengths are in units of ξ.

Regions are small immutable shape objects with ``contains(x, y) -> bool array``; they combine
with ``|`` (union), ``&`` (intersection) and ``-`` (cut a hole), e.g.
``Disk(10) - Disk(4)`` is the same as ``Ring(4, 10)``.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
from .errors import ParameterError, require_positive


#: what a node on an open edge of the box stands for: a whole cell, or half of one (Grid.edge_cells)
EDGE_CELLS = ("whole", "half")


def _cells_across(width: float, height: float, h: float) -> tuple[int, int]:
    """(⌈width/h⌉, ⌈height/h⌉): the fewest cells of side ≤ ``h`` across a width × height box [ξ].

    Raises:
        ParameterError: for non-positive sizes or spacing."""
    require_positive("width", width, "xi")
    require_positive("height", height, "xi")
    require_positive("h", h, "xi")
    return int(math.ceil(width / h - 1e-9)), int(math.ceil(height / h - 1e-9))


@dataclasses.dataclass(frozen=True)
class Grid:
    """A uniform rectangular lattice of nodes.

    Attributes:
        nx, ny: number of nodes along x and y (≥ 2).
        hx, hy: node spacings [ξ] (> 0).
        periodic_x, periodic_y: whether the lattice wraps around in that direction.
        edge_cells: "whole" (default): every node stands for a whole hx × hy cell, also on the
            box's open edges; "half": the nodes on an open edge stand for half a cell and the
            corner nodes for a quarter, so that with nodes on a film's edges (:meth:`covering`)
            the cells tile the film exactly, as the finite volumes of pyTDGL do (vertex-centred
            cells; docs/model.md, "Boundaries"). Periodic axes have no edges.

    Raises:
        ParameterError: for fewer than 2 nodes, a non-positive spacing or an unknown ``edge_cells``.
    """

    nx: int
    ny: int
    hx: float
    hy: float
    periodic_x: bool = False
    periodic_y: bool = False
    edge_cells: str = "whole"

    def __post_init__(self):
        for name in ("nx", "ny"):
            n = getattr(self, name)
            if int(n) != n or n < 2:
                raise ParameterError(f"parameter '{name}' = {n!r} is out of range: must be an integer ≥ 2")
        require_positive("hx", self.hx, "xi")
        require_positive("hy", self.hy, "xi")
        if self.edge_cells not in EDGE_CELLS:
            raise ParameterError(f"parameter 'edge_cells' = {self.edge_cells!r} is unknown: allowed {EDGE_CELLS}")

    @classmethod
    def covering(cls, width: float, height: float, h: float, **kw) -> "Grid":
        """The smallest grid with spacing ≤ ``h`` whose nodes span ``width`` × ``height`` [ξ].

        Raises:
            ParameterError: for non-positive sizes or spacing.
        """
        nx, ny = _cells_across(width, height, h)
        nx, ny = max(2, nx + 1), max(2, ny + 1)
        return cls(nx, ny, width / (nx - 1), height / (ny - 1), **kw)

    @classmethod
    def tiling(cls, width: float, height: float, h: float, **kw) -> "Grid":
        """The smallest grid with spacing ≤ ``h`` whose node cells tile ``width`` × ``height`` [ξ]:
        ⌈width/h⌉ × ⌈height/h⌉ nodes at the centres of the cells, the outermost half a spacing inside
        the edges.

        Every superconducting node stands for a whole hx × hy cell (docs/model.md, "Boundaries"), so
        with ``Rectangle(width, height)`` this lattice is a film of exactly width × height, where
        :meth:`covering` (nodes on the edges) is one of (width + hx) × (height + hy).

        Raises:
            ParameterError: for non-positive sizes or spacing, or ``edge_cells`` other than "whole"
                (half cells belong to nodes on the edges: ``covering(..., edge_cells="half")``).
        """
        if kw.get("edge_cells", "whole") != "whole":
            raise ParameterError(f"parameter 'edge_cells' = {kw['edge_cells']!r}: Grid.tiling's cells are whole; for "
                                 "half cells at the edges use Grid.covering(..., edge_cells='half')")
        nx, ny = (max(2, n) for n in _cells_across(width, height, h))
        return cls(nx, ny, width / nx, height / ny, **kw)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.nx, self.ny)

    @property
    def cell_area(self) -> float:
        return self.hx * self.hy

    @property
    def half_edge_cells(self) -> bool:
        """Whether the nodes on open edges stand for half cells (``edge_cells == "half"``)."""
        return self.edge_cells == "half"

    def cell_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """(w_x (nx,), w_y (ny,)): the fraction of a whole cell's side each node's cell spans.

        All ones for ``edge_cells="whole"``; with "half", ½ at both ends of each open axis. A node's
        cell is w_x[i]·w_y[j]·hx·hy; the dual face of the x-link (i, j)→(i+1, j) is w_y[j]·hy long,
        that of the y-link (i, j)→(i, j+1) w_x[i]·hx."""
        wx, wy = np.ones(self.nx), np.ones(self.ny)
        if self.half_edge_cells:
            if not self.periodic_x:
                wx[[0, -1]] = 0.5
            if not self.periodic_y:
                wy[[0, -1]] = 0.5
        return wx, wy

    def x(self) -> np.ndarray:
        """Node x coordinates, shape (nx,) [ξ]."""
        return (np.arange(self.nx) - (self.nx - 1) / 2.0) * self.hx

    def y(self) -> np.ndarray:
        """Node y coordinates, shape (ny,) [ξ]."""
        return (np.arange(self.ny) - (self.ny - 1) / 2.0) * self.hy

    def nodes(self) -> tuple[np.ndarray, np.ndarray]:
        """Node coordinates X, Y, each shape (nx, ny) [ξ] (``indexing='ij'``)."""
        return np.meshgrid(self.x(), self.y(), indexing="ij")

    def plaquette_centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Centres of plaquette (i, j) spanning nodes (i..i+1, j..j+1), each shape (nx, ny) [ξ]."""
        X, Y = self.nodes()
        return X + self.hx / 2.0, Y + self.hy / 2.0


class Region:
    """Base class of material regions in the plane (lengths in ξ)."""

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __or__(self, other: "Region") -> "Region":
        return _Combined(self, other, "or")

    def __and__(self, other: "Region") -> "Region":
        return _Combined(self, other, "and")

    def __sub__(self, other: "Region") -> "Region":
        return _Combined(self, other, "sub")

    def area(self) -> float:
        """Area [ξ²], estimated on a fine sampling of the bounding box when not analytic."""
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class _Combined(Region):
    a: Region
    b: Region
    op: str

    def contains(self, x, y):
        ina, inb = self.a.contains(x, y), self.b.contains(x, y)
        if self.op == "or":
            return ina | inb
        if self.op == "and":
            return ina & inb
        return ina & ~inb


@dataclasses.dataclass(frozen=True)
class Rectangle(Region):
    """Axis-aligned rectangle of ``width`` × ``height`` [ξ] centred at ``center``."""

    width: float
    height: float
    center: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self):
        require_positive("width", self.width, "xi")
        require_positive("height", self.height, "xi")

    def contains(self, x, y):
        cx, cy = self.center
        eps = 1e-9 * max(self.width, self.height)
        return (np.abs(x - cx) <= self.width / 2 + eps) & (np.abs(y - cy) <= self.height / 2 + eps)

    def area(self):
        return self.width * self.height


@dataclasses.dataclass(frozen=True)
class Disk(Region):
    """Disk of ``radius`` [ξ] centred at ``center``."""

    radius: float
    center: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self):
        require_positive("radius", self.radius, "xi")

    def contains(self, x, y):
        cx, cy = self.center
        return (x - cx) ** 2 + (y - cy) ** 2 <= self.radius ** 2 * (1 + 1e-12)

    def area(self):
        return math.pi * self.radius ** 2


@dataclasses.dataclass(frozen=True)
class Ring(Region):
    """Annulus inner_radius < r ≤ outer_radius [ξ] centred at ``center``.

    Raises:
        ParameterError: unless 0 < inner_radius < outer_radius.
    """

    inner_radius: float
    outer_radius: float
    center: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self):
        require_positive("inner_radius", self.inner_radius, "xi")
        require_positive("outer_radius", self.outer_radius, "xi")
        if self.inner_radius >= self.outer_radius:
            raise ParameterError(
                f"parameter 'inner_radius' = {self.inner_radius} is out of range: must be < outer_radius "
                f"= {self.outer_radius}")

    def contains(self, x, y):
        cx, cy = self.center
        r2 = (x - cx) ** 2 + (y - cy) ** 2
        # the hole is the closed inner disk, so Ring(a, b) == Disk(b) - Disk(a) node for node
        return (r2 > self.inner_radius ** 2 * (1 + 1e-12)) & (r2 <= self.outer_radius ** 2 * (1 + 1e-12))

    def area(self):
        return math.pi * (self.outer_radius ** 2 - self.inner_radius ** 2)


@dataclasses.dataclass(frozen=True)
class Polygon(Region):
    """Simple polygon with ``vertices`` [(x, y), …] in ξ (closed implicitly).

    Raises:
        ParameterError: for fewer than 3 vertices or zero area.
    """

    vertices: tuple[tuple[float, float], ...]

    def __post_init__(self):
        verts = tuple((float(a), float(b)) for a, b in self.vertices)
        object.__setattr__(self, "vertices", verts)
        if len(verts) < 3 or self.area() <= 0.0:
            raise ParameterError("parameter 'vertices' is out of range: need ≥ 3 points enclosing a non-zero area")

    def contains(self, x, y):
        """Even-odd ray casting; points within 1e-9 ξ of an edge count as inside."""
        px, py = np.ravel(np.asarray(x, dtype=float)), np.ravel(np.asarray(y, dtype=float))
        v = np.asarray(self.vertices)
        inside = np.zeros(px.shape, dtype=bool)
        on_edge = np.zeros(px.shape, dtype=bool)
        for (x0, y0), (x1, y1) in zip(v, np.roll(v, -1, axis=0)):
            crosses = (y0 > py) != (y1 > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                x_cross = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
            inside ^= crosses & (px < x_cross)
            dx, dy = x1 - x0, y1 - y0
            t = np.clip(((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
            on_edge |= np.hypot(px - (x0 + t * dx), py - (y0 + t * dy)) <= 1e-9
        return (inside | on_edge).reshape(np.shape(x))

    def area(self):
        v = np.asarray(self.vertices)
        x, y = v[:, 0], v[:, 1]
        return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)
