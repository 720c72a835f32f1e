"""landau-levels at reduced size: E_n = ħω_c(n + ½) within 0.5% for n = 0, 1, 2 and the lowest
level holding exactly N_Φ states (|q|B/h per area)."""
import json

from experiments import landau_levels
from experiments.config import build_config


def test_landau_levels_checks(tmp_path):
    s = landau_levels.run(build_config(landau_levels.Config, overrides=["flux_quanta=2"]), tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    names = [c["name"] for c in s["checks"]]
    assert "degeneracy of the lowest level = |q|B·S/h" in names and len(names) == 5
    assert abs(s["magnetic_length_fit"] - 2.0) <= 0.02            # l_B = 1/√B = 2 at B = 0.25
    for c in s["checks"]:
        tol = c["tolerance"] * abs(c["expected"])
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= tol, c
