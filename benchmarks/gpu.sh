#!/usr/bin/env bash
# One-command GPU check (issue "speed", item 4). On a machine with an NVIDIA GPU, from the repository
# root:   bash benchmarks/gpu.sh
#
# 1. A Python whose JAX sees the GPU: the machine's own python3 when its JAX already does (images that
#    ship a CUDA build of JAX and cannot reach a package registry; the project then runs from the
#    checkout through PYTHONPATH, nothing installed), else a virtual environment .venv-gpu with the
#    project and the CUDA build of JAX from the registry (a machine with nothing but Python).
# 2. The tests that matter on a GPU: the fast kernels against the reference loop in both precisions,
#    the screened-film step, gradients through steady states, the model; and a sharded run on the
#    GPU(s) (tests/multidevice_check.py: run_steps, minimize and a batch on a grid sharded over every
#    GPU against one device).
# 3. The throughput table at 4096² and 8192² (frozen-A and full-A kernels, complex64 and complex128,
#    site-updates per second and the fraction of the device bandwidth measured in the same run), with
#    the frozen-A step at 8192² complex64 against the target of 60% of that bandwidth. GPU_SH_OLD=TREE
#    (a checkout, or a folder holding an older gl/) times that code's kernels beside these, calls
#    interleaved; GPU_SH_OLD=REV (a git revision, e.g. 888801b, the 2026-12-02 kernels) extracts that
#    revision's gl/ into benchmarks/old_REV/ first. A runner that copies the working tree without .git
#    prepares that folder here with `GPU_SH_PREPARE_OLD=REV bash benchmarks/gpu.sh` (it extracts and
#    exits; the folder is git-ignored), carries it, and passes GPU_SH_OLD=benchmarks/old_REV. The
#    compiled HLO of both kernels at 8192² complex64 is kept (gpu_hlo.txt) to read the kernels' fusions
#    offline.
#    Then every variant of the kernels at 8192² (benchmarks/gpu_variants.py; complex64, then complex128
#    as time allows): the frozen-A layouts, the Pallas kernel (gl.pallas_steps) at several block shapes
#    among them; the full-A carried buffers and its Pallas kernel, with the polynomial and the device's
#    sine and cosine.
# 4. Batch against sequential on the device (benchmarks/batch.py: 64 points at 64² and 256²).
# It prints the device name, the test summaries and the table, and keeps everything in $OUT when that
# is set (a remote runner that returns the files of one folder), else in benchmarks/: gpu_log.txt,
# gpu_tests_kernels.xml, gpu_tests_physics.xml, gpu_sharded.json, throughput_gpu.json, gpu_hlo.txt,
# gpu_variants.json, batch_gpu.json. The stages run most important first (kernel tests, table, variants,
# sharded run, the other tests, batch), each with its own timeout (60 + 90 s for the Pallas kernels' tests,
# run first, and the other kernel tests; 120, 90, 45, 130, 30 s for the rest; a stage stopped at its limit
# still reports and writes what ran), and a failing stage does not stop the next: 9.4 minutes at most
# even if every stage times out (inside a 10-minute device call), plus an install where one is needed
# (~2 min).
# On the CPU these tests take 2 min; on an NVIDIA H200 with its own JAX 0.11.2 the whole script took
# 252 s and 294 s before the layouts stage was added (2026-12-04, benchmarks/RESULTS.md section 14). It
# writes 8 files (the most the project's remote runner returns).
#
# GPU_SH_REHEARSE=1 runs every stage on the CPU with small sizes (tests chosen by -k, the table at
# 256² and 512²), to check the script itself on a machine without a GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
out=${OUT:-benchmarks}
mkdir -p "$out"
rehearse=${GPU_SH_REHEARSE:-0}
stage() { echo; echo "== $1 ($(( $(date +%s) - start )) s)"; }

old_tree() {   # old_tree(REV): benchmarks/old_REV/gl/ from git (an older revision's kernels), its path on stdout
    local dir="benchmarks/old_$1"
    [ -f "$dir/gl/__init__.py" ] && { echo "$dir"; return 0; }
    git rev-parse --verify -q "$1^{commit}" >/dev/null || { echo "gpu.sh: $1 is neither a folder with gl/ nor a git revision here" >&2; return 1; }
    mkdir -p "$dir" && git archive "$1" gl | tar -x -C "$dir" && echo "$dir"
}
if [ -n "${GPU_SH_PREPARE_OLD:-}" ]; then
    dir=$(old_tree "$GPU_SH_PREPARE_OLD") || exit 1
    echo "gpu.sh: $GPU_SH_PREPARE_OLD's gl/ is in $dir: carry it and run GPU_SH_OLD=$dir bash benchmarks/gpu.sh"
    exit 0
fi

main() {

stage "Python and JAX"
has_gpu='import jax, sys; sys.exit(0 if any(d.platform == "gpu" for d in jax.devices()) else 1)'
if [ "$rehearse" = 1 ]; then
    PY=${PYTHON:-python3}
    export JAX_PLATFORMS=cpu
    echo "rehearsal on the CPU with $PY"
elif python3 -c "$has_gpu" 2>/dev/null; then
    PY=python3
    export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
    export JAX_PLATFORMS=cuda
    echo "using this machine's python3 and its JAX (nothing installed)"
else
    echo "this machine's python3 has no JAX that sees a GPU: installing the project and jax[cuda12] in .venv-gpu"
    python3 -m venv .venv-gpu && . .venv-gpu/bin/activate && pip install -q --upgrade pip \
        && pip install -q -e ".[test]" "jax[cuda12]" || { echo "gpu.sh: install failed"; exit 1; }
    PY=python
    export JAX_PLATFORMS=cuda
fi
$PY - <<'PY' || { echo "gpu.sh: JAX does not see a GPU (check nvidia-smi and the CUDA build of JAX)"; exit 1; }
import importlib, os, platform, sys
import jax
devs = jax.devices()
print("python", platform.python_version(), "| jax", jax.__version__, "| devices:", devs)
print("device:", devs[0].device_kind, "| platform:", devs[0].platform)
missing = [m for m in ("numpy", "scipy", "optax", "optimistix", "h5py", "matplotlib", "tqdm", "pytest", "hypothesis")
           if importlib.util.find_spec(m) is None]
if missing:
    sys.exit(f"missing Python packages: {missing}")
import gl  # the project itself
if os.environ.get("JAX_PLATFORMS") == "cuda":
    assert devs[0].platform == "gpu", "JAX does not see a GPU"
PY

tests() {   # tests(name, timeout_s, pytest arguments...): one JUnit file each; at the limit pytest gets
            # SIGINT, so it still prints its summary and writes the file for the tests that ran
    local name=$1 limit=$2; shift 2
    timeout -s INT -k 20 "$limit" $PY -m pytest -q -rfE -p no:cacheprovider -m "not slow" --durations=5 \
        --junitxml="$out/gpu_tests_$name.xml" "$@" || echo "gpu.sh: GPU TESTS ($name) FAILED (or stopped at $limit s)"
}

# most important first, each stage with its own limit (the whole stays under 8 minutes even when all time out)
stage "the fast kernels against the reference loop, on the device"
# the Pallas kernels first (they have never run compiled by Triton), then the rest of the file; one JUnit file
rm -f "$out/gpu_tests_pallas.xml" "$out/gpu_tests_kernels.xml"
if [ "$rehearse" = 1 ]; then
    tests pallas 60 -k "pallas and reference and not padded" tests/test_kernel.py
    tests kernels 90 -k "reference and not padded and not pallas" tests/test_kernel.py
else
    tests pallas 60 -k "pallas" tests/test_kernel.py
    tests kernels 90 -k "not pallas" tests/test_kernel.py
fi
$PY - "$out/gpu_tests_pallas.xml" "$out/gpu_tests_kernels.xml" <<'PY' && rm -f "$out/gpu_tests_pallas.xml" || true
import os, sys, xml.etree.ElementTree as ET
first, second = sys.argv[1], sys.argv[2]    # the Pallas suite goes into the kernels' file (8 files in all)
suites = ET.Element("testsuites")
for path in (first, second):
    if os.path.exists(path):
        root = ET.parse(path).getroot()
        suites.extend(root if root.tag == "testsuites" else [root])
ET.ElementTree(suites).write(second, encoding="utf-8", xml_declaration=True)
PY

stage "throughput"
if [ "$rehearse" = 1 ]; then
    sizes=(256 512); updates=2e8
else
    sizes=(4096 8192); updates=4e9
fi
old=()
if [ -n "${GPU_SH_OLD:-}" ]; then
    tree=$GPU_SH_OLD
    [ -f "$tree/gl/__init__.py" ] || tree=$(old_tree "$GPU_SH_OLD") || tree=
    if [ -n "$tree" ]; then old=(--old "$tree" --pairs 3); else
        echo "gpu.sh: GPU_SH_OLD=$GPU_SH_OLD is neither a folder with gl/ nor a git revision: timing this code alone"; fi
fi
timeout 120 $PY benchmarks/throughput.py --sizes "${sizes[@]}" --full-a-max 8192 --site-updates "$updates" \
    "${old[@]}" --hlo "$out/gpu_hlo.txt" --out "$out/throughput_gpu.json" \
    || echo "gpu.sh: THROUGHPUT FAILED (or timed out at 120 s)"
$PY - "$out/throughput_gpu.json" "${sizes[-1]}" <<'PY' || true
import json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
for row in r["rows"]:
    if row["n"] == n and row["dtype"] == "complex64" and row["mode"] == "frozen_A":
        f = row["new_fraction_of_bandwidth"]
        print(f"frozen A at {n}² complex64: {row['new_site_updates_per_s'] / 1e9:.1f} G site-updates/s, "
              f"{f:.1%} of the measured {r['bandwidth_GB_per_s']:.0f} GB/s (target 60%): {'met' if f >= 0.6 else 'NOT met'}")
PY

stage "the kernels' layouts, carried buffers and sine/cosine, the Pallas kernel's blocks, on the device"
if [ "$rehearse" = 1 ]; then vsizes=(256); vupdates=2e8; else vsizes=(8192); vupdates=4e9; fi
timeout 90 $PY benchmarks/gpu_variants.py --sizes "${vsizes[@]}" --site-updates "$vupdates" \
    --dtypes float32 float64 --out "$out/gpu_variants.json" || echo "gpu.sh: VARIANTS FAILED (or stopped at 90 s)"
$PY - "$out/gpu_variants.json" <<'PY' || true
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
for key in sorted({(r["n"], r["dtype"], r["mode"]) for r in rows}):
    mine = [r for r in rows if (r["n"], r["dtype"], r["mode"]) == key and not r["variant"].startswith("laplacian")]
    if mine:
        best = max(mine, key=lambda r: r["site_updates_per_s"])
        print(f"fastest {key[2]} at {key[0]}² {key[1]}: {best['variant']}, {best['site_updates_per_s'] / 1e9:.1f} G "
              f"site-updates/s, {best['fraction_of_copy_bandwidth']:.1%} of the copy bandwidth")
PY

stage "a sharded run on every device (against one device)"
if timeout 45 env PYTHONPATH="$PWD:$PWD/tests${PYTHONPATH:+:$PYTHONPATH}" $PY tests/multidevice_check.py \
        > "$out/gpu_sharded.json"; then
    $PY - "$out/gpu_sharded.json" <<'PY' || echo "gpu.sh: SHARDED RUN DIFFERS"
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print(json.dumps(r))
worst = max(r["step_frozen_A"], r["step_full_A"], r["batch"])
print(f"{r['devices']} device(s): sharded - one device, max |difference| {worst:.1e} (steps, batch), "
      f"{r['minimize_state']:.1e} (minimize)")
sys.exit(0 if worst < 1e-12 and r["minimize_state"] < 1e-10 else 1)
PY
else
    echo "gpu.sh: SHARDED RUN FAILED (or timed out at 45 s)"
fi

stage "screening, steady states and gradients, the model, on the device"
if [ "$rehearse" = 1 ]; then
    tests physics 130 -k "polynomial or uniform_links" tests/test_kernel.py
else
    tests physics 130 tests/test_screening.py tests/test_steady.py tests/test_model.py
fi

stage "batch against sequential, on the device"
if [ "$rehearse" = 1 ]; then bsizes=(32); else bsizes=(64 256); fi
timeout 30 $PY benchmarks/batch.py --sizes "${bsizes[@]}" --repeats 5 --out "$out/batch_gpu.json" \
    || echo "gpu.sh: BATCH FAILED (or timed out at 30 s)"

stage "done"
echo "gpu.sh: $(( $(date +%s) - start )) s in all; files in $out"
}

main 2>&1 | tee "$out/gpu_log.txt"
