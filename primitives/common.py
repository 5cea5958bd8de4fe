"""Numbers and helpers the four primitive skills share (spec sections 2-3)."""

import jax
import jax.numpy as jnp

from skillbench.envs import rewards

EPISODE_SECONDS = 24.0
RESAMPLE_SECONDS = 1.0

# Contact groups whose contact ends an episode, and the ones added when the robot has them (G1).
FORBIDDEN_UPPER = ("pelvis", "torso", "shoulders", "elbows")
FORBIDDEN_LOWER = FORBIDDEN_UPPER + ("hips", "knees")

# Regularisation terms every primitive skill has (each sets its own weights).
REGULARISATION_TERMS = {
  "orientation": rewards.orientation,
  "torques": rewards.torques,
  "dof_vel": rewards.dof_vel,
  "dof_acc": rewards.dof_acc,
}

def is_small(embodiment) -> bool:
  """Whether the robot takes the spec's G1 numbers (`Embodiment.size_class`; T1 is G1-sized)."""
  return embodiment.size_class == "small"


def forbidden(embodiment, groups, extra=()):
  """`groups` plus those of `extra` the robot has."""
  return tuple(groups) + tuple(g for g in extra if g in embodiment.body_groups)


def feet_band(embodiment):
  """Allowed horizontal distance between the feet (m)."""
  return (0.05, 0.25) if is_small(embodiment) else (0.2, 0.5)


def uniform(key, low, high, shape=()):
  return jax.random.uniform(key, shape, minval=low, maxval=high)


def point_in_box_on_sphere(key, radius, low, high, tries: int = 32):
  """A uniform point on the sphere of `radius` that lies in the box [low, high] (3,).

  Rejection sampling over `tries` candidates; if none lies in the box (probability < 1e-9 for the
  spec's boxes), the last candidate is clipped into it.
  """
  d = jax.random.normal(key, (tries, 3))
  points = radius * d / jnp.linalg.norm(d, axis=-1, keepdims=True)
  low, high = jnp.asarray(low), jnp.asarray(high)
  inside = jnp.all((points >= low) & (points <= high), axis=-1)
  first = jnp.argmax(inside)
  return jnp.where(inside.any(), points[first], jnp.clip(points[-1], low, high))
