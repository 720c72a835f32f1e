"""Simulator-backed fit models for ``glsim fit`` (:data:`FIT_MODELS`).

Every model's value comes from a GL solution on the lattice, not from a closed formula typed in;
its parameters enter through the material laws of :mod:`gl.units` (jax.numpy, so gradients are
exact) and, where the solution itself depends on them, through the implicit derivative of the
steady state (:func:`gl.steady.steady_state`, forward mode: one CG solve per fit parameter).

* ``depairing-jc`` — critical (depairing) current density of a thin strip against temperature.
  In GL units the maximum supercurrent of a uniform wire, J_d = max_q |ψ_q|² q, is a number
  the lattice gives (2/(3√3) J0 in the continuum, Tinkham, *Introduction to Superconductivity*,
  2nd ed., Eq. 4.36); computed here by minimizing the GL energy of a periodic chain at fixed
  phase gradient q and maximizing over q. In SI, J_c(T) = J_d·Φ0/(2πμ0 λ(T)² ξ(T)) with the GL
  laws λ, ξ ∝ (1 − T/T_c)^(−1/2), so J_c = J_d Φ0 (1 − T/T_c)^{3/2}/(2πμ0 λ(0)²ξ(0)): the fit
  parameters are T_c and the GL prefactor λ(0)²ξ(0). GL holds near T_c only: the default window
  is T ≥ 0.7 T_c (of the starting T_c). Data: J. Romijn, T. M. Klapwijk, M. J. Renne and
  J. E. Mooij, Phys. Rev. B 26, 3648 (1982) (tests/data/romijn1982_Al_strip_Jc_vs_T.csv).
* ``little-parks`` — T_c(B) of a thin ring (W. A. Little and R. D. Parks, Phys. Rev. Lett. 9,
  9 (1962)): superconductivity nucleates at the temperature where the lowest eigenvalue e(Φ) of
  −(∇ − iA)² on the ring equals 1/ξ(T)², so T_c(B) = T_c0 (1 − ξ(0)² e(Φ)), with Φ = B·πR².
  e(Φ) is the lowest eigenvalue of the ring lattice's Peierls Hamiltonian (:func:`gl.periodic_chain`
  geometry, dense and differentiable through ``eigvalsh``); → min_n ((n − Φ/Φ0)/R)² for a fine
  lattice. Parameters: ring radius R, ξ(0), T_c0.
* ``meissner-lambda`` — the field profile B(x) inside a slab in a weak parallel field (London:
  B0 e^{−x/λ}, F. London and H. London, Proc. R. Soc. A 149, 71 (1935)) from the GL minimum of
  a slab with A evolving at κ = λ/ξ (ξ fixed at :data:`MEISSNER_XI`), differentiable in κ through
  the implicit derivative. Parameters: λ and the surface field B0.
* ``magnetization-kappa`` — μ0M(H) near H_c2, −(B_c2 − μ0H)/((2κ² − 1)β) (Abrikosov), with β the
  ⟨|ψ|⁴⟩/⟨|ψ|²⟩² of the relaxed vortex lattice in a magnetically periodic cell (the
  vortex-lattice experiment's cell); the window is μ0H ≥ 0.8 B_c2. Parameters: κ and B_c2.
  This uses the lattice solution only through β (the Abrikosov regime); the full M(H) down to
  H_c1 needs f(B) at many inductions (the vortex-lattice experiment) and is not a fit model yet.
"""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from gl.fit import FitModel, Parameter
from gl.gauge import applied_link_phases
from gl.geometry import Grid, Rectangle
from gl.lattice import make_lattice, periodic_chain
from gl.minimize import minimize
from gl.model import FROZEN, make_model
from gl.state import uniform_state
from gl.steady import steady_state
from gl.units import MU0, PHI0

# --------------------------------------------------------------------------------------------
# (a) depairing current density against temperature
# --------------------------------------------------------------------------------------------

#: lattice of the GL wire: sites per ξ (spacing ξ/20: the lattice J_d is within 0.1% of 2/(3√3))
WIRE_SITES_PER_XI = 20


@functools.lru_cache(maxsize=1)
def gl_depairing_number() -> float:
    """max_q J(q) [J0] of the GL wire on the lattice: minimize the GL energy of a periodic chain at fixed
    phase gradient q (link phases −q·h), read the supercurrent, maximize over q (parabola through the
    three best of a fine q grid)."""
    if not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
    n = 4 * WIRE_SITES_PER_XI
    lat = periodic_chain(n, n / WIRE_SITES_PER_XI)
    h = lat.hx
    model = make_model(1.0, 0.0, vector_potential=FROZEN)
    zero = jnp.zeros(lat.shape)
    state = uniform_state(lat, zero, zero)
    qs = np.linspace(0.52, 0.64, 13)
    J = []
    for q in qs:
        state = minimize(state.replace(ax=zero.at[:, 0].set(-q * h)), model, lat, tol=1e-13).state
        psi = state.psi[:, 0]
        J.append(float(jnp.mean(jnp.imag(jnp.conj(psi) * jnp.exp(1j * q * h) * jnp.roll(psi, -1)) / h)))
    k = int(np.argmax(J))
    a, b, _ = np.polyfit(qs[k - 1:k + 2], J[k - 1:k + 2], 2)
    q_star = -b / (2 * a)
    return float(np.polyval([a, b, _], q_star))


def _depairing_predict(params, T):
    with jax.ensure_compile_time_eval():      # a constant of the model, computed once, eagerly
        jd = gl_depairing_number()
    reduced = jnp.clip(1.0 - T / params["Tc"], 0.0, None)
    return jd * PHI0 / (2 * math.pi * MU0 * params["lambda0_sq_xi0"]) * reduced ** 1.5


DEPAIRING = FitModel(
    name="depairing-jc",
    description="GL depairing current density of a thin strip vs T: T_c and the prefactor λ(0)²ξ(0)",
    x_column="T_K", y_column="Jc_A_per_m2",
    parameters={
        "Tc": Parameter(1.2, "K", 0.05, 20.0, "critical temperature"),
        "lambda0_sq_xi0": Parameter(1e-21, "m^3", 0.0, None, "GL prefactor λ(0)²ξ(0) (λ, ξ extrapolated to T = 0)"),
    },
    predict=_depairing_predict,
    window=lambda T, p: np.asarray(T) >= 0.7 * p["Tc"],
    source=("GL depairing: Tinkham, Introduction to Superconductivity, 2nd ed., Eq. 4.36, with J_d from the lattice "
            "wire; data: Romijn, Klapwijk, Renne, Mooij, Phys. Rev. B 26, 3648 (1982)"),
    x_label="T [K]", y_label="J_c [A/m²]",
)

# --------------------------------------------------------------------------------------------
# (b) Little–Parks: T_c(B) of a thin ring
# --------------------------------------------------------------------------------------------

#: sites of the ring lattice (the continuum limit is reached to ~(2π/N)²/12 ≈ 0.1%)
RING_SITES = 64


def ring_lowest_eigenvalue(flux_quanta, radius):
    """Lowest eigenvalue [1/m²] of −(∇ − iA)² on a ring lattice of ``RING_SITES`` sites and radius [m]
    threaded by ``flux_quanta`` Φ/Φ0: the Peierls Hamiltonian (2 − U − U†)/h² with U = e^{−2πiΦ/(Φ0N)}
    per link, h = 2πR/N (dense Hermitian, ``eigvalsh``, differentiable)."""
    n = RING_SITES
    h = 2 * math.pi * radius / n
    phase = jnp.exp(-2j * math.pi * flux_quanta / n)
    shift = jnp.roll(jnp.eye(n), 1, axis=1)
    hop = phase * shift
    ham = (2 * jnp.eye(n) - hop - jnp.conj(hop.T)) / h ** 2
    return jnp.linalg.eigvalsh(ham)[0]


def _little_parks_predict(params, B_mT):
    flux = B_mT * 1e-3 * math.pi * params["radius"] ** 2 / PHI0
    e = jax.vmap(lambda f: ring_lowest_eigenvalue(f, params["radius"]))(flux)
    return params["Tc0"] * (1.0 - params["xi0"] ** 2 * e)


LITTLE_PARKS = FitModel(
    name="little-parks",
    description="Little–Parks T_c(B) of a thin ring from the linearized GL eigenvalue: radius, ξ(0), T_c0",
    x_column="B_mT", y_column="Tc_K",
    parameters={
        "radius": Parameter(1e-6, "m", 0.0, None, "ring radius R"),
        "xi0": Parameter(1e-7, "m", 0.0, None, "GL coherence length ξ(0)"),
        "Tc0": Parameter(1.2, "K", 0.0, None, "zero-field critical temperature"),
    },
    predict=_little_parks_predict,
    source="W. A. Little and R. D. Parks, Phys. Rev. Lett. 9, 9 (1962); linearized GL on the ring lattice",
    x_label="B [mT]", y_label="T_c [K]",
)

# --------------------------------------------------------------------------------------------
# (c) Meissner profile of a slab
# --------------------------------------------------------------------------------------------

#: the coherence length of the slab model [m]; λ = κξ is fitted
MEISSNER_XI = 10e-9
#: slab thickness and vacuum margin [ξ], lattice spacing [ξ], applied field [B_c2] (≪ H_c1)
MEISSNER_SLAB, MEISSNER_MARGIN, MEISSNER_H, MEISSNER_FIELD = 40.0, 4.0, 0.5, 1e-3


@functools.lru_cache(maxsize=1)
def _slab():
    h = MEISSNER_H
    nx = int(round((MEISSNER_SLAB + 2 * MEISSNER_MARGIN) / h)) + 1
    grid = Grid(nx, 4, h, h, periodic_y=True)
    lat = make_lattice(grid, Rectangle(MEISSNER_SLAB, 1e6))
    state0 = uniform_state(lat, *applied_link_phases(grid, MEISSNER_FIELD))
    depth = (grid.plaquette_centres()[0][:, 0] + MEISSNER_SLAB / 2) * MEISSNER_XI     # from the surface [m]
    return grid, lat, state0, depth


def meissner_profile(kappa):
    """(depth [m], B/H) along x inside the slab from the GL minimum at κ (plaquettes from the left
    surface to the centre); differentiable in κ (forward mode)."""
    if not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
    grid, lat, state0, depth = _slab()
    model = make_model(10.0, MEISSNER_FIELD).replace(kappa=jnp.asarray(kappa, jnp.float64))
    state = steady_state(state0, model, lat, tol=1e-10, mode="forward")
    from gl.gauge import magnetic_field

    b = jnp.mean(magnetic_field(state, lat), axis=1) / MEISSNER_FIELD
    inside = (depth >= 0) & (depth <= MEISSNER_SLAB / 2 * MEISSNER_XI)
    return depth[inside], b[np.asarray(inside)]


def _meissner_predict(params, x_nm):
    depth, b = meissner_profile(params["lambda"] / MEISSNER_XI)
    return params["B0"] * 1e3 * jnp.interp(x_nm * 1e-9, depth, b)


MEISSNER = FitModel(
    name="meissner-lambda",
    description="Field profile B(x) in a slab in a weak parallel field (GL with A evolving): λ and B0",
    x_column="x_nm", y_column="B_mT",
    parameters={
        "lambda": Parameter(100e-9, "m", 2 * MEISSNER_XI, 2e-6, "penetration depth λ"),
        "B0": Parameter(1e-3, "T", 0.0, None, "applied (surface) field"),
    },
    predict=_meissner_predict,
    source=f"F. London and H. London, Proc. R. Soc. A 149, 71 (1935); GL slab at ξ = {MEISSNER_XI * 1e9:g} nm",
    x_label="depth x [nm]", y_label="B [mT]",
    rtol=1e-6,          # the GL slab is solved to ~1e-9 (L-BFGS, A evolving): the model is smooth to about that
)

# --------------------------------------------------------------------------------------------
# (d) magnetization near H_c2 of the vortex lattice
# --------------------------------------------------------------------------------------------

#: induction of the periodic cell whose |ψ|⁴/|ψ|²² ratio gives β [B_c2] (Abrikosov regime)
BETA_CELL_FIELD = 0.95


@functools.lru_cache(maxsize=1)
def lattice_beta() -> float:
    """β = ⟨|ψ|⁴⟩/⟨|ψ|²⟩² of the relaxed vortex lattice in a magnetically periodic triangular cell
    (2 flux quanta, A evolving) at B = 0.95 B_c2, where β is independent of κ (Abrikosov: β_A = 1.1596)."""
    if not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
    from experiments.common import quench_and_relax
    from experiments.vortex_lattice import triangular_cell

    grid = triangular_cell(BETA_CELL_FIELD, 1, 0.5)
    lat = make_lattice(grid)
    res = quench_and_relax(lat, make_model(2.0, BETA_CELL_FIELD), seed=1, quench_steps=3000, tol=1e-9, max_iter=20000)
    n = np.abs(np.asarray(res.state.psi)) ** 2
    return float((n ** 2).mean() / n.mean() ** 2)


def _magnetization_predict(params, H_mT):
    with jax.ensure_compile_time_eval():
        beta = lattice_beta()
    bc2 = params["Bc2"] * 1e3
    return -jnp.clip(bc2 - H_mT, 0.0, None) / ((2 * params["kappa"] ** 2 - 1) * beta)


MAGNETIZATION = FitModel(
    name="magnetization-kappa",
    description="μ0M(H) of a type-II superconductor near H_c2 with β from the lattice vortex solution: κ and B_c2",
    x_column="H_mT", y_column="M_mT",
    parameters={
        "kappa": Parameter(5.0, "1", 0.75, 500.0, "GL parameter κ"),
        "Bc2": Parameter(0.5, "T", 0.0, None, "upper critical field μ0H_c2"),
    },
    predict=_magnetization_predict,
    window=lambda H, p: np.asarray(H) >= 0.8 * p["Bc2"] * 1e3,
    source=("A. A. Abrikosov, Sov. Phys. JETP 5, 1174 (1957): μ0M = −(B_c2 − μ0H)/((2κ² − 1)β) near H_c2 "
            "(Tinkham, Introduction to Superconductivity, 2nd ed., Eq. 5.32), β from the relaxed lattice cell"),
    x_label="μ0H [mT]", y_label="μ0M [mT]",
)

#: the models ``glsim fit`` knows, by name
# --------------------------------------------------------------------------------------------
# (e) scanning-SQUID susceptometry: linear M'(T) of a Pearl-screened film
# --------------------------------------------------------------------------------------------

#: fixed geometry of the ``squid-linear`` model [µm]: the authors' simplified SQUID (field coil a,
#: pickup b, both coaxial at the fitted height z) above a film of radius 15 µm and thickness 0.1 µm
SQUID_GEOMETRY = {"fc_radius_um": 2.4, "pl_radius_um": 0.8, "film_radius_um": 15.0, "thickness_um": 0.1,
                  "spacing_um": 0.3}


@functools.lru_cache(maxsize=1)
def _squid_setup():
    from .squid_susceptometry import linear_setup
    with jax.ensure_compile_time_eval():      # a constant of the model, built once, eagerly
        return linear_setup(SQUID_GEOMETRY["film_radius_um"], SQUID_GEOMETRY["spacing_um"])


def _squid_linear_model(law: str, name: str, law_text: str, window=None) -> FitModel:
    def predict(params, T):
        from .squid_susceptometry import linear_mutual_inductance
        g = SQUID_GEOMETRY
        return linear_mutual_inductance(T, params["Tc"], params["lambda0"], params["z"], _squid_setup(),
                                        thickness_um=g["thickness_um"], fc_radius_um=g["fc_radius_um"],
                                        pl_radius_um=g["pl_radius_um"], law=law)

    return FitModel(
        name=name,
        description=f"linear scanning-SQUID susceptibility M'(T) of a Pearl-screened Nb film, λ(T) = {law_text}: "
                    "λ(0), T_c and the height z",
        x_column="T_K", y_column="Mp_corr_Phi0_per_A",
        parameters={
            "lambda0": Parameter(0.1, "um", 0.01, 2.0, f"London penetration depth λ(0) of λ(T) = {law_text}"),
            "Tc": Parameter(9.4, "K", 8.0, 11.0, "critical temperature"),
            "z": Parameter(1.0, "um", 0.2, 3.0, "height of the field coil and pickup loop above the film"),
        },
        predict=predict,
        window=window,
        source=("London limit of the screened GL film (gl.screening, Pearl 1964) under a coaxial field coil "
                "(a = 2.4 µm) and pickup loop (b = 0.8 µm) at height z; data: L. Bishop-Van Horn, E. Mueller, "
                "K. A. Moler, Phys. Rev. B 107, 224509 (2023), Fig. 2, 0.5 mA"),
        x_label="T [K]", y_label="M' [Φ0/A]",
        rtol=1e-6,
    )


#: the two-fluid law on every point, and the GL form where it holds, near T_c (default window T ≥ 0.95 T_c)
SQUID_LINEAR = _squid_linear_model("two-fluid", "squid-linear", "λ(0)/√(1 − (T/T_c)⁴)")
SQUID_LINEAR_GL = _squid_linear_model("gl", "squid-linear-gl", "λ(0)/√(1 − T/T_c)",
                                      window=lambda T, p: np.asarray(T) >= 0.95 * p["Tc"])

FIT_MODELS: dict[str, FitModel] = {m.name: m for m in (DEPAIRING, LITTLE_PARKS, MEISSNER, MAGNETIZATION, SQUID_LINEAR,
                                                                    SQUID_LINEAR_GL)}
