"""aharonov-bohm-ring: spectrum periodic in Φ with period h/e (electron) and h/2e (Cooper pair),
integer ground-state fluxoid, parabola curvature ħ²/(2mR²) within 1%."""
import json

from experiments import aharonov_bohm_ring
from experiments.config import build_config
from gl.units import ELEMENTARY_CHARGE, PLANCK_H


def test_aharonov_bohm_checks(tmp_path):
    s = aharonov_bohm_ring.run(build_config(aharonov_bohm_ring.Config, overrides=["flux_points=121", "sites=48"]),
                               tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    assert abs(s["electron"]["period_Wb"] / (PLANCK_H / ELEMENTARY_CHARGE) - 1) < 1e-3
    assert abs(s["cooper_pair"]["period_Wb"] / (PLANCK_H / (2 * ELEMENTARY_CHARGE)) - 1) < 1e-3
    for c in s["checks"]:
        tol = c["tolerance"] * abs(c["expected"]) if c["expected"] else c["tolerance"]
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= tol, c
