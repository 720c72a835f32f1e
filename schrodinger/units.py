"""Units of the macroscopic-wavefunction model.

Dimensionless mode (used inside :mod:`schrodinger`): ħ = m = |q| = 1 and lengths in a unit ℓ of
the user's choosing. Then energies are in E0 = ħ²/(mℓ²), times in ħ/E0, magnetic fields in
B0 = ħ/(|q|ℓ²) (so the cyclotron frequency |q|B/m is B in units of E0/ħ and the magnetic length
√(ħ/|q|B) is 1/√B), scalar potentials in E0/|q|. Link phases are (q/ħ)∫A·dl, so a flux h/|q|
through a loop is a phase 2π, exactly as in :mod:`gl` (where q = 2e and h/2e = Φ0).
:class:`Particle` converts SI charges, masses and lengths to these units.
"""
from __future__ import annotations

import dataclasses
import math

from gl.errors import ParameterError, require_positive
from gl.units import ELEMENTARY_CHARGE, PLANCK_H

HBAR = PLANCK_H / (2.0 * math.pi)
#: electron mass [kg] (CODATA 2018)
ELECTRON_MASS = 9.1093837015e-31


@dataclasses.dataclass(frozen=True)
class Particle:
    """A charged particle (electron, Cooper pair, …) and a length unit, in SI.

    Attributes:
        charge: q [C] (sign kept; non-zero).
        mass: m [kg] (> 0).
        length_unit: ℓ [m] (> 0).

    Raises:
        ParameterError: for zero charge or a non-positive mass or length.
    """

    charge: float
    mass: float
    length_unit: float = 1e-9

    def __post_init__(self):
        if not math.isfinite(self.charge) or self.charge == 0.0:
            raise ParameterError(f"parameter 'charge' = {self.charge!r} is out of range: must be non-zero (C)")
        require_positive("mass", self.mass, "kg")
        require_positive("length_unit", self.length_unit, "m")

    @property
    def sign(self) -> float:
        """Sign of the charge (the dimensionless charge)."""
        return math.copysign(1.0, self.charge)

    @property
    def energy_unit(self) -> float:
        """E0 = ħ²/(mℓ²) [J]."""
        return HBAR ** 2 / (self.mass * self.length_unit ** 2)

    @property
    def time_unit(self) -> float:
        """ħ/E0 [s]."""
        return HBAR / self.energy_unit

    @property
    def field_unit(self) -> float:
        """B0 = ħ/(|q|ℓ²) [T]."""
        return HBAR / (abs(self.charge) * self.length_unit ** 2)

    @property
    def potential_unit(self) -> float:
        """E0/|q| [V]."""
        return self.energy_unit / abs(self.charge)

    @property
    def flux_quantum(self) -> float:
        """h/|q| [Wb]: h/e for an electron, h/2e = Φ0 for a Cooper pair."""
        return PLANCK_H / abs(self.charge)


def electron(length_unit: float = 1e-9) -> Particle:
    """An electron (q = −e, m = m_e)."""
    return Particle(-ELEMENTARY_CHARGE, ELECTRON_MASS, length_unit)


def cooper_pair(length_unit: float = 1e-9) -> Particle:
    """A Cooper pair (q = −2e, m = 2m_e)."""
    return Particle(-2.0 * ELEMENTARY_CHARGE, 2.0 * ELECTRON_MASS, length_unit)
