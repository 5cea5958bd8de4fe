"""The README's commands, end to end (slow: each starts a fresh process that compiles)."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run(*args, timeout=900):
  done = subprocess.run([sys.executable, *args], cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True,
                        timeout=timeout)
  assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
  return done.stdout


@pytest.mark.slow
def test_render_script_writes_a_video(tmp_path):
  out = tmp_path / "walk.mp4"
  stdout = run("scripts/render.py", "embodiment=g1", "primitive=walking", "policy=random", "seconds=1",
               f"out={out}", "width=160", "height=120")
  assert "rendering offscreen with MUJOCO_GL=" in stdout
  assert out.is_file() and out.stat().st_size > 1000
  summary = json.loads(stdout[stdout.index("{"):])
  assert summary["frames"] == 51


@pytest.mark.slow
def test_benchmark_script_writes_its_table_and_json(tmp_path):
  out = tmp_path / "bench.json"
  stdout = run("scripts/benchmark.py", "robots=[t1]", "backends=[mujoco]", "mujoco_batch_sizes=[8]", "seconds=0.4",
               f"out={out}")
  assert "| t1 | mujoco | 8 |" in stdout
  result = json.loads(out.read_text())
  row = result["rows"][0]
  assert row["env_steps_per_s"] > 0 and 0 < row["ratio_vs_rollout"] < 2
  assert result["machine"]["versions"]["mujoco"] == "4.0.0"
  from skillbench import provenance

  assert result["machine"]["processor"] == provenance.cpu_model() != ""  # the CPU's model, as run.json records it


@pytest.mark.slow
def test_unknown_script_option_is_refused():
  done = subprocess.run([sys.executable, "scripts/render.py", "embodyment=h1"], cwd=ROOT, capture_output=True,
                        text=True, timeout=300)
  assert done.returncode != 0 and "embodyment" in done.stderr


def test_reevaluate_library_names_the_entries_it_has():
  manifests = sorted((ROOT / "checkpoints").glob("*/*/manifest.json"))
  before = [m.read_bytes() for m in manifests]
  done = subprocess.run([sys.executable, "tools/reevaluate_library.py", "g1/flying"], cwd=ROOT, capture_output=True,
                        text=True, timeout=300)
  assert done.returncode == 2 and "no library entry 'g1/flying'" in done.stderr and "h1/reaching" in done.stderr
  assert [m.read_bytes() for m in manifests] == before


def gpu_check(tmp_path, *args, timeout=900):
  """Runs tools/gpu_check.sh as a dry run (this machine's packages and robots); (process, $OUT)."""
  out = tmp_path / "out"
  env = os.environ.copy()
  env.update(OUT=str(out), SKILLBENCH_GPU_SETUP="0", SKILLBENCH_GPU_RUNS=str(tmp_path / "runs"),
             PATH=f"{pathlib.Path(sys.executable).parent}:{env['PATH']}")
  done = subprocess.run(["bash", "tools/gpu_check.sh", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                        timeout=timeout)
  return done, out


@pytest.mark.slow
def test_gpu_check_trains_several_skills_at_once_and_packs_their_runs(tmp_path):
  """A dry run of the lent-GPU script on this machine's packages (MJX on the CPU, tiny sizes)."""
  import tarfile

  tiny = ["trainer.total_env_steps=16", "trainer.ppo.num_envs=2", "trainer.ppo.unroll_length=4",
          "trainer.ppo.num_minibatches=2", "trainer.ppo.actor_hidden=[8]", "trainer.ppo.critic_hidden=[8]"]
  done, out = gpu_check(tmp_path, "train-many", "h1:reaching h1:button_press:blender:1", *tiny)
  assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
  for log in ("h1-reaching", "h1-button_press-blender-1"):
    assert "policy: " in (out / f"train-{log}.log").read_text()
  with tarfile.open(out / "runs.tar.gz") as packed:
    names = packed.getnames()
  assert any(name.endswith("policy.safetensors") and "h1-reaching-" in name for name in names), names
  assert "./h1-button_press-blender-seed1/policy.safetensors" in names, names  # a campaign cell's run folder
  assert not any("/checkpoints/" in name for name in names)


@pytest.mark.slow
def test_gpu_check_fails_when_one_of_its_trainings_fails(tmp_path):
  done, out = gpu_check(tmp_path, "train-many", "h1:juggling", timeout=300)
  assert done.returncode == 1 and "training failed: h1:juggling" in done.stderr
  assert "juggling" in (out / "train-h1-juggling.log").read_text()


@pytest.mark.slow
def test_gpu_check_compares_the_backends(tmp_path):
  """The sim-to-sim check of a lent GPU, dry run: one control step, native against MJX, from H1's states."""
  done, out = gpu_check(tmp_path, "parity", "h1", "reaching", "--envs", "2", "--steps", "10")
  assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
  log = (out / "parity.log").read_text()
  assert "h1 reaching: one control step (4 substeps) from 20 states" in log
  median = float(log.split("joint velocity |native - mjx|, largest per state (rad/s): median ")[1].split(",")[0])
  assert median < 1e-3, log
