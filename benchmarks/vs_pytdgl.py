"""Side by side with pyTDGL on the same physical problem; wall times and vortex counts.

Usage:  python benchmarks/vs_pytdgl.py [--tdgl-python PATH] [--gamma 0 10] [--h 1 0.5 0.35]
                                      [--edge 1 0.5 0.35] [--t-final 300] [--dtype float64]
                                      [--no-mu0] [--dt-fraction 0.5] [--pytdgl-dt-max DT] [--pytdgl-only]
                                      [--our-cells | --our-half-cells] [--pytdgl-mesh delaunay|square]
                                      [--out FILE.json]

Problem: a 20ξ × 20ξ square film, κ = 2, A frozen at the applied field 0.2 B_c2 (no screening),
ψ = 1 everywhere at t = 0 (pyTDGL's default initial state), evolved for 300 of pyTDGL's time
units. Both codes solve the generalized TDGL of Kramer and Watts-Tobin in pyTDGL's form,

    u/√(1 + γ²|ψ|²) (∂t + iμ + ½γ²∂t|ψ|²) ψ = (∇ − iA)²ψ + (1 − |ψ|²)ψ,    ∇²μ = ∇·J_s,

with u = 5.79, γ from ``--gamma`` (pyTDGL's Layer(gamma=γ); γ = 0 is the plain TDGL), lengths in
ξ and time in τ0 = μ0σλ². Our time unit t0 = μ0σ_nλ² is the same, so 300 τ0 = 300 t0: the
conversion factor is 1. There are no terminals, but the electric potential μ is not zero while ψ
evolves: pyTDGL solves ∇²μ = ∇·J_s each step (σ = 1), and so do we (rows "with mu": ``make_model(...,
gamma=γ, vector_potential=UNIFORM, electric_potential=True)`` run by ``gl.tdgl.run_steps``, an
exact DCT solve per step), which is the same problem. Rows "mu = 0" are the same model without
the electric potential (``run_steps`` then runs the fast frozen-A kernel ``gl.kernel.run_frozen``),
pure relaxation: it has the same stationary states but a different vortex entry, and is shown
for its speed, not paired with pyTDGL.

Our time step is ``--dt-fraction`` (default ½) of the forward-Euler stability limit
``gl.tdgl.stability_limit(grid, model)`` (which shrinks by √(1 + γ²) for the generalized TDGL),
rounded so the steps end at exactly ``--t-final``. pyTDGL runs with its adaptive time step, capped
at ``--pytdgl-dt-max`` (default: pyTDGL's own dt_max = 0.1). Both are there to check that the
vortex counts do not depend on the time step. Vortex counts are also recorded at six times
(every ``--t-final``/6) to compare when vortices enter.

Resolutions: ours a square lattice of spacing ``--h`` [ξ] (the smallest grid with spacing ≤ h
covering the film, ``gl.geometry.Grid.covering``); pyTDGL a Delaunay mesh of
``max_edge_length`` = ``--edge`` [ξ]. Vortices are counted from phase windings: plaquettes of
our lattice (gauge-invariant, :func:`gl.observables.vortices`), triangles of pyTDGL's mesh (the
raw phase of ψ; the smooth gauge adds < π per edge at these mesh sizes).

Like for like: ``--pytdgl-mesh square`` gives pyTDGL our own nodes (:func:`square_mesh`), and
``--our-half-cells`` gives our nodes pyTDGL's cells (halved at the edges, quartered at the
corners: ``Grid.covering(..., edge_cells="half")``); together the two codes then solve the same
discrete equations and differ only in their time integration. ``--save-psi DIR`` keeps each run's
final |ψ| and compares ours and pyTDGL's node by node where the nodes coincide.

Each solver runs in its own subprocess; the time reported is measured inside it from the start
of the set-up (pyTDGL: Device and mesh generation; ours: grid, lattice, first call including JAX
compilation) to the final state on the host. Both are measured in one run of this script, one
after the other. pyTDGL (PyPI ``tdgl``) is a benchmark-only dependency: give ``--tdgl-python``
the interpreter of an environment where ``pip install tdgl`` was done, or ``--tdgl-python none``
to run our side only.
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
HISTORY = 6          # vortex counts are also recorded at t_final·k/HISTORY, k = 1 … HISTORY


def worker_ours(h: float, t_final: float = T_FINAL, model: str = "mu", gamma: float = 0.0,
                precision: str = "float64", dt_fraction: float = 0.5, cells: bool = False,
                half_cells: bool = False, save_psi: str | None = None) -> dict:
    """Our run at spacing ``h``: ``model`` "mu" keeps the electric potential (the same equations
    as pyTDGL); "mu0" drops it (μ = 0, the fast frozen-A kernel). ``cells``: ⌈side/h⌉ nodes a side at
    the centres of the cells that tile the film (its area is then exactly side², as in pyTDGL's
    finite volumes, where the default grid's edge nodes sit on the film's edge and their full cells
    reach h/2 beyond it). ``half_cells``: the default grid's nodes with pyTDGL's cells, halved at the
    edges and quartered at the corners (``Grid.covering(..., edge_cells="half")``). ``save_psi``: a
    file to write the final |ψ| and the node coordinates [ξ] to (.npz)."""
    import math

    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    from gl import observables as obs
    from gl.geometry import Grid, Rectangle
    from gl.lattice import make_lattice
    from gl.model import UNIFORM, make_model
    from gl.state import uniform_state
    from gl.tdgl import run_steps, stability_limit

    real = jnp.float32 if precision == "float32" else jnp.float64
    cplx = "complex64" if precision == "float32" else "complex128"
    t0 = time.perf_counter()
    if half_cells and cells:
        raise ValueError("half edge cells go with nodes on the edges (Grid.covering), not with Grid.tiling")
    grid = (Grid.tiling if cells else Grid.covering)(SIDE, SIDE, h, edge_cells="half" if half_cells else "whole")
    lat = make_lattice(grid, Rectangle(SIDE, SIDE), dtype=real)
    mdl = make_model(KAPPA, FIELD, u=U, gamma=gamma, vector_potential=UNIFORM, electric_potential=(model == "mu"),
                     dtype=real)
    dt = dt_fraction * stability_limit(grid, mdl)
    seg = int(math.ceil(t_final / HISTORY / dt))     # steps per history segment
    n_steps = HISTORY * seg
    dt = t_final / n_steps
    zero = jnp.zeros(grid.shape, real)
    state = uniform_state(lat, zero, zero)
    history = []
    for k in range(HISTORY):
        state = run_steps(state, mdl, lat, jnp.asarray(dt, real), seg, jnp.asarray(k * seg * dt, real))
        v = obs.vortices(state, lat)
        history.append([(k + 1) * seg * dt, v["n_vortices"] - v["n_antivortices"]])
    wall = time.perf_counter() - t0
    if save_psi:
        import numpy as np

        X, Y = grid.nodes()
        np.savez(save_psi, x=X.ravel(), y=Y.ravel(), abs_psi=np.abs(np.asarray(state.psi)).ravel())
    what = "with mu (run_steps, electric_potential=True" if model == "mu" else "mu = 0 (run_steps, fast kernel"
    what += ", half edge cells" if half_cells else ""
    return {"code": f"this project, {what}, {cplx})", "model": model, "gamma": gamma,
            "resolution": f"h = {h} xi" + (", nodes at cell centres" if cells else "")
            + (", half cells at the edges" if half_cells else ""), "cells": cells, "half_cells": half_cells,
            "h": h, "spacing": [grid.hx, grid.hy], "sites": grid.nx * grid.ny, "steps": n_steps, "dt": dt,
            "dt_fraction_of_limit": dt_fraction, "wall_s": wall, "vortices": v["n_vortices"], "antivortices": v["n_antivortices"],
            "finite": bool(jnp.all(jnp.isfinite(state.psi))), "history_t_net_vortices": history,
            "device": str(jax.devices()[0])}


def _triangle_windings(theta, tri):
    """Integer phase winding of ψ round each triangle of pyTDGL's mesh (raw phase of ψ)."""
    import numpy as np

    wind = np.zeros(len(tri))
    for a, b in ((0, 1), (1, 2), (2, 0)):
        d = theta[tri[:, b]] - theta[tri[:, a]]
        wind += (d + np.pi) % (2 * np.pi) - np.pi
    return np.rint(wind / (2 * np.pi)).astype(int)


def square_mesh(side: float, spacing: float):
    """Nodes and triangles of a square lattice over the film (the nodes of our grid): n = ⌈side/spacing⌉
    cells a side, each cut into two right triangles by the diagonal that points away from the centre
    (a union-jack pattern), so the mesh has the square's full symmetry about its centre, as our lattice
    does. The dual (Voronoi) edge of every diagonal has length zero, so pyTDGL's finite-volume
    Laplacian on it is the five-point stencil with unit link weights: the discretization of ours.
    Returns (points (N, 2) [ξ], triangles (M, 3) int)."""
    import numpy as np

    n = int(np.ceil(side / spacing - 1e-9))
    x = np.linspace(-side / 2, side / 2, n + 1)
    points = np.array([(xi, yj) for xi in x for yj in x])
    node = lambda i, j: i * (n + 1) + j
    triangles = []
    for i in range(n):
        for j in range(n):
            a, b, c, d = node(i, j), node(i + 1, j), node(i + 1, j + 1), node(i, j + 1)
            centre = (x[i] + x[i + 1]) * (x[j] + x[j + 1])
            triangles += [(a, b, c), (a, c, d)] if centre > 0 else [(a, b, d), (b, c, d)]
    return points, np.array(triangles)


def worker_pytdgl(edge: float, t_final: float = T_FINAL, gamma: float = 0.0, dt_max: float | None = None,
                  mesh: str = "delaunay", save_psi: str | None = None) -> dict:
    import tempfile

    import h5py
    import numpy as np
    import tdgl
    from tdgl.geometry import box
    from tdgl.solution.data import TDGLData

    xi_um = 0.1
    tmp = tempfile.TemporaryDirectory()
    t0 = time.perf_counter()
    layer = tdgl.Layer(coherence_length=xi_um, london_lambda=KAPPA * xi_um, thickness=0.01, u=U, gamma=gamma)
    film = tdgl.Polygon("film", points=box(SIDE * xi_um))
    device = tdgl.Device("film", layer=layer, film=film, length_units="um")
    if mesh == "square":          # pyTDGL on our lattice (see square_mesh)
        import tdgl.finite_volume.util as fv_util

        hull_area = fv_util.get_convex_polygon_area

        def without_repeats(coords):  # the two triangles of a square share their circumcentre: one Voronoi vertex
            return hull_area(np.unique(np.round(np.asarray(coords), 12), axis=0))

        fv_util.get_convex_polygon_area = without_repeats
        points, triangles = square_mesh(SIDE, edge)
        device._create_dimensionless_mesh(points * xi_um, triangles)
    else:                         # pyTDGL's own mesh, as its users make it
        device.make_mesh(max_edge_length=edge * xi_um, smooth=100)
    t_mesh = time.perf_counter() - t0
    bc2_mT = 2.067833848e-15 / (2 * np.pi * (xi_um * 1e-6) ** 2) * 1e3
    out_file = os.path.join(tmp.name, "run.h5")
    extra = {} if dt_max is None else {"dt_max": dt_max}
    options = tdgl.SolverOptions(solve_time=t_final, field_units="mT", progress_interval=0, output_file=out_file,
                                 **extra)
    solution = tdgl.solve(device, options, applied_vector_potential=FIELD * bc2_mT)
    psi = solution.tdgl_data.psi
    wall = time.perf_counter() - t0
    tri = device.mesh.elements
    w = _triangle_windings(np.angle(psi), tri)
    # vortex count at t_final·k/HISTORY from the saved steps closest in time (after the timing)
    history = []
    with h5py.File(out_file, "r") as f:
        keys = sorted(int(k) for k in f["data"])                  # saved states, each with its time
        t_keys = np.array([float(f["data"][str(k)].attrs["time"]) for k in keys])
        for k in range(1, HISTORY + 1):
            i = int(np.argmin(np.abs(t_keys - t_final * k / HISTORY)))
            wk = _triangle_windings(np.angle(TDGLData.from_hdf5(f, keys[i]).psi), tri)
            history.append([float(t_keys[i]), int(wk.sum())])
    solve_steps = int(len(solution.dynamics.time))
    tmp.cleanup()
    if save_psi:
        sites = np.asarray(device.mesh.sites)              # pyTDGL's dimensionless mesh: lengths in ξ
        np.savez(save_psi, x=sites[:, 0], y=sites[:, 1], abs_psi=np.abs(psi))
    return {"code": f"pyTDGL {tdgl.__version__}", "model": "mu", "gamma": gamma,
            "resolution": f"max_edge_length = {edge} xi" if mesh != "square" else f"square mesh, h <= {edge} xi",
            "h": edge, "mesh": mesh,
            "sites": int(len(device.mesh.sites)), "wall_s": wall, "mesh_s": t_mesh,
            "solve_steps": solve_steps, "vortices": int(w[w > 0].sum()), "antivortices": int(-w[w < 0].sum()),
            "history_t_net_vortices": history, "dt_max": options.dt_max}


def _save_arg(folder, code, gamma, res, model):
    """``["--save-psi", FILE]`` for one worker's final |ψ| in ``folder`` (or [] without one)."""
    if not folder:
        return []
    os.makedirs(folder, exist_ok=True)
    return ["--save-psi", os.path.join(folder, f"{code}_{model}_g{gamma:g}_h{res:g}.npz")]


def compare_states(ours_file, theirs_file) -> dict | None:
    """|ψ| of two final states compared node by node where the nodes coincide (to 1e-6 ξ): the largest
    and the root-mean-square difference, and the count of matched nodes; None when no node matches."""
    import numpy as np

    a, b = np.load(ours_file), np.load(theirs_file)
    key = lambda f: {(round(x, 6), round(y, 6)): i for i, (x, y) in enumerate(zip(f["x"], f["y"]))}
    ka, kb = key(a), key(b)
    common = [k for k in ka if k in kb]
    if not common:
        return None
    da = np.array([a["abs_psi"][ka[k]] for k in common]) - np.array([b["abs_psi"][kb[k]] for k in common])
    return {"matched_nodes": len(common), "max_abs_diff_abs_psi": float(np.abs(da).max()),
            "rms_diff_abs_psi": float(np.sqrt(np.mean(da ** 2)))}


def _run(cmd: list[str], env=None) -> dict:
    load = os.getloadavg()[0]
    t = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{res.stderr[-3000:]}")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["process_wall_s"] = time.perf_counter() - t
    out["loadavg_1min_at_start"] = load
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", choices=["ours", "pytdgl"], help=argparse.SUPPRESS)
    p.add_argument("--res", type=float, help=argparse.SUPPRESS)
    p.add_argument("--model", default="mu", help=argparse.SUPPRESS)
    p.add_argument("--tdgl-python", default=sys.executable, help="python with `tdgl` installed ('none': skip pyTDGL)")
    p.add_argument("--gamma", type=float, nargs="+", default=[0.0, 10.0], help="γ of the generalized TDGL")
    p.add_argument("--h", type=float, nargs="+", default=[1.0, 0.5, 0.35], help="our lattice spacings [xi]")
    p.add_argument("--edge", type=float, nargs="+", default=[1.0, 0.5, 0.35], help="pyTDGL max_edge_length [xi]")
    p.add_argument("--t-final", type=float, default=T_FINAL, help="evolution time [τ0 = t0] (300)")
    p.add_argument("--dtype", choices=["float32", "float64"], default="float64", help="our precision")
    p.add_argument("--no-mu0", action="store_true", help="skip our mu = 0 rows")
    p.add_argument("--dt-fraction", type=float, default=0.5, help="our dt as a fraction of the stability limit")
    p.add_argument("--pytdgl-dt-max", type=float, default=None, help="pyTDGL's dt_max (default: its own, 0.1)")
    p.add_argument("--pytdgl-only", action="store_true", help="skip our rows")
    p.add_argument("--our-cells", action="store_true",
                   help="our nodes at the centres of cells tiling the film (⌈side/h⌉ a side) instead of on its edges")
    p.add_argument("--our-half-cells", action="store_true",
                   help="our default nodes with pyTDGL's cells: halved at the edges, quartered at the corners "
                        "(Grid edge_cells='half')")
    p.add_argument("--pytdgl-mesh", choices=["delaunay", "square"], default="delaunay",
                   help="pyTDGL's mesh: its own Delaunay mesh of max edge --edge, or our square lattice of spacing ≤ --edge "
                        "cut into triangles (square_mesh)")
    p.add_argument("--save-psi", default=None, metavar="DIR",
                   help="write each run's final |psi| on its nodes to DIR (.npz) and compare ours and pyTDGL's "
                        "node by node where the nodes coincide (--pytdgl-mesh square)")
    p.add_argument("--out", default="benchmarks/vs_pytdgl.json")
    args = p.parse_args(argv)
    if args.worker:
        g = args.gamma[0]
        if args.worker == "ours":
            print(json.dumps(worker_ours(args.res, args.t_final, args.model, g, args.dtype, args.dt_fraction,
                                         args.our_cells, args.our_half_cells, args.save_psi)))
        else:
            print(json.dumps(worker_pytdgl(args.res, args.t_final, g, args.pytdgl_dt_max, args.pytdgl_mesh,
                                           args.save_psi)))
        return
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    rows = []
    for g in args.gamma:
        for model in () if args.pytdgl_only else ("mu",) if args.no_mu0 else ("mu", "mu0"):
            for h in args.h:
                rows.append(_run([sys.executable, __file__, "--worker", "ours", "--res", str(h), "--t-final",
                                  str(args.t_final), "--model", model, "--gamma", str(g), "--dtype", args.dtype,
                                  "--dt-fraction", str(args.dt_fraction)] + (["--our-cells"] if args.our_cells else [])
                                 + (["--our-half-cells"] if args.our_half_cells else [])
                                 + _save_arg(args.save_psi, "ours", g, h, model), env))
                print(json.dumps(rows[-1]), flush=True)
        if args.tdgl_python.lower() != "none":
            for e in args.edge:
                extra = [] if args.pytdgl_dt_max is None else ["--pytdgl-dt-max", str(args.pytdgl_dt_max)]
                rows.append(_run([args.tdgl_python, __file__, "--worker", "pytdgl", "--res", str(e), "--t-final",
                                  str(args.t_final), "--gamma", str(g), "--pytdgl-mesh", args.pytdgl_mesh] + extra
                                 + _save_arg(args.save_psi, "pytdgl", g, e, "mu")))
                print(json.dumps(rows[-1]), flush=True)
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores")
    print(f"{'γ':>4} {'code':<62} {'resolution':<26} {'sites':>7} {'wall s':>8} {'vortices':>9} {'anti':>5}")
    for r in rows:
        print(f"{r['gamma']:>4g} {r['code']:<62} {r['resolution']:<26} {r['sites']:>7} {r['wall_s']:>8.2f} "
              f"{r['vortices']:>9} {r['antivortices']:>5}")
    like = []
    for g in args.gamma:
        ours = {r["h"]: r for r in rows if r["code"].startswith("this") and r["model"] == "mu" and r["gamma"] == g}
        theirs = {r["h"]: r for r in rows if r["code"].startswith("pyTDGL") and r["gamma"] == g}
        for res in sorted(set(ours) & set(theirs), reverse=True):
            a, b = ours[res], theirs[res]
            like.append({"gamma": g, "resolution_xi": res, "ours_vortices": a["vortices"] - a["antivortices"],
                         "pytdgl_vortices": b["vortices"] - b["antivortices"], "ours_wall_s": a["wall_s"],
                         "pytdgl_wall_s": b["wall_s"], "pytdgl_over_ours": b["wall_s"] / a["wall_s"]})
            x = like[-1]
            print(f"γ = {g:g}, resolution {res} ξ: vortices ours {x['ours_vortices']}, pyTDGL {x['pytdgl_vortices']}; "
                  f"wall ours {a['wall_s']:.2f} s, pyTDGL {b['wall_s']:.2f} s ({x['pytdgl_over_ours']:.1f}x)")
            if args.save_psi:
                x["abs_psi_node_by_node"] = compare_states(_save_arg(args.save_psi, "ours", g, res, "mu")[1],
                                                           _save_arg(args.save_psi, "pytdgl", g, res, "mu")[1])
                print(f"    |psi| node by node: {x['abs_psi_node_by_node']}")
    with open(args.out, "w") as fh:
        json.dump({"problem": {"side_xi": SIDE, "kappa": KAPPA, "field_Bc2": FIELD, "t_final": args.t_final, "u": U,
                               "gamma": args.gamma, "time_unit_conversion": 1.0, "our_dtype": args.dtype,
                               "our_dt": f"{args.dt_fraction} x stability_limit(grid, model)",
                               "pytdgl_dt_max": args.pytdgl_dt_max or "default (0.1)"},
                   "machine": f"{platform.machine()}, {os.cpu_count()} cores", "rows": rows,
                   "like_resolution": like}, fh, indent=2)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
