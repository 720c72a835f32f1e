"""mqm-invariants: conservation laws and gauge invariance of the lattice Schrödinger dynamics.

* Norm: Crank–Nicolson is unitary (Cayley form), so Σ|Ψ|² is conserved to the linear solver's
  accuracy over many steps.
* Continuity: ∂n/∂t + ∇·J = 0 holds exactly for the lattice model in continuous time; the
  residual of the centred difference (n(t+Δt) − n(t−Δt))/2Δt + ∇·J(t) vanishes as Δt² under
  refinement (the measured order is reported and checked).
* Gauge invariance: Ψ → Ψe^{iqχ/ħ}, A → A + ∇χ (static random χ) leaves n, J, E and B unchanged
  to round-off after the evolution, because the lattice H transforms covariantly
  (e^{iχ} H e^{−iχ} exactly). For a time-dependent χ with φ → φ − ∂χ/∂t the continuum is
  invariant too; Crank–Nicolson reproduces it to O(Δt²), and that difference is reported.
"""
from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from gl.errors import require_positive
from gl.gauge import applied_link_phases, gauge_transform, magnetic_field
from gl.geometry import Disk, Grid
from gl.io import save_arrays
from gl.lattice import make_lattice
from gl.state import State
from schrodinger import Potentials, continuity_residual, crank_nicolson_step, current, energy, evolve, norm

from .common import check, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "mqm-invariants"
DESCRIPTION = "Norm conservation over 10⁴ steps, continuity residual order, gauge invariance of Ψ dynamics."


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (units ħ = m = |q| = 1)."""

    radius: float = 7.0        #: disk radius [ℓ]
    grid_spacing: float = 0.5  #: lattice spacing [ℓ]
    field: float = 0.3         #: uniform B [ħ/(|q|ℓ²)]
    trap: float = 0.05         #: harmonic potential V = trap·r² [E0/ℓ²]
    dt: float = 0.05           #: time step [ħ/E0]
    steps: int = 10000         #: steps of the norm test
    seed: int = 0
    precision: str = "float64"


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Run the three invariance tests; write mqm_invariants.h5, summary.json and a figure.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.
    """
    t_start, out, real = start(out_dir, cfg.precision)
    R = require_positive("radius", cfg.radius)
    grid = Grid.covering(2 * R + 2, 2 * R + 2, require_positive("grid_spacing", cfg.grid_spacing))
    lat = make_lattice(grid, Disk(R), dtype=real)
    ax, ay = applied_link_phases(grid, cfg.field, dtype=real)
    X, Y = grid.nodes()
    pot = Potentials(ax, ay, jnp.asarray(cfg.trap * (X ** 2 + Y ** 2), real))
    psi0 = jnp.asarray(np.exp(-((X - 2) ** 2 + Y ** 2) / 4) * np.exp(1.5j * Y), jnp.result_type(real, jnp.complex64))
    psi0 = psi0 * lat.site
    psi0 = psi0 / jnp.sqrt(norm(psi0))
    checks = []

    # norm over many steps
    psi = evolve(psi0, lat, cfg.dt, cfg.steps, 0.0, lambda t: pot)
    drift = abs(float(norm(psi)) - 1.0)
    checks.append(check(f"norm drift after {cfg.steps} steps", drift, 0.0, 1e-10, "(absolute)"))
    checks.append(check("energy drift (static H)", abs(float(energy(psi, pot, lat) - energy(psi0, pot, lat))), 0.0,
                        1e-9, "E0 (absolute)"))

    # continuity residual under refinement
    dts = np.array([0.04, 0.02, 0.01, 0.005])
    res = np.array([float(continuity_residual(crank_nicolson_step(psi, pot, lat, -d),
                                              crank_nicolson_step(psi, pot, lat, d), psi, pot, lat, d)) for d in dts])
    order = float(np.polyfit(np.log(dts), np.log(res), 1)[0])
    checks.append(check("continuity residual convergence order in dt", order, 2.0, 0.1, "1"))

    # static random gauge transformation
    chi = 3.0 * np.random.default_rng(cfg.seed).normal(size=grid.shape)
    g0 = gauge_transform(State(psi0, ax, ay), chi)
    pot_g = Potentials(g0.ax, g0.ay, pot.V)
    n_steps = 200
    a = evolve(psi0, lat, cfg.dt, n_steps, 0.0, lambda t: pot)
    b = evolve(g0.psi, lat, cfg.dt, n_steps, 0.0, lambda t: pot_g)
    ja, jb = current(a, pot, lat), current(b, pot_g, lat)
    diffs = {
        "density": float(jnp.max(jnp.abs(jnp.abs(a) ** 2 - jnp.abs(b) ** 2))),
        "current": max(float(jnp.max(jnp.abs(x - y))) for x, y in zip(ja, jb)),
        "energy": abs(float(energy(a, pot, lat) - energy(b, pot_g, lat))),
        "field": float(jnp.max(jnp.abs(magnetic_field(State(a, ax, ay), lat)
                                       - magnetic_field(State(b, g0.ax, g0.ay), lat)))),
    }
    for k, v in diffs.items():
        checks.append(check(f"gauge invariance (static chi): max change of {k}", v, 0.0, 1e-10, "(absolute)"))

    # time-dependent gauge transformation: equal up to O(dt²)
    omega = 1.0
    td = []
    for d in (0.04, 0.02, 0.01):
        steps = int(round(2.0 / d))
        chi_t = lambda t: jnp.asarray(chi, real) * (1 + 0.5 * jnp.sin(omega * t))
        dchi = lambda t: jnp.asarray(chi, real) * 0.5 * omega * jnp.cos(omega * t)

        def pot_t(t, chi_t=chi_t, dchi=dchi):
            g = gauge_transform(State(psi0, ax, ay), chi_t(t))
            return Potentials(g.ax, g.ay, pot.V - dchi(t))

        p1 = evolve(psi0, lat, d, steps, 0.0, lambda t: pot)
        p2 = evolve(psi0 * jnp.exp(1j * chi_t(0.0)), lat, d, steps, 0.0, pot_t)
        td.append(float(jnp.max(jnp.abs(jnp.abs(p1) ** 2 - jnp.abs(p2) ** 2))))
    td_order = float(np.polyfit(np.log([0.04, 0.02, 0.01]), np.log(td), 1)[0])
    checks.append(check("time-dependent gauge: density difference convergence order in dt", td_order, 2.0, 0.1, "1"))

    save_arrays(out / "mqm_invariants.h5", {"dt": dts, "continuity_residual": res, "td_gauge_density_diff": td},
                {"experiment": NAME, "config": config_dict(cfg)})
    fig, ax = plt.subplots(figsize=(6, 4.4))
    ax.loglog(dts, res, "o-", label=f"continuity residual (order {order:.2f})")
    ax.loglog([0.04, 0.02, 0.01], td, "s-", label=f"time-dependent gauge Δn (order {td_order:.2f})")
    ax.set(xlabel="Δt / (ħ/E0)", ylabel="max residual", title=f"norm drift after {cfg.steps} steps: {drift:.1e}")
    ax.legend()
    save_figure(fig, out / "mqm_invariants.png")
    summary = {"experiment": NAME, "checks": checks, "norm_drift": drift, "continuity_order": order,
               "gauge_static_max_changes": diffs, "gauge_time_dependent_density_diffs": td,
               "config": config_dict(cfg)}
    return finish(out, summary, t_start)
