"""MuJoCo MJX: the batched backend for GPUs, jit end to end (runs on CPU too, for tests).

`impl="jax"` is MJX's pure-JAX pipeline; `impl="warp"` runs MuJoCo Warp kernels (NVIDIA GPUs
only; needs the `warp-lang` and `mujoco-warp` packages).
"""

from __future__ import annotations

import contextlib
import io

import jax
import jax.numpy as jnp
import mujoco
import numpy as np

with contextlib.redirect_stdout(io.StringIO()):  # MJX prints when the optional `warp` is missing
  from mujoco import mjx

from skillbench.errors import UnknownNameError
from skillbench.sim.physics.state import MAX_VELOCITY, PhysicsState

IMPLS = ("jax", "warp")


def _implicitfast_step(m, d):
  """`mjx.step` for the implicitfast integrator, with native MuJoCo's treatment of saturated actuators.

  Native MuJoCo leaves an actuator out of the implicit velocity derivative while its force is clipped
  to its forcerange (the clipped force does not change with velocity); MJX (impl "jax", 3.17) keeps
  its kv in. That made one 20 ms control step of H1 differ by 0.14 rad/s between the backends (the
  median over a reaching rollout's states, `tools/compare_backends.py`); without it they agree to
  float32 precision.
  """
  d = mjx.forward(m, d)
  lo, hi = m.actuator_forcerange[:, 0], m.actuator_forcerange[:, 1]
  clipped = m.actuator_forcelimited & ((d.actuator_force <= lo) | (d.actuator_force >= hi))
  keep = lambda prm: prm.at[:, 2].set(jnp.where(clipped, 0.0, prm[:, 2]))
  return mjx.implicit(m.replace(actuator_biasprm=keep(m.actuator_biasprm), actuator_gainprm=keep(m.actuator_gainprm)), d)


class MjxPhysics:
  """MJX backend for one compiled model."""

  name = "mjx"

  def __init__(self, model: mujoco.MjModel, substeps: int, impl: str = "jax", floor_geom: int = 0,
               pos_stage_sensors=None, nconmax: int | None = None,
               njmax: int | None = None):
    if impl not in IMPLS:
      raise UnknownNameError("MJX impl", impl, IMPLS)
    self.model = model
    self.substeps = int(substeps)
    self.impl = impl
    self._floor = floor_geom
    self._pos_stage = jnp.asarray(
      np.ones(model.nsensordata, bool) if pos_stage_sensors is None else pos_stage_sensors
    )
    self.mjx_model = mjx.put_model(model, impl=impl)
    data_kwargs = {}
    if impl == "warp":
      data_kwargs = dict(nconmax=nconmax, njmax=njmax)
    self._template = mjx.make_data(model, impl=impl, **{k: v for k, v in data_kwargs.items() if v})
    self._native_implicitfast = impl == "jax" and model.opt.integrator == mujoco.mjtIntegrator.mjINT_IMPLICITFAST

  def _data(self, state: PhysicsState, ctrl=None):
    d = self._template.replace(
      qpos=state.qpos, qvel=state.qvel, act=state.act, time=state.time, qacc_warmstart=state.warmstart
    )
    return d if ctrl is None else d.replace(ctrl=ctrl)

  def step(self, state: PhysicsState, ctrl, friction, body_mass):
    mx = self.mjx_model
    m = mx.replace(geom_friction=mx.geom_friction.at[self._floor, 0].set(friction), body_mass=body_mass)
    physics_step = _implicitfast_step if self._native_implicitfast else mjx.step
    d = jax.lax.fori_loop(0, self.substeps, lambda _, d: physics_step(m, d), self._data(state, ctrl))
    out = PhysicsState(d.qpos, d.qvel, d.act, d.time, d.qacc_warmstart)
    finite = jnp.all(jnp.isfinite(d.qpos)) & jnp.all(jnp.isfinite(d.qvel)) & jnp.all(jnp.isfinite(d.sensordata))
    diverged = ~finite | (jnp.max(jnp.abs(d.qvel), initial=0.0) > MAX_VELOCITY)
    return out, d.sensordata, diverged

  def reset_sensors(self, state: PhysicsState, mask):
    d = self._data(state)
    if self.impl == "jax":
      d = mjx.sensor_pos(self.mjx_model, mjx.kinematics(self.mjx_model, d))
    else:
      d = mjx.forward(self.mjx_model, d)
    return jnp.where(mask & self._pos_stage, d.sensordata, 0.0)
