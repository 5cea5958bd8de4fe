"""A cell's method label and the leaderboard entries that stand for it: the verified, current entries
that make it done without running (`filed_entries`), and the policy they file (`filed_policy`)."""

from __future__ import annotations

import copy
import pathlib

from skillbench import catalog
from skillbench.commands.campaign.config import train_node
from skillbench.publish import leaderboard, reference_table
from skillbench.sim.physics import BACKENDS

HB = "hb"  # the HumanoidBench-style baseline: its `train.skills` are not a subset of the task's


def cell_method(cfg) -> str:
  """The method label the cell's results are filed under (`result_file.method_label`): its method, `fast_td3`
  for a flat policy trained by it, `+<skill>` per skill of a subset of the task's, `-<variant>`."""
  train = train_node(cfg)
  label = "fast_td3" if cfg.method == "ppo" and train.get("trainer") == "fast_td3" else cfg.method
  skills = None if cfg.method == HB else train.get("skills")
  if skills is not None and list(skills) != list(catalog.task(cfg.task, catalog.robot(cfg.embodiment)).skills):
    label += "".join(f"+{s}" for s in skills)
  return f"{label}-{cfg.variant}" if cfg.variant else label


def filed_entries(cfg, submissions, seed_of=None, counts=None) -> list:
  """The leaderboard entries that make the cell done without running it: verified, holding on this
  version (not stale), counted by the reference table (`reference_table.counts_in_table`: a SkillBlender
  blends the current library; the policy was trained on a version whose task still holds, as
  `set_aside_stale` asks of a run), of the cell's robot, task, method label (`cell_method`) and training
  seed, one per backend of the cell; [] unless every backend has one. Of several on one backend, the one
  filed last."""
  seed_of = seed_of or reference_table.training_seed
  counts = counts or reference_table.counts_in_table
  label, by_backend = cell_method(cfg), {}
  for sub in sorted(submissions, key=reference_table.filed_at):
    if (sub.robot, sub.task, sub.method) != (cfg.embodiment, cfg.task, label) or not sub.verified or sub.stale:
      continue
    if sub.result.get("backend") in cfg.backends and seed_of(sub) == cfg.seed and counts(sub):
      by_backend[sub.result["backend"]] = sub
  return [by_backend[b] for b in cfg.backends] if set(by_backend) == set(cfg.backends) else []


def filed_policy(cfg, root: pathlib.Path, task: str, method: str) -> pathlib.Path | None:
  """The policy file of the cell with `cfg`'s robot and seed on `task` with `method` (no variant, no `train.`
  settings) as the leaderboard at `root` files it (`filed_entries`, on any one backend); None when it
  holds none."""
  if not root.is_dir():
    return None
  submissions = leaderboard.load_submissions(root)
  for backend in BACKENDS:
    cell = copy.deepcopy(cfg)
    cell.task, cell.method, cell.variant, cell.train, cell.backends = task, method, "", {}, [backend]
    filed = filed_entries(cell, submissions)
    if filed:
      return filed[0].folder / filed[0].result["checkpoint"]["path"]
  return None
