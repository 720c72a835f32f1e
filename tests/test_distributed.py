"""jax.distributed on CPU: two local processes, 2 devices each, one grid sharded over all 4."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_two_processes_equal_one():
    port = str(_free_port())
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2", JAX_PLATFORMS="cpu",
               PYTHONPATH=os.pathsep.join([str(HERE.parent), str(HERE)]))
    procs = [subprocess.Popen([sys.executable, str(HERE / "distributed_check.py"), str(i), port], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
    res = json.loads(outs[0][0].strip().splitlines()[-1])
    assert res["processes"] == 2 and res["devices"] == 4
    assert res["diff"] < 1e-13
