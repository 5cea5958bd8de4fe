"""Run directories: one folder per training run, never overwritten.

  runs/<robot>-<skill>-<trainer>-<YYYYmmdd-HHMMSS>/
    config.yaml       the resolved configuration
    run.json          seed, git commit, package versions, hardware, command line
    log.txt           the console log
    metrics.jsonl     one line of training metrics per iteration
    tb/               TensorBoard scalars
    checkpoints/      training checkpoints, ckpt_<iteration>.safetensors (for resume)
    policy.safetensors  the final policy (for evaluation, videos and the blender)
    curves.png        learning curves
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
from importlib import metadata

from skillbench.errors import SkillBenchError

PACKAGES = ("skillbench", "mujoco", "mujoco-mjx", "jax", "jaxlib", "flax", "optax", "brax", "numpy", "gymnasium",
            "stable-baselines3", "torch")
CHECKPOINT = re.compile(r"ckpt_(\d+)\.safetensors$")
FINAL_POLICY = "policy.safetensors"  # written when a run's training finishes


class RunDirError(SkillBenchError, FileExistsError):
  """A run directory that exists (and would be overwritten) or is not a run."""


def new_run_dir(root, name: str, explicit=None) -> pathlib.Path:
  """A fresh run folder: `explicit` if given (it must not exist), else root/name-<time>[-n]."""
  if explicit:
    path = pathlib.Path(explicit)
    if path.exists():
      raise RunDirError(
        f"run directory {path} already exists; nothing is overwritten. Pass resume={path} to continue "
        "that run, or choose another run_dir."
      )
    path.mkdir(parents=True)
    return path
  stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
  base = pathlib.Path(root) / f"{name}-{stamp}"
  path, n = base, 1
  while True:
    try:
      path.mkdir(parents=True)
      return path
    except FileExistsError:
      n += 1
      path = base.with_name(f"{base.name}-{n}")


def checkpoints(run: pathlib.Path) -> list[tuple[int, pathlib.Path]]:
  """(iteration, path) of the run's training checkpoints, oldest first."""
  found = []
  for p in (pathlib.Path(run) / "checkpoints").glob("ckpt_*.safetensors"):
    m = CHECKPOINT.search(p.name)
    if m:
      found.append((int(m.group(1)), p))
  return sorted(found)


def latest_checkpoint(run) -> pathlib.Path:
  run = pathlib.Path(run)
  if not (run / "config.yaml").is_file():
    raise RunDirError(f"{run} is not a SkillBench run directory (it has no config.yaml)")
  found = checkpoints(run)
  if not found:
    raise RunDirError(f"run {run} has no checkpoint to resume from (it stopped before its first one)")
  return found[-1][1]


def checkpoint_path(run, iteration: int) -> pathlib.Path:
  return pathlib.Path(run) / "checkpoints" / f"ckpt_{iteration:08d}.safetensors"


def prune_checkpoints(run, keep: int) -> None:
  for _, path in checkpoints(run)[:-keep] if keep > 0 else []:
    path.unlink()


def git_commit() -> dict:
  root = pathlib.Path(__file__).resolve().parents[2]
  try:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True,
                           text=True, timeout=10)
  except (OSError, subprocess.TimeoutExpired):
    return {"commit": None, "dirty": None}
  if commit.returncode:
    return {"commit": None, "dirty": None}
  return {"commit": commit.stdout.strip(), "dirty": bool(dirty.stdout.strip())}


def versions(packages=PACKAGES, missing_as_none: bool = False) -> dict:
  """Installed versions of `packages`; a missing package is left out, or None if asked."""
  out = {}
  for name in packages:
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
  import jax

  return {
    "platform": platform.platform(), "cpus": os.cpu_count(), "cpu_model": cpu_model(),
    "devices": sorted({d.device_kind for d in jax.devices()}), "device_count": jax.device_count(),
  }


def write_run_info(run: pathlib.Path, seed: int, extra: dict | None = None) -> dict:
  info = {
    "seed": seed, "git": git_commit(), "versions": versions(), "hardware": hardware(),
    "command": sys.argv, "started": datetime.datetime.now().isoformat(timespec="seconds"), **(extra or {}),
  }
  path = run / "run.json"
  if path.exists():  # a resumed run keeps its first record and appends the new start
    old = json.loads(path.read_text())
    old.setdefault("resumed", []).append(info)
    info = old
  path.write_text(json.dumps(info, indent=2))
  return info


def commands(run: pathlib.Path) -> list[list[str]]:
  """The command lines that trained `run`: its first start, then each resume (from run.json)."""
  path = pathlib.Path(run) / "run.json"
  if not path.is_file():
    return []
  info = json.loads(path.read_text())
  return [info["command"], *(r["command"] for r in info.get("resumed", []))]
