"""Small shared builders for the tests (float64)."""
import jax
import jax.numpy as jnp
import numpy as np

from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid
from gl.lattice import make_lattice
from gl.model import make_model
from gl.state import State


def random_disk_state(seed=0, radius=4.0, h=0.5, field=0.3, kappa=2.0, perturb_a=0.2, amplitude=0.8):
    """A disk with random ψ and randomly perturbed link phases around a uniform field."""
    grid = Grid.covering(2 * radius + 2, 2 * radius + 1, h)
    lat = make_lattice(grid, Disk(radius))
    rng = np.random.default_rng(seed)
    ax, ay = applied_link_phases(grid, field)
    psi = amplitude * (rng.normal(size=grid.shape) + 1j * rng.normal(size=grid.shape)) / np.sqrt(2)
    state = State(jnp.asarray(psi) * lat.site, ax + perturb_a * jnp.asarray(rng.normal(size=grid.shape)),
                  ay + perturb_a * jnp.asarray(rng.normal(size=grid.shape)))
    return grid, lat, state, make_model(kappa, field)


def tree_max_abs_diff(a, b):
    return max(float(jnp.max(jnp.abs(x - y))) for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)))


def quenched_film(width, height, field, seed, amplitude, h=0.5, kappa=2.0):
    """A rectangular film in a uniform field with small random ψ (a quench from the normal state)."""
    from gl.geometry import Rectangle
    from gl.state import random_state

    grid = Grid.covering(width, width, h)
    lat = make_lattice(grid, Rectangle(width, height))
    params = make_model(kappa, field)
    state = random_state(lat, *applied_link_phases(grid, field), jax.random.PRNGKey(seed), amplitude=amplitude)
    return grid, lat, params, state
