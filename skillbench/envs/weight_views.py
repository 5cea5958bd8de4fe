"""Views of the blend weights: per-rollout heatmaps (joints x time, one panel per skill) and the
strip drawn under video frames."""

from __future__ import annotations

import pathlib

import numpy as np


def heatmap(weights: np.ndarray, skills, joints, dt: float, path, title: str = "") -> pathlib.Path:
  """Writes a PNG: one panel per skill, joints (rows) x time (s, columns), colour = weight.

  weights: (steps, skills, joints) as the blender produced them (softmax weights lie in [0, 1]).
  """
  import matplotlib

  matplotlib.use("Agg")
  import matplotlib.pyplot as plt

  path = pathlib.Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  steps = weights.shape[0]
  low, high = min(0.0, float(weights.min())), max(1.0, float(weights.max()))
  fig, axes = plt.subplots(1, len(skills), figsize=(4.2 * len(skills), 0.22 * len(joints) + 1.6), squeeze=False,
                           sharey=True)
  for ax, k, name in zip(axes[0], range(len(skills)), skills):
    image = ax.imshow(weights[:, k, :].T, aspect="auto", interpolation="nearest", vmin=low, vmax=high,
                      extent=(0, steps * dt, len(joints) - 0.5, -0.5), cmap="viridis")
    ax.set_title(name)
    ax.set_xlabel("time (s)")
  axes[0][0].set_yticks(range(len(joints)), joints, fontsize=6)
  fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label="weight")
  if title:
    fig.suptitle(title, fontsize=9)
  fig.savefig(path, dpi=110)
  plt.close(fig)
  return path


def strip(weights: np.ndarray, width: int, row_height: int = 10) -> np.ndarray:
  """An RGB strip (skills x joints cells) of one step's weights, `width` pixels wide, for videos.

  Each row is a skill, each column a joint (policy order); brighter is a larger weight.
  """
  skills, joints = weights.shape
  w = np.clip(weights, 0.0, 1.0)
  cells = np.stack([0.1 + 0.9 * w, 0.2 + 0.7 * w, 0.5 * (1.0 - w)], axis=-1)  # dark blue -> yellow
  image = np.repeat(np.repeat(cells, row_height, axis=0), max(1, width // joints), axis=1)
  out = np.zeros((skills * row_height, width, 3))
  out[:, :image.shape[1]] = image
  return (255 * out).astype(np.uint8)
