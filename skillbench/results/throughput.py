"""Throughput of SkillBench environments, and of raw MuJoCo on the same states.

Environment throughput is measured the way training runs it: a jitted `lax.scan` over batched
steps with random actions (brax's unroll). For the native backend, the states that scan visited
are then replayed through raw `mujoco.rollout` and `mujoco.batch.Batch` (same model, batch size,
threads and substeps, no task logic), and the ratio of the two throughputs is reported.
"""

from __future__ import annotations

import time

import jax
import mujoco
import numpy as np
from mujoco import rollout
from mujoco.batch import Batch

from skillbench import provenance
from skillbench.envs.factory import make

UNROLL = 20  # policy steps per jitted scan call


def _unroll_fn(batched):
  env, n = batched.env, batched.num_envs
  step = jax.vmap(env.step)

  def body(carry, _):
    state, key = carry
    key, k = jax.random.split(key)
    actions = 0.5 * jax.random.normal(k, (n, env.action_size))
    before = state.pipeline_state
    ctrl = env.consts.default_pose + env.config.action_scale * actions
    return (step(state, actions), key), (before, ctrl)

  return jax.jit(lambda state, key: jax.lax.scan(body, (state, key), None, length=UNROLL))


def measure_env(robot: str, skill: str, backend: str, batch: int, seconds: float, config=None, **backend_kwargs):
  """Env steps per second and start-up time of one configuration; the replay data for raw timing."""
  t0 = time.perf_counter()
  env = make(robot, skill, backend, num_envs=batch, config=config, **backend_kwargs)
  unroll = _unroll_fn(env)
  key = jax.random.PRNGKey(0)
  state = jax.block_until_ready(env.reset(key))
  (state, key), _ = jax.block_until_ready(unroll(state, key))
  startup = time.perf_counter() - t0

  calls = max(1, int(np.ceil(env.timing.steps(seconds) / UNROLL)))
  t1 = time.perf_counter()
  for _ in range(calls):
    (state, key), replay = unroll(state, key)
  jax.block_until_ready(state)
  elapsed = time.perf_counter() - t1
  return {
    "robot": robot, "skill": skill, "backend": backend, "batch": batch,
    "substeps": env.timing.substeps, "startup_s": startup,
    "env_steps_per_s": calls * UNROLL * batch / elapsed,
  }, env, jax.tree.map(np.asarray, replay)


def _initial_states(model, replay_state, i):
  n = replay_state.qpos.shape[1]
  nstate = mujoco.mj_stateSize(model, mujoco.mjtState.mjSTATE_FULLPHYSICS)
  rows = np.zeros((n, nstate))
  rows[:, 0] = replay_state.time[i]
  rows[:, 1:1 + model.nq] = replay_state.qpos[i]
  rows[:, 1 + model.nq:1 + model.nq + model.nv] = replay_state.qvel[i]
  return rows


def measure_raw(model, substeps: int, replay, nthread: int, min_seconds: float = 1.0) -> dict:
  """Physics-only throughput (env steps per second) replaying the env's states and controls."""
  states, ctrls = replay
  steps, n = ctrls.shape[:2]
  controls = [np.repeat(ctrls[i][:, None].astype(np.float64), substeps, axis=1) for i in range(steps)]
  initial = [_initial_states(model, states, i) for i in range(steps)]

  runner = rollout.Rollout(nthread=nthread if nthread > 1 else 0)
  datas = [mujoco.MjData(model) for _ in range(max(1, nthread))]
  nstate = initial[0].shape[1]
  out_state = np.empty((n, substeps, nstate))
  out_sensor = np.empty((n, substeps, model.nsensordata))

  def rollout_pass():
    for i in range(steps):
      runner.rollout([model] * n, datas, initial[i], controls[i], nstep=substeps, state=out_state,
                     sensordata=out_sensor)

  sims = Batch(model, n, nthread=nthread)
  qpos, qvel, ctrl = sims.bind("qpos"), sims.bind("qvel"), sims.bind("ctrl")
  warm = sims.bind("qacc_warmstart")

  def batch_pass():
    for i in range(steps):
      qpos[:] = states.qpos[i]
      qvel[:] = states.qvel[i]
      warm[:] = states.warmstart[i]
      ctrl[:] = ctrls[i]
      sims.step(nstep=substeps)

  result = {}
  for name, run in (("rollout", rollout_pass), ("batch", batch_pass)):
    run()  # warm-up
    passes, t0 = 0, time.perf_counter()
    while passes == 0 or time.perf_counter() - t0 < min_seconds:
      run()
      passes += 1
    result[f"raw_{name}_env_steps_per_s"] = passes * steps * n / (time.perf_counter() - t0)
  runner.close()
  return result


def measure_grid(cfg, on_row=None) -> list[dict]:
  """Every row of a throughput grid (`BenchmarkConfig`: robots x backends x implementations x batch
  sizes); each native row also measures raw MuJoCo on its states and records the two ratios.
  `on_row(rows)` is called after each row, so an interrupted sweep keeps what it measured."""
  from omegaconf import OmegaConf

  env_config = OmegaConf.to_object(cfg.env) if OmegaConf.is_config(cfg.env) else cfg.env
  rows = []
  for robot in cfg.robots:
    for backend in cfg.backends:
      variants = [{"nthread": cfg.nthread}] if backend == "mujoco" else [{"impl": i} for i in cfg.mjx_impls]
      sizes = cfg.mujoco_batch_sizes if backend == "mujoco" else cfg.mjx_batch_sizes
      for kwargs in variants:
        for batch in sizes:
          row, env, replay = measure_env(robot, cfg.primitive, backend, batch, cfg.seconds, env_config,
                                         **{k: v for k, v in kwargs.items() if v is not None})
          row["impl"] = kwargs.get("impl")
          if backend == "mujoco":
            raw = measure_raw(env.scene.model, env.timing.substeps, replay, env.physics.nthread)
            row.update(raw)
            row["ratio_vs_rollout"] = row["env_steps_per_s"] / raw["raw_rollout_env_steps_per_s"]
            row["ratio_vs_batch"] = row["env_steps_per_s"] / raw["raw_batch_env_steps_per_s"]
          rows.append(row)
          if on_row is not None:
            on_row(rows)
  return rows


def machine() -> dict:
  """The run's hardware (as run.json records it) and the physics packages, under this file format's keys."""
  hw = provenance.hardware()
  mjx = provenance.versions(("mujoco-mjx",), missing_as_none=True)["mujoco-mjx"]
  return {
    "platform": hw["platform"], "processor": hw["cpu_model"], "cpus": hw["cpus"],
    "jax_devices": [str(d) for d in jax.devices()], "device_kinds": hw["devices"],
    "versions": {"mujoco": mujoco.__version__, "jax": jax.__version__, "mujoco_mjx": mjx},
  }


def table(rows) -> str:
  """Markdown table of benchmark rows."""
  header = "| robot | backend | batch | env steps/s | start-up s | raw rollout steps/s | env / raw rollout | raw batch steps/s | env / raw batch |"
  lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
  fmt = lambda v, f: "" if v is None else format(v, f)
  for r in rows:
    lines.append(
      f"| {r['robot']} | {r['backend']}{'/' + r['impl'] if r.get('impl') else ''} | {r['batch']} | "
      f"{fmt(r['env_steps_per_s'], ',.0f')} | {fmt(r['startup_s'], '.1f')} | "
      f"{fmt(r.get('raw_rollout_env_steps_per_s'), ',.0f')} | {fmt(r.get('ratio_vs_rollout'), '.2f')} | "
      f"{fmt(r.get('raw_batch_env_steps_per_s'), ',.0f')} | {fmt(r.get('ratio_vs_batch'), '.2f')} |"
    )
  return "\n".join(lines)
