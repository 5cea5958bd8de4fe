"""Physics state shared by every backend."""

import flax.struct
import jax


@flax.struct.dataclass
class PhysicsState:
  """The part of a MuJoCo state that carries over between control steps.

  qpos, qvel, act, time (s since the episode's reset) as in mjData; warmstart: mjData's
  qacc_warmstart, the constraint solver's starting point, so that every backend is a pure function
  of this state.
  """

  qpos: jax.Array
  qvel: jax.Array
  act: jax.Array
  time: jax.Array
  warmstart: jax.Array


# A state is reported diverged when it is not finite or a velocity exceeds this (m/s, rad/s).
MAX_VELOCITY = 1e3
