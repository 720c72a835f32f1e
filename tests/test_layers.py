"""Layering: the engine (gl/) never imports the app (experiments/) or matplotlib, and no experiment
imports a private helper of the engine."""
import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_engine_imports_neither_the_app_nor_matplotlib():
    code = ("import sys, gl, gl.tdgl, gl.kernel, gl.transport, gl.batch, gl.sharding, gl.pinning, gl.io, schrodinger; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'experiments', 'matplotlib'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout


def test_experiments_use_only_public_engine_names():
    for path in (ROOT / "experiments").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("gl", "schrodinger")):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports private {private} from {node.module}"
