"""How far the two physics backends drift apart in one control step, from the same states.

A policy is rolled out on native MuJoCo; from each visited state one control step (its physics
substeps, the same targets, friction and masses) runs on both backends, and the largest
differences per state are kept. A few 1e-5 rad/s is float32 against float64; tenths of a rad/s
mean the backends simulate different things (docs/DECISIONS.md, Simulation).
"""

from __future__ import annotations

import jax
import numpy as np

ROOT_DOFS = 6  # the floating base's velocities, apart from the joints'


def one_step_drift(env, act, num_envs: int = 8, steps: int = 200, seed: int = 0) -> dict:
  """Largest |native - mjx| per visited state: joint velocity (rad/s), root velocity (m/s, rad/s) and
  qpos (m, rad), each an array over the `num_envs` x `steps` states of `act`'s native rollouts."""
  from skillbench.sim.physics.mjx import MjxPhysics

  def visit(state, _):
    action = jax.vmap(lambda obs: act(obs, None))(state.obs)
    command = jax.vmap(env.prepare_step)(state, action)
    inputs = (command.physics, command.ctrl, state.info["friction"], state.info["body_mass"])
    return jax.vmap(env.step)(state, action), inputs

  @jax.jit
  def rollout(keys):
    return jax.lax.scan(visit, jax.vmap(env.reset)(keys), None, length=steps)[1]

  inputs = rollout(jax.random.split(jax.random.PRNGKey(seed), num_envs))
  inputs = jax.tree.map(lambda x: x.reshape((x.shape[0] * x.shape[1],) + x.shape[2:]), inputs)  # (steps x envs, ...)
  mjx = MjxPhysics(env.scene.model, env.timing.substeps, floor_geom=env.layout.floor_geom,
                   pos_stage_sensors=env.layout.pos_stage_sensors)
  native_next = jax.jit(jax.vmap(env.physics.step))(*inputs)[0]
  mjx_next = jax.jit(jax.vmap(mjx.step))(*inputs)[0]
  qvel = np.abs(np.asarray(native_next.qvel, np.float64) - np.asarray(mjx_next.qvel, np.float64))
  qpos = np.abs(np.asarray(native_next.qpos, np.float64) - np.asarray(mjx_next.qpos, np.float64))
  return {"joint_velocity": qvel[:, ROOT_DOFS:].max(1), "root_velocity": qvel[:, :ROOT_DOFS].max(1),
          "qpos": qpos.max(1)}


def report(drift: dict) -> list[str]:
  """The drift's distributions, one line each (median, 90th percentile, max)."""
  def quantiles(x):
    return f"median {np.median(x):.2e}, 90 % {np.percentile(x, 90):.2e}, max {x.max():.2e}"

  return [
    f"  joint velocity |native - mjx|, largest per state (rad/s): {quantiles(drift['joint_velocity'])}",
    f"  root velocity |native - mjx|, largest per state (m/s, rad/s): {quantiles(drift['root_velocity'])}",
    f"  qpos |native - mjx|, largest per state (m, rad): {quantiles(drift['qpos'])}",
  ]
