"""Squatting: hold the root at a target height (spec section 3).

Goal (1): root height minus target (m). Targets ~ N(nominal height, 0.2^2) clipped to
[0.2, 1.1] m (G1 [0.2, 0.8]; T1, the smallest robot, [0.2, 0.7]), redrawn every second.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp

from primitives import common
from skillbench.envs import rewards
from skillbench.envs.skill import Skill, StepContext

NAME = "squatting"
TARGET_STD = 0.2  # m
MIN_HEIGHT = 0.2  # m


@dataclasses.dataclass(frozen=True)
class SquattingParams:
  nominal: float  # m
  low: float  # m
  high: float  # m


def reset_goal(key, robot, p: SquattingParams):
  target = p.nominal + TARGET_STD * jax.random.normal(key)
  return {"height": jnp.clip(target, p.low, p.high)}


def resample_goal(key, robot, goal, p):
  return reset_goal(key, robot, p)


def goal_obs(goal, robot, p):
  return (robot.base_pos[2] - goal["height"])[None]


def goal_error(goal, robot, p):
  """|root height - target| (m)."""
  return jnp.abs(robot.base_pos[2] - goal["height"])


MARKER_OFFSET = 0.5  # m to the robot's left, so that the robot does not hide the marker


def goal_markers(goal, robot, p):
  """The target root height, drawn beside the robot."""
  return jnp.stack([robot.base_pos[0], robot.base_pos[1] + MARKER_OFFSET, goal["height"]])[None]


def height(c: StepContext):
  return rewards.exp_mean_abs(c.robot.base_pos[2] - c.goal["height"])


def make(embodiment) -> Skill:
  return Skill(
    name=NAME,
    goal_description="root height - target",
    goal_size=1,
    episode_seconds=common.EPISODE_SECONDS,
    resample_seconds=common.RESAMPLE_SECONDS,
    forbidden_groups=common.forbidden(embodiment, common.FORBIDDEN_LOWER, extra=("waist",)),
    terms={
      "height": height,
      "default_joint_pos": rewards.default_joint_pos,
      "feet_distance": functools.partial(rewards.feet_distance, band=common.feet_band(embodiment)),
      "upper_body_pos": rewards.upper_body_pos,
      **common.REGULARISATION_TERMS,
    },
    weights={
      "height": 5.0,
      "default_joint_pos": 0.5,
      "feet_distance": 0.5,
      "upper_body_pos": 1.0,
      "orientation": 1.0,
      "torques": -1e-5,
      "dof_vel": -5e-4,
      "dof_acc": -1e-7,
    },
    params=SquattingParams(embodiment.nominal_height, MIN_HEIGHT, embodiment.squat_max_height),
    reset_goal=reset_goal,
    resample_goal=resample_goal,
    goal_obs=goal_obs,
    goal_error=goal_error,
    goal_markers=goal_markers,
    error_unit="m",
  )
