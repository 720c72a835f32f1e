"""vortex-lattice: the Abrikosov lattice in a magnetically periodic cell, and M(H) up to H_c2.

* Structure: a rectangular cell of aspect √3 holding N = 2k² flux quanta (magnetically periodic
  boundaries, A evolving) is quenched from a random state (TDGL) and relaxed (L-BFGS). The vortex
  count must equal N exactly and the sixfold bond-orientational order shows the triangular
  lattice (A. A. Abrikosov, Sov. Phys. JETP 5, 1174 (1957); W. H. Kleiner, L. M. Roth and
  S. H. Autler, Phys. Rev. 133, A1226 (1964)).
* Thermodynamics: for cells of N = 2 flux quanta at mean induction B the Helmholtz free energy
  density f(B) is minimized; the applied field in equilibrium is H = (1/2κ²) df/dB (from the
  field term κ²(B − H)² of the free energy) and the magnetization M = B − H [B_c2]. Near H_c2
  (= 1 in these units, i.e. √2κH_c) ⟨|ψ|²⟩ → 0 linearly, β = ⟨|ψ|⁴⟩/⟨|ψ|²⟩² → β_A = 1.1596 and
  −dM/dH → 1/((2κ² − 1)β_A) (Abrikosov; Tinkham, Introduction to Superconductivity, §5.3).
"""
from __future__ import annotations

import dataclasses
import math

import matplotlib.pyplot as plt
import numpy as np

from gl import observables as obs
from gl.energy import free_energy
from gl.errors import ParameterError, require_positive
from gl.geometry import Grid, Rectangle
from gl.io import save_arrays
from gl.lattice import make_lattice
from gl.model import FROZEN, make_model

from .common import check, finish, quench_and_relax, start
from .config import config_dict
from .plotting import plot_density, save_figure

NAME = "vortex-lattice"
DESCRIPTION = "Abrikosov lattice in a magnetically periodic cell; β_A, M(H) and H_c2."
BETA_A = 1.1595953


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (lengths in ξ, fields in B_c2)."""

    kappa: float = 2.0                  #: κ (> 1/√2)
    lattice_k: int = 2                  #: structure cell holds N = 2k² vortices
    lattice_field: float = 0.5          #: mean induction of the structure cell [B_c2]
    grid_spacing: float = 0.25          #: lattice spacing [ξ]
    b_min: float = 0.06                 #: lowest induction of the M(H) sweep [B_c2]
    b_points: int = 8                   #: inductions of the sweep from b_min up to 0.6 B_c2
    mid_points: int = 4                 #: inductions in 0.6–0.85 B_c2
    top_points: int = 4                 #: inductions in 0.9–0.99 B_c2 (the Abrikosov fits use these)
    quench_steps: int = 2000            #: TDGL steps of the random quench (frozen A)
    film_size: float = 36.0             #: side of the finite square film [ξ] (A frozen: thin film)
    film_field: float = 0.4             #: applied field on the film [B_c2]
    tol: float = 1e-8                   #: L-BFGS tolerance
    max_iter: int = 40000               #: L-BFGS iteration cap
    seed: int = 0
    precision: str = "float64"


def triangular_cell(B: float, k: int, h: float) -> Grid:
    """Magnetically periodic cell k·a × k·√3·a holding N = 2k² flux quanta at induction B [B_c2]."""
    a = math.sqrt(4 * math.pi / (math.sqrt(3) * B))          # triangular lattice constant: B·(√3/2)a² = 2π
    Lx, Ly = k * a, k * math.sqrt(3) * a
    nx, ny = max(4, round(Lx / h)), max(4, round(Ly / h))
    return Grid(nx, ny, Lx / nx, Ly / ny, periodic_x=True, periodic_y=True)


def relax_cell(grid: Grid, B: float, cfg: Config, real, seed: int):
    """Quench (random ψ, TDGL with frozen A) and relax (L-BFGS, A evolving) one periodic cell."""
    lat = make_lattice(grid, dtype=real)
    params = make_model(cfg.kappa, B, dtype=real)
    return lat, params, quench_and_relax(lat, params, seed=seed, quench_steps=cfg.quench_steps,
                                         tol=cfg.tol, max_iter=cfg.max_iter)


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Structure cell, M(H) sweep, checks; write vortex_lattice.h5, summary.json and figures.

    ``resume`` is accepted for a uniform command line; this experiment recomputes.
    """
    t_start, out, real = start(out_dir, cfg.precision)
    kappa = require_positive("kappa", cfg.kappa)
    if kappa <= 1 / math.sqrt(2):
        raise ParameterError(f"parameter 'kappa' = {kappa} is out of range: must be > 1/√2 (type II)")
    require_positive("grid_spacing", cfg.grid_spacing)
    checks, summary, arrays = [], {"experiment": NAME}, {}

    # structure ---------------------------------------------------------------------------
    N = 2 * cfg.lattice_k ** 2
    grid = triangular_cell(cfg.lattice_field, cfg.lattice_k, cfg.grid_spacing)
    lat, params, res = relax_cell(grid, cfg.lattice_field, cfg, real, cfg.seed)
    v = obs.vortices(res.state, lat)
    box = (grid.nx * grid.hx, grid.ny * grid.hy)
    order = obs.bond_orientational_order(v["x"], v["y"], box)
    a_tri = math.sqrt(4 * math.pi / (math.sqrt(3) * cfg.lattice_field))
    checks.append(check("periodic cell: vortex count = N", v["net"], N, 0.0, "vortices"))
    checks.append(check("periodic cell: antivortices", v["n_antivortices"], 0, 0.0, "vortices"))
    checks.append(check("periodic cell: nearest-neighbour distance (triangular a)", order["a"], a_tri, 0.05, "xi"))
    summary["structure"] = {"N": N, "cell_xi": box, "grid": grid.shape, "psi6": order["psi6"],
                            "psi6_global": order["psi6_global"], "grad_norm": res.grad_norm}
    plot_density(res.state.psi, lat, v, out / "lattice_density.png",
                 f"periodic cell, N = {N}, B = {cfg.lattice_field:g} Bc2, ψ6 = {order['psi6']:.3f}")

    # finite film in a field (thin film, A frozen) --------------------------------------------
    fgrid = Grid.covering(cfg.film_size, cfg.film_size, 0.5)
    flat = make_lattice(fgrid, Rectangle(cfg.film_size, cfg.film_size), dtype=real)
    fparams = make_model(cfg.kappa, cfg.film_field, vector_potential=FROZEN, dtype=real)
    fres = quench_and_relax(flat, fparams, seed=cfg.seed, quench_steps=5 * cfg.quench_steps,
                            tol=1e-6, max_iter=cfg.max_iter)
    fv = obs.vortices(fres.state, flat)
    a_film = math.sqrt(4 * math.pi / (math.sqrt(3) * cfg.film_field))
    interior = (np.abs(fv["x"]) < cfg.film_size / 2 - a_film) & (np.abs(fv["y"]) < cfg.film_size / 2 - a_film)
    forder = obs.bond_orientational_order(fv["x"], fv["y"])
    film_psi6 = obs.bond_orientational_order(fv["x"], fv["y"], subset=interior)["psi6"]
    summary["film"] = {"size_xi": cfg.film_size, "field_Bc2": cfg.film_field, "n_vortices": fv["n_vortices"],
                       "applied_flux_Phi0": cfg.film_field * cfg.film_size ** 2 / (2 * math.pi),
                       "psi6_interior": film_psi6, "psi6_all": forder["psi6"],
                       "mean_spacing_xi": forder["a"], "triangular_spacing_xi": a_film}
    plot_density(fres.state.psi, flat, fv, out / "film_density.png",
                 f"film {cfg.film_size:g} ξ, H = {cfg.film_field:g} Bc2: {fv['n_vortices']} vortices, "
                 f"interior ψ6 = {film_psi6:.2f}")

    # M(H) -------------------------------------------------------------------------------------
    if cfg.top_points < 2:
        raise ParameterError(f"parameter 'top_points' = {cfg.top_points} is out of range: must be ≥ 2")
    Bs = np.concatenate([np.geomspace(cfg.b_min, 0.6, cfg.b_points, endpoint=False),
                         np.linspace(0.6, 0.85, cfg.mid_points), np.linspace(0.9, 0.99, cfg.top_points), [1.03, 1.08]])
    f, n_mean, beta = [], [], []
    for k, B in enumerate(Bs):
        g = triangular_cell(float(B), 1, cfg.grid_spacing)
        lat_b, _, r = relax_cell(g, float(B), cfg, real, cfg.seed + k + 1)
        area = g.nx * g.hx * g.ny * g.hy
        f.append(float(free_energy(r.state, make_model(kappa, 0.0, dtype=real), lat_b)) / area)   # Helmholtz
        n = np.asarray(obs.density(r.state))
        n_mean.append(float(n.mean()))
        beta.append(float((n ** 2).mean() / n.mean() ** 2) if n.mean() > 1e-8 else float("nan"))
    f, n_mean, beta = map(np.asarray, (f, n_mean, beta))
    # H = (1/2κ²) df/dB on the superconducting branch; in the normal state f = κ²B², so H = B exactly
    sc = n_mean > 1e-6
    H = Bs.copy()
    H[sc] = np.gradient(f[sc], Bs[sc], edge_order=2) / (2 * kappa ** 2)
    M = Bs - H
    # near H_c2 (B ≥ 0.9): ⟨|ψ|²⟩ vanishes linearly at H_c2 (where H = B), and M is linear in H
    top = np.nonzero(sc & (Bs >= 0.9))[0]
    slope, icpt = np.polyfit(Bs[top], n_mean[top], 1)
    Hc2 = -icpt / slope
    checks.append(check("Hc2 (mean |psi|^2 -> 0)", Hc2, 1.0, 0.02, "Bc2"))
    near = int(top[-1])
    checks.append(check("Abrikosov beta near Hc2", beta[near], BETA_A, 0.02, "1"))
    dMdH = np.polyfit(H[top], M[top], 1)[0]
    checks.append(check("dM/dH just below Hc2 (Abrikosov 1/((2κ²−1)β_A))", dMdH,
                        1 / ((2 * kappa ** 2 - 1) * BETA_A), 0.05, "1"))
    arrays.update(B=Bs, H=H, M=M, f=f, mean_density=n_mean, beta=beta)
    summary["magnetization"] = {"B": Bs, "H": H, "M": M, "mean_density": n_mean, "beta": beta, "Hc2": Hc2,
                                "Hc1_estimate_lowest_H": float(H[0])}
    save_arrays(out / "vortex_lattice.h5", arrays, {"experiment": NAME, "config": config_dict(cfg)})
    _figure(out, kappa, Bs, H, M, n_mean, beta, Hc2)
    summary.update(checks=checks, config=config_dict(cfg))
    return finish(out, summary, t_start)


def _figure(out, kappa, Bs, H, M, n_mean, beta, Hc2):
    fig, axs = plt.subplots(1, 3, figsize=(15, 4.4))
    hm = np.concatenate([[0.0, H[0]], H])
    mm = np.concatenate([[0.0, -H[0]], M])                  # Meissner branch M = −H below the first vortex
    axs[0].plot(hm, -mm, "o-", ms=3, label="GL, magnetically periodic cells")
    hh = np.linspace(0.6, 1.0, 50)
    axs[0].plot(hh, (1 - hh) / ((2 * kappa ** 2 - 1) * BETA_A), "k--", lw=1, label="Abrikosov near Hc2")
    axs[0].set(xlabel="H / Bc2", ylabel="−M / Bc2", title=f"magnetization, κ = {kappa:g}")
    axs[0].legend()
    axs[1].plot(Bs, n_mean, "o-", ms=3)
    axs[1].axvline(Hc2, color="k", ls=":", lw=1, label=f"Hc2 = {Hc2:.4f}")
    axs[1].set(xlabel="B / Bc2", ylabel="⟨|ψ|²⟩", title="mean superfluid density")
    axs[1].legend()
    axs[2].plot(Bs, beta, "o-", ms=3)
    axs[2].axhline(BETA_A, color="k", ls="--", lw=1, label="β_A = 1.1596 (triangular)")
    axs[2].set(xlabel="B / Bc2", ylabel="⟨|ψ|⁴⟩/⟨|ψ|²⟩²", title="Abrikosov parameter")
    axs[2].legend()
    save_figure(fig, out / "magnetization.png")
