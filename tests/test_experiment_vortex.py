"""vortex at reduced size (κ = 2): flux Φ0 within 1%, K0 tail λ within 2%, Clem core within 5%."""
import json

from experiments import vortex
from experiments.config import build_config


def test_isolated_vortex_checks(tmp_path):
    cfg = build_config(vortex.Config, overrides=["kappa=2", "radius_lambda=8"])
    s = vortex.run(cfg, tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    by = {c["name"]: c for c in s["checks"]}
    assert abs(by["flux of the vortex"]["computed"] - 1.0) <= 0.01
    assert abs(by["field tail: fitted penetration depth (B ∝ K0(r/λ))"]["computed"] - 2.0) <= 0.02 * 2.0
    for c in s["checks"]:
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= c["tolerance"] * abs(c["expected"]), c
    assert s["fluxoid"] == 1.0 or abs(s["fluxoid"] - 1.0) < 1e-6
    assert 0.5 < s["J_max_over_depairing"] < 1.0          # the vortex current stays below depairing
    assert 0.5 < s["r_of_J_max_xi"] < 3.0                  # and peaks at the core edge, r ~ ξ
