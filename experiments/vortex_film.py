"""vortex-film: the vortex pattern of a thin superconducting film in a perpendicular field.

The default is a 2.5 µm × 2.5 µm Nb film, 10 nm thick, with the dirty-limit GL parameters of a
real film of that thickness (preset "Nb-film": mean free path 3.7 nm, T_c = 7.58 K, ξ(0) = 11 nm,
κ ≈ 7.5; see gl.units), at T = 7.3 K (T/T_c = 0.963, where GL theory applies) in B = 20 mT:
about 60 flux quanta through the film. The film is quenched from the normal state (small random
ψ) and relaxed with TDGL at frozen A — the thin-film limit, good while the Pearl length 2λ²/d
(≈ 39 µm here) is large against the film — then polished by L-BFGS energy minimization. The
summary compares the number of vortices with the applied flux and states the material's limit
(clean or dirty) and mean free path.
"""
from __future__ import annotations

import dataclasses
import math
import sys
import time
from pathlib import Path

import jax
import numpy as np

from gl import observables as obs
from gl.driver import Checkpointer, evolve
from gl.errors import ParameterError, require_positive
from gl.gauge import applied_link_phases, magnetic_field
from gl.geometry import Grid, Rectangle
from gl.io import StateFileError, load_state, save_state
from gl.lattice import make_lattice
from gl.minimize import minimize
from gl.operators import supercurrent
from gl.thinfilm import sheet_field
from gl.model import BULK, PEARL, UNIFORM, make_model
from gl.state import random_state, uniform_state
from gl.tdgl import check_time_step, stability_limit
from gl.units import PHI0, material

from . import plotting
from .common import check_memory, finish, real_dtype
from .config import config_dict

NAME = "vortex-film"
DESCRIPTION = "Vortex pattern of a square Nb film in a perpendicular field; vortex count vs applied flux."

#: configuration keys that may change between an interrupted run and its resumption
RUN_CONTROL_KEYS = {"t_final", "chunk_steps", "checkpoint_every", "minimize", "minimize_tol", "max_iter", "lbfgs_memory",
                    "frames"}

#: most snapshots a run may store (each is three maps of the grid)
MAX_FRAMES = 10000


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters of the vortex-film experiment (SI at the boundary, GL units inside)."""

    material: str = "Nb-film"       #: preset name (see gl.units.MATERIALS; "Nb-film": dirty 10 nm Nb)
    temperature_K: float = 7.3      #: temperature, 0 ≤ T < T_c
    width_um: float = 2.5           #: film width (x)
    height_um: float = 2.5          #: film height (y)
    thickness_nm: float = 10.0      #: film thickness d
    applied_field_mT: float = 20.0  #: perpendicular applied field
    grid_spacing_xi: float = 0.5    #: lattice spacing in units of ξ(T)
    edge_cells: str = "whole"       #: "whole": edge nodes stand for whole cells (film one spacing wider); "half": half cells, the film exactly width × height (pyTDGL's finite volumes; not with "pearl")
    vector_potential: str = "frozen"  #: "frozen": A = applied; "pearl": + the film's screening (Λ = 2λ²/d); "bulk": A evolves with κ
    u: float = 5.79                 #: ψ relaxation-time ratio (Kramer–Watts-Tobin dirty limit)
    t_final: float = 1000.0         #: TDGL duration [t0 = μ0 σ_n λ²]
    dt: float = 0.0                 #: time step [t0]; 0 picks half the stability limit
    chunk_steps: int = 500          #: TDGL steps per compiled call
    checkpoint_every: int = 2       #: chunks between checkpoints
    minimize: bool = True           #: polish the TDGL state with L-BFGS
    minimize_tol: float = 1e-5      #: L-BFGS gradient-norm tolerance
    max_iter: int = 10000           #: L-BFGS iteration cap
    lbfgs_memory: int = 5           #: L-BFGS history length (5: fastest on the default grid, same minimum as 20)
    seed: int = 0                   #: random seed of the quench
    initial_amplitude: float = 0.1  #: |ψ| scale of the random initial state; 0 starts from ψ = 1
    precision: str = "float64"      #: "float64" or "float32"
    frames: int = 0                 #: snapshots of |ψ|², phase and B_z stored during TDGL (for glsim movie)
    field_height_um: float = 0.2    #: height above the film of the B_z map field_above.png ("pearl" only)


def expected_vortex_range(width: float, height: float, field: float) -> tuple[float, float]:
    """Physically expected range of the vortex count in a film (dimensionless ξ, B_c2 units).

    Upper bound: the applied flux N_Φ = b·W·H/2π. With A frozen the vortex density in the
    interior equals the applied flux density b/2π, and the edge Meissner current keeps a
    vortex-free strip along the edges, so a film holds no more vortices than flux quanta.
    Lower bound: the flux through the interior left after removing a vortex-free strip one
    triangular-lattice spacing a = (4π/(√3 b))^½ wide along every edge (the strip is narrower than
    one spacing in GL simulations and experiments on films).

    The range is for the net vorticity: a negative field gives antivortices, the range mirrored
    to (−upper, −lower); zero field gives (0, 0).
    """
    if field == 0:
        return 0.0, 0.0
    b = abs(field)
    a = math.sqrt(4.0 * math.pi / (math.sqrt(3.0) * b))
    upper = b * width * height / (2 * math.pi)
    lower = b * max(width - 2 * a, 0.0) * max(height - 2 * a, 0.0) / (2 * math.pi)
    return (lower, upper) if field > 0 else (-upper, -lower)


def vortex_count_check(net: int, lo: float, hi: float) -> dict:
    """The summary's check that the net vorticity lies in ``expected_vortex_range`` (lo, hi)."""
    return {"name": "net vorticity within the expected range [flux through the interior, applied flux]",
            "computed": int(net), "expected": [lo, hi], "tolerance": None, "relative_error": None,
            "passed": bool(math.floor(lo) <= net <= math.ceil(hi)), "units": "vortices"}


#: the config's names for how A is treated: "frozen" is A = the uniform applied field, "pearl" adds the
#: film's own screening over the Pearl length 2λ²/d, "bulk" evolves A with κ (an infinite cylinder)
VECTOR_POTENTIAL = {"frozen": UNIFORM, "bulk": BULK, "pearl": PEARL}


def physical_inputs(cfg: Config):
    """Check every configuration value and convert to GL units: (material, units, W [ξ], H [ξ], b [B_c2]).

    The one place the checks live: ``glsim run`` and every point of ``glsim sweep`` go through it.

    Raises:
        ParameterError: naming the configuration key and its allowed range.
    """
    real_dtype(cfg.precision)
    mat = material(cfg.material)
    if not (math.isfinite(cfg.temperature_K) and 0 <= cfg.temperature_K < mat.Tc):
        raise ParameterError(f"parameter 'temperature_K' = {cfg.temperature_K!r} K is out of range: allowed [0, {mat.Tc:g}) K "
                             f"(the 'temperature' must lie below T_c of {mat.name})")
    units = mat.units(cfg.temperature_K, require_positive("thickness_nm", cfg.thickness_nm, "nm") * 1e-9)
    W = units.length_to_gl(require_positive("width_um", cfg.width_um, "um") * 1e-6)
    H = units.length_to_gl(require_positive("height_um", cfg.height_um, "um") * 1e-6)
    if not math.isfinite(cfg.applied_field_mT):
        raise ParameterError(f"parameter 'applied_field_mT' = {cfg.applied_field_mT!r} is out of range: must be finite")
    b = units.field_to_gl(cfg.applied_field_mT * 1e-3)
    require_positive("grid_spacing_xi", cfg.grid_spacing_xi, "xi")
    if cfg.grid_spacing_xi > 1.0:
        raise ParameterError(f"parameter 'grid_spacing_xi' = {cfg.grid_spacing_xi} is out of range: allowed (0, 1] "
                             "(vortex cores of size ξ must be resolved)")
    require_positive("t_final", cfg.t_final, "t0")
    require_positive("u", cfg.u)
    if not (math.isfinite(cfg.initial_amplitude) and cfg.initial_amplitude >= 0):
        raise ParameterError(f"parameter 'initial_amplitude' = {cfg.initial_amplitude!r} is out of range: allowed "
                             "[0, ∞) (0 starts from ψ = 1)")
    if not (math.isfinite(cfg.dt) and cfg.dt >= 0):
        raise ParameterError(f"parameter 'dt' = {cfg.dt!r} is out of range: allowed [0, stability limit] t0 "
                             "(0 picks half the limit)")
    if not (math.isfinite(cfg.field_height_um) and cfg.field_height_um >= 0):
        raise ParameterError(f"parameter 'field_height_um' = {cfg.field_height_um!r} is out of range: allowed [0, ∞) µm")
    if cfg.vector_potential not in VECTOR_POTENTIAL:
        raise ParameterError(f"parameter 'vector_potential' = {cfg.vector_potential!r} is unknown: allowed "
                             f"{sorted(VECTOR_POTENTIAL)}")
    if not (math.isfinite(cfg.minimize_tol) and cfg.minimize_tol >= 0):
        raise ParameterError(f"parameter 'minimize_tol' = {cfg.minimize_tol!r} is out of range: allowed [0, ∞) "
                             "(L-BFGS gradient-norm tolerance)")
    for key, low, high in (("max_iter", 0, None), ("lbfgs_memory", 1, 100), ("chunk_steps", 1, None), ("checkpoint_every", 1, None),
                           ("frames", 0, MAX_FRAMES), ("seed", 0, 2 ** 63 - 1)):
        value = getattr(cfg, key)
        if value < low or (high is not None and value > high):
            allowed = f"[{low}, {high}]" if high is not None else f"integers ≥ {low}"
            raise ParameterError(f"parameter '{key}' = {value!r} is out of range: allowed {allowed}")
    h = cfg.grid_spacing_xi
    for key, value, length in (("width_um", cfg.width_um, W), ("height_um", cfg.height_um, H)):
        if length < 2 * h:
            raise ParameterError(f"parameter '{key}' = {value!r} µm is out of range: allowed ≥ {2 * h * units.xi * 1e6:.3g} µm "
                                 f"(two lattice spacings of {h:g} ξ, ξ = {units.xi * 1e9:.3g} nm)")
    shape = (W / h + 1.0, H / h + 1.0)
    if not all(math.isfinite(n) and n < 1e15 for n in shape):
        raise ParameterError(f"parameters 'width_um', 'height_um' and 'grid_spacing_xi' give a grid of {shape[0]:.3g} × "
                             f"{shape[1]:.3g} nodes: far more than any machine holds")
    check_memory((math.ceil(shape[0]), math.ceil(shape[1])), 8 if cfg.precision == "float64" else 4,
                 "'width_um', 'height_um' and 'grid_spacing_xi'", minimize=cfg.minimize,
                 evolving_A=cfg.vector_potential == "bulk", frames=cfg.frames)
    check_step_count(cfg.t_final, cfg.dt or 0.5 * stability_limit(film_grid(cfg, W, H), film_model(cfg, mat, units, b)),
        "" if cfg.dt else f" (dt = 0: half the stability limit, set by 'u' = {cfg.u:g} and 'grid_spacing_xi' = {h:g})")
    return mat, units, W, H, b


#: most TDGL steps a run may take (more would not finish: days even on a tiny grid)
MAX_STEPS = 10 ** 10


def check_step_count(t_final: float, dt: float, why: str = "") -> int:
    """The number of steps ⌈t_final/dt⌉, refused (naming 't_final' and 'dt', and ``why`` dt is what it is)
    above MAX_STEPS."""
    ratio = t_final / dt if dt > 0 else math.inf
    if not ratio <= MAX_STEPS:
        raise ParameterError(f"parameters 't_final' = {t_final:g} t0 and 'dt' = {dt:g} t0{why} need {ratio:.3g} TDGL "
                             f"steps: allowed at most {MAX_STEPS:.0e}")
    return math.ceil(ratio)


def setup(cfg: Config):
    """The checked set-up of one run: (material, units, W, H, b, grid, lattice, model, real dtype).

    Raises:
        ParameterError: see :func:`physical_inputs`.
    """
    mat, units, W, H, b = physical_inputs(cfg)
    real = real_dtype(cfg.precision)
    grid = film_grid(cfg, W, H)
    lat = make_lattice(grid, Rectangle(W, H), dtype=real)
    params = film_model(cfg, mat, units, b, real)
    return mat, units, W, H, b, grid, lat, params, real


def film_grid(cfg: Config, W: float, H: float, h: float | None = None) -> Grid:
    """The film's grid: nodes on its edges at spacing ≤ ``h`` (default ``cfg.grid_spacing_xi``) [ξ],
    whose edge nodes stand for whole or half cells as ``cfg.edge_cells`` says (docs/model.md, "Boundaries")."""
    return Grid.covering(W, H, cfg.grid_spacing_xi if h is None else h, edge_cells=cfg.edge_cells)


def film_model(cfg: Config, mat, units, b: float, dtype=None):
    """The :class:`gl.model.Model` of a run: κ of the material, H = b [B_c2], and A treated as
    ``cfg.vector_potential`` says (with the Pearl length Λ = 2λ²/d in ξ for "pearl")."""
    return make_model(mat.kappa, b, u=cfg.u, vector_potential=VECTOR_POTENTIAL[cfg.vector_potential],
                      pearl_length=units.pearl_length / units.xi, dtype=dtype)


def run(cfg: Config, out_dir: str | Path, resume: bool = False, progress: bool = True) -> dict:
    """Run the experiment and write result.h5, summary.json, checkpoint.h5 and PNG figures.

    Raises:
        ParameterError: for invalid configuration, or ``resume`` without a matching checkpoint.
        NonFiniteStateError, RunInterrupted: from :func:`gl.driver.evolve` (checkpoint kept).
    """
    t_start = time.perf_counter()
    mat, units, W, H, b, grid, lat, params, real = setup(cfg)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ax, ay = applied_link_phases(grid, b, dtype=real)
    meta = {"experiment": NAME, "config": config_dict(cfg)}
    ckpt = Checkpointer(out / "checkpoint.h5", every=cfg.checkpoint_every, metadata=meta)
    resumed = None
    if resume:
        resumed = _resume_from(ckpt.path, cfg, grid, uniform_state(lat, ax, ay), ckpt)
    if cfg.initial_amplitude > 0:
        state0 = random_state(lat, ax, ay, jax.random.PRNGKey(cfg.seed), cfg.initial_amplitude)
    else:
        state0 = uniform_state(lat, ax, ay)
    if cfg.dt != 0:
        dt = cfg.dt
    else:
        dt = resumed.dt if resumed is not None else None
    dt_used = check_time_step(dt, grid, params)
    n_steps = check_step_count(cfg.t_final, dt_used)
    if resumed is not None and n_steps < resumed.step:
        raise ParameterError(f"parameter 't_final' = {cfg.t_final:g} t0 is shorter than the checkpoint's time "
                             f"{resumed.time:.6g} t0 (step {resumed.step}): --resume continues that run, so allowed "
                             f"t_final ≥ {resumed.time:.6g}; for a shorter run start afresh with --overwrite")
    pslice = plaquette_slice(grid)
    snap = jax.jit(lambda s: {"density": obs.density(s).astype(np.float32),
                              "phase": obs.phase(s).astype(np.float32),
                              "bz": magnetic_field(s, lat)[pslice].astype(np.float32)})
    traj = evolve(state0, params, lat, n_steps=n_steps, dt=dt_used,
                  chunk_steps=cfg.chunk_steps, checkpoint=ckpt, resume_from=resumed, progress=progress,
                  snapshots=cfg.frames, snapshot=snap)
    state = traj.state
    tdgl_energy = float(traj.history["energy"][-1])
    mini = None
    if cfg.minimize:
        mini = minimize(state, params, lat, tol=cfg.minimize_tol, max_iter=cfg.max_iter, memory_size=cfg.lbfgs_memory)
        state = mini.state
        if not mini.converged:
            print(f"glsim: warning: L-BFGS stopped after {mini.iterations} iterations with gradient norm "
                  f"{mini.grad_norm:.3g} > minimize_tol = {cfg.minimize_tol:g}: the state is near a minimum, not at "
                  "one (summary 'minimization'); raise max_iter or t_final", file=sys.stderr)

    # observables
    v = obs.vortices(state, lat)
    screening = None
    if params.screened_film:
        screening = frozen_comparison(state0, params, lat, dt_used, n_steps, cfg, v, units)
    bz = np.asarray(magnetic_field(state, lat))[pslice]          # the plaquettes of the film's box
    jx, jy = obs.current_on_nodes(state, lat)
    n2 = obs.density(state)
    energy = float(mini.energy) if mini else tdgl_energy
    applied_flux = b * W * H / (2 * math.pi)
    lo, hi = expected_vortex_range(W, H, b)
    M = float(obs.magnetization(state, lat, params.kappa))
    site = np.asarray(lat.site)
    try:
        t0_s = units.time
    except ParameterError:                       # a material without resistivity: no SI time
        t0_s = None
    summary = {
        "experiment": NAME,
        "material": mat.name,
        "material_source": mat.source,
        "material_limit": mat.limit,
        "mean_free_path_nm": None if mat.mean_free_path is None else mat.mean_free_path * 1e9,
        "temperature_K": cfg.temperature_K,
        "xi_nm": units.xi * 1e9, "lambda_nm": units.lam * 1e9, "kappa": mat.kappa,
        "Bc2_mT": units.Bc2 * 1e3, "pearl_length_um": units.pearl_length * 1e6,
        "t0_s": t0_s,
        "film_size_xi": [W, H], "grid": [grid.nx, grid.ny], "grid_spacing_xi": [grid.hx, grid.hy],
        "edge_cells": grid.edge_cells, "modelled_area_xi2": lat.superconducting_area(),
        "applied_field_mT": cfg.applied_field_mT, "applied_field_Bc2": b,
        "applied_flux_Phi0": applied_flux,
        "applied_flux_check_Phi0": cfg.applied_field_mT * 1e-3 * cfg.width_um * cfg.height_um * 1e-12 / PHI0,
        "n_vortices": v["n_vortices"], "n_antivortices": v["n_antivortices"], "net_vorticity": v["net"],
        "vortices_per_applied_flux_quantum": v["net"] / applied_flux if applied_flux != 0 else None,
        "expected_vortex_range": [lo, hi],
        "vortex_count_in_expected_range": bool(lo <= v["net"] <= hi),
        "checks": [vortex_count_check(v["net"], lo, hi)],
        "mean_density": float(np.sum(np.asarray(n2) * site) / site.sum()),
        "mean_field_Bc2": float(np.mean(bz)), "mean_field_mT": float(np.mean(bz)) * units.Bc2 * 1e3,
        "free_energy": energy, "free_energy_unit": "(B_c^2/mu0) xi^2 d",
        "free_energy_J": energy * units.energy,
        "magnetization_Bc2": M,
        "tdgl": {"steps": traj.step, "t_final_t0": traj.time, "dt_t0": traj.dt, "vector_potential": cfg.vector_potential,
                 "final_free_energy": tdgl_energy, "frames": len(traj.history.get("frame_time", []))},
        "minimization": None if mini is None else {"iterations": mini.iterations, "grad_norm": mini.grad_norm,
                                                   "converged": mini.converged, "final_free_energy": mini.energy},
        "units": {"length": "xi(T)", "field": "Bc2(T)", "time": "t0 = mu0 sigma_n lambda^2",
                  "current_density": "J0 = Phi0/(2 pi mu0 lambda^2 xi)", "psi": "psi_inf"},
        "resumed": resumed is not None,
        "screening": screening,
    }
    um = units.xi * 1e6
    xc, yc = (grid.x()[:-1] + grid.hx / 2, grid.y()[:-1] + grid.hy / 2)
    J0 = f"J0 = {units.J0:.4g} A/m^2"
    hist_t = np.asarray(traj.history["time"])
    extra = {
        "density": (n2, "psi_inf^2", "superfluid density |ψ|² on the nodes (0 off the film)"),
        "bz": (bz, "Bc2", f"B_z on the plaquettes, (nx−1, ny−1), centres at x_plaquette × y_plaquette; "
                          f"B_c2 = {units.Bc2 * 1e3:.6g} mT" + (" (A frozen: equals the applied field)" if params.frozen else "")),
        "bz_mT": (bz * units.Bc2 * 1e3, "mT", "B_z on the plaquettes in millitesla"),
        "x_plaquette": (xc, "xi", "x of the plaquette centres (first axis of bz)"),
        "y_plaquette": (yc, "xi", "y of the plaquette centres (second axis of bz)"),
        "x_plaquette_um": (xc * um, "um", "x of the plaquette centres in micrometres"),
        "y_plaquette_um": (yc * um, "um", "y of the plaquette centres in micrometres"),
        "jx_nodes": (jx, "J0", f"x supercurrent density averaged from the links onto the nodes; {J0}"),
        "jy_nodes": (jy, "J0", f"y supercurrent density averaged from the links onto the nodes; {J0}"),
        "vortex_x": (v["x"], "xi", "x of each vortex (plaquette centre with non-zero winding)"),
        "vortex_y": (v["y"], "xi", "y of each vortex (plaquette centre with non-zero winding)"),
        "vortex_x_um": (v["x"] * um, "um", "x of each vortex in micrometres"),
        "vortex_y_um": (v["y"] * um, "um", "y of each vortex in micrometres"),
        "vortex_charge": (v["charge"], "1", "winding number of each vortex (+1 vortex, −1 antivortex)"),
        "history_time": (hist_t, "t0", "simulated time at the end of each TDGL chunk"),
        "history_energy": (np.asarray(traj.history["energy"]), "(B_c^2/mu0) xi^2 d",
                           f"free energy during TDGL; unit = {units.energy:.4g} J"),
    }
    if params.screened_film:
        z = cfg.field_height_um * 1e-6 / units.xi
        jxl, jyl = supercurrent(state, lat)
        above = b + np.asarray(sheet_field(jxl, jyl, grid, z, float(params.pearl_length)))[pslice]
        extra["bz_above"] = (above, "Bc2", f"B_z at {cfg.field_height_um:g} µm ({z:.4g} ξ) above the film: the applied "
                                           "field plus the sheet current's (plaquette centres as bz)")
        summary["screening"]["field_height_um"] = cfg.field_height_um
        summary["screening"]["mean_field_above_mT"] = float(np.mean(above)) * units.Bc2 * 1e3
    if t0_s is not None:
        extra["history_time_s"] = (hist_t * t0_s, "s", "simulated time of each TDGL chunk in seconds")
    if traj.history.get("frame_time"):
        ft = np.asarray(traj.history["frame_time"])
        extra.update({
            "frame_time": (ft, "t0", "simulated time of each snapshot"),
            "frame_density": (np.stack(traj.history["frame_density"]), "psi_inf^2",
                              "|ψ|² snapshots during TDGL, (frames, nx, ny)"),
            "frame_phase": (np.stack(traj.history["frame_phase"]), "rad", "arg ψ snapshots during TDGL, (frames, nx, ny)"),
            "frame_bz": (np.stack(traj.history["frame_bz"]), "Bc2", "B_z snapshots on the plaquettes, (frames, nx−1, ny−1)"),
        })
        if t0_s is not None:
            extra["frame_time_s"] = (ft * t0_s, "s", "simulated time of each snapshot in seconds")
    save_state(out / "result.h5", jax.device_get(state), grid, lat.site,
               dict(meta, units=summary["units"], xi_nm=units.xi * 1e9, Bc2_mT=units.Bc2 * 1e3,
                    t0_s=t0_s, J0_A_per_m2=units.J0), extra, length_unit_m=units.xi)
    title = f"{mat.name}, T = {cfg.temperature_K} K, B = {cfg.applied_field_mT} mT"
    plotting.plot_density(state.psi, lat, v, out / "density.png",
                          f"{title}: {v['net']} vortices, Φ/Φ0 = {applied_flux:.1f}")
    plotting.plot_phase(state.psi, lat, out / "phase.png", f"phase of ψ ({title})")
    plotting.plot_field(bz, lat, out / "field.png", f"B_z ({title})", bc2_mT=units.Bc2 * 1e3,
                        note="A frozen (thin-film limit): B_z is the applied field everywhere" if params.frozen else
                        ("Pearl screening: B_z of the applied field and the film's sheet current"
                         if params.screened_film else ""))
    plotting.plot_currents(jx, jy, lat, out / "currents.png", "supercurrent |J_s| / J0 and streamlines")
    if params.screened_film:
        plotting.plot_field_above(extra["bz_above"][0], jx, jy, lat, out / "field_above.png",
                                  f"B_z at {cfg.field_height_um:g} µm above the film, Λ = {units.pearl_length * 1e6:.3g} µm",
                                  bc2_mT=units.Bc2 * 1e3)
    plotting.plot_energy_stages(traj.history["time"], traj.history["energy"], out / "energy.png",
                                f"free energy ({title})",
                                minimized=None if mini is None else {"energy": mini.energy, "iterations": mini.iterations,
                                                                     "converged": mini.converged})
    return finish(out, summary, t_start)


def frozen_comparison(state0, params, lat, dt: float, n_steps: int, cfg: Config, v: dict, units) -> dict:
    """The same run with A frozen (no screening): the vortex count and mean field it gives, beside
    the screened film's, so the summary says what the Pearl screening changed."""
    frozen = params.with_vector_potential(UNIFORM)
    traj = evolve(state0, frozen, lat, n_steps=n_steps, dt=dt, chunk_steps=cfg.chunk_steps, progress=False)
    state = traj.state
    if cfg.minimize:
        state = minimize(state, frozen, lat, tol=cfg.minimize_tol, max_iter=cfg.max_iter,
                         memory_size=cfg.lbfgs_memory).state
    vf = obs.vortices(state, lat)
    return {"pearl_length_xi": float(params.pearl_length), "pearl_length_um": units.pearl_length * 1e6,
            "n_vortices_frozen_A": vf["net"], "n_vortices_screened": v["net"],
            "vortex_count_change": v["net"] - vf["net"],
            "note": "the same TDGL (same start, dt, duration) and L-BFGS polish with A frozen at the applied "
                    "potential (no screening)"}


def plaquette_slice(grid: Grid) -> tuple[slice, slice]:
    """Index of the plaquettes inside the box: all but the last row/column along an open axis."""
    return (slice(None) if grid.periodic_x else slice(0, grid.nx - 1),
            slice(None) if grid.periodic_y else slice(0, grid.ny - 1))


def _resume_from(path: Path, cfg: Config, grid: Grid, template, ckpt: Checkpointer):
    """The checkpoint at ``path`` as a trajectory to continue, after checking it belongs to this run.

    Raises:
        ParameterError: naming '--resume': no checkpoint, an unreadable one (truncated or garbage),
            one of another experiment, or one whose physical parameters differ (listed by key).
    """
    if not path.exists():
        raise ParameterError(f"parameter '--resume': no checkpoint at '{path}' to resume from")
    try:
        _, ck_grid, meta, _ = load_state(path)
    except StateFileError as e:
        raise ParameterError(f"parameter '--resume': cannot resume from '{path}': {e}") from None
    if meta.get("experiment") != NAME:
        owner = f"of the experiment {meta['experiment']!r}" if meta.get("experiment") else "not written by glsim run"
        raise ParameterError(f"parameter '--resume': '{path}' is a checkpoint {owner}, not of {NAME!r}; start afresh "
                             "with --overwrite or choose another --out")
    old = meta.get("config")
    missing = [k for k in ("step", "time", "dt") if k not in meta]
    if not isinstance(old, dict) or missing:
        raise ParameterError(f"parameter '--resume': '{path}' lacks the run's configuration or position "
                             f"({missing or ['config']}); it cannot be continued")
    diff = {k for k, v in config_dict(cfg).items() if k in old and old.get(k) != v and k not in RUN_CONTROL_KEYS}
    diff |= {k for k in config_dict(cfg) if k not in old and k not in RUN_CONTROL_KEYS}
    if diff:
        raise ParameterError(f"--resume: parameters {sorted(diff)} differ from the checkpoint's; "
                             "resume with the same physical parameters or start afresh")
    if ck_grid.shape != grid.shape:
        raise ParameterError(f"parameter '--resume': '{path}' holds a {ck_grid.shape} grid, this run needs {grid.shape}")
    return ckpt.load(template)
