"""Before/after speed of the fast TDGL kernels across the Model API change (old Params/frozen_A code
against the new gl.model.Model code), timed in separate processes interleaved A B A B ….

Usage:  python benchmarks/kernel_before_after.py [--old PATH] [--new PATH] [--sizes 512 1024 2048]
                                                 [--bulk-sizes 512 1024] [--rounds 5] [--cases …]
                                                 [--paired [--pairs 16]] [--out FILE.json]

``--old`` is a checkout of the previous commit (default /tmp/old_main, e.g. a ``git worktree``) and
``--new`` the tree to measure (default: this repository); each worker process imports ``gl`` from
one of them (PYTHONPATH first). For every grid n×n (spacing 0.5 ξ, the whole square
superconducting, open edges) and precision (float32 = complex64 ψ, float64 = complex128 ψ) one
worker per code runs all cases below; the two codes alternate, ``--rounds`` times each. In a
worker every case is compiled and warmed up by one call, then timed ``--timed`` times; n_steps is
fixed per (case, n, precision) by the first worker so that a call takes about ``--target`` s
(a worker whose call took < 0.5 s times again with twice the steps), and both codes run the same
steps unless that happened. The rate is site-updates (n²·steps) per second of
wall time; the table shows the median over all timed calls of all rounds and the new/old ratio of
medians, the ratio of the best calls ("best"), the ratio of medians of site-updates per
CPU-second of the process (all its threads; "cpu", less sensitive to other processes taking
turns on the cores), and the ratio in each round (the two adjacent workers).

Cases (uniform ε = 1, u = 5.79, constant H = 0.1 B_c2, ψ = 1 at the start, dt = 0.05 t0 frozen,
0.0075 t0 bulk):

* ``frozen_uniform``: frozen-A kernel ``gl.kernel.frozen_steps`` on a donated buffer with the
  uniform field's compact links (Landau gauge A = (−Hy, 0): one (1, ny+2) row of U_x, U_y = 1).
  old: ``frozen_steps(field, site, uniform_field_links(grid, H), hx, hy, dt/u, n)``;
  new: ``frozen_steps(field, site, ε, links, None, model, hx, hy, t0, dt, n)`` with a
  :data:`gl.model.UNIFORM` model in the ``landau_x`` gauge and the same links, which is what
  ``gl.kernel.run_frozen`` builds for such a model (from public functions here).
* ``frozen_uniform_sym`` (new only, ratio against old ``frozen_uniform``): the same with the
  UNIFORM model's default gauge on an open grid, symmetric A = H(−y, x)/2: a row of U_x and a
  column of U_y.
* ``frozen_links``: the same kernel with full (nx+2, ny+2) link arrays of the symmetric-gauge A
  (``gl.kernel.frozen_links``); new with a :data:`gl.model.FROZEN` model.
* ``run_frozen``: State/ψ in and out, packing and link building included. old:
  ``run_frozen(psi, lat, frozen_links(grid, ax, ay), dt, u, n)``; new:
  ``run_frozen(state, FROZEN model, lat, dt, n)``, which builds the same links from the state.
* ``bulk`` (``--bulk-sizes`` only): the full-A kernel ``gl.kernel.full_steps`` (A evolves, κ = 2),
  donated buffer. old: ``full_steps(fields, site, plaquette, (hx, hy, dt/u, dt/σ, κ², H), n)``;
  new: ``full_steps(fields, site, plaquette, ε, BULK model, hx, hy, t0, dt, n)``.

``--paired``: one process per grid and precision imports both trees (the old one as the package
``gl_old``, the new one as ``gl_new``; their imports are relative) and alternates calls of the two
codes, old new new old …, ``--pairs`` pairs per case (all again with twice the steps if any call
took < 0.5 s, up to three times): adjacent calls see nearly the same load, so
the median of the per-pair new/old ratios is much less sensitive to other processes than
comparing separate worker processes.

A benchmark, not a test: on a shared 2-core machine other processes change the absolute rates;
the interleaving is there so that both codes see the same conditions. The load average at each
worker's start is recorded.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

H, U, SIGMA, KAPPA, SPACING = 0.1, 5.79, 1.0, 2.0, 0.5
DT_FROZEN, DT_BULK = 0.05, 0.0075
#: (new case, old case it is compared with)
PAIRS = [("frozen_uniform", "frozen_uniform"), ("frozen_uniform_sym", "frozen_uniform"),
         ("frozen_links", "frozen_links"), ("run_frozen", "run_frozen"), ("bulk", "bulk")]
MIN_TIMING_S = 0.5   # every timed call is at least this long (else timed again with twice the steps)
ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# workers: one function per code, returning {case: zero-argument callable that runs n steps}
# ---------------------------------------------------------------------------------------------

def _modules(pkg: str, *names):
    """Submodules ``pkg.name`` (``pkg`` is "gl", or the name the other tree was loaded under)."""
    import importlib

    return [importlib.import_module(f"{pkg}.{name}") for name in names]


def _old_cases(n, real, bulk, pkg="gl"):
    import jax.numpy as jnp

    gauge, geometry, kernel, lattice, state = _modules(pkg, "gauge", "geometry", "kernel", "lattice", "state")
    applied_link_phases, Grid, make_lattice, uniform_state = (gauge.applied_link_phases, geometry.Grid,
                                                              lattice.make_lattice, state.uniform_state)
    frozen_links, frozen_steps, full_steps, pack, pack_full, run_frozen, uniform_field_links = (
        kernel.frozen_links, kernel.frozen_steps, kernel.full_steps, kernel.pack, kernel.pack_full, kernel.run_frozen,
        kernel.uniform_field_links)

    grid = Grid(n, n, SPACING, SPACING)
    lat = make_lattice(grid, dtype=real)
    cplx = jnp.result_type(real, jnp.complex64)
    ax, ay = applied_link_phases(grid, H, "symmetric", dtype=real)
    s = lambda v: jnp.asarray(v, real)
    h, rate = s(SPACING), s(DT_FROZEN / U)
    cases = {}

    def frozen_case(links):
        field, site = pack(lat.site.astype(cplx), lat)
        hold = {"f": field}

        def run(steps):
            hold["f"] = frozen_steps(hold["f"], site, links, h, h, rate, steps)
            hold["f"].block_until_ready()
        return run

    cases["frozen_uniform"] = frozen_case(uniform_field_links(grid, H, real))
    cases["frozen_links"] = frozen_case(frozen_links(grid, ax, ay))
    psi = {"p": lat.site.astype(cplx)}

    def run_fr(steps):
        psi["p"] = run_frozen(psi["p"], lat, frozen_links(grid, ax, ay), s(DT_FROZEN), s(U), steps)
        psi["p"].block_until_ready()
    cases["run_frozen"] = run_fr
    if bulk:
        fields, site, plaquette = pack_full(uniform_state(lat, ax, ay), lat)
        coef = tuple(s(v) for v in (SPACING, SPACING, DT_BULK / U, DT_BULK / SIGMA, KAPPA ** 2, H))
        hold = {"f": fields}

        def run_bulk(steps):
            hold["f"] = full_steps(hold["f"], site, plaquette, coef, steps)
            hold["f"].block_until_ready()
        cases["bulk"] = run_bulk
    return cases


def _uniform_links(grid, real, gauge, pkg="gl"):
    """Compact links of the constant field H in ``gauge`` (open grid), from public functions:
    what gl.kernel.run_frozen builds for a UNIFORM model with a constant field."""
    import jax.numpy as jnp

    gauge_mod, kernel = _modules(pkg, "gauge", "kernel")
    unit_field_link_phases, Links = gauge_mod.unit_field_link_phases, kernel.Links

    def link(a):
        if a is None:
            return None, None
        widths = ((0, 0), (1, 1)) if a.shape[0] == 1 else ((1, 1), (0, 0))
        return jnp.pad(jnp.cos(H * a), widths), jnp.pad(-jnp.sin(H * a), widths)

    ux, uy = unit_field_link_phases(grid, gauge, real)
    (xr, xi), (yr, yi) = link(ux), link(uy)
    return Links(xr, xi, yr, yi)


def _new_cases(n, real, bulk, pkg="gl"):
    import jax.numpy as jnp

    gauge, geometry, kernel, lattice, model_mod, state = _modules(pkg, "gauge", "geometry", "kernel", "lattice",
                                                                  "model", "state")
    applied_link_phases, Grid, make_lattice, uniform_state = (gauge.applied_link_phases, geometry.Grid,
                                                              lattice.make_lattice, state.uniform_state)
    frozen_links, frozen_steps, full_steps, pack, pack_full, run_frozen = (
        kernel.frozen_links, kernel.frozen_steps, kernel.full_steps, kernel.pack, kernel.pack_full, kernel.run_frozen)
    BULK, FROZEN, UNIFORM, make_model = model_mod.BULK, model_mod.FROZEN, model_mod.UNIFORM, model_mod.make_model

    grid = Grid(n, n, SPACING, SPACING)
    lat = make_lattice(grid, dtype=real)
    cplx = jnp.result_type(real, jnp.complex64)
    ax, ay = applied_link_phases(grid, H, "symmetric", dtype=real)
    s = lambda v: jnp.asarray(v, real)
    h, eps, t0, dt = s(SPACING), s(1.0), s(0.0), s(DT_FROZEN)
    uniform_landau = make_model(KAPPA, H, u=U, sigma=SIGMA, vector_potential=UNIFORM, gauge="landau_x", dtype=real)
    uniform_auto = make_model(KAPPA, H, u=U, sigma=SIGMA, vector_potential=UNIFORM, dtype=real)
    frozen = make_model(KAPPA, H, u=U, sigma=SIGMA, vector_potential=FROZEN, gauge="symmetric", dtype=real)
    cases = {}

    def frozen_case(links, model):
        field, site = pack(lat.site.astype(cplx), lat)
        hold = {"f": field}

        def run(steps):
            hold["f"] = frozen_steps(hold["f"], site, eps, links, None, model, h, h, t0, dt, steps)
            hold["f"].block_until_ready()
        return run

    cases["frozen_uniform"] = frozen_case(_uniform_links(grid, real, "landau_x", pkg), uniform_landau)
    cases["frozen_uniform_sym"] = frozen_case(_uniform_links(grid, real, "symmetric", pkg), uniform_auto)
    cases["frozen_links"] = frozen_case(frozen_links(grid, ax, ay), frozen)
    st = {"s": uniform_state(lat, ax, ay)}

    def run_fr(steps):
        st["s"] = run_frozen(st["s"], frozen, lat, dt, steps)
        st["s"].psi.block_until_ready()
    cases["run_frozen"] = run_fr
    if bulk:
        model = make_model(KAPPA, H, u=U, sigma=SIGMA, vector_potential=BULK, dtype=real)
        fields, site, plaquette = pack_full(uniform_state(lat, ax, ay), lat)
        hold = {"f": fields}

        def run_bulk(steps):
            hold["f"] = full_steps(hold["f"], site, plaquette, eps, model, h, h, t0, s(DT_BULK), steps)
            hold["f"].block_until_ready()
        cases["bulk"] = run_bulk
    return cases


def worker(code: str, n: int, precision: str, bulk: bool, steps: dict, timed: int, target: float,
           cases_wanted=None) -> dict:
    import jax

    jax.config.update("jax_enable_x64", True)
    import gl
    import jax.numpy as jnp

    real = jnp.float32 if precision == "float32" else jnp.float64
    load = os.getloadavg()[0]
    cases = (_old_cases if code == "old" else _new_cases)(n, real, bulk)
    out = {"code": code, "gl": str(Path(gl.__file__).parent), "n": n, "precision": precision,
           "loadavg_1min_at_start": load, "cases": {}}
    for name, run in cases.items():
        if cases_wanted and name not in cases_wanted:
            continue
        run(2)                                    # compile (n_steps is traced: no recompilation below)
        k = steps.get(name)
        if k is None:                             # calibrate: one call of a known size, then scale
            k0 = max(2, int(2e7 / (n * n)))
            t = time.perf_counter()
            run(k0)
            per_step = (time.perf_counter() - t) / k0
            k = max(2, 2 * math.ceil(target / per_step / 2))
        run(k)                                    # warm-up call at the timed size
        while True:
            times, cpu = [], []
            for _ in range(timed):
                c, t = time.process_time(), time.perf_counter()
                run(k)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            if min(times) >= MIN_TIMING_S:
                break
            k *= 2                                # a call under 0.5 s: time again with twice the steps
        out["cases"][name] = {"steps": k, "times_s": times, "cpu_s": cpu, "rates": [n * n * k / x for x in times],
                              "cpu_rates": [n * n * k / x for x in cpu]}
    return out


def _load_tree_as(name: str, tree: Path):
    """Import the ``gl`` package of ``tree`` under the module name ``name`` (its imports are relative)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, tree / "gl" / "__init__.py",
                                                  submodule_search_locations=[str(tree / "gl")])
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def paired_worker(old_tree: str, n: int, precision: str, bulk: bool, pairs: int, target: float,
                  cases_wanted=None) -> dict:
    """Both codes in one process (the old tree imported as ``gl_old``, the new as ``gl_new``): for each
    case, calls of old and new alternate old, new, new, old, … so that both see the same load; returns
    the rates of every call and the new/old ratio of each adjacent pair."""
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    _load_tree_as("gl_old", Path(old_tree))
    _load_tree_as("gl_new", ROOT if not os.environ.get("KBA_NEW_TREE") else Path(os.environ["KBA_NEW_TREE"]))
    real = jnp.float32 if precision == "float32" else jnp.float64
    both = {"old": _old_cases(n, real, bulk, "gl_old"), "new": _new_cases(n, real, bulk, "gl_new")}
    out = {"mode": "paired", "n": n, "precision": precision, "loadavg_1min_at_start": os.getloadavg()[0],
           "trees": {k: str(Path(sys.modules[f"gl_{k}"].__file__).parent) for k in ("old", "new")}, "cases": {}}
    for name, old_name in PAIRS:
        if cases_wanted and name not in cases_wanted or name not in both["new"] or old_name not in both["old"]:
            continue
        runs = {"old": both["old"][old_name], "new": both["new"][name]}
        for run in runs.values():
            run(2)                                              # compile
        k0 = max(2, int(2e7 / (n * n)))
        t = time.perf_counter()
        runs["old"](k0)
        k = max(2, 2 * math.ceil(target / ((time.perf_counter() - t) / k0) / 2))
        for run in runs.values():
            run(k)                                              # warm-up at the timed size
        for attempt in range(4):
            rates = {"old": [], "new": []}
            times = []
            for i in range(pairs):
                order = ("old", "new") if i % 2 == 0 else ("new", "old")
                for code in order:
                    t = time.perf_counter()
                    runs[code](k)
                    dt = time.perf_counter() - t
                    times.append(dt)
                    rates[code].append(n * n * k / dt)
            if min(times) >= MIN_TIMING_S:
                break
            k *= 2                                              # a call under 0.5 s: all pairs again, twice the steps
        out["cases"][name] = {"steps": k, "rates": rates, "shortest_timing_s": min(times),
                              "pair_ratios": [w / o for w, o in zip(rates["new"], rates["old"])]}
    return out


def run_paired(args, trees) -> list:
    rows = []
    for n in args.sizes:
        for prec in args.precisions:
            spec = {"old_tree": str(trees["old"]), "n": n, "precision": prec, "bulk": n in args.bulk_sizes,
                    "pairs": args.pairs, "target": args.target, "cases_wanted": args.cases}
            env = dict(os.environ, KBA_NEW_TREE=str(trees["new"]))
            env.pop("PYTHONPATH", None)
            res = subprocess.run([sys.executable, __file__, "--paired-worker", "--spec", json.dumps(spec)],
                                 capture_output=True, text=True, env=env, cwd="/")
            if res.returncode != 0:
                raise RuntimeError(f"paired worker n={n} {prec} failed:\n{res.stderr[-3000:]}")
            rec = json.loads(res.stdout.strip().splitlines()[-1])
            for name, c in rec["cases"].items():
                old, new, pr = c["rates"]["old"], c["rates"]["new"], c["pair_ratios"]
                rows.append({"n": n, "precision": prec, "case": name, "old_case": dict(PAIRS)[name], "steps": c["steps"],
                             "old_Msite_per_s": _median(old) / 1e6, "new_Msite_per_s": _median(new) / 1e6,
                             "ratio_of_medians": _median(new) / _median(old), "median_pair_ratio": _median(pr),
                             "ratio_of_best": max(new) / max(old), "pair_ratios": pr,
                             "shortest_timing_s": c["shortest_timing_s"], "pairs": len(pr),
                             "loadavg_1min_at_start": rec["loadavg_1min_at_start"], "trees": rec["trees"]})
                r = rows[-1]
                print(f"{n:>5} {prec:>8} {name:<15} steps {c['steps']:>4}: old {r['old_Msite_per_s']:7.1f} new "
                      f"{r['new_Msite_per_s']:7.1f} M/s; new/old: of medians {r['ratio_of_medians']:.3f}, median of "
                      f"pairs {r['median_pair_ratio']:.3f}, of best {r['ratio_of_best']:.3f} "
                      f"(load {rec['loadavg_1min_at_start']:.2f})", flush=True)
    return rows


# ---------------------------------------------------------------------------------------------
# driver
# ---------------------------------------------------------------------------------------------

def _tree_hash(path: Path) -> str:
    h = hashlib.sha256()
    for f in sorted((path / "gl").glob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _median(xs):
    xs = sorted(xs)
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else 0.5 * (xs[m - 1] + xs[m])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--paired-worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--spec", help=argparse.SUPPRESS)
    p.add_argument("--old", default="/tmp/old_main", help="checkout of the code before the change")
    p.add_argument("--new", default=str(ROOT), help="checkout of the code after the change")
    p.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048])
    p.add_argument("--bulk-sizes", type=int, nargs="*", default=[512, 1024])
    p.add_argument("--precisions", nargs="+", default=["float32", "float64"])
    p.add_argument("--cases", nargs="+", default=None,
                   help="only these cases (frozen_uniform frozen_uniform_sym frozen_links run_frozen bulk)")
    p.add_argument("--rounds", type=int, default=5, help="worker pairs (old, new) per grid and precision")
    p.add_argument("--timed", type=int, default=2, help="timed calls per case in each worker")
    p.add_argument("--paired", action="store_true",
                   help="instead: both codes in one process per grid and precision, calls alternating")
    p.add_argument("--pairs", type=int, default=16, help="old/new call pairs per case with --paired")
    p.add_argument("--target", type=float, default=0.8, help="seconds per timed call (sets the steps)")
    p.add_argument("--out", default=str(Path(__file__).resolve().parent / "kernel_before_after.json"))
    args = p.parse_args(argv)
    if args.worker:
        spec = json.loads(args.spec)
        print(json.dumps(worker(args.worker, **spec)))
        return
    if args.paired_worker:
        print(json.dumps(paired_worker(**json.loads(args.spec))))
        return

    trees = {"old": Path(args.old).resolve(), "new": Path(args.new).resolve()}
    hashes = {k: _tree_hash(v) for k, v in trees.items()}
    if args.paired:
        import jax
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores; paired mode; old = {trees['old']} "
              f"({hashes['old']}), new = {trees['new']} ({hashes['new']})", flush=True)
        rows = run_paired(args, trees)
        meta = {"mode": "paired (both codes in one process, calls alternating old new new old …)",
                "machine": f"{platform.machine()} {platform.processor()}, {os.cpu_count()} cores",
                "jax": jax.__version__, "old_tree": str(trees["old"]), "new_tree": str(trees["new"]),
                "gl_sha256_16": hashes, "pairs": args.pairs, "target_s": args.target}
        with open(args.out, "w") as fh:
            json.dump({"meta": meta, "summary": rows}, fh, indent=1)
        print(f"written {args.out}")
        return
    records = []
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; old = {trees['old']} ({hashes['old']}), "
          f"new = {trees['new']} ({hashes['new']})", flush=True)
    for n in args.sizes:
        for prec in args.precisions:
            steps: dict = {}
            for r in range(args.rounds):
                for code in ("old", "new") if r % 2 == 0 else ("new", "old"):
                    spec = {"n": n, "precision": prec, "bulk": n in args.bulk_sizes, "steps": steps,
                            "timed": args.timed, "target": args.target, "cases_wanted": args.cases}
                    env = dict(os.environ, PYTHONPATH=str(trees[code]))
                    res = subprocess.run([sys.executable, __file__, "--worker", code, "--spec", json.dumps(spec)],
                                         capture_output=True, text=True, env=env, cwd=str(trees[code]))
                    if res.returncode != 0:
                        raise RuntimeError(f"{code} worker n={n} {prec} failed:\n{res.stderr[-3000:]}")
                    rec = json.loads(res.stdout.strip().splitlines()[-1])
                    rec["round"] = r
                    records.append(rec)
                    for name, c in rec["cases"].items():  # the first worker fixes the steps for everyone
                        steps.setdefault(name, c["steps"])
                    print(f"  n={n} {prec} round {r} {code}: " + ", ".join(
                        f"{k} {_median(c['rates']) / 1e6:.1f}" for k, c in rec["cases"].items())
                        + f" M/s (load {rec['loadavg_1min_at_start']:.2f})", flush=True)
            # the old worker ran first in round 0 and fixed the steps; frozen_uniform_sym's came from new

    # summary: median over all timed calls of all rounds
    rows = []
    pairs = PAIRS
    for n in args.sizes:
        for prec in args.precisions:
            sel = [r for r in records if r["n"] == n and r["precision"] == prec]
            for new_case, old_case in pairs:
                get = lambda code, case, key: [x for r in sel if r["code"] == code
                                               for x in r["cases"].get(case, {}).get(key, [])]
                old, new = get("old", old_case, "rates"), get("new", new_case, "rates")
                if not old or not new:
                    continue
                old_cpu, new_cpu = get("old", old_case, "cpu_rates"), get("new", new_case, "cpu_rates")
                # per round: new/old of the two adjacent workers (same conditions, as far as interleaving gives)
                per_round = []
                for rd in sorted({r["round"] for r in sel}):
                    o = [x for r in sel if r["round"] == rd and r["code"] == "old" for x in r["cases"].get(old_case, {}).get("rates", [])]
                    w = [x for r in sel if r["round"] == rd and r["code"] == "new" for x in r["cases"].get(new_case, {}).get("rates", [])]
                    if o and w:
                        per_round.append(_median(w) / _median(o))
                t_min = min(t for r in sel for c in (r["cases"].get(new_case), r["cases"].get(old_case)) if c
                            for t in c["times_s"])
                rows.append({"n": n, "precision": prec, "case_new": new_case, "case_old": old_case,
                             "old_Msite_per_s": _median(old) / 1e6, "new_Msite_per_s": _median(new) / 1e6,
                             "ratio_new_over_old": _median(new) / _median(old),
                             "old_range": [min(old) / 1e6, max(old) / 1e6], "new_range": [min(new) / 1e6, max(new) / 1e6],
                             "ratio_of_best": max(new) / max(old), "ratio_per_round": per_round,
                             "old_Msite_per_cpu_s": _median(old_cpu) / 1e6 if old_cpu else None,
                             "new_Msite_per_cpu_s": _median(new_cpu) / 1e6 if new_cpu else None,
                             "ratio_cpu": _median(new_cpu) / _median(old_cpu) if old_cpu and new_cpu else None,
                             "timings_per_side": [len(old), len(new)], "shortest_timing_s": t_min})
    print(f"\n{'n':>5} {'precision':>9} {'new case':<19} {'old case':<15} {'old M/s':>8} {'new M/s':>8} {'new/old':>8} "
          f"{'best':>6} {'cpu':>6}  per round")
    for r in rows:
        cpu = f"{r['ratio_cpu']:>6.3f}" if r["ratio_cpu"] else f"{'-':>6}"
        print(f"{r['n']:>5} {r['precision']:>9} {r['case_new']:<19} {r['case_old']:<15} {r['old_Msite_per_s']:>8.1f} "
              f"{r['new_Msite_per_s']:>8.1f} {r['ratio_new_over_old']:>8.3f} {r['ratio_of_best']:>6.3f} {cpu}  "
              + " ".join(f"{x:.2f}" for x in r["ratio_per_round"]))
    import jax
    meta = {"machine": f"{platform.machine()} {platform.processor()}, {os.cpu_count()} cores",
            "jax": jax.__version__, "old_tree": str(trees["old"]), "new_tree": str(trees["new"]),
            "gl_sha256_16": hashes, "gl_sha256_16_at_end": {k: _tree_hash(v) for k, v in trees.items()},
            "rounds": args.rounds, "timed_per_worker": args.timed, "target_s": args.target}
    with open(args.out, "w") as fh:
        json.dump({"meta": meta, "summary": rows, "records": records}, fh, indent=1)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
