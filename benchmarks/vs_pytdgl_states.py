"""Is pyTDGL's final vortex state a stationary state of our equations, and which state is lower in energy?

Usage:  python benchmarks/vs_pytdgl_states.py [--tdgl-python PATH] [--gamma 10] [--edge 0.5] [--h 0.35]
                                             [--t-final 300] [--out FILE.json]

The problem of ``vs_pytdgl.py`` (20ξ square film, κ = 2, A frozen at 0.2 B_c2 in the symmetric
gauge about the centre, ψ = 1 at t = 0, u = 5.79, generalized TDGL with γ, electric potential kept,
``--t-final`` τ0 = t0). There the two codes end with different vortex counts at γ = 10. This script
separates statics from dynamics:

1. pyTDGL (its own environment, ``--tdgl-python``) runs the problem on a mesh of max edge
   ``--edge`` and saves its final ψ on the mesh sites.
2. We interpolate that ψ (Re and Im, linearly on pyTDGL's triangles, ``matplotlib.tri``) onto our
   lattice of spacing ``--h`` and evolve it with our TDGL for ``--t-final``: if the count stays,
   pyTDGL's end state is a stationary (metastable) state of our discretized equations too.
3. We run the problem from ψ = 1 as in ``vs_pytdgl.py``.

Both end states are compared by their free energy :func:`gl.energy.free_energy` [(B_c²/μ0) ξ² d]
on our lattice; vortex counts are net plaquette windings (:func:`gl.observables.vortices`).
pyTDGL and its mesh stay in their own process; only the saved ψ crosses (a .npz in a temporary
folder).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vs_pytdgl import FIELD, HISTORY, KAPPA, SIDE, U, _triangle_windings  # noqa: E402


def pytdgl_final_state(edge: float, gamma: float, t_final: float, npz: str) -> dict:
    """pyTDGL's run (mesh max edge ``edge`` [ξ]); saves sites [ξ], triangles and ψ to ``npz``."""
    import numpy as np
    import tdgl
    from tdgl.geometry import box

    xi_um = 0.1
    layer = tdgl.Layer(coherence_length=xi_um, london_lambda=KAPPA * xi_um, thickness=0.01, u=U, gamma=gamma)
    device = tdgl.Device("film", layer=layer, film=tdgl.Polygon("film", points=box(SIDE * xi_um)), length_units="um")
    device.make_mesh(max_edge_length=edge * xi_um, smooth=100)
    bc2_mT = 2.067833848e-15 / (2 * np.pi * (xi_um * 1e-6) ** 2) * 1e3
    with tempfile.TemporaryDirectory() as tmp:
        options = tdgl.SolverOptions(solve_time=t_final, field_units="mT", progress_interval=0,
                                     output_file=os.path.join(tmp, "run.h5"))
        solution = tdgl.solve(device, options, applied_vector_potential=FIELD * bc2_mT)
        psi = np.asarray(solution.tdgl_data.psi)
    w = _triangle_windings(np.angle(psi), device.mesh.elements)
    # the mesh's sites are in units of ξ (pyTDGL's internal length unit)
    np.savez(npz, sites=np.asarray(device.mesh.sites), triangles=np.asarray(device.mesh.elements), psi=psi)
    return {"code": f"pyTDGL {tdgl.__version__}", "edge_xi": edge, "sites": int(len(device.mesh.sites)),
            "vortices": int(w.sum())}


def ours(h: float, gamma: float, t_final: float, npz: str | None) -> dict:
    """Our run at spacing ``h`` from ψ = 1 (``npz`` None) or from pyTDGL's ψ in ``npz``."""
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import numpy as np
    from matplotlib.tri import LinearTriInterpolator, Triangulation

    from gl import observables as obs
    from gl.energy import free_energy
    from gl.geometry import Grid, Rectangle
    from gl.lattice import make_lattice
    from gl.model import UNIFORM, make_model
    from gl.state import uniform_state
    from gl.tdgl import run_steps, stability_limit

    grid = Grid.covering(SIDE, SIDE, h)
    lat = make_lattice(grid, Rectangle(SIDE, SIDE))
    mdl = make_model(KAPPA, FIELD, u=U, gamma=gamma, vector_potential=UNIFORM, electric_potential=True)
    zero = jnp.zeros(grid.shape)
    state = uniform_state(lat, zero, zero)
    start = "psi = 1"
    if npz is not None:
        d = np.load(npz)
        tri = Triangulation(d["sites"][:, 0], d["sites"][:, 1], d["triangles"])
        X, Y = grid.nodes()
        # film-edge nodes can fall a hair outside the mesh's hull: clip them in by 1e-9 ξ
        Xc, Yc = np.clip(X, -SIDE / 2 + 1e-9, SIDE / 2 - 1e-9), np.clip(Y, -SIDE / 2 + 1e-9, SIDE / 2 - 1e-9)
        re = LinearTriInterpolator(tri, d["psi"].real)(Xc, Yc).filled(np.nan)
        im = LinearTriInterpolator(tri, d["psi"].imag)(Xc, Yc).filled(np.nan)
        if not (np.isfinite(re).all() and np.isfinite(im).all()):
            raise RuntimeError("pyTDGL's mesh does not cover every node of our lattice")
        state = state.replace(psi=jnp.asarray(re + 1j * im) * lat.site)
        start = "pyTDGL's final psi"
    v0 = obs.vortices(state, lat)
    dt = 0.5 * stability_limit(grid, mdl)
    seg = int(math.ceil(t_final / HISTORY / dt))
    dt = t_final / (HISTORY * seg)
    history = []
    t = time.perf_counter()
    for k in range(HISTORY):
        state = run_steps(state, mdl, lat, jnp.asarray(dt), seg, jnp.asarray(k * seg * dt))
        v = obs.vortices(state, lat)
        history.append([(k + 1) * seg * dt, v["n_vortices"] - v["n_antivortices"],
                        float(free_energy(state, mdl, lat))])
    return {"code": "this project (run_steps, electric_potential=True, complex128)", "start": start, "h_xi": h,
            "sites": grid.nx * grid.ny, "initial_net_vortices": v0["n_vortices"] - v0["n_antivortices"],
            "vortices": history[-1][1], "free_energy": history[-1][2], "history_t_vortices_F": history,
            "wall_s": time.perf_counter() - t}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", choices=["ours", "pytdgl"], help=argparse.SUPPRESS)
    p.add_argument("--npz", help=argparse.SUPPRESS)
    p.add_argument("--tdgl-python", default=str(Path(__file__).parent / ".venv-tdgl" / "bin" / "python"),
                   help="python with `tdgl` installed (default: benchmarks/.venv-tdgl, made by vs_pytdgl_screening.py)")
    p.add_argument("--gamma", type=float, default=10.0)
    p.add_argument("--edge", type=float, default=0.5, help="pyTDGL max_edge_length [xi]")
    p.add_argument("--h", type=float, default=0.35, help="our lattice spacing [xi]")
    p.add_argument("--t-final", type=float, default=300.0)
    p.add_argument("--out", default="benchmarks/vs_pytdgl_states.json")
    args = p.parse_args(argv)
    if args.worker == "pytdgl":
        print(json.dumps(pytdgl_final_state(args.edge, args.gamma, args.t_final, args.npz)))
        return
    if args.worker == "ours":
        print(json.dumps(ours(args.h, args.gamma, args.t_final, args.npz or None)))
        return
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    common = ["--gamma", str(args.gamma), "--t-final", str(args.t_final)]

    def run(cmd):
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if res.returncode != 0:
            raise RuntimeError(f"{cmd} failed:\n{res.stderr[-3000:]}")
        out = json.loads(res.stdout.strip().splitlines()[-1])
        print(json.dumps(out), flush=True)
        return out

    with tempfile.TemporaryDirectory() as tmp:
        npz = os.path.join(tmp, "pytdgl_psi.npz")
        theirs = run([args.tdgl_python, __file__, "--worker", "pytdgl", "--edge", str(args.edge), "--npz", npz] + common)
        from_theirs = run([sys.executable, __file__, "--worker", "ours", "--h", str(args.h), "--npz", npz] + common)
    from_one = run([sys.executable, __file__, "--worker", "ours", "--h", str(args.h), "--npz", ""] + common)
    print(f"\nγ = {args.gamma:g}: pyTDGL (edge {args.edge} ξ) ends with {theirs['vortices']} vortices; on our lattice "
          f"(h = {args.h} ξ) its state keeps {from_theirs['vortices']} after {args.t_final:g} t0, F = "
          f"{from_theirs['free_energy']:.3f}; ours from ψ = 1: {from_one['vortices']} vortices, F = {from_one['free_energy']:.3f}")
    Path(args.out).write_text(json.dumps({"machine": f"{platform.machine()}, {os.cpu_count()} cores",
                                          "gamma": args.gamma, "pytdgl": theirs, "ours_from_pytdgl": from_theirs,
                                          "ours_from_psi_1": from_one}, indent=1))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
