"""squid-susceptometry: a scanning SQUID's field coil and pickup loop above a Nb film, M = M' + iM'' against T.

The measurement reproduced: L. Bishop-Van Horn, E. Mueller and K. A. Moler, "Vortex dynamics
induced by scanning SQUID susceptometry", Phys. Rev. B 107, 224509 (2023), Fig. 2 (data shipped
in experiments/data/, provenance in its header). A field coil (a loop of radius a) carries an AC
current I_FC; the pickup loop (radius b) reads the flux of the film's currents; M = Φ/I_FC in
Φ0/A, with the normal-state value subtracted (the data's *_corr columns). The authors' simplified
geometry is the default: a = 2.4 µm, b = 0.8 µm, both coaxial at z = 1 µm above a film of radius
15 µm and thickness 0.1 µm.

Two models, both from the screened thin film of gl/screening.py (docs/model.md, "Thin-film
screening"):

* **Linear response** (small I_FC, the 0.5 mA data): the London limit of the screened GL steady
  state, ψ = 1: the sheet current solves (1/n_s)j + G·j = −A_coil on the film (gl.thinfilm.
  london_response, conjugate gradients; tests/test_screening.py holds it equal to the GL minimum
  under a coil to 6e-6 at weak drive). It depends on T only through the Pearl length
  Λ(T) = 2λ(T)²/d, with λ(T) = λ(0)/√(1 − t⁴) (two-fluid, default) or λ(0)/√(1 − t) (GL),
  t = T/T_c. The response is solved once per call at fixed nodes of q = Λ/(Λ + z) ∈ (0, 1)
  (one vmapped call, :data:`LINEAR_NODES` nodes; q → 1 is Λ → ∞ where M' = 0) and interpolated
  to each T: gradients with respect to λ(0), T_c and z are exact derivatives of that interpolant,
  through the implicit (custom_linear_solve) derivative of the CG solve.
* **AC cycle** (the nonlinear regime near T_c): the screened generalized-TDGL film (PEARL) driven
  by the coil, I(t) = I_pk sin(2πk/N) at N points per cycle, each reached by a linear ramp over
  ``point_time_t0`` and so relaxed quasi-statically from the previous point (vortices and
  antivortices enter and leave during the cycle). M' and M'' are the in-phase and quadrature
  Fourier components of the pickup flux over the last cycle, M' = (2/N I_pk)Σ Φ_k sin ωt_k and
  M'' = −(2/N I_pk)Σ Φ_k cos ωt_k (M'' > 0 is dissipation: −∮Φ dI > 0). The data's *_corr M''
  column carries the vortex dissipation with the opposite sign (its feature near T_c at 5–10 mA
  is −2…−4 Φ0/A), so figures draw −M'' beside it. All temperatures of a
  current run in one vmapped call, with T entering as ε = (1 − T/T_c)/(1 − T_ref/T_c) (GL
  scaling, units fixed at T_ref, the lowest temperature). ξ(T) = ξ(0)/√(1 − t) and the GL form
  of λ(T), so κ = λ/ξ is constant.

The linear fit is ``glsim fit squid-linear`` (experiments/fit_models.py).
"""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from gl import observables as obs
from gl import probes, sources, thinfilm
from gl.errors import ParameterError, require_positive
from gl.geometry import Disk, Grid
from gl.io import save_arrays
from gl.lattice import make_lattice
from gl.model import Schedule, make_model
from gl.operators import supercurrent
from gl.state import State
from gl.tdgl import check_time_step, run_steps
from gl.units import MU0, PHI0

from .common import check, finish, start
from .config import config_dict
from .plotting import save_figure

NAME = "squid-susceptometry"
DESCRIPTION = "Scanning-SQUID susceptometry of a Nb film: M'(T), M''(T) from Pearl-screened TDGL beside measured data."

DATA_FILE = Path(__file__).parent / "data" / "bishopvanhorn2023_Nb_film_SQUID_susceptibility_vs_T.csv"

#: nodes of q = Λ/(Λ + z) at which the linear response is solved (then interpolated)
LINEAR_NODES = 40


@dataclasses.dataclass(frozen=True)
class Config:
    """Parameters (SI-suffixed; lengths in µm)."""

    Tc_K: float = 9.382               #: critical temperature (glsim fit squid-linear on the 0.5 mA data)
    lambda0_um: float = 0.0666        #: London penetration depth λ(0) of the chosen law (same fit)
    lambda_law: str = "two-fluid"     #: "two-fluid": λ0/√(1 − t⁴); "gl": λ0/√(1 − t)
    xi0_um: float = 0.03              #: GL coherence length ξ(0) (ξ(T) = ξ0/√(1 − t)), AC cycle only; representative
    thickness_um: float = 0.1         #: film thickness d
    film_radius_um: float = 15.0      #: film radius (linear response)
    ac_film_radius_um: float = 8.0    #: film radius of the AC-cycle TDGL (the coil's field is small beyond)
    fc_radius_um: float = 2.4         #: field-coil radius a
    pl_radius_um: float = 0.8         #: pickup-loop radius b
    height_um: float = 1.037          #: coil and pickup height z above the film (same fit)
    linear_spacing_um: float = 0.3    #: lattice spacing of the linear-response film
    linear_T_min_K: float = 6.0       #: linear curve from
    linear_T_max_K: float = 9.4       #: ... to
    linear_points: int = 35           #: temperatures of the linear curve
    ac_current_mA: float = 10.0       #: peak field-coil current of the AC cycle
    ac_T_min_K: float = 9.30          #: AC temperatures from (also the reference temperature)
    ac_T_max_K: float = 9.375         #: ... to
    ac_temperatures: int = 4          #: temperatures of the AC curve (one vmapped call)
    ac_points_per_cycle: int = 10     #: quasi-static points per cycle
    ac_cycles: int = 2                #: cycles (M', M'' from the last)
    point_time_t0: float = 60.0       #: TDGL time per point (a linear ramp to the new current)
    grid_spacing_xi: float = 1.0      #: lattice spacing of the AC film in ξ(T_ref)
    u: float = 5.79                   #: ψ relaxation-time ratio
    gamma: float = 0.0                #: generalized-TDGL γ (quasi-static points do not depend on it)
    precision: str = "float64"        #: "float64" (the CG solves need it)


# ------------------------------------------------------------------------------ material laws

def penetration_depth(T, Tc, lambda0, law: str = "two-fluid"):
    """λ(T) [λ0's unit] for t = T/T_c < 1 (∞ at and above T_c): λ0/√(1 − t⁴) or λ0/√(1 − t).

    Raises:
        ParameterError: for an unknown ``law``."""
    t = jnp.asarray(T) / Tc
    if law == "two-fluid":
        gap = 1.0 - t ** 4
    elif law == "gl":
        gap = 1.0 - t
    else:
        raise ParameterError(f"parameter 'lambda_law' = {law!r} is unknown: allowed 'two-fluid', 'gl'")
    return jnp.where(gap > 0, lambda0 / jnp.sqrt(jnp.where(gap > 0, gap, 1.0)), jnp.inf)


# ------------------------------------------------------------------------------ linear response

@dataclasses.dataclass(frozen=True)
class LinearSetup:
    """The film lattice of the linear response (lengths in µm, used as the GL length unit)."""

    grid: Grid
    center: tuple
    link_x: np.ndarray
    link_y: np.ndarray
    kernel1: jax.Array            # potential_kernel at Λ = 1 µm, height 0


def linear_setup(film_radius_um: float, spacing_um: float) -> LinearSetup:
    """Lattice of a film disk of radius ``film_radius_um`` at spacing ``spacing_um`` [µm]."""
    require_positive("linear_spacing_um", spacing_um, "um")
    n = int(math.ceil(2 * film_radius_um / spacing_um)) + 3
    grid = Grid(n, n, spacing_um, spacing_um)
    X, Y = grid.nodes()
    c = (float(X.mean()), float(Y.mean()))
    lat = make_lattice(grid, Disk(film_radius_um, center=c))
    return LinearSetup(grid, c, np.asarray(lat.link_x), np.asarray(lat.link_y),
                       thinfilm.potential_kernel(grid, 1.0, 0.0))


def response_at_pearl_lengths(pearl_um, height_um, setup: LinearSetup, fc_radius_um: float, pl_radius_um: float):
    """ΔM [Φ0/A] of the London film for each Pearl length in ``pearl_um`` (n,), one vmapped call.

    The loop's link phases at current 1 I0 (I0 = Φ0/(2πμ0·1 µm), lengths in µm), the CG London
    response, the pickup flux of the film's currents (:func:`gl.probes.film_mutual_inductance`,
    in μ0·µm), converted to Φ0/A by μ0·1 µm/Φ0. Differentiable in ``pearl_um`` and ``height_um``."""
    grid = setup.grid
    ax, ay = sources.link_phases(sources.CurrentLoop(fc_radius_um, height_um, 1.0, center=setup.center), grid)

    def one(lam):
        resp = thinfilm.london_response(ax, ay, grid, lam, setup.link_x, setup.link_y, kernel=setup.kernel1 / lam,
                                        tol=1e-9, maxiter=3000)
        return probes.film_mutual_inductance((resp.jx, resp.jy), 1.0, grid, lam, pl_radius_um, height_um,
                                             pickup_center=setup.center)

    return jax.vmap(one)(pearl_um) * (MU0 * 1e-6 / PHI0)


def linear_mutual_inductance(T, Tc, lambda0_um, height_um, setup: LinearSetup, *, thickness_um: float,
                             fc_radius_um: float, pl_radius_um: float, law: str = "two-fluid"):
    """M'(T) [Φ0/A] of the linear (Meissner) response at temperatures ``T`` (n,) [K].

    Solved at :data:`LINEAR_NODES` fixed nodes of q = Λ/(Λ + z) and interpolated linearly in q
    (M' = 0 at q = 1, Λ = ∞, i.e. T ≥ T_c); exact derivatives of the interpolant in T_c, λ(0), z."""
    q_nodes = jnp.linspace(0.0, 1.0, LINEAR_NODES + 2)[1:-1]
    pearl_nodes = height_um * q_nodes / (1.0 - q_nodes)
    m_nodes = response_at_pearl_lengths(pearl_nodes, height_um, setup, fc_radius_um, pl_radius_um)
    lam = penetration_depth(T, Tc, lambda0_um, law)
    pearl = 2.0 * lam ** 2 / thickness_um
    q = jnp.where(jnp.isfinite(pearl), pearl / (pearl + height_um), 1.0)
    # extend to q = 0 by the first node's value (Λ ≪ lattice spacing saturates) and to q = 1 by M' = 0
    xp = jnp.concatenate([jnp.zeros(1), q_nodes, jnp.ones(1)])
    fp = jnp.concatenate([m_nodes[:1], m_nodes, jnp.zeros(1)])
    return jnp.interp(q, xp, fp)


# ------------------------------------------------------------------------------ AC cycle

def ac_cycle(cfg: Config, current_mA: float, temperatures_K, progress: bool = False) -> dict:
    """M' and M'' [Φ0/A] of the screened GL film through quasi-static AC cycles of the coil at
    ``current_mA`` peak, for every temperature in ``temperatures_K`` (one vmapped run).

    Returns a dict with "T_K", "Mp", "Mpp" (n,), "flux_Phi0" (n, points) of the last cycle,
    "current_mA" (points,), "vortices_at_peak" (n,), grid size and the units used."""
    Tc = cfg.Tc_K
    T = np.asarray(temperatures_K, dtype=float)
    T_ref = float(T.min())
    if not (0 < T_ref and T.max() < Tc):
        raise ParameterError(f"parameters 'ac_T_min_K', 'ac_T_max_K' = {T.min():g}, {T.max():g} K are out of range: "
                             f"allowed (0, T_c = {Tc:g}) K")
    gap = 1.0 - T_ref / Tc
    xi = cfg.xi0_um / math.sqrt(gap)                                   # ξ(T_ref) [µm]
    lam = cfg.lambda0_um / math.sqrt(gap if cfg.lambda_law == "gl" else 1.0 - (T_ref / Tc) ** 4)
    kappa = lam / xi
    pearl = 2.0 * lam ** 2 / cfg.thickness_um / xi                     # Λ(T_ref) [ξ]
    R = cfg.ac_film_radius_um / xi
    h = cfg.grid_spacing_xi
    n = int(math.ceil(2 * R / h)) + 3
    grid = Grid(n, n, h, h)
    X, Y = grid.nodes()
    c = (float(X.mean()), float(Y.mean()))
    lat = make_lattice(grid, Disk(R, center=c))
    ax, ay = sources.link_phases(sources.CurrentLoop(cfg.fc_radius_um / xi, cfg.height_um / xi, 1.0, center=c), grid)
    I0 = PHI0 / (2 * math.pi * MU0 * xi * 1e-6)                       # current unit [A]
    amp = current_mA * 1e-3 / I0
    N, cycles, dt_point = cfg.ac_points_per_cycle, cfg.ac_cycles, cfg.point_time_t0
    k = np.arange(N * cycles + 1)
    knots = [(float(kk * dt_point), float(amp * math.sin(2 * math.pi * kk / N))) for kk in k]
    base = make_model(kappa, knots, u=cfg.u, gamma=cfg.gamma, vector_potential="pearl", pearl_length=pearl,
                      temperature=T_ref / Tc, reference_temperature=T_ref / Tc, source_potential=(ax, ay))
    dt = check_time_step(None, grid, base)
    steps = int(math.ceil(dt_point / dt))
    dt = dt_point / steps
    temps = jnp.asarray(T / Tc)
    models = jax.vmap(lambda t: base.replace(temperature=Schedule(base.temperature.times, jnp.reshape(t, (1,)))))(temps)
    zero = jnp.zeros(grid.shape)
    psi0 = jnp.sqrt(jnp.clip((1 - temps) / gap, 0, None))[:, None, None] * lat.site[None]
    states = State(psi0.astype(jnp.complex128), jnp.broadcast_to(zero[None], psi0.shape),
                   jnp.broadcast_to(zero[None], psi0.shape))
    kernel_z = thinfilm.potential_kernel(grid, pearl, cfg.height_um / xi)
    pl_r = cfg.pl_radius_um / xi

    @jax.jit
    def advance(states, models, t0):
        return jax.vmap(lambda s, m: run_steps(s, m, lat, dt, steps, t0))(states, models)

    @jax.jit
    def pickup(states):
        def one(s):
            jx, jy = supercurrent(s, lat)
            bz = thinfilm.sheet_field(jx, jy, grid, cfg.height_um / xi, pearl, kernel=kernel_z)
            return probes.flux_through_loop(bz, grid, pl_r, c) / (2 * math.pi)      # [Φ0]
        return jax.vmap(one)(states)

    flux, vort_peak = [], None
    for kk in range(N * cycles):
        states = advance(states, models, kk * dt_point)
        flux.append(np.asarray(pickup(states)))
        if kk == N * (cycles - 1) + N // 4 - 1:          # the last cycle's positive peak
            vort_peak = [tuple(int(round(float(v))) for v in
                               obs.vortex_counts(jax.tree_util.tree_map(lambda a: a[i], states), lat))
                         for i in range(len(T))]
        if progress:
            print(f"  {current_mA:g} mA: point {kk + 1}/{N * cycles}", flush=True)
    flux = np.stack(flux, axis=1)                              # (n_T, N·cycles), flux at t = (kk+1)·dt_point
    last = flux[:, -N:]
    phase = 2 * math.pi * (np.arange(N * (cycles - 1), N * cycles) + 1) / N
    I_pk = current_mA * 1e-3
    Mp = 2.0 / (N * I_pk) * np.sum(last * np.sin(phase), axis=1)
    Mpp = -2.0 / (N * I_pk) * np.sum(last * np.cos(phase), axis=1)
    return {"T_K": T, "Mp": Mp, "Mpp": Mpp, "flux_Phi0": last, "current_mA": current_mA * np.sin(phase),
            "vortices_at_peak": vort_peak, "grid": [n, n], "xi_ref_um": xi, "lambda_ref_um": lam,
            "pearl_length_ref_um": pearl * xi, "kappa": kappa, "dt_t0": dt, "steps_per_point": steps}


# ------------------------------------------------------------------------------ data

def read_data(path: Path = DATA_FILE) -> dict:
    """The measured M'(T), M''(T) [Φ0/A] per peak coil current [mA]: {I_mA: (T, Mp_corr, Mpp_corr)}."""
    lines = [ln for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split(",")
    cols = [header.index(c) for c in ("I_fc_pk_mA", "T_K", "Mp_corr_Phi0_per_A", "Mpp_corr_Phi0_per_A")]
    body = np.array([[float(ln.split(",")[c]) for c in cols] for ln in lines[1:]])
    data = {}
    for current in np.unique(body[:, 0]):
        sel = body[:, 0] == current
        order = np.argsort(body[sel, 1])
        data[float(current)] = tuple(body[sel][order, j] for j in (1, 2, 3))
    return data


def _check_config(cfg: Config):
    for key in ("Tc_K", "lambda0_um", "xi0_um", "thickness_um", "film_radius_um", "ac_film_radius_um",
                "fc_radius_um", "pl_radius_um",
                "height_um", "linear_spacing_um", "ac_current_mA", "point_time_t0", "grid_spacing_xi", "u"):
        require_positive(key, getattr(cfg, key))
    penetration_depth(1.0, 2.0, 1.0, cfg.lambda_law)
    for key in ("film_radius_um", "ac_film_radius_um"):
        if getattr(cfg, key) <= max(cfg.fc_radius_um, cfg.pl_radius_um):
            raise ParameterError(f"parameter '{key}' = {getattr(cfg, key):g} µm is out of range: must exceed the "
                                 "coil and pickup radii")
    for key, low in (("linear_points", 2), ("ac_temperatures", 1), ("ac_points_per_cycle", 4), ("ac_cycles", 1)):
        if getattr(cfg, key) < low:
            raise ParameterError(f"parameter '{key}' = {getattr(cfg, key)!r} is out of range: allowed integers ≥ {low}")
    if cfg.grid_spacing_xi > 1.0:
        raise ParameterError(f"parameter 'grid_spacing_xi' = {cfg.grid_spacing_xi:g} is out of range: allowed (0, 1]")
    if not (0 <= cfg.gamma < math.inf):
        raise ParameterError(f"parameter 'gamma' = {cfg.gamma!r} is out of range: allowed [0, ∞)")


def run(cfg: Config, out_dir, resume: bool = False, progress: bool = True) -> dict:
    """Linear M'(T) on the data's 0.5 mA curve and one AC-cycle curve M'(T), M''(T); figures, HDF5, summary.

    Raises:
        ParameterError: for invalid configuration (``resume`` is not supported: each part is short).
    """
    if resume:
        raise ParameterError("--resume: the squid-susceptometry experiment has no checkpoint")
    if not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
    _check_config(cfg)
    t_start, out, _ = start(out_dir, cfg.precision)
    data = read_data()
    setup = linear_setup(cfg.film_radius_um, cfg.linear_spacing_um)
    T_lin = np.linspace(cfg.linear_T_min_K, cfg.linear_T_max_K, cfg.linear_points)
    kw = dict(thickness_um=cfg.thickness_um, fc_radius_um=cfg.fc_radius_um, pl_radius_um=cfg.pl_radius_um,
              law=cfg.lambda_law)
    M_lin = np.asarray(linear_mutual_inductance(jnp.asarray(T_lin), cfg.Tc_K, cfg.lambda0_um, cfg.height_um, setup, **kw))
    # the London film against Kogan's infinite-film closed form at the lowest temperature
    lam_low = float(penetration_depth(T_lin[0], cfg.Tc_K, cfg.lambda0_um, cfg.lambda_law))
    pearl_low = 2 * lam_low ** 2 / cfg.thickness_um
    direct = float(response_at_pearl_lengths(jnp.asarray([pearl_low]), cfg.height_um, setup, cfg.fc_radius_um,
                                             cfg.pl_radius_um)[0])
    kogan = _kogan(cfg.fc_radius_um, cfg.pl_radius_um, cfg.height_um, pearl_low)
    T_ac = np.linspace(cfg.ac_T_min_K, cfg.ac_T_max_K, cfg.ac_temperatures)
    ac = ac_cycle(cfg, cfg.ac_current_mA, T_ac, progress=progress)
    T_d, Mp_d, Mpp_d = data[0.5]
    M_lin_at_data = np.interp(T_d, T_lin, M_lin)
    rms = float(np.sqrt(np.mean((M_lin_at_data - Mp_d) ** 2)))
    checks = [check(f"London film ΔM at {T_lin[0]:g} K against Kogan's infinite film (PRB 68, 104511)", direct, kogan,
                    0.03, "Phi0/A"),
              check(f"interpolated M' at {T_lin[0]:g} K against the direct solve", M_lin[0], direct, 1e-3, "Phi0/A")]
    save_arrays(out / "result.h5", {"linear_T_K": T_lin, "linear_Mp": M_lin, "ac_T_K": ac["T_K"], "ac_Mp": ac["Mp"],
                                    "ac_Mpp": ac["Mpp"], "ac_flux_Phi0": ac["flux_Phi0"],
                                    "ac_current_mA": ac["current_mA"]},
                metadata={"experiment": NAME, "config": config_dict(cfg)},
                attributes={"linear_T_K": ("K", "temperatures of the linear curve"),
                            "linear_Mp": ("Phi0/A", "M' of the London film (linear response)"),
                            "ac_T_K": ("K", "temperatures of the AC cycle"),
                            "ac_Mp": ("Phi0/A", "M' from the last AC cycle"),
                            "ac_Mpp": ("Phi0/A", "M'' from the last AC cycle (> 0: dissipation)"),
                            "ac_flux_Phi0": ("Phi0", "pickup flux of the film's currents over the last cycle, (T, points)"),
                            "ac_current_mA": ("mA", "coil current at each point of the last cycle")})
    _plot(out / "susceptibility.png", data, T_lin, M_lin, ac, cfg)
    summary = {
        "experiment": NAME, "config": config_dict(cfg),
        "source": "Bishop-Van Horn, Mueller, Moler, Phys. Rev. B 107, 224509 (2023), Fig. 2 (data: experiments/data/)",
        "linear": {"T_K": T_lin.tolist(), "Mp_Phi0_per_A": M_lin.tolist(),
                   "rms_difference_to_0.5mA_data_Phi0_per_A": rms,
                   "note": "London limit of the Pearl-screened film at the configured λ(0), T_c, z (not fitted here: "
                           "glsim fit squid-linear fits them)"},
        "ac": {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in ac.items()},
        "checks": checks,
    }
    return finish(out, summary, t_start)


def _kogan(a, b, z, pearl):
    """ΔM [Φ0/A] of coaxial loops at height z above an infinite London film (Kogan, PRB 68, 104511 (2003))."""
    from scipy import integrate, special
    f = lambda k: special.j1(k * a) * special.j1(k * b) * math.exp(-2 * k * z) / (1 + k * pearl)
    return -math.pi * a * b * integrate.quad(f, 0, np.inf, limit=500)[0] * MU0 * 1e-6 / PHI0


def _plot(path, data, T_lin, M_lin, ac, cfg):
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.3))
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(data)))
    for (current, (T, Mp, Mpp)), col in zip(sorted(data.items()), colors):
        if current in (0.5, 2.0, 5.0, 10.0):
            a1.plot(T, Mp, ".", ms=2.5, color=col, label=f"data {current:g} mA")
            a2.plot(T, Mpp, ".", ms=2.5, color=col, label=f"data {current:g} mA")
    a1.plot(T_lin, M_lin, "k-", lw=1.5, label="London film (linear)")
    a1.plot(ac["T_K"], ac["Mp"], "rs-", ms=5, label=f"TDGL AC cycle {cfg.ac_current_mA:g} mA")
    a2.plot(ac["T_K"], -ac["Mpp"], "rs-", ms=5, label=f"TDGL AC cycle {cfg.ac_current_mA:g} mA (−M''_loss)")
    a1.set_xlabel("T [K]")
    a1.set_ylabel("M' [Φ0/A]")
    a2.set_xlabel("T [K]")
    a2.set_ylabel("M'' [Φ0/A] (dissipation < 0, the data's sign)")
    a2.set_xlim(cfg.Tc_K - 0.15, cfg.Tc_K + 0.06)
    a1.legend(fontsize=7)
    a2.legend(fontsize=7)
    fig.suptitle("scanning-SQUID susceptometry of a Nb film: data (Bishop-Van Horn et al. 2023) and model")
    save_figure(fig, path)
