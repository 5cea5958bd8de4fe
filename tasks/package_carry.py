"""PackageCarry (hard; walk + reach + squat): lift the package and carry it to a goal in the air.

The package as in PackageLift; the goal is its start + (U(0.3, 1.0), U(-0.3, 0.3), U(0.3, 0.6))
(G1-sized robots z U(0.2, 0.4)). Rewards: package to goal 5; wrists to package 5 (G1 10).
Error: mean abs xyz (m), success below 0.1 m (spec section 5).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from primitives.common import is_small
from skillbench.catalog import task_display_name as display_name
from tasks import common, object_goal, package_lift

NAME = "package_carry"
FORBIDDEN_CONTACTS = ("pelvis", "torso", "hips", "knees")  # end an episode (spec section 2)
GOAL_XY_LOW, GOAL_XY_HIGH = (0.3, -0.3), (1.0, 0.3)


def add_objects(spec, embodiment):
  package_lift.add_package(spec, embodiment)


def reset_goal(key, robot, p):
  kxy, kz = jax.random.split(key)
  start = object_goal.obj(robot, p)
  offset = jnp.concatenate([common.uniform(kxy, GOAL_XY_LOW, GOAL_XY_HIGH, (2,)), common.uniform(kz, *p.lift, (1,))])
  return {"start": start, "target": start + offset}


def make(embodiment):
  p = package_lift.params(embodiment)
  return object_goal.make(
    NAME, display_name(NAME), "hard", ("walking", "reaching", "squatting"), embodiment, p,
    forbidden=FORBIDDEN_CONTACTS, add_objects=add_objects,
    reset_scene=package_lift.reset_scene, reset_goal=reset_goal, goal_term=object_goal.object_to_goal,
    wrist_weight=10.0 if is_small(embodiment) else 5.0,
    error=object_goal.error_xyz, threshold=0.1, objects=("package",),
  )
