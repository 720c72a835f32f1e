"""What a run writes, read as a physicist would without the code: result.h5 (plaquette-shaped B_z,
datasets at the top level with units and descriptions, µm coordinates, snapshots), the run
manifest, energy.png of both stages, field.png with a sane colour range, glsim show and glsim movie."""
import json

import h5py
import numpy as np
import pytest
from PIL import Image

from experiments.cli import main
from experiments.common import MANIFEST
from experiments.plotting import field_limits
from gl.io import load_state

FRAMES = 4


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs") / "film"
    assert main(["run", "--out", str(out), "--no-progress", "--frames", str(FRAMES), "--set", "width_um=1.2",
                 "--set", "height_um=1.2", "--set", "t_final=100", "--set", "max_iter=500"]) == 0
    return out, json.loads((out / "summary.json").read_text())


def test_bz_is_the_plaquette_field(run):
    """B_z has one value per plaquette of the box, (nx − 1, ny − 1), no padding row or column: with
    A frozen its mean is the applied field (it was diluted by a zero row and column before)."""
    out, s = run
    nx, ny = s["grid"]
    with h5py.File(out / "result.h5") as f:
        bz, bz_mT = f["bz"][()], f["bz_mT"][()]
        assert bz.shape == (nx - 1, ny - 1) == bz_mT.shape
        assert f["x_plaquette"].shape == (nx - 1,) and f["y_plaquette"].shape == (ny - 1,)
    np.testing.assert_allclose(bz.mean(), s["applied_field_Bc2"], rtol=1e-9)
    np.testing.assert_allclose(bz_mT.mean(), s["applied_field_mT"], rtol=1e-9)
    assert s["mean_field_mT"] == pytest.approx(s["applied_field_mT"], rel=1e-9)


def test_every_dataset_has_units_and_description_at_top_level(run):
    out, s = run
    with h5py.File(out / "result.h5") as f:
        assert "extra" not in f
        for name, d in f.items():
            assert isinstance(d, h5py.Dataset), name
            assert "units" in d.attrs and len(d.attrs["description"]) > 10, name
        for name in ("density", "bz", "jx_nodes", "vortex_x", "vortex_x_um", "x_um", "y_um", "history_energy"):
            assert name in f, name
        xi_um = s["xi_nm"] * 1e-3
        np.testing.assert_allclose(f["x_um"][()], f["x"][()] * xi_um, rtol=1e-12)
        np.testing.assert_allclose(f["vortex_y_um"][()], f["vortex_y"][()] * xi_um, rtol=1e-12)
        assert f["x_um"].attrs["units"] == "um" and f["bz_mT"].attrs["units"] == "mT"
    # the engine's reader still gives the state and the caller's arrays
    state, grid, _, extra = load_state(out / "result.h5")
    assert state.psi.shape == (grid.nx, grid.ny) and len(extra["vortex_x"]) == s["net_vorticity"]


def test_frames_store_snapshots_in_si_and_xi_time(run):
    out, s = run
    with h5py.File(out / "result.h5") as f:
        t, t_s = f["frame_time"][()], f["frame_time_s"][()]
        dens, phase, bz = f["frame_density"][()], f["frame_phase"][()], f["frame_bz"][()]
    nx, ny = s["grid"]
    assert dens.shape == phase.shape == (FRAMES, nx, ny) and bz.shape == (FRAMES, nx - 1, ny - 1)
    assert t[0] == 0 and t[-1] == pytest.approx(s["tdgl"]["t_final_t0"]) and np.all(np.diff(t) > 0)
    np.testing.assert_allclose(t_s, t * s["t0_s"], rtol=1e-12)
    assert dens[0].max() < 0.5 < dens[-1].max()           # the quench from small ψ recovers
    assert np.all(np.isfinite(dens)) and np.all(np.abs(phase) <= np.pi + 1e-6)


def test_manifest_energy_and_field_figures(run):
    out, s = run
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["status"] == "complete" and manifest["experiment"] == "vortex-film"
    assert {"result.h5", "summary.json", "energy.png", "field.png"} <= set(manifest["files"])
    assert s["tdgl"]["final_free_energy"] >= s["minimization"]["final_free_energy"] == s["free_energy"]
    for name in ("energy.png", "field.png"):
        assert Image.open(out / name).size[0] > 500
    assert Image.open(out / "energy.png").size[0] > Image.open(out / "field.png").size[0]   # two panels


def test_field_colour_range_is_never_round_off():
    flat = 0.2 + 1e-15 * np.random.default_rng(0).normal(size=(20, 20))
    lo, hi, is_flat = field_limits(flat)
    assert is_flat and lo == pytest.approx(0.19) and hi == pytest.approx(0.21)
    lo, hi, is_flat = field_limits(np.linspace(0.1, 0.3, 9))
    assert not is_flat and (lo, hi) == (0.1, 0.3)
    lo, hi, is_flat = field_limits(np.zeros((3, 3)))         # zero field: a finite range about 0
    assert is_flat and lo < 0 < hi


def test_show_prints_summary_and_datasets(run, capsys):
    out, s = run
    assert main(["show", str(out)]) == 0
    text = capsys.readouterr().out
    assert "status: complete" in text and f"n_vortices = {s['n_vortices']}" in text
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("bz "))
    nx, ny = s["grid"]
    assert f"{nx - 1}×{ny - 1}" in line and "[Bc2]" in line and "plaquettes" in line
    assert "check [PASS]" in text and "frame_density" in text


def test_movie_writes_an_animated_gif(run, capsys):
    out, _ = run
    assert main(["movie", str(out), "--fps", "4"]) == 0
    gif = Image.open(out / "movie.gif")
    assert gif.n_frames == FRAMES and gif.size[0] > gif.size[1]
    assert not list(out.glob("*.tmp*"))


def test_movie_and_show_refuse_folders_without_results(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["show", str(tmp_path / "empty")]) == 2
    assert "holds no glsim results" in capsys.readouterr().err
    assert main(["movie", str(tmp_path / "empty")]) == 2
    assert "holds no result.h5" in capsys.readouterr().err
    assert main(["movie", str(tmp_path), "--output", str(tmp_path / "m.avi")]) == 2
