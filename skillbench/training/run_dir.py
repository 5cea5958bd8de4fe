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
    .lock             the pid of the process training the run now (locked while it trains)
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import pathlib
import re
import shutil
import sys
import tempfile

from skillbench import provenance
from skillbench.errors import SkillBenchError

CHECKPOINT = re.compile(r"ckpt_(\d+)\.safetensors$")
LOCK = ".lock"  # holds the pid of the process training the run (`locked`)


class RunDirError(SkillBenchError, FileExistsError):
  """A run directory that exists (and would be overwritten), is not a run, cannot be written, or is
  being trained by another process."""


def new_run_dir(root, name: str, explicit=None) -> pathlib.Path:
  """A fresh run folder: `explicit` if given (it must not exist), else root/name-<time>[-n]."""
  if explicit:
    path = pathlib.Path(explicit)
    if path.exists():
      raise RunDirError(
        f"run directory {path} already exists; nothing is overwritten. Pass resume={path} to continue "
        "that run, or choose another run_dir."
      )
    _make(path)
    return path
  stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
  base = pathlib.Path(root) / f"{name}-{stamp}"
  path, n = base, 1
  while True:
    try:
      _make(path)
      return path
    except RunDirError:  # a FileExistsError too, but not a taken name
      raise
    except FileExistsError:
      n += 1
      path = base.with_name(f"{base.name}-{n}")


def _make(path: pathlib.Path) -> None:
  """Creates a run folder (and its parents); a folder that cannot be made is a RunDirError."""
  try:
    path.mkdir(parents=True)
  except FileExistsError:
    raise
  except OSError as e:
    raise RunDirError(f"cannot create run folder {path}: {e.strerror or e}. Choose a writable runs_root= or "
                      "run_dir=") from e


def require_writable(run) -> None:
  """Raises RunDirError unless files can be created in `run` and its checkpoints/ folder (tried
  for real: permissions, read-only file systems and root's rights all count)."""
  run = pathlib.Path(run)
  for folder in (run, run / "checkpoints"):
    if not folder.exists() and folder != run:
      continue
    try:
      with tempfile.TemporaryFile(dir=folder, prefix=".write-test-"):
        pass
    except OSError as e:
      raise RunDirError(f"run folder {folder} cannot be written ({e.strerror or e}): training would fail at "
                        "its first checkpoint. Make it writable, or train into another run_dir=") from e


@contextlib.contextmanager
def locked(run):
  """Holds `run`/.lock (an fcntl lock) while the block runs, so one process at a time trains the
  run: a second one gets a RunDirError naming the holder's pid. The lock file stays; the lock goes
  when the block ends or the process exits (even when killed). Checks the folder is writable first."""
  run = pathlib.Path(run)
  require_writable(run)
  fd = os.open(run / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
  try:
    try:
      fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
      holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
      raise RunDirError(
        f"run {run} is in use: process {holder} is training it (its lock is {run / LOCK}). Two processes would "
        "interleave their metrics and checkpoints; wait for that one to end, or stop it first."
      ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    yield run
  finally:
    os.close(fd)


def discard_unstarted(run) -> bool:
  """Removes a new run's folder that holds no training yet (no metrics row, no checkpoint): what a
  refused or failed start leaves. Returns whether it did."""
  run = pathlib.Path(run)
  metrics = run / "metrics.jsonl"
  if not run.is_dir() or checkpoints(run) or (metrics.is_file() and metrics.stat().st_size > 0):
    return False
  shutil.rmtree(run, ignore_errors=True)
  return True


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


def write_run_info(run: pathlib.Path, seed: int, extra: dict | None = None) -> dict:
  info = {
    "seed": seed, "git": provenance.git_commit(), "versions": provenance.versions(), "hardware": provenance.hardware(),
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
