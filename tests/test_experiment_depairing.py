"""depairing: J_max = 2/(3√3) J0 at |ψ|² = 2/3 and q = 1/√3 within 1% (GL wire); the current-biased
strip has zero voltage below its critical current and Ohm's law (1%) in the normal state."""
import json
import math

from experiments import depairing
from experiments.config import build_config


def test_wire_depairing_current(tmp_path):
    s = depairing.run(build_config(depairing.Config, overrides=["q_points=48", "wire_sites=100", "wire_length=10",
                                                            "strip_length=28", "strip_width=6", "bias_step=0.05",
                                                            "bias_steps=6000"]),
                      tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    assert abs(s["J_max_J0"] - 2 / (3 * math.sqrt(3))) <= 0.01 * 2 / (3 * math.sqrt(3))
    assert abs(s["density_at_max"] - 2 / 3) <= 0.01 * 2 / 3
    names = {c["name"] for c in s["checks"]}
    assert {"strip: Ohmic normal state V/J at the highest bias",
            "strip: largest R/R_n at bias <= 0.8 J_c (zero voltage)"} <= names
    for c in s["checks"]:
        tol = c["tolerance"] * abs(c["expected"]) if c["expected"] else c["tolerance"]
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= tol, c
    assert 0 < s["strip"]["critical_current_J0"] < 2 / (3 * math.sqrt(3))   # dissipation sets in below depairing
