"""Fuzzing (hypothesis, derandomized) of the command line's configuration parsing and of the API's
constructors: any value either is refused — exit status 2 with one line naming the parameter, or a
ParameterError — or is accepted and gives finite numbers. Never a traceback, a hang or a NaN.

The command-line runs stop right after validation (the lattice constructor is replaced by one that
raises ``Accepted``), so no case allocates a grid or compiles anything."""
import dataclasses
import io
import math
import re
from contextlib import redirect_stderr

import jax
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments import vortex_film
from experiments.cli import main
from gl.batch import parse_axis
from gl.driver import evolve
from gl.errors import ParameterError
from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid, Rectangle
from gl.lattice import make_lattice
from gl.model import UNIFORM, make_model
from gl.state import random_state
from gl.units import material

FUZZ = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
KEYS = [f.name for f in dataclasses.fields(vortex_film.Config)]

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10 ** 30, 10 ** 30),
                    st.sampled_from([0, -1, 1e-300, 1e300, -0.0]))
texts = st.one_of(st.text(max_size=12), st.sampled_from(["", "nan", "inf", "-inf", "1e999", "0x10", "1_000", "true",
                                                         "None", "[1, 2]", "Nb", "float16", "bulk", " 3 ", "é"]))
values = st.one_of(numbers.map(repr), numbers.map(str), texts)


class Accepted(Exception):
    """Validation passed: the run would now build its lattice."""


@pytest.fixture
def stop_after_validation(monkeypatch):
    def refuse_to_allocate(*a, **k):
        raise Accepted

    monkeypatch.setattr(vortex_film, "make_lattice", refuse_to_allocate)


def cli(argv) -> tuple[object, str]:
    err = io.StringIO()
    with redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as e:
            rc = e.code
        except Accepted:
            rc = "accepted"
    return rc, err.getvalue()


def assert_refused_cleanly(rc, err, names):
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert rc == 2, (rc, err)
    assert len(lines) == 1 and lines[0].startswith("glsim: error: "), err
    assert "Traceback" not in err and "np.float" not in err
    assert any(f"'{n}'" in lines[0] for n in names), (names, lines[0])


@FUZZ
@given(key=st.sampled_from(KEYS), value=values)
def test_cli_set_any_value(stop_after_validation, tmp_path_factory, key, value):
    out = tmp_path_factory.mktemp("fuzz")
    rc, err = cli(["run", "--set", f"{key}={value}", "--out", str(out / "o"), "--no-progress"])
    if rc == "accepted":                             # then the value parsed to something finite
        from experiments.config import build_config

        v = getattr(build_config(vortex_film.Config, overrides=[f"{key}={value}"]), key)
        assert not isinstance(v, float) or math.isfinite(v), (key, value)
    else:
        # the key itself, or the keys that together set the grid (a huge or tiny film or spacing)
        assert_refused_cleanly(rc, err, [key, "width_um", "temperature"])


@FUZZ
@given(content=st.one_of(st.binary(max_size=60),
                         st.builds(lambda k, v: f"{k} = {v}\n".encode(), st.sampled_from(KEYS + ["bogus"]), values)))
def test_cli_config_file_any_bytes(stop_after_validation, tmp_path_factory, content):
    d = tmp_path_factory.mktemp("toml")
    (d / "c.toml").write_bytes(content)
    rc, err = cli(["run", "--config", str(d / "c.toml"), "--out", str(d / "o"), "--no-progress"])
    if rc != "accepted":
        assert_refused_cleanly(rc, err, ["--config", "width_um", "temperature"] + KEYS + ["bogus"])


@FUZZ
@given(spec=st.one_of(st.text(max_size=20),
                      st.builds(lambda a, b, n: f"applied_field_mT={a}:{b}:{n}", numbers, numbers, numbers)))
def test_sweep_axis_any_text(spec):
    try:
        key, vals = parse_axis(spec)
    except ParameterError as e:
        assert "'--over'" in str(e)
        return
    assert key and 1 <= len(vals) <= 1_000_000 and np.all(np.isfinite(vals)), (spec, vals)


finite_or_not = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64), st.sampled_from([0.0, -1.0]))


@FUZZ
@given(kappa=finite_or_not, field=finite_or_not, u=finite_or_not, gamma=finite_or_not, tref=finite_or_not)
def test_make_model_any_numbers(kappa, field, u, gamma, tref):
    try:
        m = make_model(kappa, field, u=u, gamma=gamma, reference_temperature=tref)
    except ParameterError:
        return
    for leaf in jax.tree_util.tree_leaves(m):
        assert np.all(np.isfinite(np.asarray(leaf)))


@FUZZ
@given(w=finite_or_not, h=finite_or_not, r=finite_or_not, T=finite_or_not, d=finite_or_not,
       name=st.sampled_from(["Nb", "Nb-film", "Al", "unobtainium", ""]))
def test_geometry_and_units_any_numbers(w, h, r, T, d, name):
    for make in (lambda: Rectangle(w, h), lambda: Disk(r), lambda: Grid.covering(w, h, 0.5)):
        try:
            make()
        except ParameterError:
            pass
    try:
        units = material(name).units(T, d)
    except ParameterError:
        return
    assert all(math.isfinite(x) and x > 0 for x in (units.xi, units.lam, units.Bc2))


@pytest.fixture(scope="module")
def small_system():
    grid = Grid.covering(4, 4, 0.5)
    lat = make_lattice(grid, Rectangle(4, 4))
    model = make_model(2.0, 0.2, vector_potential=UNIFORM)
    state = random_state(lat, *applied_link_phases(grid, 0.2), jax.random.PRNGKey(1))
    return lat, model, state


@FUZZ
@given(n_steps=st.one_of(st.integers(-5, 12), st.floats(-5, 12), st.sampled_from(["3", None, True, float("nan")])),
       chunk=st.one_of(st.integers(-2, 6), st.floats(allow_nan=True)),
       dt=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)))
def test_evolve_any_step_arguments(small_system, n_steps, chunk, dt):
    lat, model, state = small_system
    try:
        traj = evolve(state, model, lat, n_steps=n_steps, chunk_steps=chunk, dt=dt, progress=False)
    except ParameterError as e:
        assert re.search(r"parameter '(n_steps|chunk_steps|dt)'", str(e)), str(e)
        return
    assert np.all(np.isfinite(np.asarray(traj.state.psi)))
