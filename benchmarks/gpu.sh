#!/usr/bin/env bash
# One-command GPU check (issue "speed", item 4). On a machine with an NVIDIA GPU and nothing installed
# but Python 3.11+, from the repository root:   bash benchmarks/gpu.sh
# It installs the CUDA build of JAX in its own virtual environment (.venv-gpu), checks that JAX sees
# the GPU, runs the tests that matter there (fast kernels against the reference loop in both
# precisions, the screened-film step, gradients through steady states; sharding runs its own CPU
# subprocesses), and the throughput table at 4096² and 8192² (frozen-A and full-A kernels, float32 and
# float64, with the fraction of the measured device bandwidth), then prints the device name and the
# table. Budget: under 8 minutes on an H100/H200 class GPU (install ~2 min, tests ~3 min, table ~2 min).
# Written without a GPU at hand: not yet run on one (benchmarks/RESULTS.md says when it has been).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
python3 -m venv .venv-gpu
. .venv-gpu/bin/activate
pip install -q --upgrade pip
pip install -q -e ".[test]" "jax[cuda12]"
python - <<'PY'
import jax
devs = jax.devices()
print("devices:", devs)
assert devs[0].platform == "gpu", "JAX does not see a GPU: check the NVIDIA driver (nvidia-smi) and the CUDA wheels"
print("device:", devs[0].device_kind)
PY
export JAX_PLATFORMS=cuda
timeout 300 python -m pytest -q -p no:cacheprovider tests/test_kernel.py tests/test_screening.py tests/test_steady.py \
    tests/test_model.py -m "not slow" || echo "GPU TESTS FAILED"
timeout 240 python benchmarks/throughput.py --sizes 4096 8192 --full-a-max 8192 --out benchmarks/throughput_gpu.json
echo "gpu.sh: $(( $(date +%s) - start )) s in all"
