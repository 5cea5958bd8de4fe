"""Reward terms shared by skills and tasks, and the weighted sum (spec section 2).

Each term is a small pure function of a `StepContext` returning an unweighted scalar; skills list
their terms with a weight table. Terms follow humanoid-gym / SkillBlender's definitions. Terms
with parameters take them as keyword arguments (bind them with `functools.partial`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import jax.numpy as jnp

from skillbench.envs.skill import StepContext


def weighted_sum(terms: Mapping[str, Callable], weights: Mapping[str, float], c: StepContext, dt: float,
                 shaping: tuple[str, ...] = ()):
  """(total, contributions): total = max(0, dt x sum(weight x term)) over the terms not in `shaping`,
  plus dt x weight x term of each `shaping` term, added after the clip (a clip would let an agent
  collect a potential-based term's gains while its losses vanish); contributions per term."""
  contributions = {
    name: jnp.asarray(weights[name] * terms[name](c) * dt, jnp.float32) for name in weights
  }
  clipped = sum(v for k, v in contributions.items() if k not in shaping)
  unclipped = sum(v for k, v in contributions.items() if k in shaping)
  return jnp.maximum(clipped, 0.0) + unclipped, contributions


def exp_mean_abs(diff, k: float = 4.0):
  """exp(-k mean|diff|): 1 when the difference is zero (the spec's task-term shape)."""
  return jnp.exp(-k * jnp.mean(jnp.abs(diff)))


# ----------------------------------------------------------------------------- posture
def orientation(c: StepContext):
  """Base kept level: mean of exp(-10 (|roll| + |pitch|)) and exp(-20 |gravity_xy|)."""
  r = c.robot
  euler_term = jnp.exp(-10.0 * jnp.sum(jnp.abs(r.euler[:2])))
  gravity_term = jnp.exp(-20.0 * jnp.linalg.norm(r.projected_gravity[:2]))
  return 0.5 * (euler_term + gravity_term)


def upper_body_pos(c: StepContext):
  """Torso and arm joints near their default angles."""
  idx = c.consts.upper_body
  return exp_mean_abs(c.robot.q[idx] - c.consts.default_pose[idx])


def torso_pos(c: StepContext):
  """Torso (waist yaw) joint near its default angle."""
  idx = c.consts.torso
  return exp_mean_abs(c.robot.q[idx] - c.consts.default_pose[idx])


def default_joint_pos(c: StepContext):
  """Hip yaw and roll near default (humanoid-gym's `default_joint_pos`).

  exp(-100 max(sum over sides of |(yaw, roll) - default| - 0.1, 0)) - 0.01 |q - default| (rad):
  hip pitch and knees enter only through the small last part, so the legs may crouch.
  """
  diff = c.robot.q - c.consts.default_pose
  yaw_roll = jnp.sum(jnp.linalg.norm(diff[c.consts.hip_yaw_roll], axis=-1))
  yaw_roll = jnp.clip(yaw_roll - 0.1, 0.0, 50.0)
  return jnp.exp(-100.0 * yaw_roll) - 0.01 * jnp.linalg.norm(diff)


def _band(distance, low, high):
  below = jnp.clip(distance - low, -0.5, 0.0)
  above = jnp.clip(distance - high, 0.0, 0.5)
  return 0.5 * (jnp.exp(-100.0 * jnp.abs(below)) + jnp.exp(-100.0 * jnp.abs(above)))


def feet_distance(c: StepContext, band: tuple[float, float]):
  """Horizontal distance between the feet kept within `band` (m)."""
  d = jnp.linalg.norm(c.robot.foot_pos[0, :2] - c.robot.foot_pos[1, :2])
  return _band(d, *band)


def knee_distance(c: StepContext, band: tuple[float, float]):
  """Horizontal distance between the knees kept within `band` (m)."""
  d = jnp.linalg.norm(c.robot.knee_pos[0, :2] - c.robot.knee_pos[1, :2])
  return _band(d, *band)


# ------------------------------------------------------------------------ smoothness
def torques(c: StepContext):
  return jnp.sum(jnp.square(c.robot.torque))


SOFT_TORQUE_LIMIT = 0.9  # legged_gym's `soft_torque_limit`: the share of a joint's limit a torque may use freely


def torque_limits(c: StepContext):
  """legged_gym's `torque_limits`, per unit of each joint's limit: sum over joints of how far |torque|
  exceeds SOFT_TORQUE_LIMIT of its limit (0 while every joint stays below; 0.1 per saturated joint)."""
  return jnp.sum(jnp.maximum(jnp.abs(c.robot.torque) / c.consts.torque_limits - SOFT_TORQUE_LIMIT, 0.0))


def dof_vel(c: StepContext):
  return jnp.sum(jnp.square(c.robot.qd))


def dof_acc(c: StepContext):
  return jnp.sum(jnp.square((c.last_qd - c.robot.qd) / c.consts.dt))


def action_smoothness(c: StepContext):
  """First and second differences of the applied action, plus a small magnitude penalty."""
  first = jnp.sum(jnp.square(c.last_action - c.action))
  second = jnp.sum(jnp.square(c.action + c.last_last_action - 2.0 * c.last_action))
  return first + second + 0.05 * jnp.sum(jnp.abs(c.action))


def base_acc(c: StepContext):
  """Small change of base velocity over the step."""
  r = c.robot
  now = jnp.concatenate([r.base_lin_vel_world, r.base_ang_vel])
  return jnp.exp(-3.0 * jnp.linalg.norm(c.last_base_vel - now))


def vel_mismatch(c: StepContext):
  """Little vertical velocity and roll/pitch rate."""
  r = c.robot
  lin = jnp.exp(-10.0 * jnp.square(r.base_lin_vel[2]))
  ang = jnp.exp(-5.0 * jnp.linalg.norm(r.base_ang_vel[:2]))
  return 0.5 * (lin + ang)


# --------------------------------------------------------------------------- contacts
def collision(c: StepContext, groups: tuple[str, ...]):
  """Number of the named contact groups touching anything (force > 0.1 N)."""
  return sum((c.robot.group_force[g] > 0.1).astype(jnp.float32) for g in groups)


def feet_contact_forces(c: StepContext, max_force: float):
  """Foot normal force above `max_force` (N), each foot's excess capped at 400 N."""
  return jnp.sum(jnp.clip(c.robot.foot_force - max_force, 0.0, 400.0))


def foot_slip(c: StepContext):
  """sqrt of the horizontal speed of each foot in contact."""
  speed = jnp.linalg.norm(c.robot.foot_vel[:, :2], axis=-1)
  return jnp.sum(jnp.sqrt(speed + 1e-8) * c.robot.foot_contact)
