"""Feasibility metrics on hand-computed cases (spec section 6 and our additions)."""

import types

import jax.numpy as jnp
import numpy as np

from skillbench import mathx
from skillbench.envs import metrics


def fake_robot(**fields):
  """A stand-in for RobotState with only the fields a metric reads."""
  return types.SimpleNamespace(**{k: jnp.asarray(v, jnp.float32) for k, v in fields.items()})


def quat_from_rpy(roll, pitch, yaw):
  """w, x, y, z of R = Rz(yaw) Ry(pitch) Rx(roll)."""
  cr, sr, cp, sp, cy, sy = (np.cos(roll / 2), np.sin(roll / 2), np.cos(pitch / 2), np.sin(pitch / 2),
                            np.cos(yaw / 2), np.sin(yaw / 2))
  return np.array([cr * cp * cy + sr * sp * sy, sr * cp * cy - cr * sp * sy, cr * sp * cy + sr * cp * sy,
                   cr * cp * sy - sr * sp * cy])


def test_power_is_the_mean_of_the_product_not_the_product_of_means():
  robot = fake_robot(torque=[1.0, -2.0], qd=[3.0, 4.0])
  np.testing.assert_allclose(metrics.power(robot), (3.0 + 8.0) / 2)  # the product of means would be 1.75


def test_tilt_of_a_known_rotation():
  euler = mathx.euler_xyz(jnp.asarray(quat_from_rpy(0.2, -0.1, 1.3), jnp.float32))
  np.testing.assert_allclose(euler, [0.2, -0.1, 1.3], atol=1e-5)
  np.testing.assert_allclose(metrics.tilt(fake_robot(euler=euler)), 0.15, atol=1e-5)


def test_foot_slip_counts_only_feet_in_contact():
  robot = fake_robot(foot_vel=[[3.0, 4.0, 9.0], [1.0, 0.0, 0.0]], foot_contact=[True, False])
  np.testing.assert_allclose(metrics.foot_slip(robot), 5.0)  # horizontal speed of the left foot
  airborne = fake_robot(foot_vel=[[3.0, 4.0, 0.0], [1.0, 0.0, 0.0]], foot_contact=[False, False])
  assert float(metrics.foot_slip(airborne)) == 0.0


def test_action_jerk_of_a_cubic():
  dt, scale = 0.02, 0.25
  t = np.arange(4)[::-1] * dt  # newest first: t, t-1, t-2, t-3
  actions = np.stack([np.full(3, 7.0 * s**3) for s in t])  # a(t) = 7 t^3: third derivative 42
  np.testing.assert_allclose(metrics.action_jerk(jnp.asarray(actions), scale, dt), 42.0 * scale, rtol=1e-4)


def test_limit_fractions_and_the_spec_metrics_of_one_step():
  robot = fake_robot(
    torque=[10.0, -34.0], qd=[1.0, 0.0], q=[0.0, 1.995], euler=[0.1, 0.3, 2.0], base_pos=[0.0, 0.0, 0.9],
    foot_vel=np.zeros((2, 3)), foot_contact=[True, True],
  )
  out = metrics.feasibility(robot, jnp.zeros((4, 2)), np.array([100.0, 34.0]), np.array([[-1.0, 1.0], [-2.0, 2.0]]),
                            0.25, 0.02)
  assert float(out["torque_limit"]) == 1.0  # the second joint is at its limit
  assert float(out["joint_limit"]) == 1.0  # and within 0.01 rad of its range's end
  np.testing.assert_allclose([out["tilt"], out["height"], out["torque"], out["power"]], [0.2, 0.9, 22.0, 5.0])
