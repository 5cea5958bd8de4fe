"""The sb3 trainer: stable-baselines3 PPO writes the same run directory and checkpoint format."""

import json

import numpy as np
import pytest

from skillbench.policy import saved as policy_lib
from skillbench.training import run_dir as runs
from skillbench.training.train import train
from tests.test_training import smoke_config


@pytest.fixture(scope="module")
def sb3_run(tmp_path_factory):
  return train(smoke_config(tmp_path_factory.mktemp("sb3"), trainer="sb3"))


def test_sb3_smoke_run_writes_everything(sb3_run):
  for name in ("config.yaml", "run.json", "metrics.jsonl", "policy.safetensors", "curves.png", "eval.json"):
    assert (sb3_run / name).is_file(), name
  rows = [json.loads(line) for line in (sb3_run / "metrics.jsonl").read_text().splitlines()]
  assert rows[-1]["env_steps"] >= 1024 and "goal_error" in rows[-1]
  assert runs.checkpoints(sb3_run), "training checkpoints"
  assert json.loads((sb3_run / "eval.json").read_text())["backends"]["mujoco"]["num_rollouts"] == 2


def test_exported_policy_acts_like_the_sb3_model(sb3_run, tmp_path):
  """The exported policy (our format, evaluated in JAX) gives SB3's own deterministic actions."""
  from stable_baselines3.common.vec_env import VecNormalize

  from skillbench.envs.gym_envs import SkillBenchVectorEnv
  from skillbench.policy import checkpoint as ckpt_lib
  from skillbench.training.sb3_trainer import SB3PPO, AsymmetricPolicy, SkillBenchVecEnv, _restore

  loaded = policy_lib.load(sb3_run / "policy.safetensors")
  cfg = smoke_config(tmp_path, trainer="sb3")
  ppo = cfg.trainer.ppo
  venv = SkillBenchVecEnv(SkillBenchVectorEnv(2, "h1", "reaching", config=cfg.env))
  norm = VecNormalize(venv, norm_obs=True, norm_reward=False, clip_obs=10.0, epsilon=1e-5)
  model = SB3PPO(AsymmetricPolicy, norm, n_steps=8, batch_size=8,
                 policy_kwargs={"actor_hidden": ppo.actor_hidden, "critic_hidden": ppo.critic_hidden})
  _restore(model, norm, ckpt_lib.load(runs.latest_checkpoint(sb3_run)).arrays, "test")
  assert model.policy.vf_features_extractor.key == "privileged_state"
  assert model.policy.pi_features_extractor.key == "state"
  obs = venv.reset()
  sb3_actions, _ = model.predict(norm.normalize_obs(obs), deterministic=True)
  # The last training checkpoint is written after the last update: the exported policy acts the same.
  ours = np.asarray(loaded.mean_action(obs))
  np.testing.assert_allclose(ours, sb3_actions, rtol=1e-4, atol=1e-5)
