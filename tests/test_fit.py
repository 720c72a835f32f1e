"""gl.fit (bounded Levenberg–Marquardt fits with Gauss–Newton errors) and ``glsim fit``.

Toy models are defined here (the physics models live in experiments/fit_models.py). float64
throughout (tests/conftest.py); tolerances are stated at each assertion.
"""
import json
import math

import jax.numpy as jnp
import numpy as np
import pytest

from experiments import fitting
from experiments.cli import main
from gl.errors import ParameterError
from gl.fit import FitModel, Parameter, fit

# --------------------------------------------------------------------------- toy models


def _depairing_predict(p, x):
    # GL depairing law near Tc: Jc(T) = Jc0 (1 − T/Tc)^{3/2}; clipped so T > Tc gives 0, not NaN.
    return p["Jc0"] * jnp.maximum(1.0 - x / p["Tc"], 0.0) ** 1.5


DEPAIRING = FitModel(
    name="toy-depairing", description="GL depairing law Jc0 (1 - T/Tc)^(3/2)", x_column="T_K",
    y_column="Jc_A_per_m2",
    parameters={"Jc0": Parameter(1e10, "A/m^2", 0.0, None, "zero-temperature scale"),
                "Tc": Parameter(9.0, "K", 0.0, None, "critical temperature")},
    predict=_depairing_predict,
    window=lambda x, p: x >= 0.5 * p["Tc"],  # GL law valid near Tc only
    source="Ginzburg-Landau depairing current, e.g. Tinkham, Introduction to Superconductivity, eq. 4.36",
    x_label="T [K]", y_label="Jc [A/m²]")

EXP_DECAY = FitModel(
    name="toy-exp", description="A exp(-x/tau)", x_column="t_s", y_column="V",
    parameters={"A": Parameter(1.0, "V", 0.0, None), "tau": Parameter(1.0, "s", 0.0, None)},
    predict=lambda p, x: p["A"] * jnp.exp(-x / p["tau"]))

LINEAR = FitModel(
    name="toy-line", description="a + b x", x_column="x", y_column="y",
    parameters={"a": Parameter(0.0, "1"), "b": Parameter(0.0, "1")},
    predict=lambda p, x: p["a"] + p["b"] * x)

# Two minima in c: chi² = 3[(c² − 1)² + 0.01 (c − 1)²], global at c = 1, local near c = −0.995.
TWO_MINIMA = FitModel(
    name="toy-two-minima", description="(1-x) c^2 + 0.1 x c", x_column="x", y_column="y",
    parameters={"c": Parameter(-2.0, "1", -3.0, 3.0)},
    predict=lambda p, x: (1.0 - x) * p["c"] ** 2 + 0.1 * x * p["c"])


def _depairing_data(n=40, jc0=2.5e10, tc=9.2):
    x = np.linspace(5.0, 9.0, n)
    return x, jc0 * (1.0 - x / tc) ** 1.5


# --------------------------------------------------------------------------- fits


def test_noise_free_recovery_within_1e6():
    x, y = _depairing_data()
    r = fit(DEPAIRING, x, y)
    assert r.converged
    assert abs(r.values["Jc0"] / 2.5e10 - 1) < 1e-6
    assert abs(r.values["Tc"] / 9.2 - 1) < 1e-6
    t = np.linspace(0.0, 3.0, 25)
    r = fit(EXP_DECAY, t, 5.0 * np.exp(-t / 0.7))
    assert abs(r.values["A"] / 5.0 - 1) < 1e-6 and abs(r.values["tau"] / 0.7 - 1) < 1e-6


def test_noisy_recovery_within_two_standard_errors():
    rng = np.random.default_rng(7)
    t = np.linspace(0.0, 4.0, 60)
    sig = 0.05
    y = 5.0 * np.exp(-t / 1.3) + sig * rng.standard_normal(t.size)
    r = fit(EXP_DECAY, t, y, sigma=sig)
    for name, true in (("A", 5.0), ("tau", 1.3)):
        assert 0 < r.stderr[name] < 0.1 * true
        assert abs(r.values[name] - true) < 2 * r.stderr[name], (name, r.values[name], r.stderr[name])
    assert r.dof == 58 and 0.6 < r.reduced_chi2 < 1.5  # χ²/dof ~ 1 ± √(2/58) for correct σ
    # the correlation matrix: symmetric, unit diagonal, |offdiagonal| < 1
    c = r.correlation
    assert c.shape == (2, 2) and np.allclose(c, c.T, atol=1e-14) and np.allclose(np.diag(c), 1.0, atol=1e-14)
    assert abs(c[0, 1]) < 1
    # Gaussian likelihood: same location parameters (LM on residuals is the ML estimate), noise = √(χ²/n)·σ
    g = fit(EXP_DECAY, t, y, likelihood="gaussian")
    assert abs(g.values["tau"] / r.values["tau"] - 1) < 1e-8
    rss = r.chi2 * sig ** 2
    assert abs(g.noise_scale / math.sqrt(rss / t.size) - 1) < 1e-8
    assert abs(g.noise_scale_stderr - g.noise_scale / math.sqrt(2 * t.size)) < 1e-12
    assert math.isfinite(g.log_likelihood)


def test_linear_standard_errors_match_textbook():
    rng = np.random.default_rng(3)
    x = np.linspace(-1.0, 4.0, 23)
    y = 0.7 - 1.9 * x + 0.3 * rng.standard_normal(x.size)
    r = fit(LINEAR, x, y)
    n, xm = x.size, x.mean()
    sxx = np.sum((x - xm) ** 2)
    b = np.sum((x - xm) * (y - y.mean())) / sxx
    a = y.mean() - b * xm
    s2 = np.sum((y - a - b * x) ** 2) / (n - 2)
    se_b = math.sqrt(s2 / sxx)
    se_a = math.sqrt(s2 * (1 / n + xm ** 2 / sxx))
    corr_ab = -xm / math.sqrt(sxx / n + xm ** 2)  # cov(a,b) = −x̄ s²/Sxx
    assert abs(r.values["a"] - a) < 1e-8 * abs(a) and abs(r.values["b"] - b) < 1e-8 * abs(b)
    assert abs(r.stderr["a"] / se_a - 1) < 1e-8 and abs(r.stderr["b"] / se_b - 1) < 1e-8
    assert abs(r.correlation[0, 1] - corr_ab) < 1e-8
    assert abs(r.sigma - math.sqrt(s2)) < 1e-8 and "estimated" in r.sigma_source


def test_positive_parameter_stays_positive_from_far_start():
    t = np.linspace(0.0, 3.0, 30)
    y = 5.0 * np.exp(-t / 0.7)
    far = FitModel(**{**EXP_DECAY.__dict__, "parameters": {"A": Parameter(1e-3, "V", 0.0, None),
                                                           "tau": Parameter(70.0, "s", 0.0, None)}})
    r = fit(far, t, y)
    assert r.values["tau"] > 0 and r.values["A"] > 0
    assert abs(r.values["tau"] / 0.7 - 1) < 1e-6 and abs(r.values["A"] / 5.0 - 1) < 1e-6


def test_several_starts_find_global_minimum():
    x = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    y = (1.0 - x) * 1.0 + 0.1 * x * 1.0  # c = 1
    one = fit(TWO_MINIMA, x, y)
    assert one.values["c"] < 0 and one.chi2 > 0.01  # the start c = −2 ends in the local minimum
    many = fit(TWO_MINIMA, x, y, starts=6, seed=1)
    assert abs(many.values["c"] - 1.0) < 1e-8 and many.chi2 < 1e-20
    assert len(many.starts_chi2) == 6 and many.starts_chi2[0] == pytest.approx(one.chi2, rel=1e-8)


def test_fit_input_errors_name_the_parameter():
    x, y = _depairing_data(10)
    with pytest.raises(ParameterError, match="'free'.*'Tcc'"):
        fit(DEPAIRING, x, y, free=["Tcc"])
    with pytest.raises(ParameterError, match="'Tc'.*out of range"):
        fit(DEPAIRING, x, y, fixed={"Tc": -1.0})
    bad = FitModel(**{**DEPAIRING.__dict__, "parameters": {**DEPAIRING.parameters,
                                                           "Tc": Parameter(-9.0, "K", 0.0, None)}})
    with pytest.raises(ParameterError, match="'Tc'.*strictly inside"):
        fit(bad, x, y)
    with pytest.raises(ParameterError, match="window.*1 data point"):
        fit(DEPAIRING, x[:1], y[:1], window="all")
    nan_model = FitModel(**{**EXP_DECAY.__dict__, "predict": lambda p, x: jnp.log(x - 1.0) * p["A"] + p["tau"]})
    with pytest.raises(ParameterError, match="non-finite prediction"):
        fit(nan_model, np.linspace(0, 3, 10), np.ones(10))
    with pytest.raises(ParameterError, match="'sigma'"):
        fit(DEPAIRING, x, y, sigma=-1.0)


# --------------------------------------------------------------------------- CSV


def _write(path, text):
    path.write_text(text)
    return path


def test_csv_reads_comments_sigma_and_converts_mK(tmp_path):
    p = _write(tmp_path / "d.csv", "# sample A, 4-probe\n# Smith et al. 2020\nT_mK, Jc_A_per_cm2, sigma_Jc_A_per_cm2\n"
                                   "5000, 1.0e6, 1e4\n\n6000.5, 5.0e5, 1e4\n")
    x, y, s, cols, comments = fitting.read_csv(p, DEPAIRING)
    np.testing.assert_allclose(x, [5.0, 6.0005], rtol=1e-15)  # mK → K
    np.testing.assert_allclose(y, [1e10, 5e9], rtol=1e-15)  # A/cm² → A/m²
    np.testing.assert_allclose(s, [1e8, 1e8], rtol=1e-15)
    assert cols["x"] == "T_mK" and cols["sigma"] == "sigma_Jc_A_per_cm2"
    assert comments == ["sample A, 4-probe", "Smith et al. 2020"]


@pytest.mark.parametrize("text, pattern", [
    ("T_K,Ic_A\n1,2\n3,4\n", r"missing y column 'Jc_A_per_m2'.*columns present.*'Ic_A'"),
    ("T_K,Jc_A_per_m2\n1,2\n3,abc\n", r"column 'Jc_A_per_m2', line 3: 'abc' is not a number"),
    ("T_K,Jc_A_per_m2\n1,2\nnan,4\n", r"column 'T_K', line 3: value 'nan' is not finite"),
    ("T_K,Jc_A_per_m2\n1,2\ninf,4\n", r"column 'T_K', line 3"),
    ("", r"d.csv'.*empty file"),
    ("# only a comment\n", r"d.csv'.*empty file"),
    ("T_K,Jc_A_per_m2\n1,2\n", r"d.csv'.*1 data row"),
    ("T_F,Jc_A_per_m2\n1,2\n3,4\n", r"column 'T_F'.*unit suffix 'F'.*known temperature units: K, mK"),
    ("T_K,Jc_A_per_m2\n1,2\n3\n", r"line 3: 1 cells"),
])
def test_csv_errors_name_column_or_file(tmp_path, text, pattern):
    p = _write(tmp_path / "d.csv", text)
    with pytest.raises(ParameterError, match=pattern):
        fitting.read_csv(p, DEPAIRING)


def test_csv_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="nope.csv'.*no such file"):
        fitting.read_csv(tmp_path / "nope.csv", DEPAIRING)


# --------------------------------------------------------------------------- CLI


def test_cli_end_to_end(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(fitting.EXTRA_MODELS, "toy-depairing", DEPAIRING)
    rng = np.random.default_rng(11)
    t = np.linspace(1.0, 9.0, 33)  # points below 0.5 Tc lie outside the model's window
    jc = 2.5e10 * (1.0 - t / 9.2) ** 1.5
    sig = 1e7 + 0.0 * t
    noisy = jc + sig * rng.standard_normal(t.size)
    rows = "\n".join(f"{a!r},{b / 1e4!r},{c / 1e4!r}" for a, b, c in zip(t.tolist(), noisy.tolist(), sig.tolist()))
    data = _write(tmp_path / "jc.csv", f"# toy data\nT_K,Jc_A_per_cm2,Jc_A_per_cm2_err\n{rows}\n")
    out = tmp_path / "out"
    assert main(["fit", "toy-depairing", str(data), "--out", str(out), "--starts", "2"]) == 0
    printed = capsys.readouterr().out
    assert "Tc" in printed and "±" in printed
    for f in ("fit.json", "fit.png", "fit_curve.csv"):
        assert (out / f).stat().st_size > 0
    s = json.loads((out / "fit.json").read_text())
    assert s["data"]["header_comments"] == ["toy data"] and s["data"]["n_points_total"] == 33
    assert 0 < s["data"]["n_points_used"] < 33 and s["fit_window"]["x_min_used"] >= 0.5 * 9.0
    tc, dtc = s["parameters"]["Tc"]["value"], s["parameters"]["Tc"]["stderr"]
    assert abs(tc - 9.2) < 3 * dtc and s["parameters"]["Tc"]["unit"] == "K"
    assert s["correlation"]["names"] == ["Jc0", "Tc"] and s["sigma"]["column"] == "Jc_A_per_cm2_err"
    assert s["converged"] and s["dof"] == s["data"]["n_points_used"] - 2
    lines = [ln for ln in (out / "fit_curve.csv").read_text().splitlines() if not ln.startswith("#")]
    assert lines[0] == "T_K,Jc_A_per_m2"
    curve = np.array([[float(v) for v in ln.split(",")] for ln in lines[1:]])
    assert curve.shape == (400, 2) and abs(curve[0, 0] - 1.0) < 1e-12 and abs(curve[-1, 0] - 9.0) < 1e-12
    # fixing Tc: one free parameter, Tc reported as fixed
    assert main(["fit", "toy-depairing", str(data), "--out", str(out / "fixed"), "--fix", "Tc=9.2",
                 "--window", "all"]) == 0
    s = json.loads((out / "fixed" / "fit.json").read_text())
    assert s["parameters"]["Tc"]["free"] is False and s["parameters"]["Tc"]["value"] == 9.2
    assert s["data"]["n_points_used"] == 33
    assert main(["fit", "--list"]) == 0 and "toy-depairing" in capsys.readouterr().out


def test_cli_bad_input_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(fitting.EXTRA_MODELS, "toy-depairing", DEPAIRING)
    data = _write(tmp_path / "bad.csv", "T_K,Jc_A_per_m2\n1,2\n2,x\n")
    assert main(["fit", "toy-depairing", str(data), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("glsim: error:") and "'Jc_A_per_m2', line 3" in err[0]
    assert main(["fit", "no-such-model", str(data)]) == 2
    assert "no-such-model" in capsys.readouterr().err
    assert main(["fit", "toy-depairing", str(data), "--fix", "Tc=abc"]) == 2
    assert not (tmp_path / "o" / "fit.json").exists()
