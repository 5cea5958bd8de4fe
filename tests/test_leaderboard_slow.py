"""The leaderboard round trip through the scripts (slow): train (smoke) -> render -> evaluate ->
submit --reproduce -> leaderboard, and a forged result refused by the script's exit status."""

import json
import subprocess
import sys

import pytest

from tests.test_scripts import ROOT, run

pytestmark = pytest.mark.slow


def test_a_smoke_checkpoint_goes_from_training_to_the_leaderboard(tmp_path):
  run("scripts/train_blender.py", "embodiment=h1", "task=button_press", "method=ppo", "preset=smoke",
      f"runs_root={tmp_path / 'runs'}")
  (run_dir,) = (tmp_path / "runs").iterdir()
  video = tmp_path / "press.mp4"
  run("scripts/render.py", f"run={run_dir}", "seconds=0.5", f"out={video}", "width=160", "height=120")
  run("scripts/evaluate.py", f"run={run_dir}", f"video={video}")
  result = run_dir / "result.json"
  doc = json.loads(result.read_text())
  assert doc["method"] == "ppo" and doc["video"]["path"] == "press.mp4" and doc["evaluation"]["protocol"]

  subs = tmp_path / "submissions"
  stdout = run("scripts/submit.py", str(result), "--reproduce", "--root", str(subs))
  assert "bit-identical" in stdout and "ACCEPTED" in stdout and "verified (re-measured" in stdout
  (folder,) = subs.iterdir()
  assert sorted(p.name for p in folder.iterdir()) == ["policy.safetensors", "press.mp4", "result.json",
                                                      "submission.json", "submitted.json"]

  mean = doc["metrics"]["aggregate"]["error"]["mean"]
  doc["metrics"]["aggregate"]["error"]["mean"] = 0.0
  forged = tmp_path / "forged" / "result.json"
  forged.parent.mkdir()
  forged.write_text(json.dumps(doc))
  done = subprocess.run([sys.executable, "scripts/submit.py", str(forged), "--root", str(subs)], cwd=ROOT,
                        capture_output=True, text=True, timeout=600)
  assert done.returncode == 1 and "content_sha256 does not match" in done.stderr
  assert len(list(subs.iterdir())) == 1

  site, markdown = tmp_path / "site", tmp_path / "LEADERBOARD.md"
  run("scripts/leaderboard.py", "--submissions", str(subs), "--site", str(site), "--markdown", str(markdown))
  details = site / "submissions" / f"{folder.name}.html"
  assert 'src="' in details.read_text() and (site / "submissions" / folder.name / "press.mp4").is_file()
  assert f"| 1 | ButtonPress | ppo | mujoco | {mean:.3f} ± " in markdown.read_text()
