"""squid-susceptometry (experiments/squid_susceptometry.py): the linear London-film response against
Kogan's closed form, exact gradients through the CG solve, the AC cycle's weak-drive limit, and the
shipped data (Bishop-Van Horn, Mueller, Moler, Phys. Rev. B 107, 224509 (2023))."""
import dataclasses
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, special

from experiments import squid_susceptometry as sq
from gl.errors import ParameterError
from gl.units import MU0, PHI0


def _kogan(a, b, z, pearl):
    f = lambda k: special.j1(k * a) * special.j1(k * b) * math.exp(-2 * k * z) / (1 + k * pearl)
    return -math.pi * a * b * integrate.quad(f, 0, np.inf, limit=500)[0] * MU0 * 1e-6 / PHI0


@pytest.fixture(scope="module")
def small_setup():
    return sq.linear_setup(10.0, 0.4)


@pytest.fixture(scope="module")
def tiny_setup():
    return sq.linear_setup(5.0, 0.5)


def test_linear_response_is_kogans_and_the_interpolant_is_the_direct_solve(small_setup):
    """M' of a London film disk (radius 10 µm, h = 0.4 µm) under the authors' coil (a = 2.4 µm) and
    pickup (b = 0.8 µm) at z = 1 µm, against Kogan's infinite-film formula (Phys. Rev. B 68, 104511
    (2003)) for Λ = 0.3, 2, 8 µm within 3% (measured 0.4–1.6%: the finite film loses the long-range
    currents of large Λ); the q-node interpolant equals
    the direct solve within 2e-3 relative; M' = 0 above T_c."""
    pearl = jnp.asarray([0.3, 2.0, 8.0])
    direct = np.asarray(sq.response_at_pearl_lengths(pearl, 1.0, small_setup, 2.4, 0.8))
    for d, lam in zip(direct, [0.3, 2.0, 8.0]):
        assert abs(d / _kogan(2.4, 0.8, 1.0, lam) - 1) < 0.03, (lam, d)
    # temperatures whose two-fluid Pearl lengths are those values (λ0 = 0.1 µm, d = 0.1 µm, T_c = 9.4 K)
    lam_T = np.sqrt(np.asarray(pearl) * 0.1 / 2)
    T = 9.4 * (1 - (0.1 / lam_T) ** 2) ** 0.25
    kw = dict(thickness_um=0.1, fc_radius_um=2.4, pl_radius_um=0.8)
    M = np.asarray(sq.linear_mutual_inductance(jnp.asarray(np.append(T, 9.5)), 9.4, 0.1, 1.0, small_setup, **kw))
    np.testing.assert_allclose(M[:3], direct, rtol=2e-3)
    assert M[3] == 0.0


def test_linear_response_gradients_are_exact(tiny_setup):
    """∂M'/∂(T_c, λ0, z) on a 5 µm film by autodiff (implicit derivative of the CG solve) equals central
    differences (step 1e-6 relative: the interpolant is piecewise linear in q, so a larger step
    crosses its nodes) within 1e-4 relative."""
    kw = dict(thickness_um=0.1, fc_radius_um=2.4, pl_radius_um=0.8)
    T = jnp.asarray([8.0, 9.2])
    f = lambda p: jnp.sum(sq.linear_mutual_inductance(T, p[0], p[1], p[2], tiny_setup, **kw))
    p0 = jnp.asarray([9.4, 0.1, 1.0])
    g = np.asarray(jax.grad(f)(p0))
    for i in range(3):
        e = np.zeros(3)
        e[i] = 1e-6 * float(p0[i])
        fd = (float(f(p0 + e)) - float(f(p0 - e))) / (2 * e[i])
        assert abs(g[i] / fd - 1) < 1e-4, (i, g[i], fd)


def test_weak_ac_cycle_is_linear_and_lossless():
    """At 0.5 mA the AC cycle of the screened GL film is the linear response: M' within 3% of the
    London film's at the reference temperature, |M''| < 2% of |M'| (quasi-static), no vortices."""
    cfg = dataclasses.replace(sq.Config(), ac_film_radius_um=6.0, ac_cycles=1, ac_points_per_cycle=8,
                              point_time_t0=40.0, ac_temperatures=1, ac_T_min_K=9.3, ac_T_max_K=9.3)
    r = sq.ac_cycle(cfg, 0.5, [9.3])
    setup = sq.linear_setup(6.0, 0.3)
    lam = float(sq.penetration_depth(9.3, cfg.Tc_K, cfg.lambda0_um, cfg.lambda_law))
    london = float(sq.response_at_pearl_lengths(jnp.asarray([2 * lam ** 2 / cfg.thickness_um]), cfg.height_um, setup,
                                                cfg.fc_radius_um, cfg.pl_radius_um)[0])
    assert abs(r["Mp"][0] / london - 1) < 0.03, (r["Mp"], london)
    assert abs(r["Mpp"][0]) < 0.02 * abs(r["Mp"][0])
    assert r["vortices_at_peak"][0] == (0, 0)


def test_data_and_config_errors():
    data = sq.read_data()
    assert sorted(data) == [0.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    T, Mp, _ = data[0.5]
    assert len(T) == 245 and Mp[0] < -100 and abs(Mp[-1]) < 1      # screened at 6 K, normal above T_c
    with pytest.raises(ParameterError, match="lambda_law"):
        sq.penetration_depth(8.0, 9.0, 0.1, "bcs")
    with pytest.raises(ParameterError, match="film_radius_um"):
        sq.run(dataclasses.replace(sq.Config(), film_radius_um=1.0), "/tmp/never")


def test_reduced_run_writes_its_outputs(tmp_path):
    """``glsim run squid-susceptometry`` at reduced size: summary with both checks passing (London
    film against Kogan within 3%, interpolant against the direct solve within 1e-3), the figure and
    the HDF5 datasets."""
    from experiments.cli import main
    cfg = ["linear_points=6", "linear_spacing_um=0.5", "film_radius_um=10", "ac_temperatures=1", "ac_cycles=1",
           "ac_points_per_cycle=4", "point_time_t0=20", "ac_film_radius_um=5"]
    assert main(["run", "squid-susceptometry", "--out", str(tmp_path), "--no-progress",
                 *sum([["--set", kv] for kv in cfg], [])]) == 0
    import json
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["all_checks_passed"] and len(s["linear"]["Mp_Phi0_per_A"]) == 6
    assert (tmp_path / "susceptibility.png").stat().st_size > 0
    import h5py
    with h5py.File(tmp_path / "result.h5") as f:
        assert f["ac_flux_Phi0"].shape == (1, 4) and f["linear_Mp"].attrs["units"] == "Phi0/A"
