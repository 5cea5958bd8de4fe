"""The benchmark's reference table: verified current-version native entries only, seeds averaged per
policy, the paper's numbers beside ours and its claims counted on ours."""

import unittest.mock

import skillbench
from skillbench.publish import leaderboard, reference_table


def entry(task="far_reach", method="blender", error=0.03, tilt=0.05, torque=10.0, fell=0.0, policy="a",
          backend="mujoco", verified=True, version=skillbench.__version__, robot="g1"):
  metrics = {"error": error, "success_rate": 1.0, "fell": fell, "tilt": tilt, "height": 0.7, "torque": torque,
             "power": 5.0}
  result = {"schema_version": 2, "robot": robot, "task": task, "method": method, "backend": backend, "impl": None,
            "benchmark_version": version, "checkpoint": {"sha256": policy * 64},
            "metrics": {"aggregate": {k: {"mean": v} for k, v in metrics.items()}, "per_rollout": []}}
  return leaderboard.Submission(id=f"{task}-{method}-{policy}-{backend}", folder=None, result=result, verified=verified)


def row(text: str, task: str) -> list[str]:
  line = next(line for line in text.splitlines() if line.startswith(f"| {task} |"))
  return [cell.strip() for cell in line.strip("|").split("|")]


def test_two_policies_are_averaged_and_mjx_stale_and_unverified_entries_are_left_out():
  subs = [entry(error=0.03), entry(error=0.05, policy="b"), entry(error=0.03, backend="mjx", policy="c"),
          entry(error=0.9, policy="d", version="0.1.0"), entry(error=0.9, policy="e", verified=False),
          entry(method="ppo", tilt=0.2, torque=20.0, error=0.2)]
  text = reference_table.markdown(subs, "g1", counts=lambda sub: True)
  cells = row(text, "FarReach")
  assert cells[2] == "0.040 [-0.087, 0.167] / 0.200" and cells[3] == "0.023 / –" and cells[4] == "–"
  assert cells[5] == "2 / 1"
  assert "below the task's threshold: 1 of 8 tasks (1 measured; target at least 5; the paper: 7 of 8)" in text
  assert "stand (fall rate under 0.5): 1. SkillBlender's Tilt below flat PPO's on 1 of them, its torque no higher on 1." in text
  assert "Not measured yet (14 of 16)" in text and "FarReach blender" not in text.split("Not measured yet")[1]


def test_the_zero_action_baseline_sits_beside_the_errors_and_who_beats_it_is_counted():
  subs = [entry(error=0.03), entry(method="ppo", error=0.5), entry(method="zero", error=0.4, policy="z"),
          entry(task="package_lift", error=0.285), entry(task="package_lift", method="zero", error=0.285, policy="y"),
          entry(task="box_push", error=0.01)]  # no zero baseline on BoxPush: not counted
  text = reference_table.markdown(subs, "g1", counts=lambda sub: True)
  assert row(text, "FarReach")[4] == "0.400" and row(text, "PackageLift")[4] == "0.285" and row(text, "BoxPush")[4] == "–"
  assert ("Error below the zero-action robot's (doing nothing, which falls): SkillBlender on 1 of 2 tasks, flat PPO "
          "on 0 of 1 (not: PackageLift blender, FarReach ppo).") in text
  assert "zero" not in text.split("Not measured yet")[1], "the baseline is not a method the table waits for"


def test_a_variant_or_a_skill_subset_is_not_the_method_it_varies():
  subs = [entry(method="blender-epochs2", error=0.01), entry(method="blender+reaching", error=0.01, policy="b"),
          entry(method="ppo")]
  text = reference_table.markdown(subs, "g1", counts=lambda sub: True)
  assert row(text, "FarReach")[2] == "– / 0.030" and "FarReach blender" in text.split("Not measured yet")[1]


def test_a_claim_that_fails_names_its_task_and_a_falling_method_is_not_compared():
  subs = [entry(tilt=0.3), entry(method="ppo", tilt=0.2),
          entry(task="box_push", fell=0.8), entry(task="box_push", method="ppo")]
  text = reference_table.markdown(subs, "g1", counts=lambda sub: True)
  assert "stand (fall rate under 0.5): 1. SkillBlender's Tilt below flat PPO's on 0 of them" in text
  assert "(not yet: FarReach)" in text


def test_h1_rows_carry_the_paper_feasibility_and_its_claim():
  text = reference_table.markdown([entry(robot="h1", tilt=0.04, error=0.01)], "h1", counts=lambda sub: True)
  cells = row(text, "FarReach")
  assert cells[8] == "0.045 / 0.242" and cells[12] == "13.5 / 23.4"
  assert cells[9] == "0.70 / –" and cells[10] == "0.95 / 0.80"  # h (m): ours, and the paper's 0.955 / 0.796
  assert "Tilt and P at or below the paper's SkillBlender on 1 of 1 measured tasks" in text


def test_only_blenders_of_the_current_library_count():
  """The committed H1 ButtonPress blenders: the one trained on the 0.2.0 walking is left out."""
  import pathlib

  root = pathlib.Path(__file__).resolve().parents[1] / "leaderboard" / "submissions"
  subs = [s for s in leaderboard.load_submissions(root) if s.robot == "h1" and s.task == "button_press"
          and s.method == "blender" and not s.stale and s.result["backend"] == "mujoco"]
  verdicts = sorted(reference_table.blends_the_library(s) for s in subs)
  assert verdicts == [False, True], "one blender on the replaced walking, one on the current library"
  assert reference_table.cells(subs, "h1")["button_press", "blender"].policies == 1


def test_ablations_sit_beside_the_reference_methods_of_their_task_only():
  subs = [entry(task="button_press", error=0.04), entry(task="button_press", method="ppo", error=0.1),
          entry(task="button_press", method="no_softmax", error=0.2, policy="b"),
          entry(task="button_press", method="blender-epochs2", error=0.05, policy="c"),
          entry(task="button_press", method="hb", error=0.3, policy="d", verified=False),
          entry(task="far_reach", error=0.1, policy="e"), entry(task="far_reach", method="zero", error=0.6, policy="f")]
  current = lambda sub: sub.result["checkpoint"]["sha256"][0] != "g"
  text = reference_table.other_methods_markdown(subs, "g1", counts=current, earlier=lambda sub: [])
  methods = [line.split("|")[2].strip() for line in text.splitlines()[2:]]
  assert methods == ["blender", "ppo", "blender-epochs2", "no_softmax"]  # no FarReach rows, no unverified hb
  assert "| ButtonPress | no_softmax | library | 1 | 0.200 | 0.00 |" in text
  assert "No ablation" in reference_table.other_methods_markdown(subs[:2], "g1", counts=current,
                                                                 earlier=lambda sub: [])
  # A FarReach SkillBlender blending a walking the library has replaced since: a row of its own, marked.
  old = entry(task="far_reach", error=0.3, policy="g")
  earlier = lambda sub: ["walking"] if sub is old else []
  text = reference_table.other_methods_markdown([*subs, old], "g1", counts=current, earlier=earlier)
  rows = [[f.strip() for f in line.split("|")[1:4]] for line in text.splitlines()[2:]]
  assert rows[:2] == [["FarReach", "blender", "library"], ["FarReach", "blender", "earlier walking"]]
  assert "| ButtonPress | ppo | – | 1 | 0.100 |" in text  # a flat policy blends no library
  assert "| FarReach | blender | earlier walking | 1 | 0.300 |" in text
  assert reference_table.base_method("blender+reaching-epochs2") == "blender"


def test_one_policy_filed_under_a_variant_label_too_is_named_as_the_same_policy():
  subs = [entry(error=0.07, policy="a"), entry(method="blender-walk_blind", error=0.07, policy="a"),
          entry(method="blender-tanh", error=0.1, policy="b")]
  text = reference_table.other_methods_markdown(subs, "g1", counts=lambda sub: True, earlier=lambda sub: [])
  methods = [line.split("|")[2].strip() for line in text.splitlines()[2:]]
  assert methods == ["blender", "blender-tanh", "blender-walk_blind (the same policy as blender)"]


def test_a_method_s_policies_are_its_training_seeds_and_a_retrained_seed_replaces_its_predecessor():
  old, again, other = entry(error=0.3, policy="a"), entry(error=0.05, policy="b"), entry(error=0.07, policy="c")
  for sub, created in ((old, "2026-12-01T00:00:00+00:00"), (again, "2026-12-06T00:00:00+00:00"),
                       (other, "2026-12-03T00:00:00+00:00")):
    sub.result["provenance"] = {"created": created}
  seeds = {"a": 0, "b": 0, "c": 1}
  seed_of = lambda sub: seeds[sub.result["checkpoint"]["sha256"][0]]
  (cell,) = reference_table.cells([again, old, other], "g1", counts=lambda sub: True, seed_of=seed_of).values()
  assert cell.policies == 2 and abs(cell.error - 0.06) < 1e-12  # seed 0's retrained policy and seed 1's
  unknown = reference_table.cells([again, old], "g1", counts=lambda sub: True, seed_of=lambda sub: None)
  assert unknown["far_reach", "blender"].policies == 2  # no recorded seed: each policy counts


def test_a_policy_trained_before_a_change_to_its_task_is_not_counted_though_re_measured_since():
  """PackageLift changed in 0.3.1 (package friction): a blender trained on 0.3.0 and re-measured on this
  version is a leaderboard row, not SkillBlender's PackageLift result; one trained on 0.3.1 is."""
  subs = [entry(task="package_lift", error=0.3, policy="a"), entry(task="package_lift", error=0.05, policy="b")]
  trained = {"a" * 64: "0.3.0", "b" * 64: "0.3.1"}
  with unittest.mock.patch.object(reference_table, "trained_version",
                                  lambda sub: trained[sub.result["checkpoint"]["sha256"]]), \
       unittest.mock.patch.object(reference_table, "blends_the_library", lambda sub: True):
    (cell,) = reference_table.cells(subs, "g1").values()
  assert cell.policies == 1 and cell.error == 0.05
