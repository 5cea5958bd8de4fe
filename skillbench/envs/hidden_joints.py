"""Joints an actor reads as if they stood still at their default angles with zero action.

The actor observation's proprioception is [q - default (d), 0.05 qdot (d), last action (d), base
angular velocity (3), roll/pitch/yaw (3)]; hiding joint j zeroes its entry in each of the first
three blocks. A skill trained with `EnvConfig.hide_arms` never reads the arms, so in a blend it
cannot read arms another skill moves (docs/TRAINING.md, "Which skill can carry the legs"); the
blender's `arms_hidden_from` hides them from a skill trained seeing them.
"""

from __future__ import annotations

import jax.numpy as jnp


def hide(x, joints, joint_count: int, start: int = 0):
  """`x` (..., n) with the q, qdot and last-action columns of `joints` (policy indices) set to zero;
  the proprioception starts at column `start` (after the goal and clock of an actor observation)."""
  if len(joints) == 0:
    return x
  joints = jnp.asarray(joints)
  columns = jnp.concatenate([start + joints + k * joint_count for k in range(3)])
  return x.at[..., columns].set(0.0)
