"""Thin-film (Pearl) screening side by side with pyTDGL 0.9 (``include_screening=True``): a disk under a field coil.

Usage:  python benchmarks/vs_pytdgl_screening.py [--tdgl-python PATH] [--h 0.56] [--edge 0.56] [--extra-h 0.28]
                                                [--cases meissner vortex] [--current I ...] [--t-final T ...]
                                                [--unit-check] [--out FILE.json]

Problem (SI; GL units with ξ = 0.25 µm in brackets): a superconducting disk film of radius R = 2 µm
[8 ξ], thickness d = 90 nm, ξ = 0.25 µm, λ = 0.3 µm (κ = 1.2), so the Pearl length Λ = 2λ²/d = 2 µm = R
[8 ξ]. u = 5.79 and γ = 0 in both codes (γ = 0, the plain TDGL: with pyTDGL's γ = 10 the vortex entry
is several times slower and pyTDGL's screened run would not fit in ~15 minutes here). A coaxial
circular field coil of radius a = 3 µm [12 ξ] at z = 1 µm [4 ξ] above the film; its current rises
linearly from 0 to I over T_RAMP = 10 t0 and then stays (ψ = 1 everywhere at t = 0), and both codes
evolve to the same ``--t-final`` (40 t0) in t0 = μ0σλ² (pyTDGL's τ0 = μ0σλ²: factor 1). Two currents,
in I0 = Φ0/(2πμ0ξ) = 1.05 mA: I = 2 I0 (Meissner state, no vortex) and I = 14 I0 (vortices enter).

Measured at the end on both sides: the net vortex count (phase windings: plaquettes of our lattice,
``gl.observables.vortices``; triangles of pyTDGL's mesh, gauge-invariant with pyTDGL's applied +
induced link phases), and the flux Φ_film through a coaxial pickup loop of radius b = 1 µm [4 ξ] at
z_p = 0.5 µm [2 ξ] due to the film's currents only (the coil's own flux, Maxwell's formula, is the
same in both codes; it is added only in ``total_flux_rel_diff``). Ours: ``gl.thinfilm.sheet_field``
of the supercurrent at z_p summed over the pickup disk (``gl.probes.flux_through_loop``). pyTDGL: the
line integral ∮A·dl round the pickup circle of A = (μ0/4π)Σ K·area/|r − r_site| from its sheet
current on the mesh sites (supercurrent + normal current, K0 × ``Mesh.get_quantity_on_site``,
exactly what its screening sums), cross-checked by its own ``Solution.field_at_position`` summed
over a polar grid of the pickup disk. The counts and fluxes are also recorded at t_final·k/4.

pyTDGL is given the problem's λ. Its sheet-current unit K0 = 4ξB_c2/(μ0Λ), Λ = λ²/d, is four times
the London unit dΦ0/(2πμ0λ²ξ), but its edge-to-site average (``Mesh.get_quantity_on_site``: the mean
of (J·ê)ê over a site's edges, ≈ J/2, halved again) returns about J/4, so the current it screens
with and reports is the London one. ``--unit-check`` adds a weak-current pyTDGL run with
london_lambda = 2λ, whose film flux is then that of a Pearl length 4Λ.

Screening dynamics differ (the stationary states are the same): ours (``vector_potential="pearl"``)
relaxes the film's sheet current toward the supercurrent, σ∂tK = J_s − K, one FFT convolution per
step, with μ = 0 (``gl`` refuses ``electric_potential=True`` with a Pearl film, and its μ solve
needs a rectangle). pyTDGL solves ∇²μ = ∇·J_s each step and iterates the potential of J_s + J_n
(eddy currents −∂tA included) to self-consistency within each step, an O(sites × edges) direct
sum per iteration. Its defaults (step 0.1, drag 0.5, tolerance 1e-3) stalled at a relative error of
~2e-3 ("Screening calculation failed to converge"), and so did step 0.5, drag 1 with tolerance 1e-3
in the vortex run; ``PYTDGL_SCREENING`` (step 0.5, drag 1, tolerance 5e-3) ran through.

Resolution: ours a square lattice of spacing ``--h`` [ξ] covering the disk (nodes inside it are
superconducting); pyTDGL a Delaunay mesh with ``max_edge_length`` = ``--edge`` [ξ] (2006 sites at
0.56 ξ; its mean edge is 0.35 ξ, so ``--extra-h`` 0.28 ξ, with more sites than pyTDGL, is also run
and paired).

Timing: each solver in its own subprocess, one after the other, in one run of this script. pyTDGL:
from the ``Device`` (mesh generation) to ``tdgl.solve`` returning. Ours: from the grid to the final
state on the host, the first call including JAX compilation; then a second identical call from the
same initial state (compiled) is timed too. Observables are computed after the timing.

pyTDGL (PyPI ``tdgl``) is a benchmark-only dependency that the project never imports: unless
``--tdgl-python`` names an interpreter that has it, this script creates ``benchmarks/.venv-tdgl``
(``python -m venv``, then ``pip install "tdgl==0.9.*"``, once) and runs the pyTDGL worker with that
environment's python. ``--tdgl-python none`` runs our side only.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

# ---- the problem, SI (lengths in µm) ------------------------------------------------------------
XI_UM = 0.25           # coherence length ξ
LAMBDA_UM = 0.3        # London penetration depth λ
D_UM = 0.09            # film thickness d
R_UM = 2.0             # disk radius
COIL_A_UM = 3.0        # field-coil radius
COIL_Z_UM = 1.0        # field-coil height above the film
PICKUP_B_UM = 1.0      # pickup-loop radius
PICKUP_Z_UM = 0.5      # pickup-loop height above the film
U = 5.79
GAMMA = 0.0
PHI0 = 2.067833848e-15          # Wb
MU0 = 1.25663706212e-6          # H/m

# ---- the same in GL units (ξ, B_c2, I0 = Φ0/(2πμ0ξ), t0) ----------------------------------------
R = R_UM / XI_UM
COIL_A = COIL_A_UM / XI_UM
COIL_Z = COIL_Z_UM / XI_UM
PICKUP_B = PICKUP_B_UM / XI_UM
PICKUP_Z = PICKUP_Z_UM / XI_UM
KAPPA = LAMBDA_UM / XI_UM
PEARL = 2.0 * LAMBDA_UM ** 2 / D_UM / XI_UM          # Λ/ξ
I0_A = PHI0 / (2.0 * math.pi * MU0 * XI_UM * 1e-6)   # GL current unit [A]

# pyTDGL's screening iteration (Polyak's heavy ball): its defaults (step 0.1, drag 0.5, tolerance 1e-3) stall
PYTDGL_SCREENING = {"screening_step_size": 0.5, "screening_step_drag": 1.0, "screening_tolerance": 5e-3}
HISTORY = 4            # vortex counts and fluxes are also recorded at t_final·k/HISTORY
T_RAMP = 10.0          # the coil current rises linearly from 0 over this time [t0], then stays
# name: (final coil current [I0], evolution time [t0])
CASES = {"meissner": (2.0, 40.0), "vortex": (14.0, 40.0)}


def worker_ours(case: str, h: float, current: float, t_final: float) -> dict:
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import numpy as np

    from gl import observables as obs
    from gl import probes, screening, sources, thinfilm
    from gl.geometry import Disk, Grid
    from gl.lattice import make_lattice
    from gl.model import make_model
    from gl.operators import supercurrent
    from gl.state import State
    from gl.tdgl import check_time_step, induced_link_phases, run_steps

    def simulate():
        grid = Grid.covering(2 * R + 2 * h, 2 * R + 2 * h, h)
        lat = make_lattice(grid, Disk(R), dtype=jnp.float64)
        ux, uy = sources.link_phases(sources.CurrentLoop(COIL_A, COIL_Z, 1.0), grid)
        model = make_model(KAPPA, [(0.0, 0.0), (T_RAMP, current)], u=U, gamma=GAMMA, vector_potential="pearl",
                           pearl_length=PEARL, source_potential=(ux, uy), dtype=jnp.float64)
        dt = check_time_step(None, grid, model)           # half the stability limit
        n = HISTORY * math.ceil(t_final / HISTORY / dt)
        dt = t_final / n
        start = State(lat.site.astype(jnp.complex128), 0.0 * ux, 0.0 * uy)   # ψ = 1, I(0) = 0, A_K = 0
        return grid, lat, model, start, dt, n

    t0 = time.perf_counter()
    grid, lat, model, start, dt, n = simulate()
    state = run_steps(start, model, lat, jnp.asarray(dt), n, 0.0)
    state.psi.block_until_ready()
    wall = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = run_steps(start, model, lat, jnp.asarray(dt), n, 0.0)
    again.psi.block_until_ready()
    wall_compiled = time.perf_counter() - t1

    def film_flux(st):
        jx, jy = supercurrent(st, lat)
        bz = thinfilm.sheet_field(jx, jy, grid, PICKUP_Z, PEARL)
        return float(probes.flux_to_phi0(probes.flux_through_loop(bz, grid, PICKUP_B)))

    v = obs.vortices(state, lat)
    jx, jy = supercurrent(state, lat)
    flux_film = film_flux(state)
    # the same run again in HISTORY segments (untimed): net vortex count and film flux on the way
    history, st, seg = [], start, n // HISTORY
    for k in range(HISTORY):
        st = run_steps(st, model, lat, jnp.asarray(dt), seg, k * seg * dt)
        history.append([(k + 1) * seg * dt, obs.vortices(st, lat)["net"], film_flux(st)])
    # how far the film's own potential is from G·J_s at the end (0 when K = J_s)
    ix, iy = induced_link_phases(state, model, lat, t_final)
    gx, gy = screening.induced_potential(jx, jy, screening.film_kernel(model, lat), lat)
    resid = float(jnp.sqrt(jnp.sum((gx - ix) ** 2 + (gy - iy) ** 2) / jnp.sum(ix ** 2 + iy ** 2)))
    a_test = sources.CurrentLoop(COIL_A, COIL_Z, current).vector_potential(jnp.asarray([R / 2]), jnp.asarray([0.0]))
    # reference: the linear London response of the film (|ψ| = 1) to the full coil current, same grid
    lon = thinfilm.london_response(current * model.source_potential[0], current * model.source_potential[1], grid,
                                   PEARL, lat.link_x, lat.link_y, tol=1e-10)
    bz = thinfilm.sheet_field(lon.jx, lon.jy, grid, PICKUP_Z, PEARL)
    flux_london = float(probes.flux_to_phi0(probes.flux_through_loop(bz, grid, PICKUP_B)))
    return {"code": "this project (gl, vector_potential='pearl', float64)", "case": case, "current_I0": current,
            "t_final": t_final, "h": h, "resolution": f"h = {h:g} xi", "grid": [grid.nx, grid.ny],
            "sites": int(np.asarray(lat.site).sum()), "steps": n, "dt": dt, "wall_s": wall,
            "wall_compiled_s": wall_compiled, "vortices": v["n_vortices"], "antivortices": v["n_antivortices"],
            "net_vortices": v["net"], "flux_film_phi0": flux_film, "screening_residual": resid,
            "history_t_net_flux": history, "london_flux_film_phi0": flux_london,
            "min_abs_psi_inside": float(jnp.min(jnp.where(lat.site > 0, jnp.abs(state.psi), 1.0))),
            "finite": bool(jnp.all(jnp.isfinite(state.psi))), "device": str(jax.devices()[0]),
            "applied_A_check": {"x": R / 2, "Ay": float(a_test[1][0])}}


def _triangle_windings(theta, tri, link):
    """Gauge-invariant winding of ψ round each triangle: Σ wrap(Δθ − a) + Σ a over its three edges,
    with a(i → j) the link phase of the edge from site i to site j (``link(i, j)``)."""
    import numpy as np

    total = np.zeros(len(tri))
    for p, q in ((0, 1), (1, 2), (2, 0)):
        i, j = tri[:, p], tri[:, q]
        a = link(i, j)
        d = theta[j] - theta[i] - a
        total += (d + np.pi) % (2 * np.pi) - np.pi + a
    return np.rint(total / (2 * np.pi)).astype(int)


def worker_pytdgl(case: str, edge: float, current: float, t_final: float, lambda_um: float) -> dict:
    import tempfile

    import h5py
    import numpy as np
    import tdgl
    from tdgl.geometry import circle
    from tdgl.solution.data import TDGLData

    tmp = tempfile.TemporaryDirectory()
    out_file = os.path.join(tmp.name, "run.h5")
    current_uA = current * I0_A * 1e6
    loop = tdgl.sources.CurrentLoop(current=current_uA, radius=COIL_A_UM, center=(0.0, 0.0, COIL_Z_UM),
                                    current_units="uA", field_units="mT", length_units="um")
    t0 = time.perf_counter()
    layer = tdgl.Layer(coherence_length=XI_UM, london_lambda=lambda_um, thickness=D_UM, u=U, gamma=GAMMA)
    film = tdgl.Polygon("film", points=circle(R_UM, points=int(2 * math.pi * R / edge) + 1))
    device = tdgl.Device("disk", layer=layer, film=film, length_units="um")
    device.make_mesh(max_edge_length=edge * XI_UM, smooth=100)
    t_mesh = time.perf_counter() - t0
    options = tdgl.SolverOptions(solve_time=t_final, include_screening=True, field_units="mT", current_units="uA",
                                 output_file=out_file, progress_interval=0, **PYTDGL_SCREENING)
    ramp = tdgl.sources.LinearRamp(tmin=0.0, tmax=T_RAMP, initial=0.0, final=1.0)
    solution = tdgl.solve(device, options, applied_vector_potential=ramp * loop)
    wall = time.perf_counter() - t0

    mesh = device.mesh
    sites = np.asarray(mesh.sites)                  # [ξ]
    edges = np.asarray(mesh.edge_mesh.edges)
    centers = np.asarray(mesh.edge_mesh.centers)    # [ξ]
    tri = np.asarray(mesh.elements)
    bc2_mT = PHI0 / (2 * math.pi * (XI_UM * 1e-6) ** 2) * 1e3
    a_scale = 1.0 / (bc2_mT * XI_UM)                # mT·µm → ξB_c2
    A_app = a_scale * np.asarray(loop(centers[:, 0] * XI_UM, centers[:, 1] * XI_UM, np.zeros(len(centers))))[:, :2]
    n_sites = len(sites)
    keys = np.minimum(edges[:, 0], edges[:, 1]) * n_sites + np.maximum(edges[:, 0], edges[:, 1])
    order = np.argsort(keys)
    skeys = keys[order]
    K0 = device.K0.to("A/m").magnitude
    w_area = np.asarray(mesh.areas) * (XI_UM * 1e-6) ** 2        # m²
    xs, zp, b = sites * XI_UM * 1e-6, PICKUP_Z_UM * 1e-6, PICKUP_B_UM * 1e-6
    phi = 2 * np.pi * np.arange(720) / 720

    def observe(data, t):
        """(vortices, antivortices, Φ_film [Φ0]) of one saved state at time t."""
        A = A_app * min(t / T_RAMP, 1.0) + np.asarray(data.induced_vector_potential)
        phase = np.einsum("ij,ij->i", A, sites[edges[:, 1]] - sites[edges[:, 0]])   # link phase, edge i → j

        def link(i, j):
            e = order[np.searchsorted(skeys, np.minimum(i, j) * n_sites + np.maximum(i, j))]
            return np.where(edges[e, 0] == i, phase[e], -phase[e])

        w = _triangle_windings(np.angle(data.psi), tri, link)
        # the film's sheet current on the sites, as pyTDGL's screening uses it (K0 × its site average)
        K = K0 * mesh.get_quantity_on_site(np.asarray(data.supercurrent) + np.asarray(data.normal_current))
        flux = 0.0                                   # ∮A·dl round the pickup, A = (μ0/4π)Σ K·area/dist
        for c, s in zip(np.cos(phi), np.sin(phi)):
            dist = np.sqrt((b * c - xs[:, 0]) ** 2 + (b * s - xs[:, 1]) ** 2 + zp ** 2)
            Ax = MU0 / (4 * np.pi) * np.sum(K[:, 0] * w_area / dist)
            Ay = MU0 / (4 * np.pi) * np.sum(K[:, 1] * w_area / dist)
            flux += (-Ax * s + Ay * c) * b * 2 * np.pi / len(phi)
        return int(w[w > 0].sum()), int(-w[w < 0].sum()), flux / PHI0

    data = solution.tdgl_data
    saved = getattr(data, "applied_vector_potential", None)     # pyTDGL's own A at the last step, if kept
    a_saved_diff = float(np.abs(np.asarray(saved) - A_app).max()) if saved is not None else None
    n_vort, n_anti, flux_line = observe(data, t_final)
    history = []
    with h5py.File(out_file, "r") as f:
        steps = sorted(int(k) for k in f["data"])
        times = np.array([float(f["data"][str(k)].attrs["time"]) for k in steps])
        for k in range(1, HISTORY + 1):
            i = int(np.argmin(np.abs(times - t_final * k / HISTORY)))
            v, a, fl = observe(TDGLData.from_hdf5(f, steps[i]), float(times[i]))
            history.append([float(times[i]), v - a, fl])
    # cross-check: pyTDGL's own Biot–Savart field at z_p, midpoint rule on a polar grid of the pickup disk
    nr, nphi = 60, 120
    rr = (np.arange(nr) + 0.5) * PICKUP_B_UM / nr
    pp = 2 * np.pi * (np.arange(nphi) + 0.5) / nphi
    RR, PP = np.meshgrid(rr, pp, indexing="ij")
    pts = np.stack([(RR * np.cos(PP)).ravel(), (RR * np.sin(PP)).ravel()], axis=1)
    bz = solution.field_at_position(pts, zs=PICKUP_Z_UM, units="T", with_units=False)
    flux_bs = float(np.sum(bz * (RR * PICKUP_B_UM / nr * 2 * np.pi / nphi).ravel() * 1e-12)) / PHI0
    dyn = solution.dynamics
    iters = np.asarray(dyn.data.get("screening_iterations", [])) if hasattr(dyn, "data") else np.array([])
    x_test = R / 2
    a_test = a_scale * np.asarray(loop(np.array([x_test, R]) * XI_UM, np.zeros(2), np.zeros(2)))[0, :2]
    tmp.cleanup()
    literal = abs(lambda_um - LAMBDA_UM) < 1e-12
    return {"code": f"pyTDGL {tdgl.__version__} (include_screening=True)", "case": case, "current_I0": current,
            "current_uA": current_uA, "t_final": t_final, "h": edge, "london_lambda_um": lambda_um,
            "lambda_choice": "the problem's lambda" if literal else "2 lambda (unit check, not the problem)",
            "resolution": f"max_edge_length = {edge:g} xi", "sites": len(sites), "edges": len(edges),
            "wall_s": wall, "mesh_s": t_mesh, "solve_steps": len(dyn.time),
            "screening_iterations_mean": float(iters.mean()) if iters.size else None,
            "vortices": n_vort, "antivortices": n_anti, "net_vortices": n_vort - n_anti,
            "flux_film_phi0": float(flux_line), "flux_film_phi0_field_at_position": flux_bs,
            "history_t_net_flux": history,
            "min_abs_psi": float(np.abs(data.psi).min()), "K0_A_per_m": K0, "saved_applied_A_max_diff": a_saved_diff,
            "applied_A_check": {"x": x_test, "Ay": float(a_test[1])}}


def _run(cmd: list[str], env=None) -> dict:
    load = os.getloadavg()[0]
    t = time.perf_counter()
    res = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{res.stderr[-3000:]}")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["process_wall_s"] = time.perf_counter() - t
    out["loadavg_1min_at_start"] = load
    out["loadavg_1min_at_end"] = os.getloadavg()[0]
    return out


def ensure_tdgl_python(root: Path) -> str:
    """The python of ``benchmarks/.venv-tdgl``, created with ``pip install "tdgl==0.9.*"`` if missing."""
    from venvs import ensure_python   # the script beside this one

    return ensure_python(root / "benchmarks" / ".venv-tdgl", "import tdgl", ["tdgl==0.9.*"], "tdgl 0.9 (a few minutes)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", choices=["ours", "pytdgl"], help=argparse.SUPPRESS)
    p.add_argument("--case", help=argparse.SUPPRESS)
    p.add_argument("--res", type=float, help=argparse.SUPPRESS)
    p.add_argument("--lambda-um", type=float, default=LAMBDA_UM, help=argparse.SUPPRESS)
    p.add_argument("--tdgl-python", default=None,
                   help="python with `tdgl` installed (default: benchmarks/.venv-tdgl, created if missing; 'none': skip)")
    p.add_argument("--h", type=float, default=0.56, help="our lattice spacing [xi] (0.56)")
    p.add_argument("--edge", type=float, default=0.56, help="pyTDGL max_edge_length [xi] (0.56)")
    p.add_argument("--extra-h", type=float, nargs="*", default=[0.28], help="our extra spacings [xi] (0.28)")
    p.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    p.add_argument("--current", type=float, nargs="*", default=None, help="coil currents [I0], one per case")
    p.add_argument("--t-final", type=float, nargs="*", default=None, help="evolution times [t0], one per case")
    p.add_argument("--unit-check", action="store_true",
                   help="also run pyTDGL's weak case with london_lambda = 2 lambda (its current-unit bookkeeping)")
    p.add_argument("--out", default="benchmarks/vs_pytdgl_screening.json")
    args = p.parse_args(argv)
    cases = {c: CASES[c] for c in args.cases}
    if args.current:
        cases = {c: (i, cases[c][1]) for c, i in zip(cases, args.current)}
    if args.t_final:
        cases = {c: (cases[c][0], t) for c, t in zip(cases, args.t_final)}
    if args.worker:
        cur, tf = CASES[args.case]
        cur = args.current[0] if args.current else cur
        tf = args.t_final[0] if args.t_final else tf
        if args.worker == "ours":
            print(json.dumps(worker_ours(args.case, args.res, cur, tf)))
        else:
            print(json.dumps(worker_pytdgl(args.case, args.res, cur, tf, args.lambda_um)))
        return
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    tdgl_py = args.tdgl_python
    if tdgl_py is None:
        tdgl_py = ensure_tdgl_python(root)
    rows = []

    def worker(kind, case, res, python, extra=()):
        cur, tf = cases[case]
        cmd = [python, __file__, "--worker", kind, "--case", case, "--res", str(res), "--current", str(cur),
               "--t-final", str(tf), *extra]
        rows.append(_run(cmd, env if kind == "ours" else None))
        print(json.dumps(rows[-1]), flush=True)

    for case in cases:
        worker("ours", case, args.h, sys.executable)
        if tdgl_py.lower() != "none":
            worker("pytdgl", case, args.edge, tdgl_py)
        for h in args.extra_h:
            worker("ours", case, h, sys.executable)
    if tdgl_py.lower() != "none" and args.unit_check and "meissner" in cases:
        worker("pytdgl", "meissner", args.edge, tdgl_py, ["--lambda-um", str(2 * LAMBDA_UM)])

    from gl.probes import coaxial_mutual_inductance
    m_free = float(coaxial_mutual_inductance(COIL_A, PICKUP_B, COIL_Z - PICKUP_Z))   # [μ0 ξ]
    paired = []
    for case, (cur, tf) in cases.items():
        coil_flux = m_free * cur / (2 * math.pi)                                      # [Φ0]
        theirs = [r for r in rows if r["case"] == case and r["code"].startswith("pyTDGL")]
        for ours in (r for r in rows if r["case"] == case and r["code"].startswith("this")):
            for t in theirs:
                paired.append({
                    "case": case, "current_I0": cur, "current_mA": cur * I0_A * 1e3, "t_final": tf,
                    "ours_h_xi": ours["h"], "pytdgl_edge_xi": t["h"], "pytdgl_london_lambda_um": t["london_lambda_um"],
                    "ours_sites": ours["sites"], "pytdgl_sites": t["sites"],
                    "ours_net_vortices": ours["net_vortices"], "pytdgl_net_vortices": t["net_vortices"],
                    "coil_flux_phi0": coil_flux, "ours_flux_film_phi0": ours["flux_film_phi0"],
                    "pytdgl_flux_film_phi0": t["flux_film_phi0"],
                    "film_flux_rel_diff": ours["flux_film_phi0"] / t["flux_film_phi0"] - 1,
                    "total_flux_rel_diff": (coil_flux + ours["flux_film_phi0"]) / (coil_flux + t["flux_film_phi0"]) - 1,
                    "ours_wall_s": ours["wall_s"], "ours_wall_compiled_s": ours["wall_compiled_s"],
                    "pytdgl_wall_s": t["wall_s"], "pytdgl_over_ours": t["wall_s"] / ours["wall_s"],
                    "pytdgl_over_ours_compiled": t["wall_s"] / ours["wall_compiled_s"]})
    cpu = platform.processor()
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    machine = f"{cpu}, {os.cpu_count()} cores, {platform.machine()}, no GPU used (JAX device: CPU)"
    print(f"\nmachine: {machine}; coil flux through the pickup (free space) {m_free / (2 * math.pi):.5f} Φ0 per I0")
    print(f"{'case':<9} {'code':<52} {'resolution':<26} {'sites':>6} {'wall s':>8} {'vort':>5} {'Φ_film [Φ0]':>12}")
    for r in rows:
        lam = f" λ={r['london_lambda_um']:g}" if "london_lambda_um" in r else ""
        print(f"{r['case']:<9} {r['code'][:52]:<52} {r['resolution'] + lam:<26} {r['sites']:>6} {r['wall_s']:>8.2f} "
              f"{r['net_vortices']:>5} {r['flux_film_phi0']:>12.5f}")
    for x in paired:
        print(f"{x['case']}: I = {x['current_I0']:g} I0 = {x['current_mA']:.3g} mA; ours h = {x['ours_h_xi']:g} vs pyTDGL "
              f"edge {x['pytdgl_edge_xi']:g} (λ = {x['pytdgl_london_lambda_um']:g} µm): vortices {x['ours_net_vortices']} vs "
              f"{x['pytdgl_net_vortices']}; Φ_film {x['ours_flux_film_phi0']:.5f} vs {x['pytdgl_flux_film_phi0']:.5f} Φ0 "
              f"({100 * x['film_flux_rel_diff']:+.1f}%; with the coil {100 * x['total_flux_rel_diff']:+.2f}%); wall "
              f"{x['ours_wall_s']:.2f} s ({x['ours_wall_compiled_s']:.3f} s compiled) vs {x['pytdgl_wall_s']:.1f} s "
              f"({x['pytdgl_over_ours']:.0f}x; {x['pytdgl_over_ours_compiled']:.0f}x compiled)")
    problem = {"xi_um": XI_UM, "lambda_um": LAMBDA_UM, "thickness_um": D_UM, "pearl_length_um": 2 * LAMBDA_UM ** 2 / D_UM,
               "pearl_length_xi": PEARL, "disk_radius_um": R_UM, "coil_radius_um": COIL_A_UM, "coil_height_um": COIL_Z_UM,
               "pickup_radius_um": PICKUP_B_UM, "pickup_height_um": PICKUP_Z_UM, "u": U, "gamma": GAMMA,
               "I0_mA": I0_A * 1e3, "ramp_t0": T_RAMP,
               "cases": {c: {"current_I0": i, "current_mA": i * I0_A * 1e3, "t_final_t0": t} for c, (i, t) in cases.items()},
               "time_unit_conversion": 1.0, "flux": "film's currents only; coil_flux_phi0 (Maxwell, free space) is "
               "added in total_flux_rel_diff", "coil_flux_per_I0_phi0": m_free / (2 * math.pi),
               "pytdgl_screening_options": PYTDGL_SCREENING}
    with open(args.out, "w") as fh:
        json.dump({"problem": problem, "machine": machine, "command": " ".join(sys.argv), "rows": rows,
                   "paired": paired}, fh, indent=2)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
