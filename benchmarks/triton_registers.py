"""Registers and spills of the Pallas kernels compiled for an NVIDIA GPU, on a machine without one.

Usage:  python benchmarks/triton_registers.py [--blocks 8x64 8x128 16x64 4x128] [--warps 4 8 16]
                                              [--arch 90] [--out FILE.json]

``jax.export`` lowers :mod:`gl.pallas_steps`' kernels for CUDA without a device (tests/test_kernel.py checks
that), but what a GPU does with them — Triton's compilation to PTX and ``ptxas``' register allocation — only
happens on the GPU. This script does those steps here, as a check before a GPU run:

1. For each kernel (frozen A in float32 and float64; A evolving in both, with the polynomial and the
   library sine and cosine) and block, it lowers the kernel's loop for CUDA (a 512² benchmark case of
   ``throughput.kernel_inputs``) and keeps the Triton IR (TTIR) of its Pallas program. The TTIR does not
   depend on the warps; it is taken from Pallas' lowering (``jax._src.pallas.triton.lowering``, an internal
   function this script wraps, so a later JAX may need this script changed).
2. In its own virtual environment, ``benchmarks/.venv-triton`` (created once with ``pip install
   triton==3.9.0``; no GPU needed), Triton compiles each TTIR for ``sm_<arch>`` (default 90: H100/H200) at
   each number of warps, and its bundled ``ptxas -v`` reports the registers a thread and the spilled bytes.

It prints one row per kernel, block and warps (nodes a thread = block nodes / (32 · warps)) and writes the
rows to ``--out``. The numbers are the compiler's, not timings: more registers a thread mean fewer programs
resident on a streaming multiprocessor (65536 registers each), spills mean local-memory traffic. Triton
here is the public 3.9.0; XLA compiles Pallas kernels with its own Triton, so a GPU's counts can differ.
RESULTS.md section 17.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRITON = "triton==3.9.0"

# run inside .venv-triton: compile each TTIR at each number of warps, ptxas -v, one JSON row per line
_COMPILE = r"""
import json, os, sys, warnings
warnings.filterwarnings("ignore")
os.environ.setdefault("TRITON_DEFAULT_FP_FUSION", "1")
import triton
from triton.backends.compiler import GPUTarget
from triton.backends.nvidia.compiler import get_ptxas
sys.path.insert(0, sys.argv[1])
from gpu_compile import kernel_resources
arch, warps_list, paths = int(sys.argv[2]), [int(w) for w in sys.argv[3].split(",")], sys.argv[4:]
ptxas = get_ptxas(arch).path
for path in paths:
    for warps in warps_list:
        row = {"ttir": os.path.basename(path), "warps": warps}
        try:
            k = triton.compile(path, target=GPUTarget("cuda", arch, 32), options={"num_warps": warps})
            ptx = path + f".{warps}.ptx"
            open(ptx, "w").write(k.asm["ptx"])
            used = kernel_resources([ptx], ptxas, arch).values()
            row["registers"] = max(r for r, _ in used)
            row["spill_store_bytes"] = sum(b for _, b in used)
        except Exception as e:                      # a kernel that does not compile is a result too
            row["error"] = f"{type(e).__name__}: {str(e)[:300]}"
        print(json.dumps(row), flush=True)
"""

CASES = (("frozen", "float32", None), ("frozen", "float64", None), ("full", "float32", "polynomial"),
         ("full", "float64", "polynomial"), ("full", "float32", "library"), ("full", "float64", "library"))


def triton_python() -> str:
    """The python of ``benchmarks/.venv-triton``, created with ``pip install triton==3.9.0`` if missing."""
    from venvs import ensure_python

    return ensure_python(HERE / ".venv-triton", "import triton", [TRITON], TRITON)


def dump_ttir(folder: Path, blocks) -> list[dict]:
    """Write the TTIR of every case × block into ``folder``; returns the cases' descriptions."""
    import jax

    jax.config.update("jax_enable_x64", True)
    import numpy as np
    from jax import export
    from jax._src.pallas.triton import pallas_call_registration as registration

    from gpu_compile import kernel_loop, pallas_lowered   # the script beside this one

    captured = []
    lower = registration.lowering.lower_jaxpr_to_triton_module

    def keep(*args, **kwargs):
        result = lower(*args, **kwargs)
        captured.append(result.module.operation.get_asm())
        return result

    registration.lowering.lower_jaxpr_to_triton_module = keep
    try:
        cases = []
        for (kind, dtype, trig), block in ((c, b) for c in CASES for b in blocks):
            loop, state, args = kernel_loop(kind, dtype, 512, 2, layout="pallas", block=block,
                                            **({} if trig is None else dict(trig=trig)))
            captured.clear()
            with pallas_lowered():
                export.export(jax.jit(loop), platforms=["cuda"], disabled_checks=[
                    export.DisabledSafetyCheck.custom_call("__gpu$xla.gpu.triton")])(state, **args)
            tag = f"{kind}_{dtype}_{trig or 'none'}_{block[0]}x{block[1]}"
            (folder / f"{tag}.ttir").write_text(captured[0])
            cases.append({"ttir": f"{tag}.ttir", "kernel": kind, "dtype": dtype, "trig": trig,
                          "block": list(block), "block_nodes": int(np.prod(block))})
        return cases
    finally:
        registration.lowering.lower_jaxpr_to_triton_module = lower


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--blocks", nargs="+", default=["8x64", "8x128", "16x64", "4x128"])
    p.add_argument("--warps", type=int, nargs="+", default=[4, 8, 16])
    p.add_argument("--arch", type=int, default=90, help="compute capability ×10 (90: H100/H200)")
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    blocks = [tuple(int(x) for x in b.split("x")) for b in args.blocks]
    py = triton_python()
    with tempfile.TemporaryDirectory() as tmp:
        cases = {c["ttir"]: c for c in dump_ttir(Path(tmp), blocks)}
        run = subprocess.run([py, "-c", _COMPILE, str(HERE), str(args.arch), ",".join(map(str, args.warps)),
                              *[os.path.join(tmp, t) for t in cases]], capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"triton_registers: the compile step failed:\n{run.stderr[-3000:]}")
    rows = []
    print(f"{'kernel':7s} {'dtype':8s} {'trig':10s} {'block':7s} {'warps':>5s} {'nodes/thread':>12s} "
          f"{'registers':>9s} {'spill B':>8s}")
    for line in run.stdout.splitlines():
        r = json.loads(line)
        row = cases[r["ttir"]] | r
        row["nodes_per_thread"] = row["block_nodes"] / (32 * row["warps"])
        rows.append(row)
        block = "x".join(map(str, row["block"]))
        result = row["error"] if "error" in row else f"{row['registers']:9d} {row['spill_store_bytes']:8d}"
        print(f"{row['kernel']:7s} {row['dtype']:8s} {str(row['trig']):10s} {block:7s} {row['warps']:5d} "
              f"{row['nodes_per_thread']:12.1f} {result}", flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"arch": args.arch, "triton": TRITON, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
