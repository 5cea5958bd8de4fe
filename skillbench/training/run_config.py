"""What every trainer reads from a configuration and records about a run: the environment and method
it trains, the summary its checkpoints and final policy carry, and the final evaluation.

`train.py` (brax PPO) and `sb3_trainer.py` both build on it.
"""

from __future__ import annotations

import json
import pathlib

from omegaconf import OmegaConf

import skillbench
from skillbench import provenance
from skillbench.envs.factory import make
from skillbench.evaluation import protocol as evaluation
from skillbench.policy import library
from skillbench.policy.saved import load as load_policy
from skillbench.training.logger import read_metrics


def config_summary(cfg) -> dict:
  """A resolved configuration as plain data (recorded in run.json and in checkpoints)."""
  return OmegaConf.to_container(OmegaConf.structured(cfg), resolve=True)


def skill_group(cfg):
  """The config node of what a configuration trains: its task (train_blender) or its primitive skill."""
  task = getattr(cfg, "task", None)
  return task if task is not None else cfg.primitive


def skill_name(cfg) -> str:
  """What a configuration trains: its task's or its primitive skill's name."""
  return skill_group(cfg).name


def method(cfg) -> str | None:
  """train_blender's method (blender, ppo, no_softmax, hb); None for a primitive skill."""
  return getattr(cfg, "method", None)


def run_label(cfg) -> str:
  """What a run folder's name says trained it, as its result's method will: a blender's method (blender,
  no_softmax, hb); for a flat policy the trainer (brax, sb3, fast_td3), with PPO's two trainers on a task
  both named ppo."""
  if method(cfg) not in (None, "ppo") or (method(cfg) == "ppo" and cfg.trainer.name != "fast_td3"):
    return method(cfg)
  return cfg.trainer.name


def env_arguments(cfg) -> dict:
  """`make`'s keyword arguments for a configuration: its env settings, reward weights and backend options."""
  return dict(config=cfg.env, reward_weights=dict(skill_group(cfg).reward_weights), **cfg.backend.kwargs())


def build_env(cfg):
  """The single (vmappable) environment a configuration trains in."""
  return make(cfg.embodiment.name, skill_name(cfg), cfg.backend.name, **env_arguments(cfg))


def training_summary(cfg, env_steps: int, run: pathlib.Path, init: dict | None = None) -> dict:
  """env_steps and wall_clock_s count this run's own training; `init` (a warm start) says what came before."""
  rows = read_metrics(run)
  last = rows[-1] if rows else {}
  return {
    "trainer": cfg.trainer.name, "env_steps": env_steps, "wall_clock_s": last.get("wall_s"),
    # Over the whole run, compiles included (a resumed run's last row counts only its own process).
    "steps_per_s": env_steps / last["wall_s"] if last.get("wall_s") else None,
    "seed": cfg.seed, "backend": cfg.backend.name,
    "hardware": provenance.hardware(), "git": started_at_commit(run), "skillbench": started_at_version(run),
    **({"init": init} if init else {}),
  }


def started_at_commit(run: pathlib.Path) -> dict:
  """The code the run trained with: the commit its run.json recorded when it started (the work tree
  may have moved on by the time the policy is written), else the current one."""
  recorded = run / "run.json"
  if recorded.is_file():
    git = json.loads(recorded.read_text()).get("git")
    if git:
      return git
  return provenance.git_commit()


def started_at_version(run: pathlib.Path) -> str:
  """The SkillBench version the run trained with: its run.json's, else the running code's."""
  try:
    return json.loads((run / "run.json").read_text())["versions"]["skillbench"]
  except (OSError, ValueError, KeyError, TypeError):
    return skillbench.__version__


def evaluate_run(run, num_rollouts: int, seconds=None, backend: str = "mujoco", seed: int = 0) -> dict:
  """Evaluates a run's final policy with the evaluation settings; writes run/eval.json."""
  loaded = load_policy(library.final_policy(run))
  result = evaluation.evaluate_policy(loaded.embodiment, loaded.skill, loaded, backends=(backend,),
                                      num_rollouts=num_rollouts, seed=seed, seconds=seconds)
  (pathlib.Path(run) / "eval.json").write_text(json.dumps(result, indent=2))
  print(evaluation.summary_line(result, backend))
  return result
