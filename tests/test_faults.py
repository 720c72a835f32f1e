"""Bad input and faults on the command line: exit status 2 with one line naming the parameter (or the
file problem), no tracebacks; non-finite sweep points exit 1 and are named; Ctrl-C at any moment
exits 130; one run per output folder; killed runs are marked incomplete; the API's named errors."""
import json
import os
import signal
import subprocess
import sys
import time

import h5py
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from experiments import common
from experiments.cli import main
from experiments.show import show
from gl.driver import evolve
from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.geometry import Grid, Rectangle
from gl.io import StateFileError, load_state, save_state
from gl.lattice import make_lattice
from gl.model import UNIFORM, make_model
from gl.observables import magnetization
from gl.state import State, random_state, uniform_state

TINY = ["--set", "width_um=1.2", "--set", "height_um=1.2", "--set", "max_iter=300", "--no-progress"]


def run_cli(capsys, *argv):
    """(exit status, stderr) of ``glsim ARGV`` run in this process."""
    try:
        rc = main(list(argv))
    except SystemExit as e:                          # argparse's own errors
        rc = e.code
    err = capsys.readouterr().err
    return rc, err


def one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "np.float" not in err and "np.int" not in err, err
    return lines[0]


@pytest.fixture
def files(tmp_path):
    (tmp_path / "malformed.toml").write_text("width_um = [1.0\n")
    (tmp_path / "latin1.toml").write_bytes("width_um = 1.0  # Müller\n".encode("latin-1"))
    (tmp_path / "folder.toml").mkdir()
    (tmp_path / "a_file").write_text("not a folder")
    for name, content in (("truncated", None), ("garbage", b"\x00garbage" * 100)):
        (tmp_path / name).mkdir()
        if content is not None:
            (tmp_path / name / "checkpoint.h5").write_bytes(content)
    # a valid state file cut in half: HDF5 refuses it
    z = np.zeros((4, 4))
    save_state(tmp_path / "whole.h5", State(z + 0j, z, z), Grid(4, 4, 0.5, 0.5), z + 1, {"experiment": "vortex-film"})
    data = (tmp_path / "whole.h5").read_bytes()
    (tmp_path / "truncated" / "checkpoint.h5").write_bytes(data[: len(data) // 2])
    (tmp_path / "other").mkdir()
    save_state(tmp_path / "other" / "checkpoint.h5", State(z + 0j, z, z), Grid(4, 4, 0.5, 0.5), z + 1,
               {"experiment": "vortex", "config": {}, "step": 1, "time": 0.1, "dt": 0.1})
    return tmp_path


@pytest.mark.parametrize("args, expect", [
    (["--config", "{d}/malformed.toml"], r"parameter '--config' = '.*malformed.toml': is not valid TOML"),
    (["--config", "{d}/latin1.toml"], r"parameter '--config' = '.*latin1.toml': is not UTF-8 text"),
    (["--config", "{d}/folder.toml"], r"parameter '--config' = '.*folder.toml': is a folder"),
    (["--config", "{d}/missing.toml"], r"parameter '--config' = .*: no such file"),
    (["--out", "{d}/a_file"], r"parameter '--out' = '.*a_file': is a file, not a folder"),
    (["--out", "{d}/a_file/sub"], r"parameter '--out' = .*a_file' is a file, so no folder can be made under it"),
    (["--out", "{d}/truncated", "--resume"], r"parameter '--resume': cannot resume from .*truncated or corrupt"),
    (["--out", "{d}/garbage", "--resume"], r"parameter '--resume': cannot resume from .*truncated or corrupt"),
    (["--out", "{d}/other", "--resume"],
     r"parameter '--resume': .* is a checkpoint of the experiment 'vortex', not of 'vortex-film'"),
    (["--set", "width_um=10000", "--set", "height_um=10000"],
     r"parameters 'width_um', 'height_um' and 'grid_spacing_xi' give a \d+ × \d+ grid that needs about [\d.e+]+ bytes"),
    (["--set", "max_iter=-1"], r"parameter 'max_iter' = -1 is out of range: allowed integers ≥ 0"),
    (["--set", "minimize_tol=-1e-3"], r"parameter 'minimize_tol' = -0.001 is out of range: allowed \[0, ∞\)"),
    (["--set", "initial_amplitude=nan"], r"parameter 'initial_amplitude' = nan is out of range"),
    (["--set", "temperature_K=8"], r"parameter 'temperature_K' = 8.0 K is out of range: allowed \[0, 7.58\) K"),
    (["--set", "frames=-2"], r"parameter 'frames' = -2 is out of range: allowed \[0, 10000\]"),
    (["--set", "chunk_steps=0"], r"parameter 'chunk_steps' = 0 is out of range"),
    (["--set", "seed=-1"], r"parameter 'seed' = -1 is out of range"),
    (["--set", "grid_spacing_xi=1e-300"], r"give a grid of .* nodes: far more than any machine holds"),
    (["--set", "width_um"], r"parameter '--set' = 'width_um': expected KEY=VALUE"),
    (["--frames", "x"], r"parameter 'frames' = 'x' is not a valid integer"),
])
def test_run_bad_input_exits_2_with_one_line(capsys, files, args, expect):
    argv = ["run"] + [a.format(d=files) for a in args]
    if "--out" not in argv:
        argv += ["--out", str(files / "fresh")]
    rc, err = run_cli(capsys, *argv)
    assert rc == 2
    import re
    assert re.search(expect, one_error_line(err)), err
    assert not (files / "fresh").exists()                # refused input leaves no folder behind


@pytest.mark.parametrize("over, expect", [
    ("applied_field_mT=0:1:0", r"N = 0 is out of range: allowed 1 … 1000000"),
    ("applied_field_mT=0:1:-3", r"N = -3 is out of range"),
    ("applied_field_mT=0:nan:3", r"START and STOP must be finite"),
    ("applied_field_mT=a:b:3", r"expected KEY=START:STOP:N"),
    ("temperature_K=7:9:3", r"parameter 'temperature_K' = 8.0 K is out of range"),
    ("thickness_nm=1:2:3", r"cannot be swept"),
])
def test_sweep_bad_input_exits_2_with_one_line(capsys, tmp_path, over, expect):
    import re
    rc, err = run_cli(capsys, "sweep", "vortex-film", "--over", over, "--out", str(tmp_path / "s"))
    assert rc == 2 and re.search(expect, one_error_line(err)), err


def test_chunk_and_frames_flags_name_their_keys(capsys, tmp_path):
    rc, err = run_cli(capsys, "sweep", "vortex-film", "--over", "applied_field_mT=1:2:2", "--chunk", "0",
                      "--out", str(tmp_path / "s"))
    assert rc == 2 and "parameter '--chunk' = 0 is out of range: allowed ≥ 1" in one_error_line(err)
    rc, err = run_cli(capsys, "run", "meissner", "--frames", "3", "--out", str(tmp_path / "m"))
    assert rc == 2 and "parameter '--frames'" in one_error_line(err)
    rc, err = run_cli(capsys, "sweep", "vortex-film", "--chunk", "abc")
    assert rc == 2 and "--chunk" in one_error_line(err)
    rc, err = run_cli(capsys, "run", "--resume", "--overwrite", "--out", str(tmp_path / "r"))
    assert rc == 2 and "parameters '--resume' and '--overwrite' exclude each other" in one_error_line(err)
    rc, err = run_cli(capsys, "run", "--resume", "--out", str(tmp_path / "r"))
    assert rc == 2 and "parameter '--resume': no checkpoint at" in one_error_line(err)
    assert not (tmp_path / "r").exists()


def test_unwritable_out_folder(capsys, tmp_path, monkeypatch):
    """The machine's tests run as root, for whom permissions do not apply: the refusal is simulated at
    the one place the folder is first written (the lock file)."""
    real_open = os.open

    def refuse(path, *a, **k):
        if str(path).endswith(common.LOCK):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **k)

    monkeypatch.setattr(os, "open", refuse)
    rc, err = run_cli(capsys, "run", "--out", str(tmp_path / "ro"))
    assert rc == 2 and "parameter '--out' = " in err and "cannot write there (Permission denied)" in one_error_line(err)


def test_numpy_scalars_print_as_numbers(capsys, tmp_path, monkeypatch):
    from experiments import vortex_film

    def bad(cfg):
        raise ParameterError(f"parameter 'u' = {np.float64(2.5)!r} is out of range")

    monkeypatch.setattr(vortex_film, "setup", bad)
    rc, err = run_cli(capsys, "run", "--out", str(tmp_path / "n"))
    assert rc == 2 and one_error_line(err) == "glsim: error: parameter 'u' = 2.5 is out of range"


def test_bare_glsim_prints_help_and_list_shows_units_and_default(capsys):
    assert main([]) == 0
    assert "usage: glsim" in capsys.readouterr().out
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "vortex-film (default):" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("temperature_K ="))
    assert "[K]" in line and "temperature" in line.split("[K]")[1]
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("width_um ="))
    assert "[µm]" in line and "film width" in line


def test_ctrl_c_during_start_up_exits_130_cleanly(tmp_path):
    """SIGINT while Python imports JAX or sets the run up: status 130, one line, no traceback, no
    pointer to a checkpoint that does not exist."""
    out = tmp_path / "early"
    proc = subprocess.Popen([sys.executable, "-m", "experiments.cli", "run", "--out", str(out), "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    if not (out / "checkpoint.h5").exists():
        assert "checkpoint" not in err, err


def test_ctrl_c_in_set_up_names_no_checkpoint(capsys, tmp_path, monkeypatch):
    from experiments import vortex_film

    def interrupted(cfg):
        raise KeyboardInterrupt

    monkeypatch.setattr(vortex_film, "setup", interrupted)
    rc, err = run_cli(capsys, "run", "--out", str(tmp_path / "k"))
    assert rc == 130
    assert one_error_line(err) == "glsim: interrupted before the run started; nothing was written"
    assert not (tmp_path / "k").exists()


def test_ctrl_c_swallowed_during_the_run_still_exits_130(capsys, tmp_path, monkeypatch):
    """A Ctrl-C whose KeyboardInterrupt a library swallows (raised inside a gc or HDF5 callback) while the
    run goes on to the end: the command line remembers it and exits 130 with one line, not 0."""
    import signal

    from experiments import vortex_film

    def run_that_swallows(cfg, out, resume=False, progress=True):
        try:
            signal.getsignal(signal.SIGINT)(signal.SIGINT, None)       # the handler, as Python would call it
        except KeyboardInterrupt:
            pass                                                       # ... inside code that drops it
        return {"n_vortices": 0}

    monkeypatch.setattr(vortex_film, "run", run_that_swallows)
    rc, err = run_cli(capsys, "run", "--out", str(tmp_path / "s"), "--no-progress")
    assert rc == 130
    assert one_error_line(err).startswith("glsim: interrupted")


def test_ctrl_c_after_the_last_chunk_is_handed_back():
    """gl.driver's chunk loop takes SIGINT over while it runs; a Ctrl-C that comes after its last look at
    the flag is handed back to the command line's handler (``pending``) when the loop's handler is
    removed, so the command line's final check still ends the run with 130."""
    import signal

    from experiments.cli import _CtrlC
    from gl.driver import _sigint_flag

    cli = _CtrlC()
    before = signal.signal(signal.SIGINT, cli)
    try:
        with _sigint_flag() as flag:
            signal.getsignal(signal.SIGINT)(signal.SIGINT, None)      # arrives after the loop's last check
            assert flag["set"] and not cli.pending
        assert signal.getsignal(signal.SIGINT) is cli and cli.pending
        with pytest.raises(KeyboardInterrupt):
            cli.check()
    finally:
        signal.signal(signal.SIGINT, before)


def test_non_finite_sweep_points_exit_1_and_are_named(capsys, tmp_path):
    """|ψ| ≈ 30 at the start overshoots forward Euler (as in test_errors): every point diverges. The
    sweep exits 1 naming the points, marks them in sweep.h5 and the summary; every dataset of
    sweep.h5 has units and a description."""
    out = tmp_path / "nan"
    rc, err = run_cli(capsys, "sweep", "vortex-film", "--over", "applied_field_mT=5,10", "--out", str(out),
                      "--set", "width_um=1.2", "--set", "height_um=1.2", "--set", "t_final=20",
                      "--set", "initial_amplitude=30", "--no-progress")
    assert rc == 1
    line = one_error_line(err)
    assert "2 of 2 sweep points went non-finite" in line and "#0 (applied_field_mT=5)" in line \
        and "#1 (applied_field_mT=10)" in line
    summary = json.loads((out / "summary.json").read_text())
    assert [p["index"] for p in summary["failed_points"]] == [0, 1] and summary["all_points_finite"] is False
    assert json.loads((out / common.MANIFEST).read_text())["status"] == "failed"
    with h5py.File(out / "sweep.h5") as f:
        assert f["point_failed"][()].tolist() == [1, 1]
        for name, d in f.items():
            assert "units" in d.attrs and d.attrs["description"], name


def test_one_run_per_folder_killed_runs_marked_and_overwrite(capsys, tmp_path):
    """A second run into a running run's folder is refused; SIGKILL leaves the folder marked
    incomplete; a new run there needs --overwrite (which replaces every file of the old run);
    --resume with a shorter t_final says so."""
    out = tmp_path / "busy"
    proc = subprocess.Popen([sys.executable, "-m", "experiments.cli", "run", "--out", str(out), *TINY,
                             "--set", "t_final=1e6", "--set", "chunk_steps=50", "--set", "checkpoint_every=1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 240
        while not (out / "checkpoint.h5").exists() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert (out / "checkpoint.h5").exists(), proc.stderr.read() if proc.poll() is not None else "timeout"
        rc, err = run_cli(capsys, "run", "--out", str(out), "--overwrite")
        assert rc == 2 and f"another glsim run (pid {proc.pid}) is writing to this folder" in one_error_line(err)
        assert "running (in progress)" in show(out)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    text = show(out)
    assert "INCOMPLETE (the run was killed before it finished)" in text
    rc, err = run_cli(capsys, "run", "--out", str(out), *TINY, "--set", "t_final=40")
    assert rc == 2 and "already holds the results of a run (status: running)" in one_error_line(err)
    assert "--overwrite" in err
    old_step = load_state(out / "checkpoint.h5")[2]["step"]
    (out / "stale.png").write_text("from the killed run")
    assert main(["run", "--out", str(out), *TINY, "--set", "t_final=40", "--overwrite"]) == 0
    capsys.readouterr()
    manifest = json.loads((out / common.MANIFEST).read_text())
    assert manifest["status"] == "complete" and "result.h5" in manifest["files"]
    assert not (out / "stale.png").exists()
    meta = load_state(out / "checkpoint.h5")[2]
    assert meta["config"]["t_final"] == 40 and meta["step"] != old_step
    rc, err = run_cli(capsys, "run", "--out", str(out), *TINY, "--set", "t_final=10", "--resume")
    assert rc == 2 and "parameter 't_final' = 10 t0 is shorter than the checkpoint's time" in one_error_line(err)
    assert json.loads((out / common.MANIFEST).read_text())["status"] == "complete"   # refused: folder as it was


def test_api_named_errors():
    grid = Grid.covering(5, 5, 0.5)
    lat = make_lattice(grid, Rectangle(5, 5))
    model = make_model(2.0, 0.2, vector_potential=UNIFORM)
    good = random_state(lat, *applied_link_phases(grid, 0.2), jax.random.PRNGKey(0))
    other = make_lattice(Grid.covering(6, 5, 0.5))
    with pytest.raises(ParameterError, match=r"parameter 'state' does not fit the lattice"):
        evolve(good, model, other, n_steps=2, progress=False)
    s32 = State(good.psi.astype(jnp.complex64), good.ax.astype(jnp.float32), good.ay.astype(jnp.float32))
    with pytest.raises(ParameterError, match=r"parameter 'state' has dtypes psi complex64"):
        evolve(s32, model, lat, n_steps=2, progress=False)
    lat32 = make_lattice(grid, Rectangle(5, 5), dtype=jnp.float32)
    with pytest.raises(ParameterError, match=r"parameter 'model' has dtype float64 .* dtype=float32"):
        evolve(s32, model, lat32, n_steps=2, progress=False)
    nan = good.replace(psi=good.psi.at[3, 3].set(jnp.nan))
    with pytest.raises(ParameterError, match=r"parameter 'state' holds non-finite values"):
        evolve(nan, model, lat, n_steps=2, progress=False)
    for kappa in (0.0, -1.0, float("nan")):
        with pytest.raises(ParameterError, match=r"parameter 'kappa'"):
            magnetization(good, lat, kappa)
    with pytest.raises(ParameterError, match=r"parameter 'state' does not fit the lattice"):
        magnetization(good, other, 2.0)
    for n in (2.5, -1, "ten"):
        with pytest.raises(ParameterError, match=r"parameter 'n_steps'"):
            evolve(good, model, lat, n_steps=n, progress=False)


@pytest.mark.parametrize("vp", ["uniform", "frozen", "bulk"])
def test_float32_run_keeps_float32_everywhere(vp):
    grid = Grid.covering(5, 5, 0.5)
    lat = make_lattice(grid, Rectangle(5, 5), dtype=jnp.float32)
    model = make_model(2.0, 0.2, vector_potential=vp, dtype=jnp.float32)
    s = random_state(lat, *applied_link_phases(grid, 0.2, dtype=jnp.float32), jax.random.PRNGKey(0))
    traj = evolve(s, model, lat, n_steps=8, chunk_steps=4, progress=False, snapshots=2)
    assert traj.state.psi.dtype == jnp.complex64
    assert traj.state.ax.dtype == jnp.float32 and traj.state.ay.dtype == jnp.float32
    assert len(traj.history["frame_time"]) == 2 and traj.history["frame_time"] == [0.0, traj.time]


def test_state_files_refused_by_name(tmp_path):
    (tmp_path / "junk.h5").write_bytes(b"junk" * 10)
    with pytest.raises(StateFileError, match=r"not a readable glsim state/checkpoint file"):
        load_state(tmp_path / "junk.h5")
    with pytest.raises(StateFileError, match=r"is a folder"):
        load_state(tmp_path)
    with h5py.File(tmp_path / "plain.h5", "w") as f:
        f["data"] = np.zeros(3)
    with pytest.raises(StateFileError, match=r"lacks \['psi', 'ax', 'ay'"):
        load_state(tmp_path / "plain.h5")
    lat = make_lattice(Grid.covering(3, 3, 0.5))
    s = uniform_state(lat, *applied_link_phases(lat.grid, 0.0))
    with pytest.raises(ParameterError, match="reserved"):
        save_state(tmp_path / "s.h5", s, lat.grid, lat.site, {}, {"psi": np.zeros(2)})
