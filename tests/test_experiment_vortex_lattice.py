"""vortex-lattice at reduced size: N vortices exactly in a magnetically periodic cell, triangular
spacing, H_c2 = 1 and β_A = 1.1596 within 2%, Abrikosov slope dM/dH within 5%."""
import json

from experiments import vortex_lattice
from experiments.config import build_config


def test_vortex_lattice_checks(tmp_path):
    cfg = build_config(vortex_lattice.Config, overrides=["lattice_field=0.8", "b_min=0.4", "b_points=1",
                                                                  "mid_points=1", "top_points=3", "film_size=24"])
    s = vortex_lattice.run(cfg, tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    by = {c["name"]: c for c in s["checks"]}
    assert by["periodic cell: vortex count = N"]["computed"] == 8
    assert abs(by["Hc2 (mean |psi|^2 -> 0)"]["computed"] - 1.0) <= 0.02
    for c in s["checks"]:
        tol = c["tolerance"] * abs(c["expected"]) if c["expected"] else c["tolerance"]
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= tol, c
    assert s["structure"]["psi6"] > 0.9          # sixfold order of the triangular lattice
    # the finite film holds no more vortices than the applied flux quanta (edge Meissner current)
    assert 0 < s["film"]["n_vortices"] <= s["film"]["applied_flux_Phi0"]
