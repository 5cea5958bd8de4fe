"""A cell's state on disk (JSON written atomically, fcntl locks) and what this process started from."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import pathlib

from skillbench import provenance
from skillbench.training import run_dir as runs


def now() -> str:
  return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def read_state(path: pathlib.Path) -> dict:
  try:
    return json.loads(path.read_text())
  except (FileNotFoundError, json.JSONDecodeError):
    return {}


def write_json(path: pathlib.Path, doc: dict) -> None:
  """Writes `doc` atomically (a temporary file renamed into place)."""
  path.parent.mkdir(parents=True, exist_ok=True)
  tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
  tmp.write_text(json.dumps(doc, indent=2) + "\n")
  os.replace(tmp, path)


@contextlib.contextmanager
def locked(path: pathlib.Path):
  """Yields True while this process holds `path` (an fcntl lock), False when another process does."""
  path.parent.mkdir(parents=True, exist_ok=True)
  fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
  try:
    try:
      fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
      yield False
      return
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    yield True
  finally:
    os.close(fd)


def lock_held(path: pathlib.Path) -> bool:
  """Whether a process holds the fcntl lock on `path` (False when there is no such file); creates nothing."""
  if not path.is_file():
    return False
  fd = os.open(path, os.O_RDONLY)
  try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return False
  except BlockingIOError:
    return True
  finally:
    os.close(fd)


def run_in_use(run: pathlib.Path) -> bool:
  """Whether a process is training `run` now (it holds the run's .lock; see `run_dir.locked`)."""
  return lock_held(run / runs.LOCK)


class CellError(RuntimeError):
  """A cell that cannot go on (a stage failed, or its run is busy)."""

_STARTED_ON: dict = {}  # the commit this process's code came from, read at its first cell or summary


def code_drift() -> str | None:
  """A line saying so when the checkout's commit has moved since this process first asked (at its first
  cell or summary): a long campaign then still judges with the code it started with (which cells are
  stale, whether a result file holds) while its stages run the new scripts; else None."""
  now = provenance.git_commit().get("commit")
  started = _STARTED_ON.setdefault("commit", now)
  if not started or not now or started == now:
    return None
  return (f"the checkout moved from {started[:7]} to {now[:7]} since this campaign process started, which still "
          f"judges cells and result files with {started[:7]}'s code: re-run the same command (or add "
          "summary_only=true for the summary alone) to judge with the new code")
