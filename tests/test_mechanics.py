"""Timing, action processing, randomisation, pushes and observations behave as the spec says."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from skillbench import catalog
from skillbench.envs import env_config
from skillbench.envs.env_config import EnvConfig
from skillbench.sim import scene, timing
from tests.helpers import cached_env


def test_timing_presets():
  assert (timing.get("default").substeps, timing.get("default").control_dt) == (4, 0.02)
  assert (timing.get("paper").substeps, timing.get("paper").control_dt) == (10, 0.01)
  env = cached_env("h1", "reaching", "mujoco", 2, timing="paper", gain_scale=16.0, init_joint_noise=0.0,
                   action_delay=False, action_noise=0.0, obs_noise=False, randomize_friction=False,
                   randomize_mass=False, push=False)
  assert env.episode_steps == 2400 and env.scene.model.opt.timestep == 0.001
  assert cached_env("h1", "walking", "mujoco").episode_steps == 1200
  assert cached_env("h1", "walking", "mujoco").resample_steps == 400


def test_observation_layout():
  for robot, d in (("h1", 19), ("g1", 21)):
    env = cached_env(robot, "reaching", "mujoco")
    assert env.observation_size["state"] == (14 + 3 * d + 6,)
    assert env.observation_size["privileged_state"] == (3 * (14 + 3 * d + 18),)


def _fresh(env, seed):
  return jax.jit(env.reset)(jax.random.PRNGKey(seed))


def test_reset_pose_is_default_plus_uniform_noise():
  env = cached_env("h1", "reaching", "mujoco")
  reset = jax.jit(jax.vmap(env.reset))
  state = reset(jax.random.split(jax.random.PRNGKey(0), 256))
  q = np.asarray(state.pipeline_state.qpos)[:, env.layout.joint_qpos] - np.asarray(env.consts.default_pose)
  assert np.abs(q).max() <= 0.1 + 1e-6 and np.abs(q).max() > 0.09
  assert np.all(np.asarray(state.pipeline_state.qvel) == 0)
  np.testing.assert_allclose(np.asarray(state.pipeline_state.qpos)[:, :7], [[0, 0, 1.0, 1, 0, 0, 0]] * 256)


def test_domain_randomisation_ranges():
  env = cached_env("g1", "reaching", "mujoco")
  state = jax.jit(jax.vmap(env.reset))(jax.random.split(jax.random.PRNGKey(0), 512))
  friction, added = np.asarray(state.info["friction"]), np.asarray(state.info["added_mass"])
  low, high = (0.6 + 0.1) / 2, (0.6 + 2.0) / 2  # the original's floor averaged with its robot's U(0.1, 2)
  assert friction.min() >= low and friction.max() <= high and np.ptp(friction) > 0.9 * (high - low)
  low, high = catalog.robot("g1").added_mass_range
  assert added.min() >= low and added.max() <= high and np.ptp(added) > 0.8 * (high - low)
  root = env.layout.root_body
  np.testing.assert_allclose(state.info["body_mass"][:, root], env.scene.model.body_mass[root] + added, rtol=1e-6)
  others = np.delete(np.asarray(state.info["body_mass"]), root, axis=1)
  np.testing.assert_allclose(others, np.delete(env.scene.model.body_mass, root)[None].repeat(512, 0), rtol=1e-6)
  off = cached_env("g1", "reaching", "mujoco", None, **_DETERMINISTIC)
  s = _fresh(off, 0)
  assert float(s.info["friction"]) == pytest.approx(scene.FLOOR_FRICTION) and float(s.info["added_mass"]) == 0.0


_DETERMINISTIC = dict(action_delay=False, action_noise=0.0, obs_noise=False, randomize_friction=False,
                      randomize_mass=False, push=False)


def test_friction_and_mass_reach_the_physics():
  """A robot on ice slides further than on rubber under the same push; mass changes weight."""
  env = cached_env("h1", "reaching", "mujoco", None, gain_scale=16.0, init_joint_noise=0.0, **_DETERMINISTIC)
  step = jax.jit(env.step)

  def slide(friction):
    s = _fresh(env, 0)
    s = s.replace(info={**s.info, "friction": jnp.float32(friction)})
    for _ in range(40):
      s = step(s, jnp.zeros(env.action_size))
    v = np.zeros(env.scene.model.nv, np.float32)
    v[0] = 1.0
    s = s.replace(pipeline_state=s.pipeline_state.replace(qvel=s.pipeline_state.qvel + v))
    x0 = float(s.pipeline_state.qpos[0])
    for _ in range(10):
      s = step(s, jnp.zeros(env.action_size))
    return float(s.pipeline_state.qpos[0]) - x0, s

  ice, _ = slide(0.1)
  rubber, s = slide(2.0)
  assert ice > rubber + 0.02
  heavy = s.replace(info={**s.info, "body_mass": s.info["body_mass"].at[env.layout.root_body].add(20.0)})
  load = lambda st: float(step(st, jnp.zeros(env.action_size)).metrics["torque"])
  assert load(heavy) > load(s) + 0.3, "a heavier pelvis loads the joints more"


def test_action_delay_blends_with_the_previous_action():
  env = cached_env("h1", "reaching", "mujoco", None, action_noise=0.0, obs_noise=False, push=False)
  s = _fresh(env, 0)
  previous = jnp.full(env.action_size, -1.0)
  s = s.replace(info={**s.info, "past_actions": s.info["past_actions"].at[0].set(previous)})
  applied = np.asarray(jax.jit(env.prepare_step)(s, jnp.ones(env.action_size)).applied)
  u = (1.0 - applied[0]) / 2.0  # applied = (1 - u) * 1 + u * (-1)
  assert 0.0 <= u <= 1.0
  np.testing.assert_allclose(applied, 1.0 - 2.0 * u, rtol=1e-6)


def test_action_noise_is_multiplicative():
  env = cached_env("h1", "reaching", "mujoco", None, action_delay=False, obs_noise=False, push=False)
  prepare = jax.jit(env.prepare_step)
  s = _fresh(env, 0)
  zero = np.asarray(prepare(s, jnp.zeros(env.action_size)).applied)
  assert np.all(zero == 0.0), "noise scales with the action"
  ones = np.stack([np.asarray(prepare(s.replace(info={**s.info, "rng": k}), jnp.ones(env.action_size)).applied)
                   for k in jax.random.split(jax.random.PRNGKey(1), 64)])
  assert abs(ones.std() - 0.02) < 0.005 and abs(ones.mean() - 1.0) < 0.005
  pd_target = np.asarray(prepare(s, jnp.ones(env.action_size)).ctrl)
  np.testing.assert_allclose(pd_target, np.asarray(env.consts.default_pose) + 0.25 * np.asarray(
    prepare(s, jnp.ones(env.action_size)).applied), rtol=1e-6)


def test_pushes_set_the_base_velocity_every_interval():
  env = cached_env("h1", "reaching", "mujoco", None, action_delay=False, action_noise=0.0, obs_noise=False)
  prepare = jax.jit(env.prepare_step)
  s = _fresh(env, 0)
  due = s.replace(info={**s.info, "step": jnp.int32(env.push_steps)})
  command = prepare(due, jnp.zeros(env.action_size))
  push = np.asarray(command.push_vel)
  assert np.all(np.abs(push[:2]) <= 0.2) and np.all(np.abs(push[2:]) <= 0.4) and np.any(push != 0)
  qvel = np.asarray(command.physics.qvel)
  np.testing.assert_allclose(qvel[env.layout.root_qvel[:2]], push[:2])
  np.testing.assert_allclose(qvel[env.layout.root_qvel[3:]], push[2:])
  not_due = s.replace(info={**s.info, "step": jnp.int32(env.push_steps + 1)})
  assert np.all(np.asarray(prepare(not_due, jnp.zeros(env.action_size)).physics.qvel) == 0)
  assert env.push_steps == 200


def test_driven_arms_follow_their_random_targets_and_leave_the_legs_to_the_policy():
  from skillbench.errors import ConfigValueError
  from skillbench.robot.embodiment import ARM_KINDS

  env = cached_env("g1", "walking", "mujoco", None, action_delay=False, action_noise=0.0, obs_noise=False, push=False,
                   arm_targets=1.0, arm_target_interval_s=0.2, arm_target_speed=2.0)
  arms = np.array(env.embodiment.joint_indices(kinds=ARM_KINDS))
  others = np.setdiff1d(np.arange(env.action_size), arms)
  assert len(arms) == 8
  reset, step = jax.jit(env.reset), jax.jit(env.step)
  s = reset(jax.random.PRNGKey(0))
  assert bool(s.info["arms"]["driven"]) and np.all(np.asarray(s.info["arms"]["target"]) == 0.0)
  action = jnp.full(env.action_size, 0.3)
  max_step = 2.0 * env.dt / 0.25  # rad/s x s / action_scale
  goals, targets = [], []
  for _ in range(30):
    before = np.asarray(s.info["arms"]["target"])
    s = step(s, action)
    applied = np.asarray(s.info["past_actions"][0])
    target = np.asarray(s.info["arms"]["target"])
    np.testing.assert_allclose(applied[arms], target)  # the arms get the target, not the policy's 0.3
    np.testing.assert_allclose(applied[others], 0.3)
    assert np.all(np.abs(target - before) <= max_step + 1e-6)
    goals.append(np.asarray(s.info["arms"]["goal"]))
    targets.append(target)
  goals = np.array(goals)
  assert np.all(np.abs(goals) <= 1.0 / 0.25) and len({tuple(g) for g in goals}) >= 3  # redrawn every 0.2 s
  q = np.asarray(s.pipeline_state.qpos[env.layout.joint_qpos]) - np.asarray(env.consts.default_pose)
  assert np.corrcoef(q[arms], 0.25 * targets[-1])[0, 1] > 0.8  # the arms went where they were driven
  undriven = cached_env("g1", "walking", "mujoco", None, arm_targets=0.0)
  assert "arms" not in jax.jit(undriven.reset)(jax.random.PRNGKey(0)).info
  assert EnvConfig.evaluation(arm_targets=0.5).arm_targets == 0.5 and EnvConfig.evaluation().arm_targets == 0.0
  with pytest.raises(ConfigValueError, match="between 0 and 1"):
    cached_env("g1", "walking", "mujoco", None, arm_targets=1.5)


def test_observation_noise_only_where_the_spec_puts_it():
  noisy = cached_env("h1", "reaching", "mujoco")
  clean = cached_env("h1", "reaching", "mujoco", None, obs_noise=False)
  a, b = _fresh(noisy, 3), _fresh(clean, 3)
  da = np.asarray(a.obs["state"]) - np.asarray(b.obs["state"])
  d = 19
  goal, q, qd, last, ang, euler = np.split(da, np.cumsum([14, d, d, d, 3]))
  assert np.all(goal == 0) and np.all(last == 0), "no noise on goals or actions"
  assert np.any(q != 0) and np.any(euler != 0)
  np.testing.assert_allclose(a.obs["privileged_state"], b.obs["privileged_state"], err_msg="critic is noise-free")
  assert np.abs(q).max() < 5 * env_config.OBS_NOISE_STD["q"] * 0.6


def test_env_config_presets():
  ev = EnvConfig.evaluation()
  assert not ev.obs_noise and not ev.randomize_friction and not ev.push
  assert ev.action_delay and ev.randomize_mass
  with pytest.raises(TypeError):
    EnvConfig(not_a_field=1)
