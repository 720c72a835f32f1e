"""meissner experiment at reduced resolution: fitted λ within 2% for slab and disk (London)."""
import json

import pytest

from experiments import meissner
from experiments.config import build_config


def test_meissner_checks(tmp_path):
    cfg = build_config(meissner.Config, overrides=["disk_radius=16", "disk_kappa=6", "margin=3", "sweep_points=6"])
    s = meissner.run(cfg, tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["checks"] == s["checks"]
    by = {c["name"]: c for c in s["checks"]}
    assert by["slab: fitted penetration depth"]["computed"] == pytest.approx(10.0, rel=0.02)
    assert by["disk: fitted penetration depth"]["computed"] == pytest.approx(6.0, rel=0.02)
    for c in s["checks"]:
        assert c["passed"] and abs(c["computed"] - c["expected"]) <= c["tolerance"] * abs(c["expected"]), c
    # |ψ|² at the surface decreases monotonically with the applied field
    import h5py
    with h5py.File(tmp_path / "meissner.h5") as f:
        surf = f["sweep_surface_density"][()]
    assert surf[0] == pytest.approx(1.0, abs=1e-6) and all(surf[1:] <= surf[:-1] + 1e-9)
    assert (tmp_path / "meissner.png").stat().st_size > 0
