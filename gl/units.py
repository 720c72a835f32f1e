"""Physical constants, material presets and conversion between SI and dimensionless GL units.

Dimensionless units used everywhere inside :mod:`gl` (see DESIGN.md):

===================  ===========================================================
quantity             unit
===================  ===========================================================
length               coherence length ξ(T)
magnetic field       upper critical field B_c2(T) = Φ0 / (2π ξ²)
vector potential     ξ B_c2 (link phases ∫A·dl are then plain numbers)
order parameter ψ    ψ∞ (the bulk zero-field value), so |ψ| = 1 in bulk
current density      J0 = Φ0 / (2π μ0 λ² ξ)
time                 t0 = μ0 σ_n λ² (the current-relaxation time, as in pyTDGL)
free energy          (B_c² / μ0) ξ² d  for a film of thickness d
                     (B_c = B_c2 / (√2 κ), the thermodynamic critical field)
===================  ===========================================================

Temperature dependence is the Ginzburg–Landau one, valid near T_c:
λ(T) = λ(0) (1 − T/T_c)^(−1/2), ξ(T) = ξ(0) (1 − T/T_c)^(−1/2), so κ = λ/ξ is
independent of T (Tinkham, *Introduction to Superconductivity*, 2nd ed., Eqs. 4.20, 4.22).

Material presets (:data:`MATERIALS`; each also carries its source in ``Material.source``):

=====  ======  =======  ======  ==============================================================
name   T_c K   λ(0) nm  ξ(0) nm source
=====  ======  =======  ======  ==============================================================
Nb     9.25    39       38      Kittel, Introduction to Solid State Physics, 8th ed., Tables
                                10.1 (T_c) and 10.5 (λ_L(0), ξ0)
Pb     7.193   37       83      same
Al     1.140   16       1600    same
YBCO   92      150      1.6     ab plane: ξ_ab from U. Welp et al., Phys. Rev. Lett. 62, 1908
                                (1989); λ_ab from μSR, J. E. Sonier et al., Rev. Mod. Phys. 72,
                                769 (2000)
=====  ======  =======  ======  ==============================================================

The presets leave the normal-state resistivity unset (it depends on purity and film growth);
pass ``resistivity`` (ρ_n = 1/σ_n) to :class:`Material` or :class:`GLUnits` for the time unit.
"""
from __future__ import annotations

import dataclasses
import math

from .errors import ParameterError, require_positive, require_range

#: Planck constant h [J s] (CODATA 2018, exact).
PLANCK_H = 6.62607015e-34
#: Elementary charge e [C] (CODATA 2018, exact).
ELEMENTARY_CHARGE = 1.602176634e-19
#: Superconducting flux quantum Φ0 = h / 2e [Wb].
PHI0 = PLANCK_H / (2.0 * ELEMENTARY_CHARGE)
#: Vacuum permeability μ0 [H/m] (CODATA 2018).
MU0 = 1.25663706212e-6


@dataclasses.dataclass(frozen=True)
class Material:
    """A superconductor described by its GL parameters extrapolated to T = 0.

    Attributes:
        name: short name, e.g. ``"Nb"``.
        Tc: critical temperature [K], > 0.
        lam0: penetration depth λ(0) [m], > 0.
        xi0: coherence length ξ(0) [m], > 0.
        resistivity: normal-state resistivity ρ_n just above T_c [Ω m], or ``None`` if
            unknown (then the time unit t0 = μ0 λ² / ρ_n is unavailable).
        source: literature source of the numbers.

    Raises:
        ParameterError: if any number is non-positive.
    """

    name: str
    Tc: float
    lam0: float
    xi0: float
    resistivity: float | None = None
    source: str = ""

    def __post_init__(self):
        require_positive("Tc", self.Tc, "K")
        require_positive("lam0", self.lam0, "m")
        require_positive("xi0", self.xi0, "m")
        if self.resistivity is not None:
            require_positive("resistivity", self.resistivity, "Ohm m")

    @property
    def kappa(self) -> float:
        """GL parameter κ = λ/ξ (dimensionless, temperature independent in GL theory)."""
        return self.lam0 / self.xi0

    def _reduced(self, T: float) -> float:
        require_range("temperature", T, 0.0, self.Tc, high_open=True, unit="K")
        return 1.0 - T / self.Tc

    def xi(self, T: float) -> float:
        """Coherence length ξ(T) = ξ(0)/√(1 − T/T_c) [m]; T in K, 0 ≤ T < T_c."""
        return self.xi0 / math.sqrt(self._reduced(T))

    def lam(self, T: float) -> float:
        """Penetration depth λ(T) = λ(0)/√(1 − T/T_c) [m]; T in K, 0 ≤ T < T_c."""
        return self.lam0 / math.sqrt(self._reduced(T))

    def units(self, T: float, thickness: float) -> "GLUnits":
        """The dimensionless unit system at temperature ``T`` [K] for a film ``thickness`` [m]."""
        require_positive("thickness", thickness, "m")
        return GLUnits(xi=self.xi(T), lam=self.lam(T), thickness=thickness,
                       resistivity=self.resistivity)


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
        return self.Bc2 / (math.sqrt(2.0) * self.kappa)

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


def material(name: str) -> Material:
    """Return the preset :class:`Material` called ``name`` (case-insensitive).

    Raises:
        ParameterError: for an unknown name, listing the known ones.
    """
    for key, mat in MATERIALS.items():
        if key.lower() == str(name).lower():
            return mat
    raise ParameterError(f"parameter 'material' = {name!r} is unknown: allowed {sorted(MATERIALS)}")
