"""Small rotation helpers in JAX. Quaternions are MuJoCo's (w, x, y, z)."""

import jax.numpy as jnp


def quat_rotate(q, v):
  """Rotates vector v (..., 3) by unit quaternion q (..., 4): body frame -> world frame."""
  w, xyz = q[..., :1], q[..., 1:]
  t = 2.0 * jnp.cross(xyz, v)
  return v + w * t + jnp.cross(xyz, t)


def quat_rotate_inverse(q, v):
  """Rotates world vector v (..., 3) into the frame of unit quaternion q (..., 4)."""
  conj = jnp.concatenate([q[..., :1], -q[..., 1:]], axis=-1)
  return quat_rotate(conj, v)


def euler_xyz(q):
  """Roll, pitch, yaw (rad) of quaternion q (..., 4), extrinsic x-y-z as Isaac Gym's get_euler_xyz."""
  w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
  roll = jnp.arctan2(2.0 * (w * x + y * z), 1.0 - 2.0 * (x * x + y * y))
  pitch = jnp.arcsin(jnp.clip(2.0 * (w * y - z * x), -1.0, 1.0))
  yaw = jnp.arctan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))
  return jnp.stack([roll, pitch, yaw], axis=-1)


def wrap_angle(a):
  """Angle (rad) wrapped to [-pi, pi)."""
  return (a + jnp.pi) % (2.0 * jnp.pi) - jnp.pi


def yaw_quat(yaw):
  """Unit quaternion of a rotation by `yaw` (rad) about the world z axis."""
  return jnp.stack([jnp.cos(yaw / 2), jnp.zeros_like(yaw), jnp.zeros_like(yaw), jnp.sin(yaw / 2)], axis=-1)
