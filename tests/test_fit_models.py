"""Simulator-backed fit models (experiments.fit_models): each recovers known parameters from data the
simulator itself generated (within 1% without noise, 2 standard errors with noise), its Jacobian
equals central finite differences (relative 1e-5, float64), and the real data set fits."""
import json
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from experiments.fit_models import FIT_MODELS, gl_depairing_number, ring_lowest_eigenvalue
from gl.fit import fit


def _jacobian_matches_central_differences(model, params, x, rel=1e-5, step=1e-5):
    names = list(params)
    vec = jnp.array([params[k] for k in names])
    f = lambda v: model.predict(dict(zip(names, v)), x)
    J = np.asarray(jax.jacfwd(f)(vec))
    for k in range(len(names)):
        e = step * abs(float(vec[k]))
        fd = (np.asarray(f(vec.at[k].add(e))) - np.asarray(f(vec.at[k].add(-e)))) / (2 * e)
        np.testing.assert_allclose(J[:, k], fd, rtol=rel, atol=rel * np.max(np.abs(fd)))


def _recovers(model, truth, x, noise, seed=0, start_factor=1.3):
    y = np.asarray(model.predict({k: jnp.asarray(v) for k, v in truth.items()}, jnp.asarray(x)))
    start = {k: v * start_factor for k, v in truth.items()}
    m = model.__class__(**{**model.__dict__, "parameters": {k: p.__class__(**{**p.__dict__, "value": start[k]})
                                                           for k, p in model.parameters.items()}})
    exact = fit(m, x, y, window="all")
    for k, v in truth.items():
        assert abs(exact.values[k] - v) < 0.01 * abs(v), (k, exact.values[k], v)
    sigma = noise * np.max(np.abs(y))
    noisy = y + np.random.default_rng(seed).normal(0.0, sigma, y.shape)
    r = fit(m, x, noisy, np.full(y.shape, sigma), window="all")
    for k, v in truth.items():
        assert abs(r.values[k] - v) < 2 * r.stderr[k], (k, r.values[k], v, r.stderr[k])
    return r


def test_lattice_depairing_number_is_the_gl_value():
    """max_q J(q) of the lattice wire = 2/(3√3) J0 (Tinkham Eq. 4.36) within the lattice error 1e-3."""
    assert gl_depairing_number() == pytest.approx(2 / (3 * math.sqrt(3)), rel=1e-3)


def test_depairing_model_recovers_parameters_and_has_exact_jacobian():
    model = FIT_MODELS["depairing-jc"]
    truth = {"Tc": 1.25, "lambda0_sq_xi0": 1.3e-21}
    T = np.linspace(0.9, 1.2, 12)
    _recovers(model, truth, T, noise=0.01)
    _jacobian_matches_central_differences(model, truth, jnp.asarray(T))


LITTLE_PARKS_TRUTH = {"radius": 1.0e-6, "xi0": 1.5e-7, "Tc0": 1.25}
LITTLE_PARKS_B = np.linspace(-1.6, 1.6, 41) + 0.013     # avoid exact half-integer flux (degenerate branches)


@pytest.mark.slow      # about two minutes on 2 cores (58 Levenberg–Marquardt steps of 41 ring eigenproblems)
def test_little_parks_model_recovers_parameters():
    """A 1 µm ring: period ΔB = Φ0/πR² ≈ 0.66 mT, parabolic T_c dips of depth ξ²/4R² T_c0."""
    _recovers(FIT_MODELS["little-parks"], LITTLE_PARKS_TRUTH, LITTLE_PARKS_B, noise=0.002, start_factor=1.05)


def test_little_parks_model_has_exact_jacobian():
    model = FIT_MODELS["little-parks"]
    _jacobian_matches_central_differences(model, LITTLE_PARKS_TRUTH, jnp.asarray(LITTLE_PARKS_B))
    # the ring lattice's lowest eigenvalue is the continuum min_n ((n − Φ/Φ0)/R)² within (2π/N)²/12
    for f in (0.0, 0.2, 0.7):
        e = float(ring_lowest_eigenvalue(f, 1e-6))
        expected = min((n - f) ** 2 for n in range(-2, 3)) / 1e-12
        assert e == pytest.approx(expected, rel=2e-3, abs=1e6)


@pytest.mark.slow      # one GL slab minimization and CG solve per difference: about a minute on 2 cores
def test_meissner_model_jacobian_is_exact():
    """dB(x)/dλ through the implicit derivative of the GL slab equals central differences."""
    model = FIT_MODELS["meissner-lambda"]
    _jacobian_matches_central_differences(model, {"lambda": 80e-9, "B0": 2e-3}, jnp.linspace(0.0, 150.0, 8),
                                          step=1e-4)


def test_magnetization_model_recovers_parameters_and_has_exact_jacobian():
    """β of the relaxed lattice cell is Abrikosov's triangular β_A = 1.1596 within 1%; κ and B_c2
    recovered from μ0M(H) near H_c2."""
    from experiments.fit_models import lattice_beta

    assert lattice_beta() == pytest.approx(1.1595953, rel=0.01)
    model = FIT_MODELS["magnetization-kappa"]
    truth = {"kappa": 4.0, "Bc2": 0.6}
    H = np.linspace(500.0, 590.0, 12)
    _recovers(model, truth, H, noise=0.005, start_factor=1.2)
    _jacobian_matches_central_differences(model, truth, jnp.asarray(H))


@pytest.mark.slow
def test_meissner_model_recovers_parameters():
    model = FIT_MODELS["meissner-lambda"]
    _recovers(model, {"lambda": 80e-9, "B0": 2e-3}, np.linspace(0.0, 150.0, 16), noise=0.005, start_factor=1.2)


def test_romijn_data_fit(tmp_path):
    """The real Al-strip data (T ≥ 0.7 T_c): T_c of a 34 nm Al film (enhanced above bulk 1.14 K, as
    thin Al films are) and λ(0)²ξ(0) within a factor 2 of the dirty-limit Al-film preset."""
    from experiments.cli import main
    from gl.units import material

    assert main(["fit", "depairing-jc", "tests/data/romijn1982_Al_strip_Jc_vs_T.csv", "--out", str(tmp_path)]) == 0
    s = json.loads((tmp_path / "fit.json").read_text())
    Tc, P = s["parameters"]["Tc"]["value"], s["parameters"]["lambda0_sq_xi0"]["value"]
    assert s["data"]["n_points_used"] == 7 and s["converged"]
    assert 1.2 < Tc < 1.4
    al = material("Al-film")
    assert 0.5 < P / (al.lam0 ** 2 * al.xi0) < 2.0
    for name in ("fit.json", "fit.png", "fit_curve.csv"):
        assert (tmp_path / name).stat().st_size > 0
