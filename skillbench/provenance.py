"""Where a number came from: the commit, the package versions and the machine that made it.

Run folders (run.json), checkpoints, library manifests and result files record these.
"""

from __future__ import annotations

import functools
import os
import pathlib
import platform
import subprocess
from importlib import metadata

PACKAGES = ("skillbench", "mujoco", "mujoco-mjx", "jax", "jaxlib", "flax", "optax", "brax", "numpy", "gymnasium",
            "stable-baselines3", "torch")


def git_commit() -> dict:
  """The checkout's commit and whether tracked files differ from it (None, None outside git)."""
  root = pathlib.Path(__file__).resolve().parents[1]
  try:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True,
                           text=True, timeout=10)
  except (OSError, subprocess.TimeoutExpired):
    return {"commit": None, "dirty": None}
  if commit.returncode:
    return {"commit": None, "dirty": None}
  return {"commit": commit.stdout.strip(), "dirty": bool(dirty.stdout.strip())}


@functools.lru_cache(maxsize=256)
def version_at(commit: str) -> str | None:
  """The SkillBench version of one of this checkout's commits (`__version__` in its skillbench/__init__.py),
  None when the commit is not in this clone's history or git is missing."""
  import re

  root = pathlib.Path(__file__).resolve().parents[1]
  try:
    shown = subprocess.run(["git", "show", f"{commit}:skillbench/__init__.py"], cwd=root, capture_output=True,
                           text=True, timeout=10)
  except (OSError, subprocess.TimeoutExpired):
    return None
  found = re.search(r'^__version__ = "([^"]+)"', shown.stdout, re.MULTILINE) if shown.returncode == 0 else None
  return found[1] if found else None


def versions(packages=PACKAGES, missing_as_none: bool = False) -> dict:
  """Installed versions of `packages`; a missing package is left out, or None if asked. SkillBench's
  own is the running code's `skillbench.__version__` (an editable install's metadata keeps the
  version it was installed at)."""
  import skillbench

  out = {}
  for name in packages:
    if name == "skillbench":
      out[name] = skillbench.__version__
      continue
    try:
      out[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
      if missing_as_none:
        out[name] = None
  return out


def cpu_model() -> str:
  """The CPU's model name (Linux /proc/cpuinfo; elsewhere what `platform` knows): throughput differs by machine."""
  try:
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
      if line.startswith("model name"):
        return line.split(":", 1)[1].strip()
  except OSError:
    pass
  return platform.processor() or platform.machine()


def hardware() -> dict:
  """The platform, CPU count and model, and the JAX devices; `xla_flags` too when XLA_FLAGS is set,
  since XLA's options (its optimisation level, for one) change a compiled network's floating-point
  results, so a re-run under other flags need not be bit-identical."""
  import jax

  machine = {
    "platform": platform.platform(), "cpus": os.cpu_count(), "cpu_model": cpu_model(),
    "devices": sorted({d.device_kind for d in jax.devices()}), "device_count": jax.device_count(),
  }
  if os.environ.get("XLA_FLAGS"):
    machine["xla_flags"] = os.environ["XLA_FLAGS"]
  return machine
