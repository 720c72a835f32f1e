"""The ``glsim`` command line.

    glsim run [EXPERIMENT] [--config FILE.toml] [--set key=value …] [--out DIR] [--resume | --overwrite]
              [--frames N]
    glsim sweep EXPERIMENT --over KEY=START:STOP:N [--over …] [--config FILE.toml] [--set key=value …]
                [--out DIR] [--chunk N] [--overwrite]
    glsim fit MODEL DATA.csv [--params a,b] [--fix key=value …] [--window default|all] [--starts N]
              [--likelihood least_squares|gaussian] [--seed S] [--out DIR]
    glsim fit --list
    glsim show DIR
    glsim movie DIR [--output FILE.gif|FILE.mp4] [--fps F]
    glsim list

``EXPERIMENT`` defaults to ``vortex-film``. Results go to ``DIR`` (default
``results/EXPERIMENT``): HDF5 data, summary.json, PNG figures, checkpoint.h5 and the run's
manifest glsim-run.json. A folder that holds another run's results is refused unless
``--overwrite`` (or ``--resume``); two runs cannot write to one folder at once.
``glsim fit`` fits a registered model to a CSV file (experiments/fitting.py) and writes fit.json,
fit.png and fit_curve.csv to ``DIR`` (default ``results/fit-MODEL``).

Exit status: 0 ok, 2 bad input (one line naming the parameter and its allowed range, or the file
problem), 1 a failed run (non-finite state, sweep points that went non-finite), 130 interrupted.
"""
from __future__ import annotations

import argparse
import json
import re
import sys


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit status 2) instead of the usage block."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} -h')\n")


def _parser() -> argparse.ArgumentParser:
    import experiments

    p = _Parser(prog="glsim", description="Ginzburg–Landau simulator on JAX.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    r = sub.add_parser("run", help="run an experiment (default: %s)" % experiments.DEFAULT_EXPERIMENT)
    r.add_argument("experiment", nargs="?", default=experiments.DEFAULT_EXPERIMENT,
                   help=f"one of {experiments.names()}")
    r.add_argument("--config", help="TOML file with parameter values (top-level keys)")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override one parameter")
    r.add_argument("--out", help="output folder (default results/EXPERIMENT)")
    r.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.h5")
    r.add_argument("--overwrite", action="store_true", help="replace the results of an earlier run in OUT")
    r.add_argument("--frames", metavar="N", help="store N snapshots of |ψ|², phase and B_z during TDGL "
                   "(same as --set frames=N; for glsim movie)")
    r.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    r.add_argument("--no-cache", action="store_true", help="do not use the persistent compilation cache")
    w = sub.add_parser("sweep", help="run a parameter sweep as one batched computation")
    w.add_argument("experiment", help="an experiment with a batched sweep (vortex-film, depairing)")
    w.add_argument("--over", action="append", default=[], metavar="KEY=START:STOP:N",
                   help="swept parameter: N values from START to STOP, or KEY=V1,V2,…; repeat for a grid")
    w.add_argument("--config", help="TOML file with the values not swept")
    w.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override one parameter")
    w.add_argument("--out", help="output folder (default results/sweep-EXPERIMENT)")
    w.add_argument("--overwrite", action="store_true", help="replace the results of an earlier run in OUT")
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
    sub.add_parser("list", help="list experiments and their parameters (units, meaning, default)")
    s = sub.add_parser("show", help="print a result folder's summary and the datasets of its HDF5 files")
    s.add_argument("out", metavar="DIR", help="a folder written by glsim run or glsim sweep")
    m = sub.add_parser("movie", help="animate the snapshots of a run made with --frames N")
    m.add_argument("out", metavar="DIR", help="a folder written by glsim run --frames N")
    m.add_argument("--output", metavar="FILE", help="FILE.gif (pillow) or FILE.mp4 (imageio-ffmpeg); default DIR/movie.gif")
    m.add_argument("--fps", type=float, default=8.0, help="frames per second (default 8)")
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
        return _error(e)
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


_NUMPY_SCALAR = re.compile(r"np\.(?:float|int|uint|complex|bool_?)\d*\(([^()]*)\)")


def _clean(message) -> str:
    """One line, with numbers as numbers (``np.float64(2.5)`` → ``2.5``)."""
    text = _NUMPY_SCALAR.sub(r"\1", str(message))
    return " ".join(text.split())


def _error(message) -> int:
    print(f"glsim: error: {_clean(message)}", file=sys.stderr)
    return 2


def _list_experiments() -> int:
    import experiments
    from experiments.config import describe_fields

    for name in experiments.names():
        mod = experiments.get(name)
        mark = " (default)" if name == experiments.DEFAULT_EXPERIMENT else ""
        print(f"{name}{mark}: {mod.DESCRIPTION}")
        rows = describe_fields(mod.Config)
        width = max((len(f"{r['name']} = {r['default']!r}") for r in rows), default=0)
        for r in rows:
            left = f"{r['name']} = {r['default']!r}"
            unit = f"[{r['units']}]" if r["units"] else ""
            print(f"    {left:<{width}}  {unit:<8} {r['meaning']}".rstrip())
    from experiments.fitting import describe_models

    fits = describe_models()
    if fits:
        print("\nfit models (glsim fit MODEL DATA.csv):")
        print(fits)
    print("\nset a parameter with --set KEY=VALUE or a TOML file (--config); units are in the key's suffix or in [ ].")
    return 0


class _CtrlC:
    """SIGINT handler of the command line: raises KeyboardInterrupt and remembers it (``pending``),
    since Python drops an exception raised inside a garbage-collector callback (JAX has one); the
    command line checks ``pending`` between its stages and once the run has returned (so a swallowed
    Ctrl-C still exits 130), and :func:`gl.driver.evolve` at its first chunk."""

    def __init__(self):
        self.pending = False

    def __call__(self, signum, frame):
        self.pending = True
        raise KeyboardInterrupt

    def check(self):
        if self.pending:
            raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status (0 ok, 2 bad input, 1 failed run, 130 interrupted).

    Ctrl-C at any moment (imports, set-up, compilation, the run, writing the results) exits 130
    with one line saying what was kept."""
    import signal
    import threading

    ctrl_c = _CtrlC()
    state = {"out": None, "started": None, "folder": None, "ctrl_c": ctrl_c}
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, ctrl_c)
    hook = sys.unraisablehook

    def quiet(unraisable):                        # a Ctrl-C dropped in a gc callback: kept as ctrl_c.pending
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            hook(unraisable)

    sys.unraisablehook = quiet
    try:
        return _main(argv, state)
    except KeyboardInterrupt as e:
        # no import here: the interrupt may have hit an import half-way
        errors = sys.modules.get("gl.errors")
        folder = state["folder"]
        if errors is not None and isinstance(e, getattr(errors, "RunInterrupted", ())):
            msg = f"glsim: {_clean(e)}; continue with --resume"
        else:
            ck = None
            if state["out"] is not None and state["started"] is not None:
                from pathlib import Path

                path = Path(state["out"]) / "checkpoint.h5"
                if path.is_file() and path.stat().st_mtime >= state["started"] - 0.01:
                    ck = path
            if ck is not None:
                msg = f"glsim: interrupted after the time integration; its final state is in {ck}; continue with --resume"
            elif folder is not None and folder.written():
                msg = f"glsim: interrupted; the files written so far in {state['out']}/ are marked incomplete"
            else:
                msg = "glsim: interrupted before the run started; nothing was written"
        if folder is not None:
            try:
                if folder.written():
                    folder.finish("interrupted")
                else:
                    folder.abandon()
            except (OSError, KeyboardInterrupt):
                pass
        print(msg, file=sys.stderr)
        return 130
    finally:
        sys.unraisablehook = hook
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _main(argv, state) -> int:
    import time

    check = state["ctrl_c"].check
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:                      # bare `glsim`: help, not an error
        parser.print_help()
        return 0
    enable_compilation_cache(disabled=getattr(args, "no_cache", False))
    if args.command == "fit":
        return _fit_command(args)
    from gl.errors import NonFiniteStateError, ParameterError

    if args.command == "list":
        return _list_experiments()
    if args.command in ("show", "movie"):
        try:
            if args.command == "show":
                from experiments.show import show

                print(show(args.out))
            else:
                from experiments.movie import make_movie

                path = make_movie(args.out, args.output, fps=args.fps)
                print(f"movie written to {path}")
        except ParameterError as e:
            return _error(e)
        return 0
    import experiments
    from experiments.common import RunFolder
    from experiments.config import build_config

    check()
    try:
        mod = experiments.get(args.experiment)
        overrides = list(args.set)
        if getattr(args, "frames", None) is not None:
            import dataclasses

            if "frames" not in {f.name for f in dataclasses.fields(mod.Config)}:
                raise ParameterError(f"parameter '--frames': experiment {args.experiment!r} does not record frames "
                                     "(allowed with vortex-film)")
            overrides.append(f"frames={args.frames}")
        if getattr(args, "resume", False) and args.overwrite:
            raise ParameterError("parameters '--resume' and '--overwrite' exclude each other: continue the run in "
                                 "OUT, or replace it")
        cfg = build_config(mod.Config, args.config, overrides)
        if args.command == "sweep":
            from experiments.sweep import sweep_module

            sweep_module(args.experiment)
            if args.chunk < 1:
                raise ParameterError(f"parameter '--chunk' = {args.chunk} is out of range: allowed ≥ 1")
            out = args.out or f"results/sweep-{args.experiment}"
        else:
            out = args.out or f"results/{args.experiment}"
        command = ["glsim"] + (list(argv) if argv is not None else sys.argv[1:])
        state["out"], state["started"] = out, time.time()
        folder = state["folder"] = RunFolder.open(out, command=command, experiment=args.experiment,
                                                  resume=getattr(args, "resume", False), overwrite=args.overwrite)
    except ParameterError as e:
        return _error(e)
    check()
    try:
        if args.command == "sweep":
            from experiments.sweep import run_sweep

            summary = run_sweep(args.experiment, cfg, args.over, out, chunk_size=args.chunk,
                                progress=not args.no_progress)
        else:
            summary = mod.run(cfg, out, resume=args.resume, progress=not args.no_progress)
    except ParameterError as e:
        if folder.written():
            folder.finish("failed", error=_clean(e))
        else:
            folder.abandon()
        return _error(e)
    except NonFiniteStateError as e:
        folder.finish("failed", error=_clean(e))
        print(f"glsim: run failed: {_clean(e)}", file=sys.stderr)
        return 1
    except OSError as e:                          # a full disk or a folder removed under the run
        folder.finish("failed", error=_clean(e))
        print(f"glsim: run failed: cannot write the results to {out}/: {_clean(e)}", file=sys.stderr)
        return 1
    check()     # a Ctrl-C that a library swallowed during the run (a gc or HDF5 callback) still ends it with 130
    folder.finish("complete")
    state["folder"] = None
    headline = {k: summary[k] for k in summary if not isinstance(summary[k], (dict, list)) or k == "checks"}
    print(json.dumps(headline, indent=2, default=str))
    print(f"results written to {out}/")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
