"""SI ↔ GL unit conversion and material presets."""
import math

import pytest

from gl.errors import ParameterError
from gl.units import MATERIALS, MU0, PHI0, material


def test_flux_quantum_value():
    assert PHI0 == pytest.approx(2.067833848e-15, rel=1e-9)   # CODATA 2018


def test_gl_temperature_dependence_and_derived_fields():
    nb = material("nb")
    T = 0.75 * nb.Tc
    assert nb.xi(T) == pytest.approx(2.0 * nb.xi0, rel=1e-12)      # (1 − 0.75)^(−1/2) = 2
    assert nb.lam(T) == pytest.approx(2.0 * nb.lam0, rel=1e-12)
    u = nb.units(T, thickness=20e-9)
    assert u.kappa == pytest.approx(nb.kappa, rel=1e-12)
    # Bc2 = Φ0/(2π ξ²) and Bc = Bc2/(√2 κ) (Tinkham Eqs. 4.62, 4.63 rearranged)
    assert u.Bc2 == pytest.approx(PHI0 / (2 * math.pi * (2 * 38e-9) ** 2), rel=1e-12)
    assert u.Bc == pytest.approx(u.Bc2 / (math.sqrt(2) * u.kappa), rel=1e-12)
    # Hc2 = √2 κ Hc in SI and J0 = Φ0/(2π μ0 λ² ξ) = Bc2 ξ/(μ0 λ²)
    assert u.J0 == pytest.approx(u.Bc2 * u.xi / (MU0 * u.lam ** 2), rel=1e-12)
    assert u.depairing_current_density / u.J0 == pytest.approx(0.3849, abs=1e-4)
    assert u.pearl_length == pytest.approx(2 * u.lam ** 2 / 20e-9)
    # one flux quantum through an area 2π ξ² at field Bc2
    assert u.flux_quanta(1.0, 2 * math.pi) == pytest.approx(1.0)
    assert u.field_to_gl(u.Bc2) == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["Nb", "Pb", "Al", "YBCO"])
def test_presets_have_sources_and_positive_numbers(name):
    m = MATERIALS[name]
    assert m.Tc > 0 and m.lam0 > 0 and m.xi0 > 0
    assert len(m.source) > 40 and any(ch.isdigit() for ch in m.source)


def test_type_ii_classification_of_presets():
    """Clean Pb and Al are type I (κ < 1/√2); YBCO is strongly type II (κ ~ 100)."""
    assert MATERIALS["Al"].kappa < 1 / math.sqrt(2)
    assert MATERIALS["Pb"].kappa < 1 / math.sqrt(2)
    assert MATERIALS["YBCO"].kappa > 50


def test_time_unit_needs_resistivity():
    u = material("Nb").units(8.0, 10e-9)
    with pytest.raises(ParameterError, match="resistivity"):
        u.time
    from gl.units import GLUnits
    g = GLUnits(xi=10e-9, lam=100e-9, thickness=10e-9, resistivity=1e-7)
    assert g.time == pytest.approx(MU0 * (100e-9) ** 2 / 1e-7)
