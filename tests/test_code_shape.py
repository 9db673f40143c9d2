"""The code stays readable as it grows: no module of ``sim`` over 300 lines, no function over 60
lines, and ruff (with McCabe complexity at most 10, see pyproject.toml) passes on sim and tests."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "sim").rglob("*.py"))
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 300, 60


def test_modules_are_small():
    long = {str(p.relative_to(ROOT)): n for p in MODULES if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them by what they model): {long}"


def test_functions_are_short():
    long = {}
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = lines
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_ruff_is_clean_with_complexity_at_most_10():
    done = ruff("sim", "tests")
    assert done.returncode == 0, f"ruff check sim tests:\n{done.stdout[-3000:]}{done.stderr[-1000:]}"


def test_ruff_finds_a_complex_function(tmp_path):
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(11))
    (tmp_path / "complex.py").write_text(f"def f(x):\n{branches}\n    return -1\n")
    done = ruff("--config", str(ROOT / "pyproject.toml"), str(tmp_path / "complex.py"))
    assert done.returncode == 1 and "C901" in done.stdout, f"the complexity limit is configured: {done.stdout}"
