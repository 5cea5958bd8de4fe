"""Reaching: move both wrists to targets near their initial positions while standing (spec 3).

Goal (14): per wrist (left, right), position (3) and quaternion (4) of current minus target,
world frame. Each target is the wrist's position at reset plus a point on a sphere (radius 0.25 m;
G1-sized robots 0.15 m) that lies in a box (left: x [-0.1, 0.25], y [-0.1, 0.25], z [-0.25, 0.25];
right mirrored in y; scaled with the radius). The target quaternion is random and not rewarded.
Goals are redrawn every second.

The legs' posture term is humanoid-gym's `default_joint_pos` (`rewards.default_joint_pos`), as the
original's `h1_reaching.py` / `g1_reaching.py` reward it: hip yaw and roll held near default,
hip pitch and knees free to crouch, less 0.01 x the norm of every joint's deviation.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp

from primitives import common
from skillbench.envs import rewards
from skillbench.envs.skill import Skill, StepContext

NAME = "reaching"
_LEFT_BOX = ((-0.1, -0.1, -0.25), (0.25, 0.25, 0.25))  # for the 0.25 m radius


@dataclasses.dataclass(frozen=True)
class ReachingParams:
  radius: float  # m
  box_low: tuple  # (2, 3): per wrist, lower corner of the offset box (m)
  box_high: tuple


def params(embodiment) -> ReachingParams:
  """The reaching numbers for this robot (sphere radius and offset boxes, scaled for G1-sized robots)."""
  radius = 0.15 if common.is_small(embodiment) else 0.25
  scale = radius / 0.25
  low, high = [tuple(scale * v for v in corner) for corner in _LEFT_BOX]
  right_low = (low[0], -high[1], low[2])  # mirrored in y
  right_high = (high[0], -low[1], high[2])
  return ReachingParams(radius, (low, right_low), (high, right_high))


def sample_targets(key, origin, p: ReachingParams):
  """(positions (2, 3), random unit quaternions (2, 4)): each wrist's origin plus an offset on the sphere."""
  k_left, k_right, k_quat = jax.random.split(key, 3)
  offsets = jnp.stack([
    common.point_in_box_on_sphere(k, p.radius, lo, hi)
    for k, lo, hi in zip((k_left, k_right), p.box_low, p.box_high)
  ])
  quat = jax.random.normal(k_quat, (2, 4))
  return origin + offsets, quat / jnp.linalg.norm(quat, axis=-1, keepdims=True)


def reset_goal(key, robot, p):
  origin = robot.wrist_pos
  pos, quat = sample_targets(key, origin, p)
  return {"origin": origin, "pos": pos, "quat": quat}


def resample_goal(key, robot, goal, p):
  pos, quat = sample_targets(key, goal["origin"], p)
  return {**goal, "pos": pos, "quat": quat}


def goal_obs(goal, robot, p):
  per_wrist = jnp.concatenate([robot.wrist_pos - goal["pos"], robot.wrist_quat - goal["quat"]], axis=-1)
  return per_wrist.reshape(-1)


def goal_error(goal, robot, p):
  """Mean distance (m) of the two wrists from their targets."""
  return jnp.mean(jnp.linalg.norm(robot.wrist_pos - goal["pos"], axis=-1))


def goal_markers(goal, robot, p):
  return goal["pos"]


def wrist_pos(c: StepContext):
  """exp(-4 mean |wrist - target|) over both wrists' xyz."""
  return rewards.exp_mean_abs(c.robot.wrist_pos - c.goal["pos"])


def make(embodiment) -> Skill:
  small = common.is_small(embodiment)
  return Skill(
    name=NAME,
    goal_description="per wrist: position and quaternion, current - target",
    goal_size=14,
    episode_seconds=common.EPISODE_SECONDS,
    resample_seconds=common.RESAMPLE_SECONDS,
    forbidden_groups=common.forbidden(embodiment, common.FORBIDDEN_UPPER, extra=("waist",)),
    terms={
      "wrist_pos": wrist_pos,
      "default_joint_pos": rewards.default_joint_pos,
      "feet_distance": functools.partial(rewards.feet_distance, band=common.feet_band(embodiment)),
      "torso_pos": rewards.torso_pos,
      **common.REGULARISATION_TERMS,
    },
    weights={
      "wrist_pos": 10.0 if small else 5.0,
      "default_joint_pos": 2.0 if small else 0.5,
      "feet_distance": 0.5,
      "torso_pos": 0.5,
      "orientation": 1.0,
      "torques": -1e-5,
      "dof_vel": -5e-4,
      "dof_acc": -1e-7,
    },
    params=params(embodiment),
    reset_goal=reset_goal,
    resample_goal=resample_goal,
    goal_obs=goal_obs,
    goal_error=goal_error,
    goal_markers=goal_markers,
    error_unit="m",
  )
