"""Campaigns (scripts/campaign.py): the cell's plan, its state, skipping and resuming, seeds aggregated,
and a smoke campaign through hydra-submitit-launcher's local launcher (slow)."""

import datetime
import json
import math
import os
import pathlib
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest
from omegaconf import OmegaConf

from skillbench.commands.campaign import cells, entries, filing, overrides, runner, staleness
from skillbench.commands.campaign import config as campaign_config
from skillbench.commands.campaign import state as states
from skillbench.commands.campaign import summary as summaries
from skillbench.errors import ConfigValueError
from skillbench.results import seeds

ROOT = pathlib.Path(__file__).resolve().parents[1]


def config(tmp_path, **fields):
  cfg = OmegaConf.structured(campaign_config.CampaignConfig)
  cfg.campaign_root = str(tmp_path)
  cfg.name = "c"
  for key, value in fields.items():
    OmegaConf.update(cfg, key, value, merge=False)
  return cfg


def paths_of(cfg):
  return cells.Paths(cells.campaign_dir(cfg), cells.cell_name(cfg))


def test_train_overrides_pass_through_as_train_blender_reads_them():
  assert campaign_config.train_arguments(["seed=0,1", "train.time_limit_min=30", "preset=smoke"]) == [
    "seed=0,1", "++train.time_limit_min=30", "preset=smoke"]
  train = {"time_limit_min": 30, "trainer": {"ppo": {"num_envs": 8, "learning_rate": 1e-4}}, "skills": ["reaching"],
           "task": {"reward_weights": {"wrist_pos": 2.5}}, "wandb": True, "low_level": "/a b/c", "final_eval_seconds": None}
  assert overrides.flat_overrides(train) == [
    "time_limit_min=30", "trainer.ppo.num_envs=8", "trainer.ppo.learning_rate=0.0001", "skills=[reaching]",
    "+task.reward_weights.wrist_pos=2.5", "wandb=true", "low_level='/a b/c'", "final_eval_seconds=null"]


def test_an_hb_cell_drives_the_campaign_s_far_reach_ppo_policy_else_the_filed_one_and_waits_for_it(tmp_path, monkeypatch):
  from skillbench.publish import leaderboard, reference_table

  board = tmp_path / "board"
  cfg = config(tmp_path, embodiment="g1", task="box_push", method="hb", seed=1, submit_root=str(board))
  with pytest.raises(ConfigValueError, match="run the cell embodiment=g1 task=far_reach method=ppo seed=1 first"):
    cells.plan(cfg, paths_of(cfg))
  board.mkdir()  # the leaderboard files that cell's policy (its run trained elsewhere, or gone)
  monkeypatch.setattr(reference_table, "training_seed", lambda sub: sub.result["training_seed"])
  monkeypatch.setattr(reference_table, "blends_the_library", lambda sub: True)
  monkeypatch.setattr(reference_table, "trained_version", lambda sub: None)
  filed = [filed_entry(method="ppo", task="far_reach", seed=seed) for seed in (0, 1)]
  for entry in filed:
    entry.result["checkpoint"] = {"path": "policy.safetensors"}
  monkeypatch.setattr(leaderboard, "load_submissions", lambda path: filed if path == board else [])
  assert "low_level=/board/ppo-mujoco-1-1/policy.safetensors" in cells.plan(cfg, paths_of(cfg))[0].args
  far_reach = tmp_path / "c" / "runs" / "g1-far_reach-ppo-seed1" / "policy.safetensors"
  far_reach.parent.mkdir(parents=True)
  far_reach.write_bytes(b"")
  assert f"low_level={far_reach}" in cells.plan(cfg, paths_of(cfg))[0].args  # the campaign's own comes first
  given = config(tmp_path, task="box_push", method="hb", train={"low_level": "/elsewhere/policy.safetensors"})
  train = cells.plan(given, paths_of(given))[0].args
  assert "low_level=/elsewhere/policy.safetensors" in train and f"low_level={far_reach}" not in train


def test_plan_runs_the_scripts_in_order(tmp_path):
  cfg = config(tmp_path, preset="smoke", backends=["mujoco", "mjx"], submit="dry_run", train={"time_limit_min": 30})
  paths = paths_of(cfg)
  stages = cells.plan(cfg, paths)
  assert [s.name for s in stages] == ["train", "render", "evaluate", "submit-mujoco", "submit-mjx"]
  train, render, evaluate, submit = stages[0], stages[1], stages[2], stages[3]
  assert train.args == ["scripts/train_blender.py", "embodiment=h1", "task=button_press", "method=blender", "seed=0",
                        "preset=smoke", f"run_dir={paths.run}", "time_limit_min=30"]
  assert paths.run == tmp_path / "c" / "runs" / "h1-button_press-blender-seed0"
  assert render.outputs == [paths.video] and f"video={paths.video}" in evaluate.args
  assert "backends=[mujoco,mjx]" in evaluate.args and "num_rollouts=20" in evaluate.args
  assert evaluate.outputs == [paths.run / "result-mujoco.json", paths.run / "result-mjx.json"]
  assert submit.args[:4] == ["scripts/submit.py", str(paths.run / "result-mujoco.json"), "--reproduce", "--dry-run"]
  quiet = cells.plan(config(tmp_path, video=False, submit="none", num_rollouts=2, seconds=1.0), paths)
  assert [s.name for s in quiet] == ["train", "evaluate"] and not any(a.startswith("video=") for a in quiet[1].args)


def test_a_submission_the_leaderboard_would_refuse_is_refused_before_training(tmp_path):
  with pytest.raises(ValueError, match="not the benchmark protocol.*submit=none"):
    cells.plan(config(tmp_path, num_rollouts=2), paths_of(config(tmp_path)))
  with pytest.raises(ValueError, match="submit=maybe"):
    cells.plan(config(tmp_path, submit="maybe"), paths_of(config(tmp_path)))


def test_a_run_that_stopped_part_way_is_resumed_with_the_overrides_a_resume_takes(tmp_path):
  cfg = config(tmp_path, train={"time_limit_min": 30, "trainer": {"ppo": {"num_envs": 8}}})
  paths = paths_of(cfg)
  (paths.run / "checkpoints").mkdir(parents=True)
  assert cells.run_state(paths.run) == "unstarted"
  (paths.run / "checkpoints" / "ckpt_00000002.safetensors").write_bytes(b"x")
  assert cells.run_state(paths.run) == "resumable"
  stage = cells.train_stage(cfg, paths)
  assert stage.args == ["scripts/train_blender.py", f"resume={paths.run}", "time_limit_min=30"]
  assert "trainer.ppo.num_envs=8" in stage.note
  (paths.run / "policy.safetensors").write_bytes(b"x")
  assert cells.run_state(paths.run) == "finished"


def test_a_run_that_stopped_before_its_first_checkpoint_makes_room(tmp_path):
  run = tmp_path / "run"
  run.mkdir()
  (run / "config.yaml").write_text("seed: 0\n")
  assert "removed" in staleness.clear_unstarted(run) and not run.exists()
  run.mkdir()
  (run / "metrics.jsonl").write_text('{"iteration": 1}\n')  # trained an iteration, saved nothing
  assert "moved" in staleness.clear_unstarted(run) and not run.exists()
  assert len(list(tmp_path.glob("run.stopped-*"))) == 1


class FakeScripts:
  """Stands in for run_script: records the commands and writes each stage's outputs (or fails)."""

  def __init__(self, cfg, fail: str = ""):
    self.stages = {s.args[0]: s for s in cells.plan(cfg, paths_of(cfg))}
    self.calls, self.fail = [], fail

  def __call__(self, args, log):
    self.calls.append(args)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("line\n" * 30 + "the end\n")
    if args[0] == self.fail:
      return 1
    outputs = self.stages[args[0]].outputs if args[0] in self.stages else []
    for path in outputs + ([paths_of_args(args) / "policy.safetensors"] if "train" in args[0] else []):
      path.parent.mkdir(parents=True, exist_ok=True)
      path.write_bytes(b"x")
    return 0


def paths_of_args(args) -> pathlib.Path:
  return pathlib.Path(next(a.split("=", 1)[1] for a in args if a.startswith(("run_dir=", "resume="))))


def test_a_cell_runs_once_then_is_skipped_and_a_changed_setting_reruns_what_follows(tmp_path, monkeypatch):
  cfg = config(tmp_path, submit="none", num_rollouts=2)
  fake = FakeScripts(cfg)
  monkeypatch.setattr(runner, "run_script", fake)
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  state = runner.run_cell(cfg)
  assert state["status"] == "done" and [c[0] for c in fake.calls] == [
    "scripts/train_blender.py", "scripts/render.py", "scripts/evaluate.py"]
  saved = json.loads(paths_of(cfg).state.read_text())
  assert saved["status"] == "done" and saved["stages"]["train"]["attempts"] == 1
  assert saved["stages"]["evaluate"]["args"] == fake.calls[-1] and "ran" not in saved
  fake.calls.clear()
  assert runner.run_cell(cfg)["status"] == "done" and fake.calls == []  # done: nothing runs
  cfg.num_rollouts = 3
  fake.stages = {s.args[0]: s for s in cells.plan(cfg, paths_of(cfg))}
  runner.run_cell(cfg)
  assert [c[0] for c in fake.calls] == ["scripts/evaluate.py"] and "num_rollouts=3" in fake.calls[0]
  cfg.video_seconds = 2.0  # a new video: evaluated again (the result seals the video)
  fake.calls.clear()
  runner.run_cell(cfg)
  assert [c[0] for c in fake.calls] == ["scripts/render.py", "scripts/evaluate.py"]


def test_finish_by_defers_a_cell_that_would_end_after_it_and_runs_what_fits(tmp_path, monkeypatch, capsys):
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  monkeypatch.setattr(runner, "DEFERRED", [])
  soon = (datetime.datetime.now().astimezone() + datetime.timedelta(minutes=30)).isoformat(timespec="minutes")
  cfg = config(tmp_path, submit="none", num_rollouts=2, finish_by=soon)  # the cpu preset trains 58 min
  fake = FakeScripts(cfg)
  monkeypatch.setattr(runner, "run_script", fake)
  assert runner.run_cell(cfg)["status"] == "deferred" and fake.calls == []
  assert not paths_of(cfg).state.exists() and runner.DEFERRED == [paths_of(cfg).cell]
  assert "need about 68 min" in capsys.readouterr().out
  OmegaConf.update(cfg, "train", {"time_limit_min": 15.0}, merge=False)  # 15 + 10 fits in 30
  fake.stages = {s.args[0]: s for s in cells.plan(cfg, paths_of(cfg))}
  assert runner.run_cell(cfg)["status"] == "done" and fake.calls[0][0] == "scripts/train_blender.py"
  cfg.num_rollouts, fake.calls[:] = 3, []  # trained: what is left needs only cell_overhead_min
  fake.stages = {s.args[0]: s for s in cells.plan(cfg, paths_of(cfg))}
  cfg.finish_by = (datetime.datetime.now().astimezone() + datetime.timedelta(minutes=12)).isoformat()
  assert runner.run_cell(cfg)["status"] == "done" and [c[0] for c in fake.calls] == ["scripts/evaluate.py"]


def test_plan_only_says_what_a_cell_would_run_and_changes_nothing(tmp_path, monkeypatch, capsys):
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  cfg = config(tmp_path, submit="none", num_rollouts=2, plan_only=True)
  assert runner.run_cell(cfg)["plan"] == "would run train, render, evaluate: about 68 min"
  assert not (tmp_path / "c").exists() and "would run train" in capsys.readouterr().out
  cfg.plan_only = False
  fake = FakeScripts(cfg)
  monkeypatch.setattr(runner, "run_script", fake)
  runner.run_cell(cfg)
  before = paths_of(cfg).state.read_text()
  cfg.plan_only = True
  assert runner.run_cell(cfg)["plan"] == "done"
  cfg.num_rollouts = 3
  assert runner.run_cell(cfg)["plan"] == "would run evaluate: about 10 min"
  OmegaConf.update(cfg, "train", {"time_limit_min": 15.0}, merge=False)
  assert runner.run_cell(cfg)["plan"].startswith("refused: trained with [preset=cpu]")
  hb = config(tmp_path, submit="none", num_rollouts=2, plan_only=True, method="hb")
  assert runner.run_cell(hb)["plan"].startswith("cannot start yet: method=hb needs a FarReach policy")
  assert paths_of(cfg).state.read_text() == before and fake.calls[-1][0] == "scripts/evaluate.py"
  with states.locked(paths_of(cfg).lock):  # as a process running the cell holds it
    assert runner.run_cell(cfg)["plan"].startswith("busy: another process runs it now")
  written = []
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: written.append(campaign_dir))
  runner.SummaryCallback().on_multirun_end(cfg)  # the sweep's end: no summary rewritten for a plan
  assert written == []


def test_finish_by_reads_a_clock_time_as_its_next_occurrence_and_refuses_what_it_cannot_read(tmp_path):
  start = datetime.datetime(2026, 12, 6, 23, 0).astimezone()
  assert campaign_config.finish_by("23:40", start) == start.replace(minute=40)
  assert campaign_config.finish_by("0:20", start) == start.replace(hour=0, minute=20) + datetime.timedelta(days=1)
  assert campaign_config.finish_by("2026-12-07T00:20", start) == datetime.datetime(2026, 12, 7, 0, 20).astimezone()
  for bad in ("soon", "25:00", "2026-13-01"):
    with pytest.raises(ConfigValueError, match="neither a clock time"):
      campaign_config.check(config(tmp_path, finish_by=bad))
  cfg = config(tmp_path, preset="gpu", finish_by="23:40")
  with pytest.raises(ConfigValueError, match="preset=gpu sets none"):
    cells.minutes_needed(cfg, cells.plan(cfg, paths_of(cfg)))


def test_other_train_settings_are_refused_for_a_trained_cell_and_a_variant_trains_its_own(tmp_path, monkeypatch, capsys):
  cfg = config(tmp_path, submit="none", num_rollouts=2)
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  monkeypatch.setattr(runner, "REFUSED", [])
  monkeypatch.setattr(runner, "run_script", FakeScripts(cfg))
  assert runner.run_cell(cfg)["status"] == "done"
  assert json.loads(paths_of(cfg).state.read_text())["train_settings"] == ["preset=cpu"]
  ablation = config(tmp_path, submit="none", num_rollouts=2, train={"skills": ["reaching"]})
  fake = FakeScripts(ablation)
  monkeypatch.setattr(runner, "run_script", fake)
  assert runner.run_cell(ablation)["status"] == "refused" and fake.calls == []
  assert "variant=<name>" in capsys.readouterr().err and runner.REFUSED == ["h1-button_press-blender-seed0"]
  assert json.loads(paths_of(cfg).state.read_text())["status"] == "done"  # the trained cell is untouched
  ablation.variant = "reaching_only"
  fake = FakeScripts(ablation)
  monkeypatch.setattr(runner, "run_script", fake)
  assert runner.run_cell(ablation)["status"] == "done"
  assert paths_of(ablation).run.name == "h1-button_press-blender-reaching_only-seed0"
  assert "skills=[reaching]" in fake.calls[0] and str(paths_of(ablation).run) in " ".join(fake.calls[0])
  assert "variant=reaching_only" in fake.calls[-1]  # evaluate.py: the results' method reads blender+...-reaching_only
  assert not any(a.startswith("variant=") for a in cells.plan(cfg, paths_of(cfg))[2].args)
  labels = [summaries.cell_label(s) for s in summaries.cell_states(tmp_path / "c")]
  assert labels == ["h1 button_press blender (reaching_only) seed 0", "h1 button_press blender seed 0"]
  ablation.variant = "No Walking"
  with pytest.raises(SystemExit):
    runner.run_cell(ablation)
  assert "lower-case letters, digits and _" in capsys.readouterr().err


def test_a_run_trained_before_a_change_to_its_task_is_set_aside_and_trained_again(tmp_path, monkeypatch, capsys):
  """0.3.2 changed G1 FarReach: a G1 FarReach cell trained on 0.3.1 trains again, its old run kept whole;
  a G1 ButtonPress cell trained on 0.3.1 (untouched) stays done."""
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  for task, redone in (("far_reach", True), ("button_press", False)):
    cfg = config(tmp_path, submit="none", num_rollouts=2, embodiment="g1", task=task)
    fake = FakeScripts(cfg)
    monkeypatch.setattr(runner, "run_script", fake)
    assert runner.run_cell(cfg)["status"] == "done"
    run = paths_of(cfg).run
    (run / "run.json").write_text(json.dumps({"versions": {"skillbench": "0.3.1"}}))
    fake.calls.clear()
    planned = runner.describe(cfg, paths_of(cfg))
    assert (planned.startswith("would run train again (trained on 0.3.1; 0.3.2: G1-sized") if redone
            else planned == "done"), planned
    assert runner.run_cell(cfg)["status"] == "done"
    if redone:
      aside = run.with_name(run.name + ".stale-0.3.1")
      assert [c[0] for c in fake.calls] == ["scripts/train_blender.py", "scripts/render.py", "scripts/evaluate.py"]
      assert (aside / "run.json").is_file() and (aside / "result.json").is_file() and (aside / "video.mp4").is_file()
      assert "hip and knee contact" in capsys.readouterr().out
    else:
      assert fake.calls == [] and not run.with_name(run.name + ".stale-0.3.1").exists()


def _blender_checkpoint(path, kind="policy", **skills):
  """A checkpoint file whose metadata says it blends `skills` ({name: source sha256}), as a blender's does."""
  from skillbench.policy import checkpoint as ckpt_lib

  ckpt_lib.save(path, {"w": np.zeros(1, np.float32)}, kind,
                blender={"skills": [{"name": n, "source_sha256": sha} for n, sha in skills.items()]})


def test_a_run_blending_a_library_skill_replaced_since_trains_again_and_its_own_skill_file_holds(
    tmp_path, monkeypatch, capsys):
  """G1's library walking replaced after a ButtonPress cell trained: the cell trains again (its old run
  kept whole), and so does one stopped part way rather than resume; a variant loading walking from a
  file of its own (`train.skill_sources.walking`) still holds."""
  from skillbench.policy import library

  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  entries = {"walking": "a" * 64, "reaching": "b" * 64}
  monkeypatch.setattr(library, "manifest", lambda robot, skill, root=None: {"policy_sha256": entries[skill]})
  library_cell = config(tmp_path, submit="none", num_rollouts=2, embodiment="g1")
  own_cell = config(tmp_path, submit="none", num_rollouts=2, embodiment="g1", variant="own",
                    train={"skill_sources": {"walking": "/skills/walking.safetensors"}})
  for cfg in (library_cell, own_cell):
    monkeypatch.setattr(runner, "run_script", FakeScripts(cfg))
    assert runner.run_cell(cfg)["status"] == "done"
    _blender_checkpoint(paths_of(cfg).run / "policy.safetensors", walking="a" * 64, reaching="b" * 64)
    assert runner.describe(cfg, paths_of(cfg)) == "done"
  entries["walking"] = "c" * 64
  run = paths_of(library_cell).run
  assert runner.describe(library_cell, paths_of(library_cell)).startswith(
    "would run train again (it blends the library's walking aaaaaaaaaaaa, replaced since by cccccccccccc)")
  assert runner.describe(own_cell, paths_of(own_cell)) == "done"
  fake = FakeScripts(library_cell)
  monkeypatch.setattr(runner, "run_script", fake)
  assert runner.run_cell(library_cell)["status"] == "done"
  assert [c[0] for c in fake.calls] == ["scripts/train_blender.py", "scripts/render.py", "scripts/evaluate.py"]
  aside = run.with_name(run.name + ".stale-walking-aaaaaaaaaaaa")
  assert library.blended_skills(aside / "policy.safetensors")["walking"] == "a" * 64
  assert "it blends the library's walking aaaaaaaaaaaa" in capsys.readouterr().out
  shutil.rmtree(run)
  _blender_checkpoint(run / "checkpoints" / "ckpt_00000242.safetensors", kind="training", walking="a" * 64)
  assert runner.describe(library_cell, paths_of(library_cell)).startswith("would run train again (it blends")


def test_results_a_later_scoring_change_makes_stale_are_measured_again_and_the_policy_kept(tmp_path, monkeypatch, capsys):
  """0.3.5 changed how a rollout whose physics diverges is scored (`fallen_only`, no retraining): a cell
  whose 0.3.4 results have a fallen rollout evaluates again, its policy kept; one none of whose rollouts
  fell stays done."""
  from skillbench.results import result_file

  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  monkeypatch.setattr(result_file, "read", lambda path: json.loads(pathlib.Path(path).read_text()))
  cfg = config(tmp_path, submit="none", num_rollouts=2, embodiment="g1", task="package_lift")
  monkeypatch.setattr(runner, "run_script", FakeScripts(cfg))
  assert runner.run_cell(cfg)["status"] == "done"
  result = paths_of(cfg).run / "result.json"
  for fell, redone in ((0.0, False), (1.0, True)):
    result.write_text(json.dumps({"benchmark_version": "0.3.4", "robot": "g1", "task": "package_lift",
                                  "metrics": {"per_rollout": [{"fell": 0.0}, {"fell": fell}]}}))
    planned = runner.describe(cfg, paths_of(cfg))
    fake = FakeScripts(cfg)
    monkeypatch.setattr(runner, "run_script", fake)
    assert runner.run_cell(cfg)["status"] == "done"
    if redone:
      assert planned.startswith("would run evaluate again (result.json measured on 0.3.4; 0.3.5: a rollout whose"), planned
      assert [c[0] for c in fake.calls] == ["scripts/evaluate.py"]  # no training, no new video
    else:
      assert planned == "done" and fake.calls == []


def test_a_run_stopped_part_way_before_a_change_to_its_task_trains_again_rather_than_resume(tmp_path, monkeypatch):
  """0.3.4 changed CabinetClose's cabinet: a cell stopped part way on 0.3.3 starts afresh, its run kept."""
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  cfg = config(tmp_path, submit="none", num_rollouts=2, embodiment="g1", task="cabinet_close")
  run = paths_of(cfg).run
  (run / "checkpoints").mkdir(parents=True)
  (run / "checkpoints" / "ckpt_00000242.safetensors").write_bytes(b"x")
  (run / "run.json").write_text(json.dumps({"versions": {"skillbench": "0.3.3"}}))
  assert runner.describe(cfg, paths_of(cfg)).startswith("would run train again (trained on 0.3.3; 0.3.4: ")
  fake = FakeScripts(cfg)
  monkeypatch.setattr(runner, "run_script", fake)
  assert runner.run_cell(cfg)["status"] == "done"
  assert not any(a.startswith("resume=") for a in fake.calls[0]), fake.calls[0]
  assert (run.with_name(run.name + ".stale-0.3.3") / "checkpoints" / "ckpt_00000242.safetensors").is_file()


def test_a_stage_stopped_by_ctrl_c_stops_the_campaign_and_is_not_a_failure(tmp_path, monkeypatch):
  """A stage's process can get the Ctrl-C alone (the campaign running in the background ignores SIGINT):
  its exit status 130 stops the sweep as the campaign's own Ctrl-C would."""
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  cfg = config(tmp_path, submit="none", num_rollouts=2)
  monkeypatch.setattr(runner, "run_script", lambda args, log: 130)
  with pytest.raises(KeyboardInterrupt):
    runner.run_cell(cfg)
  saved = json.loads(paths_of(cfg).state.read_text())
  assert saved["status"] == "interrupted" and saved["stages"]["train"]["status"] == "interrupted"


def test_a_failed_stage_is_recorded_and_the_rerun_starts_there(tmp_path, monkeypatch):
  cfg = config(tmp_path, submit="none", num_rollouts=2)
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  monkeypatch.setattr(runner, "run_script", FakeScripts(cfg, fail="scripts/render.py"))
  state = runner.run_cell(cfg)
  assert state["status"] == "failed" and "render failed (exit status 1)" in state["error"]
  saved = json.loads(paths_of(cfg).state.read_text())
  assert saved["stages"]["render"]["status"] == "failed" and saved["stages"]["render"]["log_tail"][-1] == "the end"
  assert "evaluate" not in saved["stages"]
  fake = FakeScripts(cfg)
  monkeypatch.setattr(runner, "run_script", fake)
  assert runner.run_cell(cfg)["status"] == "done"
  assert [c[0] for c in fake.calls] == ["scripts/render.py", "scripts/evaluate.py"]


def test_the_summary_names_failed_cells_and_sets_the_exit_status(tmp_path, monkeypatch, capsys):
  cfg = config(tmp_path, submit="none", num_rollouts=2)
  monkeypatch.setattr(runner, "run_script", FakeScripts(cfg, fail="scripts/evaluate.py"))
  monkeypatch.setattr(runner, "FAILED", [])
  runner.run_cell(cfg)
  runner.SummaryCallback().on_multirun_end(cfg)
  summary = (tmp_path / "c" / "summary.md").read_text()
  assert "| h1 button_press blender seed 0 | failed | evaluate: failed |" in summary and "No finished cell" in summary
  assert runner.FAILED == ["h1 button_press blender seed 0"]
  assert "failed cells (1)" in capsys.readouterr().err


def test_a_campaign_whose_checkout_moved_says_it_judges_with_its_old_code(tmp_path, monkeypatch, capsys):
  from skillbench import provenance

  cfg = config(tmp_path, submit="none", num_rollouts=2)
  monkeypatch.setattr(runner, "run_script", FakeScripts(cfg))
  monkeypatch.setattr(states, "_STARTED_ON", {})
  head = {"commit": "a" * 40, "dirty": False}
  monkeypatch.setattr(provenance, "git_commit", lambda: dict(head))
  runner.run_cell(cfg)
  assert states.code_drift() is None and "warning" not in capsys.readouterr().err
  assert "moved" not in (tmp_path / "c" / "summary.md").read_text()
  head["commit"] = "b" * 40  # a commit lands while the campaign runs
  summaries.write_summary(tmp_path / "c")
  assert "the checkout moved from aaaaaaa to bbbbbbb" in (tmp_path / "c" / "summary.md").read_text()
  runner.run_cell(cfg)
  assert "warning: the checkout moved from aaaaaaa to bbbbbbb" in capsys.readouterr().err


def test_a_cell_another_process_runs_is_skipped(tmp_path, monkeypatch):
  cfg = config(tmp_path, submit="none", num_rollouts=2)
  fake = FakeScripts(cfg)
  monkeypatch.setattr(runner, "run_script", fake)
  with states.locked(paths_of(cfg).lock) as mine:  # flock: another open file holds it, as another process would
    assert mine
    assert runner.run_cell(cfg) == {"status": "busy"} and fake.calls == []


def test_cluster_options_choose_hydras_launchers():
  from hydra import compose, initialize

  campaign_config.register()
  with initialize(version_base=None):
    gpu = compose("campaign", overrides=["cluster=slurm_gpu", "hydra.launcher.partition=gpu"], return_hydra_config=True)
    local = compose("campaign", overrides=["hydra/launcher=submitit_local"], return_hydra_config=True)
  assert gpu.preset == "gpu" and gpu.hydra.launcher._target_.endswith("SlurmLauncher")
  assert gpu.hydra.launcher.gpus_per_node == 1 and gpu.hydra.launcher.partition == "gpu"
  assert gpu.hydra.launcher.max_num_timeout > 0  # a timed-out cell is requeued, and resumes
  assert local.preset == "cpu" and local.hydra.launcher._target_.endswith("LocalLauncher")


def test_t_interval_is_students():
  low, high = seeds.t_interval([1.0, 2.0, 3.0])
  assert np.isclose(high - 2.0, 4.302653 / np.sqrt(3)) and np.isclose(low + high, 4.0)
  assert seeds.t_interval([1.0]) is None


def fake_result(errors, backend="mujoco", method="blender"):
  per = [{"error": e, "success_rate": float(e < 0.05), "fell": 0.0} for e in errors]
  return {"schema_version": 2, "robot": "h1", "task": "button_press", "method": method, "backend": backend,
          "metrics": {"per_rollout": per, "aggregate": {}}}


def test_the_summary_leaves_out_results_a_later_change_made_stale_and_says_so(tmp_path, monkeypatch):
  from skillbench.results import result_file

  monkeypatch.setattr(result_file, "read", lambda path: json.loads(pathlib.Path(path).read_text()))
  cells = tmp_path / "c" / "cells"
  cells.mkdir(parents=True)
  result = tmp_path / "result.json"
  result.write_text(json.dumps({"benchmark_version": "0.3.4", "robot": "g1", "task": "package_lift",
                                "metrics": {"per_rollout": [{"fell": 1.0}]}}))
  (cells / "g1-package_lift-ppo-seed0.json").write_text(json.dumps({
    "cell": {"embodiment": "g1", "task": "package_lift", "method": "ppo", "seed": 0}, "status": "done", "run": "",
    "results": [str(result)]}))
  text, doc = summaries.summary(tmp_path / "c")
  assert doc["seeds"] == [] and f"{result}: left out, measured on 0.3.4; 0.3.5: a rollout whose physics" in text


def test_seeds_are_aggregated_per_robot_task_method_and_backend():
  entries = [(0, fake_result([0.01, 0.03])), (1, fake_result([0.05, 0.07])), (2, fake_result([0.02, 0.04])),
             (0, fake_result([0.2, 0.4], method="ppo"))]
  blender, ppo = seeds.aggregate(entries)
  assert blender["seeds"] == [0, 1, 2] and blender["rollouts"] == [2, 2, 2] and blender["paper_error"] == 0.009
  error = blender["error"]
  assert np.allclose(error["seed_means"], [0.02, 0.06, 0.03]) and np.isclose(error["mean"], 0.11 / 3)
  assert np.allclose(error["seed_ci95"], seeds.t_interval([0.02, 0.06, 0.03]))
  assert error["rollout_ci95"][0] < error["mean"] < error["rollout_ci95"][1]
  assert np.isclose(blender["success_rate"]["mean"], 2 / 3)  # seeds 0 and 2 succeed in both rollouts
  assert ppo["seeds"] == [0] and ppo["error"]["seed_ci95"] is None and ppo["paper_error"] == 0.019
  table = seeds.markdown_table([blender, ppo])
  assert "| h1 | button_press | blender | mujoco | 3 | 0.0367 |" in table and "| ppo | mujoco | 1 | 0.3000 | - |" in table


def run_campaign(*args, timeout=1800):
  start = time.time()
  done = subprocess.run([sys.executable, "scripts/campaign.py", *args], cwd=ROOT, env=os.environ.copy(),
                        capture_output=True, text=True, timeout=timeout)
  assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
  return done, time.time() - start


@pytest.mark.slow
def test_smoke_campaign_through_submitit_local_then_skipped(tmp_path):
  """A 1 x 1 x 2 grid (H1, ButtonPress, SkillBlender, seeds 0 and 1), one process per cell."""
  args = ["-m", "name=smoke", f"campaign_root={tmp_path}", "hydra/launcher=submitit_local", "embodiment=h1",
          "task=button_press", "method=blender", "seed=0,1", "preset=smoke", "num_rollouts=2", "seconds=1",
          "video_seconds=1", "video_width=160", "video_height=120", "submit=none"]
  first, _ = run_campaign(*args)
  folder = tmp_path / "smoke"
  states = {}
  for seed in (0, 1):
    cell = f"h1-button_press-blender-seed{seed}"
    states[seed] = json.loads((folder / "cells" / f"{cell}.json").read_text())
    assert states[seed]["status"] == "done", states[seed]
    assert [*states[seed]["stages"]] == ["train", "render", "evaluate"]
    result = json.loads((folder / "runs" / cell / "result.json").read_text())
    assert result["robot"] == "h1" and result["method"] == "blender" and result["video"]["path"] == "video.mp4"
  summary = (folder / "summary.md").read_text()
  assert "| h1 | button_press | blender | mujoco | 2 |" in summary and "wrote" in first.stdout
  assert len(json.loads((folder / "summary.json").read_text())["seeds"]) == 1
  second, seconds = run_campaign(*args)
  assert seconds < 60, seconds
  for seed in (0, 1):  # nothing ran: the states are as the first run left them
    assert json.loads((folder / "cells" / f"h1-button_press-blender-seed{seed}.json").read_text()) == states[seed]
  logs = "".join(p.read_text() for p in folder.glob("hydra/*/.submitit/*/*_log.out"))
  assert logs.count("done, skipped") == 2, logs


def test_the_summary_names_each_filed_entry_by_its_id_not_by_submit_py_s_whole_message():
  line = "ACCEPTED: filed as /work/main/leaderboard/submissions/g1-package_lift-blender-594508e2a3cc. Rebuild the site"
  dry = "ACCEPTED (dry run: nothing filed; it would go to /x/g1-a)"
  state = {"stages": {"train": {"status": "done"}, "submit-mujoco": {"submission": line},
                      "submit-mjx": {"submission": dry}}}
  assert summaries._submissions(state) == f"submit-mujoco: g1-package_lift-blender-594508e2a3cc; submit-mjx: {dry}"


def test_collect_copies_the_summary_and_finished_cells_records_and_then_has_nothing_to_do(tmp_path):
  sys.path.insert(0, str(ROOT / "tools"))
  import collect_campaign

  folder = tmp_path / "c"
  for cell, status in (("h1-far_reach-ppo-seed0", "done"), ("h1-far_reach-blender-seed0", "running")):
    run = folder / "runs" / cell
    run.mkdir(parents=True)
    for name in collect_campaign.CELL_FILES:
      (run / name).write_text(f"{cell} {name}")
    (run / "metrics.jsonl").write_text('{"iteration": 0, "goal_error": null}\n{"iteration": 1, "goal_error": 0.5}\n')
    (run / "policy.safetensors").write_bytes(b"weights")
    states.write_json(folder / "cells" / f"{cell}.json", {"cell": {"embodiment": "h1", "task": "far_reach",
                        "method": cell.split("-")[2], "seed": 0}, "status": status, "run": str(run), "stages": {}})
  into = tmp_path / "repo" / "c"
  changed = collect_campaign.collect(folder, into)
  done = into / "h1-far_reach-ppo-seed0"
  assert sorted(p.name for p in done.iterdir()) == sorted([*collect_campaign.CELL_FILES, "metrics.jsonl.gz"])
  assert not (into / "h1-far_reach-blender-seed0").exists() and len(changed) == 6
  from skillbench.training.logger import read_metrics  # the committed curve reads as the run's own
  rows = read_metrics(done)
  assert math.isnan(rows[0]["goal_error"]) and rows[1] == {"iteration": 1, "goal_error": 0.5}
  assert "| h1 far_reach blender seed 0 | running |" in (into / "summary.md").read_text()
  (folder / "runs" / "h1-far_reach-ppo-seed0" / "eval.json").write_text("re-evaluated")
  again = set(collect_campaign.collect(folder, into)) - {into / "summary.md"}  # the summary carries its time
  assert again == {done / "eval.json"} and (done / "eval.json").read_text() == "re-evaluated"
  with pytest.raises(SystemExit, match="not a campaign folder"):
    collect_campaign.collect(tmp_path / "repo", into)


def filed_entry(method="blender", backend="mujoco", seed=0, version=None, verified=True, task="button_press", at="1"):
  import skillbench
  from skillbench.publish import leaderboard

  result = {"robot": "g1", "task": task, "method": method, "backend": backend, "training_seed": seed,
            "benchmark_version": version or skillbench.__version__, "provenance": {"created": at}}
  name = f"{method}-{backend}-{seed}-{at}"
  return leaderboard.Submission(id=name, folder=pathlib.Path("/board") / name, result=result, verified=verified)


def test_a_cell_the_leaderboard_already_holds_is_done_without_a_run_of_its_own(tmp_path, monkeypatch, capsys):
  """Run folders may be gone (another machine, a wiped disk): the verified entries of the cell's robot, task,
  method label and training seed on every backend it asks for make it done; skip_filed=false trains again."""
  from skillbench.publish import leaderboard, reference_table

  monkeypatch.setattr(reference_table, "training_seed", lambda sub: sub.result["training_seed"])
  monkeypatch.setattr(reference_table, "blends_the_library", lambda sub: sub.result.get("library", True))
  monkeypatch.setattr(reference_table, "trained_version", lambda sub: sub.result.get("trained_on"))
  both = ["mujoco", "mjx"]
  cfg = config(tmp_path, embodiment="g1", backends=both)
  subs = [filed_entry(), filed_entry(backend="mjx"), filed_entry(backend="mjx", at="2")]
  assert [s.id for s in entries.filed_entries(cfg, subs)] == ["blender-mujoco-0-1", "blender-mjx-0-2"]
  for missing in ([filed_entry()], [filed_entry(), filed_entry(backend="mjx", seed=1)],
                  [filed_entry(), filed_entry(backend="mjx", version="0.3.0")],  # stale: 0.3.1 changed it
                  [filed_entry(), filed_entry(backend="mjx", verified=False)],
                  [filed_entry(), filed_entry(backend="mjx", method="blender-epochs2")]):
    assert entries.filed_entries(cfg, missing) == [], [s.id for s in missing]
  replaced = filed_entry(backend="mjx")
  replaced.result["library"] = False  # a blender of skills the library has replaced
  assert entries.filed_entries(cfg, [filed_entry(), replaced]) == []
  old = filed_entry(backend="mjx")
  old.result["trained_on"] = "0.3.0"  # re-measured on this version, but trained before 0.3.1 changed the task
  assert entries.filed_entries(cfg, [filed_entry(), old]) == []
  old.result["trained_on"] = "0.3.1"
  assert len(entries.filed_entries(cfg, [filed_entry(), old])) == 2
  assert entries.cell_method(config(tmp_path, embodiment="g1", variant="epochs2")) == "blender-epochs2"
  assert entries.cell_method(config(tmp_path, embodiment="g1", train={"skills": ["reaching"]},
                                     variant="no_walking")) == "blender+reaching-no_walking"
  assert entries.cell_method(config(tmp_path, embodiment="g1", train={"skills": ["walking", "reaching"]})) == "blender"
  assert entries.cell_method(config(tmp_path, method="ppo", train={"trainer": "fast_td3"})) == "fast_td3"

  root = tmp_path / "board"
  root.mkdir()
  monkeypatch.setattr(leaderboard, "load_submissions", lambda path: subs if path == root else [])
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  cfg = config(tmp_path, embodiment="g1", backends=both, submit_root=str(root))
  fake = FakeScripts(cfg)
  monkeypatch.setattr(runner, "run_script", fake)
  cfg.plan_only = True
  assert runner.run_cell(cfg)["plan"].startswith("done: filed on the leaderboard as blender-mujoco-0-1, blender-mjx-0-2")
  cfg.plan_only = False
  state = runner.run_cell(cfg)
  assert state["status"] == "done" and state["filed"] == ["blender-mujoco-0-1", "blender-mjx-0-2"]
  assert fake.calls == [] and "skip_filed=false" in capsys.readouterr().out
  saved = json.loads(paths_of(cfg).state.read_text())  # the summary counts it, with the leaderboard's results
  assert saved["results"] == ["/board/blender-mujoco-0-1/result.json", "/board/blender-mjx-0-2/result.json"]
  assert summaries._submissions(saved) == "blender-mujoco-0-1; blender-mjx-0-2"
  assert runner.run_cell(config(tmp_path, embodiment="g1", backends=both, submit_root=str(root), seed=1,
                                  plan_only=True))["plan"].startswith("would run train")
  again = config(tmp_path, embodiment="g1", backends=both, submit_root=str(root), skip_filed=False)
  assert runner.run_cell(again)["status"] == "done" and fake.calls[0][0] == "scripts/train_blender.py"
  fake.calls.clear()  # now the cell has a run of its own: that run decides, as before
  assert runner.run_cell(cfg)["status"] == "done" and fake.calls == []
  assert runner.describe(cfg, paths_of(cfg)) == "done"
  # ... unless it no longer holds (trained before a change to its task): then the filed entries decide
  (paths_of(cfg).run / "run.json").write_text(json.dumps({"versions": {"skillbench": "0.3.0"}}))
  assert runner.describe(cfg, paths_of(cfg)).startswith("done: filed on the leaderboard as blender-mujoco-0-1")
  assert runner.run_cell(cfg)["status"] == "done" and fake.calls == []


def test_filed_only_records_the_cells_the_leaderboard_holds_and_changes_nothing_else(tmp_path, monkeypatch, capsys):
  """A campaign folder rebuilt after its runs were lost: filed_only=true records the filed cell as done,
  and leaves a cell it would train (seed 1) and a half-trained one untouched, listing them as not run."""
  from skillbench.publish import leaderboard, reference_table

  monkeypatch.setattr(reference_table, "training_seed", lambda sub: sub.result["training_seed"])
  monkeypatch.setattr(reference_table, "blends_the_library", lambda sub: True)
  monkeypatch.setattr(reference_table, "trained_version", lambda sub: None)
  root = tmp_path / "board"
  root.mkdir()
  subs = [filed_entry(), filed_entry(backend="mjx")]
  monkeypatch.setattr(leaderboard, "load_submissions", lambda path: subs if path == root else [])
  monkeypatch.setattr(runner, "write_summary", lambda campaign_dir: None)
  monkeypatch.setattr(runner, "NOT_RUN", [])
  both = ["mujoco", "mjx"]
  filed = config(tmp_path, embodiment="g1", backends=both, submit_root=str(root), filed_only=True)
  fake = FakeScripts(filed)
  monkeypatch.setattr(runner, "run_script", fake)
  assert runner.run_cell(filed)["status"] == "done"
  assert json.loads(paths_of(filed).state.read_text())["filed"] == ["blender-mujoco-0-1", "blender-mjx-0-1"]
  unfiled = config(tmp_path, embodiment="g1", backends=both, submit_root=str(root), filed_only=True, seed=1)
  assert runner.run_cell(unfiled)["status"] == "not run"
  half = config(tmp_path, embodiment="g1", backends=both, submit_root=str(root), filed_only=True, seed=2)
  checkpoint = paths_of(half).run / "checkpoints" / "ckpt_000020.safetensors"
  checkpoint.parent.mkdir(parents=True)
  checkpoint.write_bytes(b"x")
  assert runner.run_cell(half)["status"] == "not run"
  out = capsys.readouterr().out
  assert "g1-button_press-blender-seed1: not run (filed_only=true): would run train, render, evaluate" in out
  assert fake.calls == [] and not paths_of(unfiled).state.exists() and not paths_of(half).state.exists()
  assert checkpoint.is_file() and runner.NOT_RUN == [paths_of(unfiled).cell, paths_of(half).cell]
  with pytest.raises(SystemExit):  # the two switches contradict each other
    runner.run_cell(config(tmp_path, filed_only=True, skip_filed=False))


def test_a_submission_the_leaderboard_holds_already_is_done_without_running_submit(tmp_path, monkeypatch):
  """A cell that evaluated again what was re-measured on the leaderboard: submit.py would refuse the
  duplicate, so the stage is recorded as done, naming the entry; a new evaluation is submitted."""
  from skillbench.results import result_file, submission

  monkeypatch.setattr(result_file, "read", lambda path: {"evaluation": {"protocol": True}})
  held = tmp_path / "board" / "g1-far_reach-ppo-2b4dc4293bf9"
  monkeypatch.setattr(submission, "filed_as", lambda doc, root, verified, version: (held, True) if root == held.parent
                      else None)
  cfg = config(tmp_path, submit_root=str(tmp_path / "board"))
  (tmp_path / "board").mkdir()
  stages = cells.plan(cfg, paths_of(cfg))
  submit = next(s for s in stages if s.name == "submit")
  assert filing.filed_before(submit) == held and filing.filed_before(stages[2]) is None  # evaluate: not a submission
  state = {"stages": {}}
  runner._run_stage(submit, paths_of(cfg), state)
  assert state["stages"]["submit"]["status"] == "done"
  assert summaries._submissions(state) == "submit: g1-far_reach-ppo-2b4dc4293bf9"
  elsewhere = config(tmp_path, submit_root=str(tmp_path / "other"))
  (tmp_path / "other").mkdir()
  assert filing.filed_before(next(s for s in cells.plan(elsewhere, paths_of(elsewhere)) if s.name == "submit")) is None


def test_plan_only_says_why_the_leaderboard_s_entries_of_a_cell_do_not_make_it_done(tmp_path, monkeypatch):
  """A cell whose entries are on the leaderboard but do not count trains again; its plan names each entry
  and why (trained before a change to its task, stale, not verified, old skills) or the backend with none."""
  from skillbench.publish import leaderboard, reference_table

  monkeypatch.setattr(reference_table, "training_seed", lambda sub: sub.result["training_seed"])
  monkeypatch.setattr(reference_table, "replaced_skills", lambda sub: [] if sub.result.get("library", True) else ["walking"])
  monkeypatch.setattr(reference_table, "trained_version", lambda sub: sub.result.get("trained_on"))
  both = ["mujoco", "mjx"]
  cfg = config(tmp_path, embodiment="g1", backends=both)
  old = filed_entry(backend="mjx")
  old.result["trained_on"] = "0.3.0"
  replaced = filed_entry(backend="mjx", at="2")
  replaced.result["library"] = False
  subs = [filed_entry(), old, replaced, filed_entry(backend="mjx", verified=False, at="3"),
          filed_entry(backend="mjx", version="0.3.0", at="4"), filed_entry(backend="mjx", seed=1, at="5")]
  reasons = filing.why_not_filed(cfg, subs)
  assert reasons[0].startswith("blender-mjx-0-1: trained on 0.3.0; ") and "0.3.1" in reasons[0]
  assert reasons[1:3] == ["blender-mjx-0-2: blends the library's walking, replaced since",
                          "blender-mjx-0-3: not verified (self-reported)"]
  assert reasons[3].startswith("blender-mjx-0-4: stale: ") and len(reasons) == 4  # seed 1 is another cell's
  assert filing.why_not_filed(cfg, [filed_entry(), replaced, filed_entry(backend="mjx", at="6", version="0.3.0"),
                                     filed_entry(at="7", version="0.3.0")])[1].startswith(
    "blender-mjx-0-6, blender-mujoco-0-7: stale: ")  # one reason, one line
  assert filing.why_not_filed(cfg, [filed_entry()]) == ["no entry on mjx"]
  assert filing.why_not_filed(cfg, [filed_entry(), filed_entry(backend="mjx")]) == []  # they count: done
  assert filing.why_not_filed(cfg, [filed_entry(seed=1)]) == []  # none of this cell's: nothing to explain

  root = tmp_path / "board"
  root.mkdir()
  monkeypatch.setattr(leaderboard, "load_submissions", lambda path: [filed_entry(), old])
  cfg = config(tmp_path, embodiment="g1", backends=both, submit_root=str(root), plan_only=True)
  plan = runner.run_cell(cfg)["plan"]
  assert plan.startswith("would run train") and not paths_of(cfg).state.exists()
  assert "(the leaderboard's entries do not count: blender-mjx-0-1: trained on 0.3.0; " in plan
