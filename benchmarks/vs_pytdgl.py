"""Side by side with pyTDGL on the same physical problem; wall times and vortex counts.

Usage:  python benchmarks/vs_pytdgl.py [--tdgl-python PATH] [--h 0.5 0.25] [--edge 0.5 0.35] [--t-final 300]
                                      [--out FILE.json]

Problem (issue "[4 of 4]"): a 20ξ × 20ξ square film, κ = 2, A frozen at the applied field
0.2 B_c2 (no screening), ψ = 1 everywhere at t = 0 (pyTDGL's default initial state), evolved for
300 of pyTDGL's time units. Both codes solve u(∂t + iμ)ψ = (∇ − iA)²ψ + (1 − |ψ|²)ψ with
u = 5.79 and γ = 0 (pyTDGL's Layer(gamma=0); its default γ = 10 adds an inelastic term we do not
model), lengths in ξ and time in τ0 = μ0σλ². Our time unit t0 = μ0σ_nλ² is the same, so 300 τ0 =
300 t0: the conversion factor is 1. There are no terminals, but the electric potential μ is not
zero while ψ evolves: pyTDGL solves ∇²μ = ∇·J_s each step (σ = 1), and so does our
``gl.transport.run_with_potential`` (rows "with mu"), which is the same problem. Rows "mu = 0"
are our fast frozen-A kernel, pure relaxation without μ: it has the same stationary states but a
different vortex entry, and is shown for its speed, not paired with pyTDGL.

Resolutions: ours a square lattice of spacing ``--h`` [ξ]; pyTDGL a Delaunay mesh of
``max_edge_length`` = ``--edge`` [ξ]. Vortices are counted from phase windings: plaquettes of
our lattice (gauge-invariant, :func:`gl.observables.vortices`), triangles of pyTDGL's mesh (the
raw phase of ψ; the smooth gauge adds < π per edge at these mesh sizes).

Each solver runs in its own subprocess; the time reported is measured inside it from the start
of the set-up (pyTDGL: Device and mesh generation; ours: grid, lattice, first call including JAX
compilation) to the final state on the host. Both are measured in one run of this script, one
after the other. pyTDGL (PyPI ``tdgl``) is a benchmark-only dependency: give ``--tdgl-python``
the interpreter of an environment where ``pip install tdgl`` was done.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

SIDE = 20.0          # film side [ξ]
KAPPA = 2.0
FIELD = 0.2          # [B_c2]
T_FINAL = 300.0      # [τ0 = t0]
U = 5.79


def worker_ours(h: float, t_final: float = T_FINAL, model: str = "mu") -> dict:
    """Our run at spacing ``h``: ``model`` "mu" keeps the electric potential (gl.transport, the
    same equations as pyTDGL); "mu0" is the fast kernel's μ = 0 relaxation (gl.kernel)."""
    import math

    import jax
    import jax.numpy as jnp

    from gl import observables as obs
    from gl.gauge import applied_link_phases
    from gl.geometry import Grid, Rectangle
    from gl.kernel import run_frozen, uniform_field_links
    from gl.lattice import make_lattice
    from gl.state import State, make_params, uniform_state
    from gl.tdgl import stability_limit
    from gl.transport import run_with_potential

    t0 = time.perf_counter()
    grid = Grid.covering(SIDE, SIDE, h)
    lat = make_lattice(grid, Rectangle(SIDE, SIDE), dtype=jnp.float32)
    dt = 0.5 * stability_limit(grid, KAPPA, U, frozen_A=True)
    n_steps = int(math.ceil(t_final / dt))
    dt = t_final / n_steps
    ax, ay = applied_link_phases(grid, FIELD, "landau_x", dtype=jnp.float32)
    if model == "mu":
        state = uniform_state(lat, ax, ay)
        params = make_params(KAPPA, FIELD, u=U, dtype=jnp.float32)
        psi = run_with_potential(state, params, lat, jnp.float32(dt), n_steps).psi
        code = "this project, with mu (gl.transport, complex64)"
    else:
        psi = run_frozen(lat.site.astype(jnp.complex64), lat, uniform_field_links(grid, FIELD, jnp.float32), dt, U,
                         n_steps)
        code = "this project, mu = 0 (gl.kernel, complex64)"
    v = obs.vortices(State(psi, ax, ay), lat)
    wall = time.perf_counter() - t0
    return {"code": code, "model": model, "resolution": f"h = {h} xi",
            "sites": grid.nx * grid.ny, "steps": n_steps, "dt": dt, "wall_s": wall,
            "vortices": v["n_vortices"], "antivortices": v["n_antivortices"], "device": str(jax.devices()[0])}


def worker_pytdgl(edge: float, t_final: float = T_FINAL) -> dict:
    import numpy as np
    import tdgl
    from tdgl.geometry import box

    xi_um = 0.1
    t0 = time.perf_counter()
    layer = tdgl.Layer(coherence_length=xi_um, london_lambda=KAPPA * xi_um, thickness=0.01, u=U, gamma=0.0)
    film = tdgl.Polygon("film", points=box(SIDE * xi_um))
    device = tdgl.Device("film", layer=layer, film=film, length_units="um")
    device.make_mesh(max_edge_length=edge * xi_um, smooth=100)
    t_mesh = time.perf_counter() - t0
    bc2_mT = 2.067833848e-15 / (2 * np.pi * (xi_um * 1e-6) ** 2) * 1e3
    options = tdgl.SolverOptions(solve_time=t_final, field_units="mT", progress_interval=0)
    solution = tdgl.solve(device, options, applied_vector_potential=FIELD * bc2_mT)
    psi = solution.tdgl_data.psi
    wall = time.perf_counter() - t0
    theta = np.angle(psi)
    tri = device.mesh.elements
    wind = np.zeros(len(tri))
    for a, b in ((0, 1), (1, 2), (2, 0)):
        d = theta[tri[:, b]] - theta[tri[:, a]]
        wind += (d + np.pi) % (2 * np.pi) - np.pi
    w = np.rint(wind / (2 * np.pi)).astype(int)
    return {"code": f"pyTDGL {tdgl.__version__}", "model": "mu", "resolution": f"max_edge_length = {edge} xi",
            "sites": int(len(device.mesh.sites)), "wall_s": wall, "mesh_s": t_mesh,
            "vortices": int(w[w > 0].sum()), "antivortices": int(-w[w < 0].sum())}


def _run(cmd: list[str], env=None) -> dict:
    t = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{res.stderr[-3000:]}")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["process_wall_s"] = time.perf_counter() - t
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", choices=["ours", "pytdgl"], help=argparse.SUPPRESS)
    p.add_argument("--res", type=float, help=argparse.SUPPRESS)
    p.add_argument("--model", default="mu", help=argparse.SUPPRESS)
    p.add_argument("--tdgl-python", default=sys.executable, help="python with `tdgl` installed")
    p.add_argument("--h", type=float, nargs="+", default=[0.5, 0.25], help="our lattice spacings [xi]")
    p.add_argument("--edge", type=float, nargs="+", default=[0.5, 0.35], help="pyTDGL max_edge_length [xi]")
    p.add_argument("--t-final", type=float, default=T_FINAL, help="evolution time [τ0 = t0] (the issue: 300)")
    p.add_argument("--out", default="benchmarks/vs_pytdgl.json")
    args = p.parse_args(argv)
    if args.worker:
        if args.worker == "ours":
            print(json.dumps(worker_ours(args.res, args.t_final, args.model)))
        else:
            print(json.dumps(worker_pytdgl(args.res, args.t_final)))
        return
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    rows = []
    for model in ("mu", "mu0"):
        for h in args.h:
            rows.append(_run([sys.executable, __file__, "--worker", "ours", "--res", str(h), "--t-final",
                              str(args.t_final), "--model", model], env))
            print(json.dumps(rows[-1]), flush=True)
    for e in args.edge:
        rows.append(_run([args.tdgl_python, __file__, "--worker", "pytdgl", "--res", str(e), "--t-final", str(args.t_final)]))
        print(json.dumps(rows[-1]), flush=True)
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores")
    print(f"{'code':<50} {'resolution':<26} {'sites':>7} {'wall s':>8} {'vortices':>9} {'anti':>5}")
    for r in rows:
        print(f"{r['code']:<50} {r['resolution']:<26} {r['sites']:>7} {r['wall_s']:>8.2f} {r['vortices']:>9} "
              f"{r['antivortices']:>5}")
    ours = [r for r in rows if r["code"].startswith("this") and r["model"] == "mu"]
    theirs = [r for r in rows if r["code"].startswith("pyTDGL")]
    pairs = [(a, b, b["wall_s"] / a["wall_s"]) for a in ours for b in theirs
             if a["vortices"] - a["antivortices"] == b["vortices"] - b["antivortices"]]
    for a, b, ratio in pairs:
        print(f"equal vortex count {a['vortices'] - a['antivortices']}: ours ({a['resolution']}) {a['wall_s']:.2f} s, "
              f"pyTDGL ({b['resolution']}) {b['wall_s']:.2f} s: {ratio:.1f}x")
    if not pairs:
        print("no pair of resolutions gave the same vortex count")
    with open(args.out, "w") as fh:
        json.dump({"problem": {"side_xi": SIDE, "kappa": KAPPA, "field_Bc2": FIELD, "t_final": args.t_final, "u": U,
                               "gamma": 0.0, "time_unit_conversion": 1.0}, "rows": rows,
                   "equal_count_ratios": [{"ours": a["resolution"], "pytdgl": b["resolution"], "ratio": r}
                                          for a, b, r in pairs]}, fh, indent=2)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
