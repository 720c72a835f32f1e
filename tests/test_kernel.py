"""The fast kernels (gl.kernel) are the reference Euler step to round-off, for every boundary type, A frozen or evolving."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid, Rectangle
from gl.errors import ParameterError
from gl.kernel import run_frozen, uniform_field_links
from gl.lattice import make_lattice
from gl.state import make_params, random_state
from gl.tdgl import reference_steps, run_steps


@pytest.mark.parametrize("frozen_A", [True, False])
@pytest.mark.parametrize("periodic, gauge", [((False, False), "symmetric"), ((True, False), "landau_x"),
                                             ((False, True), "landau_y"), ((True, True), "periodic")])
def test_fast_step_equals_reference(periodic, gauge, frozen_A):
    grid = Grid(40, 32, 0.5, 0.6, periodic_x=periodic[0], periodic_y=periodic[1])
    region = None if any(periodic) else Disk(8.0)       # a disk exercises the material-edge links
    lat = make_lattice(grid, region)
    H = 2 * np.pi * 3 / (40 * 0.5 * 32 * 0.6) if all(periodic) else 0.3
    params = make_params(2.0, H)
    s0 = random_state(lat, *applied_link_phases(grid, H, gauge), jax.random.PRNGKey(0), 0.5)
    dt = 0.01 if frozen_A else 0.005                                  # within each stability limit
    fast = run_steps(s0, params, lat, dt, 37, frozen_A=frozen_A)      # 37: odd, exercises the tail step
    ref = reference_steps(s0, params, lat, dt, 37, frozen_A=frozen_A)
    assert float(jnp.max(jnp.abs(ref.psi - s0.psi))) > 0.1          # the state really moved
    assert float(jnp.max(jnp.abs(fast.psi - ref.psi))) < 1e-13
    if not frozen_A:
        assert float(jnp.max(jnp.abs(ref.ax - s0.ax))) > 0.01       # A really evolved
        assert float(jnp.max(jnp.abs(fast.ax - ref.ax))) < 1e-13
        assert float(jnp.max(jnp.abs(fast.ay - ref.ay))) < 1e-13


def test_compact_uniform_field_links_equal_full_landau_gauge():
    grid = Grid(40, 32, 0.5, 0.6)
    lat = make_lattice(grid, Rectangle(16.0, 14.0))
    H = 0.3
    params = make_params(2.0, H)
    s0 = random_state(lat, *applied_link_phases(grid, H, "landau_x"), jax.random.PRNGKey(1), 0.5)
    fast = run_frozen(s0.psi, lat, uniform_field_links(grid, H), 0.01, params.u, 36)
    ref = reference_steps(s0, params, lat, 0.01, 36, frozen_A=True)
    assert float(jnp.max(jnp.abs(fast - ref.psi))) < 1e-13


def test_compact_links_refuse_a_y_periodic_grid():
    with pytest.raises(ParameterError, match="periodic along y"):
        uniform_field_links(Grid(8, 8, 0.5, 0.5, periodic_y=True), 0.1)
