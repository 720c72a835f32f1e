"""ring-fluxoid at reduced size: parabola crossings at n + ½ and |ψ|² = 1 − (ξ/R)²(n − Φ/Φ0)²
within 2%, hysteresis jump at the Eckhaus limit within 2%, Little–Parks amplitude and period
within 2%, integer fluxoid of a wide ring, field-cooling steps of one Φ0."""
import json

from experiments import ring_fluxoid
from experiments.config import build_config


def test_ring_fluxoid_checks(tmp_path):
    cfg = build_config(ring_fluxoid.Config, overrides=["flux_max=2", "wide_fields=4", "cooling_fields=6"])
    s = ring_fluxoid.run(cfg, tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    names = [c["name"] for c in s["checks"]]
    for must in ("thin ring: ground state 0->1 at flux", "thin ring: ground state 1->2 at flux",
                 "hysteresis: first up-sweep jump (Eckhaus limit)", "Little-Parks: 1 - Tc/Tc0 at flux 1/2",
                 "Little-Parks: period", "wide ring: max |fluxoid - nearest integer|",
                 "field cooling: height of every fluxoid step"):
        assert must in names, must
    for c in s["checks"]:
        tol = c["tolerance"] * abs(c["expected"]) if c["expected"] else c["tolerance"]
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= tol, c
    assert (tmp_path / "ring_fluxoid.png").stat().st_size > 0
