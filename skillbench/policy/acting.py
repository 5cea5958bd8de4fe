"""Which policy a script acts with: a run's, a checkpoint's, the library's, zero or random."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from skillbench.errors import SkillBenchError, UnknownNameError
from skillbench.policy import library
from skillbench.policy import saved as policy_lib

BASELINES = ("zero", "random")


def skill_name(primitive_cfg, task_cfg):
  """The environment a script asked for: `task=` if given, else `primitive=` (both is an error)."""
  if primitive_cfg is not None and task_cfg is not None:
    raise SkillBenchError(f"give either primitive= or task=, not both (got {primitive_cfg.name} and {task_cfg.name})")
  chosen = task_cfg or primitive_cfg
  return chosen.name if chosen is not None else None


def resolve(run=None, checkpoint=None, policy=None, embodiment=None, primitive=None):
  """(description, LoadedPolicy or None, robot, skill) for a script's policy arguments.

  A run or checkpoint decides the robot and skill; `embodiment`/`primitive`, when also given,
  must match it. A baseline (`zero`, `random`) needs both.
  """
  if sum(x is not None for x in (run, checkpoint)) > 1:
    raise SkillBenchError("give either run= or checkpoint=, not both")
  if run is not None or checkpoint is not None:
    path = library.final_policy(run) if run is not None else library.resolve(checkpoint, embodiment, primitive)
    loaded = policy_lib.load(path, embodiment=embodiment, skill=primitive)
    return str(path), loaded, loaded.embodiment, loaded.skill
  policy = policy or "zero"
  if policy not in BASELINES:
    raise UnknownNameError("policy", policy, BASELINES)
  if not embodiment or not primitive:
    raise SkillBenchError(f"policy={policy} needs embodiment=<robot> and primitive=<skill> (or task=<task>)")
  return policy, None, embodiment, primitive


def act_fn(env, loaded, baseline: str = "zero"):
  """`act(obs, key) -> action` for one environment."""
  if loaded is not None:
    loaded = loaded.for_env(env)
    return lambda obs, key: loaded.mean_action(obs)
  if baseline == "random":
    return lambda obs, key: 0.5 * jax.random.normal(key, (env.action_size,))
  return lambda obs, key: jnp.zeros(env.action_size)
