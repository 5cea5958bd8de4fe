"""Builds a robot's MuJoCo model from its embodiment, programmatically (MjSpec).

Starting from the unmodified upstream MJCF, the builder
- locks every hinge joint that is not a policy joint (the joint is deleted: its body is welded to
  the parent at angle 0);
- replaces the actuators with position servos, one per policy joint, running at physics rate:
  torque = kp (q* - q) - kd qdot, clipped to +-0.85 x effort (spec section 1);
- disables the upstream collision geoms and adds the embodiment's primitive colliders (no meshes,
  so the model runs under MJX), which collide with the world but not with each other; each foot's
  sole box is built as four spheres on its corners (see `sole_corners`);
- adds the sites and sensors through which every backend reports the same view of the robot:
  wrist, foot-sole and knee frames, foot velocities, contact forces per collider, and joint torques.
"""

from __future__ import annotations

import mujoco
import numpy as np

from skillbench.robot import model_files
from skillbench.robot.embodiment import SIDES, Embodiment

# Collision bits: robot colliders touch the world and objects, never each other.
ROBOT_CONTYPE, ROBOT_CONAFFINITY = 2, 1
WORLD_CONTYPE, WORLD_CONAFFINITY = 1, 2
OBJECT_CONTYPE, OBJECT_CONAFFINITY = 1, 3

COLLIDER_GROUP = 3  # hidden in renders by default
UPSTREAM_COLLISION_GROUP = 5  # the upstream model's (disabled) collision geoms
SOLE_CORNERS = 4  # spheres per sole, one contact sensor each

# Contact-sensor settings: report whether a contact was found and its force (contact frame:
# normal first); keep the contacts with the largest forces.
_CONTACT_DATA = 0b11  # found | force
_REDUCE_MAXFORCE = 2
_CONTACT_SLOT_SIZE = 4  # found (1) + force (3)

_SHAPES = {
  "capsule": mujoco.mjtGeom.mjGEOM_CAPSULE,
  "sphere": mujoco.mjtGeom.mjGEOM_SPHERE,
  "box": mujoco.mjtGeom.mjGEOM_BOX,
}


def collider_name(index: int, body: str) -> str:
  return f"collider{index}_{body}"


def robot_spec(embodiment: Embodiment, unitree_root=None, gain_scale: float = 1.0) -> mujoco.MjSpec:
  """The robot, ready to be placed in a scene: locked joints, servos, colliders, sensors.

  `gain_scale` multiplies every Kp, Kd and torque limit (1.0 is the spec; see `EnvConfig`).
  """
  spec = mujoco.MjSpec.from_file(str(model_files.robot_xml(embodiment, unitree_root)))
  spec.modelname = embodiment.name
  _check_bodies(spec, embodiment)
  _strip_upstream_extras(spec)
  _lock_joints(spec, embodiment)
  _add_servos(spec, embodiment, gain_scale)
  _add_colliders(spec, embodiment)
  _add_sensors(spec, embodiment)
  return spec


def _check_bodies(spec, embodiment):
  names = {b.name for b in spec.bodies}
  wanted = {embodiment.root_body, *embodiment.feet, *embodiment.knees}
  wanted |= {p.body for p in embodiment.wrists} | {c.body for c in embodiment.colliders}
  wanted |= {b for bodies in embodiment.body_groups.values() for b in bodies}
  missing = sorted(wanted - names)
  if missing:
    raise ValueError(f"{embodiment.name}: the model has no bodies {missing}")
  joints = {j.name for j in spec.joints}
  missing = sorted(set(embodiment.joint_names) - joints)
  if missing:
    raise ValueError(f"{embodiment.name}: the model has no joints {missing}")


def _strip_upstream_extras(spec):
  for element in [*spec.actuators, *spec.sensors, *spec.keys]:
    spec.delete(element)
  for geom in spec.geoms:
    if geom.contype or geom.conaffinity:
      geom.contype = geom.conaffinity = 0
      if geom.group >= COLLIDER_GROUP:  # a collision-only geom: keep it out of collider views
        geom.group = UPSTREAM_COLLISION_GROUP
  # Some upstream files put joint damping and friction on the free joint: the base would feel air drag.
  for joint in spec.joints:
    if joint.type == mujoco.mjtJoint.mjJNT_FREE:
      joint.damping = np.zeros_like(joint.damping) if np.ndim(joint.damping) else 0.0
      joint.frictionloss = 0.0
      joint.armature = 0.0


def _lock_joints(spec, embodiment):
  keep = set(embodiment.joint_names)
  for joint in list(spec.joints):
    if joint.type != mujoco.mjtJoint.mjJNT_FREE and joint.name not in keep:
      spec.delete(joint)


def _add_servos(spec, embodiment, gain_scale):
  if gain_scale < 0:
    raise ValueError(f"gain_scale must be >= 0, got {gain_scale}")
  for joint, limit in zip(embodiment.joints, embodiment.torque_limits):
    act = spec.add_actuator(name=joint.name, target=joint.name, trntype=mujoco.mjtTrn.mjTRN_JOINT)
    act.set_to_position(kp=joint.kp * gain_scale, kv=joint.kd * gain_scale)
    act.ctrllimited = mujoco.mjtLimited.mjLIMITED_FALSE
    if gain_scale > 0:  # with zero gains the servo is off: nothing to clip
      act.forcelimited = mujoco.mjtLimited.mjLIMITED_TRUE
      act.forcerange = [-limit * gain_scale, limit * gain_scale]


def sole_corner_name(index: int, body: str, corner: int) -> str:
  return f"{collider_name(index, body)}_corner{corner}"


def sole_corners(sole) -> tuple[np.ndarray, float]:
  """The four spheres that stand in for a foot's sole box: centres (4, 3) in the foot frame (m), radius (m).

  The spheres sit on the box's vertical edges at mid-height, with the box's half-height as radius, so
  that on flat ground they touch it where the box's bottom corners would. Native MuJoCo finds every
  penetrating corner of a box on a plane, but MJX keeps only the corners within 1 mm of the deepest:
  a sole tilted by a fraction of a degree stood on two corners in MJX and four natively. Sphere-plane
  contacts are computed the same way on both backends.
  """
  (x, y, z), (sx, sy, sz) = sole.pos, sole.size
  centres = np.array([[x + dx, y + dy, z] for dx in (sx, -sx) for dy in (sy, -sy)])
  return centres, float(sz)


def _collider_geom(body, name, shape):
  return body.add_geom(
    name=name,
    type=shape,
    contype=ROBOT_CONTYPE,
    conaffinity=ROBOT_CONAFFINITY,
    condim=3,
    group=COLLIDER_GROUP,
    density=0.0,
    rgba=[0.2, 0.6, 0.2, 0.4],
  )


def _add_colliders(spec, embodiment):
  soles = {foot_collider_index(embodiment, side) for side in SIDES}
  for i, c in enumerate(embodiment.colliders):
    body = spec.body(c.body)
    if i in soles:
      centres, radius = sole_corners(c)
      for k, centre in enumerate(centres):
        geom = _collider_geom(body, sole_corner_name(i, c.body, k), mujoco.mjtGeom.mjGEOM_SPHERE)
        geom.size = [radius, 0.0, 0.0]
        geom.pos = list(centre)
      continue
    geom = _collider_geom(body, collider_name(i, c.body), _SHAPES[c.shape])
    geom.size = list(c.size) + [0.0] * (3 - len(c.size))
    if c.fromto is not None:
      geom.fromto = list(c.fromto)
    else:
      geom.pos = list(c.pos)


def foot_collider_index(embodiment: Embodiment, side: str) -> int:
  foot = embodiment.feet[SIDES.index(side)]
  boxes = [i for i, c in enumerate(embodiment.colliders) if c.body == foot and c.shape == "box"]
  if len(boxes) != 1:
    raise ValueError(f"{embodiment.name}: foot {foot!r} needs exactly one box collider")
  return boxes[0]


def _add_sensors(spec, embodiment):
  site = mujoco.mjtObj.mjOBJ_SITE
  for side, wrist, foot, knee in zip(SIDES, embodiment.wrists, embodiment.feet, embodiment.knees):
    spec.body(wrist.body).add_site(name=f"wrist_{side}", pos=list(wrist.offset), size=[0.01] * 3)
    sole = embodiment.colliders[foot_collider_index(embodiment, side)]
    sole_pos = [sole.pos[0], sole.pos[1], sole.pos[2] - sole.size[2]]
    spec.body(foot).add_site(name=f"sole_{side}", pos=sole_pos, size=[0.01] * 3)
    spec.body(knee).add_site(name=f"knee_{side}", size=[0.01] * 3)

    spec.add_sensor(name=f"wrist_pos_{side}", type=mujoco.mjtSensor.mjSENS_FRAMEPOS, objtype=site, objname=f"wrist_{side}")
    spec.add_sensor(name=f"wrist_quat_{side}", type=mujoco.mjtSensor.mjSENS_FRAMEQUAT, objtype=site, objname=f"wrist_{side}")
    spec.add_sensor(name=f"foot_pos_{side}", type=mujoco.mjtSensor.mjSENS_FRAMEPOS, objtype=site, objname=f"sole_{side}")
    spec.add_sensor(name=f"foot_vel_{side}", type=mujoco.mjtSensor.mjSENS_FRAMELINVEL, objtype=site, objname=f"sole_{side}")
    spec.add_sensor(name=f"knee_pos_{side}", type=mujoco.mjtSensor.mjSENS_FRAMEPOS, objtype=site, objname=f"knee_{side}")

  # One single-slot contact sensor per collider geom (MJX's contact sensors match geoms only).
  feet = {foot_collider_index(embodiment, side): side for side in SIDES}
  for i, c in enumerate(embodiment.colliders):
    if i in feet:
      for k in range(SOLE_CORNERS):
        _add_contact_sensor(spec, f"foot_contact_{feet[i]}_{k}", sole_corner_name(i, c.body, k))
    else:
      _add_contact_sensor(spec, f"contact_{collider_name(i, c.body)}", collider_name(i, c.body))
  for joint in embodiment.joints:
    spec.add_sensor(
      name=f"torque_{joint.name}",
      type=mujoco.mjtSensor.mjSENS_ACTUATORFRC,
      objtype=mujoco.mjtObj.mjOBJ_ACTUATOR,
      objname=joint.name,
    )


def _add_contact_sensor(spec, name, geom):
  spec.add_sensor(
    name=name,
    type=mujoco.mjtSensor.mjSENS_CONTACT,
    objtype=mujoco.mjtObj.mjOBJ_GEOM,
    objname=geom,
    intprm=[_CONTACT_DATA, _REDUCE_MAXFORCE, 1],
    dim=_CONTACT_SLOT_SIZE,
  )


CONTACT_SLOT_SIZE = _CONTACT_SLOT_SIZE
