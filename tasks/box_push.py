"""BoxPush (medium; walk + reach): push a cube across a table to a goal (spec section 5).

Table 0.9 x 1.5 x 0.05 m, top centre (1.0, 0, 0.975) (G1-sized robots 0.7). A 0.1 m cube of 1 kg
starts at x = 1.0 - U(0.35, 0.45), y U(-0.3, 0.3), random yaw, on the table; the goal is the
cube's start + (U(0, 0.1), U(-0.5, 0.5), 0). Error: mean abs xyz of cube vs goal (m), success
below 0.05 m.
"""

from __future__ import annotations

from assets import objects
from skillbench.catalog import task_display_name as display_name
from tasks import common, object_goal

NAME = "box_push"
FORBIDDEN_CONTACTS = ("pelvis", "torso", "shoulders")  # end an episode (spec section 2)
# G1's original also ends a BoxPush episode on the hips and knees (`g1_task_box_config.py`).
FORBIDDEN_CONTACTS_SMALL = FORBIDDEN_CONTACTS + ("hips", "knees")
GOAL_OFFSET_LOW, GOAL_OFFSET_HIGH = (0.0, -0.5, 0.0), (0.1, 0.5, 0.0)


def add_objects(spec, embodiment):
  top = common.sizes(embodiment).table_top_z
  objects.table(spec, "table", (common.TABLE_X, 0.0, top), common.TABLE_SIZE)
  objects.free_box(spec, "box", (common.CUBE_SIZE,) * 3, (common.TABLE_X - 0.4, 0.0, top + 0.1), 1.0,
                   objects.CUBE_RED)


def reset_scene(key, qpos, body_mass, layout, p):
  return object_goal.place_cube_on_table(key, qpos, layout, p), body_mass


def reset_goal(key, robot, p):
  start = object_goal.obj(robot, p)
  return {"start": start, "target": start + common.uniform(key, GOAL_OFFSET_LOW, GOAL_OFFSET_HIGH, (3,))}


def make(embodiment):
  params = object_goal.TableBox("box", common.TABLE_X, common.table_surface(embodiment))
  return object_goal.make(
    NAME, display_name(NAME), "medium", ("walking", "reaching"), embodiment, params,
    forbidden=FORBIDDEN_CONTACTS, forbidden_small=FORBIDDEN_CONTACTS_SMALL, add_objects=add_objects,
    reset_scene=reset_scene, reset_goal=reset_goal, goal_term=object_goal.object_to_goal, wrist_weight=5.0,
    error=object_goal.error_xyz, threshold=0.05, objects=("table", "box"),
  )
