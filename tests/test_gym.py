"""gymnasium: single environments pass the env checker; make_vec returns the batched env."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import skillbench  # noqa: F401
from skillbench import catalog
from skillbench.envs.gym_envs import SkillBenchVectorEnv
from skillbench.envs.registration import env_id
from tests.test_standing import STIFF


def test_every_robot_and_skill_is_registered():
  for robot in catalog.robot_names():
    for skill in catalog.skill_names():
      spec = gym.spec(env_id(robot, skill))
      assert spec.vector_entry_point == "skillbench.envs.gym_envs:SkillBenchVectorEnv"
  assert env_id("h1_2", "reaching") == "SkillBench/H1_2-Reaching-v0"


@pytest.mark.parametrize("observation", ["dict", "actor"])
def test_env_checker(observation):
  env = gym.make("SkillBench/H1-Reaching-v0", observation=observation, render_mode="rgb_array", width=96, height=64)
  check_env(env.unwrapped, skip_render_check=False)
  obs, _ = env.reset(seed=1)
  assert env.observation_space.contains(obs)
  frame = env.render()
  assert frame.shape == (64, 96, 3) and frame.dtype == np.uint8
  env.close()


def test_seeded_resets_are_reproducible():
  env = gym.make("SkillBench/G1-Stepping-v0", observation="actor")
  a, _ = env.reset(seed=7)
  b, _ = env.reset(seed=7)
  c, _ = env.reset(seed=8)
  np.testing.assert_array_equal(a, b)
  assert not np.array_equal(a, c)


def test_wrong_action_shape_in_gym():
  env = gym.make("SkillBench/H1-Squatting-v0")
  env.reset(seed=0)
  with pytest.raises(ValueError, match=r"expects \(19,\)"):
    env.step(np.zeros(5, np.float32))


def test_make_vec_returns_the_batched_native_env():
  env = gym.make_vec("SkillBench/H1-Reaching-v0", num_envs=3, vectorization_mode="vector_entry_point",
                     config=STIFF)
  assert isinstance(env.unwrapped, SkillBenchVectorEnv)
  assert env.unwrapped.batched.env.backend == "mujoco"
  obs, _ = env.reset(seed=0)
  assert obs["state"].shape == (3, 77) and obs["privileged_state"].shape == (3, 267)
  assert env.observation_space.contains(obs)
  for _ in range(3):
    obs, reward, terminated, truncated, info = env.step(np.zeros((3, 19), np.float32))
  assert reward.shape == (3,) and terminated.shape == (3,) and info["goal_error"].shape == (3,)
  assert env.metadata["autoreset_mode"] == gym.vector.AutoresetMode.SAME_STEP
  env.close()


def test_vector_env_reports_final_observations():
  env = gym.make_vec("SkillBench/H1-Reaching-v0", num_envs=2, vectorization_mode="vector_entry_point",
                     config={**STIFF, "gain_scale": 0.0})
  env.reset(seed=0)
  for _ in range(100):
    obs, reward, terminated, truncated, info = env.step(np.zeros((2, 19), np.float32))
    if terminated.any():
      break
  assert terminated.any(), "a robot without servos falls"
  assert info["_final_obs"].tolist() == terminated.tolist()
  assert not np.array_equal(info["final_obs"]["state"][terminated], obs["state"][terminated])


@pytest.mark.slow
def test_make_vec_mjx_by_keyword():
  env = gym.make_vec("SkillBench/H1-Reaching-v0", num_envs=2, vectorization_mode="vector_entry_point",
                     backend="mjx", config=STIFF)
  assert env.unwrapped.batched.env.backend == "mjx"
  obs, _ = env.reset(seed=0)
  obs, reward, *_ = env.step(np.zeros((2, 19), np.float32))
  assert np.isfinite(reward).all()
