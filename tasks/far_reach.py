"""FarReach (easy; walk + reach): both wrists to targets up to 2 m away (spec sections 5 and 9).

Each wrist's target = its position at reset + a reaching offset (as the reaching skill draws it)
+ an offset c shared by both wrists, drawn as the original's `sample_rp` (`human.py`) draws it:
`rand * max_center_distance` per axis, then clamped to `center_offset`. H1 and H1-2: c_x, c_y ~
U(0, 2), c_z = min(U(0, 2), 0.5), so c_z is 0.5 in 3 draws of 4; G1-sized robots: c_x, c_y ~
U(0, 1.25), c_z = min(U(0, 1.25), 0.25), at 0.25 in 4 draws of 5 (`h1_task_reach_config.py`,
`g1_task_reach_config.py`). Goals are redrawn every 10 s in training; the evaluation switches
every 5 s and scores the Error just before each switch (the original's `evaluate.py` logs the
Error when the goal changes). Task observation (14): per wrist, position and quaternion of
current minus target (the reaching skill's layout). Reward: wrist position 5 exp(-4 mean|dp|).
Error: mean abs xyz wrist error (m), success below 0.05 m.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp

from primitives import reaching
from skillbench.catalog import task_display_name as display_name
from skillbench.envs import rewards
from skillbench.envs.skill import StepContext
from skillbench.envs.task import Task
from tasks import common

NAME = "far_reach"
FORBIDDEN_CONTACTS = ("pelvis", "torso", "shoulders", "elbows")  # end an episode (spec section 2)
# G1's original also ends a FarReach episode on the hips and knees (`g1_task_reach_config.py`).
FORBIDDEN_CONTACTS_SMALL = FORBIDDEN_CONTACTS + ("hips", "knees")
EPISODE_SECONDS = 24.0
TRAIN_GOAL_PERIOD_S = 10.0
EVAL_GOAL_PERIOD_S = 5.0  # s


@dataclasses.dataclass(frozen=True)
class FarReachParams:
  """reach: the reaching skill's offsets; max_distance: c's draw U(0, max_distance) per axis (m);
  shared_high: where c is clamped per axis (m, x y z)."""

  reach: reaching.ReachingParams
  max_distance: float
  shared_high: tuple[float, float, float]


def add_objects(spec, embodiment):
  """No objects: the targets are drawn as markers."""


def shared_offset(key, p: FarReachParams):
  """c (3,), m, world frame: min(U(0, max_distance), shared_high) per axis (`sample_rp`'s clamp)."""
  draw = common.uniform(key, 0.0, p.max_distance, (3,))
  return jnp.minimum(draw, jnp.asarray(p.shared_high))


def _targets(key, origin, p: FarReachParams):
  k_reach, k_shared = jax.random.split(key)
  pos, quat = reaching.sample_targets(k_reach, origin, p.reach)
  return pos + shared_offset(k_shared, p)[None, :], quat


def reset_goal(key, robot, p):
  pos, quat = _targets(key, robot.wrist_pos, p)
  return {"origin": robot.wrist_pos, "pos": pos, "quat": quat}


def resample_goal(key, robot, goal, p):
  pos, quat = _targets(key, goal["origin"], p)
  return {**goal, "pos": pos, "quat": quat}


def goal_error(goal, robot, p):
  """Mean absolute xyz error of the two wrists (m)."""
  return common.mean_abs(robot.wrist_pos - goal["pos"])


def wrist_pos(c: StepContext):
  return rewards.exp_mean_abs(c.robot.wrist_pos - c.goal["pos"])


def make(embodiment) -> Task:
  s = common.sizes(embodiment)
  return Task(
    name=NAME,
    display_name=display_name(NAME),
    goal_size=14,
    episode_seconds=EPISODE_SECONDS,
    resample_seconds=TRAIN_GOAL_PERIOD_S,
    forbidden_groups=common.forbidden(embodiment, NAME, FORBIDDEN_CONTACTS, small=FORBIDDEN_CONTACTS_SMALL),
    terms={"wrist_pos": wrist_pos},
    weights={"wrist_pos": 5.0},
    params=FarReachParams(reaching.params(embodiment), s.far_reach_xy, (s.far_reach_xy, s.far_reach_xy, s.far_reach_z)),
    reset_goal=reset_goal,
    resample_goal=resample_goal,
    goal_obs=reaching.goal_obs,
    goal_error=goal_error,
    goal_markers=reaching.goal_markers,
    error_unit="m",
    add_objects=add_objects,
    level="easy",
    skills=("walking", "reaching"),
    threshold=0.05,
    error_at="switches",
    eval_goal_period_s=EVAL_GOAL_PERIOD_S,
    objects=(),
  )
