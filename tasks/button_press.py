"""ButtonPress (easy; walk + reach): touch a button on a wall with the left wrist (spec section 5).

A wall 0.05 x 2.0 x 3.0 m centred at (1.5, 0, 1.5); the button sits on the wall's face (x 1.475)
at y U(-0.5, 0.5), z 1.0 + U(-0.5, 0.5) (G1-sized robots 0.7 + U(-0.3, 0.3)). The button is a
marker drawn on the wall, not a body. Task observation (3): left wrist - button. Rewards: left
wrist to button 5 exp(-4 mean|d|); right arm near its default pose 0.5. Error: mean abs (y, z) of
the left wrist vs the button at the end (m), success below 0.05 m.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from assets import objects
from skillbench.catalog import task_display_name as display_name
from skillbench.envs import rewards
from skillbench.envs.skill import StepContext
from skillbench.envs.task import Task
from tasks import common

NAME = "button_press"
FORBIDDEN_CONTACTS = ("pelvis", "torso", "shoulders", "hips", "knees")  # end an episode (spec section 2)
WALL_CENTER = (1.5, 0.0, 1.5)
WALL_SIZE = (0.05, 2.0, 3.0)
BUTTON_Y = (-0.5, 0.5)
LEFT = 0


@dataclasses.dataclass(frozen=True)
class ButtonParams:
  face_x: float  # the wall's face towards the robot (m)
  z: float
  dz: float
  right_arm: tuple[int, ...]  # policy indices of the right arm's joints


def add_objects(spec, embodiment):
  objects.wall(spec, "wall", WALL_CENTER, WALL_SIZE)


def reset_goal(key, robot, p):
  ky, kz = jax.random.split(key)
  button = jnp.array([p.face_x, common.uniform(ky, *BUTTON_Y), p.z + common.uniform(kz, -p.dz, p.dz)])
  return {"button": button}


def goal_obs(goal, robot, p):
  return robot.wrist_pos[LEFT] - goal["button"]


def goal_error(goal, robot, p):
  """Mean absolute (y, z) difference of the left wrist from the button (m)."""
  return common.mean_abs((robot.wrist_pos[LEFT] - goal["button"])[1:])


def markers(goal, robot, p):
  return goal["button"][None, :]


def left_wrist_to_button(c: StepContext):
  return rewards.exp_mean_abs(c.robot.wrist_pos[LEFT] - c.goal["button"])


def right_arm_pos(c: StepContext):
  """Right arm joints near their default angles."""
  idx = np.array(c.params.right_arm)
  return rewards.exp_mean_abs(c.robot.q[idx] - c.consts.default_pose[idx])


def make(embodiment) -> Task:
  s = common.sizes(embodiment)
  right_arm = tuple(embodiment.joint_indices(legs=False, side="right"))
  return Task(
    name=NAME,
    display_name=display_name(NAME),
    goal_size=3,
    episode_seconds=common.EPISODE_SECONDS,
    resample_seconds=common.EPISODE_SECONDS,
    forbidden_groups=common.forbidden(embodiment, NAME, FORBIDDEN_CONTACTS),
    terms={"left_wrist_to_button": left_wrist_to_button, "right_arm_pos": right_arm_pos},
    weights={"left_wrist_to_button": 5.0, "right_arm_pos": 0.5},
    params=ButtonParams(WALL_CENTER[0] - WALL_SIZE[0] / 2, s.button_z, s.button_dz, right_arm),
    reset_goal=reset_goal,
    resample_goal=common.keep_goal,
    goal_obs=goal_obs,
    goal_error=goal_error,
    goal_markers=markers,
    error_unit="m",
    add_objects=add_objects,
    level="easy",
    skills=("walking", "reaching"),
    threshold=0.05,
    objects=("wall",),
  )
