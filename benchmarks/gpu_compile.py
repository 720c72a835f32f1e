"""Every GPU variant of the fast kernels compiled by XLA for an NVIDIA H200, on a machine without a GPU.

Usage:  python benchmarks/gpu_compile.py [--size 8192] [--dtypes float32 float64] [--out FILE.json]

A GPU run (``gpu.sh``) is the only place the kernels are timed, and a task is not always lent a GPU. What
can be known before one, this script finds with XLA's own GPU compiler, deviceless: JAX's CUDA plugin
compiles for a device described by a target configuration (:data:`H200`, an NVIDIA H200: sm_90, 132
multiprocessors) through ``jax.experimental.topologies``, with no GPU and no CUDA driver. For each
variant that ``benchmarks/gpu_variants.py`` times (frozen A: the XLA layouts, the Pallas kernel at each
of its blocks; A evolving: carry × sine/cosine, the Pallas kernel at each block and sine/cosine), at
``--size``² and each precision, it compiles a ten-step call of ``gl.kernel.frozen_steps`` /
``full_steps`` (the state donated) and records

* whether it compiles (the Pallas kernels go through XLA's Triton here, not the interpreter),
* the device memory XLA plans (``memory_analysis``: arguments, output, aliased, temporaries) and the peak
  it implies, arguments + output − aliased + temporaries, against the state's bytes,
* the kernels of one step of the compiled loop and the bytes they move a site-update, counting each
  kernel as reading each distinct array operand once and writing its output once (:func:`loop_traffic`:
  what must cross between the device memory and the chip if nothing stays in the L2; the frozen-A step
  needs 20 B in float32: ψ read and written, the site mask read),
* the GPU kernels of the compiled module (the entries of its PTX) and, with ``ptxas`` (the one Triton
  bundles, from ``benchmarks/.venv-triton`` made by ``triton_registers.py``, when present), each kernel's
  registers a thread and spilled bytes.

It runs in its own virtual environment, ``benchmarks/.venv-cuda`` (created once: this checkout installed
with ``pip install -e .`` beside ``jax-cuda12-plugin`` and ``jax-cuda12-pjrt`` of the installed JAX's
version; a few hundred MB, no CUDA toolkit). The numbers are the compiler's plan, not timings.
RESULTS.md section 18.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: an NVIDIA H200 (SXM, 141 GB HBM3e) as XLA's GPU target configuration (GpuTargetConfigProto, text)
H200 = """
gpu_device_info {
  threads_per_block_limit: 1024
  threads_per_warp: 32
  shared_memory_per_block: 49152
  shared_memory_per_core: 233472
  threads_per_core_limit: 2048
  core_count: 132
  fpus_per_core: 128
  block_dim_limit_x: 2147483647
  block_dim_limit_y: 65535
  block_dim_limit_z: 65535
  memory_bandwidth: 4800000000000
  l2_cache_size: 52428800
  clock_rate_ghz: 1.98
  device_memory_size: 150754820096
  shared_memory_per_block_optin: 232448
  cuda_compute_capability { major: 9 minor: 0 }
  registers_per_core_limit: 65536
  registers_per_block_limit: 65536
}
platform_name: "CUDA"
dnn_version_info { major: 9 minor: 8 }
runtime_version { major: 12 minor: 8 }
device_description_str: "NVIDIA H200"
"""


def cuda_python() -> str:
    """The python of ``benchmarks/.venv-cuda``, created if missing (see the module docstring)."""
    import jax

    from venvs import ensure_python

    v = jax.__version__
    return ensure_python(HERE / ".venv-cuda", "import jax_plugins.xla_cuda12, gl",
                         ["-e", str(ROOT), f"jax=={v}", f"jaxlib=={v}", f"jax-cuda12-plugin=={v}", f"jax-cuda12-pjrt=={v}"],
                         f"this checkout and the CUDA plugin of JAX {v}")


def ptxas_path() -> str | None:
    """Triton's bundled ptxas for sm_90 from ``benchmarks/.venv-triton``, or None."""
    found = sorted(glob.glob(str(HERE / ".venv-triton" / "lib" / "python*" / "site-packages" / "triton" /
                                 "backends" / "nvidia" / "bin" / "ptxas-blackwell")))
    return found[0] if found else None


def kernel_resources(ptx_files, ptxas, arch: int = 90) -> dict:
    """entry name → (registers, spilled bytes) of every kernel in ``ptx_files``, by ``ptxas -v`` for sm_<arch>."""
    out = {}
    for path in ptx_files:
        log = subprocess.run([ptxas, "-v", f"--gpu-name=sm_{arch}a", path, "-o", os.devnull],
                             capture_output=True, text=True).stderr
        for name, body in re.findall(r"Compiling entry function '([^']+)'.*?\n(.*?)(?=Compiling entry|\Z)", log,
                                     flags=re.S):
            regs = re.search(r"Used (\d+) registers", body)
            spill = re.search(r"(\d+) bytes spill stores", body)
            out[name] = (int(regs.group(1)) if regs else None, int(spill.group(1)) if spill else None)
    return out


_BYTES = {"pred": 1, "s8": 1, "u8": 1, "s32": 4, "u32": 4, "s64": 8, "f32": 4, "f64": 8, "c64": 8, "c128": 16}


def _array_bytes(shape: str) -> int:
    """Bytes of an HLO array type such as ``f32[2,8194,8194]`` (0 for tuples and tokens)."""
    m = re.match(r"(\w+)\[([\d,]*)\]", shape)
    if not m or m.group(1) not in _BYTES:
        return 0
    n = 1
    for d in filter(None, m.group(2).split(",")):
        n *= int(d)
    return _BYTES[m.group(1)] * n


def loop_traffic(hlo: str) -> tuple[int, int]:
    """(kernels, bytes) of one iteration of the step loop in optimized HLO text: the body of the entry's
    while loop, each fusion or custom call counted as reading each distinct array operand once and writing
    its output once (what a kernel must move to and from the device memory if nothing stays in its cache),
    except the buffer an in-place update writes into (a dynamic-update-slice fusion's first operand, a
    custom call's aliased operand), which it does not read. Kernels of at most 4 kB are bookkeeping."""
    body = re.search(r"while\(.*?body=%([\w.\-]+)", hlo.split("\nENTRY", 1)[-1])
    if body is None:
        return 0, 0
    shapes = dict(re.findall(r"%([\w.\-]+) = (\w+\[[\d,]*\])", hlo))
    block = re.search(r"\n%" + re.escape(body.group(1)) + r" .*?\n}", hlo, flags=re.S).group(0)
    kernels = moved = 0
    for name, out, op, operands, attributes in re.findall(
            r"%([\w.\-]+) = (\w+\[[\d,]*\])\S* (fusion|custom-call)\((.*?)\)(.*)", block):
        if _array_bytes(out) <= 4096:                  # bookkeeping: the loop counter, the packed scalars
            continue
        names = re.findall(r"%([\w.\-]+)", operands)
        written_only = set()
        if op == "fusion" and "dynamic_update_slice" in name:   # an in-place update: operand 0 is its output
            written_only.add(names[0])
        for k in re.findall(r"output_to_operand_aliasing=\{\{\}: \((\d+)", attributes):
            written_only.add(names[int(k)])           # a kernel's output aliased to an operand it does not read
        kernels += 1
        moved += _array_bytes(out) + sum(_array_bytes(shapes.get(o, "")) for o in set(names) - written_only)
    return kernels, moved


@contextlib.contextmanager
def pallas_lowered():
    """While inside, :mod:`gl.pallas_steps`' steps are lowered for the GPU instead of interpreted (their
    default off a GPU), so that a machine without one can compile or export them."""
    import gl.pallas_steps as pallas_steps

    saved = {name: getattr(pallas_steps, name) for name in ("frozen_step_into", "full_step_into")}
    try:
        for name, fn in saved.items():
            setattr(pallas_steps, name, functools.partial(fn, interpret=False))
        yield
    finally:
        for name, fn in saved.items():
            setattr(pallas_steps, name, fn)


@functools.lru_cache(maxsize=1)
def _case(kind: str, dtype: str, size: int):
    """throughput.kernel_inputs' size² case (state, arguments less the spacing, spacing), the last one kept."""
    import jax.numpy as jnp
    import throughput

    state, args = throughput.kernel_inputs(size, getattr(jnp, dtype), kind == "frozen")
    args = dict(args)
    return state, args, args.pop("h")


def kernel_loop(kind: str, dtype: str, size: int, n_steps: int, **static):
    """(loop, state, args): ``n_steps`` of ``gl.kernel.frozen_steps`` (``kind`` "frozen") or ``full_steps``
    ("full"), unjitted, with the kernel's static choices ``static``, on the benchmark case of
    ``throughput.kernel_inputs`` at size² in ``dtype``; ``loop(state, **args)`` runs it."""
    from gl import kernel

    state, args, h = _case(kind, dtype, size)
    steps = kernel.frozen_steps if kind == "frozen" else kernel.full_steps
    unit = dict(unit=None) if kind == "frozen" else {}
    return functools.partial(steps.__wrapped__, n_steps=n_steps, hx=h, hy=h, **unit, **static), state, args


def variants():
    """(kind, name, keyword arguments of the kernel) of every variant gpu_variants.py times on a GPU."""
    import gpu_variants

    from gl import kernel

    rows = [("frozen", f"layout={lay}", dict(layout=lay)) for lay in kernel.FROZEN_LAYOUTS if not lay.startswith("pallas")]
    for lay, blocks in (("pallas", gpu_variants.PALLAS_BLOCKS), ("pallas_aligned", gpu_variants.PALLAS_ALIGNED_BLOCKS)):
        rows += [("frozen", f"layout={lay} {gpu_variants.block_name(b)}", dict(layout=lay, block=b)) for b in blocks]
    rows += [("full", f"carry={c} trig={t}", dict(carry=c, trig=t)) for c in kernel.FULL_CARRIES
             for t in kernel.TRIG_CHOICES]
    rows += [("full", f"pallas {gpu_variants.block_name(b)} trig={t}", dict(layout="pallas", block=b, trig=t))
             for b in gpu_variants.FULL_PALLAS_BLOCKS for t in kernel.TRIG_CHOICES]
    return rows


def worker(size: int, dtypes, ptxas) -> list[dict]:
    """Inside .venv-cuda: compile every variant for the H200 and return the rows."""
    os.environ["CUDA_VISIBLE_DEVICES"] = "-1"          # no device: compile only
    os.environ["JAX_SKIP_CUDA_CONSTRAINTS_CHECK"] = "1"
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax.experimental import topologies

    sys.path.insert(0, str(HERE))
    topology = topologies.get_topology_desc(platform="cuda", target_config=H200, topology="1x1x1")
    mesh = topologies.make_mesh(topology, (1,), ("d",))
    on_gpu = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec())
    abstract = functools.partial(jax.tree_util.tree_map,
                                 lambda a: jax.ShapeDtypeStruct(jnp.shape(a), jnp.result_type(a), sharding=on_gpu))
    rows = []
    for dtype in dtypes:
        for kind, name, static in variants():
            call, state, args = kernel_loop(kind, dtype, size, 10, **static)
            row = {"kernel": kind, "variant": name, "dtype": dtype, "n": size,
                   "state_bytes": int(state.size * state.dtype.itemsize)}
            dump = tempfile.mkdtemp()
            try:
                with pallas_lowered():
                    compiled = (jax.jit(call, donate_argnums=0).lower(abstract(state), **abstract(args))
                                .compile(compiler_options={"xla_dump_to": dump}))
                m = compiled.memory_analysis()
                row |= {"argument_bytes": m.argument_size_in_bytes, "output_bytes": m.output_size_in_bytes,
                        "alias_bytes": m.alias_size_in_bytes, "temp_bytes": m.temp_size_in_bytes}
                row["peak_bytes"] = (row["argument_bytes"] + row["output_bytes"] - row["alias_bytes"]
                                     + row["temp_bytes"])
                kernels, moved = loop_traffic(compiled.as_text())
                row["loop_kernels_per_step"] = kernels / 2            # two steps an iteration (gl.kernel)
                row["loop_bytes_per_site_update"] = moved / (2 * size * size)
                ptx = glob.glob(os.path.join(dump, "*.ptx"))
                entries = sorted({e for p in ptx for e in re.findall(r"\.entry\s+(\w+)", open(p).read())})
                row["kernels"] = entries
                if ptxas:
                    row["registers_spills"] = kernel_resources(ptx, ptxas)
            except Exception as e:                         # a variant that does not compile is a result
                row["error"] = f"{type(e).__name__}: {str(e)[:400]}"
            finally:
                shutil.rmtree(dump, ignore_errors=True)
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=8192)
    p.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    p.add_argument("--out", default=None)
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--ptxas", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        worker(args.size, args.dtypes, args.ptxas)
        return
    ptxas = ptxas_path()
    if ptxas is None:
        print("no benchmarks/.venv-triton: registers are not read (run benchmarks/triton_registers.py once)")
    cmd = [cuda_python(), __file__, "--worker", "--size", str(args.size), "--dtypes", *args.dtypes]
    run = subprocess.run(cmd + (["--ptxas", ptxas] if ptxas else []), capture_output=True, text=True, cwd=ROOT)
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    if run.returncode or not rows:
        sys.exit(f"gpu_compile: the worker failed:\n{run.stderr[-3000:]}")
    gib = 2.0 ** 30
    print(f"XLA for an NVIDIA H200 (sm_90), deviceless, ten steps a call at {args.size}²; a step of the loop: its "
          f"kernels and the bytes they move a site-update")
    print(f"{'kernel':6s} {'dtype':7s} {'variant':38s} {'state':>6s} {'peak':>6s} {'temp':>6s} GiB  kernels  "
          f"step: kernels B/site  registers (max) / spilled B (sum)")
    for r in rows:
        if "error" in r:
            print(f"{r['kernel']:6s} {r['dtype']:7s} {r['variant']:38s} FAILED {r['error']}")
            continue
        rs = r.get("registers_spills", {})
        regs = max((v[0] or 0 for v in rs.values()), default=0)
        spill = sum(v[1] or 0 for v in rs.values())
        print(f"{r['kernel']:6s} {r['dtype']:7s} {r['variant']:38s} {r['state_bytes'] / gib:6.2f} "
              f"{r['peak_bytes'] / gib:6.2f} {r['temp_bytes'] / gib:6.2f}      {len(r['kernels']):7d}  "
              f"{r['loop_kernels_per_step']:12.1f} {r['loop_bytes_per_site_update']:6.1f}  "
              + (f"{regs} / {spill}" if rs else "-"), flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"target": "NVIDIA H200 (sm_90), deviceless", "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
