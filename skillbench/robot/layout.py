"""Where each robot quantity sits in a compiled model's qpos, qvel and sensordata.

A `RobotLayout` is computed once per compiled model from the embodiment and the sensor names the
model builder gave (see `robot_model`), so that task logic can read any backend's arrays.
"""

from __future__ import annotations

import dataclasses

import mujoco
import numpy as np

from skillbench.robot import model as robot_model
from skillbench.robot.embodiment import SIDES, Embodiment

OBJECT_PREFIX = "obj_"  # names of task objects' bodies, joints and sensors start with this

_QPOS_SIZE = {mujoco.mjtJoint.mjJNT_FREE: 7, mujoco.mjtJoint.mjJNT_BALL: 4}
_QVEL_SIZE = {mujoco.mjtJoint.mjJNT_FREE: 6, mujoco.mjtJoint.mjJNT_BALL: 3}


def _names(count, accessor):
  return [accessor(i).name for i in range(count) if accessor(i).name.startswith(OBJECT_PREFIX)]


def _joint_slice(model: mujoco.MjModel, name: str, kind: str) -> np.ndarray:
  joint = model.joint(name)
  jtype = int(joint.type[0])
  if kind == "qpos":
    return np.arange(joint.qposadr[0], joint.qposadr[0] + _QPOS_SIZE.get(jtype, 1))
  return np.arange(joint.dofadr[0], joint.dofadr[0] + _QVEL_SIZE.get(jtype, 1))


def _sensor_slice(model: mujoco.MjModel, name: str) -> np.ndarray:
  sensor = model.sensor(name)
  return np.arange(sensor.adr[0], sensor.adr[0] + sensor.dim[0])


@dataclasses.dataclass(frozen=True, eq=False)
class RobotLayout:
  """Index arrays (numpy, static under jit) into qpos, qvel and sensordata.

  Attributes:
    root_qpos: the free joint's 7 qpos entries (position, then quaternion w x y z).
    root_qvel: the free joint's 6 qvel entries (world linear velocity, then local angular velocity).
    joint_qpos, joint_qvel: the policy joints, in policy order; joint_range (d, 2): their limits (rad).
    wrist_pos (2, 3), wrist_quat (2, 4), foot_pos (2, 3), foot_vel (2, 3), knee_pos (2, 3):
      sensordata indices, left then right. Feet are the sole centres; all in the world frame.
    foot_contact (2, 4, 4): per foot, per sole corner (`robot_model.sole_corners`): found, force
      (normal, tangent 1, 2).
    torque (d,): actuator force of each policy joint (N m).
    group_contact: contact group -> (n, 4) indices of its colliders' contact sensors.
    floor_geom: id of the floor geom; root_body: id of the root body.
    pos_stage_sensors: mask of the sensors that depend on positions only.
    objects: sensor name -> sensordata indices of every task-object sensor (names start with
      `OBJECT_PREFIX`; e.g. "obj_box_pos" (3,), world frame, or "obj_door_left" (1,), rad).
    object_qpos, object_qvel: object joint name -> its qpos / qvel indices (a free joint's 7 / 6).
    object_bodies: object body name -> body id.
  """

  root_qpos: np.ndarray
  root_qvel: np.ndarray
  joint_qpos: np.ndarray
  joint_qvel: np.ndarray
  joint_range: np.ndarray
  wrist_pos: np.ndarray
  wrist_quat: np.ndarray
  foot_pos: np.ndarray
  foot_vel: np.ndarray
  knee_pos: np.ndarray
  foot_contact: np.ndarray
  torque: np.ndarray
  group_contact: dict
  floor_geom: int
  root_body: int
  pos_stage_sensors: np.ndarray
  objects: dict = dataclasses.field(default_factory=dict)
  object_qpos: dict = dataclasses.field(default_factory=dict)
  object_qvel: dict = dataclasses.field(default_factory=dict)
  object_bodies: dict = dataclasses.field(default_factory=dict)

  @classmethod
  def build(cls, model: mujoco.MjModel, embodiment: Embodiment) -> RobotLayout:
    root = model.body(embodiment.root_body).id
    root_joint = model.body_jntadr[root]
    qadr, vadr = model.jnt_qposadr[root_joint], model.jnt_dofadr[root_joint]
    joints = [model.joint(j.name).id for j in embodiment.joints]
    per_side = lambda prefix: np.stack([_sensor_slice(model, f"{prefix}_{s}") for s in SIDES])

    slot = robot_model.CONTACT_SLOT_SIZE
    group_contact = {}
    for group, bodies in embodiment.body_groups.items():
      rows = [
        _sensor_slice(model, f"contact_{robot_model.collider_name(i, c.body)}")
        for i, c in enumerate(embodiment.colliders)
        if c.body in bodies and c.body not in embodiment.feet
      ]
      group_contact[group] = np.stack(rows) if rows else np.zeros((0, slot), int)

    pos_mask = np.zeros(model.nsensordata, bool)
    for i in range(model.nsensor):
      if model.sensor_needstage[i] == mujoco.mjtStage.mjSTAGE_POS:
        pos_mask[model.sensor_adr[i]:model.sensor_adr[i] + model.sensor_dim[i]] = True

    return cls(
      root_qpos=np.arange(qadr, qadr + 7),
      root_qvel=np.arange(vadr, vadr + 6),
      joint_qpos=model.jnt_qposadr[joints].copy(),
      joint_qvel=model.jnt_dofadr[joints].copy(),
      joint_range=np.where(
        model.jnt_limited[joints, None].astype(bool), model.jnt_range[joints], [[-np.inf, np.inf]]
      ).astype(np.float32),
      wrist_pos=per_side("wrist_pos"),
      wrist_quat=per_side("wrist_quat"),
      foot_pos=per_side("foot_pos"),
      foot_vel=per_side("foot_vel"),
      knee_pos=per_side("knee_pos"),
      foot_contact=np.stack([
        [_sensor_slice(model, f"foot_contact_{s}_{k}") for k in range(robot_model.SOLE_CORNERS)] for s in SIDES
      ]),
      torque=np.array([_sensor_slice(model, f"torque_{j.name}")[0] for j in embodiment.joints]),
      group_contact=group_contact,
      floor_geom=model.geom("floor").id,
      root_body=root,
      pos_stage_sensors=pos_mask,
      objects={
        model.sensor(i).name: _sensor_slice(model, model.sensor(i).name)
        for i in range(model.nsensor) if model.sensor(i).name.startswith(OBJECT_PREFIX)
      },
      object_qpos={n: _joint_slice(model, n, "qpos") for n in _names(model.njnt, model.joint)},
      object_qvel={n: _joint_slice(model, n, "qvel") for n in _names(model.njnt, model.joint)},
      object_bodies={n: model.body(n).id for n in _names(model.nbody, model.body)},
    )
