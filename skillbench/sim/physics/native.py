"""Native MuJoCo on CPU threads, called from JAX.

`step` is a `jax.pure_callback` around a `mujoco.batch.Batch`: under `vmap`
(vmap_method="broadcast_all") the callback receives the whole batch at once, writes it into the
batch's state rows and steps every simulation on a thread pool, so a jitted training loop drives
native MuJoCo at nearly its raw speed. Per-environment floor friction and pelvis mass are the
batch's per-simulation model values (`Batch.expand`): no model copies. Body masses
(pelvis and task objects) likewise.

The backend is functional: every call loads the whole state it is given (warm start included),
so results depend only on the inputs, as with the MJX backend.
"""

from __future__ import annotations

import os
import threading

import jax
import jax.numpy as jnp
import mujoco
import numpy as np
from mujoco.batch import Batch, SimulationError

from skillbench.sim.physics.state import MAX_VELOCITY, PhysicsState

_BAD_STATE_WARNINGS = [
  int(mujoco.mjtWarning.mjWARN_BADQPOS), int(mujoco.mjtWarning.mjWARN_BADQVEL),
  int(mujoco.mjtWarning.mjWARN_BADQACC),
]


class _Sims:
  """A `Batch` of n simulations with its bound arrays."""

  def __init__(self, model, n, nthread):
    self.batch = b = Batch(model, n, nthread=nthread)
    b.reset()
    self.time, self.qpos, self.qvel = b.bind("time"), b.bind("qpos"), b.bind("qvel")
    self.act, self.warmstart, self.ctrl = b.bind("act"), b.bind("qacc_warmstart"), b.bind("ctrl")
    self.sensordata = b.bind("sensordata")
    self.friction_values = b.expand("geom_friction")
    self.mass_values = b.expand("body_mass")

  def load(self, state_arrays):
    time, qpos, qvel, act, warmstart = state_arrays
    self.time[:] = time
    self.qpos[:] = qpos
    self.qvel[:] = qvel
    self.act[:] = act
    self.warmstart[:] = warmstart

  def clear_bad_state_warnings(self):
    self.batch.warning[:, _BAD_STATE_WARNINGS] = 0

  def warned_of_a_bad_state(self):
    """Per simulation, whether MuJoCo warned of a bad qpos, qvel or qacc (and reset it) since
    `clear_bad_state_warnings`. Its reset clears the warnings before counting the new one, so only
    a cleared count tells a second divergence from the first."""
    return self.batch.warning[:, _BAD_STATE_WARNINGS, 1].sum(axis=1) > 0  # mjWarningStat: (lastinfo, number)


class NativePhysics:
  """Native MuJoCo backend. `nthread` defaults to the number of CPUs."""

  name = "mujoco"

  def __init__(self, model: mujoco.MjModel, substeps: int, nthread: int | None = None, floor_geom: int = 0,
               pos_stage_sensors=None):
    self.model = model
    self.substeps = int(substeps)
    self.nthread = max(1, int(nthread or os.cpu_count() or 1))
    self._floor = floor_geom
    self._pos_stage = (
      np.ones(model.nsensordata, bool) if pos_stage_sensors is None else np.asarray(pos_stage_sensors)
    )
    self._sims: dict[int, _Sims] = {}
    self._lock = threading.Lock()

  def _sims_for(self, n: int) -> _Sims:
    if n not in self._sims:
      self._sims[n] = _Sims(self.model, n, self.nthread)
    return self._sims[n]

  # ---------------------------------------------------------------- JAX side
  # Each operand of a host callback costs about 0.1 ms on a CPU: inputs and outputs travel packed
  # into one float32 array each.
  def _sizes(self):
    m = self.model
    return {"time": 1, "qpos": m.nq, "qvel": m.nv, "act": m.na, "warmstart": m.nv}

  def step(self, state: PhysicsState, ctrl, friction, body_mass):
    m = self.model
    batch = jnp.broadcast_shapes(state.qpos.shape[:-1], ctrl.shape[:-1], jnp.shape(friction))
    parts = [state.time[..., None], state.qpos, state.qvel, state.act, state.warmstart, ctrl,
             jnp.asarray(friction)[..., None], jnp.asarray(body_mass)]
    packed = jnp.concatenate([jnp.broadcast_to(p, batch + p.shape[-1:]).astype(jnp.float32) for p in parts], -1)
    out_size = sum(self._sizes().values()) + m.nsensordata + 1
    out = jax.pure_callback(
      self._step_host, jax.ShapeDtypeStruct(batch + (out_size,), jnp.float32), packed,
      vmap_method="broadcast_all",
    )
    fields = {}
    offset = 0
    for name, size in self._sizes().items():
      fields[name] = out[..., offset:offset + size]
      offset += size
    sensordata = out[..., offset:offset + m.nsensordata]
    diverged = out[..., -1] > 0.5
    fields["time"] = fields["time"][..., 0]
    return PhysicsState(**fields), sensordata, diverged

  def reset_sensors(self, state: PhysicsState, mask):
    batch = jnp.broadcast_shapes(state.qpos.shape[:-1], jnp.shape(mask))
    packed = jnp.concatenate([
      jnp.broadcast_to(state.qpos, batch + state.qpos.shape[-1:]),
      jnp.broadcast_to(jnp.asarray(mask, jnp.float32), batch)[..., None],
    ], -1)
    shape = jax.ShapeDtypeStruct(batch + (self.model.nsensordata,), jnp.float32)
    return jax.pure_callback(self._reset_host, shape, packed, vmap_method="broadcast_all")

  # --------------------------------------------------------------- host side
  def _step_host(self, packed):
    m = self.model
    batch = packed.shape[:-1]
    packed = np.asarray(packed, np.float64).reshape(-1, packed.shape[-1])
    n = packed.shape[0]
    time, qpos, qvel, act, warmstart, ctrl, friction, mass = np.split(
      packed, np.cumsum([1, m.nq, m.nv, m.na, m.nv, m.nu, 1]), axis=1
    )  # mass: (n, nbody)
    with self._lock:
      sims = self._sims_for(n)
      sims.load((time[:, 0], qpos, qvel, act, warmstart))
      sims.ctrl[:] = ctrl
      sims.friction_values[:, self._floor, 0] = friction[:, 0]
      sims.mass_values[:] = mass
      sims.clear_bad_state_warnings()
      failed = np.zeros(n, bool)
      try:
        sims.batch.step(nstep=self.substeps)
      except SimulationError as e:
        failed[e.ids] = True
      # MuJoCo resets a diverging simulation by itself (with a warning): report it as diverged.
      diverged = failed | sims.warned_of_a_bad_state()
      out = np.concatenate([
        sims.time[:, None], sims.qpos, sims.qvel, sims.act, sims.warmstart, sims.sensordata,
        np.zeros((n, 1)),
      ], axis=1).astype(np.float32)
    finite = np.isfinite(out).all(axis=1)
    speed = np.abs(sims.qvel).max(axis=1, initial=0.0) if m.nv else np.zeros(n)
    out[:, -1] = diverged | ~finite | (speed > MAX_VELOCITY)
    return out.reshape(batch + (out.shape[-1],))

  def _reset_host(self, packed):
    m = self.model
    batch = packed.shape[:-1]
    packed = np.asarray(packed, np.float64).reshape(-1, packed.shape[-1])
    qpos, mask = packed[:, :m.nq], packed[:, m.nq] > 0.5
    out = np.zeros((packed.shape[0], m.nsensordata), np.float32)
    ids = np.flatnonzero(mask)
    if ids.size:
      with self._lock:
        sims = self._sims_for(packed.shape[0])
        sims.batch.reset(ids, stage=mujoco.mjtStage.mjSTAGE_NONE)
        sims.qpos[ids] = qpos[ids]
        sims.batch.forward(ids, stage=mujoco.mjtStage.mjSTAGE_POS)
        out[ids] = np.where(self._pos_stage, sims.sensordata[ids], 0.0)
    return out.reshape(batch + (m.nsensordata,))
