"""Physics backends behind one interface.

A backend wraps one compiled MjModel and offers two pure JAX functions, traceable under jit and
vmap (batch dimensions lead every argument):

  step(state, ctrl, friction, body_mass) -> (state, sensordata, diverged)
      Runs `substeps` physics steps with the position targets `ctrl` held, the floor's sliding
      friction set to `friction` and the bodies' masses to `body_mass` (nbody,) kg: per-environment
      randomisation of the pelvis and of task objects.
  reset_sensors(state, mask) -> sensordata
      Position-stage sensors of `state` (where `mask` is true; zeros elsewhere), velocity- and
      force-stage sensors zeroed: the view of a robot that has just been placed.

`mujoco` runs native MuJoCo on CPU threads through `mujoco.rollout`; `mjx` runs MuJoCo MJX
(`impl="jax"` or `"warp"`), jit end to end, for GPUs.
"""

from skillbench.errors import UnknownNameError
from skillbench.sim.physics.state import PhysicsState

BACKENDS = ("mujoco", "mjx")


def make(backend: str, model, substeps: int, **kwargs):
  """The named backend for `model`. kwargs: `nthread` (mujoco) or `impl` (mjx)."""
  if backend == "mujoco":
    from skillbench.sim.physics.native import NativePhysics

    return NativePhysics(model, substeps, **kwargs)
  if backend == "mjx":
    from skillbench.sim.physics.mjx import MjxPhysics

    return MjxPhysics(model, substeps, **kwargs)
  raise UnknownNameError("backend", backend, BACKENDS)


__all__ = ["BACKENDS", "PhysicsState", "make"]
