"""depairing: J_max = 2/(3√3) J0 at |ψ|² = 2/3 and q = 1/√3 within 1% (GL wire)."""
import json
import math

from experiments import depairing
from experiments.config import build_config


def test_wire_depairing_current(tmp_path):
    s = depairing.run(build_config(depairing.Config, overrides=["q_points=48", "wire_sites=100", "wire_length=10"]),
                      tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    assert abs(s["J_max_J0"] - 2 / (3 * math.sqrt(3))) <= 0.01 * 2 / (3 * math.sqrt(3))
    assert abs(s["density_at_max"] - 2 / 3) <= 0.01 * 2 / 3
    for c in s["checks"]:
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= c["tolerance"] * abs(c["expected"]), c
