"""One call to build an environment from names: `skillbench.make("h1", "reaching")`."""

from __future__ import annotations

import dataclasses

from skillbench import catalog
from skillbench.envs.env import BatchedEnv, SkillEnv
from skillbench.envs.env_config import EnvConfig
from skillbench.errors import UnknownNameError


def env_config(config=None, **overrides) -> EnvConfig:
  """An `EnvConfig` from None, a dict or an EnvConfig, with field overrides; unknown keys are an error."""
  if config is None:
    config = EnvConfig()
  elif isinstance(config, dict):
    config = {**config}
    unknown = sorted(set(config) - {f.name for f in dataclasses.fields(EnvConfig)})
    if unknown:
      raise UnknownNameError("EnvConfig field", unknown[0], [f.name for f in dataclasses.fields(EnvConfig)])
    config = EnvConfig(**config)
  return dataclasses.replace(config, **overrides) if overrides else config


def make(embodiment, skill: str, backend: str = "mujoco", num_envs: int | None = None, config=None,
         reward_weights=None, **backend_kwargs):
  """The environment of `skill` (a primitive skill or a task) for `embodiment` on `backend`.

  Args:
    embodiment: a robot name ("h1", "g1", "h1_2", "t1") or an `Embodiment`.
    skill: a primitive skill ("walking", "reaching", "squatting", "stepping") or a task
      ("box_push", ... or "BoxPush"; see `catalog.task_names()`).
    backend: "mujoco" (native, CPU) or "mjx".
    num_envs: None for a single (vmappable) `SkillEnv`, else a `BatchedEnv` of that many.
    config: an `EnvConfig` or a dict of its fields.
    reward_weights: reward term name -> weight, replacing the skill's own (`Skill.with_weights`).
    **backend_kwargs: `nthread` (mujoco) or `impl` (mjx: "jax" or "warp").
  """
  embodiment = catalog.robot(embodiment)
  skill = catalog.skill_or_task(skill, embodiment)
  if reward_weights:
    skill = skill.with_weights(reward_weights)
  env = SkillEnv(embodiment, skill, backend, env_config(config), **backend_kwargs)
  return env if num_envs is None else BatchedEnv(env, num_envs)
