"""Batched sweep of the vortex-film experiment over applied field and temperature (A frozen) or
applied field and κ (A evolving, ``--set vector_potential=bulk``).

Every point is the vortex-film quench (same seed, same film, same t_final in t0) relaxed by TDGL
(:func:`gl.tdgl.run_steps`, the same kernels as ``glsim run``); the L-BFGS polish of ``glsim run`` is
left out. Every point's configuration goes through the experiment's own checks
(:func:`experiments.vortex_film.physical_inputs`). The grid is the same for all points, so one
compiled function serves the whole sweep: it is chosen at the lowest swept temperature (smallest ξ)
with ``grid_spacing_xi``, and at higher temperatures the spacing in units of ξ(T) is finer. Field,
spacing and time step enter as traced numbers (the time step is the stable one for the finest
spacing, shared by all points).

Outputs per point: vortex and antivortex counts (plaquette windings), the applied flux, the mean
|ψ|², and the magnetization M = m_z/(κ² S) [B_c2 and mT] from the supercurrents' moment (the
same definition as :func:`gl.observables.magnetization`).
"""
from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp
import numpy as np

from gl.errors import ParameterError
from gl.geometry import Rectangle
from gl.gauge import applied_link_phases
from gl.lattice import make_lattice
from gl.model import BULK, make_model
from gl.observables import magnetization, mean_field, vortex_counts
from gl.state import State, random_state
from gl.tdgl import run_steps, stability_limit

from .plotting import plt, save_figure
from .vortex_film import VECTOR_POTENTIAL, expected_vortex_range, film_grid, physical_inputs, setup

KEYS = {"applied_field_mT": "mT", "temperature_K": "K", "kappa": "1"}


def _checked_points(cfg, values: dict[str, np.ndarray], n: int):
    """Every point's (units, W [ξ], H [ξ], b [B_c2]) from the experiment's own checks."""
    out = []
    for k in range(n):
        over = {key: float(v[k]) for key, v in values.items() if key != "kappa"}
        _, units, W, H, b = physical_inputs(dataclasses.replace(cfg, **over))
        out.append((units, W, H, b))
    return out


def build(cfg, values: dict[str, np.ndarray], real):
    """(point function, per-point GL inputs, host-side extras, info) for the sweep ``values`` over ``KEYS``.

    With A frozen (the default) the keys are field and temperature; with ``vector_potential =
    bulk`` field and κ (:func:`_build_evolving_A`).

    Raises:
        ParameterError: for a key that does not apply to the chosen dynamics, or any point whose
            configuration ``glsim run`` would refuse.
    """
    physical_inputs(cfg)
    if VECTOR_POTENTIAL[cfg.vector_potential] is BULK:
        return _build_evolving_A(cfg, values, real)
    if "kappa" in values:
        raise ParameterError("parameter '--over' key 'kappa': κ does not enter with A frozen; sweep it with "
                             "--set vector_potential=bulk")
    n = len(next(iter(values.values())))
    points = _checked_points(cfg, values, n)
    xi = np.array([p[0].xi for p in points])
    bc2 = np.array([p[0].Bc2 for p in points])
    b = np.array([p[3] for p in points])
    h_m = cfg.grid_spacing_xi * xi.min()
    W, H = cfg.width_um * 1e-6 / h_m, cfg.height_um * 1e-6 / h_m
    grid = film_grid(cfg, W, H, 1.0)                   # lengths in units of h_m
    lat = make_lattice(grid, Rectangle(W, H), dtype=real)
    hx, hy = grid.hx * h_m / xi, grid.hy * h_m / xi    # spacing in ξ(T), per point
    kappa = points[0][0].kappa
    base = make_model(kappa, 0.0, u=cfg.u, vector_potential=VECTOR_POTENTIAL[cfg.vector_potential], dtype=real)
    dt = 0.5 * stability_limit(grid, base, spacing=(hx.min(), hy.min()))
    n_steps = int(math.ceil(cfg.t_final / dt))
    zero = jnp.zeros(grid.shape, real)
    psi0 = random_state(lat, zero, zero, jax.random.PRNGKey(cfg.seed), cfg.initial_amplitude).psi

    def point(v):
        # the kernel scales the uniform field's link phases by the traced spacing (hx·hy over the grid's);
        # the state's links are those phases on the grid of spacing h_m, i.e. of the field b·hx·hy/(grid's)
        model = base.with_field(v["b"])
        state = State(psi0, *applied_link_phases(grid, v["b"] * v["hx"] * v["hy"] / (grid.hx * grid.hy), dtype=real))
        state = run_steps(state, model, lat, dt, n_steps, spacing=(v["hx"], v["hy"]))
        return _observables(state, lat, kappa, (v["hx"], v["hy"]))

    Wxi, Hxi = cfg.width_um * 1e-6 / xi, cfg.height_um * 1e-6 / xi
    derived = {"b": b, "hx": hx, "hy": hy}
    bounds = np.array([expected_vortex_range(w, h, bb) for w, h, bb in zip(Wxi, Hxi, b)])
    extra = {"applied_flux_Phi0": b * Wxi * Hxi / (2 * np.pi), "applied_field_Bc2": b, "xi_nm": xi * 1e9,
             "grid_spacing_xi": hx, "Bc2_mT": bc2 * 1e3, "expected_vortex_min": bounds[:, 0],
             "expected_vortex_max": bounds[:, 1]}
    info = {"grid": [grid.nx, grid.ny], "dt_t0": dt, "tdgl_steps": n_steps, "t_final_t0": cfg.t_final,
            "material": cfg.material, "kappa": kappa}
    return point, derived, extra, info


def _build_evolving_A(cfg, values: dict[str, np.ndarray], real):
    """The sweep with A evolving (full TDGL, screening with κ): keys ``applied_field_mT`` and ``kappa``.

    κ overrides the material's value (the material still sets ξ, λ and B_c2 at the temperature);
    the grid is the one of ``glsim run vortex-film`` at ``temperature_K``.
    """
    if "temperature_K" in values:
        raise ParameterError("parameter '--over' key 'temperature_K' needs vector_potential = frozen (with A "
                             "evolving the grid spacing is fixed at the configured temperature)")
    mat, units, W, H, _, grid, lat, model, _ = setup(cfg)
    n = len(next(iter(values.values())))
    points = _checked_points(cfg, values, n)
    kappa = np.broadcast_to(values.get("kappa", mat.kappa), (n,)).astype(float)
    if not np.all(np.isfinite(kappa) & (kappa > 0)):
        raise ParameterError(f"parameter 'kappa' = {kappa.min():g} is out of range: allowed (0, ∞)")
    b = np.array([p[3] for p in points])
    dt = 0.5 * stability_limit(grid, model.replace(kappa=jnp.asarray(kappa.max(), model.kappa.dtype)))
    n_steps = int(math.ceil(cfg.t_final / dt))
    psi0 = random_state(lat, *applied_link_phases(grid, 0.0, dtype=real), jax.random.PRNGKey(cfg.seed),
                        cfg.initial_amplitude).psi

    def point(v):
        p = model.with_field(v["b"]).replace(kappa=v["kappa"])
        state = State(psi0, *applied_link_phases(grid, v["b"], dtype=real))
        state = run_steps(state, p, lat, dt, n_steps)
        return dict(_observables(state, lat, v["kappa"]), mean_field_Bc2=mean_field(state, lat))

    bounds = np.array([expected_vortex_range(W, H, bb) for bb in b])
    extra = {"applied_flux_Phi0": b * W * H / (2 * np.pi), "applied_field_Bc2": b, "kappa_used": kappa,
             "Bc2_mT": np.full(n, units.Bc2 * 1e3), "expected_vortex_min": bounds[:, 0],
             "expected_vortex_max": bounds[:, 1]}
    info = {"grid": [grid.nx, grid.ny], "dt_t0": dt, "tdgl_steps": n_steps, "t_final_t0": cfg.t_final,
            "material": mat.name, "vector_potential": cfg.vector_potential}
    return point, {"b": b, "kappa": kappa}, extra, info


def _observables(state, lat, kappa, spacing=None) -> dict:
    """The per-point outputs of both sweeps (traceable); ``spacing`` overrides the lattice's."""
    n_v, n_av = vortex_counts(state, lat)
    return {"n_vortices": n_v, "n_antivortices": n_av,
            "mean_density": jnp.sum(jnp.abs(state.psi) ** 2 * lat.site) / jnp.sum(lat.site),
            "magnetization_Bc2": magnetization(state, lat, kappa, spacing)}


def postprocess(outputs: dict, extra: dict) -> dict:
    """Add the magnetization in mT (μ0M = M·B_c2(T))."""
    outputs["magnetization_mT"] = outputs["magnetization_Bc2"] * extra["Bc2_mT"]
    return outputs


def figure(axes, shape, data: dict, path, title: str):
    """Vortex count and magnetization against the swept parameter (1-D) or a vortex-count map (2-D)."""
    if len(axes) == 1:
        key, x = axes[0]
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
        a1.plot(x, data["n_vortices"], "o-", ms=3, label="vortices")
        a1.plot(x, data["n_antivortices"], "s-", ms=3, label="antivortices")
        a1.plot(x, data["applied_flux_Phi0"], "k--", lw=1, label="applied flux Φ/Φ0")
        a1.set_xlabel(f"{key} [{KEYS[key]}]")
        a1.set_ylabel("count")
        a1.legend()
        a2.plot(x, data["magnetization_mT"], "o-", ms=3)
        a2.axhline(0, color="k", lw=0.5)
        a2.set_xlabel(f"{key} [{KEYS[key]}]")
        a2.set_ylabel("μ0 M [mT]")
        fig.suptitle(title)
    else:
        (k0, x0), (k1, x1) = axes[:2]
        fig, ax = plt.subplots(figsize=(6, 5))
        im = ax.pcolormesh(x1, x0, np.reshape(data["n_vortices"], shape)[(slice(None), slice(None)) + (0,) * (len(shape) - 2)],
                           shading="nearest")
        fig.colorbar(im, ax=ax, label="vortices")
        ax.set_xlabel(f"{k1} [{KEYS[k1]}]")
        ax.set_ylabel(f"{k0} [{KEYS[k0]}]")
        ax.set_title(title)
    return save_figure(fig, path)
