"""SkillBench's object models, built with MjSpec: tables, cube, package, walls, cabinet, ball.

Every builder adds bodies to a scene spec. Lengths are metres, masses kilograms; positions are in
the world frame (the robot starts at the origin facing +x). Shapes are boxes, spheres and
capsules only, whose collisions both backends support (MJX's jax implementation has no
cylinder-box collision). Fixed furniture uses the world's collision bits; movable objects use
the object bits, so they touch the robot, the floor, the furniture and each other.

Movable objects follow the scene's naming rule (`skillbench.robot.layout.OBJECT_PREFIX`): body, free
joint and site "obj_<name>", and a world-frame position sensor "obj_<name>_pos" (3,), so tasks
read them through sensors on every backend.
"""

from __future__ import annotations

import mujoco

from skillbench.robot.layout import OBJECT_PREFIX
from skillbench.robot.model import OBJECT_CONAFFINITY, OBJECT_CONTYPE, WORLD_CONAFFINITY, WORLD_CONTYPE

BOX = mujoco.mjtGeom.mjGEOM_BOX
SPHERE = mujoco.mjtGeom.mjGEOM_SPHERE
CAPSULE = mujoco.mjtGeom.mjGEOM_CAPSULE

WOOD = (0.55, 0.38, 0.22, 1.0)
WHITE = (0.85, 0.85, 0.85, 1.0)
CARDBOARD = (0.76, 0.6, 0.42, 1.0)
CUBE_RED = (0.8, 0.15, 0.15, 1.0)
BALL_WHITE = (0.95, 0.95, 0.95, 1.0)
CABINET_GREY = (0.45, 0.47, 0.5, 1.0)
DOOR_BLUE = (0.25, 0.4, 0.65, 1.0)


def _static_geom(body, name, size, pos, rgba, type_=BOX):
  return body.add_geom(
    name=name, type=type_, size=list(size), pos=list(pos), rgba=list(rgba),
    contype=WORLD_CONTYPE, conaffinity=WORLD_CONAFFINITY, condim=3,
  )


def _visual_geom(body, name, type_, size, rgba, pos=None, fromto=None):
  geom = body.add_geom(name=name, type=type_, size=list(size), rgba=list(rgba), contype=0, conaffinity=0)
  if fromto is not None:
    geom.fromto = list(fromto)
  elif pos is not None:
    geom.pos = list(pos)
  return geom


def position_sensor(spec, name: str):
  """A world-frame position sensor "obj_<name>_pos" on the site "obj_<name>"."""
  spec.add_sensor(name=f"{OBJECT_PREFIX}{name}_pos", type=mujoco.mjtSensor.mjSENS_FRAMEPOS,
                  objtype=mujoco.mjtObj.mjOBJ_SITE, objname=f"{OBJECT_PREFIX}{name}")


def table(spec, name: str, top_center, top_size=(0.9, 1.5, 0.05), leg_width: float = 0.05, rgba=WOOD):
  """A fixed table: a top of `top_size` (x, y, z full lengths) centred at `top_center`, four legs."""
  body = spec.worldbody.add_body(name=name, pos=list(top_center))
  half = [s / 2 for s in top_size]
  _static_geom(body, f"{name}_top", half, (0, 0, 0), rgba)
  leg_half_height = (top_center[2] - half[2]) / 2
  for i, (sx, sy) in enumerate(((1, 1), (1, -1), (-1, 1), (-1, -1))):
    pos = (sx * (half[0] - leg_width), sy * (half[1] - leg_width), -half[2] - leg_half_height)
    _static_geom(body, f"{name}_leg{i}", (leg_width / 2, leg_width / 2, leg_half_height), pos, rgba)
  return body


def free_box(spec, name: str, size, pos, mass: float, rgba, friction: float = 1.0):
  """A movable box of full lengths `size` at `pos`: body/joint/site "obj_<name>", sensor "obj_<name>_pos"."""
  body = spec.worldbody.add_body(name=f"{OBJECT_PREFIX}{name}", pos=list(pos))
  body.add_freejoint(name=f"{OBJECT_PREFIX}{name}")
  body.add_geom(
    name=f"{OBJECT_PREFIX}{name}", type=BOX, size=[s / 2 for s in size], mass=mass, rgba=list(rgba),
    contype=OBJECT_CONTYPE, conaffinity=OBJECT_CONAFFINITY, condim=3, friction=[friction, 0.005, 0.0001],
  )
  body.add_site(name=f"{OBJECT_PREFIX}{name}", size=[0.01] * 3)
  position_sensor(spec, name)
  return body


def ball(spec, name: str, radius: float, pos, mass: float, rgba=BALL_WHITE):
  """A movable ball: body/joint/site "obj_<name>", sensor "obj_<name>_pos"."""
  body = spec.worldbody.add_body(name=f"{OBJECT_PREFIX}{name}", pos=list(pos))
  body.add_freejoint(name=f"{OBJECT_PREFIX}{name}")
  body.add_geom(
    name=f"{OBJECT_PREFIX}{name}", type=SPHERE, size=[radius, 0, 0], mass=mass, rgba=list(rgba),
    contype=OBJECT_CONTYPE, conaffinity=OBJECT_CONAFFINITY, condim=3,
    # condim 3: sliding friction only. MuJoCo reads the torsional and rolling coefficients (0.005, 0.0001)
    # only at condim 4 and 6, so nothing slows a rolling ball but its contacts.
    friction=[0.8, 0.005, 0.0001],
  )
  body.add_site(name=f"{OBJECT_PREFIX}{name}", size=[0.01] * 3)
  position_sensor(spec, name)
  return body


def wall(spec, name: str, center, size, rgba=WHITE):
  """A fixed wall: a box of full lengths `size` centred at `center`."""
  body = spec.worldbody.add_body(name=name, pos=list(center))
  _static_geom(body, name, [s / 2 for s in size], (0, 0, 0), rgba)
  return body


def cabinet(spec, name: str, center, width: float = 0.65, depth: float = 0.41, height: float = 0.63,
            door_z: tuple[float, float] = (-0.235, 0.305), door_thickness: float = 0.013, door_mass: float = 1.0,
            hinge_damping: float = 5.0):
  """A two-door cabinet fixed in space, with nothing under it, whose carcass (full lengths `depth` x
  `width` x `height`, m) is centred at `center`, its doors facing -x. The defaults are the original's
  cabinet (PartNet-Mobility 45159 at its scale 0.5; docs/DECISIONS.md, "CabinetClose's cabinet").

  The doors cover the front face from `door_z[0]` to `door_z[1]` (m, from the centre) and hang on
  vertical hinges at its outer edges, opening towards -x (towards a robot in front of it) from 0
  (closed) to pi/2 rad; the hinges are undriven, with `hinge_damping` (N m s/rad). Joints
  "obj_<name>_door_left" / "_right" (y > 0 / y < 0) report their angles through the sensors of the
  same names (rad).
  """
  body = spec.worldbody.add_body(name=name, pos=list(center))
  _static_geom(body, f"{name}_carcass", (depth / 2, width / 2, height / 2), (0, 0, 0), CABINET_GREY)
  gap = 0.005
  front = -depth / 2 - gap - door_thickness / 2
  door_half = (door_thickness / 2, width / 4 - gap, (door_z[1] - door_z[0]) / 2 - gap)
  door_centre_z = (door_z[0] + door_z[1]) / 2
  for side, sign in (("left", 1.0), ("right", -1.0)):
    joint_name = f"{OBJECT_PREFIX}{name}_door_{side}"
    door = body.add_body(name=joint_name, pos=[front, sign * width / 2, 0])
    # Left door turns about -z and right about +z, so that a positive angle opens towards -x.
    door.add_joint(
      name=joint_name, type=mujoco.mjtJoint.mjJNT_HINGE, axis=[0, 0, -sign], range=[0, 1.5707963],
      limited=mujoco.mjtLimited.mjLIMITED_TRUE, damping=hinge_damping,
    )
    door.add_geom(
      name=joint_name, type=BOX, size=list(door_half), pos=[0, -sign * width / 4, door_centre_z], mass=door_mass,
      rgba=list(DOOR_BLUE), contype=OBJECT_CONTYPE, conaffinity=OBJECT_CONAFFINITY, condim=3,
    )
    _visual_geom(door, f"{joint_name}_handle", CAPSULE, (0.012,), WHITE,
                 fromto=(-0.03, -sign * (width / 2 - 0.06), door_centre_z - 0.08, -0.03, -sign * (width / 2 - 0.06),
                         door_centre_z + 0.08))
    spec.add_sensor(name=joint_name, type=mujoco.mjtSensor.mjSENS_JOINTPOS, objtype=mujoco.mjtObj.mjOBJ_JOINT,
                    objname=joint_name)
  return body

