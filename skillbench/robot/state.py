"""The backend-neutral view of the simulator and the robot quantities derived from it.

Every backend reports the same `SimView` (qpos, qvel, sensordata of one compiled model); skills,
tasks and metrics read the robot only through `RobotState.read(view, layout)`.
"""

from __future__ import annotations

import flax.struct
import jax
import jax.numpy as jnp

from skillbench import mathx
from skillbench.robot.layout import RobotLayout

# A foot is in contact when its normal contact force exceeds this (N), as in humanoid-gym.
FOOT_CONTACT_FORCE = 5.0


@flax.struct.dataclass
class SimView:
  """What a backend reports after a step: the model's qpos, qvel and sensordata."""

  qpos: jax.Array
  qvel: jax.Array
  sensordata: jax.Array


@flax.struct.dataclass
class RobotState:
  """Robot quantities in SI units. "base" is the root body; world frame unless noted.

  q, qd: policy-joint angles (rad) and velocities (rad/s); torque: their actuator torques (N m).
  base_pos (3), base_quat (4, w x y z); base_lin_vel, base_ang_vel: in the base frame.
  base_lin_vel_world: in the world frame. euler: roll, pitch, yaw (rad).
  projected_gravity: the unit gravity vector in the base frame.
  wrist_pos (2, 3), wrist_quat (2, 4), foot_pos (2, 3) (sole centres), foot_vel (2, 3),
  knee_pos (2, 3): left then right.
  foot_force (2,): total normal contact force on each foot (N); foot_contact (2,): above 5 N.
  group_force: contact group -> largest contact force on any of its colliders (N).
  objects: task-object sensor name -> reading (`RobotLayout.objects`; empty without objects).
  """

  q: jax.Array
  qd: jax.Array
  torque: jax.Array
  base_pos: jax.Array
  base_quat: jax.Array
  base_lin_vel: jax.Array
  base_lin_vel_world: jax.Array
  base_ang_vel: jax.Array
  euler: jax.Array
  projected_gravity: jax.Array
  wrist_pos: jax.Array
  wrist_quat: jax.Array
  foot_pos: jax.Array
  foot_vel: jax.Array
  foot_force: jax.Array
  foot_contact: jax.Array
  knee_pos: jax.Array
  group_force: dict
  objects: dict

  @classmethod
  def read(cls, view: SimView, layout: RobotLayout) -> RobotState:
    s = view.sensordata
    root_q = view.qpos[layout.root_qpos]
    root_v = view.qvel[layout.root_qvel]
    quat = root_q[3:] / jnp.linalg.norm(root_q[3:])
    lin_vel_world = root_v[:3]
    foot_slots = s[layout.foot_contact]  # (2, slots, 4): found, normal, tangents
    foot_force = jnp.sum(jnp.abs(foot_slots[..., 1]), axis=-1)
    group_force = {
      g: (jnp.max(jnp.linalg.norm(s[idx][:, 1:], axis=-1)) if idx.shape[0] else jnp.zeros(()))
      for g, idx in layout.group_contact.items()
    }
    return cls(
      q=view.qpos[layout.joint_qpos],
      qd=view.qvel[layout.joint_qvel],
      torque=s[layout.torque],
      base_pos=root_q[:3],
      base_quat=quat,
      base_lin_vel=mathx.quat_rotate_inverse(quat, lin_vel_world),
      base_lin_vel_world=lin_vel_world,
      base_ang_vel=root_v[3:],
      euler=mathx.euler_xyz(quat),
      projected_gravity=mathx.quat_rotate_inverse(quat, jnp.array([0.0, 0.0, -1.0])),
      wrist_pos=s[layout.wrist_pos],
      wrist_quat=s[layout.wrist_quat],
      foot_pos=s[layout.foot_pos],
      foot_vel=s[layout.foot_vel],
      foot_force=foot_force,
      foot_contact=foot_force > FOOT_CONTACT_FORCE,
      knee_pos=s[layout.knee_pos],
      group_force=group_force,
      objects={name: s[idx] for name, idx in layout.objects.items()},
    )

  def max_group_force(self, groups) -> jax.Array:
    """Largest contact force (N) on any collider of the named groups."""
    return jnp.max(jnp.stack([self.group_force[g] for g in groups])) if groups else jnp.zeros(())
