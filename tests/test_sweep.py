"""Batched sweeps (gl.batch, experiments.sweep, ``glsim sweep``): one compilation, batch = single runs, physics per point."""
import h5py
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from experiments import depairing, vortex_film
from experiments.sweep import run_sweep
from experiments.sweep_vortex_film import build
from gl.batch import parameter_grid, parse_axis, run_batch
from experiments.cli import main
from gl.errors import ParameterError

SMALL_FILM = ["width_um=2.5", "height_um=2.5", "t_final=150"]


def test_parse_axis_and_grid():
    assert parse_axis("applied_field_mT=0:1:5")[1].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert parse_axis("temperature_K=8.5,9")[1].tolist() == [8.5, 9.0]
    for bad in ("applied_field_mT", "x=1:2", "x=a,b", "x=0:1:0"):
        with pytest.raises(ParameterError, match="--over"):
            parse_axis(bad)
    values, shape = parameter_grid([("a", np.array([1.0, 2.0])), ("b", np.array([3.0, 4.0, 5.0]))])
    assert shape == (2, 3) and values["a"].tolist() == [1, 1, 1, 2, 2, 2] and values["b"].tolist() == [3, 4, 5] * 2


def test_cli_field_sweep_one_compilation_and_vortex_counts(tmp_path):
    """7 fields in chunks of 4 (two calls, the last padded) compile once; each point's vortex count
    lies in the physical range [flux through the interior, applied flux] of vortex_film."""
    rc = main(["sweep", "vortex-film", "--over", "applied_field_mT=2:8:7", "--chunk", "4", "--out", str(tmp_path),
               "--no-progress"] + [a for s in SMALL_FILM for a in ("--set", s)])
    assert rc == 0
    for name in ("sweep.h5", "sweep.png", "summary.json"):
        assert (tmp_path / name).exists()
    with h5py.File(tmp_path / "sweep.h5") as f:
        n_v, n_av = f["n_vortices"][:], f["n_antivortices"][:]
        lo, hi = f["expected_vortex_min"][:], f["expected_vortex_max"][:]
        assert f["applied_field_mT"].shape == (7,)
    net = n_v - n_av
    assert np.all((net >= np.floor(lo)) & (net <= np.ceil(hi))), (net, lo, hi)
    assert net[-1] > net[0] > 0                            # more field, more vortices
    import json
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["n_chunks"] == 2 and summary["compilations"] == 1


def test_batched_points_equal_single_runs():
    """A point inside a vmapped batch gives the same numbers as the same point run alone (round-off)."""
    cfg = vortex_film.Config(material="Nb", temperature_K=9.0, width_um=2.0, height_um=2.0, t_final=60.0)
    values = {"applied_field_mT": np.array([3.0, 4.5, 6.0]), "temperature_K": np.array([8.8, 9.0, 9.1])}
    point, derived, _, _ = build(cfg, values, np.float64)
    batch, info = run_batch(point, derived, chunk_size=3, progress=False)
    assert info["compilations"] == 1
    single = jax.jit(point)
    for k in range(3):
        one = single({key: np.float64(v[k]) for key, v in derived.items()})
        for name, val in one.items():
            np.testing.assert_allclose(batch[name][k], float(val), rtol=1e-10, atol=1e-12)


def test_iv_sweep_ohmic_above_depairing(tmp_path):
    """Bias J = 0.6, 0.8 J0 > J_d = 0.385 J0 drives the strip normal: V/J equals the normal strip's
    (R/R_n = 1 to 1e-3); well below J_c the strip carries the current without voltage (R/R_n < 1e-3)."""
    cfg = depairing.Config(strip_length=16.0, strip_width=6.0, probe_offset=4.0, bias_steps=3000)
    run_sweep("depairing", cfg, ["applied_current=0.05,0.6,0.8"], tmp_path, progress=False)
    with h5py.File(tmp_path / "sweep.h5") as f:
        ratio = f["resistance_ratio"][:]
    assert ratio[0] < 1e-3
    np.testing.assert_allclose(ratio[1:], 1.0, rtol=1e-3)


def test_sweep_rejects_unknown_keys_and_experiments(tmp_path):
    with pytest.raises(ParameterError, match="cannot be swept"):
        run_sweep("vortex-film", vortex_film.Config(), ["thickness_nm=1:2:3"], tmp_path)
    with pytest.raises(ParameterError, match="no batched sweep"):
        run_sweep("meissner", vortex_film.Config(), ["applied_field_mT=1:2:3"], tmp_path)
    assert main(["sweep", "vortex-film", "--over", "thickness=1:2:3", "--out", str(tmp_path)]) == 2


def test_kappa_sweep_with_evolving_A(tmp_path):
    """With A evolving, κ is swept in one compiled batch; the film is diamagnetic (M < 0, ⟨B⟩ < H) and
    screens less as λ = κξ grows (|M| strictly decreasing in κ)."""
    cfg = vortex_film.Config(material="Nb", temperature_K=9.0, width_um=2.5, height_um=2.5, applied_field_mT=2.0,
                             t_final=30.0, vector_potential="bulk")
    summary = run_sweep("vortex-film", cfg, ["kappa=1,2,4"], tmp_path, progress=False)
    assert summary["compilations"] == 1
    with h5py.File(tmp_path / "sweep.h5") as f:
        M, B, H = f["magnetization_Bc2"][:], f["mean_field_Bc2"][:], f["applied_field_Bc2"][:]
    assert np.all(M < 0) and np.all(B < H)
    assert np.all(np.diff(np.abs(M)) < 0), M
    with pytest.raises(ParameterError, match="vector_potential=bulk"):
        run_sweep("vortex-film", vortex_film.Config(), ["kappa=1,2"], tmp_path)


def test_batch_chunks_on_threads_give_the_single_thread_outputs(monkeypatch):
    """On one CPU device a chunk runs as equal parts on threads (gl.batch): 5 fields of a small quench give
    the free energies of one vmapped call with 1 thread to round-off (1e-13; parts of 1 point and a
    vmap over 5 may round differently), one compilation each."""
    from gl import Grid, make_lattice
    from gl.energy import free_energy
    from gl.gauge import applied_link_phases
    from gl.model import UNIFORM, make_model
    from gl.state import random_state
    from gl.tdgl import run_steps
    from gl.tiles import THREADS_ENV

    grid = Grid(24, 24, 0.5, 0.5)
    lat = make_lattice(grid)
    s0 = random_state(lat, *applied_link_phases(grid, 0.0), jax.random.PRNGKey(4), 0.3)

    def make_point():
        def point(v):
            model = make_model(2.0, 0.0, vector_potential=UNIFORM).with_field(v["H"])
            s = run_steps(s0, model, lat, 0.05, 40)
            return {"F": free_energy(s, model, lat)}
        return point

    H = np.linspace(0.1, 0.9, 5)
    results = {}
    for threads in ("1", "2"):
        monkeypatch.setenv(THREADS_ENV, threads)
        out, info = run_batch(make_point(), {"H": H}, chunk_size=5, progress=False)
        assert info["threads"] == int(threads) and info["compilations"] == 1
        results[threads] = out["F"]
    assert np.ptp(results["1"]) > 1e-3                      # the fields gave different states
    np.testing.assert_allclose(results["2"], results["1"], rtol=1e-13, atol=0)


def test_batch_parts_hold_a_few_mib_of_loop_state():
    """gl.batch cuts a chunk on one CPU device into parts whose loop state (the largest loop carry of the
    point function, per point, times the part's points) stays within PART_STATE_BYTES: the carry of a
    fori_loop over a (100, 100) float64 array is its 80 000 bytes (plus the loop's counters), and 32 points a
    thread go in one part at 70 KB a point, in 8 parts of 4 at 1.07 MB (the 64²/256² quenches of
    benchmarks/batch.py), one by one when a point alone exceeds the budget."""
    from gl.batch import PART_STATE_BYTES, _loop_state_bytes, _part_size

    def point(v):
        x = jax.lax.fori_loop(0, v["n"].astype(int), lambda i, x: 0.5 * x + v["H"], jnp.zeros((100, 100)))
        return {"x": x.sum()}

    state = _loop_state_bytes(jax.make_jaxpr(point)({"H": 0.1, "n": 3.0}).jaxpr)
    assert 80_000 <= state <= 80_032
    assert _loop_state_bytes(jax.make_jaxpr(lambda v: {"y": v["H"] * 2})({"H": 0.1}).jaxpr) == 0   # no loop
    assert _part_size(32, 69_704) == 32 and _part_size(32, 1_065_032) == 4 and _part_size(32, 270_408) == 16
    assert _part_size(32, 2 * PART_STATE_BYTES) == 1 and _part_size(3, 0) == 3
    for per_thread in range(1, 70):                        # parts within the budget, padding below one part
        for state in (10_000, 300_000, 1_000_000, 4_000_000):
            size = _part_size(per_thread, state)
            assert size * state <= max(PART_STATE_BYTES, state)
            assert -(-per_thread // size) * size - per_thread < size
