"""Learning curves of a run: reward and goal error against env steps and against wall-clock time."""

from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from skillbench.training.logger import read_metrics


def plot(run, out=None, title: str | None = None) -> pathlib.Path:
  """Writes run/curves.png: 2 x 2 panels (reward, goal error) x (env steps, wall-clock minutes)."""
  run = pathlib.Path(run)
  rows = read_metrics(run)
  steps = [r["env_steps"] for r in rows]
  minutes = [r["wall_s"] / 60 for r in rows]
  fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharey="row")
  for row, (key, label) in enumerate((("reward_per_step", "reward per step"), ("goal_error", "goal error"))):
    values = [r.get(key, float("nan")) for r in rows]
    for col, (x, xlabel) in enumerate(((steps, "env steps"), (minutes, "wall-clock (min)"))):
      ax = axes[row, col]
      ax.plot(x, values)
      ax.set_xlabel(xlabel)
      ax.set_ylabel(label)
      ax.grid(alpha=0.3)
  fig.suptitle(title or run.name)
  fig.tight_layout()
  out = pathlib.Path(out or run / "curves.png")
  fig.savefig(out, dpi=100)
  plt.close(fig)
  return out
