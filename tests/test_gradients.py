"""Gradients of the free energy with respect to ψ, A and κ: jax.grad against central differences."""
import jax
import jax.numpy as jnp
import numpy as np

from gl.energy import free_energy
from gl.state import State

from helpers import random_disk_state


def _central(f, x, eps):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def test_grad_matches_central_differences():
    grid, lat, state, params = random_disk_state(seed=11)

    def F(re, im, ax, ay, kappa):
        p = params.replace(kappa=kappa)
        return free_energy(State((re + 1j * im) * lat.site, ax, ay), p, lat)

    args = [jnp.real(state.psi), jnp.imag(state.psi), state.ax, state.ay, params.kappa]
    grads = jax.grad(F, argnums=(0, 1, 2, 3, 4))(*args)
    rng = np.random.default_rng(0)
    inside = np.argwhere(np.asarray(lat.link_x * lat.link_y) > 0)
    eps = 1e-6
    checked = 0
    for k in range(4):
        for idx in inside[rng.choice(len(inside), 6, replace=False)]:
            idx = tuple(idx)

            def f1(v, k=k, idx=idx):
                a = list(args)
                a[k] = a[k].at[idx].set(v)
                return F(*a)

            fd = _central(f1, float(args[k][idx]), eps)
            np.testing.assert_allclose(float(grads[k][idx]), float(fd), rtol=1e-6, atol=1e-8)
            checked += 1
    fd_kappa = _central(lambda kap: F(*args[:4], kap), float(params.kappa), eps)
    np.testing.assert_allclose(float(grads[4]), float(fd_kappa), rtol=1e-7)
    assert abs(float(grads[4])) > 1e-3 and checked == 24
