"""SkillBlender training end to end (slow): smoke runs of the blender and the flat PPO baseline."""

import json

import jax
import numpy as np
import pytest
from omegaconf import OmegaConf

from skillbench.commands import config as config_lib
from skillbench.policy import saved as policy_lib
from skillbench.training.ppo import PPO, PPOConfig
from skillbench.training.train import build_actor, train
from tests.helpers import cached_env
from tests.test_blender import untrained_policy
from tests.test_scripts import run

pytestmark = pytest.mark.slow


def blender_config(tmp_path, **overrides):
  from hydra import compose, initialize

  config_lib.register()
  args = [f"runs_root={tmp_path}", "preset=smoke", *[f"{k}={v}" for k, v in overrides.items()]]
  with initialize(version_base=None):
    cfg = compose(config_name="train_blender", overrides=args)
  return OmegaConf.to_object(cfg)


@pytest.fixture(scope="module")
def skill_sources(tmp_path_factory):
  folder = tmp_path_factory.mktemp("skills")
  return {s: str(untrained_policy(folder / f"h1-{s}.safetensors", "h1", s)) for s in ("walking", "reaching")}


@pytest.mark.parametrize("method", ["blender", "ppo"])
def test_smoke_training_writes_an_evaluable_task_policy(method, skill_sources, tmp_path):
  sources = {} if method == "ppo" else {f"skill_sources.{k}": v for k, v in skill_sources.items()}
  run_dir = train(blender_config(tmp_path, task="button_press", method=method, **sources))
  assert run_dir.name.startswith(f"h1-button_press-{method}-")
  loaded = policy_lib.load(run_dir / "policy.safetensors")
  assert loaded.skill == "button_press" and loaded.is_blender == (method == "blender")
  result = json.loads((run_dir / "eval.json").read_text())
  assert "error" in result["backends"]["mujoco"]["aggregate"]
  if method != "blender":
    return
  from skillbench.training.logger import read_metrics

  assert all("blend/walking/at_bound" in row and "blend/reaching/weight" in row for row in read_metrics(run_dir))
  # The last training checkpoint (the final iteration's state) carries the skills: it acts as the final policy
  # does, and still restores for a resume.
  from skillbench.training import run_dir as runs
  from skillbench.training.train import restore_training_state

  last = runs.latest_checkpoint(run_dir)
  from_checkpoint = policy_lib.load(last)
  assert from_checkpoint.checkpoint.kind == "training" and from_checkpoint.is_blender
  env = cached_env("h1", "button_press")
  obs = {"state": jax.random.normal(jax.random.PRNGKey(2), (env.observation_size["state"][0],))}
  np.testing.assert_array_equal(from_checkpoint.mean_action(obs), loaded.mean_action(obs))
  cfg = blender_config(tmp_path, task="button_press", method=method, **sources)
  ppo = PPO(env, cfg.trainer.ppo, actor_net=build_actor(cfg, env)[0])
  state, _ = restore_training_state(last, ppo.init(jax.random.PRNGKey(9)), env)
  np.testing.assert_array_equal(ppo.policy(state).actor_stats.mean, from_checkpoint.policy.actor_stats.mean)
  # Blend-weight views: evaluation writes the weights and one heatmap per rollout; videos show a strip.
  from skillbench.evaluation import protocol as evaluation

  out = tmp_path / "views"
  record = evaluation.evaluate_policy("h1", "button_press", loaded, num_rollouts=2, seconds=0.5, weights_dir=out)
  views = record["backends"]["mujoco"]["blend_weights"]
  assert views["skills"] == ["walking", "reaching"] and len(views["heatmaps"]) == 2
  weights = np.load(views["file"])["weights"]
  assert weights.shape[1:] == (2, 2, 19)
  alive = weights.sum(axis=(2, 3)) > 0
  np.testing.assert_allclose(weights.sum(axis=2)[alive], 1.0, rtol=1e-5)
  stdout = run("scripts/render.py", f"run={run_dir}", "seconds=0.2", f"out={tmp_path / 'v.mp4'}", "width=160",
               "height=120")
  assert (tmp_path / "v.mp4").stat().st_size > 1000 and '"frames"' in stdout


def test_a_training_step_moves_the_high_level_and_not_the_skills(skill_sources):
  env = cached_env("h1", "button_press")
  cfg = blender_config("/tmp", task="button_press", **{f"skill_sources.{k}": v for k, v in skill_sources.items()})
  actor, skills = build_actor(cfg, env)
  ppo = PPO(env, PPOConfig(num_envs=4, unroll_length=4, num_epochs=1, num_minibatches=1, actor_hidden=[16],
                           critic_hidden=[16]), actor_net=actor)
  state = ppo.init(jax.random.PRNGKey(0))
  obs = jax.random.normal(jax.random.PRNGKey(1), (env.observation_size["state"][0],))
  task, clock = env.skill.goal_size, env.skill.clock_size  # the task observation: [task part, clock, proprioception]
  skill_obs = [jax.numpy.concatenate([jax.numpy.zeros(s.goal_size), obs[task if s.clock_size else task + clock:]])
               for s in actor.skills]
  before_skills = [np.asarray(s.apply(o)) for s, o in zip(actor.skills, skill_obs)]
  before = jax.tree.map(np.asarray, state.params["actor"])
  state, metrics = ppo.train_iteration(state)
  after = jax.tree.map(np.asarray, state.params["actor"])
  # what a blender logs each iteration: its sub-goals' share at the bound and its mean weights (softmax: sum 1)
  assert all(0.0 <= metrics[f"blend/{s}/at_bound"] <= 1.0 for s in ("walking", "reaching"))
  assert float(metrics["blend/walking/weight"] + metrics["blend/reaching/weight"]) == pytest.approx(1.0, abs=1e-5)
  assert any(not np.array_equal(a, b) for a, b in zip(jax.tree.leaves(before), jax.tree.leaves(after)))
  for s, o, b in zip(actor.skills, skill_obs, before_skills):
    np.testing.assert_array_equal(s.apply(o), b)
  for loaded in skills:  # the library's files are untouched
    assert policy_lib.load(loaded.checkpoint.path).checkpoint.sha256() == loaded.checkpoint.sha256()


def test_train_blender_script_refuses_sb3_for_the_blender(skill_sources, tmp_path):
  import subprocess
  import sys

  from tests.test_scripts import ROOT

  done = subprocess.run(
    [sys.executable, "scripts/train_blender.py", "preset=smoke", "trainer=sb3", f"runs_root={tmp_path}",
     *[f"skill_sources.{k}={v}" for k, v in skill_sources.items()]],
    cwd=ROOT, capture_output=True, text=True, timeout=600,
  )
  assert done.returncode != 0 and "trainer=sb3 trains flat policies only" in done.stderr + done.stdout
