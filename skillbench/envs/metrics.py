"""Feasibility metrics, one implementation for training logs and evaluation.

Per control step, for one environment (evaluation averages them over a rollout, then over
rollouts):

  tilt          mean of |roll| and |pitch| of the root (rad)                    [spec section 6]
  height        root height above the floor (m)                                  [spec section 6]
  torque        mean |joint torque| over the policy joints (N m)                 [spec section 6]
  power         mean |joint torque x joint velocity| over the joints (W): the mean of the
                product, as the paper defines it                                  [spec section 6]
  torque_limit  1 when any joint's torque is at its limit (>= 99 % of 0.85 x effort), else 0
  joint_limit   1 when any joint is within 0.01 rad of an end of its range, else 0
  foot_slip     mean horizontal speed (m/s) of the feet that are in contact, 0 when none is
  action_jerk   mean |third difference of the PD target| / dt^3 over joints (rad/s^3)

The last four are not in the original benchmark: a policy can match the paper's Tilt, h, tau and
P while banging against its torque or joint limits, skating, or chattering.

Gait (per step, the raw signal a skill evaluation turns into `airborne` and `touchdowns_per_s`):

  left_foot_contact, right_foot_contact  1 when the foot's normal contact force is above
                                         `robot_state.FOOT_CONTACT_FORCE`, else 0
"""

from __future__ import annotations

import jax.numpy as jnp

from skillbench.robot.state import RobotState

FEASIBILITY = ("tilt", "height", "torque", "power", "torque_limit", "joint_limit", "foot_slip", "action_jerk")
UNITS = {
  "tilt": "rad", "height": "m", "torque": "N m", "power": "W", "torque_limit": "fraction of steps",
  "joint_limit": "fraction of steps", "foot_slip": "m/s", "action_jerk": "rad/s^3",
}
GAIT = ("left_foot_contact", "right_foot_contact")
TORQUE_LIMIT_SHARE = 0.99
JOINT_LIMIT_MARGIN = 0.01  # rad


def tilt(robot: RobotState):
  return jnp.mean(jnp.abs(robot.euler[:2]))


def power(robot: RobotState):
  return jnp.mean(jnp.abs(robot.torque * robot.qd))


def foot_slip(robot: RobotState):
  speed = jnp.linalg.norm(robot.foot_vel[:, :2], axis=-1)
  in_contact = robot.foot_contact.astype(jnp.float32)
  return jnp.sum(speed * in_contact) / jnp.maximum(jnp.sum(in_contact), 1.0)


def action_jerk(actions, action_scale: float, dt: float):
  """actions: (4, d) applied actions at t, t-1, t-2, t-3."""
  third = actions[0] - 3.0 * actions[1] + 3.0 * actions[2] - actions[3]
  return jnp.mean(jnp.abs(third)) * action_scale / dt**3


def feasibility(robot: RobotState, actions, torque_limits, joint_ranges, action_scale: float, dt: float) -> dict:
  """Every feasibility metric of one step. torque_limits (d,) N m; joint_ranges (d, 2) rad."""
  at_torque_limit = jnp.abs(robot.torque) >= TORQUE_LIMIT_SHARE * torque_limits
  near_joint_limit = (robot.q <= joint_ranges[:, 0] + JOINT_LIMIT_MARGIN) | (robot.q >= joint_ranges[:, 1] - JOINT_LIMIT_MARGIN)
  return {
    "tilt": tilt(robot),
    "height": robot.base_pos[2],
    "torque": jnp.mean(jnp.abs(robot.torque)),
    "power": power(robot),
    "torque_limit": jnp.any(at_torque_limit).astype(jnp.float32),
    "joint_limit": jnp.any(near_joint_limit).astype(jnp.float32),
    "foot_slip": foot_slip(robot),
    "action_jerk": action_jerk(actions, action_scale, dt),
  }


def foot_contacts(robot: RobotState) -> dict:
  """Each foot's contact flag (0 or 1), left then right: the gait metrics of one step."""
  return {name: robot.foot_contact[i].astype(jnp.float32) for i, name in enumerate(GAIT)}
