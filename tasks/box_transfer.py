"""BoxTransfer (hard; walk + reach): carry a cube from the front table to the back table.

Front table at x 1.0 and back table at x -1.0 (each as BoxPush's); a 1 kg, 0.1 m cube starts on
the front table as in BoxPush, axis-aligned (docs/DECISIONS.md, "BoxTransfer's cube"); the goal is on the back table at x -1.0 + U(0.35, 0.45),
y U(-0.3, 0.3), resting on it. Rewards: cube to goal 5; wrists to cube 1 (G1-sized robots 5).
Error: mean abs xyz (m), success below 0.05 m (spec section 5).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from assets import objects
from primitives.common import is_small
from skillbench.catalog import task_display_name as display_name
from tasks import common, object_goal

NAME = "box_transfer"
FORBIDDEN_CONTACTS = ("pelvis", "torso", "shoulders")  # end an episode (spec section 2)
CUBE_MASS = 1.0  # kg: the original's box_mass 0.01 is never applied (docs/DECISIONS.md)
GOAL_X_FORWARD = (0.35, 0.45)  # from the back table's centre, towards the robot (m)


def add_objects(spec, embodiment):
  top = common.sizes(embodiment).table_top_z
  objects.table(spec, "table_front", (common.TABLE_X, 0.0, top), common.TABLE_SIZE)
  objects.table(spec, "table_back", (-common.TABLE_X, 0.0, top), common.TABLE_SIZE)
  objects.free_box(spec, "box", (common.CUBE_SIZE,) * 3, (common.TABLE_X - 0.4, 0.0, top + 0.1), CUBE_MASS,
                   objects.CUBE_RED)


def reset_scene(key, qpos, body_mass, layout, p):
  return object_goal.place_cube_on_table(key, qpos, layout, p), body_mass


def reset_goal(key, robot, p):
  kx, ky = jax.random.split(key)
  target = jnp.array([
    -p.table_x + common.uniform(kx, *GOAL_X_FORWARD), common.uniform(ky, -0.3, 0.3), p.surface_z + p.size / 2,
  ])
  return {"start": object_goal.obj(robot, p), "target": target}


def make(embodiment):
  params = object_goal.TableBox("box", common.TABLE_X, common.table_surface(embodiment), mass=CUBE_MASS,
                                random_yaw=False)
  return object_goal.make(
    NAME, display_name(NAME), "hard", ("walking", "reaching"), embodiment, params,
    forbidden=FORBIDDEN_CONTACTS, add_objects=add_objects,
    reset_scene=reset_scene, reset_goal=reset_goal, goal_term=object_goal.object_to_goal,
    wrist_weight=5.0 if is_small(embodiment) else 1.0,
    error=object_goal.error_xyz, threshold=0.05, objects=("table_front", "table_back", "box"),
  )
