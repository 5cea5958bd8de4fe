"""Numbers and helpers the eight tasks share (spec sections 2, 5 and 6).

Heights follow the robot's size class: H1 and H1-2 take the spec's H1 numbers; G1 and T1 (the
G1-sized robots, as for the primitive skills) take its G1 numbers.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp

from primitives import common as primitive_common
from skillbench.envs import rewards
from skillbench.robot.layout import OBJECT_PREFIX

EPISODE_SECONDS = 8.0

@dataclasses.dataclass(frozen=True)
class Sizes:
  """Per-size-class scene numbers (m).

  table_top_z: height of the table top's centre; button_z, button_dz: the button's height is
  button_z + U(-button_dz, button_dz); cabinet_z: the cabinet's centre height; package_height;
  lift: range of the package lift; far_reach_xy, far_reach_z: FarReach's shared offset draws
  U(0, far_reach_xy) per axis and clamps z at far_reach_z (the original's `max_center_distance`
  and `center_offset_z`).
  """

  table_top_z: float
  button_z: float
  button_dz: float
  cabinet_z: float
  package_height: float
  lift: tuple[float, float]
  far_reach_xy: float
  far_reach_z: float


LARGE = Sizes(table_top_z=0.975, button_z=1.0, button_dz=0.5, cabinet_z=1.0, package_height=1.0,
              lift=(0.3, 0.6), far_reach_xy=2.0, far_reach_z=0.5)
SMALL = Sizes(table_top_z=0.7, button_z=0.7, button_dz=0.3, cabinet_z=0.7, package_height=0.7,
              lift=(0.2, 0.4), far_reach_xy=1.25, far_reach_z=0.25)

TABLE_SIZE = (0.9, 1.5, 0.05)  # x, y, z full lengths (m)
TABLE_X = 1.0  # the front table's centre; BoxTransfer's back table is at -TABLE_X
CUBE_SIZE = 0.1
PACKAGE_SIZE_XY = (0.5, 0.1)  # x and y (m), not rotated: `create_box(sim, 0.5, 0.1, h)`; the height is per size class
# The original's package friction is 5 (PhysX). Under MuJoCo's pyramidal friction cone a friction
# that high softens the contact's normal direction: a wrist pressing with 9 N sinks 39 mm into the
# package at 5, 4.8 mm at 3 and 1.1 mm at 2 (docs/DECISIONS.md, "Package friction"). At 2 the
# squeeze stays firm and 10 N per side lifts the heaviest package (2 kg).
PACKAGE_FRICTION = 2.0


def sizes(embodiment) -> Sizes:
  return SMALL if primitive_common.is_small(embodiment) else LARGE


def forbidden(embodiment, task: str, groups: tuple[str, ...], small: tuple[str, ...] | None = None):
  """A task's forbidden contact groups for this robot, plus the robot's waist where it has one (G1).

  groups: the module's FORBIDDEN_CONTACTS, the original's H1 and H1-2 lists; small: its
  FORBIDDEN_CONTACTS_SMALL where the original's G1 list differs by more than the waist (G1-sized
  robots take it). A robot lacking one of the groups is an error naming it.
  """
  if small is not None and primitive_common.is_small(embodiment):
    groups = small
  missing = [g for g in groups if g not in embodiment.body_groups]
  if missing:
    raise ValueError(
      f"task {task} needs the contact groups {missing} (forbidden contacts), which robot {embodiment.name} "
      f"does not define; its groups: {sorted(embodiment.body_groups)}. Add them to embodiments/{embodiment.name}.py"
    )
  return primitive_common.forbidden(embodiment, groups, extra=("waist",))


def table_surface(embodiment) -> float:
  """Height of the table's upper surface (m)."""
  return sizes(embodiment).table_top_z + TABLE_SIZE[2] / 2


def keep_goal(key, robot, goal, params):
  """A task goal that is never redrawn during an episode (`Skill.resample_goal`)."""
  return goal


def uniform(key, low, high, shape=()):
  return jax.random.uniform(key, shape, minval=jnp.asarray(low), maxval=jnp.asarray(high))


def yaw_quat(yaw):
  """Unit quaternion (w, x, y, z) of a rotation by `yaw` about +z."""
  return jnp.array([jnp.cos(yaw / 2), 0.0, 0.0, jnp.sin(yaw / 2)])


def place_free_body(qpos, layout, name: str, pos, quat=None):
  """qpos with object `name`'s free joint at `pos` (and `quat`, default upright)."""
  idx = layout.object_qpos[f"{OBJECT_PREFIX}{name}"]
  quat = jnp.array([1.0, 0.0, 0.0, 0.0]) if quat is None else quat
  return qpos.at[idx].set(jnp.concatenate([jnp.asarray(pos, qpos.dtype), quat.astype(qpos.dtype)]))


def set_mass(body_mass, layout, name: str, mass):
  return body_mass.at[layout.object_bodies[f"{OBJECT_PREFIX}{name}"]].set(mass)


def object_pos(robot, name: str):
  """World position (m) of object `name` (its sensor "obj_<name>_pos")."""
  return robot.objects[f"{OBJECT_PREFIX}{name}_pos"]


def mean_abs(diff):
  return jnp.mean(jnp.abs(diff))


def wrists_to(robot, point, k: float = 4.0):
  """exp(-k mean |wrist - point|) over both wrists' xyz (the spec's "wrists to X" term)."""
  return rewards.exp_mean_abs(robot.wrist_pos - point[None, :], k)


def wrists_minus(robot, point):
  """(6,): each wrist's position minus `point` (left, then right), world frame (m)."""
  return (robot.wrist_pos - point[None, :]).reshape(-1)
