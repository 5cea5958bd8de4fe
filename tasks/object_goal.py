"""The shape shared by BoxPush, PackageLift, BoxTransfer and PackageCarry: move an object to a goal.

Task observation (9): object - goal (3), then each wrist - object (3 + 3), world frame (m).
Rewards: object to goal 5 exp(-4 mean|object - goal|) and wrists to object w exp(-4 mean|wrist -
object|) (w per task and robot). The goal is {"start": the object's position at reset, "target"}.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp

from skillbench.envs import rewards
from skillbench.envs.skill import StepContext
from skillbench.envs.task import Task
from tasks import common

OBSERVATION_SIZE = 9


def obj(robot, p):
  return common.object_pos(robot, p.object)


def goal_obs(goal, robot, p):
  box = obj(robot, p)
  return jnp.concatenate([box - goal["target"], common.wrists_minus(robot, box)])


def error_xyz(goal, robot, p):
  """Mean absolute xyz difference of the object from its goal (m)."""
  return common.mean_abs(obj(robot, p) - goal["target"])


def error_z(goal, robot, p):
  """Absolute height difference of the object from its goal (m)."""
  return jnp.abs(obj(robot, p)[2] - goal["target"][2])


def markers(goal, robot, p):
  return goal["target"][None, :]


def object_to_goal(c: StepContext):
  return rewards.exp_mean_abs(obj(c.robot, c.params) - c.goal["target"])


def object_height(c: StepContext):
  return rewards.exp_mean_abs(obj(c.robot, c.params)[2] - c.goal["target"][2])


def wrists_to_object(c: StepContext):
  return common.wrists_to(c.robot, obj(c.robot, c.params))


def make(name, display_name, level, skills, embodiment, params, *, forbidden, add_objects, reset_scene, reset_goal,
         goal_term, wrist_weight, error, threshold, objects, forbidden_small=None) -> Task:
  """A move-the-object task; `goal_term` is `object_to_goal` or `object_height`; `forbidden`,
  `forbidden_small` as `common.forbidden`'s `groups` and `small`."""
  return Task(
    name=name,
    display_name=display_name,
    goal_size=OBSERVATION_SIZE,
    episode_seconds=common.EPISODE_SECONDS,
    resample_seconds=common.EPISODE_SECONDS,
    forbidden_groups=common.forbidden(embodiment, name, forbidden, small=forbidden_small),
    terms={goal_term.__name__: goal_term, "wrists_to_object": wrists_to_object},
    weights={goal_term.__name__: 5.0, "wrists_to_object": wrist_weight},
    params=params,
    reset_goal=reset_goal,
    resample_goal=common.keep_goal,
    goal_obs=goal_obs,
    goal_error=error,
    goal_markers=markers,
    error_unit="m",
    add_objects=add_objects,
    reset_scene=reset_scene,
    level=level,
    skills=skills,
    threshold=threshold,
    objects=objects,
  )


@dataclasses.dataclass(frozen=True)
class TableBox:
  """A cube on a table: `object` names it; x_back: its x = table centre - U(x_back); y: U(y)."""

  object: str
  table_x: float
  surface_z: float
  x_back: tuple[float, float] = (0.35, 0.45)
  y: tuple[float, float] = (-0.3, 0.3)
  size: float = common.CUBE_SIZE
  mass: float = 1.0
  random_yaw: bool = True  # False: axis-aligned


def place_cube_on_table(key, qpos, layout, p: TableBox):
  """The cube at a random place near the table's front edge, with a random yaw (U(-pi, pi) about z)
  unless `p.random_yaw` is False."""
  kx, ky, kyaw = jax.random.split(key, 3)
  pos = jnp.array([
    p.table_x - common.uniform(kx, *p.x_back), common.uniform(ky, *p.y), p.surface_z + p.size / 2,
  ])
  yaw = common.uniform(kyaw, -jnp.pi, jnp.pi) if p.random_yaw else 0.0
  return common.place_free_body(qpos, layout, p.object, pos, common.yaw_quat(yaw))
