"""SI ↔ GL unit conversion and material presets."""
import math

import pytest

from gl.errors import ParameterError
from gl.units import (BOLTZMANN_K, ELEMENTARY_CHARGE, HBAR, MATERIALS, MU0, PHI0, Material, clean_limit, dirty_limit,
                      gl_lambda0_from_resistivity, gl_xi0_from_bc2, material, mean_free_path_from_resistivity)

#: Euler–Mascheroni constant γ and Apéry's constant ζ(3) (for the BCS coefficients).
EULER_GAMMA = 0.5772156649015329
ZETA3 = 1.2020569031595942
ELECTRON_MASS = 9.1093837015e-31   # CODATA 2018 [kg]
NM = 1e-9

FILM_PRESETS = ["Nb-film", "Al-film", "NbN", "MoGe"]
TYPE_II_FILMS = ["Nb-film", "NbN", "MoGe"]


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


# ---------------------------------------------------------------------------------------------
# clean and dirty limits (Tinkham, Introduction to Superconductivity, 2nd ed., Eqs. 4.23–4.25)
# ---------------------------------------------------------------------------------------------

def test_dirty_limit_formulas_against_hand_values():
    """ξ0 = 38 nm, λ_L = 39 nm, ℓ = 3 nm: ξ(0) = 0.855·√(38·3) nm = 9.1289 nm and
    λ(0) = 39·√(38/(1.33·3))/√2 nm = 85.105 nm (hand values to 5 digits → rel 1e-4)."""
    m = dirty_limit("x", Tc=9.0, xi0=38 * NM, lam_L=39 * NM, mean_free_path=3 * NM)
    assert m.xi0 == pytest.approx(9.1289 * NM, rel=1e-4)
    assert m.lam0 == pytest.approx(85.105 * NM, rel=1e-4)
    assert m.limit == "dirty" and m.mean_free_path == 3 * NM
    # GL temperature law with the GL extrapolations as amplitudes: at T = 0.75 T_c both double
    assert m.xi(6.75) == pytest.approx(2 * m.xi0, rel=1e-12)
    assert m.lam(6.75) == pytest.approx(2 * m.lam0, rel=1e-12)


def test_clean_limit_gl_extrapolations():
    """ξ(0) = 0.74 ξ0 and λ(0) = λ_L/√2 (Tinkham Eqs. 4.23a, 4.24a): 28.12 nm and 27.577 nm."""
    m = clean_limit("x", Tc=9.25, xi0=38 * NM, lam_L=39 * NM)
    assert m.xi0 == pytest.approx(28.12 * NM, rel=1e-12)
    assert m.lam0 == pytest.approx(27.577 * NM, rel=1e-4)
    assert m.limit == "clean" and m.mean_free_path is None
    assert m.kappa == pytest.approx(0.96 * 39 / 38, rel=5e-3)          # Eq. 4.25a, κ = 0.96 λ_L/ξ0


def test_mean_free_path_from_resistivity_and_rho_l():
    """ℓ = ρℓ/ρ_n: Nb's ρℓ = 3.72e-16 Ω m² at ρ_n = 10 μΩ cm = 1e-7 Ω m gives ℓ = 3.72 nm."""
    assert mean_free_path_from_resistivity(1e-7, 3.72e-16) == pytest.approx(3.72 * NM, rel=1e-12)
    by_rho = dirty_limit("x", Tc=9.0, xi0=38 * NM, lam_L=39 * NM, resistivity=1e-7, rho_l=3.72e-16)
    by_ell = dirty_limit("x", Tc=9.0, xi0=38 * NM, lam_L=39 * NM, mean_free_path=3.72 * NM)
    assert by_rho.mean_free_path == pytest.approx(3.72 * NM, rel=1e-12)
    assert by_rho.xi0 == pytest.approx(by_ell.xi0, rel=1e-12)
    assert by_rho.lam0 == pytest.approx(by_ell.lam0, rel=1e-12)
    assert by_rho.resistivity == 1e-7 and by_ell.resistivity is None
    # ℓ with ρℓ: ρ_n = ρℓ/ℓ is stored, so the time unit is available
    with_rl = dirty_limit("x", Tc=9.0, xi0=38 * NM, lam_L=39 * NM, mean_free_path=3.72 * NM, rho_l=3.72e-16)
    assert with_rl.resistivity == pytest.approx(1e-7, rel=1e-12)
    # a dirtier film (twice ρ_n) has half the ℓ
    assert mean_free_path_from_resistivity(2e-7, 3.72e-16) == pytest.approx(1.86 * NM, rel=1e-12)


@pytest.mark.parametrize("ell_nm", [0.5, 1.0, 3.0, 8.0])
def test_kappa_dirty_closed_form_and_ratio_to_clean(ell_nm):
    """κ_dirty = λ_L/(0.855·√(2·1.33)·ℓ) = 0.717 λ_L/ℓ (Tinkham Eq. 4.25b rounds to 0.715), independent of
    ξ0; κ_dirty/κ_clean = 0.74/(0.855·√1.33)·ξ0/ℓ = 0.7505 ξ0/ℓ, so κ grows as 1/ℓ."""
    xi0, lam_L, ell = 38 * NM, 39 * NM, ell_nm * NM
    dirty = dirty_limit("x", Tc=9.0, xi0=xi0, lam_L=lam_L, mean_free_path=ell)
    clean = clean_limit("x", Tc=9.0, xi0=xi0, lam_L=lam_L)
    assert dirty.kappa == pytest.approx(lam_L / (0.855 * math.sqrt(2 * 1.33) * ell), rel=1e-12)
    assert dirty.kappa == pytest.approx(0.715 * lam_L / ell, rel=5e-3)
    assert dirty.kappa / clean.kappa == pytest.approx(0.74 / (0.855 * math.sqrt(1.33)) * xi0 / ell, rel=1e-12)
    assert dirty.kappa / clean.kappa == pytest.approx((0.715 / 0.96) * xi0 / ell, rel=1e-2)
    # independent of ξ0 at fixed λ_L and ℓ
    other = dirty_limit("x", Tc=9.0, xi0=4 * xi0, lam_L=lam_L, mean_free_path=ell)
    assert other.kappa == pytest.approx(dirty.kappa, rel=1e-12)
    # halving ℓ doubles κ
    half = dirty_limit("x", Tc=9.0, xi0=xi0, lam_L=lam_L, mean_free_path=ell / 2)
    assert half.kappa == pytest.approx(2 * dirty.kappa, rel=1e-12)


def test_tinkham_coefficients_are_the_bcs_near_tc_values():
    """Tinkham's rounded constants against their BCS expressions (γ Euler, ζ(3) Apéry):
    Δ0/k_BT_c = π e^(−γ) = 1.7639; dirty λ: λ(T=0)²/λ_GL(0)² = 4π e^γ/(7ζ(3)) = 2.6599 vs 2·1.33;
    dirty ξ: √(π³/(24 e^γ)) = 0.8517 vs 0.855; clean ξ: √(7ζ(3)/48)·π e^(−γ) = 0.7385 vs 0.74."""
    eg = math.exp(EULER_GAMMA)
    assert 1.764 == pytest.approx(math.pi / eg, rel=1e-4)
    assert 2 * 1.33 == pytest.approx(4 * math.pi * eg / (7 * ZETA3), rel=1e-3)
    assert 0.855 == pytest.approx(math.sqrt(math.pi ** 3 / (24 * eg)), rel=5e-3)
    assert 0.74 == pytest.approx(math.sqrt(7 * ZETA3 / 48) * math.pi / eg, rel=5e-3)


def test_dirty_lambda_equals_bcs_drude_expression():
    """For a free-electron metal (n, v_F, τ) with λ_L² = m/(μ0ne²), ξ0 = ħv_F/(πΔ0), ℓ = v_Fτ and
    ρ_n = m/(ne²τ), Tinkham's dirty λ(0) = λ_L√(ξ0/1.33ℓ)/√2 is identically √(ħρ_n/(2.66πμ0Δ0))."""
    n, vF, tau, Tc = 5e28, 1e6, 5e-15, 9.0
    e2 = ELEMENTARY_CHARGE ** 2
    gap = 1.764 * BOLTZMANN_K * Tc
    lam_L = math.sqrt(ELECTRON_MASS / (MU0 * n * e2))
    xi0 = HBAR * vF / (math.pi * gap)
    rho = ELECTRON_MASS / (n * e2 * tau)
    rho_l = ELECTRON_MASS * vF / (n * e2)
    m = dirty_limit("x", Tc=Tc, xi0=xi0, lam_L=lam_L, resistivity=rho, rho_l=rho_l)
    assert m.mean_free_path == pytest.approx(vF * tau, rel=1e-12)
    assert m.mean_free_path < 0.1 * xi0                                  # the dirty limit is valid here
    assert m.lam0 == pytest.approx(gl_lambda0_from_resistivity(rho, Tc), rel=1e-12)
    assert m.lam0 == pytest.approx(math.sqrt(HBAR * rho / (2.66 * math.pi * MU0 * gap)), rel=1e-12)


def test_xi_from_bc2_round_trip_through_gl_units():
    """ξ(0) = √(0.693 Φ0/(2π B_c2(0))): the GL field unit Φ0/(2πξ(T)²) then rises linearly from T_c with
    T_c|dB_c2/dT| = B_c2(0)/0.693 (WHH)."""
    xi0 = gl_xi0_from_bc2(20.0)
    m = Material("x", Tc=16.0, lam0=150 * NM, xi0=xi0, limit="dirty")
    slope_times_tc = m.units(0.9 * m.Tc, 10 * NM).Bc2 / 0.1
    assert slope_times_tc * 0.693 == pytest.approx(20.0, rel=1e-12)
    assert xi0 == pytest.approx(math.sqrt(0.693) * math.sqrt(PHI0 / (2 * math.pi * 20.0)), rel=1e-12)


def test_tc_clean_rescales_the_bcs_coherence_length():
    """ξ0 ∝ 1/Δ0 ∝ 1/T_c: a film with T_c lowered from 9.25 K to 7.4 K has ξ0 × 1.25, so ξ(0) and λ(0)
    grow by √1.25 while κ (∝ λ_L/ℓ) is unchanged."""
    base = dirty_limit("x", Tc=7.4, xi0=38 * NM, lam_L=39 * NM, mean_free_path=3 * NM)
    scaled = dirty_limit("x", Tc=7.4, xi0=38 * NM, lam_L=39 * NM, mean_free_path=3 * NM, Tc_clean=9.25)
    assert scaled.xi0 == pytest.approx(math.sqrt(1.25) * base.xi0, rel=1e-12)
    assert scaled.lam0 == pytest.approx(math.sqrt(1.25) * base.lam0, rel=1e-12)
    assert scaled.kappa == pytest.approx(base.kappa, rel=1e-12)


@pytest.mark.parametrize("kwargs, name", [
    ({"mean_free_path": 0.0}, "mean_free_path"),
    ({"mean_free_path": -1e-9}, "mean_free_path"),
    ({"mean_free_path": math.nan}, "mean_free_path"),
    ({"resistivity": 0.0, "rho_l": 3.72e-16}, "resistivity"),
    ({"resistivity": -1e-7, "rho_l": 3.72e-16}, "resistivity"),
    ({"resistivity": 1e-7, "rho_l": 0.0}, "rho_l"),
    ({"resistivity": 1e-7, "rho_l": -3.72e-16}, "rho_l"),
    ({"mean_free_path": 3e-9, "rho_l": math.inf}, "rho_l"),
    ({"mean_free_path": 3e-9, "Tc_clean": 0.0}, "Tc_clean"),
])
def test_dirty_limit_rejects_non_positive_inputs(kwargs, name):
    with pytest.raises(ParameterError, match=f"'{name}'.*out of range: must be finite and > 0"):
        dirty_limit("x", Tc=9.0, xi0=38 * NM, lam_L=39 * NM, **kwargs)


@pytest.mark.parametrize("args", [(0.0, 3.72e-16), (1e-7, -1.0)])
def test_mean_free_path_from_resistivity_rejects_non_positive(args):
    with pytest.raises(ParameterError, match="out of range: must be finite and > 0"):
        mean_free_path_from_resistivity(*args)


def test_dirty_limit_needs_ell_well_defined_and_below_xi0():
    with pytest.raises(ParameterError, match="'mean_free_path' is required"):
        dirty_limit("x", Tc=9.0, xi0=38 * NM, lam_L=39 * NM, resistivity=1e-7)      # ρℓ missing
    with pytest.raises(ParameterError, match="over-determine"):
        dirty_limit("x", Tc=9.0, xi0=38 * NM, lam_L=39 * NM, mean_free_path=3 * NM, resistivity=1e-7,
                    rho_l=3.72e-16)
    # ℓ ≥ ξ0 is the clean limit: refused, pointing at the clean preset
    for ell in (38 * NM, 100 * NM):
        with pytest.raises(ParameterError, match=r"'mean_free_path'.*allowed \(0, ξ0.*clean"):
            dirty_limit("x", Tc=9.0, xi0=38 * NM, lam_L=39 * NM, mean_free_path=ell)
    # via ρ_n: a very clean film, ℓ = 3.72e-16/1e-9 = 372 nm > ξ0
    with pytest.raises(ParameterError, match="clean"):
        dirty_limit("x", Tc=9.0, xi0=38 * NM, lam_L=39 * NM, resistivity=1e-9, rho_l=3.72e-16)


def test_material_limit_and_mean_free_path_validation():
    with pytest.raises(ParameterError, match="'limit'.*allowed"):
        Material("x", Tc=1.0, lam0=1e-7, xi0=1e-8, limit="moderate")
    with pytest.raises(ParameterError, match="'mean_free_path' must be None for limit 'clean'"):
        Material("x", Tc=1.0, lam0=1e-7, xi0=1e-8, mean_free_path=1e-9)
    with pytest.raises(ParameterError, match="'mean_free_path'.*> 0"):
        Material("x", Tc=1.0, lam0=1e-7, xi0=1e-8, limit="dirty", mean_free_path=-1e-9)
    # the old positional form still works and is clean
    m = Material("x", 1.0, 1e-7, 1e-8, 1e-7, "src")
    assert m.limit == "clean" and m.mean_free_path is None and m.resistivity == 1e-7


# ---------------------------------------------------------------------------------------------
# presets
# ---------------------------------------------------------------------------------------------

def test_clean_presets_unchanged():
    for name, (Tc, lam, xi) in {"Nb": (9.25, 39, 38), "Pb": (7.193, 37, 83), "Al": (1.140, 16, 1600),
                                "YBCO": (92.0, 150, 1.6)}.items():
        m = MATERIALS[name]
        assert (m.Tc, m.lam0, m.xi0) == pytest.approx((Tc, lam * 1e-9, xi * 1e-9), rel=1e-15)
        assert m.limit == "clean" and m.mean_free_path is None and m.resistivity is None


@pytest.mark.parametrize("name", FILM_PRESETS)
def test_film_presets_have_sources_and_are_dirty(name):
    m = material(name.upper())                       # lookup is case-insensitive
    assert m is MATERIALS[name] and m.name == name
    assert m.limit == "dirty"
    assert len(m.source) > 200 and any(ch.isdigit() for ch in m.source)
    assert m.resistivity is not None and m.resistivity > 0     # the time unit t0 is available
    assert m.units(0.5 * m.Tc, 10 * NM).time > 0
    if m.mean_free_path is not None:                           # derived from ℓ: the dirty limit holds
        assert m.kappa == pytest.approx(0.715 * {"Nb-film": 39, "Al-film": 16}[name] * NM / m.mean_free_path,
                                        rel=5e-3)


@pytest.mark.parametrize("name", TYPE_II_FILMS)
def test_type_ii_film_presets(name):
    assert MATERIALS[name].kappa > 1 / math.sqrt(2)
    assert MATERIALS[name].kappa > 5                           # dirty films are strongly type II


def test_nb_film_preset_values():
    """10 nm Nb: T_c = 8.5 K·tanh(10/7) = 7.58 K, ℓ = 3.72e-16/1e-7 = 3.72 nm (< d), ξ0 = 38 nm·9.25/7.58,
    ξ(0) = 0.855√(ξ0 ℓ) = 11.23 nm, κ = 0.717·39/3.72 = 7.52 (hand values, rel 1e-3)."""
    m = material("nb-film")
    assert m.Tc == pytest.approx(8.5 * math.tanh(10 / 7), abs=5e-3)
    assert m.mean_free_path == pytest.approx(3.72 * NM, rel=1e-12)
    assert m.mean_free_path < 10 * NM
    assert m.xi0 == pytest.approx(0.855 * math.sqrt(38 * 9.25 / 7.58 * 3.72) * NM, rel=1e-12)
    assert m.xi0 == pytest.approx(11.23 * NM, rel=1e-3)
    assert m.kappa == pytest.approx(7.52, rel=1e-3)
    # the Kittel λ_L, ξ0 and Mayadas ρℓ are not exactly Drude/BCS-consistent: the ρ_n route
    # √(ħρ_n/(2.66πμ0Δ0)) gives 73.6 nm against 84.4 nm (15 %); both are dirty-limit GL estimates
    assert gl_lambda0_from_resistivity(m.resistivity, m.Tc) == pytest.approx(m.lam0, rel=0.2)
    # much shorter ξ and longer λ than the clean Nb preset
    assert m.xi0 < 0.5 * material("Nb").xi0 and m.lam0 > 2 * material("Nb").lam0
    with pytest.raises(ParameterError, match="temperature"):
        m.xi(8.0)                                            # above this film's T_c


def test_material_summary_states_limit_and_mean_free_path():
    s = material("Nb-film").summary()
    assert s["limit"] == "dirty" and s["mean_free_path_nm"] == pytest.approx(3.72, rel=1e-12)
    assert s["Tc_K"] == material("Nb-film").Tc and s["kappa"] == pytest.approx(7.52, rel=1e-3)
    s = material("Nb").summary()
    assert s["limit"] == "clean" and s["mean_free_path_nm"] is None and s["xi0_nm"] == pytest.approx(38.0)
