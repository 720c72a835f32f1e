"""Thin-film (Pearl) screening at scale: the cost of a screened TDGL step beside the frozen-A step,
and a 1024² screened film relaxed to its steady state (time and peak memory).

Run: python benchmarks/screened_film.py [--quick | --relax-only] [--method tdgl|minimize]
[--start london|applied] [--n N] [--max-time T] [--out FILE]. Writes benchmarks/screened_film.json
by default.
Machine of record: see benchmarks/RESULTS.md. A dense O(N²) self-field (pyTDGL's Biot–Savart
matrix) would need N² = 1.1e12 entries (8.8 TB in float64) at 1024² sites; the FFT kernel needs a
few (2nx, 2ny) arrays.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

from gl.gauge import applied_link_phases, magnetic_field  # noqa: E402
from gl.geometry import Disk, Grid  # noqa: E402
from gl.lattice import make_lattice  # noqa: E402
from gl.model import UNIFORM, make_model  # noqa: E402
from gl.state import State  # noqa: E402
from gl.minimize import minimize  # noqa: E402
from gl.screening import london_state, project_phase  # noqa: E402
from gl.tdgl import check_time_step, rhs, run_steps  # noqa: E402


def _timed(fn, *args, repeat=3):
    out = fn(*args)
    jax.block_until_ready(out)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        jax.block_until_ready(out)
        best = min(best, time.perf_counter() - t)
    return best, out


def step_costs(n: int, steps: int, dtype) -> dict:
    """Seconds per step of the screened (PEARL) and frozen-A (fast kernel) TDGL at n² sites."""
    grid = Grid(n, n, 1.0, 1.0)
    lat = make_lattice(grid, dtype=dtype)
    H = 0.002
    ax, ay = applied_link_phases(grid, H, dtype=dtype)
    cplx = jnp.complex128 if dtype == jnp.float64 else jnp.complex64
    s = State(jnp.ones(grid.shape, cplx) * lat.site, ax, ay)
    film = make_model(2.0, H, vector_potential="pearl", pearl_length=n / 4.0, dtype=dtype)
    frozen = make_model(2.0, H, vector_potential=UNIFORM, dtype=dtype)
    dt = 0.05
    row = {"sites": n * n, "dtype": jnp.dtype(dtype).name, "steps": steps}
    for name, model in (("pearl", film), ("frozen_fast", frozen)):
        sec, _ = _timed(lambda st: run_steps(st, model, lat, dt, steps), s)
        row[f"{name}_s_per_step"] = sec / steps
    row["pearl_over_frozen"] = row["pearl_s_per_step"] / row["frozen_fast_s_per_step"]
    return row


STEADY_RATE = 1e-5   # "steady": the largest rate max(|∂tψ|, |∂t a|) on the film below this


def _disk_film(n: int):
    """A disk film (radius n/2 − 1 ξ, h = ξ) with Λ = n/4 ξ in H = 0.002 B_c2 (Meissner state),
    symmetric gauge, ψ = 1: the lattice, the model, the initial state and a function giving the
    film's largest TDGL rate max(|∂tψ|, |∂t a|)."""
    grid = Grid(n, n, 1.0, 1.0)
    X, Y = grid.nodes()
    c = (float(X.mean()), float(Y.mean()))
    lat = make_lattice(grid, Disk(n / 2 - 1, center=c))
    H = 0.002
    ax, ay = applied_link_phases(grid, H, "symmetric")
    model = make_model(2.0, H, vector_potential="pearl", pearl_length=n / 4.0, gauge="symmetric")
    s = State(jnp.ones(grid.shape, jnp.complex128) * lat.site, ax, ay)
    rate = jax.jit(lambda st: rhs(st, model, lat))

    def max_rate(st):
        d = rate(st)
        return max(float(jnp.max(jnp.abs(d.psi))), float(jnp.max(jnp.abs(d.ax * lat.link_x))),
                   float(jnp.max(jnp.abs(d.ay * lat.link_y))))
    return lat, model, s, max_rate


def _starting_state(n: int, start: str):
    """:func:`_disk_film` with the state to start from: :func:`gl.screening.london_state` (``start``
    "london") or ψ = 1, A = A_app ("applied"); also the clock's start and the seconds spent building it."""
    lat, model, s, max_rate = _disk_film(n)
    t0 = time.perf_counter()
    if start == "london":
        s = london_state(lat, model)
    return lat, model, s, max_rate, t0, time.perf_counter() - t0


def _summary(s, lat, model, n, method, t0, history) -> dict:
    b = np.asarray(magnetic_field(s, lat))
    inner = np.hypot(*np.meshgrid(np.arange(n) + 0.5 - n / 2, np.arange(n) + 0.5 - n / 2, indexing="ij")) < n / 4
    return {"method": method, "sites": n * n, "pearl_length_xi": float(model.pearl_length),
            "wall_s": time.perf_counter() - t0, "final_max_rate": history[-1][1],
            "converged": history[-1][1] < STEADY_RATE, "mean_bz_inner_half_over_H": float(b[inner].mean() / model.field(0.0)),
            "peak_rss_GiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20, "history": history}


def relax_1024(n: int = 1024, max_time: float = 300.0, chunk: int = 100, start: str = "london",
               project: bool = True) -> dict:
    """The disk film of :func:`_disk_film` relaxed by screened TDGL (μ = 0) from :func:`gl.screening.london_state`
    (``start`` "london") or from ψ = 1, A = A_app ("applied") until its largest rate is below 1e-5 or
    ``max_time`` [t0] has passed; with ``project``, each chunk of ``chunk`` steps is followed by
    :func:`gl.screening.project_phase`. Without it the run is slow: with μ = 0 the phase of ψ relaxes
    by diffusion over the whole disk (time ~ u R²), so the last decades take ~10³ t0 at n = 1024."""
    lat, model, s, max_rate, t0, t_start = _starting_state(n, start)
    dt = check_time_step(None, lat.grid, model)
    t, history = 0.0, []
    while t < max_time:
        s = run_steps(s, model, lat, dt, chunk, t)
        if project:
            s = project_phase(s, lat)
        t += chunk * dt
        r = max_rate(s)
        history.append([t, r, time.perf_counter() - t0])
        print(f"  t = {t:8.1f} t0  max rate {r:.3e}  wall {time.perf_counter() - t0:7.1f} s", flush=True)
        if r < STEADY_RATE:
            break
    confirm = {}
    if project and history[-1][1] < STEADY_RATE:
        # the projection zeroes the phase part of ∂tψ by construction: confirm with plain TDGL steps
        s = run_steps(s, model, lat, dt, chunk, t)
        confirm = {"max_rate_after_a_chunk_without_projection": max_rate(s), "confirm_t0": chunk * dt}
        print(f"  one more chunk without projection ({chunk * dt:.1f} t0): max rate "
              f"{confirm['max_rate_after_a_chunk_without_projection']:.3e}", flush=True)
    method = f"screened TDGL from the {start} state" + (", phase projected" if project else "")
    return confirm | _summary(s, lat, model, n, method, t0, history) | {"dt_t0": dt, "simulated_t0": t,
                                                                        "start_state_s": t_start}


def minimize_1024(n: int = 1024, chunk: int = 200, max_iter: int = 20000, start: str = "london") -> dict:
    """The disk film of :func:`_disk_film` taken to its steady state by minimizing the free energy with
    the magnetic self-energy of the sheet current (:func:`gl.minimize.minimize` over ψ and K), from
    :func:`gl.screening.london_state` (``start`` "london") or from ψ = 1, A = A_app ("applied"), in chunks of
    ``chunk`` L-BFGS iterations until the largest TDGL rate on the film is below 1e-5 (a stationary
    point of F is a steady state of the screened TDGL). Stays on the Meissner branch: the film's
    flux, H·πR² ≈ 260 Φ0 at n = 1024, would let vortices in at equilibrium, but no vortex is seeded."""
    lat, model, s, max_rate, t0, t_start = _starting_state(n, start)
    it, history = 0, []
    while it < max_iter:
        res = minimize(s, model, lat, tol=0.0, max_iter=chunk)
        s, it = res.state, it + res.iterations
        r = max_rate(s)
        history.append([it, r, time.perf_counter() - t0, res.grad_norm, res.energy])
        print(f"  {it:6d} iterations  max rate {r:.3e}  grad {res.grad_norm:.3e}  F {res.energy:.12g}  "
              f"wall {time.perf_counter() - t0:7.1f} s", flush=True)
        if r < STEADY_RATE:
            break
    out = _summary(s, lat, model, n, f"L-BFGS minimization from the {start} state", t0, history)
    return out | {"iterations": it, "start_state_s": t_start}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true", help="step costs only at 256² and 512²")
    p.add_argument("--relax-only", action="store_true", help="only the 1024² relaxation (no step costs)")
    p.add_argument("--max-time", type=float, default=300.0, help="longest TDGL relaxation [t0] (300)")
    p.add_argument("--method", choices=["tdgl", "minimize"], default="tdgl",
                   help="how the 1024² film reaches its steady state: screened TDGL (default) or L-BFGS minimization")
    p.add_argument("--n", type=int, default=1024, help="sites per side of the steady-state film (1024)")
    p.add_argument("--start", choices=["london", "applied"], default="london",
                   help="starting state: the London-limit Meissner state (default) or ψ = 1, A = A_applied")
    p.add_argument("--no-projection", action="store_true",
                   help="TDGL without gl.screening.project_phase between chunks (μ = 0 phase diffusion only)")
    p.add_argument("--out", default=str(Path(__file__).with_suffix(".json")))
    args = p.parse_args()
    out = {"machine": f"{platform.processor() or platform.machine()}, {jax.devices()[0].device_kind}, "
                      f"JAX {jax.__version__}", "step_costs": []}
    for n in (() if args.relax_only else (256, 512) if args.quick else (256, 512, 1024)):
        for dtype in (jnp.float64, jnp.float32):
            row = step_costs(n, 20 if n >= 1024 else 50, dtype)
            print(row, flush=True)
            out["step_costs"].append(row)
    if not args.quick:
        key = "minimize_1024" if args.method == "minimize" else "relax_1024"
        out[key] = (minimize_1024(args.n, start=args.start) if args.method == "minimize"
                    else relax_1024(args.n, args.max_time, start=args.start,
                                    project=not args.no_projection))
        print({k: v for k, v in out[key].items() if k != "history"})
    Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
