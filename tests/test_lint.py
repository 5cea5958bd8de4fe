"""The code passes ruff with the project's settings (pyproject.toml, [tool.ruff])."""

import shutil
import subprocess
import sys

import pytest

from skillbench.publish import readme_tables as readme


def test_ruff_finds_nothing():
  ruff = shutil.which("ruff") or shutil.which("ruff", path=str(readme.ROOT / ".venv" / "bin"))
  if ruff is None:
    pytest.fail(f"ruff is not installed: pip install -e '.[test]' (python {sys.executable})")
  out = subprocess.run([ruff, "check", "--no-cache", str(readme.ROOT)], capture_output=True, text=True)
  assert out.returncode == 0, out.stdout + out.stderr
