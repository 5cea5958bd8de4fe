"""Runs never pass off broken numbers: NaN stops training, Ctrl-C saves, one process per run,
numbers and folders are checked before anything starts (issue 29)."""

import dataclasses
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from skillbench import bounds
from skillbench.errors import ConfigValueError, NonFiniteError, UnknownNameError
from skillbench.evaluation import protocol as evaluation
from skillbench.policy import checkpoint as ckpt_lib
from skillbench.training import guards
from skillbench.training import run_dir as runs
from skillbench.training.train import train
from tests.helpers import cached_env
from tests.test_training import ROOT, smoke_config

DIVERGING = {"trainer.ppo.learning_rate": "1e6", "trainer.ppo.adaptive_lr": "false"}


def _script(*args, script="scripts/train_primitive.py"):
  return [sys.executable, script, *args]


def _assert_no_policy(run: pathlib.Path) -> None:
  assert not (run / "policy.safetensors").exists() and not (run / "eval.json").exists()


# ------------------------------------------------------------------ NaN
def test_a_nan_loss_stops_training_at_its_first_iteration(tmp_path):
  """The issue's reproduction (learning rate 1e6): NaN from iteration 1; no policy, no score."""
  with pytest.raises(guards.TrainingDiverged) as err:
    train(smoke_config(tmp_path, run_dir=str(tmp_path / "run"), **DIVERGING))
  message = str(err.value)
  assert "training diverged at iteration 1: its loss and parameters became non-finite (NaN or Inf)" in message
  assert "Lower the learning rate (trainer.ppo.learning_rate=1e+06 now" in message
  assert "no checkpoint was written before it" in message
  run = tmp_path / "run"
  _assert_no_policy(run)
  assert not runs.checkpoints(run)
  assert "training diverged at iteration 1" in (run / "log.txt").read_text()


def test_nan_parameters_later_keep_the_last_finite_checkpoint(tmp_path, monkeypatch):
  """Parameters broken before iteration 3: its actions, loss and parameters are caught by the jitted
  iteration's own flags; checkpoints 1 and 2 stay, finite, and the message points at the last."""
  from skillbench.training.ppo import PPO

  real = PPO.train_iteration

  def broken_before_third(self, state):
    if int(state.iteration) == 2:
      state = state.replace(params={**state.params, "log_std": state.params["log_std"] * jnp.nan})
    return real(self, state)

  monkeypatch.setattr(PPO, "train_iteration", broken_before_third)
  run = tmp_path / "run"
  with pytest.raises(guards.TrainingDiverged, match="iteration 3: its actions, loss and parameters became") as err:
    train(smoke_config(tmp_path, run_dir=str(run), **{"trainer.checkpoint_every": 1}))
  last = runs.checkpoint_path(run, 2)
  assert [i for i, _ in runs.checkpoints(run)] == [1, 2]
  assert f"its last finite checkpoint, {last} (iteration 2), is kept. Lower the learning rate" in str(err.value)
  for key, value in ckpt_lib.load(last).arrays.items():
    if np.issubdtype(value.dtype, np.floating):
      assert np.isfinite(value).all(), key
  _assert_no_policy(run)


def test_sb3_trainer_stops_on_nan_too(tmp_path):
  run = tmp_path / "run"
  with pytest.raises(guards.TrainingDiverged, match="training diverged at iteration 1: its (parameters|action std)"):
    train(smoke_config(tmp_path, trainer="sb3", run_dir=str(run), **DIVERGING))
  _assert_no_policy(run)
  assert not runs.checkpoints(run)


def test_a_policy_file_with_nan_is_never_written(tmp_path):
  path = tmp_path / "policy.safetensors"
  arrays = {"params['actor']['out']['kernel']": np.array([[1.0, np.nan]], np.float32), "count": np.array([3])}
  with pytest.raises(NonFiniteError, match=re.escape("arrays params['actor']['out']['kernel'] hold NaN or Inf")):
    ckpt_lib.save(path, arrays, "policy", embodiment="h1", skill="reaching")
  assert not path.exists() and not list(tmp_path.iterdir())


def test_evaluation_refuses_a_policy_with_nan_actions():
  """A task evaluation (and any other) names the non-finite actions instead of scoring zeros."""
  env = cached_env("h1", "button_press")
  nan_act = lambda obs: jnp.full(env.action_size, jnp.nan)
  with pytest.raises(NonFiniteError, match=r"actions are NaN or Inf \(first at 0.00 s of rollout 0; 2 of 2 rollouts\)"):
    evaluation.evaluate(env, nan_act, num_rollouts=2, seconds=0.1)


def test_evaluate_policy_names_the_nan_policy():
  from skillbench.policy import library
  from skillbench.policy import saved as policy_lib

  loaded = policy_lib.load(library.resolve(library.PRETRAINED, "h1", "reaching"))
  broken = dataclasses.replace(loaded, policy=jax.tree.map(lambda x: x * jnp.nan, loaded.policy))
  with pytest.raises(NonFiniteError, match=re.escape(f"{loaded.checkpoint.path} on mujoco: the policy's actions")):
    evaluation.evaluate_policy("h1", "reaching", broken, num_rollouts=2, seconds=0.1)


def test_gym_envs_refuse_a_non_finite_action():
  import gymnasium as gym

  env = gym.make("SkillBench/H1-Reaching-v0")
  env.reset(seed=0)
  action = np.zeros(env.action_space.shape, np.float32)
  action[3] = np.nan
  name = env.unwrapped.env.embodiment.joint_names[3]
  with pytest.raises(NonFiniteError, match=f"action holds NaN or Inf \\({name} = nan\\); refused"):
    env.step(action)
  vec = gym.make_vec("SkillBench/H1-Reaching-v0", num_envs=2)
  vec.reset(seed=0)
  actions = np.zeros((2, action.size), np.float32)
  actions[1, 0] = np.inf
  with pytest.raises(NonFiniteError, match=f"env 1 {vec.unwrapped.batched.env.embodiment.joint_names[0]} = inf"):
    vec.step(actions)


# ------------------------------------------------------------------ Ctrl-C
def test_first_ctrl_c_asks_to_stop_and_a_second_one_interrupts():
  import io

  before = signal.getsignal(signal.SIGINT)  # Python's default, or SIG_IGN under a shell's `&`
  with guards.StopRequest(stream=io.StringIO()) as stop:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.01)  # the handler runs between bytecodes
    assert stop.requested
    with pytest.raises(KeyboardInterrupt):
      os.kill(os.getpid(), signal.SIGINT)
      time.sleep(0.5)
  assert signal.getsignal(signal.SIGINT) is before, "the previous handler is back"


@pytest.mark.slow
def test_ctrl_c_saves_a_checkpoint_and_prints_the_resume_command(tmp_path):
  run = tmp_path / "run"
  proc = subprocess.Popen(_script("preset=smoke", "trainer.total_env_steps=1000000", "trainer.checkpoint_every=1000",
                                  "final_eval_rollouts=0", f"run_dir={run}"),
                          cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
  deadline = time.time() + 600
  while not ((run / "metrics.jsonl").is_file() and (run / "metrics.jsonl").stat().st_size) and time.time() < deadline:
    time.sleep(0.2)
  proc.send_signal(signal.SIGINT)
  out, err = proc.communicate(timeout=300)
  assert proc.returncode == guards.INTERRUPT_EXIT_CODE, err[-2000:]
  assert "Traceback" not in err and "KeyboardInterrupt" not in err
  last = err.strip().splitlines()[-1]
  found = runs.checkpoints(run)
  assert len(found) == 1 and not (run / "policy.safetensors").exists()
  iteration, path = found[0]
  assert last == (f"interrupted at iteration {iteration} ({iteration * 128} env steps); checkpoint saved: {path}. "
                  f"Resume with: python scripts/train_primitive.py resume={run}")
  resume = last.split("Resume with: python ")[1].split()
  done = subprocess.run([sys.executable, *resume, f"trainer.total_env_steps={(iteration + 1) * 128}"], cwd=ROOT,
                        capture_output=True, text=True, timeout=600)
  assert done.returncode == 0, done.stderr[-2000:]
  assert json.loads((run / "metrics.jsonl").read_text().splitlines()[-1])["iteration"] == iteration + 1


# ------------------------------------------------------------------ one process per run
def _fake_resumable_run(path: pathlib.Path) -> pathlib.Path:
  (path / "checkpoints").mkdir(parents=True)
  (path / "config.yaml").write_text("{}\n")
  runs.checkpoint_path(path, 1).write_bytes(b"")
  return path


def test_a_run_trained_by_another_process_is_refused(tmp_path):
  run = _fake_resumable_run(tmp_path / "run")
  holder = subprocess.Popen(
    [sys.executable, "-c", ("import time; from skillbench.training import run_dir\n"
                            f"with run_dir.locked({str(run)!r}):\n  print('locked', flush=True); time.sleep(120)")],
    cwd=ROOT, stdout=subprocess.PIPE, text=True)
  try:
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(runs.RunDirError, match=f"run {run} is in use: process {holder.pid} is training it"):
      train(smoke_config(tmp_path, resume=str(run)))
    assert not (run / "run.json").exists(), "the refused process wrote nothing"
  finally:
    holder.kill()
    holder.wait()
  with runs.locked(run):  # released when its holder exits
    assert (run / runs.LOCK).read_text().strip() == str(os.getpid())
  with runs.locked(run):  # and when the block ends
    pass


# ------------------------------------------------------------------ numbers, before anything starts
@pytest.mark.parametrize("field, value, allowed", [
  ("trainer.ppo.num_envs", 0, "an integer >= 1"),
  ("trainer.checkpoint_every", 0, "an integer >= 1"),
  ("time_limit_min", 0.0, "a number > 0 or null"),  # 0 meant "no limit"
  ("time_limit_min", -5.0, "a number > 0 or null"),
  ("final_eval_rollouts", -1, "an integer >= 0"),
  ("final_eval_seconds", -1.0, "a number > 0 or null"),
])
def test_training_numbers_out_of_range_are_refused_before_a_run_folder_exists(tmp_path, field, value, allowed):
  with pytest.raises(ConfigValueError, match=re.escape(f"{field}={value} is out of range: allowed is {allowed} (")):
    train(smoke_config(tmp_path, **{field: value}))
  assert not list(tmp_path.iterdir()), "no run folder is left"


def test_minibatches_that_do_not_divide_the_batch_are_refused_first(tmp_path):
  with pytest.raises(ConfigValueError, match=r"trainer.ppo.num_minibatches=3 does not divide the batch .* = 128\)"):
    train(smoke_config(tmp_path, **{"trainer.ppo.num_minibatches": 3}))
  assert not list(tmp_path.iterdir())


def test_a_start_that_fails_while_setting_up_leaves_no_run_folder(tmp_path):
  with pytest.raises(UnknownNameError, match="wrist_poz"):
    train(smoke_config(tmp_path, **{"+primitive.reward_weights.wrist_poz": "1"}))
  assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("kwargs, message", [
  ({"num_rollouts": 0}, "num_rollouts=0 is out of range: allowed is an integer >= 1"),
  ({"seconds": -1}, "seconds=-1 is out of range: allowed is a number > 0 or null"),
  ({"seconds": 0.001}, "seconds=0.001 is shorter than one control step (0.02 s)"),
])
def test_evaluation_numbers_out_of_range_are_refused(kwargs, message):
  with pytest.raises(ConfigValueError, match=re.escape(message)):
    evaluation.evaluate_policy("h1", "reaching", None, "zero", **kwargs)


def test_evaluate_script_refuses_negative_seconds(tmp_path):
  out = tmp_path / "eval.json"
  done = subprocess.run([sys.executable, "scripts/evaluate.py", "policy=zero", "embodiment=h1", "primitive=reaching",
                         "seconds=-1", f"out={out}"], cwd=ROOT, capture_output=True, text=True, timeout=300)
  assert done.returncode != 0 and "seconds=-1.0 is out of range: allowed is a number > 0 or null" in done.stderr
  assert not out.exists()


def test_config_bounds_name_every_field_they_check():
  for path in ("trainer.ppo.num_envs", "trainer.checkpoint_every", "num_rollouts", "seconds", "time_limit_min"):
    assert any(b.path == path for b in bounds.BOUNDS), path


# ------------------------------------------------------------------ folders
def test_a_run_folder_that_cannot_be_made_is_reported_before_training(tmp_path):
  blocker = tmp_path / "file"
  blocker.write_text("not a folder")
  with pytest.raises(runs.RunDirError, match=f"cannot create run folder {re.escape(str(blocker))}/.*Choose a writable"):
    train(smoke_config(tmp_path, runs_root=str(blocker)))


def test_a_read_only_run_folder_is_reported_before_training(tmp_path, monkeypatch):
  run = _fake_resumable_run(tmp_path / "run")
  real = runs.tempfile.TemporaryFile

  def refused_in_run(*args, dir=None, **kwargs):  # the OS refusing writes there (root ignores modes)
    if dir is not None and pathlib.Path(dir).is_relative_to(run):
      raise PermissionError(13, "Permission denied")
    return real(*args, dir=dir, **kwargs)

  monkeypatch.setattr(runs.tempfile, "TemporaryFile", refused_in_run)
  with pytest.raises(runs.RunDirError, match=f"run folder {run} cannot be written .*: training would fail"):
    train(smoke_config(tmp_path, resume=str(run)))
  assert sorted(p.name for p in run.iterdir()) == ["checkpoints", "config.yaml"], "nothing was written"


def test_hydra_run_dir_is_refused_with_a_pointer_to_run_dir(tmp_path):
  target = tmp_path / "hydra_dir"
  done = subprocess.run(_script("preset=smoke", f"hydra.run.dir={target}"), cwd=ROOT, capture_output=True, text=True,
                        timeout=300)
  assert done.returncode == 2
  assert done.stderr.strip() == (
    "error: hydra.run.dir is not used: SkillBench's scripts choose their own folders. Use run_dir=<folder> (this "
    "run's folder) or runs_root=<folder> (where run folders are made) instead."
  )
  assert not target.exists()


def test_a_multiruns_sweep_dir_is_refused_too():
  from skillbench.commands import config as config_lib
  from skillbench.errors import ConfigValueError

  for arg in ("hydra.sweep.dir=/tmp/x", "+hydra.sweep.subdir=y"):
    with pytest.raises(ConfigValueError, match=f"{arg.split('=')[0].lstrip('+')} is not used: .* Use run_dir="):
      config_lib.refuse_ignored_overrides(["-m", "seed=0,1", arg])
  config_lib.refuse_ignored_overrides(["-m", "seed=0,1", "runs_root=/tmp/r"])  # what it points to passes
