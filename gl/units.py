"""Physical constants, material presets and conversion between SI and dimensionless GL units.

Dimensionless units used everywhere inside :mod:`gl` (docs/model.md, "Units"):

===================  =========================  ===================================  ===============
limit       ξ(T)                       λ(T)                                 κ
==========  =========================  ===================================  ===============
clean       0.74 ξ0 / √(1−t)           λ_L(0) / √(2(1−t))                   0.96 λ_L(0)/ξ0
dirty ℓ≪ξ0  0.855 √(ξ0 ℓ) / √(1−t)     λ_L(0) √(ξ0/(1.33 ℓ)) / √(2(1−t))    0.715 λ_L(0)/ℓ
==========  =========================  ===================================  ===============

so ξ(0) = 0.74 ξ0, λ(0) = λ_L/√2 (clean; :func:`clean_limit`) and ξ(0) = 0.855 √(ξ0 ℓ),
λ(0) = λ_L √(ξ0/(2·1.33 ℓ)) (dirty; :func:`dirty_limit`). The factor √2 and the 1.33 are the
near-T_c BCS results: with λ_L² = m/(μ0 n e²), ξ0 = ħv_F/(πΔ0), Δ0 = 1.764 k_B T_c and the Drude
ρ_n ℓ = m v_F/(n e²), the dirty λ(0)² equals ħρ_n/(πμ0Δ0) / 2.66, i.e. the T = 0 dirty-limit
penetration depth ħρ_n/(πμ0Δ0) divided by 4π e^γ/(7ζ(3)) = 2.660 (tests check this identity and
that 0.855, 0.74 are the BCS values √(π³/(24e^γ)) = 0.852, 0.739 rounded). κ = 0.715 λ_L/ℓ is
Tinkham's rounding of 1/(0.855 √2.66) = 0.717. The mean free path comes either directly or from the
normal-state resistivity through the metal's ρℓ product, ℓ = (ρℓ)/ρ_n (Drude: ρℓ = m v_F/(n e²)
is a property of the metal, independent of the disorder).

Material presets (:data:`MATERIALS`; each also carries its source in ``Material.source``, its
``limit`` ("clean"/"dirty") and ``mean_free_path``):

=======  ======  =======  ======  ======  ==========================================================
name     T_c K   λ(0) nm  ξ(0) nm ℓ nm    source
=======  ======  =======  ======  ======  ==========================================================
Nb       9.25    39       38      —       Kittel, Introduction to Solid State Physics, 8th ed., Tables
                                          10.1 (T_c) and 10.5 (λ_L(0), ξ0)
Pb       7.193   37       83      —       same
Al       1.140   16       1600    —       same
YBCO     92      150      1.6     —       ab plane: ξ_ab from U. Welp et al., Phys. Rev. Lett. 62, 1908
                                          (1989); λ_ab from μSR, J. E. Sonier et al., Rev. Mod. Phys. 72,
                                          769 (2000)
Nb-film  7.58    84.4     11.2    3.72    dirty limit of Nb (ξ0, λ_L from Kittel) for a 10 nm sputtered
                                          film: T_c = 8.5 K·tanh(d/7 nm) from T. R. Lemberger et al.,
                                          Phys. Rev. B 76, 094515 (2007); ℓ = ρℓ/ρ_n with ρℓ = 3.72e-16
                                          Ω m² (A. F. Mayadas, R. B. Laibowitz and J. J. Cuomo, J. Appl.
                                          Phys. 43, 1287 (1972)) and a representative ρ_n = 10 μΩ cm
Al-film  1.140   101      132     15      dirty limit of Al (Kittel) with a representative ℓ = 15 nm;
                                          ρℓ = ħk_F/(ne²) from Kittel Table 6.1 (free electrons)
NbN      16.11   155      3.4     —       T_c, ρ_n = 0.94 μΩ m of epitaxial NbN: S. P. Chockalingam et
                                          al., arXiv:0804.2945; λ(0) from ρ_n and T_c (dirty BCS);
                                          ξ(0) from a representative B_c2(0) ≈ 20 T (WHH)
MoGe     6.1     329      4.2     —       amorphous Mo70Ge30: T_c from the linear T_c(x) of T. H.
                                          Geballe, Stanford report DTIC ADA216688 (1985); λ(0) from a
                                          representative ρ_n = 1.6 μΩ m; ξ(0) from B_c2(0) ≈ 13 T (WHH)
=======  ======  =======  ======  ======  ==========================================================

The clean presets Nb, Pb, Al and YBCO use ξ0 and λ_L(0) *directly* as ξ(0) and λ(0) (kept for
backward compatibility; their ``limit`` is "clean"), not the GL extrapolations 0.74 ξ0 and λ_L/√2
that :func:`clean_limit` returns: their ξ(T) is 1/0.74 = 1.35 times and λ(T) √2 times the strict
GL value, and κ √2·0.74 = 1.05 times (e.g. Nb: 1.03 instead of 0.96·39/38 = 0.98). The film presets (Nb-film,
Al-film, NbN, MoGe) are GL extrapolations throughout; ``ℓ`` is ``None`` for NbN and MoGe, whose
GL parameters come from transport data (ℓ ≲ 1 nm there), not from ξ0 and λ_L. The numbers called
representative in the sources carry uncertainties of 20–50 %, stated there; pass your film's own
ρ_n or ℓ to :func:`dirty_limit` when you know them.

Only the film presets set the normal-state resistivity ρ_n (the clean ones leave it unset: it
depends on purity and film growth); pass ``resistivity`` (ρ_n = 1/σ_n) to :class:`Material` or
:class:`GLUnits` for the time unit.
"""
from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp

from .errors import ParameterError, require_positive, require_range

#: Planck constant h [J s] (CODATA 2018, exact).
PLANCK_H = 6.62607015e-34
#: Elementary charge e [C] (CODATA 2018, exact).
ELEMENTARY_CHARGE = 1.602176634e-19
#: Superconducting flux quantum Φ0 = h / 2e [Wb].
PHI0 = PLANCK_H / (2.0 * ELEMENTARY_CHARGE)
#: Vacuum permeability μ0 [H/m] (CODATA 2018).
MU0 = 1.25663706212e-6
#: Reduced Planck constant ħ = h/2π [J s].
HBAR = PLANCK_H / (2.0 * math.pi)
#: Boltzmann constant k_B [J/K] (CODATA 2018, exact).
BOLTZMANN_K = 1.380649e-23

#: Clean-limit GL coherence length ξ(0) = 0.74 ξ0 (Tinkham 2nd ed., Eq. 4.23a).
CLEAN_XI_FACTOR = 0.74
#: Dirty-limit GL coherence length ξ(0) = 0.855 √(ξ0 ℓ) (Tinkham 2nd ed., Eq. 4.23b).
DIRTY_XI_FACTOR = 0.855
#: Dirty-limit penetration depth λ(0) = λ_L √(ξ0/(1.33 ℓ)) / √2 (Tinkham 2nd ed., Eq. 4.24b).
DIRTY_LAMBDA_FACTOR = 1.33
#: Weak-coupling BCS gap ratio Δ(0)/(k_B T_c) = π e^(−γ) ≈ 1.764.
BCS_GAP_RATIO = 1.764
#: Werthamer–Helfand–Hohenberg dirty-limit ratio B_c2(0) / (T_c |dB_c2/dT|_{T_c}) = 0.693
#: (N. R. Werthamer, E. Helfand and P. C. Hohenberg, Phys. Rev. 147, 295 (1966)).
WHH_RATIO = 0.693

#: Allowed values of :attr:`Material.limit`.
LIMITS = ("clean", "dirty")


SQRT2 = math.sqrt(2.0)


def _sqrt(x):
    """√x: a float for numbers, a JAX value for JAX inputs — so every conversion is differentiable in
    λ, ξ, T_c, T, thickness and resistivity (jax.grad through :class:`Material` and :class:`GLUnits`)."""
    if isinstance(x, (jax.Array, jax.core.Tracer)):
        return jnp.sqrt(x)
    return math.sqrt(float(x))


@dataclasses.dataclass(frozen=True)
class Material:
    """A superconductor described by its GL parameters extrapolated to T = 0.

    ``xi0`` and ``lam0`` are the amplitudes of the near-T_c GL laws ξ(T) = ξ(0)/√(1 − T/T_c),
    λ(T) = λ(0)/√(1 − T/T_c). Build a material from a metal's BCS ξ0 and London λ_L with
    :func:`clean_limit` or :func:`dirty_limit`; the clean presets Nb, Pb, Al, YBCO instead use
    ξ0 and λ_L directly (see the module docstring).

    Attributes:
        name: short name, e.g. ``"Nb"``.
        Tc: critical temperature [K], > 0.
        lam0: penetration depth λ(0) [m], > 0.
        xi0: coherence length ξ(0) [m], > 0.
        resistivity: normal-state resistivity ρ_n just above T_c [Ω m], or ``None`` if
            unknown (then the time unit t0 = μ0 λ² / ρ_n is unavailable).
        source: literature source of the numbers.
        limit: ``"clean"`` (ℓ ≫ ξ0) or ``"dirty"`` (ℓ ≪ ξ0): which GL relations the numbers
            follow. Defaults to ``"clean"``.
        mean_free_path: electron mean free path ℓ [m] used for a dirty material, ``None`` for a
            clean one (and for dirty materials whose ξ(0), λ(0) come from transport data
            rather than from ℓ).

    Raises:
        ParameterError: if any number is non-positive, ``limit`` is unknown, or a clean
            material is given a mean free path.
    """

    name: str
    Tc: float
    lam0: float
    xi0: float
    resistivity: float | None = None
    source: str = ""
    limit: str = "clean"
    mean_free_path: float | None = None

    def __post_init__(self):
        require_positive("Tc", self.Tc, "K")
        require_positive("lam0", self.lam0, "m")
        require_positive("xi0", self.xi0, "m")
        if self.resistivity is not None:
            require_positive("resistivity", self.resistivity, "Ohm m")
        if self.limit not in LIMITS:
            raise ParameterError(f"parameter 'limit' = {self.limit!r} is unknown: allowed {list(LIMITS)}")
        if self.mean_free_path is not None:
            require_positive("mean_free_path", self.mean_free_path, "m")
            if self.limit == "clean":
                raise ParameterError("parameter 'mean_free_path' must be None for limit 'clean' (ℓ ≫ ξ0 does not "
                                     "enter the clean GL relations); use dirty_limit() for a finite ℓ")

    @property
    def kappa(self) -> float:
        """GL parameter κ = λ/ξ (dimensionless, temperature independent in GL theory)."""
        return self.lam0 / self.xi0

    def _reduced(self, T: float) -> float:
        require_range("temperature", T, 0.0, self.Tc, high_open=True, unit="K")
        return 1.0 - T / self.Tc

    def xi(self, T: float) -> float:
        """Coherence length ξ(T) = ξ(0)/√(1 − T/T_c) [m]; T in K, 0 ≤ T < T_c."""
        return self.xi0 / _sqrt(self._reduced(T))

    def lam(self, T: float) -> float:
        """Penetration depth λ(T) = λ(0)/√(1 − T/T_c) [m]; T in K, 0 ≤ T < T_c."""
        return self.lam0 / _sqrt(self._reduced(T))

    def units(self, T: float, thickness: float) -> "GLUnits":
        """The dimensionless unit system at temperature ``T`` [K] for a film ``thickness`` [m]."""
        require_positive("thickness", thickness, "m")
        return GLUnits(xi=self.xi(T), lam=self.lam(T), thickness=thickness,
                       resistivity=self.resistivity)

    def summary(self) -> dict:
        """The material as plain numbers for a run summary: name, limit, ℓ, T_c, ξ(0), λ(0), κ, ρ_n.

        Lengths in nm (``mean_free_path_nm`` is ``None`` when no ℓ was used), T_c in K,
        ``resistivity_ohm_m`` in Ω m or ``None``.
        """
        return {
            "material": self.name,
            "limit": self.limit,
            "mean_free_path_nm": None if self.mean_free_path is None else self.mean_free_path * 1e9,
            "Tc_K": self.Tc,
            "xi0_nm": self.xi0 * 1e9,
            "lam0_nm": self.lam0 * 1e9,
            "kappa": self.kappa,
            "resistivity_ohm_m": self.resistivity,
            "source": self.source,
        }


@dataclasses.dataclass(frozen=True)
class GLUnits:
    """Conversion factors between SI and the dimensionless GL units at one temperature.

    Attributes:
        xi: coherence length ξ [m].
        lam: penetration depth λ [m].
        thickness: film thickness d [m] (sets the energy unit and the Pearl length).
        resistivity: normal-state resistivity ρ_n [Ω m] or ``None``.

    Raises:
        ParameterError: for non-positive lengths or resistivity.
    """

    xi: float
    lam: float
    thickness: float
    resistivity: float | None = None

    def __post_init__(self):
        require_positive("xi", self.xi, "m")
        require_positive("lam", self.lam, "m")
        require_positive("thickness", self.thickness, "m")
        if self.resistivity is not None:
            require_positive("resistivity", self.resistivity, "Ohm m")

    @property
    def kappa(self) -> float:
        """κ = λ/ξ."""
        return self.lam / self.xi

    @property
    def Bc2(self) -> float:
        """Upper critical field B_c2 = Φ0/(2π ξ²) [T] — the field unit."""
        return PHI0 / (2.0 * math.pi * self.xi ** 2)

    @property
    def Bc(self) -> float:
        """Thermodynamic critical field B_c = B_c2/(√2 κ) [T]."""
        return self.Bc2 / (SQRT2 * self.kappa)

    @property
    def J0(self) -> float:
        """Current-density unit J0 = Φ0/(2π μ0 λ² ξ) [A/m²]."""
        return PHI0 / (2.0 * math.pi * MU0 * self.lam ** 2 * self.xi)

    @property
    def depairing_current_density(self) -> float:
        """GL depairing current density J_d = 2/(3√3) J0 [A/m²] (Tinkham Eq. 4.36)."""
        return 2.0 / (3.0 * math.sqrt(3.0)) * self.J0

    @property
    def pearl_length(self) -> float:
        """Pearl length Λ = 2λ²/d [m] (J. Pearl, Appl. Phys. Lett. 5, 65 (1964))."""
        return 2.0 * self.lam ** 2 / self.thickness

    @property
    def energy(self) -> float:
        """Energy unit (B_c²/μ0) ξ² d [J]."""
        return self.Bc ** 2 / MU0 * self.xi ** 2 * self.thickness

    @property
    def time(self) -> float:
        """Time unit t0 = μ0 σ_n λ² = μ0 λ²/ρ_n [s].

        Raises:
            ParameterError: if the resistivity is unknown.
        """
        if self.resistivity is None:
            raise ParameterError("parameter 'resistivity' is required for the time unit: give ρ_n > 0 in Ohm m")
        return MU0 * self.lam ** 2 / self.resistivity

    def length_to_gl(self, meters: float) -> float:
        """Length [m] → units of ξ."""
        return meters / self.xi

    def field_to_gl(self, tesla: float) -> float:
        """Magnetic field [T] → units of B_c2."""
        return tesla / self.Bc2

    def flux_quanta(self, field_gl: float, area_gl: float) -> float:
        """Flux Φ/Φ0 of a dimensionless field through a dimensionless area: b·S/(2π)."""
        return field_gl * area_gl / (2.0 * math.pi)


def mean_free_path_from_resistivity(resistivity: float, rho_l: float) -> float:
    """Electron mean free path ℓ = (ρℓ)/ρ_n [m].

    Args:
        resistivity: normal-state (residual) resistivity ρ_n [Ω m], > 0.
        rho_l: the metal's resistivity × mean-free-path product ρℓ [Ω m²], > 0. In the Drude
            model ρℓ = m v_F/(n e²) = ħk_F/(n e²) depends only on the metal, not on its disorder
            (e.g. Nb: 3.72e-16 Ω m², Mayadas, Laibowitz & Cuomo, J. Appl. Phys. 43, 1287 (1972)).

    Raises:
        ParameterError: if ρ_n or ρℓ is not finite and > 0.
    """
    rho = require_positive("resistivity", resistivity, "Ohm m")
    rl = require_positive("rho_l", rho_l, "Ohm m^2")
    return rl / rho


def clean_limit(name: str, Tc: float, xi0: float, lam_L: float, *, resistivity: float | None = None,
                source: str = "") -> Material:
    """A clean-limit (ℓ ≫ ξ0) material with the GL extrapolations ξ(0) = 0.74 ξ0, λ(0) = λ_L/√2.

    These are the T = 0 amplitudes of Tinkham's near-T_c clean forms ξ(T) = 0.74 ξ0/√(1−t) and
    λ(T) = λ_L(0)/√(2(1−t)) (Tinkham, *Introduction to Superconductivity*, 2nd ed., Eqs. 4.23a,
    4.24a), so κ = 0.96 λ_L/ξ0 (Eq. 4.25a). (The presets Nb, Pb, Al, YBCO do not use this: they
    keep ξ0 and λ_L as ξ(0), λ(0).)

    Args:
        name: material name.
        Tc: critical temperature [K].
        xi0: BCS (Pippard) coherence length ξ0 = ħv_F/(πΔ0) [m].
        lam_L: London penetration depth λ_L(0) [m].
        resistivity: optional normal-state resistivity ρ_n [Ω m] for the time unit.
        source: literature source of the numbers.

    Raises:
        ParameterError: for non-positive numbers.
    """
    xi0 = require_positive("xi0", xi0, "m")
    lam_L = require_positive("lam_L", lam_L, "m")
    return Material(name=name, Tc=Tc, lam0=lam_L / math.sqrt(2.0), xi0=CLEAN_XI_FACTOR * xi0,
                    resistivity=resistivity, source=source, limit="clean")


def dirty_limit(name: str, Tc: float, xi0: float, lam_L: float, *, mean_free_path: float | None = None,
                resistivity: float | None = None, rho_l: float | None = None, Tc_clean: float | None = None,
                source: str = "") -> Material:
    """A dirty-limit (ℓ ≪ ξ0) material from a clean metal's ξ0, λ_L and its mean free path ℓ.

    GL extrapolations of Tinkham's near-T_c dirty forms (Tinkham, *Introduction to
    Superconductivity*, 2nd ed., Eqs. 4.23b, 4.24b; t = T/T_c)::

        ξ(T) = 0.855 √(ξ0 ℓ) / √(1 − t)              →  ξ(0) = 0.855 √(ξ0 ℓ)
        λ(T) = λ_L(0) √(ξ0/(1.33 ℓ)) / √(2(1 − t))   →  λ(0) = λ_L √(ξ0/(1.33 ℓ)) / √2

    so κ = λ_L/(0.855 √2.66 ℓ) = 0.717 λ_L/ℓ (Tinkham Eq. 4.25b rounds it to 0.715). λ(0) is the
    GL extrapolation, 1/√2.66 = 0.613 times the T = 0 dirty-limit depth λ_L √(ξ0/ℓ); with BCS ξ0
    and Drude ρℓ it equals √(ħρ_n/(2.66 π μ0 Δ0)), see :func:`gl_lambda0_from_resistivity`.

    Give ℓ either directly (``mean_free_path``) or as ℓ = ρℓ/ρ_n (``resistivity`` and ``rho_l``).
    With ``mean_free_path`` and ``rho_l`` (no ``resistivity``), ρ_n = ρℓ/ℓ is stored for the time
    unit; with ``mean_free_path`` and ``resistivity``, ρ_n is stored as given.

    Args:
        name: material name.
        Tc: critical temperature of the (dirty) material [K].
        xi0: BCS coherence length ξ0 = ħv_F/(πΔ0) of the metal [m], measured at ``Tc_clean``.
        lam_L: London penetration depth λ_L(0) of the metal [m] (independent of ℓ and T_c).
        mean_free_path: ℓ [m], 0 < ℓ < ξ0.
        resistivity: normal-state resistivity ρ_n [Ω m].
        rho_l: the metal's ρℓ product [Ω m²].
        Tc_clean: T_c at which ``xi0`` holds. If given, ξ0 is rescaled to ξ0·T_c,clean/T_c
            because ξ0 = ħv_F/(πΔ0) with Δ0 = 1.764 k_B T_c (BCS) and v_F unchanged, i.e. when
            the film's T_c is suppressed by a weaker pairing rather than by pair breaking.
        source: literature source of the numbers (say how ℓ was obtained).

    Raises:
        ParameterError: for non-positive ℓ, ρ_n, ρℓ, ξ0, λ_L or T_c; if ℓ is neither given nor
            derivable, or over-determined (all of ℓ, ρ_n and ρℓ given); and if ℓ ≥ ξ0, where the
            dirty-limit formulas do not apply (use the clean preset or :func:`clean_limit`).
    """
    Tc = require_positive("Tc", Tc, "K")
    xi0 = require_positive("xi0", xi0, "m")
    lam_L = require_positive("lam_L", lam_L, "m")
    if Tc_clean is not None:
        xi0 = xi0 * require_positive("Tc_clean", Tc_clean, "K") / Tc
    if resistivity is not None:
        resistivity = require_positive("resistivity", resistivity, "Ohm m")
    if rho_l is not None:
        rho_l = require_positive("rho_l", rho_l, "Ohm m^2")
    if mean_free_path is not None:
        ell = require_positive("mean_free_path", mean_free_path, "m")
        if resistivity is not None and rho_l is not None:
            raise ParameterError("parameters 'mean_free_path', 'resistivity' and 'rho_l' over-determine ℓ: "
                                 "give either mean_free_path or resistivity with rho_l (ℓ = ρℓ/ρ_n)")
        if rho_l is not None:
            resistivity = rho_l / ell
    elif resistivity is not None and rho_l is not None:
        ell = mean_free_path_from_resistivity(resistivity, rho_l)
    else:
        raise ParameterError("parameter 'mean_free_path' is required: give ℓ > 0 in m, or 'resistivity' "
                             "(ρ_n > 0 in Ohm m) with 'rho_l' (ρℓ > 0 in Ohm m^2)")
    if ell >= xi0:
        raise ParameterError(
            f"parameter 'mean_free_path' = {ell!r} m is out of range for the dirty limit: allowed "
            f"(0, ξ0 = {xi0:g}) m, and ℓ ≪ ξ0 for accuracy; for ℓ ≥ ξ0 use the clean preset or "
            "clean_limit()")
    xi_gl = DIRTY_XI_FACTOR * math.sqrt(xi0 * ell)
    lam_gl = lam_L * math.sqrt(xi0 / (DIRTY_LAMBDA_FACTOR * ell)) / math.sqrt(2.0)
    return Material(name=name, Tc=Tc, lam0=lam_gl, xi0=xi_gl, resistivity=resistivity, source=source,
                    limit="dirty", mean_free_path=ell)


def gl_lambda0_from_resistivity(resistivity: float, Tc: float, gap_ratio: float = BCS_GAP_RATIO) -> float:
    """Dirty-limit GL λ(0) [m] from ρ_n and T_c: λ(0)² = ħρ_n / (2·1.33 · π μ0 Δ0), Δ0 = gap_ratio·k_B T_c.

    ħρ_n/(πμ0Δ0) is the T = 0 dirty-limit penetration depth squared, λ_L² ξ0/ℓ with λ_L² =
    m/(μ0 n e²), ξ0 = ħv_F/(πΔ0) and the Drude ρ_n ℓ = m v_F/(n e²); dividing by 2·1.33 gives the GL
    extrapolation of Tinkham's Eq. 4.24b, identical to :func:`dirty_limit` for consistent inputs.
    For materials (nitrides, amorphous alloys) whose λ_L and ξ0 are not known separately.

    Raises:
        ParameterError: for non-positive ρ_n, T_c or gap ratio.
    """
    rho = require_positive("resistivity", resistivity, "Ohm m")
    gap = require_positive("gap_ratio", gap_ratio) * BOLTZMANN_K * require_positive("Tc", Tc, "K")
    return math.sqrt(HBAR * rho / (2.0 * DIRTY_LAMBDA_FACTOR * math.pi * MU0 * gap))


def gl_xi0_from_bc2(Bc2_zero: float) -> float:
    """Dirty-limit GL ξ(0) [m] from the measured upper critical field B_c2(T → 0) [T].

    GL gives B_c2(T) = Φ0/(2πξ(T)²) = Φ0 (1 − t)/(2πξ(0)²) near T_c, so ξ(0)² = Φ0/(2π T_c|dB_c2/dT|);
    the dirty-limit WHH theory gives B_c2(0) = 0.693 T_c|dB_c2/dT| (Werthamer, Helfand & Hohenberg,
    Phys. Rev. 147, 295 (1966)), hence ξ(0) = √(0.693 Φ0/(2π B_c2(0))) — 0.83 times the often quoted
    √(Φ0/(2π B_c2(0))).

    Raises:
        ParameterError: for non-positive B_c2(0).
    """
    bc2 = require_positive("Bc2_zero", Bc2_zero, "T")
    return math.sqrt(WHH_RATIO * PHI0 / (2.0 * math.pi * bc2))


def _kittel(name, Tc, xi0_nm, lam_nm, extra=""):
    return Material(
        name=name, Tc=Tc, lam0=lam_nm * 1e-9, xi0=xi0_nm * 1e-9,
        source=("T_c: C. Kittel, Introduction to Solid State Physics, 8th ed., Table 10.1; "
                "ξ0 and λ_L(0): same book, Table 10.5 (intrinsic BCS coherence length and London "
                "penetration depth, used here as the GL T = 0 extrapolations)." + extra))


#: Material presets; each carries the literature source of its numbers.
MATERIALS: dict[str, Material] = {
    "Nb": _kittel("Nb", 9.25, 38.0, 39.0),
    "Pb": _kittel("Pb", 7.193, 83.0, 37.0),
    "Al": _kittel("Al", 1.140, 1600.0, 16.0),
    "YBCO": Material(
        name="YBCO", Tc=92.0, lam0=150e-9, xi0=1.6e-9,
        source=("YBa2Cu3O7, ab plane. T_c = 92 K and ξ_ab(0) = 1.6 nm from the H_c2 slopes of "
                "U. Welp et al., Phys. Rev. Lett. 62, 1908 (1989); λ_ab(0) ≈ 150 nm from muon-spin "
                "rotation, reviewed by J. E. Sonier, J. H. Brewer and R. F. Kiefl, Rev. Mod. Phys. "
                "72, 769 (2000).")),
}
MATERIALS["YBa2Cu3O7"] = MATERIALS["YBCO"]

#: ρℓ of Nb [Ω m²]: 3.72e-6 μΩ cm² from A. F. Mayadas, R. B. Laibowitz and J. J. Cuomo,
#: J. Appl. Phys. 43, 1287 (1972) (rf-sputtered single-crystal Nb films).
RHO_L_NB = 3.72e-16
#: Free-electron ρℓ = ħk_F/(n e²) of Al [Ω m²] with n = 18.06e28 m⁻³, k_F = 1.75e10 m⁻¹
#: (C. Kittel, Introduction to Solid State Physics, 8th ed., Table 6.1): 3.98e-16.
RHO_L_AL = HBAR * 1.75e10 / (18.06e28 * ELEMENTARY_CHARGE ** 2)

#: Nb film: thickness [m], T_c from T_c/8.5 K = tanh(d/70 Å) (Lemberger et al. 2007) and ρ_n.
_NB_FILM_D = 10e-9
_NB_FILM_TC = round(8.5 * math.tanh(_NB_FILM_D / 7e-9), 2)
_NB_FILM_RHO = 10e-8   # 10 μΩ cm

MATERIALS["Nb-film"] = dirty_limit(
    "Nb-film", Tc=_NB_FILM_TC, xi0=38e-9, lam_L=39e-9, Tc_clean=9.25, resistivity=_NB_FILM_RHO, rho_l=RHO_L_NB,
    source=("Dirty-limit Nb film, d = 10 nm (Tinkham 2nd ed. Eqs. 4.23b, 4.24b). Intrinsic ξ0 = 38 nm, "
            "λ_L(0) = 39 nm, bulk T_c = 9.25 K: C. Kittel, Introduction to Solid State Physics, 8th ed., "
            "Tables 10.1, 10.5; ξ0 rescaled by 9.25 K/T_c (BCS ξ0 ∝ 1/Δ0 ∝ 1/T_c). T_c = 8.5 K·tanh(d/70 Å) "
            "= 7.58 K at d = 10 nm: phenomenological fit to sputtered Nb films on oxidized Si, T. R. "
            "Lemberger, I. Hetel, J. W. Knepper and F. Y. Yang, Phys. Rev. B 76, 094515 (2007); films grown "
            "otherwise differ (take ~±1 K, an estimate not from that paper). ℓ = ρℓ/ρ_n = 3.72 nm with ρℓ = 3.72e-16 Ω m² (A. F. Mayadas, R. B. "
            "Laibowitz and J. J. Cuomo, J. Appl. Phys. 43, 1287 (1972)) and ρ_n = 10 μΩ cm, a representative "
            "residual resistivity of ~10 nm sputtered Nb (not from one measurement; uncertain by a factor ~2, "
            "i.e. ℓ ≈ 2–7 nm, bounded by d). Pass your film's ρ_n to dirty_limit() when known."))

MATERIALS["Al-film"] = dirty_limit(
    "Al-film", Tc=1.140, xi0=1600e-9, lam_L=16e-9, mean_free_path=15e-9, rho_l=RHO_L_AL,
    source=("Dirty-limit evaporated Al film (Tinkham 2nd ed. Eqs. 4.23b, 4.24b). ξ0 = 1600 nm, λ_L(0) = "
            "16 nm, T_c = 1.140 K (bulk): C. Kittel, Introduction to Solid State Physics, 8th ed., Tables 10.1, "
            "10.5 (thin films often have T_c 0.1–0.3 K higher). ℓ = 15 nm: representative of evaporated "
            "films 20–100 nm thick (typically 10–20 nm; not from one measurement). ρ_n = ρℓ/ℓ = 2.65 μΩ cm "
            "with the free-electron ρℓ = ħk_F/(ne²) = 3.98e-16 Ω m² from Kittel Table 6.1 (n = 18.06e22 "
            "cm⁻³, k_F = 1.75e8 cm⁻¹). κ = 0.77 is barely type II; for ℓ ≳ 16 nm κ < 1/√2."))

_NBN_TC, _NBN_RHO = 16.11, 0.94e-6
MATERIALS["NbN"] = Material(
    name="NbN", Tc=_NBN_TC, lam0=gl_lambda0_from_resistivity(_NBN_RHO, _NBN_TC), xi0=gl_xi0_from_bc2(20.0),
    resistivity=_NBN_RHO, limit="dirty", mean_free_path=None,
    source=("Epitaxial NbN film, dirty limit. T_c = 16.11 K and ρ_n = 0.94 μΩ m of the least resistive "
            "film of S. P. Chockalingam, M. Chand, J. Jesudasan, V. Tripathi and P. Raychaudhuri, "
            "'Superconducting properties and Hall effect of epitaxial NbN thin films', arXiv:0804.2945 "
            "(2008). λ(0) = √(ħρ_n/(2.66 πμ0Δ0)) = 155 nm with Δ0 = 1.764 k_B T_c (dirty BCS, GL "
            "extrapolation; the T = 0 depth is 1.63× that, 253 nm; NbN is moderately strong-coupled, "
            "Δ0 ≈ 2.1 k_B T_c would lower both by 8 %). ξ(0) = √(0.693 Φ0/(2π B_c2(0))) = 3.4 nm (WHH) for a "
            "representative B_c2(0) ≈ 20 T (NbN films range ~15–30 T; ±20 % in ξ). ℓ ≲ 1 nm (k_F ℓ ~ 10) "
            "is not used."))

_MOGE_TC, _MOGE_RHO = round(7.5 - 0.18 * (78 - 70), 1), 1.6e-6
MATERIALS["MoGe"] = Material(
    name="MoGe", Tc=_MOGE_TC, lam0=gl_lambda0_from_resistivity(_MOGE_RHO, _MOGE_TC), xi0=gl_xi0_from_bc2(13.0),
    resistivity=_MOGE_RHO, limit="dirty", mean_free_path=None,
    source=("Amorphous Mo70Ge30 film, dirty limit. T_c = 7.5 K − 0.18 K per at.% Mo below 78 at.% = 6.1 K: "
            "linear T_c(x) of a-Mo-Ge in T. H. Geballe (Stanford Univ.), 'Superconducting Thin Films, "
            "Composites and Junctions', report DTIC ADA216688 (1985) (thick films; thinner than ~30 nm "
            "T_c drops). ρ_n = 1.6 μΩ m: representative of a-MoGe (reported ~1.5–2 μΩ m; not from one "
            "measurement, ±25 %). λ(0) = √(ħρ_n/(2.66 πμ0Δ0)) = 329 nm (dirty BCS, GL extrapolation; "
            "T = 0 depth 536 nm). ξ(0) = √(0.693 Φ0/(2π B_c2(0))) = 4.2 nm (WHH) for a representative "
            "B_c2(0) ≈ 13 T, i.e. the ξ ≈ 5 nm usually quoted from B_c2(0) (±25 %). ℓ (interatomic, "
            "< 1 nm) is not used."))


def material(name: str) -> Material:
    """Return the preset :class:`Material` called ``name`` (case-insensitive).

    Raises:
        ParameterError: for an unknown name, listing the known ones.
    """
    for key, mat in MATERIALS.items():
        if key.lower() == str(name).lower():
            return mat
    raise ParameterError(f"parameter 'material' = {name!r} is unknown: allowed {sorted(MATERIALS)}")
