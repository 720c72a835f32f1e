"""mqm-invariants at reduced size: norm conserved to 1e-10 over 10⁴ Crank–Nicolson steps,
continuity residual of order Δt², gauge invariance to round-off (static χ) and O(Δt²) (time-dependent χ)."""
import json

from experiments import mqm_invariants
from experiments.config import build_config


def test_mqm_invariants_checks(tmp_path):
    s = mqm_invariants.run(build_config(mqm_invariants.Config, overrides=["radius=4"]), tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    assert s["norm_drift"] < 1e-10
    for c in s["checks"]:
        tol = c["tolerance"] * abs(c["expected"]) if c["expected"] else c["tolerance"]
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= tol, c
