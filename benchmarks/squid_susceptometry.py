"""Scanning-SQUID susceptometry end to end: the linear fit to the 0.5 mA data and the AC-cycle curves
M'(T), M''(T) at 2, 5 and 10 mA near T_c, with the time each part takes.

Run: python benchmarks/squid_susceptometry.py [--skip-fit] [--currents 2 5 10] [--temperatures 6]
Writes benchmarks/squid_susceptometry.json and docs/figures/squid-susceptometry.png. Data:
experiments/data/ (L. Bishop-Van Horn, E. Mueller, K. A. Moler, Phys. Rev. B 107, 224509 (2023)).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)

import numpy as np  # noqa: E402

from experiments import squid_susceptometry as sq  # noqa: E402
from experiments.fitting import run_fit  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "experiments" / "data" / "bishopvanhorn2023_Nb_film_Mprime_0p5mA.csv"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--skip-fit", action="store_true", help="use the fitted values in the JSON already written")
    p.add_argument("--currents", type=float, nargs="+", default=[2.0, 5.0, 10.0])
    p.add_argument("--temperatures", type=int, default=6, help="temperatures per AC curve (one vmapped run)")
    p.add_argument("--window-K", type=float, default=0.08, help="AC temperatures from T_c − window to T_c − 0.005 K")
    args = p.parse_args()
    out_json = Path(__file__).with_suffix(".json")
    result = json.loads(out_json.read_text()) if (args.skip_fit and out_json.exists()) else {}
    t0 = time.perf_counter()
    if not args.skip_fit:
        fit = run_fit("squid-linear", DATA, "/tmp/glsim-fit-squid-linear")
        result["fit"] = {k: fit[k] for k in ("parameters", "reduced_chi2", "correlation", "dof", "converged",
                                             "message", "iterations", "wall_time_s", "sigma")}
        result["fit_wall_s"] = time.perf_counter() - t0
        print(json.dumps(result["fit"], indent=1, default=str), flush=True)
    pars = result["fit"]["parameters"]
    value = lambda name: float(pars[name]["value"])
    cfg = dataclasses.replace(sq.Config(), Tc_K=value("Tc"), lambda0_um=value("lambda0"), height_um=value("z"))
    T_ac = np.linspace(cfg.Tc_K - args.window_K, cfg.Tc_K - 0.005, args.temperatures)
    curves = []
    for current in args.currents:
        t = time.perf_counter()
        r = sq.ac_cycle(cfg, current, T_ac)
        curves.append({"current_mA": current, "T_K": r["T_K"].tolist(), "Mp": r["Mp"].tolist(), "Mpp": r["Mpp"].tolist(),
                       "vortices_at_peak": r["vortices_at_peak"], "wall_s": time.perf_counter() - t,
                       "grid": r["grid"], "xi_ref_um": r["xi_ref_um"], "kappa": r["kappa"],
                       "pearl_length_ref_um": r["pearl_length_ref_um"], "steps_per_point": r["steps_per_point"]})
        print(current, "mA:", np.round(r["Mp"], 2), np.round(r["Mpp"], 3), r["vortices_at_peak"],
              f"{curves[-1]['wall_s']:.1f} s", flush=True)
    result["ac"] = curves
    result["ac_config"] = {k: v for k, v in dataclasses.asdict(cfg).items()}
    result["total_wall_s"] = (result.get("fit_wall_s", 0.0) if not args.skip_fit else result.get("fit_wall_s", 0.0)) + \
        sum(c["wall_s"] for c in curves)
    result["machine"] = "2-core AMD EPYC (shared), JAX " + jax.__version__ + ", CPU"
    out_json.write_text(json.dumps(result, indent=1, default=float))
    _figure(result, cfg, ROOT / "docs" / "figures" / "squid-susceptometry.png")


def _figure(result, cfg, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    data = sq.read_data()
    setup = sq.linear_setup(cfg.film_radius_um, cfg.linear_spacing_um)
    T_lin = np.linspace(6.0, 9.45, 120)
    import jax.numpy as jnp
    M_lin = np.asarray(sq.linear_mutual_inductance(jnp.asarray(T_lin), cfg.Tc_K, cfg.lambda0_um, cfg.height_um, setup,
                                                   thickness_um=cfg.thickness_um, fc_radius_um=cfg.fc_radius_um,
                                                   pl_radius_um=cfg.pl_radius_um, law=cfg.lambda_law))
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    colors = {0.5: "k", 2.0: "tab:blue", 5.0: "tab:green", 10.0: "tab:red"}
    T, Mp, _ = data[0.5]
    axes[0].plot(T, Mp, ".", ms=3, color="0.5", label="data 0.5 mA")
    axes[0].plot(T_lin, M_lin, "k-", lw=1.2, label="fit: London film, λ(0)/√(1−t⁴)")
    axes[0].set_xlabel("T [K]")
    axes[0].set_ylabel("M' [Φ0/A]")
    axes[0].set_title(f"linear response: λ(0) = {cfg.lambda0_um * 1e3:.0f} nm, T_c = {cfg.Tc_K:.3f} K, "
                      f"z = {cfg.height_um:.2f} µm", fontsize=9)
    axes[0].legend(fontsize=8)
    lo = cfg.Tc_K - 0.12
    for c in result["ac"]:
        col = colors.get(c["current_mA"], "tab:purple")
        T, Mp, Mpp = data[c["current_mA"]]
        sel = T > lo
        axes[1].plot(T[sel], Mp[sel], ".", ms=3, color=col, alpha=0.5, label=f"data {c['current_mA']:g} mA")
        axes[2].plot(T[sel], Mpp[sel], ".", ms=3, color=col, alpha=0.5, label=f"data {c['current_mA']:g} mA")
        axes[1].plot(c["T_K"], c["Mp"], "s-", color=col, ms=5, label=f"TDGL {c['current_mA']:g} mA")
        axes[2].plot(c["T_K"], -np.asarray(c["Mpp"]), "s-", color=col, ms=5, label=f"TDGL {c['current_mA']:g} mA")
    sel = T_lin > lo
    axes[1].plot(T_lin[sel], M_lin[sel], "k-", lw=1, label="linear (London)")
    axes[1].set_xlabel("T [K]")
    axes[1].set_ylabel("M' [Φ0/A]")
    axes[2].set_xlabel("T [K]")
    axes[2].set_ylabel("M'' [Φ0/A] (dissipation < 0, the data's sign)")
    for ax in axes[1:]:
        ax.set_xlim(lo, cfg.Tc_K + 0.05)
    axes[1].legend(fontsize=7)
    axes[2].legend(fontsize=7)
    axes[1].set_title("near T_c: data against AC-cycle TDGL (Pearl-screened film)", fontsize=9)
    axes[2].set_title("quadrature: dissipation from vortices entering and leaving", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
