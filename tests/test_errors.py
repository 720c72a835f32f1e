"""Bad input raises errors that name the parameter and its allowed range; failed runs keep
their last checkpoint."""
import numpy as np
import pytest

from gl.driver import Checkpointer, evolve
from gl.errors import NonFiniteStateError, ParameterError, TimeStepError
from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid, Rectangle, Ring
from gl.io import load_state
from gl.lattice import make_lattice
from gl.model import FROZEN, make_model
from gl.state import uniform_state
from gl.units import GLUnits, material
from experiments.cli import main


@pytest.mark.parametrize("kappa", [0.0, -1.0, float("nan")])
def test_non_positive_kappa(kappa):
    with pytest.raises(ParameterError, match=r"'kappa'.*must be finite and > 0"):
        make_model(kappa, 0.1)


@pytest.mark.parametrize("make", [
    lambda: Rectangle(-1.0, 2.0), lambda: Disk(0.0), lambda: Ring(3.0, 2.0), lambda: Grid(10, 10, 0.0, 0.5),
    lambda: GLUnits(xi=-1e-9, lam=1e-7, thickness=1e-8), lambda: material("Nb").units(5.0, 0.0),
    lambda: Grid.covering(-3.0, 3.0, 0.5)])
def test_non_positive_lengths(make):
    with pytest.raises(ParameterError, match=r"parameter '\w+'.*(> 0|< outer_radius)"):
        make()


@pytest.mark.parametrize("T", [9.25, 12.0, -1.0])
def test_temperature_outside_zero_to_tc(T):
    with pytest.raises(ParameterError, match=r"'temperature'.*allowed \[0, 9.25\) K"):
        material("Nb").xi(T)


def test_mask_without_superconducting_site():
    grid = Grid.covering(10, 10, 0.5)
    with pytest.raises(ParameterError, match="no superconducting site"):
        make_lattice(grid, Disk(2.0, center=(50.0, 50.0)))


def test_unknown_material():
    with pytest.raises(ParameterError, match=r"'material' = 'unobtainium'.*allowed \['Al'"):
        material("unobtainium")


def test_time_step_above_limit_in_a_run():
    grid = Grid.covering(6, 6, 0.5)
    lat = make_lattice(grid)
    params = make_model(1.0, 0.0)
    with pytest.raises(TimeStepError, match=r"'dt' = 10 t0 is out of range: allowed \(0, "):
        evolve(uniform_state(lat, *applied_link_phases(grid, 0.0)), params, lat, n_steps=10, dt=10.0,
               progress=False)


def test_non_finite_state_raises_and_keeps_last_checkpoint(tmp_path):
    """|ψ| = 8.7 is outside GL's range: forward Euler overshoots (|ψ|² dt/u > 2) and diverges after a
    few finite steps. The run must stop with an error and leave the last finite chunk on disk."""
    grid = Grid.covering(6, 6, 0.5)
    lat = make_lattice(grid)
    params = make_model(1.0, 0.0)
    state = uniform_state(lat, *applied_link_phases(grid, 0.0), value=8.7)
    ck = Checkpointer(tmp_path / "ck.h5", every=1)
    with pytest.raises(NonFiniteStateError, match=r"non-finite.*parameter 'dt'.*allowed \(0, stability limit\]"):
        evolve(state, params.with_vector_potential(FROZEN), lat, n_steps=400, chunk_steps=1, checkpoint=ck,
               progress=False)
    saved, _, meta, _ = load_state(ck.path)
    assert meta["step"] >= 1
    assert np.all(np.isfinite(saved.psi)) and np.all(np.isfinite(saved.ax))


def test_cli_reports_bad_input(capsys, tmp_path):
    assert main(["run", "vortex-film", "--set", "temperature_K=10", "--out", str(tmp_path)]) == 2
    assert "'temperature'" in capsys.readouterr().err
    assert main(["run", "vortex-film", "--set", "material=Foo", "--out", str(tmp_path)]) == 2
    assert "'material'" in capsys.readouterr().err
    assert main(["run", "vortex-film", "--set", "no_such_key=1", "--out", str(tmp_path)]) == 2
    assert "unknown parameter 'no_such_key'" in capsys.readouterr().err
    assert main(["run", "no-such-experiment", "--out", str(tmp_path)]) == 2
    assert main(["run", "vortex-film", "--set", "dt=100", "--out", str(tmp_path)]) == 2
    assert "'dt'" in capsys.readouterr().err
