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
