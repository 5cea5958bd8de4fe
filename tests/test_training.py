"""Training: smoke runs end to end, checkpoints, resume, learning, and bad input."""

import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time

import jax
import numpy as np
import pytest
from omegaconf import OmegaConf

from skillbench.commands import config as config_lib
from skillbench.errors import SkillBenchError
from skillbench.policy import checkpoint as ckpt_lib
from skillbench.policy import saved as policy_lib
from skillbench.training import run_dir as runs
from skillbench.training.logger import read_metrics
from skillbench.training.train import train

ROOT = pathlib.Path(__file__).resolve().parents[1]


def smoke_config(tmp_path, **overrides) -> config_lib.TrainConfig:
  """The smoke preset (or `preset=...`), composed as the script composes it."""
  from hydra import compose, initialize

  config_lib.register()
  preset = overrides.pop("preset", "smoke")
  args = [f"runs_root={tmp_path}", f"preset={preset}", *[f"{k}={v}" for k, v in overrides.items()]]
  with initialize(version_base=None):
    cfg = compose(config_name="train", overrides=args)
  return OmegaConf.to_object(cfg)


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
  return train(smoke_config(tmp_path_factory.mktemp("runs")))


def test_smoke_run_writes_everything(smoke_run):
  for name in ("config.yaml", "run.json", "log.txt", "metrics.jsonl", "policy.safetensors", "curves.png", "eval.json"):
    assert (smoke_run / name).is_file(), name
  assert list((smoke_run / "tb").iterdir()), "TensorBoard events"
  info = json.loads((smoke_run / "run.json").read_text())
  assert info["seed"] == 0 and info["versions"]["mujoco"] == "4.0.0" and "commit" in info["git"]
  rows = [json.loads(line) for line in (smoke_run / "metrics.jsonl").read_text().splitlines()]
  assert [r["iteration"] for r in rows] == list(range(1, 9)) and rows[-1]["env_steps"] == 1024
  assert {"reward_per_step", "goal_error", "steps_per_s", "reward/wrist_pos", "kl", "learning_rate"} <= set(rows[-1])
  assert [i for i, _ in runs.checkpoints(smoke_run)] == [4, 6, 8], "the last three are kept"
  evaluation = json.loads((smoke_run / "eval.json").read_text())
  assert evaluation["backends"]["mujoco"]["num_rollouts"] == 2


def test_policy_checkpoint_describes_itself(smoke_run):
  loaded = policy_lib.load(smoke_run / "policy.safetensors")
  assert (loaded.embodiment, loaded.skill) == ("h1", "reaching")
  assert loaded.observation["actor_size"] == 77 and loaded.observation["joints"][0] == "left_hip_yaw"
  meta = loaded.checkpoint.metadata
  assert meta["network"]["actor_hidden"] == [32, 32] and meta["training"]["env_steps"] == 1024
  assert meta["training"]["skillbench"] == json.loads((smoke_run / "run.json").read_text())["versions"]["skillbench"]
  assert ckpt_lib.read_metadata(smoke_run / "policy.safetensors") == meta


def test_checkpoint_round_trips_bit_exactly(smoke_run, tmp_path):
  from skillbench.training.ppo import PPO

  path = runs.latest_checkpoint(smoke_run)
  cfg = smoke_config(tmp_path)
  from skillbench.training.run_config import build_env
  from skillbench.training.train import restore_training_state, save_training_state

  env = build_env(cfg)
  ppo = PPO(env, cfg.trainer.ppo)
  template = ppo.init(jax.random.PRNGKey(123))
  state, _ = restore_training_state(path, template, env)
  again = tmp_path / "again.safetensors"
  save_training_state(again, state, env, ppo, cfg, 1024)
  a, b = ckpt_lib.load(path).arrays, ckpt_lib.load(again).arrays
  assert a.keys() == b.keys() and len(a) > 50
  for k in a:
    assert a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]), k
  for leaf_a, leaf_b in zip(jax.tree.leaves(state), jax.tree.leaves(template)):
    assert np.asarray(leaf_a).dtype == np.asarray(leaf_b).dtype


def test_render_a_run(smoke_run, tmp_path):
  from skillbench.envs import render
  from skillbench.envs.factory import make
  from skillbench.policy import acting as policies

  what, loaded, robot, skill = policies.resolve(run=smoke_run)
  env = make(robot, skill)
  summary = render.record(env, policies.act_fn(env, loaded), tmp_path / "run.mp4", seconds=0.5, width=160, height=120)
  assert summary["frames"] == 26 and (tmp_path / "run.mp4").stat().st_size > 1000


# ------------------------------------------------------------------ bad input
def test_damaged_checkpoints_are_refused(smoke_run, tmp_path):
  good = smoke_run / "policy.safetensors"
  data = good.read_bytes()
  truncated = tmp_path / "truncated.safetensors"
  truncated.write_bytes(data[: len(data) // 2])
  with pytest.raises(ckpt_lib.CheckpointError, match="truncated.safetensors is not a readable SkillBench checkpoint"):
    policy_lib.load(truncated)
  flipped = bytearray(data)
  flipped[-10] ^= 0xFF
  corrupt = tmp_path / "corrupt.safetensors"
  corrupt.write_bytes(bytes(flipped))
  with pytest.raises(ckpt_lib.CheckpointError, match="corrupt.safetensors is damaged"):
    policy_lib.load(corrupt)
  assert ckpt_lib.read_metadata(corrupt)["skill"] == "reaching"  # the header alone: arrays neither read nor checked
  pickled = tmp_path / "policy.pkl"
  import pickle

  pickled.write_bytes(pickle.dumps({"params": np.zeros(3)}))
  with pytest.raises(ckpt_lib.CheckpointError, match="not a readable SkillBench checkpoint"):
    policy_lib.load(pickled)
  with pytest.raises(ckpt_lib.CheckpointError, match="not a readable SkillBench checkpoint"):
    ckpt_lib.read_metadata(pickled)
  with pytest.raises(ckpt_lib.CheckpointError, match="does not exist"):
    policy_lib.load(tmp_path / "missing.safetensors")


def test_checkpoint_of_another_robot_or_skill_is_refused(smoke_run):
  path = smoke_run / "policy.safetensors"
  with pytest.raises(ckpt_lib.CheckpointError, match="checkpoint of robot 'h1', not 'g1'"):
    policy_lib.load(path, embodiment="g1")
  with pytest.raises(ckpt_lib.CheckpointError, match="checkpoint of skill 'reaching', not 'walking'"):
    policy_lib.load(path, skill="walking")
  from skillbench.envs.factory import make

  loaded = policy_lib.load(path)
  with pytest.raises(ckpt_lib.CheckpointError, match="policy of skill 'reaching', not 'squatting'"):
    loaded.check_env(make("h1", "squatting"))


def test_checkpoint_argument_takes_a_run_folder_and_names_a_folder_without_a_policy(smoke_run, tmp_path):
  from skillbench.errors import SkillBenchError
  from skillbench.policy import acting as policies

  what, loaded, robot, skill = policies.resolve(checkpoint=str(smoke_run))
  assert what == str(smoke_run / "policy.safetensors") and (robot, skill) == ("h1", "reaching")
  with pytest.raises(SkillBenchError, match=re.escape(f"{tmp_path} is a folder without a final policy")):
    policies.resolve(checkpoint=str(tmp_path))
  with pytest.raises(SkillBenchError, match=re.escape(f"{tmp_path} is a folder without a final policy")):
    policies.resolve(run=str(tmp_path))
  with pytest.raises(SkillBenchError, match=re.escape(f"run folder {tmp_path / 'missing'} does not exist")):
    policies.resolve(run=str(tmp_path / "missing"))
  with pytest.raises(ckpt_lib.CheckpointError, match=re.escape(f"checkpoint {tmp_path} is a folder, not a checkpoint file")):
    policy_lib.load(tmp_path)
  from blender_policy import skills

  assert skills.skill_path(str(smoke_run), "h1", "reaching") == smoke_run / "policy.safetensors"
  with pytest.raises(SkillBenchError, match=re.escape(f"{tmp_path} is a folder without a final policy")):
    skills.skill_path(str(tmp_path), "h1", "reaching")
  with pytest.raises(SkillBenchError, match="skill reaching: .*missing does not exist; give skill_sources.reaching="):
    skills.skill_path(str(tmp_path / "missing"), "h1", "reaching")


def test_existing_run_dir_is_never_overwritten(smoke_run, tmp_path):
  before = sorted(p.name for p in smoke_run.iterdir())
  with pytest.raises(runs.RunDirError, match="already exists; nothing is overwritten. Pass resume="):
    train(smoke_config(tmp_path, run_dir=str(smoke_run)))
  assert sorted(p.name for p in smoke_run.iterdir()) == before
  a, b = runs.new_run_dir(tmp_path, "x"), runs.new_run_dir(tmp_path, "x")
  assert a != b, "two runs started in the same second get two folders"


def test_unknown_config_key_is_refused():
  done = subprocess.run([sys.executable, "scripts/train_primitive.py", "preset=smoke", "trainer.ppo.num_env=8"],
                        cwd=ROOT, capture_output=True, text=True, timeout=300)
  assert done.returncode != 0 and "num_env" in done.stderr and "not in" in done.stderr


def test_reward_weights_from_the_command_line_replace_the_skill_table(tmp_path):
  from skillbench.errors import UnknownNameError
  from skillbench.training.run_config import build_env

  plain = build_env(smoke_config(tmp_path))
  env = build_env(smoke_config(tmp_path, **{"+primitive.reward_weights.wrist_pos": "12.5"}))
  assert plain.skill.weights["wrist_pos"] == 5.0 and env.skill.weights == {**plain.skill.weights, "wrist_pos": 12.5}
  key = jax.random.PRNGKey(0)
  a, b = (e.step(e.reset(key), np.zeros(e.action_size, np.float32)) for e in (plain, env))
  assert float(a.metrics["reward/wrist_pos"]) > 0
  np.testing.assert_allclose(b.metrics["reward/wrist_pos"], 2.5 * a.metrics["reward/wrist_pos"], rtol=1e-6)
  np.testing.assert_allclose(b.metrics["reward/orientation"], a.metrics["reward/orientation"], rtol=1e-6)
  with pytest.raises(UnknownNameError, match="unknown reward term of reaching 'wrist_poz'.*wrist_pos"):
    build_env(smoke_config(tmp_path, **{"+primitive.reward_weights.wrist_poz": "1"}))


# ----------------------------------------------------------------- learning
@pytest.mark.slow
def test_return_rises_in_a_short_cpu_run(tmp_path):
  """A fixed-seed CPU run (the cpu preset with 128 environments, 150 iterations, ~2 min): the robot
  learns to stay up.

  Early on every episode ends in a fall after ~1.4 s; the episode return (the reward collected
  before falling) must rise well above its starting level, so a broken gradient, normaliser or
  reward fails here. (It rose 1.68x on the AMD EPYC at commit 3e8105f; with 64 environments only
  1.21x, too close to the bar; the preset's 256 took twice as long.)
  """
  cfg = smoke_config(tmp_path, **{
    "preset": "cpu", "trainer.ppo.num_envs": 128, "trainer.total_env_steps": 150 * 128 * 24,
    "trainer.checkpoint_every": 1000, "final_eval_rollouts": 0, "time_limit_min": "null",
  })
  run = train(cfg)
  rows = read_metrics(run)
  start = np.mean([r["episode_return"] for r in rows[2:12]])
  end = np.mean([r["episode_return"] for r in rows[-10:]])
  assert end > 1.3 * start, f"episode return went from {start:.2f} to {end:.2f}"


# ---------------------------------------------------------------- warm start
def test_warm_start_carries_networks_normalisers_and_optimiser_but_not_environments(smoke_run, tmp_path):
  from skillbench.training import warm_start
  from skillbench.training.ppo import PPO
  from skillbench.training.run_config import build_env

  cfg = smoke_config(tmp_path, **{"env.push": "false", "seed": 7})  # other pushes, other seed: allowed
  env = build_env(cfg)
  ppo = PPO(env, cfg.trainer.ppo)
  template = ppo.init(jax.random.PRNGKey(7))
  state, lineage = warm_start.warm_start(smoke_run, template, env, policy_lib.network_metadata(ppo.config))
  source = runs.latest_checkpoint(smoke_run)
  saved = ckpt_lib.load(source).arrays
  mine = ckpt_lib.flatten(jax.device_get(state))
  carried = [k for k in mine if k.startswith(tuple(f".{name}" for name in warm_start.CARRIED))]
  assert len(carried) > 20 and any(k.startswith(".opt_state") for k in carried)
  for k in carried:
    assert np.array_equal(mine[k], saved[k].reshape(mine[k].shape)), k  # scalars are stored as (1,)
  fresh = ckpt_lib.flatten(jax.device_get(template))
  for k in (".env_state", ".rng", ".iteration"):
    matching = [key for key in mine if key.startswith(k)]
    assert matching and all(np.array_equal(mine[key], fresh[key]) for key in matching), k
  assert not np.array_equal(mine[".rng"], saved[".rng"])
  assert lineage["sha256"] == ckpt_lib.file_sha256(source) and lineage["env_steps"] == 1024
  assert lineage["run"] == smoke_run.name and lineage["wall_clock_s"] > 0
  assert lineage["checkpoint"] == f"{smoke_run.name}/checkpoints/{source.name}"  # no local path in a manifest


def test_warm_started_run_records_its_lineage_through_a_resume(smoke_run, tmp_path):
  import dataclasses

  from skillbench.policy import library

  cfg = smoke_config(tmp_path, **{"init": str(smoke_run), "env.push": "false", "final_eval_rollouts": 0,
                                   "trainer.total_env_steps": 256, "trainer.checkpoint_every": 1})
  run = train(cfg)
  assert "warm start from" in (run / "log.txt").read_text()
  first = ckpt_lib.load(run / "policy.safetensors").metadata["training"]
  assert first["env_steps"] == 256 and first["init"]["env_steps"] == 1024 and first["init"]["run"] == smoke_run.name
  resumed = dataclasses.replace(cfg, resume=str(run),
                                trainer=dataclasses.replace(cfg.trainer, total_env_steps=512))
  train(resumed)
  training = ckpt_lib.load(run / "policy.safetensors").metadata["training"]
  assert training["env_steps"] == 512 and training["init"] == first["init"]
  assert library.total(training, "env_steps") == 512 + 1024
  entry = library.add(run, {}, root=tmp_path / "library")
  manifest = json.loads((entry / "manifest.json").read_text())
  assert manifest["env_steps"] == 1536 and manifest["warm_start"]["sha256"] == first["init"]["sha256"]
  assert manifest["wall_clock_s"] == pytest.approx(training["wall_clock_s"] + first["init"]["wall_clock_s"])


def test_warm_start_reads_a_checkpoint_from_before_clocks(smoke_run, tmp_path):
  """Checkpoints written before skills had clocks record no clock_size; reaching has no clock, so
  such a checkpoint (the run the H1 stepping entry was warm-started from has them) has the same observation."""
  from skillbench.training import warm_start
  from skillbench.training.ppo import PPO
  from skillbench.training.run_config import build_env

  source = ckpt_lib.load(runs.latest_checkpoint(smoke_run))
  observation = {k: v for k, v in source.metadata["observation"].items() if k != "clock_size"}
  old = ckpt_lib.save(tmp_path / "old" / "checkpoints" / "ckpt_00000008.safetensors", source.arrays, source.kind,
                      **{**source.metadata, "observation": observation})
  cfg = smoke_config(tmp_path)
  env = build_env(cfg)
  ppo = PPO(env, cfg.trainer.ppo)
  state, lineage = warm_start.warm_start(old, ppo.init(jax.random.PRNGKey(0)), env,
                                         policy_lib.network_metadata(ppo.config))
  assert lineage["sha256"] == ckpt_lib.file_sha256(old)
  mine = ckpt_lib.flatten(jax.device_get(state))
  params = [k for k in mine if k.startswith(".params")]
  assert params and all(np.array_equal(mine[k], source.arrays[k].reshape(mine[k].shape)) for k in params)


def test_warm_start_from_the_library_carries_networks_and_normalisers_with_a_fresh_optimiser(
    smoke_run, tmp_path, monkeypatch):
  """`init=pretrained` reads the library entry's policy file: its actor, critic, std and normalisers;
  it holds no optimiser state, so Adam starts afresh."""
  from skillbench.errors import SkillBenchError
  from skillbench.policy import library
  from skillbench.training import warm_start
  from skillbench.training.ppo import PPO, learning_rate, warm_learning_rate
  from skillbench.training.run_config import build_env

  monkeypatch.setattr(library, "ROOT", tmp_path / "checkpoints")
  entry = library.add(smoke_run, {})
  cfg = smoke_config(tmp_path, **{"init": "pretrained", "seed": 3, "final_eval_rollouts": 0,
                                   "trainer.total_env_steps": 256})
  env = build_env(cfg)
  ppo = PPO(env, cfg.trainer.ppo)
  template = ppo.init(jax.random.PRNGKey(3))
  state, lineage = warm_start.warm_start("pretrained", template, env, policy_lib.network_metadata(ppo.config),
                                         fresh_learning_rate=warm_learning_rate(ppo.config))
  saved = ckpt_lib.load(entry / "policy.safetensors").arrays
  mine, fresh = ckpt_lib.flatten(jax.device_get(state)), ckpt_lib.flatten(jax.device_get(template))
  carried = [k for k in mine if k.startswith((".params", ".actor_stats", ".critic_stats"))]
  assert len(carried) > 10 and any(k.startswith(".params['critic']") for k in carried)
  for k in carried:
    assert np.array_equal(mine[k], saved[k].reshape(mine[k].shape)), k
  optimiser = [k for k in mine if k.startswith(".opt_state") and "learning_rate" not in k]
  assert optimiser and all(np.array_equal(mine[k], fresh[k]) for k in optimiser)
  assert learning_rate(state.opt_state) == np.float32(ppo.config.min_lr) < ppo.config.learning_rate
  assert lineage == {**lineage, "run": smoke_run.name, "optimiser": "fresh", "env_steps": 1024,
                     "checkpoint": "checkpoints/h1/reaching/policy.safetensors",
                     "sha256": ckpt_lib.file_sha256(entry / "policy.safetensors")}
  run = train(cfg)
  assert "Adam starts afresh at learning rate 1e-05" in (run / "log.txt").read_text()
  assert ckpt_lib.load(run / "policy.safetensors").metadata["training"]["init"]["sha256"] == lineage["sha256"]
  data = (entry / "policy.safetensors").read_bytes()
  (entry / "policy.safetensors").write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
  with pytest.raises(SkillBenchError, match="does not match its manifest"):
    train(cfg)


def test_warm_start_refuses_another_network_or_robot(smoke_run, tmp_path):
  from skillbench.envs.factory import make
  from skillbench.errors import SkillBenchError
  from skillbench.training import warm_start
  from skillbench.training.run_config import build_env

  cfg = smoke_config(tmp_path, **{"trainer.ppo.actor_hidden": "[16]"})
  network = policy_lib.network_metadata(cfg.trainer.ppo)
  with pytest.raises(ckpt_lib.CheckpointError, match=r"another network \(actor_hidden differ"):
    warm_start.load_source(smoke_run, build_env(cfg), network)
  network = policy_lib.network_metadata(smoke_config(tmp_path).trainer.ppo)
  with pytest.raises(ckpt_lib.CheckpointError, match="checkpoint of robot 'h1', not 'g1'"):
    warm_start.load_source(smoke_run, make("g1", "reaching"), network)
  with pytest.raises(ckpt_lib.CheckpointError, match="no such run directory or checkpoint file"):
    train(smoke_config(tmp_path, init=str(tmp_path / "nowhere")))
  assert not list(tmp_path.glob("h1-reaching-*")), "no run folder is made for a warm start that cannot start"
  with pytest.raises(SkillBenchError, match="init= .* needs trainer=brax"):
    train(smoke_config(tmp_path, init=str(smoke_run), trainer="sb3"))


# -------------------------------------------------------------------- resume
def _script(*args):
  return [sys.executable, "scripts/train_primitive.py", "preset=smoke", *args]


@pytest.mark.slow
def test_resume_after_a_kill_matches_an_uninterrupted_run(tmp_path):
  common = ["trainer.total_env_steps=4096", "trainer.checkpoint_every=4", "final_eval_rollouts=0"]
  whole = tmp_path / "whole"
  subprocess.run(_script(*common, f"run_dir={whole}"), cwd=ROOT, check=True, capture_output=True, timeout=900)

  cut = tmp_path / "cut"
  proc = subprocess.Popen(_script(*common, f"run_dir={cut}"), cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, start_new_session=True)
  deadline = time.time() + 600
  while not runs.checkpoints(cut) and time.time() < deadline:
    time.sleep(0.2)
  os.killpg(proc.pid, signal.SIGKILL)  # between checkpoints: iterations 5.. are lost
  proc.wait()
  assert runs.checkpoints(cut)[-1][0] < 32 and not (cut / "policy.safetensors").exists()

  resume = [sys.executable, "scripts/train_primitive.py", f"resume={cut}"]
  done = subprocess.run(resume, cwd=ROOT, capture_output=True, text=True, timeout=900)
  assert done.returncode == 0, done.stderr[-2000:]
  a = ckpt_lib.load(whole / "policy.safetensors").arrays
  b = ckpt_lib.load(cut / "policy.safetensors").arrays
  for k in a:
    assert np.array_equal(a[k], b[k]), f"{k} differs after resume"
  lines = (cut / "metrics.jsonl").read_text().splitlines()
  assert json.loads(lines[-1])["iteration"] == 32
  # Throughput over the whole run, both processes, not the resumed process's alone.
  summary = ckpt_lib.load(cut / "policy.safetensors").metadata["training"]
  assert summary["steps_per_s"] == pytest.approx(summary["env_steps"] / summary["wall_clock_s"])


@pytest.mark.slow
def test_resume_refuses_to_change_the_configuration(tmp_path):
  run = tmp_path / "r"
  subprocess.run(_script("trainer.total_env_steps=256", "trainer.checkpoint_every=1", "final_eval_rollouts=0",
                         f"run_dir={run}"), cwd=ROOT, check=True, capture_output=True, timeout=900)
  done = subprocess.run([sys.executable, "scripts/train_primitive.py", f"resume={run}", "trainer.ppo.num_envs=16"],
                        cwd=ROOT, capture_output=True, text=True, timeout=300)
  assert done.returncode != 0 and "trainer.ppo.num_envs cannot change when resuming" in done.stderr


def test_resume_refuses_a_blender_run_whose_skill_file_changed_since_its_checkpoint(tmp_path):
  """A library entry replaced after a blender run's last checkpoint: resuming it would train its policy
  over another skill, so it is refused, naming the skill; the same skill resumes."""
  import types

  from skillbench.training.train import check_resumed_skills

  walking = tmp_path / "walking.safetensors"
  walking.write_bytes(b"the walking it trained over")
  skills = [types.SimpleNamespace(skill="walking", checkpoint=types.SimpleNamespace(path=walking))]
  checkpoint = tmp_path / "ckpt_00000010.safetensors"
  ckpt_lib.save(checkpoint, {"w": np.zeros(1, np.float32)}, "training",
                blender={"skills": [{"name": "walking", "source_sha256": ckpt_lib.file_sha256(walking)}]})
  check_resumed_skills(checkpoint, skills)
  walking.write_bytes(b"the library's new walking")
  with pytest.raises(SkillBenchError, match="trained over the walking skill .* Start a new run"):
    check_resumed_skills(checkpoint, skills)


@pytest.mark.slow
def test_data_parallel_over_two_devices_matches_one(tmp_path):
  """With two (forced CPU) devices the environments are split across them; the result is the same."""
  common = ["final_eval_rollouts=0", "trainer.checkpoint_every=8"]
  one, two = tmp_path / "one", tmp_path / "two"
  subprocess.run(_script(*common, f"run_dir={one}"), cwd=ROOT, check=True, capture_output=True, timeout=900)
  env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
  subprocess.run(_script(*common, f"run_dir={two}"), cwd=ROOT, env=env, check=True, capture_output=True, timeout=900)
  assert json.loads((two / "run.json").read_text())["hardware"]["device_count"] == 2
  a = ckpt_lib.load(one / "policy.safetensors").arrays
  b = ckpt_lib.load(two / "policy.safetensors").arrays
  for k in a:
    # The two layouts sum in different orders: up to 3e-5 apart here (one weight of 1024 beyond 1e-6).
    np.testing.assert_allclose(a[k], b[k], rtol=1e-4, atol=1e-4, err_msg=k)


@pytest.mark.slow
def test_multirun_sweeps_seeds_into_separate_runs(tmp_path):
  args = [sys.executable, "scripts/train_primitive.py", "--multirun", "preset=smoke", "seed=0,1",
          f"runs_root={tmp_path}", "final_eval_rollouts=0", "trainer.total_env_steps=256"]
  done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=900)
  assert done.returncode == 0, done.stderr[-2000:]
  made = sorted(tmp_path.glob("h1-reaching-brax-*"))
  assert len(made) == 2
  seeds = sorted(json.loads((r / "run.json").read_text())["seed"] for r in made)
  assert seeds == [0, 1]


def test_wandb_is_only_used_when_asked_and_says_how_to_get_it(tmp_path, monkeypatch):
  from skillbench.errors import SkillBenchError
  from skillbench.training.logger import RunLogger

  monkeypatch.setitem(sys.modules, "wandb", None)  # as if wandb were not installed
  RunLogger(tmp_path, total_steps=10).close()  # without wandb=true nothing imports it
  with pytest.raises(SkillBenchError, match="wandb=true needs the wandb package: pip install wandb"):
    RunLogger(tmp_path, total_steps=10, wandb=True)


def test_iterations_without_ended_episodes_log_no_nan_to_tensorboard(tmp_path, caplog):
  """An episode mean over no episodes is NaN: null in metrics.jsonl (strict JSON), NaN when read
  back, and not sent to TensorBoard."""
  import io

  from skillbench.training.logger import RunLogger

  log = RunLogger(tmp_path, total_steps=10, stream=io.StringIO())
  with caplog.at_level("WARNING"):
    log.log(1, 5, {"episode_return": float("nan"), "reward_per_step": 0.5})
  log.close()
  assert "NaN or Inf" not in caplog.text
  row = json.loads((tmp_path / "metrics.jsonl").read_text(), parse_constant=pytest.fail)
  assert row["episode_return"] is None and row["reward_per_step"] == 0.5
  (read,) = read_metrics(tmp_path)
  assert np.isnan(read["episode_return"]) and read["reward_per_step"] == 0.5


def _fake_run(folder, errors, steps_per_iteration=1000, seconds_per_iteration=6.0):
  folder.mkdir(parents=True)
  rows = [{"iteration": i, "env_steps": (i + 1) * steps_per_iteration, "wall_s": (i + 1) * seconds_per_iteration,
           "goal_error": e} for i, e in enumerate(errors)]
  (folder / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
  return folder


def test_compare_trainers_finds_the_first_smoothed_crossing_and_refuses_a_folder_without_metrics(tmp_path):
  fast = _fake_run(tmp_path / "fast", [0.4, 0.2, 0.04, 0.04, 0.04])
  slow = _fake_run(tmp_path / "slow", [0.4, 0.3, 0.2, 0.1, 0.08], seconds_per_iteration=60.0)
  out = tmp_path / "cmp" / "h1-reaching"
  done = subprocess.run([sys.executable, "tools/compare_trainers.py", "--run", f"a={fast}", "--run", f"b={slow}",
                         "--threshold", "0.05", "--window", "1", "--out", str(out)],
                        cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert done.returncode == 0, done.stderr
  runs = {r["label"]: r for r in json.loads(out.with_suffix(".json").read_text())["runs"]}
  assert runs["a"]["thresholds"]["0.05"] == {"env_steps": 3000, "wall_s": 18.0}
  assert runs["b"]["thresholds"]["0.05"] is None and "not reached" in done.stdout
  assert out.with_suffix(".png").stat().st_size > 0
  assert runs["a"]["evaluated"] is None and "evaluated" not in done.stdout
  rows = [{"checkpoint": f"ckpt_{i}", "env_steps": s, "wall_s": w, "goal_error": e, "fell": 0.0}
          for i, (s, w, e) in enumerate([(1000, 60.0, 0.3), (3000, 180.0, 0.045), (5000, 300.0, 0.03)])]
  (slow / "eval_curve.json").write_text(json.dumps({"rollouts": 8, "seed": 0, "rows": rows}))
  again = subprocess.run([sys.executable, "tools/compare_trainers.py", "--run", f"a={fast}", "--run", f"b={slow}",
                          "--threshold", "0.05", "--window", "1", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
  runs = {r["label"]: r for r in json.loads(out.with_suffix(".json").read_text())["runs"]}
  assert runs["b"]["evaluated"]["thresholds"]["0.05"] == {"env_steps": 3000, "wall_s": 180.0}
  assert "evaluated first below 0.05" in again.stdout and "3.0 min, 0.00M steps" in again.stdout
  refused = subprocess.run([sys.executable, "tools/compare_trainers.py", "--run", f"a={tmp_path}", "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert refused.returncode == 2 and "has no metrics.jsonl" in refused.stderr


def test_compare_trainers_aggregates_a_trainers_seeds_and_refuses_one_seed_twice(tmp_path):
  seeds = {}
  for seed, errors in [(0, [0.4, 0.2, 0.04]), (1, [0.4, 0.3, 0.2]), (2, [0.3, 0.04, 0.03])]:
    seeds[seed] = _fake_run(tmp_path / f"ppo{seed}", errors)
    (seeds[seed] / "run.json").write_text(json.dumps({"seed": seed}))
  other = _fake_run(tmp_path / "td3", [0.5, 0.5, 0.5])
  out = tmp_path / "cmp"
  done = subprocess.run([sys.executable, "tools/compare_trainers.py", *(f"--run=ppo={f}" for f in seeds.values()),
                         "--run", f"td3={other}", "--threshold", "0.05", "--window", "1", "--out", str(out)],
                        cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert done.returncode == 0, done.stderr
  ppo, td3 = json.loads(out.with_suffix(".json").read_text())["trainers"]
  assert ppo["label"] == "ppo" and ppo["seeds"] == [0, 1, 2] and td3["seeds"] == [None]
  assert ppo["final_goal_error"] == {"mean": pytest.approx(0.09), "min": 0.03, "max": 0.2, "n": 3}
  assert ppo["thresholds"]["0.05"] == {"reached": 2, "of": 3, "mean_wall_s": 15.0, "mean_env_steps": 2500.0}
  assert td3["thresholds"]["0.05"]["reached"] == 0 and "Over seeds" in done.stdout
  twice = subprocess.run([sys.executable, "tools/compare_trainers.py", f"--run=ppo={seeds[0]}", f"--run=ppo={seeds[0]}",
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert twice.returncode == 2 and "one run folder twice" in twice.stderr
  (seeds[1] / "run.json").write_text(json.dumps({"seed": 0}))
  same = subprocess.run([sys.executable, "tools/compare_trainers.py", f"--run=ppo={seeds[0]}", f"--run=ppo={seeds[1]}",
                         "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert same.returncode == 2 and "are both seed 0" in same.stderr


def test_compare_trainers_takes_runs_whose_folders_are_gone_from_an_earlier_comparison(tmp_path):
  first = _fake_run(tmp_path / "ppo0", [0.4, 0.2, 0.04])
  (first / "run.json").write_text(json.dumps({"seed": 0}))
  other = _fake_run(tmp_path / "td3", [0.5, 0.3, 0.1])
  earlier = tmp_path / "earlier"
  compare = [sys.executable, "tools/compare_trainers.py", "--window", "1", "--threshold", "0.05"]
  done = subprocess.run([*compare, f"--run=ppo={first}", f"--run=td3={other}", "--out", str(earlier)],
                        cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert done.returncode == 0, done.stderr
  shutil.rmtree(first)
  second = _fake_run(tmp_path / "ppo1", [0.4, 0.3, 0.2])
  (second / "run.json").write_text(json.dumps({"seed": 1}))
  record, out = earlier.with_suffix(".json"), tmp_path / "now"
  done = subprocess.run([*compare, "--threshold", "0.3", f"--recorded=ppo={record}", f"--run=ppo={second}",
                         "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert done.returncode == 0, done.stderr
  doc = json.loads(out.with_suffix(".json").read_text())
  assert [(r["label"], r["seed"]) for r in doc["runs"]] == [("ppo", 0), ("ppo", 1)]  # td3: not asked for
  assert doc["runs"][0]["thresholds"]["0.3"] == {"env_steps": 2000, "wall_s": 12.0}  # read off the recorded curve
  assert doc["trainers"][0]["thresholds"]["0.05"] == {"reached": 1, "of": 2, "mean_wall_s": 18.0, "mean_env_steps": 3000.0}
  for bad, why in ([f"--recorded=ppo={record}", f"--recorded=ppo={record}"], "given twice"),\
                  ([f"--recorded=sac={record}"], "no run labelled 'sac' there (it has ppo, td3)"),\
                  ([f"--recorded=ppo={tmp_path}/none.json"], "is not a file"):
    refused = subprocess.run([*compare, *bad, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and why in refused.stderr, refused.stderr
  window = subprocess.run([sys.executable, "tools/compare_trainers.py", f"--recorded=ppo={record}", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert window.returncode != 0 and "give --window 1" in window.stderr


def test_checkpoint_curve_picks_at_most_one_checkpoint_per_interval_and_always_the_last(smoke_run):
  sys.path.insert(0, str(ROOT / "tools"))
  import checkpoint_curve

  every = checkpoint_curve.chosen(smoke_run, 0.0)
  kept = [p for _, p in runs.checkpoints(smoke_run)]
  assert [p for p, _, _ in every] == kept and all(s > 0 and w > 0 for _, s, w in every)
  assert [p for p, _, _ in checkpoint_curve.chosen(smoke_run, 1e9)] == [kept[0], kept[-1]][-len(kept):]


def test_curve_facts_reads_the_smoothed_curve_at_each_minute_and_the_first_crossing(tmp_path):
  """What the README quotes from a run's curve comes from a script: the trailing-mean value at the last
  iteration at or before each minute, and the first minute the smoothed training Error is at or below."""
  run = _fake_run(tmp_path / "run", [0.4, 0.2, 0.1, 0.1, 0.05], seconds_per_iteration=60.0)
  out = tmp_path / "facts.json"
  done = subprocess.run([sys.executable, "tools/curve_facts.py", str(run), "--at-min", "0.5,2,4.5", "--below", "0.1,0.01",
                         "--keys", "goal_error", "--window", "2", "--json", str(out)],
                        cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert done.returncode == 0, done.stderr
  doc = json.loads(out.read_text())
  assert [r["env_steps"] for r in doc["at"]] == [None, 2000, 4000]
  assert doc["at"][1]["goal_error"] == pytest.approx(0.3) and doc["at"][2]["goal_error"] == pytest.approx(0.1)
  assert doc["first_below"] == {"0.1": {"minute": 4.0, "env_steps": 4000}, "0.01": None}
  assert "| 2 | 0.00M | 0.300 |" in done.stdout and "at or below 0.01: never" in done.stdout
  unknown = subprocess.run([sys.executable, "tools/curve_facts.py", str(run), "--keys", "fall_fraction"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert unknown.returncode != 0 and "logs no fall_fraction" in unknown.stderr
  empty = subprocess.run([sys.executable, "tools/curve_facts.py", str(tmp_path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
  assert empty.returncode != 0 and "has no metrics.jsonl" in empty.stderr
