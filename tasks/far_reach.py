"""FarReach (easy; walk + reach): both wrists to targets up to 2 m away (spec section 5).

Each wrist's target = its position at reset + a reaching offset (as the reaching skill draws it)
+ an offset c shared by both wrists, c_x, c_y ~ U(0, 2), c_z ~ U(0, 0.5) (G1-sized robots:
x, y U(0, 2.5), z U(0, 0.25)). Goals are redrawn every 10 s in training; the evaluation switches
every 5 s and scores the Error just before each switch. Task observation (14): per wrist,
position and quaternion of current minus target (the reaching skill's layout). Reward: wrist
position 5 exp(-4 mean|dp|). Error: mean abs xyz wrist error (m), success below 0.05 m.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp

from primitives import reaching
from skillbench import rewards
from skillbench.skill import StepContext
from skillbench.task import Task
from tasks import common, display_name

NAME = "far_reach"
EPISODE_SECONDS = 24.0
TRAIN_GOAL_PERIOD_S = 10.0
EVAL_GOAL_PERIOD_S = 5.0


@dataclasses.dataclass(frozen=True)
class FarReachParams:
  reach: reaching.ReachingParams
  shared_high: tuple[float, float, float]  # upper ends of c's uniform ranges (m); lower ends 0


def add_objects(spec, embodiment):
  """No objects: the targets are drawn as markers."""


def _targets(key, origin, p: FarReachParams):
  k_reach, k_shared = jax.random.split(key)
  pos, quat = reaching.sample_targets(k_reach, origin, p.reach)
  shared = common.uniform(k_shared, jnp.zeros(3), jnp.asarray(p.shared_high), (3,))
  return pos + shared[None, :], quat


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
    forbidden_groups=common.forbidden(embodiment, NAME),
    terms={"wrist_pos": wrist_pos},
    weights={"wrist_pos": 5.0},
    params=FarReachParams(reaching.params(embodiment), (s.far_reach_xy, s.far_reach_xy, s.far_reach_z)),
    reset_goal=reset_goal,
    resample_goal=resample_goal,
    goal_obs=reaching.goal_obs,
    goal_error=goal_error,
    goal_markers=reaching.goal_markers,
    error_unit="m",
    scene=NAME,
    level="easy",
    skills=("walking", "reaching"),
    threshold=0.05,
    error_at="switches",
    objects=(),
  )
