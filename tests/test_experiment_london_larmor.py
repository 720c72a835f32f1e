"""london-from-psi and larmor-diamagnetism: every check of the default physics at reduced size."""
import json

from experiments import larmor_diamagnetism, london_from_psi
from experiments.config import build_config


def _assert_checks(s, tmp_path):
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    for c in s["checks"]:
        tol = c["tolerance"] * abs(c["expected"]) if c["expected"] else c["tolerance"]
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= tol, c


def test_london_from_psi(tmp_path):
    s = london_from_psi.run(build_config(london_from_psi.Config, overrides=["ring_radius=5"]), tmp_path)
    assert abs(s["josephson_GHz_per_mV"] - 483.5978) < 0.05
    assert abs(s["second_london_ratio"] + 1) < 0.01
    _assert_checks(s, tmp_path)


def test_larmor_diamagnetism(tmp_path):
    s = larmor_diamagnetism.run(build_config(larmor_diamagnetism.Config, overrides=["radius=5", "ramp_time=60"]),
                                tmp_path)
    assert s["r2_after"] > s["r2_before"] and s["mu_after"] < s["mu_before"] < 0     # wider → more diamagnetic
    _assert_checks(s, tmp_path)
