"""SkillBlender's high-level network: sub-goals for frozen skills and per-joint blend weights.

Every control step the network reads the task observation [task part (T), gait clock (C),
proprioception (3d+6)] and outputs, for each selected skill i, a sub-goal g_i (bounded to
+-clamp_i in the skill's goal units) and a raw weight per joint. The bound is the original's clip
(`goal_bound="clip"`), or `"tanh"`: clamp_i * tanh(x / clamp_i), the same near zero, whose
gradient never vanishes (a clipped sub-goal that has left its bound gets no gradient to come back).
The weights are normalised with a softmax across skills, separately for every joint
(`weighting="softmax"`; the ablation `"none"` uses them raw). Each frozen skill sees [g_i, the
task's clock if the skill has one (walking), proprioception], normalised with its own statistics,
as in its training; a skill given `hidden_joints` (the option `arms_hidden_from`) reads those joints
as if they stood still at their default angles with zero action. The blended mean action is sum_i W_i * pi_i(g_i, s). Frozen skills are constants closed over by
the module, so only the high-level parameters train, while gradients flow through the skills.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from skillbench.envs import hidden_joints as hidden_joints_lib
from skillbench.policy import networks
from skillbench.policy import saved as policy_lib

WEIGHTINGS = ("softmax", "none")
GOAL_BOUNDS = ("clip", "tanh")
AT_BOUND = 0.99  # a sub-goal within 1 % of its clamp counts as at its bound


@dataclasses.dataclass(frozen=True, eq=False)
class FrozenSkill:
  """A trained skill's actor, as the blender calls it.

  name: the skill; goal_size: its goal's length; clamp: sub-goal bound (goal units);
  apply(obs) -> mean action: the skill's actor with its normaliser, on its own observation;
  clock_size: the length of the clock it reads after its goal (0: none); hidden_joints: policy
  indices of the joints it reads at their default angle, still, with zero action (`view`): those
  the blender hides from it (`arms_hidden_from`) and those it was trained not to read.
  """

  name: str
  goal_size: int
  clamp: float
  apply: object
  clock_size: int = 0
  hidden_joints: tuple[int, ...] = ()

  def view(self, proprio, action_size: int):
    """The proprioception [q - default (d), scaled qd (d), last action (d), base angular velocity,
    base orientation] this skill reads: `hidden_joints`' entries of the first three set to zero."""
    return hidden_joints_lib.hide(proprio, self.hidden_joints, action_size)

  @classmethod
  def from_loaded(cls, loaded, clamp: float, hidden_joints=()) -> FrozenSkill:
    params = jax.tree.map(jnp.asarray, loaded.policy.params["actor"])
    stats = loaded.policy.actor_stats
    net, normalize = loaded.actor_net, loaded.normalize_obs

    def apply(obs):
      x = stats.normalize(obs) if normalize else obs
      return net.apply({"params": params}, x)

    hidden = sorted({int(j) for j in hidden_joints} | set(policy_lib.hidden_joint_indices(loaded.observation)))
    return cls(loaded.skill, int(loaded.observation["goal_size"]), float(clamp), apply,
               policy_lib.clock_size(loaded.observation), tuple(hidden))


def bound_goal(x, clamp: float, how: str):
  """A raw sub-goal bounded to +-clamp (goal units): `clip` or `tanh` (see the module's docstring)."""
  if how == "tanh":
    return clamp * jnp.tanh(x / clamp)
  return jnp.clip(x, -clamp, clamp)


def at_bound(goal, clamp: float):
  """True where a bounded sub-goal entry is within 1 % of its bound (`AT_BOUND`)."""
  return jnp.abs(goal) >= AT_BOUND * clamp


class Blender(nn.Module):
  """The high-level policy network. `__call__(x, raw)` -> blended mean action (d,).

  x: the normalised task observation (the high level's input); raw: the same observation
  unnormalised (the skills' clock and proprioception are cut from it). task_clock_size: the
  length of the task's clock, after its task part (0 in blenders trained before tasks had one).
  `blend(x, raw)` also returns the sub-goals and the per-joint weights (num_skills, d) for inspection,
  `parts(x, raw)` besides them every skill's own action (num_skills, d).
  """

  skills: Sequence[FrozenSkill]
  task_obs_size: int
  action_size: int
  hidden: Sequence[int]
  weighting: str = "softmax"
  task_clock_size: int = 0
  goal_bound: str = "clip"

  takes_raw_obs = True  # PPO passes the raw observation too (the skills normalise their own)

  def setup(self):
    if self.weighting not in WEIGHTINGS:
      raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {self.weighting!r}")
    if self.goal_bound not in GOAL_BOUNDS:
      raise ValueError(f"goal_bound must be one of {GOAL_BOUNDS}, got {self.goal_bound!r}")
    goal_total = sum(s.goal_size for s in self.skills)
    self.high = networks.MLP(tuple(self.hidden), goal_total + len(self.skills) * self.action_size, last_scale=0.01)

  @property
  def output_size(self) -> int:
    return sum(s.goal_size for s in self.skills) + len(self.skills) * self.action_size

  def parts(self, x, raw):
    """(mean action, sub-goals, weights (skills, d), each skill's own action (skills, d))."""
    out = self.high(x)
    goals, start = [], 0
    for skill in self.skills:
      goals.append(bound_goal(out[..., start:start + skill.goal_size], skill.clamp, self.goal_bound))
      start += skill.goal_size
    actions = jnp.stack([self.skill_action(k, goal, raw) for k, goal in enumerate(goals)], axis=-2)
    raw_weights = out[..., start:].reshape(*out.shape[:-1], len(self.skills), self.action_size)
    weights = jax.nn.softmax(raw_weights, axis=-2) if self.weighting == "softmax" else raw_weights
    return jnp.sum(weights * actions, axis=-2), goals, weights, actions

  def skill_action(self, k: int, goal, raw):
    """Skill k's own action for its bounded sub-goal `goal`, on the unnormalised task observation."""
    skill = self.skills[k]
    clock_end = self.task_obs_size + self.task_clock_size
    clock, proprio = raw[..., self.task_obs_size:clock_end], raw[..., clock_end:]
    seen = skill.view(proprio, self.action_size)
    inputs = [goal, clock, seen] if skill.clock_size else [goal, seen]
    return skill.apply(jnp.concatenate(inputs, axis=-1))

  def blend(self, x, raw):
    return self.parts(x, raw)[:3]

  def __call__(self, x, raw):
    return self.blend(x, raw)[0]

  def diagnostics(self, x, raw) -> dict:
    """Per skill, what training logs (PPO averages each over a batch): `blend/<skill>/at_bound`, 1 where a
    sub-goal entry is within 1 % of its bound (a clipped one there gets no gradient), and
    `blend/<skill>/weight`, its blend weight on each joint."""
    _, goals, weights = self.blend(x, raw)
    out = {}
    for k, (skill, goal) in enumerate(zip(self.skills, goals)):
      out[f"blend/{skill.name}/at_bound"] = at_bound(goal, skill.clamp).astype(jnp.float32)
      out[f"blend/{skill.name}/weight"] = weights[..., k, :]
    return out
