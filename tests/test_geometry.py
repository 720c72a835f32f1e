"""Material masks: rectangles, disks, rings, polygons and holes, checked against their areas."""
import math

import numpy as np
import pytest

from gl.geometry import Disk, Grid, Polygon, Rectangle, Ring
from gl.lattice import make_lattice


def _mask_area(region, h=0.05, size=12.0):
    grid = Grid.covering(size, size, h)
    return make_lattice(grid, region).superconducting_area()


@pytest.mark.parametrize("region, area", [
    (Rectangle(6.0, 4.0), 24.0),
    (Disk(4.0), math.pi * 16.0),
    (Ring(2.0, 5.0), math.pi * 21.0),
    (Disk(5.0) - Disk(2.0), math.pi * 21.0),
    (Polygon(((0, 0), (5, 0), (0, 4))), 10.0),
    (Polygon(((-4, -4), (4, -4), (4, 4), (-4, 4))) - Rectangle(2.0, 2.0, (1.0, 1.0)), 60.0),
    (Rectangle(4.0, 4.0, (-2.0, 0.0)) | Disk(2.0, (2.0, 0.0)), 16.0 + 4 * math.pi),
])
def test_mask_area_converges_to_region_area(region, area):
    """Node count × cell area approaches the analytic area to O(h·perimeter)."""
    assert _mask_area(region) == pytest.approx(area, rel=0.03)


def test_ring_equals_disk_minus_disk():
    grid = Grid.covering(14, 14, 0.25)
    a = np.asarray(make_lattice(grid, Ring(2.5, 6.0)).site)
    b = np.asarray(make_lattice(grid, Disk(6.0) - Disk(2.5)).site)
    np.testing.assert_array_equal(a, b)


def test_links_leaving_the_material_are_omitted():
    grid = Grid.covering(10, 10, 0.5)
    lat = make_lattice(grid, Disk(3.0))
    s = np.asarray(lat.site)
    lx, ly = np.asarray(lat.link_x), np.asarray(lat.link_y)
    np.testing.assert_array_equal(lx[:-1], s[:-1] * s[1:])
    np.testing.assert_array_equal(ly[:, :-1], s[:, :-1] * s[:, 1:])
    assert not lx[-1].any() and not ly[:, -1].any()      # no wrap-around on an open grid


@pytest.mark.parametrize("width, height, h", [(12.0, 7.0, 0.4), (20.0, 20.0, 0.35), (3.0, 5.0, 1.0)])
def test_tiling_grid_is_a_film_of_exactly_its_size(width, height, h):
    """Every node stands for a whole cell, so the uniform superconducting state's free energy is
    −½ × the film's area (condensation energy density −ψ∞⁴/2 in GL units). With Grid.tiling that
    area is width × height to round-off; with Grid.covering (nodes on the edges) it is
    (width + hx)(height + hy): the film is one spacing wider (docs/model.md, "Boundaries")."""
    import jax.numpy as jnp     # float64: tests/conftest.py enables it

    from gl import UNIFORM, free_energy, make_model, uniform_state

    model = make_model(2.0, 0.0, vector_potential=UNIFORM, dtype=jnp.float64)
    for grid, area in ((Grid.tiling(width, height, h), width * height), (Grid.covering(width, height, h), None)):
        assert grid.hx <= h + 1e-12 and grid.hy <= h + 1e-12
        lat = make_lattice(grid, Rectangle(width, height), dtype=jnp.float64)
        assert int(np.asarray(lat.site).sum()) == grid.nx * grid.ny        # every node is in the film
        zero = jnp.zeros(grid.shape, jnp.float64)
        energy = float(free_energy(uniform_state(lat, zero, zero), model, lat))
        expected = area if area is not None else (width + grid.hx) * (height + grid.hy)
        np.testing.assert_allclose(energy, -0.5 * expected, rtol=1e-12)
