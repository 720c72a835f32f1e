"""The ``glsim`` command line.

    glsim run [EXPERIMENT] [--config FILE.toml] [--set key=value …] [--out DIR] [--resume]
    glsim sweep EXPERIMENT --over KEY=START:STOP:N [--over …] [--config FILE.toml] [--set key=value …]
                [--out DIR] [--chunk N]
    glsim fit MODEL DATA.csv [--params a,b] [--fix key=value …] [--window default|all] [--starts N]
              [--likelihood least_squares|gaussian] [--seed S] [--out DIR]
    glsim fit --list
    glsim list

``EXPERIMENT`` defaults to ``vortex-film``. Results go to ``DIR`` (default
``results/EXPERIMENT``): HDF5 data, summary.json, PNG figures and checkpoint.h5.
``glsim fit`` fits a registered model to a CSV file (experiments/fitting.py) and writes fit.json,
fit.png and fit_curve.csv to ``DIR`` (default ``results/fit-MODEL``).
"""
from __future__ import annotations

import argparse
import json
import sys


def _parser() -> argparse.ArgumentParser:
    import experiments

    p = argparse.ArgumentParser(prog="glsim", description="Ginzburg–Landau simulator on JAX.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run an experiment (default: %s)" % experiments.DEFAULT_EXPERIMENT)
    r.add_argument("experiment", nargs="?", default=experiments.DEFAULT_EXPERIMENT,
                   help=f"one of {experiments.names()}")
    r.add_argument("--config", help="TOML file with parameter values (top-level keys)")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override one parameter")
    r.add_argument("--out", help="output folder (default results/EXPERIMENT)")
    r.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.h5")
    r.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    r.add_argument("--no-cache", action="store_true", help="do not use the persistent compilation cache")
    w = sub.add_parser("sweep", help="run a parameter sweep as one batched computation")
    w.add_argument("experiment", help="an experiment with a batched sweep (vortex-film, depairing)")
    w.add_argument("--over", action="append", default=[], metavar="KEY=START:STOP:N",
                   help="swept parameter: N values from START to STOP, or KEY=V1,V2,…; repeat for a grid")
    w.add_argument("--config", help="TOML file with the values not swept")
    w.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override one parameter")
    w.add_argument("--out", help="output folder (default results/sweep-EXPERIMENT)")
    w.add_argument("--chunk", type=int, default=64, help="points per compiled call (default 64)")
    w.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    w.add_argument("--no-cache", action="store_true", help="do not use the persistent compilation cache")
    f = sub.add_parser("fit", help="fit a model's parameters to data in a CSV file")
    f.add_argument("model", nargs="?", help="a fit model (see glsim fit --list)")
    f.add_argument("data", nargs="?", help="CSV file: '#' comments, a header with units in the column names")
    f.add_argument("--params", help="comma-separated parameters to fit (default: all not fixed)")
    f.add_argument("--fix", action="append", default=[], metavar="KEY=VALUE", help="hold a parameter fixed")
    f.add_argument("--window", choices=["default", "all"], default="default",
                   help="fit the model's default window of points, or all points")
    f.add_argument("--starts", type=int, default=1, help="number of starting points (default 1)")
    f.add_argument("--seed", type=int, default=0, help="seed of the extra starting points")
    f.add_argument("--likelihood", choices=["least_squares", "gaussian"], default="least_squares",
                   help="least squares, or Gaussian likelihood with a fitted common noise level")
    f.add_argument("--out", help="output folder (default results/fit-MODEL)")
    f.add_argument("--list", action="store_true", help="list the fit models and exit")
    sub.add_parser("list", help="list experiments and their parameters")
    return p


def _fit_command(args) -> int:
    """``glsim fit``: 0 ok, 2 bad input, 1 fit did not converge (results still written)."""
    from gl.errors import ParameterError

    try:
        from experiments import fitting

        if args.list:
            print(fitting.describe_models() or "no fit models registered")
            return 0
        if not args.model or not args.data:
            raise ParameterError("glsim fit needs MODEL and DATA.csv (or --list)")
        out = args.out or f"results/fit-{args.model}"
        summary = fitting.run_fit(args.model, args.data, out, free=args.params, fixed=args.fix,
                                  window=args.window, starts=args.starts, seed=args.seed,
                                  likelihood=args.likelihood)
    except ParameterError as e:
        print(f"glsim: error: {e}", file=sys.stderr)
        return 2
    print(fitting.format_table(summary))
    print(f"results written to {out}/")
    if not summary["converged"]:
        print(f"glsim: fit did not converge: {summary['message']}", file=sys.stderr)
        return 1
    return 0


def enable_compilation_cache(disabled: bool = False) -> str | None:
    """Turn on JAX's persistent compilation cache in a user cache folder, so a second run of the same
    command compiles nothing: ``$GLSIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/glsim/jax``, else
    ``~/.cache/glsim/jax``. ``disabled`` (the ``--no-cache`` flag) or ``GLSIM_NO_CACHE=1`` opts out.
    Returns the folder, or None when off."""
    import os
    from pathlib import Path

    if disabled or os.environ.get("GLSIM_NO_CACHE", "").strip() not in ("", "0"):
        return None
    base = os.environ.get("GLSIM_CACHE_DIR") or str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                                                   / "glsim" / "jax")
    try:
        Path(base).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None                               # an unwritable home: run without the cache
    import jax

    jax.config.update("jax_compilation_cache_dir", base)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return base


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status (0 ok, 2 bad input, 1 failed run, 130 interrupted)."""
    args = _parser().parse_args(argv)
    enable_compilation_cache(disabled=getattr(args, "no_cache", False))
    if args.command == "fit":
        return _fit_command(args)
    import experiments
    from experiments.config import build_config, config_dict
    from gl.errors import NonFiniteStateError, ParameterError, RunInterrupted

    if args.command == "list":
        for name in experiments.names():
            mod = experiments.get(name)
            print(f"{name}: {mod.DESCRIPTION}")
            for k, v in config_dict(mod.Config()).items():
                print(f"    {k} = {v!r}")
        from experiments.fitting import describe_models

        fits = describe_models()
        if fits:
            print("\nfit models (glsim fit MODEL DATA.csv):")
            print(fits)
        return 0
    try:
        mod = experiments.get(args.experiment)
        cfg = build_config(mod.Config, args.config, args.set)
        if args.command == "sweep":
            from experiments.sweep import run_sweep

            out = args.out or f"results/sweep-{args.experiment}"
            summary = run_sweep(args.experiment, cfg, args.over, out, chunk_size=args.chunk,
                                progress=not args.no_progress)
        else:
            out = args.out or f"results/{args.experiment}"
            summary = mod.run(cfg, out, resume=args.resume, progress=not args.no_progress)
    except ParameterError as e:
        print(f"glsim: error: {e}", file=sys.stderr)
        return 2
    except NonFiniteStateError as e:
        print(f"glsim: run failed: {e}", file=sys.stderr)
        return 1
    except RunInterrupted as e:
        print(f"glsim: {e}; continue with --resume", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(f"glsim: interrupted after the time integration; its final state is in {out}/checkpoint.h5; "
              "continue with --resume", file=sys.stderr)
        return 130
    headline = {k: summary[k] for k in summary if not isinstance(summary[k], (dict, list)) or k == "checks"}
    print(json.dumps(headline, indent=2, default=str))
    print(f"results written to {out}/")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
