"""Slow task checks: every robot x task on the native backend, MJX parity, gymnasium ids, scripts.

MJX compiles take tens of seconds per model on a CPU, so MJX runs all eight tasks on H1 (where
the task-specific physics is: object collisions, hinges, object sensors) and one task on each
other robot (whose MJX models the primitive tests already cover).
"""

import json

import gymnasium as gym
import jax
import numpy as np
import pytest

from skillbench import catalog
from tests.helpers import cached_env, jitted
from tests.test_parity import OBS_MAX_ABS, OBS_MEDIAN_ABS, REWARD_RTOL, _landed_state, assert_agree, steps_on_both
from tests.test_scripts import run
from tests.test_tasks import check_starts, reset_batch

pytestmark = pytest.mark.slow

STEPS = 5
OTHER_ROBOTS = [r for r in catalog.robot_names() if r != "h1"]
MJX_ON_OTHER_ROBOTS = {"g1": "box_push", "h1_2": "package_lift", "t1": "button_press"}


def assert_steps_quietly(env, state):
  """STEPS zero-action steps: finite observations, and nothing ends the episode."""
  _, step = jitted(env)
  for _ in range(STEPS):
    state = step(state, np.zeros(env.action_size, np.float32))
  assert np.all(np.isfinite(np.asarray(state.obs["state"]))) and not bool(state.done)


@pytest.mark.parametrize("robot", OTHER_ROBOTS)
@pytest.mark.parametrize("task_name", catalog.task_names())
def test_every_task_builds_resets_and_steps_for_every_robot(robot, task_name):
  env = cached_env(robot, task_name)
  state = reset_batch(env)
  check_starts(env, state)
  assert_steps_quietly(env, jax.tree.map(lambda x: x[0], state))


@pytest.mark.parametrize("task_name", catalog.task_names())
def test_task_observations_and_rewards_agree_between_backends(task_name):
  env = cached_env("h1", task_name)
  start = _landed_state(env, jax.random.PRNGKey(1))
  actions = 0.3 * np.asarray(jax.random.normal(jax.random.PRNGKey(2), (STEPS, env.action_size)))
  for i, (native, mjx) in enumerate(steps_on_both(env, cached_env("h1", task_name, "mjx").physics, start, actions)):
    assert_agree(native, mjx, f"{task_name} step {i}", OBS_MAX_ABS, OBS_MEDIAN_ABS)
  task_obs = slice(0, env.skill.goal_size)
  np.testing.assert_allclose(mjx.obs["state"][task_obs], native.obs["state"][task_obs], atol=5e-3,
                             err_msg=f"{task_name}: task observation")
  np.testing.assert_allclose(mjx.reward, native.reward, rtol=REWARD_RTOL, atol=1e-4)


@pytest.mark.parametrize("robot", OTHER_ROBOTS)
def test_a_task_steps_on_mjx_for_every_other_robot(robot):
  env = cached_env(robot, MJX_ON_OTHER_ROBOTS[robot], "mjx")
  state = reset_batch(env)
  check_starts(env, state)
  assert_steps_quietly(env, jax.tree.map(lambda x: x[0], state))


def test_task_gymnasium_ids_pass_the_env_checker():
  from gymnasium.utils.env_checker import check_env

  env = gym.make("SkillBench/H1-CabinetClose-v0")
  check_env(env.unwrapped, skip_render_check=True)
  obs, _ = env.reset(seed=0)
  obs, reward, terminated, truncated, info = env.step(np.zeros(env.action_space.shape, np.float32))
  assert "goal_error" in info and reward >= 0.0
  vec = gym.make_vec("SkillBench/G1-BoxPush-v0", num_envs=2, vectorization_mode="vector_entry_point")
  obs, _ = vec.reset(seed=0)
  assert obs["state"].shape[0] == 2


def test_render_script_writes_a_task_still_and_video(tmp_path):
  out = tmp_path / "push.mp4"
  stdout = run("scripts/render.py", "task=box_push", "embodiment=g1", "seconds=0.2", f"out={out}", "width=160",
               "height=120")
  summary = json.loads(stdout[stdout.index("{"):])
  assert out.is_file() and out.stat().st_size > 1000
  assert summary["still"] == str(out.with_suffix(".png")) and out.with_suffix(".png").stat().st_size > 1000


def test_evaluate_script_scores_a_task(tmp_path):
  out = tmp_path / "eval.json"
  run("scripts/evaluate.py", "policy=zero", "embodiment=h1", "task=far_reach", "num_rollouts=2", "seconds=6",
      f"out={out}")
  result = json.loads(out.read_text())  # a result file (skillbench.results.result_file), not the protocol's 20 rollouts
  evaluation = result["evaluation"]
  assert evaluation["goal_period_s"] == 5.0 and evaluation["error_at"] == "switches" and not evaluation["protocol"]
  assert len(result["metrics"]["per_rollout"]) == 2 and result["metrics"]["aggregate"]["success_rate"]["mean"] == 0.0
  assert result["success"] is False and result["schema_version"] == 2


def test_flat_ppo_trains_on_a_task_directly():
  """The PPO baseline: a flat policy over the joint action, on a task environment as it is."""
  from skillbench.training.ppo import PPO, PPOConfig

  env = cached_env("h1", "button_press")
  ppo = PPO(env, PPOConfig(num_envs=8, unroll_length=8, num_epochs=1, num_minibatches=2,
                           actor_hidden=[32], critic_hidden=[32]))
  state = ppo.init(jax.random.PRNGKey(0))
  before = jax.tree.map(np.asarray, state.params)
  state, metrics = ppo.train_iteration(state)
  changed = jax.tree.map(lambda a, b: not np.array_equal(a, np.asarray(b)), before, state.params)
  assert any(jax.tree.leaves(changed)) and np.isfinite(float(metrics["loss"]))
