"""PackageLift (medium; reach + squat): lift a tall package off the floor (spec section 5).

The package is the original's `create_box(sim, 0.5, 0.1, 1.0)`, not rotated (`h1_task_lift.py`):
0.5 m along x, 0.1 m along y and 1.0 m tall (G1-sized robots 0.7), mass U(0.1, 2.0)
kg, standing on the floor at x 1.0 - U(0.3, 0.5), y U(-0.05, 0.05); friction 2, not the original's 5
(since 0.3.1: `common.PACKAGE_FRICTION`). Both wrists' target is its
centre, as in the original's `wrist_box_distance`; the wrists come closest to it on its 0.5 x
1.0 m side faces (y = +-0.05 m). The goal lifts it by U(0.3, 0.6) m (G1-sized U(0.2, 0.4)).
Rewards: package height 5; wrists to package 5 (G1, H1-2 10). Error: abs z error (m), success
below 0.1 m.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp

from assets import objects
from primitives.common import is_small
from skillbench.catalog import task_display_name as display_name
from tasks import common, object_goal

NAME = "package_lift"
FORBIDDEN_CONTACTS = ("pelvis", "torso", "hips", "knees")  # end an episode (spec section 2)
X_BACK = (0.3, 0.5)  # the package's x = 1.0 - U(X_BACK) (m)
Y_RANGE = (-0.05, 0.05)
MASS_RANGE = (0.1, 2.0)  # kg


@dataclasses.dataclass(frozen=True)
class PackageParams:
  object: str
  height: float  # m
  lift: tuple[float, float]  # m


def add_package(spec, embodiment):
  height = common.sizes(embodiment).package_height
  objects.free_box(spec, "package", (*common.PACKAGE_SIZE_XY, height), (0.6, 0.0, height / 2), 1.0,
                   objects.CARDBOARD, friction=common.PACKAGE_FRICTION)


def add_objects(spec, embodiment):
  add_package(spec, embodiment)


def reset_scene(key, qpos, body_mass, layout, p):
  """The package upright on the floor at a random place, with a random mass."""
  kx, ky, km = jax.random.split(key, 3)
  pos = jnp.array([common.TABLE_X - common.uniform(kx, *X_BACK), common.uniform(ky, *Y_RANGE), p.height / 2])
  qpos = common.place_free_body(qpos, layout, p.object, pos)
  return qpos, common.set_mass(body_mass, layout, p.object, common.uniform(km, *MASS_RANGE))


def reset_goal(key, robot, p):
  start = object_goal.obj(robot, p)
  return {"start": start, "target": start + jnp.array([0.0, 0.0, 1.0]) * common.uniform(key, *p.lift)}


def params(embodiment) -> PackageParams:
  s = common.sizes(embodiment)
  return PackageParams("package", s.package_height, s.lift)


def wrist_weight(embodiment) -> float:
  """The wrists-to-package reward's weight: the G1's 10 for G1-sized robots, the H1's 5 for the others,
  unless the robot sets its own (`Embodiment.task_overrides`)."""
  return embodiment.task_overrides.get(NAME, {}).get("wrist_weight", 10.0 if is_small(embodiment) else 5.0)


def make(embodiment):
  p = params(embodiment)
  return object_goal.make(
    NAME, display_name(NAME), "medium", ("reaching", "squatting"), embodiment, p,
    forbidden=FORBIDDEN_CONTACTS, add_objects=add_objects,
    reset_scene=reset_scene, reset_goal=reset_goal, goal_term=object_goal.object_height,
    wrist_weight=wrist_weight(embodiment),
    error=object_goal.error_z, threshold=0.1, objects=("package",),
  )
