"""Training logs: console progress, metrics.jsonl, TensorBoard scalars, and W&B when asked."""

from __future__ import annotations

import gzip
import json
import os
import pathlib
import sys
import time

import numpy as np

from skillbench.errors import SkillBenchError


def strict_json(row: dict) -> dict:
  """`row` with its non-finite numbers as None (JSON null): strict JSON that any tool reads."""
  return {k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in row.items()}


METRICS, METRICS_PACKED = "metrics.jsonl", "metrics.jsonl.gz"


def has_metrics(run) -> bool:
  """Whether `run` holds a training curve `read_metrics` reads (metrics.jsonl or its gzipped copy)."""
  return any((pathlib.Path(run) / name).is_file() for name in (METRICS, METRICS_PACKED))


def read_metrics(run) -> list[dict]:
  """The rows of `run/metrics.jsonl` (or of its gzipped copy, `metrics.jsonl.gz`, as a collected campaign
  cell keeps it), one per iteration; a null (an undefined mean) reads as NaN."""
  path = pathlib.Path(run) / METRICS
  packed = path.with_name(METRICS_PACKED)
  text = gzip.decompress(packed.read_bytes()).decode() if not path.exists() and packed.exists() else path.read_text()
  rows = [json.loads(line) for line in text.splitlines() if line.strip()]
  return [{k: float("nan") if v is None else v for k, v in r.items()} for r in rows]


def _fmt_count(n: float) -> str:
  for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
    if n >= size:
      return f"{n / size:.1f}{unit}"
  return f"{n:.0f}"


def _fmt_time(seconds: float) -> str:
  seconds = int(max(seconds, 0))
  h, rest = divmod(seconds, 3600)
  m, s = divmod(rest, 60)
  return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class RunLogger:
  """Writes every iteration's metrics; prints a progress line (steps, steps/s, ETA, reward)."""

  def __init__(self, run: pathlib.Path, total_steps: int, start_steps: int = 0, wandb: bool = False,
               wandb_project: str = "skillbench", config: dict | None = None, stream=None):
    self.run = pathlib.Path(run)
    self.total_steps = total_steps
    self.start_steps = start_steps
    self.stream = stream or sys.stdout
    self.wall_offset = self._drop_rows_after(start_steps)
    self.wall_s = self.wall_offset  # the run's training wall-clock (s) at the last logged iteration
    self.metrics_file = open(self.run / "metrics.jsonl", "a")
    self.log_file = open(self.run / "log.txt", "a")
    self.t0 = time.time()
    from tensorboardX import SummaryWriter

    self.tb = SummaryWriter(str(self.run / "tb"))
    self.wandb = None
    if wandb:
      try:
        import wandb as wandb_lib
      except ImportError as e:
        raise SkillBenchError("wandb=true needs the wandb package: pip install wandb") from e
      self.wandb = wandb_lib.init(project=wandb_project, dir=str(self.run), config=config, name=self.run.name)

  def _drop_rows_after(self, start_steps: int) -> float:
    """On resume: forgets rows logged after the checkpoint resumed from (that work is redone);
    returns the run's wall-clock seconds up to that checkpoint."""
    path = self.run / "metrics.jsonl"
    if not path.is_file() or path.stat().st_size == 0:
      return 0.0
    rows = read_metrics(self.run)
    kept = [r for r in rows if r.get("env_steps", 0) <= start_steps]
    if len(kept) != len(rows):
      tmp = path.with_suffix(".jsonl.tmp")
      tmp.write_text("".join(json.dumps(strict_json(r)) + "\n" for r in kept))
      os.replace(tmp, path)
    return float(kept[-1].get("wall_s", 0.0)) if kept else 0.0

  def write(self, text: str, echo: bool = True) -> None:
    """Appends a line to log.txt and, when `echo`, prints it (an error the script prints itself: not)."""
    if echo:
      print(text, file=self.stream, flush=True)
    self.log_file.write(text + "\n")
    self.log_file.flush()

  def log(self, iteration: int, env_steps: int, metrics: dict) -> dict:
    elapsed = time.time() - self.t0
    wall = self.wall_s = self.wall_offset + elapsed
    rate = (env_steps - self.start_steps) / max(elapsed, 1e-9)
    row = {"iteration": iteration, "env_steps": env_steps, "wall_s": wall, "steps_per_s": rate}
    row.update({k: float(np.asarray(v)) for k, v in metrics.items()})
    # Written as strict JSON (NaN as null): an iteration in which no episode ended has no episode means.
    self.metrics_file.write(json.dumps(strict_json(row)) + "\n")
    self.metrics_file.flush()
    for k, v in row.items():
      if k not in ("iteration", "env_steps") and np.isfinite(v):
        self.tb.add_scalar(k, v, env_steps)
    if self.wandb is not None:
      self.wandb.log(row, step=env_steps)
    eta = (self.total_steps - env_steps) / max(rate, 1e-9)
    done = env_steps / max(self.total_steps, 1)
    bar = "#" * int(20 * done) + "-" * (20 - int(20 * done))
    self.write(
      f"[{bar}] {_fmt_count(env_steps)}/{_fmt_count(self.total_steps)} steps | {_fmt_count(rate)} steps/s | "
      f"ETA {_fmt_time(eta)} | reward/step {row.get('reward_per_step', float('nan')):.4f} | "
      f"goal error {row.get('goal_error', float('nan')):.4f} | episode {row.get('episode_length_s', float('nan')):.1f} s"
    )
    return row

  def close(self) -> None:
    self.tb.close()
    self.metrics_file.close()
    self.log_file.close()
    if self.wandb is not None:
      self.wandb.finish()
