"""CabinetClose (easy; walk + reach): push both doors of a cabinet shut (spec section 5).

A two-door cabinet built from boxes to the original's size (`assets.objects.cabinet`: 0.65 m wide,
0.63 m tall, its 0.32 m doors over the upper 0.54 m of its front), fixed in space with its carcass
centred at (1.5, 0, 1.0) (G1-sized robots z 0.7) and nothing under it, as the original's floats;
undriven hinges with range [0, pi/2] rad and damping 5 N m s/rad; both doors start open at 1.0 rad,
towards the robot. Task observation (8): the door angles (2, rad), then each wrist minus the
cabinet's root (6, m, world frame), the point the original places the cabinet at
(`arti_obj_offset`, (1.5, 0, 1.0), G1 z 0.7; `h1_task_cabinet.py` reads `arti_obj_root_states`): the
carcass's centre, 0.22 m behind the doors' front.
Rewards: wrists to the cabinet's root 5 exp(-4 mean|d|); door angles 5 exp(-4 mean|angle|).
Error: mean abs door angle at the end (rad), success below 0.01 rad.
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp

from assets import objects
from skillbench.catalog import task_display_name as display_name
from skillbench.envs import rewards
from skillbench.envs.skill import StepContext
from skillbench.envs.task import Task
from skillbench.robot.layout import OBJECT_PREFIX
from tasks import common

NAME = "cabinet_close"
FORBIDDEN_CONTACTS = ("pelvis", "torso", "shoulders", "hips", "knees")  # end an episode (spec section 2)
CABINET_X = 1.5
OPEN_ANGLE = 1.0  # rad
DOORS = tuple(f"{OBJECT_PREFIX}cabinet_door_{side}" for side in ("left", "right"))


@dataclasses.dataclass(frozen=True)
class CabinetParams:
  root: tuple[float, float, float]  # the cabinet's root: its carcass's centre (m, world frame)
  open_angle: float  # rad


def add_objects(spec, embodiment):
  objects.cabinet(spec, "cabinet", (CABINET_X, 0.0, common.sizes(embodiment).cabinet_z))


def reset_scene(key, qpos, body_mass, layout, p):
  for door in DOORS:
    qpos = qpos.at[layout.object_qpos[door]].set(p.open_angle)
  return qpos, body_mass


def door_angles(robot):
  return jnp.concatenate([robot.objects[d] for d in DOORS])


def reset_goal(key, robot, p):
  return {"root": jnp.asarray(p.root, jnp.float32)}


def goal_obs(goal, robot, p):
  return jnp.concatenate([door_angles(robot), common.wrists_minus(robot, goal["root"])])


def goal_error(goal, robot, p):
  """Mean absolute door angle (rad); 0 when both doors are shut."""
  return common.mean_abs(door_angles(robot))


def markers(goal, robot, p):
  return goal["root"][None, :]


def wrists_to_cabinet(c: StepContext):
  return common.wrists_to(c.robot, c.goal["root"])


def doors_closed(c: StepContext):
  return rewards.exp_mean_abs(door_angles(c.robot))


def make(embodiment) -> Task:
  root = (CABINET_X, 0.0, common.sizes(embodiment).cabinet_z)
  return Task(
    name=NAME,
    display_name=display_name(NAME),
    goal_size=8,
    episode_seconds=common.EPISODE_SECONDS,
    resample_seconds=common.EPISODE_SECONDS,
    forbidden_groups=common.forbidden(embodiment, NAME, FORBIDDEN_CONTACTS),
    terms={"wrists_to_cabinet": wrists_to_cabinet, "doors_closed": doors_closed},
    weights={"wrists_to_cabinet": 5.0, "doors_closed": 5.0},
    params=CabinetParams(root, OPEN_ANGLE),
    reset_goal=reset_goal,
    resample_goal=common.keep_goal,
    goal_obs=goal_obs,
    goal_error=goal_error,
    goal_markers=markers,
    error_unit="rad",
    add_objects=add_objects,
    reset_scene=reset_scene,
    level="easy",
    skills=("walking", "reaching"),
    threshold=0.01,
    objects=("cabinet",),
  )
