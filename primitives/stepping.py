"""Stepping: place the feet at target positions on the ground (spec section 3).

Goal (4): per foot (left, right), xy of current minus target (m, world frame). Targets are
offsets from the home stance, the feet's xy at reset (the original's `ori_feet_pos`,
`h1_stepping.py`), not from where the feet stand now: every second one foot (either, with equal
probability) gets a target 0.25 m (G1-sized robots 0.15 m) from its home position in a uniformly
random direction, and the other foot's target is its home position.

Rewards: the spec's terms, plus `feet_progress` (ours, see docs/DECISIONS.md), a potential-based
shaping term that pays the feet's speed towards their targets.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp

from primitives import common
from skillbench.envs import rewards
from skillbench.envs.skill import Skill, StepContext

NAME = "stepping"


@dataclasses.dataclass(frozen=True)
class SteppingParams:
  distance: float  # m


def foot_offsets(key, p: SteppingParams):
  """(2, 2) xy offsets (m, world frame), left then right: one foot's by `p.distance` in a uniformly
  random direction, the other's zero (the original's `sample_fp`)."""
  k_foot, k_dir = jax.random.split(key)
  moving = jax.random.bernoulli(k_foot)  # False: left foot, True: right foot
  angle = jax.random.uniform(k_dir, minval=-jnp.pi, maxval=jnp.pi)
  step = p.distance * jnp.stack([jnp.cos(angle), jnp.sin(angle)])
  return jnp.where(jnp.stack([~moving, moving])[:, None], step, 0.0)


def reset_goal(key, robot, p: SteppingParams):
  """The home stance is the feet's xy at reset (m, world frame); the targets are offsets from it."""
  home = robot.foot_pos[:, :2]
  return {"home": home, "xy": home + foot_offsets(key, p)}


def resample_goal(key, robot, goal, p):
  """New targets from the home stance, wherever the feet stand now."""
  return {**goal, "xy": goal["home"] + foot_offsets(key, p)}


def goal_obs(goal, robot, p):
  return (robot.foot_pos[:, :2] - goal["xy"]).reshape(-1)


def goal_error(goal, robot, p):
  """Mean horizontal distance (m) of the two feet from their targets."""
  return jnp.mean(jnp.linalg.norm(robot.foot_pos[:, :2] - goal["xy"], axis=-1))


def goal_markers(goal, robot, p):
  return jnp.concatenate([goal["xy"], jnp.zeros((2, 1))], axis=-1)


def feet_pos(c: StepContext):
  return rewards.exp_mean_abs(c.robot.foot_pos[:, :2] - c.goal["xy"])


def init_state(robot, p):
  """The feet's xy (m, world) after the last step, for `feet_progress`."""
  return {"foot_xy": robot.foot_pos[:, :2], "last_foot_xy": robot.foot_pos[:, :2]}


def update_state(state, robot, step, dt, p):
  return {"foot_xy": robot.foot_pos[:, :2], "last_foot_xy": state["foot_xy"]}


def feet_progress(c: StepContext):
  """Sum over the feet of how much closer to its target the foot came this step, per second (m/s).

  The decrease of the feet's distances to their targets over one control step, divided by its
  length: potential-based shaping (Ng et al., 1999). Over a goal period it sums to the distance
  the feet closed, so it rewards moving a foot at once rather than only once it arrives, and pays
  nothing for going back and forth. Differences of positions, not sampled velocities, so that a
  foot vibrating in step with the control rate cannot collect it; not clipped, and added to the
  reward after the reward's clip at zero (`Skill.shaping_terms`), so that fast moves away cost in
  full what slow moves back earn.
  """
  goal = c.goal["xy"]
  before = jnp.linalg.norm(c.skill_state["last_foot_xy"] - goal, axis=-1)
  after = jnp.linalg.norm(c.robot.foot_pos[:, :2] - goal, axis=-1)
  return jnp.sum(before - after) / c.consts.dt


def make(embodiment) -> Skill:
  small = common.is_small(embodiment)
  return Skill(
    name=NAME,
    goal_description="per foot: xy, current - target",
    goal_size=4,
    episode_seconds=common.EPISODE_SECONDS,
    resample_seconds=common.RESAMPLE_SECONDS,
    forbidden_groups=common.forbidden(embodiment, common.FORBIDDEN_LOWER, extra=("waist",)),
    terms={
      "feet_pos": feet_pos,
      "feet_progress": feet_progress,
      "upper_body_pos": rewards.upper_body_pos,
      **common.REGULARISATION_TERMS,
    },
    weights={
      "feet_pos": 5.0,
      "feet_progress": 8.0,
      "upper_body_pos": 1.0 if small else 0.5,
      "orientation": 1.0,
      "torques": -1e-5,
      "dof_vel": -5e-5 if small else -5e-4,
      "dof_acc": -1e-7,
    },
    params=SteppingParams(0.15 if small else 0.25),
    reset_goal=reset_goal,
    resample_goal=resample_goal,
    goal_obs=goal_obs,
    goal_error=goal_error,
    goal_markers=goal_markers,
    shaping_terms=("feet_progress",),
    init_state=init_state,
    update_state=update_state,
    error_unit="m",
  )
