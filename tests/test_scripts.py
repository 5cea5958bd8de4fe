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


@pytest.mark.slow
def test_unknown_script_option_is_refused():
  done = subprocess.run([sys.executable, "scripts/render.py", "embodyment=h1"], cwd=ROOT, capture_output=True,
                        text=True, timeout=300)
  assert done.returncode != 0 and "embodyment" in done.stderr
