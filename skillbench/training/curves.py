"""Learning curves of a run: reward and goal error against env steps and against wall-clock time."""

from __future__ import annotations

import math
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


def smoothed(values, window: int) -> list[float]:
  """Trailing mean over the last `window` values (fewer at the start); NaNs are skipped."""
  out = []
  for i in range(len(values)):
    recent = [v for v in values[max(0, i - window + 1):i + 1] if not math.isnan(v)]
    out.append(sum(recent) / len(recent) if recent else float("nan"))
  return out


def first_below(rows: list[dict], values: list[float], threshold: float) -> dict | None:
  """The first row whose (smoothed) value is at or below `threshold`: {"env_steps", "wall_s"}, or None."""
  for row, value in zip(rows, values, strict=True):
    if value <= threshold:
      return {"env_steps": int(row["env_steps"]), "wall_s": float(row["wall_s"])}
  return None


def plot_comparison(curves: dict[str, tuple[list[dict], list[float]]], out, key: str, thresholds=(),
                    title: str = "") -> pathlib.Path:
  """Writes one PNG of several runs' `key` (already smoothed) against env steps and against wall-clock
  minutes, side by side; `curves` maps a label to (metric rows, values). Thresholds are dashed lines."""
  fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
  for label, (rows, values) in curves.items():
    axes[0].plot([r["env_steps"] for r in rows], values, label=label)
    axes[1].plot([r["wall_s"] / 60 for r in rows], values, label=label)
  for ax, xlabel in zip(axes, ("env steps", "wall-clock (min)"), strict=True):
    for threshold in thresholds:
      ax.axhline(threshold, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.grid(alpha=0.3)
  axes[0].set_ylabel(key.replace("_", " "))
  axes[1].legend()
  fig.suptitle(title)
  fig.tight_layout()
  out = pathlib.Path(out)
  out.parent.mkdir(parents=True, exist_ok=True)
  fig.savefig(out, dpi=100)
  plt.close(fig)
  return out
