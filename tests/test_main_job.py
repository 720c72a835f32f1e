"""The main job (``glsim run`` = vortex-film) end to end, checkpoints, Ctrl-C and --resume."""
import json
import math
import subprocess
import sys

import jax
import numpy as np
import pytest

from experiments.vortex_film import Config, expected_vortex_range
from gl import observables as obs
from experiments.cli import main
from gl.driver import Checkpointer, evolve
from gl.errors import RunInterrupted
from gl.gauge import applied_link_phases
from gl.geometry import Grid, Rectangle
from gl.io import load_state
from gl.lattice import make_lattice, plaquette_region
from gl.model import make_model
from gl.state import State, random_state

FILES = ["result.h5", "summary.json", "checkpoint.h5", "density.png", "phase.png", "field.png", "currents.png",
         "energy.png"]
SMALL = ["width_um=3", "height_um=2.5", "t_final=150", "max_iter=300"]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("vortex-film")
    assert main(["run", "--out", str(out), "--no-progress"]) == 0     # no experiment named: the default
    return out, json.loads((out / "summary.json").read_text())


def test_default_vortex_count_matches_applied_flux(default_run):
    """Vortex count of the default (dirty Nb film, 2.5 µm square, 20 mT ≈ 60 Φ0) lies in the expected range.

    Range (see ``expected_vortex_range``): at most the applied flux N_Φ = b·S/2π, because with A
    frozen the interior vortex density equals the applied flux density and the edge Meissner
    current keeps a vortex-free strip along the edges; at least the flux through the interior
    left after removing a strip one triangular-lattice spacing wide along every edge.
    For the default: about 31.6 ≤ N ≤ 60.4.
    """
    out, s = default_run
    W, H = s["film_size_xi"]
    lo, hi = expected_vortex_range(W, H, s["applied_field_Bc2"])
    assert 30 < lo < hi < 65 and hi == pytest.approx(s["applied_flux_Phi0"])
    assert s["n_antivortices"] == 0
    assert lo <= s["n_vortices"] <= hi, (s["n_vortices"], lo, hi)
    # applied flux from SI (B·S/Φ0) agrees with the GL-unit value b·S/2π
    assert s["applied_flux_check_Phi0"] == pytest.approx(s["applied_flux_Phi0"], rel=1e-10)
    assert s["minimization"]["converged"], s["minimization"]


def test_default_writes_every_file_and_fluxoid_counts_vortices(default_run):
    out, s = default_run
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
    state, grid, meta, extra = load_state(out / "result.h5")
    assert meta["config"] == Config().__dict__
    lat = make_lattice(grid, Rectangle(*s["film_size_xi"]))
    st = State(*(jax.numpy.asarray(a) for a in (state.psi, state.ax, state.ay)))
    assert obs.vortices(st, lat)["net"] == s["net_vorticity"] == len(extra["vortex_x"])
    # a contour one ξ inside the film edge encloses every vortex
    W, H = s["film_size_xi"]
    f = obs.fluxoid(st, lat, plaquette_region(grid, Rectangle(W - 2, H - 2)))
    assert abs(f["fluxoid"] - s["net_vorticity"]) < 1e-6


def test_cli_command_end_to_end_at_reduced_size(tmp_path):
    out = tmp_path / "small"
    cmd = [sys.executable, "-m", "experiments.cli", "run", "vortex-film", "--out", str(out), "--no-progress"]
    for kv in SMALL:
        cmd += ["--set", kv]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    s = json.loads((out / "summary.json").read_text())
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
    assert s["n_vortices"] >= 1 and s["applied_flux_Phi0"] > s["n_vortices"]
    assert "n_vortices" in proc.stdout


def test_resume_from_checkpoint_continues_the_run(tmp_path):
    out = str(tmp_path / "res")
    assert main(["run", "--out", out, "--no-progress", *sum([["--set", kv] for kv in SMALL], [])]) == 0
    first = json.loads((tmp_path / "res" / "summary.json").read_text())
    more = [kv if not kv.startswith("t_final") else "t_final=300" for kv in SMALL]
    assert main(["run", "--out", out, "--no-progress", "--resume", *sum([["--set", kv] for kv in more], [])]) == 0
    second = json.loads((tmp_path / "res" / "summary.json").read_text())
    assert second["resumed"] and second["tdgl"]["steps"] == math.ceil(300 / first["tdgl"]["dt_t0"])
    assert second["tdgl"]["steps"] > first["tdgl"]["steps"]
    # changing the physics is refused
    assert main(["run", "--out", out, "--no-progress", "--resume", "--set", "applied_field_mT=2"]) == 2


def test_interrupt_writes_checkpoint_and_resume_matches_uninterrupted_run(tmp_path):
    grid = Grid.covering(12, 12, 0.5)
    lat = make_lattice(grid, Rectangle(12, 12))
    params = make_model(2.0, 0.4)
    s0 = random_state(lat, *applied_link_phases(grid, 0.4), jax.random.PRNGKey(0), 0.2)
    straight = evolve(s0, params, lat, n_steps=600, chunk_steps=100, progress=False)

    def ctrl_c_after_three_chunks(traj):
        if traj.step == 300:
            raise KeyboardInterrupt

    ck = Checkpointer(tmp_path / "ck.h5", every=100)     # only the interrupt writes it
    with pytest.raises(RunInterrupted, match="interrupted at step 300"):
        evolve(s0, params, lat, n_steps=600, chunk_steps=100, checkpoint=ck, on_chunk=ctrl_c_after_three_chunks,
               progress=False)
    back = ck.load(s0)
    assert back.step == 300 and back.time == pytest.approx(300 * straight.dt)
    resumed = evolve(s0, params, lat, n_steps=600, chunk_steps=100, resume_from=back, progress=False)
    assert resumed.step == 600
    for a, b in zip(jax.tree_util.tree_leaves(resumed.state), jax.tree_util.tree_leaves(straight.state)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=0, atol=1e-12)
    np.testing.assert_allclose(resumed.history["energy"], straight.history["energy"], rtol=1e-12)


def test_ctrl_c_writes_checkpoint_and_exits_cleanly(tmp_path):
    """A real SIGINT to the running command: exit status 130, a checkpoint, and --resume finishes."""
    import signal
    import time

    out = tmp_path / "sigint"
    base = [sys.executable, "-m", "experiments.cli", "run", "--out", str(out), "--no-progress", "--set", "width_um=3",
            "--set", "height_um=3"]
    long_run = ["--set", "t_final=1e6", "--set", "chunk_steps=200", "--set", "checkpoint_every=1"]
    proc = subprocess.Popen(base + long_run, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while not (out / "checkpoint.h5").exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "--resume" in err and "checkpoint" in err
    _, _, meta, _ = load_state(out / "checkpoint.h5")
    assert meta["step"] > 0
    done = subprocess.run(base + ["--set", f"t_final={meta['time'] + 20}", "--set", "max_iter=200", "--resume"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "summary.json").read_text())["resumed"]


@pytest.mark.parametrize("field", [0.0, -12.0])
def test_zero_and_negative_fields_give_honest_checks(tmp_path, field):
    """Zero field: no vortices and a passing check (it used to crash dividing by the flux); a
    negative field: antivortices, the net vorticity inside the mirrored range. summary.json is strict JSON."""
    out = tmp_path / "run"
    rc = main(["run", "--out", str(out), "--no-progress", "--set", "width_um=1.2", "--set", "height_um=1.2",
               "--set", f"applied_field_mT={field}", "--set", "t_final=150", "--set", "max_iter=2000"])
    assert rc == 0
    text = (out / "summary.json").read_text()
    s = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert s["checks"] and s["all_checks_passed"] is True
    if field == 0:
        assert s["n_vortices"] == s["n_antivortices"] == 0 and s["vortices_per_applied_flux_quantum"] is None
    else:
        assert s["n_vortices"] == 0 and s["n_antivortices"] > 0 and s["net_vorticity"] < 0


def test_screened_film_run_reports_pearl_length_and_the_frozen_comparison(tmp_path):
    """``--set vector_potential=pearl``: a 1 µm Nb film, 100 nm thick at 6.5 K (Λ = 2λ²/d ≈ 1.0 µm,
    comparable to the film), 10 mT. The summary gives Λ and the vortex count beside the frozen-A
    twin; field_above.png and bz_above are written; the film screens (mean B_z 0.2 µm above the
    film below the applied field) and the screened count is not above the applied flux."""
    out = tmp_path / "pearl"
    cfg = ["vector_potential=pearl", "width_um=1", "height_um=1", "temperature_K=6.5", "thickness_nm=100",
           "applied_field_mT=10", "t_final=150", "max_iter=300"]
    assert main(["run", "--out", str(out), "--no-progress", *sum([["--set", kv] for kv in cfg], [])]) == 0
    s = json.loads((out / "summary.json").read_text())
    sc = s["screening"]
    assert sc["pearl_length_um"] == pytest.approx(s["pearl_length_um"]) and 0.9 < sc["pearl_length_um"] < 1.1
    assert sc["pearl_length_xi"] == pytest.approx(sc["pearl_length_um"] * 1e3 / s["xi_nm"])
    assert sc["vortex_count_change"] == sc["n_vortices_screened"] - sc["n_vortices_frozen_A"]
    assert sc["n_vortices_screened"] == s["net_vorticity"] <= s["applied_flux_Phi0"]
    assert sc["mean_field_above_mT"] < 10.0
    assert (out / "field_above.png").stat().st_size > 0
    import h5py
    with h5py.File(out / "result.h5") as f:
        assert f["bz_above"].shape == f["bz"].shape


def test_unconverged_minimization_is_reported(tmp_path, capsys):
    """A minimization cut off by max_iter is not passed off as a minimum: the summary says
    converged = false with its gradient norm above minimize_tol, and the run warns on stderr."""
    out = tmp_path / "short"
    cfg = [kv if not kv.startswith("max_iter") else "max_iter=5" for kv in SMALL]
    assert main(["run", "--out", str(out), "--no-progress", *sum([["--set", kv] for kv in cfg], [])]) == 0
    m = json.loads((out / "summary.json").read_text())["minimization"]
    assert m["iterations"] <= 5 and not m["converged"] and m["grad_norm"] > Config().minimize_tol
    assert "L-BFGS stopped after" in capsys.readouterr().err


@pytest.mark.parametrize("edge_cells", ["whole", "half"])
def test_edge_cells_set_the_modelled_film_area(tmp_path, edge_cells):
    """``--set edge_cells=half``: the film is exactly width × height. Zero field from ψ = 1, so the
    free energy is −½ × the modelled area (ε = 1 at the run's temperature, lengths in ξ(T)): W·H with
    half edge cells, (W + hx)(H + hy) with whole ones; the summary states both (1e-9 relative)."""
    out = tmp_path / edge_cells
    cfg = [f"edge_cells={edge_cells}", "width_um=1.2", "height_um=0.9", "applied_field_mT=0", "initial_amplitude=0",
           "t_final=5", "minimize=false"]
    assert main(["run", "--out", str(out), "--no-progress", *sum([["--set", kv] for kv in cfg], [])]) == 0
    s = json.loads((out / "summary.json").read_text())
    (W, H), (hx, hy) = s["film_size_xi"], s["grid_spacing_xi"]
    area = W * H if edge_cells == "half" else (W + hx) * (H + hy)
    assert s["edge_cells"] == edge_cells
    assert s["modelled_area_xi2"] == pytest.approx(area, rel=1e-9)
    assert s["free_energy"] == pytest.approx(-0.5 * area, rel=1e-9)
