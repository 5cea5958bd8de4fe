"""The gait clock: time as the phase of a fixed gait period, the one signal of time an actor sees.

Walking's gait rewards follow it (`primitives/walking.py`), and every task's actor sees it too, so
that a blender can feed it to a walking skill whichever skills it blends (`skillbench.envs.task`).
"""

import jax.numpy as jnp

GAIT_PERIOD = 0.64  # s: one stride, left and right step
CLOCK_SIZE = 2


def phase_angle(step, dt):
  """2 pi t / GAIT_PERIOD (rad) at time t = step x dt (s)."""
  return 2.0 * jnp.pi * step * dt / GAIT_PERIOD


def clock(step, dt):
  """What the actor sees of the gait clock: (sin, cos) of the phase angle; step counts policy steps
  since the episode began, dt is the policy period (s)."""
  phase = phase_angle(step, dt)
  return jnp.stack([jnp.sin(phase), jnp.cos(phase)])
