"""pinning: a film with a square array of pinning sites — matching field, M(H) loops, field cooling.

The pins are disks of suppressed condensation, ε = 1 − pin_depth (gl.pinning; docs/model.md,
"The model"); a vortex core on a pin saves the condensation energy it would destroy elsewhere.
Three protocols, all driven by the model's schedules H(t) and T(t) (no hand-written loops over
fields):

* Matching field: at H₁ = Φ0/a² (one flux quantum per pin of the square array with spacing a)
  a quench from the normal state relaxed by TDGL and L-BFGS puts the vortices on the pins
  (the matching effect: e.g. C. Reichhardt, C. J. Olson and F. Nori, Phys. Rev. B 57, 7937
  (1998); experiments: M. Baert et al., Phys. Rev. Lett. 74, 3269 (1995)). Check: fraction of
  vortices within a pin radius (+ one lattice spacing) of a pin ≥ 90%.
* Field ramps: H(t) ramped up to ``loop_field_ratio``·H₁ and back to 0, with and without pins,
  on a larger film (``loop_pins_per_side`` cells of the array), whose pins stop
  ``loop_edge_margin_cells`` cells short of the edges; M(H) and the vortex count are recorded
  along the way. Pins hold flux on the way down (bulk pinning): checks that the loop width
  ∫|M_down(H) − M_up(H)| dH is larger with pins than without, and that more vortices remain at
  H = 0 (remanent flux). The pin-free margin keeps the edge barrier to vortex entry and exit the
  same in both films, so the loops compare bulk pinning: pins at the edge are entry points that
  lower that barrier, and with them (margin 0) the loop of this unscreened mesoscopic film comes
  out *narrower* (width ratio 0.46 on the default; 1.30 with the default margin of one cell).
* Field cooling: T(t) ramped from above T_c to the working temperature at fixed H = H₁, then H
  ramped to 0 and held. Check: the vortex count at the end of cooling is within ±1 of the
  cooling flux H₁S/Φ0. Without screening (A frozen) the unscreened logarithmic repulsion and the edge
  attraction push the vortices off these pins once H is removed; with screening (A evolving,
  ``trap_kappa``) they stay: check ≥ (count at the end of cooling) − 1 trapped.

Lengths in ξ(T) inside, SI in the configuration; times in t0 = μ0σ_nλ² inside, ns in the
configuration (the material's resistivity sets t0).
"""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import jax
import matplotlib.pyplot as plt
import numpy as np

from gl import observables as obs
from gl.driver import evolve
from gl.errors import ParameterError, require_positive, require_range
from gl.gauge import applied_link_phases
from gl.geometry import Grid, Rectangle
from gl.io import save_arrays
from gl.lattice import make_lattice
from gl.minimize import minimize
from gl.model import BULK, UNIFORM, make_model
from gl.pinning import pinning_landscape, square_pin_array
from gl.state import random_state, uniform_state
from gl.tdgl import stability_limit
from gl.units import material

from .common import check, check_at_least, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "pinning"
DESCRIPTION = "Square pinning array: vortices on pins at the matching field, wider M(H) loop, field-cooled trapping."


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters of the pinning experiment (SI at the boundary)."""

    material: str = "Nb-film"          #: preset name (gl.units.MATERIALS)
    temperature_K: float = 7.0         #: working temperature, below T_c
    thickness_nm: float = 10.0         #: film thickness d
    pins_per_side: int = 3             #: the film is pins_per_side × pins_per_side cells of the array
    pin_spacing_nm: float = 244.0      #: square-array constant a (≈ 6 ξ(7 K) of the Nb film)
    pin_radius_nm: float = 81.0        #: pin radius (≈ 2 ξ)
    pin_depth: float = 3.0             #: ε inside a pin is 1 − pin_depth (> 1: normal-metal inclusion)
    grid_spacing_xi: float = 0.5       #: lattice spacing in units of ξ(T), ≤ 1
    relax_ns: float = 1.2              #: TDGL time of the matching-field quench
    loop_pins_per_side: int = 5        #: size of the film of the field-ramp protocol, in array cells
    loop_edge_margin_cells: int = 1    #: pin-free margin of that film along its edges, in array cells
    loop_field_ratio: float = 1.5      #: top of the field ramp, in units of the matching field H₁
    loop_ramp_ns: float = 3.5          #: duration of the ramp up (and of the ramp down)
    cooling_start_K: float = 7.75      #: temperature at the start of field cooling (above T_c)
    cooling_rate_K_per_ns: float = 1.0  #: cooling rate
    field_removal_ns: float = 0.25     #: duration of the ramp of H from H₁ to 0 after cooling
    hold_ns: float = 0.5               #: hold at H = 0 after the removal
    trap_kappa: float = 1.0            #: κ of the screened field-cooling run (A evolving)
    seed: int = 0
    precision: str = "float64"


def _inputs(cfg: Config):
    """Checked GL-unit inputs: (material, units, a, R, L [ξ], b1 [B_c2], t0 [s])."""
    mat = material(cfg.material)
    units = mat.units(cfg.temperature_K, require_positive("thickness_nm", cfg.thickness_nm, "nm") * 1e-9)
    if mat.resistivity is None:
        raise ParameterError(f"parameter 'material' = {cfg.material!r} has no normal-state resistivity: the time "
                             "unit t0 = μ0λ²/ρ_n is needed for the ramps in ns (use a film preset, e.g. 'Nb-film')")
    for key in ("pins_per_side", "loop_pins_per_side"):
        n = getattr(cfg, key)
        if isinstance(n, bool) or n < 1:
            raise ParameterError(f"parameter '{key}' = {n!r} is out of range: must be an integer ≥ 1")
    m = cfg.loop_edge_margin_cells
    if isinstance(m, bool) or not isinstance(m, int) or not 0 <= 2 * m < cfg.loop_pins_per_side:
        raise ParameterError(f"parameter 'loop_edge_margin_cells' = {m!r} is out of range: allowed integers 0 to "
                             f"{(cfg.loop_pins_per_side - 1) // 2} (at least one cell of pins inside "
                             f"loop_pins_per_side = {cfg.loop_pins_per_side})")
    a = units.length_to_gl(require_positive("pin_spacing_nm", cfg.pin_spacing_nm, "nm") * 1e-9)
    R = units.length_to_gl(require_positive("pin_radius_nm", cfg.pin_radius_nm, "nm") * 1e-9)
    if R >= a / 2:
        raise ParameterError(f"parameter 'pin_radius_nm' = {cfg.pin_radius_nm:g} is out of range: allowed "
                             f"(0, {cfg.pin_spacing_nm / 2:g}) nm (pins must not touch)")
    require_positive("pin_depth", cfg.pin_depth)
    require_range("grid_spacing_xi", cfg.grid_spacing_xi, 0.0, 1.0, low_open=True, unit="xi")
    for key in ("relax_ns", "loop_field_ratio", "loop_ramp_ns", "cooling_rate_K_per_ns", "field_removal_ns",
                "hold_ns", "trap_kappa"):
        require_positive(key, getattr(cfg, key))
    if not cfg.cooling_start_K > mat.Tc:
        raise ParameterError(f"parameter 'cooling_start_K' = {cfg.cooling_start_K:g} is out of range: must be above "
                             f"T_c = {mat.Tc:g} K")
    L = a * cfg.pins_per_side
    b1 = 2.0 * math.pi / a ** 2                       # one flux quantum (2π) per a² [B_c2(T)]
    return mat, units, a, R, L, b1, units.time


def _on_pin_fraction(v: dict, pins: np.ndarray, radius: float) -> float:
    """Fraction of the vortices (positive windings) whose plaquette centre lies within ``radius`` of a pin."""
    q = np.asarray(v["charge"])
    if v["n_vortices"] == 0:
        return float("nan")
    d = np.min(np.hypot(v["x"][:, None] - pins[None, :, 0], v["y"][:, None] - pins[None, :, 1]), axis=1)
    return float(q[(d <= radius) & (q > 0)].sum()) / v["n_vortices"]


def _loop_width(t, H, M, t_turn) -> float:
    """Hysteresis of an up-and-down field ramp: ∫|M_down(H) − M_up(H)| dH over the common field range [B_c2²]."""
    up, down = t <= t_turn, t > t_turn
    grid = np.linspace(max(H[up].min(), H[down].min()), min(H[up].max(), H[down].max()), 200)
    order = np.argsort(H[down])
    gap = np.abs(np.interp(grid, H[down][order], M[down][order]) - np.interp(grid, H[up], M[up]))
    return float(np.trapezoid(gap, grid))


def _record(model, lat, kappa, rows: list):
    """An ``on_chunk`` callback recording t, H(t), T(t)/T_c, M and the vortex count."""
    def cb(traj):
        v = obs.vortex_counts(traj.state, lat)
        rows.append((traj.time, float(model.field(traj.time)), float(model.temperature.at(traj.time)),
                     float(obs.magnetization(traj.state, lat, kappa)), float(v[0]), float(v[1])))
    return cb


def _run_protocol(model, lat, grid, real, t_total, seed, kappa, amplitude=0.1):
    """TDGL of ``model`` for ``t_total`` [t0] from a small random ψ (``amplitude`` > 0, a quench from the
    normal state) or ψ = 1 (``amplitude`` = 0, the Meissner state); returns (final state, rows (n, 6))."""
    links = applied_link_phases(grid, float(model.field(0.0)), dtype=real)
    s0 = random_state(lat, *links, jax.random.PRNGKey(seed), amplitude) if amplitude > 0 else uniform_state(lat, *links)
    dt = 0.5 * stability_limit(grid, model)
    n = int(math.ceil(t_total / dt))
    rows: list = []
    traj = evolve(s0, model, lat, n_steps=n, dt=dt, chunk_steps=max(1, n // 60), progress=False,
                  on_chunk=_record(model, lat, kappa, rows))
    return traj.state, np.array(rows)


def run(cfg: Config, out_dir: str | Path, resume: bool = False, progress: bool = True) -> dict:
    """Run the three protocols; write result.h5, summary.json and pinning.png.

    Raises:
        ParameterError: for invalid configuration (``resume`` is not supported: the run is short).
    """
    if resume:
        raise ParameterError("--resume: the pinning experiment has no checkpoint (it runs in about a minute)")
    mat, units, a, R, L, b1, t0 = _inputs(cfg)
    t_start, out, real = start(out_dir, cfg.precision)
    ns = 1e-9 / t0                                     # one ns in t0
    grid = Grid.covering(L, L, cfg.grid_spacing_xi)
    lat = make_lattice(grid, Rectangle(L, L), dtype=real)
    pins = square_pin_array(L, L, a)
    eps = pinning_landscape(grid, pins, R, cfg.pin_depth)
    kappa = mat.kappa
    checks, arrays = [], {}
    near = R + max(grid.hx, grid.hy)

    # 1. matching field
    m1 = make_model(kappa, b1, epsilon=eps, vector_potential=UNIFORM, dtype=real)
    s, _ = _run_protocol(m1, lat, grid, real, cfg.relax_ns * ns, cfg.seed, kappa)
    res = minimize(s, m1, lat, tol=1e-6, max_iter=5000)
    v_match = obs.vortices(res.state, lat)
    fraction = _on_pin_fraction(v_match, pins, near)
    checks.append(check_at_least("matching field: fraction of vortices on pins", fraction, 0.9, "1"))

    # 2. field ramps up and down, with and without pins
    t_ramp = cfg.loop_ramp_ns * ns
    ramp = [(0.0, 0.0), (t_ramp, cfg.loop_field_ratio * b1), (2 * t_ramp, 0.0)]
    loops = {}
    L_loop = a * cfg.loop_pins_per_side
    g_loop = Grid.covering(L_loop, L_loop, cfg.grid_spacing_xi)
    lat_loop = make_lattice(g_loop, Rectangle(L_loop, L_loop), dtype=real)
    inner = L_loop - 2 * a * cfg.loop_edge_margin_cells             # the pinned part of the film
    eps_loop = pinning_landscape(g_loop, square_pin_array(inner, inner, a), R, cfg.pin_depth)
    for label, e in (("pins", eps_loop), ("no_pins", 1.0)):
        m = make_model(kappa, ramp, epsilon=e, vector_potential=UNIFORM, dtype=real)
        _, rows = _run_protocol(m, lat_loop, g_loop, real, 2 * t_ramp, cfg.seed, kappa, amplitude=0.0)
        H, M = rows[:, 1], rows[:, 3]
        loops[label] = {"H": H, "M": M, "area": _loop_width(rows[:, 0], H, M, t_ramp), "n_vortices": rows[:, 4]}
        arrays.update({f"loop_{label}_H_Bc2": H, f"loop_{label}_M_Bc2": M, f"loop_{label}_n_vortices": rows[:, 4]})
    loop_ratio = loops["pins"]["area"] / max(loops["no_pins"]["area"], 1e-300)
    remanent = {k: float(loops[k]["n_vortices"][-1]) for k in loops}
    checks.append(check_at_least("field ramp: M(H) loop width with pins / without (≥ 1)", loop_ratio, 1.0, "1"))
    checks.append(check_at_least("field ramp: remanent vortices at H = 0, with pins minus without (> 0)",
                                 remanent["pins"] - remanent["no_pins"], 1.0, "vortices"))

    # 3. field cooling at H1, then the field removed: without screening (UNIFORM) and with (BULK, trap_kappa)
    T_ref = cfg.temperature_K / mat.Tc
    t_cool = (cfg.cooling_start_K - cfg.temperature_K) / cfg.cooling_rate_K_per_ns * ns
    t_off, t_end = t_cool + cfg.field_removal_ns * ns, t_cool + (cfg.field_removal_ns + cfg.hold_ns) * ns
    temperature = [(0.0, cfg.cooling_start_K / mat.Tc), (t_cool, T_ref)]
    field = [(0.0, b1), (t_cool, b1), (t_off, 0.0)]
    cooling_flux = b1 * L * L / (2 * math.pi)
    fc = {}
    for label, vp, kap, margin in (("frozen_A", UNIFORM, kappa, 0.0), ("screened", BULK, cfg.trap_kappa, 2.0)):
        g = Grid.covering(L + 2 * margin, L + 2 * margin, cfg.grid_spacing_xi)
        lt = make_lattice(g, Rectangle(L, L), dtype=real)
        e = pinning_landscape(g, pins, R, cfg.pin_depth)
        m = make_model(kap, field, epsilon=e, temperature=temperature, reference_temperature=T_ref,
                       vector_potential=vp, dtype=real)
        state, rows = _run_protocol(m, lt, g, real, t_end, cfg.seed + 1, kap)
        cooled = rows[np.searchsorted(rows[:, 0], t_cool) - 1, 4] if rows[0, 0] < t_cool else rows[0, 4]
        fc[label] = {"rows": rows, "cooled": float(cooled), "trapped": float(rows[-1, 4]), "lattice": lt,
                     "state": state}
        arrays.update({f"fc_{label}_t_t0": rows[:, 0], f"fc_{label}_H_Bc2": rows[:, 1],
                       f"fc_{label}_T_over_Tc": rows[:, 2], f"fc_{label}_n_vortices": rows[:, 4]})
    checks.append(check("field cooling (A frozen): vortices at the end of cooling vs cooling flux (±1)",
                        fc["frozen_A"]["cooled"], cooling_flux, 1.0 / cooling_flux, "vortices"))
    checks.append(check_at_least("field cooling (screened): vortices still trapped after H removed "
                                 "(≥ count at the end of cooling − 1)", fc["screened"]["trapped"],
                                 fc["screened"]["cooled"] - 1, "vortices"))

    summary = {
        "experiment": NAME, "material": mat.name, "material_limit": getattr(mat, "limit", None),
        "mean_free_path_nm": None if getattr(mat, "mean_free_path", None) is None else mat.mean_free_path * 1e9,
        "temperature_K": cfg.temperature_K, "xi_nm": units.xi * 1e9, "lambda_nm": units.lam * 1e9, "kappa": kappa,
        "Bc2_mT": units.Bc2 * 1e3, "t0_ps": t0 * 1e12, "pin_spacing_xi": a, "pin_radius_xi": R,
        "film_size_xi": L, "grid": list(grid.shape), "n_pins": len(pins),
        "matching_field_mT": b1 * units.Bc2 * 1e3, "matching_field_Bc2": b1,
        "matching": {"n_vortices": v_match["n_vortices"], "n_antivortices": v_match["n_antivortices"],
                     "fraction_on_pins": fraction, "minimize_iterations": res.iterations},
        "loop_width_Bc2sq": {k: loops[k]["area"] for k in loops}, "loop_width_ratio": loop_ratio,
        "loop_remanent_vortices": remanent, "loop_film_size_xi": L_loop,
        "loop_edge_margin_xi": a * cfg.loop_edge_margin_cells,
        "field_cooling": {"cooling_flux_Phi0": cooling_flux,
                          **{k: {"at_end_of_cooling": fc[k]["cooled"], "after_field_removed": fc[k]["trapped"]}
                             for k in fc}, "screened_kappa": cfg.trap_kappa,
                          "cooling_time_ns": t_cool / ns},
        "checks": checks,
    }
    save_arrays(out / "result.h5", dict(arrays, epsilon=eps, matching_density=np.abs(np.asarray(res.state.psi)) ** 2,
                                        pins_xi=pins), {"experiment": NAME, "config": config_dict(cfg),
                                                        "units": {"length": "xi(T)", "field": "Bc2(T)",
                                                                  "time": "t0 = mu0 sigma_n lambda^2"}})
    _figure(out / "pinning.png", grid, lat, res.state, v_match, pins, R, loops, fc, b1, cfg, t_cool, t0)
    return finish(out, summary, t_start)


def _figure(path, grid, lat, state, v, pins, R, loops, fc, b1, cfg, t_cool, t0):
    fig, axs = plt.subplots(1, 3, figsize=(15, 4.6))
    x, y = grid.x(), grid.y()
    ext = [x[0], x[-1], y[0], y[-1]]
    im = axs[0].imshow(np.abs(np.asarray(state.psi)).T ** 2, origin="lower", extent=ext, cmap="viridis", vmin=0, vmax=1)
    for px, py in pins:
        axs[0].add_patch(plt.Circle((px, py), R, fill=False, color="white", lw=0.8, ls="--"))
    axs[0].scatter(v["x"], v["y"], marker="^", s=25, facecolors="none", edgecolors="red")
    axs[0].set_title(f"H = H₁ (matching): {v['n_vortices']} vortices, {len(pins)} pins")
    axs[0].set_xlabel("x / ξ")
    axs[0].set_ylabel("y / ξ")
    fig.colorbar(im, ax=axs[0], label="|ψ|²", shrink=0.85)
    for label, style in (("pins", "-"), ("no_pins", "--")):
        axs[1].plot(loops[label]["H"] / b1, loops[label]["M"], style,
                    label=f"{label.replace('_', ' ')} (∫|ΔM| dH = {loops[label]['area']:.3g})")
    axs[1].axhline(0, color="k", lw=0.5)
    axs[1].set_xlabel("H / H₁")
    axs[1].set_ylabel("M / B_c2")
    axs[1].set_title("field ramp up and down")
    axs[1].legend(fontsize=8)
    for label, style in (("frozen_A", "-"), ("screened", "--")):
        rows = fc[label]["rows"]
        axs[2].plot(rows[:, 0] * t0 * 1e9, rows[:, 4], style, label=f"vortices, {label.replace('_', ' ')}")
    ax2 = axs[2].twinx()
    rows = fc["frozen_A"]["rows"]
    ax2.plot(rows[:, 0] * t0 * 1e9, rows[:, 1] / b1, "k:", lw=1, label="H / H₁")
    ax2.plot(rows[:, 0] * t0 * 1e9, rows[:, 2], "r:", lw=1, label="T / T_c")
    ax2.set_ylabel("H / H₁,  T / T_c")
    axs[2].axvline(t_cool * t0 * 1e9, color="grey", lw=0.5)
    axs[2].set_xlabel("t [ns]")
    axs[2].set_ylabel("vortices")
    axs[2].set_title("field cooling, then H removed")
    axs[2].legend(loc="center right", fontsize=8)
    ax2.legend(loc="upper right", fontsize=8)
    fig.suptitle(f"pinning: {cfg.material}, T = {cfg.temperature_K} K, a = {cfg.pin_spacing_nm:g} nm")
    return save_figure(fig, path)
