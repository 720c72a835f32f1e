"""hirsch-electrodynamics and kinetic-meissner: every check at reduced size, the registry, bad input."""
import json

import pytest

import experiments
from experiments import hirsch_electrodynamics, kinetic_meissner
from experiments.config import build_config
from gl.errors import ParameterError


def _assert_checks(s, tmp_path):
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    for c in s["checks"]:
        tol = c["tolerance"] * abs(c["expected"]) if c["expected"] else c["tolerance"]
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= tol, c
    assert s["all_checks_passed"]


def test_registered():
    assert experiments.get("hirsch-electrodynamics") is hirsch_electrodynamics
    assert experiments.get("kinetic-meissner") is kinetic_meissner


def test_hirsch_electrodynamics_reduced(tmp_path):
    cfg = build_config(hirsch_electrodynamics.Config, overrides=[
        "radius_um=0.5", "ring_inner_radius_um=0.25", "square_side_um=1.0", "radial_cells=500"])
    s = hirsch_electrodynamics.run(cfg, tmp_path)
    _assert_checks(s, tmp_path)
    n = s["hirsch_numbers"]
    assert n["E_m_V_per_cm_codata"] == pytest.approx(308323.4, rel=1e-6)
    assert n["v_sigma0_m_per_s"] == pytest.approx(723.548, rel=1e-5)
    assert n["orbit_angular_momentum_hbar"] == pytest.approx(0.5, rel=1e-12)
    # London: nothing; Hirsch: negative surface layer, outward interior field, potential drop ~ E_m R/2
    assert s["cylinder"]["rho_surface_C_per_m3"] < 0 < s["cylinder"]["rho0_C_per_m3"]
    assert s["cylinder"]["phi_centre_minus_surface_V"] == pytest.approx(s["cylinder"]["phi_centre_closed_form_V"],
                                                                       rel=1e-3)
    assert (tmp_path / "hirsch-electrodynamics.png").stat().st_size > 0 and (tmp_path / "hirsch.h5").exists()


def test_hirsch_electrodynamics_bad_input(tmp_path):
    with pytest.raises(ParameterError, match="grid_spacing_nm"):
        hirsch_electrodynamics.run(build_config(hirsch_electrodynamics.Config, overrides=["grid_spacing_nm=30"]),
                                   tmp_path)
    with pytest.raises(ParameterError, match="ring_inner_radius_um"):
        hirsch_electrodynamics.run(build_config(hirsch_electrodynamics.Config, overrides=["ring_inner_radius_um=1"]),
                                   tmp_path)
    with pytest.raises(ParameterError, match="precision"):
        hirsch_electrodynamics.run(build_config(hirsch_electrodynamics.Config, overrides=["precision=float32"]),
                                   tmp_path)


def test_kinetic_meissner_reduced(tmp_path):
    cfg = build_config(kinetic_meissner.Config, overrides=["radius_end=4.5", "n_radii=2", "ramp_time=40"])
    s = kinetic_meissner.run(cfg, tmp_path)
    _assert_checks(s, tmp_path)
    K = [o["K_phi"] for o in s["orbits"]]
    chi = [o["chi"] for o in s["orbits"]]
    assert K[0] > K[1] > 0 and chi[0] > chi[1]                          # expanding: less kinetic, more diamagnetic
    e = s["expansion"]
    assert e["L_mech_after_hbar"] < e["L_mech_before_hbar"] and e["r2_after"] > e["r2_before"]
    assert (tmp_path / "kinetic-meissner.png").stat().st_size > 0


def test_kinetic_meissner_bad_input(tmp_path):
    with pytest.raises(ParameterError, match="radius_end"):
        kinetic_meissner.run(build_config(kinetic_meissner.Config, overrides=["radius_end=2"]), tmp_path)
    with pytest.raises(ParameterError, match="grid_spacing"):
        kinetic_meissner.run(build_config(kinetic_meissner.Config, overrides=["grid_spacing=1"]), tmp_path)
