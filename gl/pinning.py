"""Pinning landscapes: the condensation coefficient ε(r) of a film with point defects.

A pinning site is a disk where superconductivity is weakened, ε = 1 − depth (depth 1: ε = 0, a
non-superconducting inclusion; depth > 1: normal metal, ε < 0). A vortex core there saves the
condensation energy it would otherwise destroy, so vortices are attracted to pins (δT_c or
"δκ" pinning, A. I. Larkin and Yu. N. Ovchinnikov, J. Low Temp. Phys. 34, 409 (1979); the GL
model of a pinning array: e.g. C. Reichhardt, C. J. Olson and F. Nori, Phys. Rev. B 57, 7937
(1998) for the matching effect). Lengths in ξ, ε dimensionless (docs/model.md).
"""
from __future__ import annotations

import numpy as np

from .errors import ParameterError, require_positive
from .geometry import Grid


def pinning_landscape(grid: Grid, centers, radius: float, depth: float, base: float = 1.0) -> np.ndarray:
    """ε(r) on the nodes of ``grid``: ``base`` everywhere, ``base − depth`` within ``radius`` of a centre.

    Args:
        grid: the node grid [ξ]. centers: (N, 2) pin positions [ξ] (grid coordinates, origin at
            the grid's centre); N may be 0. radius: pin radius [ξ], > 0. depth: suppression of ε
            in a pin, > 0. base: ε outside the pins.

    Returns:
        (nx, ny) float64 array of ε.

    Raises:
        ParameterError: for a non-positive radius or depth, or centres not of shape (N, 2).
    """
    require_positive("pin_radius", radius, "xi")
    require_positive("pin_depth", depth)
    c = np.asarray(centers, dtype=float).reshape(-1, 2) if np.size(centers) else np.zeros((0, 2))
    if not np.all(np.isfinite(c)):
        raise ParameterError("parameter 'centers' must be finite (N, 2) positions in ξ")
    X, Y = grid.nodes()
    eps = np.full(grid.shape, float(base))
    inside = np.zeros(grid.shape, dtype=bool)
    for x0, y0 in c:
        inside |= (X - x0) ** 2 + (Y - y0) ** 2 <= radius ** 2
    eps[inside] = base - depth
    return eps


def square_pin_array(width: float, height: float, spacing: float) -> np.ndarray:
    """Centres of a square array with lattice constant ``spacing`` [ξ] filling a width × height film
    centred on the origin, inset by half a spacing from each edge; shape (N, 2).

    At the matching field H₁ = Φ0/spacing², i.e. 2π/spacing² in B_c2, there is one flux quantum per pin.

    Raises:
        ParameterError: for non-positive sizes, or a spacing larger than the film.
    """
    for name, v in (("width", width), ("height", height), ("pin_spacing", spacing)):
        require_positive(name, v, "xi")
    nx, ny = int(np.floor(width / spacing + 1e-9)), int(np.floor(height / spacing + 1e-9))
    if nx < 1 or ny < 1:
        raise ParameterError(f"parameter 'pin_spacing' = {spacing:g} ξ is out of range: must be ≤ the film size "
                             f"({min(width, height):g} ξ)")
    xs = (np.arange(nx) - (nx - 1) / 2) * spacing
    ys = (np.arange(ny) - (ny - 1) / 2) * spacing
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    return np.stack([X.ravel(), Y.ravel()], axis=1)


def random_pins(width: float, height: float, density: float, seed: int = 0) -> np.ndarray:
    """Pin centres drawn uniformly in a width × height film centred on the origin, ``density`` per ξ²
    (a Poisson number of pins with mean density·area); shape (N, 2).

    Raises:
        ParameterError: for non-positive sizes or a negative density.
    """
    require_positive("width", width, "xi")
    require_positive("height", height, "xi")
    if not (np.isfinite(density) and density >= 0):
        raise ParameterError(f"parameter 'pin_density' = {density!r} is out of range: allowed [0, ∞) per ξ²")
    rng = np.random.default_rng(seed)
    n = rng.poisson(density * width * height)
    return np.stack([rng.uniform(-width / 2, width / 2, n), rng.uniform(-height / 2, height / 2, n)], axis=1)
