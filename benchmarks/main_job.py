"""Wall time of the main job (`glsim run`, vortex-film on its embedded default) and where it goes.

Usage:  python benchmarks/main_job.py [--repeats 3] [--out FILE.json]

Two measurements, one after the other:

* end to end: ``glsim run --out TMP`` as a subprocess, the way a user runs it; first with an
  empty compilation cache (a fresh ``GLSIM_CACHE_DIR``: every XLA compilation done), then
  ``--repeats`` times with that cache warm (a second run on the same machine). Wall time from
  process start to exit, imports included.
* the split, in this process with the warm cache: the import of the experiment (JAX,
  matplotlib, the package), then ``experiments.vortex_film.run`` with its stages timed by wrapping
  the functions it calls: TDGL (``evolve``: tracing, compilation from the cache and the steps),
  the L-BFGS polish (``minimize``), the figures (``experiments.plotting.plot_*``), the result files (``save_state``,
  ``finish``), the initial state and set-up; "other" is the rest (observables, summary). JAX's
  own count and time of backend compilations (cache loads) is recorded beside it.

A benchmark, not a test: it checks nothing, it prints the times and the run's vortex count and
free energy (to compare runs), and names the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = {"evolve": "TDGL", "minimize": "L-BFGS polish", "save_state": "result files", "finish": "result files",
          "plot_density": "figures", "plot_phase": "figures", "plot_field": "figures", "plot_currents": "figures",
          "plot_energy_stages": "figures", "random_state": "set-up", "setup": "set-up"}


def end_to_end(cache: str, out: str) -> tuple[float, dict]:
    env = dict(os.environ, GLSIM_CACHE_DIR=cache)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "experiments.cli", "run", "--out", out, "--overwrite", "--no-progress"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    summary = json.loads((Path(out) / "summary.json").read_text())
    return wall, {k: summary[k] for k in ("n_vortices", "free_energy", "wall_time_s")} | {
        "lbfgs_iterations": summary["minimization"]["iterations"]}


def split(cache: str, out: str) -> dict:
    """Stage times of one in-process run (warm cache); this must be the process's first JAX work."""
    os.environ["GLSIM_CACHE_DIR"] = cache
    t0 = time.perf_counter()
    from experiments import cli, vortex_film
    from experiments.config import build_config

    import jax
    import jax.monitoring

    cli.enable_compilation_cache()
    t_import = time.perf_counter() - t0
    times: dict[str, float] = {}

    def wrap(name):
        owner = vortex_film.plotting if name.startswith("plot_") else vortex_film
        inner = getattr(owner, name)

        def timed(*a, **k):
            t = time.perf_counter()
            r = inner(*a, **k)
            jax.block_until_ready(getattr(r, "state", r) if name in ("evolve", "minimize") else None)
            times[STAGES[name]] = times.get(STAGES[name], 0.0) + time.perf_counter() - t
            return r

        setattr(owner, name, timed)

    for name in STAGES:
        wrap(name)
    compiles = {"count": 0, "seconds": 0.0}

    def listener(event, duration, **kw):
        if event.endswith("backend_compile_duration"):
            compiles["count"] += 1
            compiles["seconds"] += duration

    jax.monitoring.register_event_duration_secs_listener(listener)
    cfg = build_config(vortex_film.Config)
    t = time.perf_counter()
    summary = vortex_film.run(cfg, out, progress=False)
    run_s = time.perf_counter() - t
    times["other"] = run_s - sum(times.values())
    return {"imports_s": t_import, "run_s": run_s, "stages_s": times, "backend_compilations": compiles,
            "n_vortices": summary["n_vortices"], "free_energy": summary["free_energy"],
            "lbfgs_iterations": summary["minimization"]["iterations"]}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3, help="warm-cache end-to-end runs")
    p.add_argument("--split-worker", help=argparse.SUPPRESS)
    p.add_argument("--out", default=str(Path(__file__).resolve().parent / "main_job.json"))
    args = p.parse_args(argv)
    if args.split_worker:
        cache, out = args.split_worker.split(os.pathsep)
        print(json.dumps(split(cache, out)))
        return
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.processor() or 'cpu'}"
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = os.path.join(tmp, "cache"), os.path.join(tmp, "run")
        cold, info = end_to_end(cache, out)
        print(f"machine: {machine}; load average {os.getloadavg()[0]:.2f}")
        print(f"cold cache: {cold:.2f} s  ({info})")
        warm = []
        for _ in range(args.repeats):
            w, info = end_to_end(cache, out)
            warm.append(w)
            print(f"warm cache: {w:.2f} s  ({info})", flush=True)
        res = subprocess.run([sys.executable, __file__, "--split-worker", os.pathsep.join([cache, out + "-split"])],
                             check=True, capture_output=True, text=True)
        parts = json.loads(res.stdout.strip().splitlines()[-1])
    print(f"split (warm cache, in process): imports {parts['imports_s']:.2f} s, run {parts['run_s']:.2f} s")
    for k, v in sorted(parts["stages_s"].items(), key=lambda kv: -kv[1]):
        print(f"  {k:<15} {v:6.2f} s")
    print(f"  backend compilations (cache loads): {parts['backend_compilations']}")
    record = {"machine": machine, "cold_s": cold, "warm_s": warm, "warm_median_s": sorted(warm)[len(warm) // 2],
              "split": parts, "date": time.strftime("%Y-%m-%d")}
    Path(args.out).write_text(json.dumps(record, indent=2))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
