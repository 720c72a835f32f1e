"""The benchmarks' own virtual environments (peers and tools kept out of the project's environment)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def ensure_python(venv: Path, check: str, packages: list[str], what: str) -> str:
    """The python of the virtual environment ``venv``, created (``python -m venv``, then ``pip install
    packages``) when it is missing or its python fails to run ``check``; ``what`` names it in the message."""
    py = venv / "bin" / "python"
    if py.exists() and subprocess.run([str(py), "-c", check], capture_output=True).returncode == 0:
        return str(py)
    print(f"creating {venv} and installing {what} (once)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", *packages], check=True)
    return str(py)
