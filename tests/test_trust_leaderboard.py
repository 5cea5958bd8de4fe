"""What the leaderboard shows is what it measured (issue 29) and its success numbers are named apart
(issue 26), tried as a hostile submitter who controls every byte of a result file.

Evaluations use the smallest settings tests/test_submission.py uses (the protocol's 20 rollouts of
the zero-action baseline and of an untrained [16]-unit policy on H1 ButtonPress); a re-run of the
same inputs is taken from a cache (`cached_reruns`), since the evaluation is deterministic.
"""

import copy
import json
import pathlib
import shutil

import pytest

import skillbench
from skillbench.evaluation import protocol as evaluation
from skillbench.publish import leaderboard
from skillbench.publish.leaderboard import details as leaderboard_details
from skillbench.publish.leaderboard import markdown as leaderboard_markdown
from skillbench.publish.leaderboard import rows as leaderboard_rows
from skillbench.publish.leaderboard import website as leaderboard_website
from skillbench.results import changes, submission
from skillbench.results import result_file as results
from skillbench.results.submission import SubmissionError
from tests.test_blender import untrained_policy
from tests.test_leaderboard_site import make_result, write_submission
from tests.test_submission import TASK, evaluate_to

ROOT = pathlib.Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "leaderboard" / "submissions"
VERSION = skillbench.__version__
_RERUNS = {}


@pytest.fixture(scope="module")
def genuine(tmp_path_factory):
  """{name: result path}: the zero-action baseline, and an untrained policy with its checkpoint beside."""
  folder = tmp_path_factory.mktemp("genuine")
  policy = untrained_policy(folder / "policy.safetensors", "h1", TASK, seed=5)
  return {"zero": evaluate_to(folder, "zero"), "policy": evaluate_to(folder, "policy", policy)}


@pytest.fixture
def cached_reruns(monkeypatch):
  """`evaluation.evaluate_policy`, remembered per (checkpoint sha256 or baseline, arguments)."""
  real = evaluation.evaluate_policy

  def rerun(robot, skill, loaded=None, baseline="zero", *args, **kw):
    from skillbench.policy.checkpoint import file_sha256

    key = (robot, skill, file_sha256(loaded.checkpoint.path) if loaded else baseline, args, tuple(sorted(kw.items())))
    if key not in _RERUNS:
      _RERUNS[key] = real(robot, skill, loaded, baseline, *args, **kw)
    return copy.deepcopy(_RERUNS[key])

  monkeypatch.setattr(evaluation, "evaluate_policy", rerun)


def load(path) -> dict:
  return json.loads(pathlib.Path(path).read_text())


def doctor(doc: dict, rollout_edit=None, edit=None) -> dict:
  """`doc` with `rollout_edit(r)` applied to every rollout and `edit(doc)` to the rest, then made
  consistent again with SkillBench's own functions (per-rollout success, aggregates, success flag)
  and resealed: a forgery that passes every check a file can make on itself."""
  doc = copy.deepcopy(doc)
  ev, per = doc["evaluation"], doc["metrics"]["per_rollout"]
  for r in per:
    if rollout_edit:
      rollout_edit(r)
    r["success_rate"] = float(r["error"] < ev["threshold"] and r["fell"] == 0)
  doc["metrics"]["aggregate"] = {k: evaluation.aggregate([r[k] for r in per], ev["seed"]) for k in per[0]}
  doc["success"] = results.spec_success(doc["metrics"]["aggregate"]["error"]["mean"], ev["threshold"])
  if edit:
    edit(doc)
  return results.check(results.seal(doc))


def beside(doc: dict, source: pathlib.Path, folder: pathlib.Path, name="result.json") -> pathlib.Path:
  """Writes `doc` into `folder` with copies of the files beside `source` that it names."""
  folder.mkdir(parents=True, exist_ok=True)
  for role in ("checkpoint", "video"):
    if doc.get(role) and not (folder / doc[role]["path"]).exists():
      shutil.copyfile(source.parent / doc[role]["path"], folder / doc[role]["path"])
  path = folder / name
  path.write_text(json.dumps(doc))
  return path


def other_machine(doc: dict) -> None:
  doc["provenance"]["machine"] = {"platform": "Darwin-24.1-arm64", "cpus": 10, "devices": ["cpu"], "device_count": 1}


def filed(root: pathlib.Path) -> list[str]:
  return sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else []


# Issue 29: forged numbers are never shown as measured.


def test_a_fabricated_result_is_filed_only_as_self_reported_and_shown_apart(genuine, tmp_path, cached_reruns):
  forged = beside(doctor(load(genuine["policy"]), lambda r: r.update(error=0.001)), genuine["policy"], tmp_path / "f")
  assert results.read(forged)["success"], "every check a file can make on itself passes: the seal is no signature"
  root = tmp_path / "submissions"
  with pytest.raises(SubmissionError, match="--reproduce failed: per-rollout numbers differ .* bit-identical"):
    submission.submit(forged, root, reproduce_it=True)
  assert filed(root) == []
  outcome = submission.submit(forged, root)
  assert not outcome.verified and load(outcome.folder / "submission.json")["verified"] is False
  (sub,) = leaderboard.load_submissions(root)
  (row,) = [r for r in leaderboard_rows.rows([sub]) if r["id"] == sub.id]
  assert row["section"] == "self-reported" and row["rank"] is None
  text = leaderboard.markdown_table([sub], only_submitted=True)
  ranked, claimed = text.split("#### Unitree H1: self-reported")
  assert "| ppo |" not in ranked and "| – | ButtonPress | ppo | mujoco | 0.001 ± 0.000 | yes | 0.000 [0.000, 0.000] |" in claimed
  assert "not re-measured by the leaderboard; not ranked" in claimed
  index = leaderboard_website.index_page([sub])
  assert '<input type="checkbox" id="self-reported">' in index and "hidden until you tick" in index


def test_claiming_another_machine_does_not_pass_doctored_numbers(genuine, tmp_path, cached_reruns):
  """The old check let a result claiming another machine through with a slightly better Error and
  the seven unchecked metrics zeroed; now every metric is compared per rollout, and the re-run's
  numbers are what is published either way."""
  def better_and_zeroed(r):
    r.update(error=r["error"] * 0.98, torque_limit=0.0, joint_limit=0.0, foot_slip=0.0, action_jerk=0.0)

  doctored = beside(doctor(load(genuine["policy"]), better_and_zeroed, other_machine), genuine["policy"],
                    tmp_path / "a")
  with pytest.raises(SubmissionError, match="another machine .* outside tolerance: action_jerk mean"):
    submission.submit(doctored, tmp_path / "submissions", reproduce_it=True)

  slightly = beside(doctor(load(genuine["policy"]), lambda r: r.update(error=r["error"] * 0.99), other_machine),
                    genuine["policy"], tmp_path / "b")
  outcome = submission.submit(slightly, tmp_path / "submissions", reproduce_it=True, dry_run=True)
  assert outcome.verified and "within tolerance" in outcome.notes[-1]
  measured, claimed = (d["metrics"]["aggregate"]["error"]["mean"] for d in (outcome.doc, outcome.submitted))
  assert measured == load(genuine["policy"])["metrics"]["aggregate"]["error"]["mean"] != claimed
  assert outcome.doc["provenance"]["machine"] != outcome.submitted["provenance"]["machine"]


def test_what_the_checkpoint_can_disprove_is_checked(genuine, tmp_path):
  """A flat PPO checkpoint relabelled blender (or a baseline) is refused before any re-run; a
  blender checkpoint's label must be its method; the models must be this SkillBench's."""
  policy = load(genuine["policy"])
  for label, match in (("blender", "names a blender, but the checkpoint is a flat policy"),
                       ("no_softmax", "names a blender"), ("zero", "is a baseline, which has no checkpoint")):
    path = beside(doctor(policy, edit=lambda d, label=label: d.update(method=label)), genuine["policy"],
                  tmp_path / label)
    with pytest.raises(SubmissionError, match=match):
      submission.submit(path, tmp_path / "submissions", reproduce_it=True, dry_run=True)
  from skillbench.policy import saved as policy_lib

  blender_result = next(COMMITTED.glob("h1-button_press-blender-*/result.json"))
  blender = policy_lib.load(blender_result.with_name("policy.safetensors"))
  committed = results.read(blender_result)
  assert "checked against the checkpoint (a blender of method blender, skills walking, reaching)" in submission.check_method(
    committed, blender)
  assert submission.check_method({**committed, "method": "blender-long"}, blender).startswith("method blender-long")
  for label in ("ppo", "no_softmax", "hb", "blender+walking"):
    with pytest.raises(SubmissionError, match="the checkpoint is a 'blender' blender"):
      submission.check_method({**committed, "method": label}, blender)

  def other_scene(doc):
    doc["provenance"]["model_files"]["scene.xml"] = "0" * 64

  path = beside(doctor(policy, edit=other_scene), genuine["policy"], tmp_path / "scene")
  with pytest.raises(SubmissionError, match=r"model files are not this SkillBench's \(scene.xml differ\)"):
    submission.submit(path, tmp_path / "submissions", dry_run=True)


def test_a_verified_entry_publishes_the_re_run_and_keeps_the_submitted_file(genuine, tmp_path, cached_reruns):
  root = tmp_path / "submissions"
  outcome = submission.submit(genuine["policy"], root, reproduce_it=True)
  names = sorted(p.name for p in outcome.folder.iterdir())
  assert names == ["policy.safetensors", "result.json", "submission.json", "submitted.json"]
  assert (outcome.folder / "submitted.json").read_bytes() == genuine["policy"].read_bytes()
  record = load(outcome.folder / "submission.json")
  assert record["verified"] and record["verification"]["comparison"] == "bit-identical per-rollout numbers, every metric"
  published = results.read(outcome.folder / "result.json")
  assert published["config"]["verifies"] == load(genuine["policy"])["content_sha256"]
  assert published["metrics"] == load(genuine["policy"])["metrics"] and published["benchmark_version"] == VERSION
  (sub,) = leaderboard.load_submissions(root)
  assert sub.verified and not sub.stale and sub.submitted["content_sha256"] == load(genuine["policy"])["content_sha256"]
  (row,) = [r for r in leaderboard_rows.rows([sub]) if r["id"] == sub.id]
  assert row["section"] == "ranked" and row["rank"] == 1
  page = leaderboard_details.details_page(sub)
  assert "verified: measured by the leaderboard" in page and "ppo (claimed)" in page


def test_an_entry_changed_after_filing_stops_the_build(genuine, tmp_path, cached_reruns):
  root = tmp_path / "submissions"
  verified = submission.submit(genuine["zero"], root, reproduce_it=True).folder
  claimed = submission.submit(genuine["policy"], root).folder
  assert len(leaderboard.load_submissions(root)) == 2

  def broken(change, match):
    copy_root = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(root, copy_root)
    change(copy_root / verified.name, copy_root / claimed.name)
    with pytest.raises(ValueError, match=match):
      leaderboard.load_submissions(copy_root)
    return copy_root

  def edit_number(v, c):
    (c / "result.json").write_text((c / "result.json").read_text().replace('"mean": ', '"mean": 1', 1))

  broken(edit_number, "content_sha256 does not match its content")

  def reseal_better(v, c):
    (v / "result.json").write_text(json.dumps(doctor(load(v / "result.json"), lambda r: r.update(error=0.001))))

  broken(reseal_better, "named 'h1-button_press-zero-.*', but its result.json is")

  def reseal_keep_name(v, c):
    forged = doctor(load(v / "result.json"), lambda r: r.update(error=0.001))
    v.rename(v.with_name(submission.submission_id(forged)))
    (v.with_name(submission.submission_id(forged)) / "result.json").write_text(json.dumps(forged))
    record = load(v.with_name(submission.submission_id(forged)) / "submission.json")
    record["id"] = submission.submission_id(forged)
    (v.with_name(submission.submission_id(forged)) / "submission.json").write_text(json.dumps(record))

  broken(reseal_keep_name, "the verification in submission.json names other files")

  def promote(v, c):
    record = load(c / "submission.json")
    (c / "submission.json").write_text(json.dumps({**record, "verified": True}))

  broken(promote, "submitted.json without a verification in submission.json, or the reverse")

  legacy = tmp_path / "legacy"
  shutil.copytree(root, legacy)
  record = {k: value for k, value in load(legacy / claimed.name / "submission.json").items() if k != "verified"}
  (legacy / claimed.name / "submission.json").write_text(json.dumps({**record, "reproduced": True}))
  assert not next(s for s in leaderboard.load_submissions(legacy) if s.id == claimed.name).verified, (
    "`reproduced` without `verified` counts only for results measured before verification records")

  broken(lambda v, c: (c / "policy.safetensors").write_bytes(b"\x00" * 8 + b"{}"), "checkpoint .* does not match")
  copy_root = broken(lambda v, c: (v / "submitted.json").unlink(), "submitted.json: no such result file")
  from tests.test_leaderboard_site import load_script

  assert load_script().main(["--submissions", str(copy_root), "--site", str(tmp_path / "site"),
                             "--markdown", str(tmp_path / "LEADERBOARD.md")]) == 1


def test_a_swap_during_reproduction_changes_nothing_filed(genuine, tmp_path, monkeypatch):
  """The checkpoint is copied first; the copy is hashed, evaluated and filed. A source swapped
  while the evaluation runs (or the result file rewritten) does not reach the entry."""
  source = tmp_path / "source"
  result = beside(load(genuine["policy"]), genuine["policy"], source)
  original, submitted = (source / "policy.safetensors").read_bytes(), result.read_bytes()
  other = untrained_policy(tmp_path / "other.safetensors", "h1", TASK, seed=6).read_bytes()
  real, evaluated = evaluation.evaluate_policy, []

  def swapping(robot, skill, loaded=None, *args, **kw):
    (source / "policy.safetensors").write_bytes(other)
    result.write_text(json.dumps(doctor(load(genuine["policy"]), lambda r: r.update(error=0.001))))
    evaluated.append(pathlib.Path(loaded.checkpoint.path))
    return real(robot, skill, loaded, *args, **kw)

  monkeypatch.setattr(evaluation, "evaluate_policy", swapping)
  outcome = submission.submit(result, tmp_path / "submissions", reproduce_it=True)
  assert evaluated[0].parent != source and evaluated[0].name == "policy.safetensors"
  assert (outcome.folder / "policy.safetensors").read_bytes() == original != other
  assert (outcome.folder / "submitted.json").read_bytes() == submitted != result.read_bytes()
  assert "bit-identical" in outcome.notes[-1]
  (sub,) = leaderboard.load_submissions(tmp_path / "submissions")
  assert sub.result["checkpoint"]["sha256"] == load(genuine["policy"])["checkpoint"]["sha256"]


def test_duplicates_of_one_evaluation_are_one_entry(genuine, tmp_path, cached_reruns):
  root = tmp_path / "submissions"
  first = submission.submit(genuine["zero"], root).folder

  def later(doc):
    doc["provenance"]["created"] = "2027-01-01T00:00:00+00:00"

  again = beside(doctor(load(genuine["zero"]), edit=later), genuine["zero"], tmp_path / "again")
  with pytest.raises(SubmissionError, match="already exists for the same evaluation"):
    submission.submit(again, root)
  verified = submission.submit(again, root, reproduce_it=True).folder  # verified beats self-reported
  with pytest.raises(SubmissionError, match="already exists for the same evaluation .*, verified"):
    submission.submit(genuine["zero"], root, reproduce_it=True)
  assert filed(root) == sorted([first.name, verified.name])
  (sub,) = leaderboard.load_submissions(root)
  assert sub.id == verified.name and sub.verified and sub.duplicates == (first.name,)
  assert f"Also filed (the same evaluation)</th><td>{first.name}" in leaderboard_details.details_page(sub)

  synthetic = tmp_path / "synthetic"
  one = write_submission(synthetic, make_result(error=0.03))
  two = write_submission(synthetic, make_result(error=0.03, text="later"))
  (merged,) = leaderboard.load_submissions(synthetic)
  assert {merged.id, *merged.duplicates} == {one, two}
  assert sum(1 for r in leaderboard_rows.rows([merged]) if r["id"]) == 1


def test_a_deeply_nested_result_is_refused_with_a_message(tmp_path, capsys):
  deep = tmp_path / "deep.json"
  deep.write_bytes(b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
  nested = tmp_path / "nested.json"
  nested.write_text(json.dumps({**make_result(), "config": json.loads('{"a":' * 40 + "1" + "}" * 40)}))
  for path in (deep, nested):
    with pytest.raises(SubmissionError, match=f"nested more than {results.MAX_NESTING} levels deep"):
      submission.submit(path, tmp_path / "submissions", dry_run=True)
  import importlib.util

  spec = importlib.util.spec_from_file_location("submit_script", ROOT / "scripts" / "submit.py")
  script = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(script)
  assert script.main([str(deep), "--dry-run"]) == 1
  assert "REFUSED" in capsys.readouterr().err

  for name in ("result.json", "submission.json"):
    root = tmp_path / f"filed-{name}"
    sub_id = write_submission(root, make_result())
    (root / sub_id / name).write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ValueError, match="nested more than"):
      leaderboard.load_submissions(root)


def test_markdown_from_a_submission_never_becomes_a_link_or_an_image(tmp_path):
  markdown_it = pytest.importorskip("markdown_it")
  hostile = "[x](https://e.example) ![i](https://e.example/i.png) <https://e.example> https://e.example www.e.example " \
            "a@b.example **b** _i_ `c` <b>bold</b> ~~s~~ \\[y](z)"
  cell = leaderboard_markdown.markdown_cell(leaderboard_markdown.markdown_text(hostile))
  rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(f"| m |\n|---|\n| {cell} |\n")
  for tag in ("<a", "<img", "<strong", "<em", "<code", "<b>", "<s>"):
    assert tag not in rendered, (tag, rendered)
  assert "https\\://e.example" in cell and "www\\.e.example" in cell and "a\\@b.example" in cell
  doc = {**make_result(), "method": "[x](https://e.example)"}  # past the schema: the table still escapes it
  text = leaderboard.markdown_table([leaderboard.Submission("x", tmp_path, doc)])
  assert "\\[x\\]\\(https\\://e.example\\)" in text and "[x](" not in text


# Issue 26: the spec's success and our success rate, and the version of every number.


def test_success_follows_the_mean_error_and_success_rate_the_rollouts():
  def errors(values):
    def edit(doc):
      for r, value in zip(doc["metrics"]["per_rollout"], values, strict=True):
        r["error"] = value
    return edit

  for values, success, rate in (([0.01, 0.01, 0.1], True, 2 / 3), ([0.01, 0.01, 0.5], False, 2 / 3),
                                ([0.06, 0.06, 0.06], False, 0.0)):
    doc = make_result()
    errors(values)(doc)
    doc = doctor(doc)
    assert doc["success"] is success and results.success(doc) is success
    assert results.success_rate(doc)["mean"] == pytest.approx(rate)
    (row,) = [r for r in leaderboard_rows.rows([leaderboard.Submission("x", pathlib.Path("."), doc)]) if r["id"]]
    assert row["success"] is success and row["success_rate"] == pytest.approx(rate)
    flipped = results.seal({**doc, "success": not success})
    with pytest.raises(results.ResultFileError, match=f"success {not success} does not follow from the mean Error"):
      results.check(flipped)
  assert doc["schema_version"] == 2 and "success" not in doc["metrics"]["aggregate"]


def test_version_1_files_are_read_with_both_success_numbers(genuine):
  old = results.read(COMMITTED / "h1-button_press-ppo-7ada6611020f" / "result.json")  # filed on 0.1.0
  assert old["schema_version"] == 1 and "success" in old["metrics"]["aggregate"]
  assert results.success(old) is True and results.success_rate(old)["mean"] == pytest.approx(0.55)
  assert set(results.metrics(old)["aggregate"]) >= {"success_rate", "error"}
  new = results.read(genuine["zero"])
  assert new["schema_version"] == 2 and new["success"] is False and "success_rate" in new["metrics"]["aggregate"]
  assert all("success" not in r for r in new["metrics"]["per_rollout"])
  from skillbench.publish import readme_tables as readme

  table = readme.leaderboard_table()
  assert "| # | Task | Method | Backend | Error | Success | Success rate [95 % CI] | Fall |" in table
  assert "| Task | Method | Backend | Error | Success | Success rate [95 % CI] |" in readme.task_comparison_table()


def test_a_row_of_an_older_version_is_labelled_stale_and_not_ranked(genuine, tmp_path):
  root = tmp_path / "submissions"
  current = write_submission(root, make_result(method="ppo", error=0.03), verified=True)
  old = write_submission(root, make_result(error=0.01, version="0.1.0"), verified=True)
  subs = leaderboard.load_submissions(root)
  by_id = {r["id"]: r for r in leaderboard_rows.rows(subs) if r["id"]}
  assert by_id[current]["rank"] == 1 and by_id[old]["rank"] is None and by_id[old]["stale"]
  text = leaderboard.markdown_table(subs)
  assert "| 1 | BoxPush | ppo | mujoco | 0.031 ± 0.001 | yes | 1.000 [1.000, 1.000] |" in text and f"| {VERSION} |" in text
  assert "| – | BoxPush | blender | mujoco | 0.011 ± 0.001 |" in text and "| 0.1.0 (stale) |" in text
  page = leaderboard_details.details_page(next(s for s in subs if s.id == old))
  assert f"measured on SkillBench 0.1.0; the installed version is {VERSION}: stale, not re-measured on it" in page
  readme = (ROOT / "README.md").read_text()
  board = readme[readme.index("<!-- BEGIN leaderboard -->"):readme.index("<!-- END leaderboard -->")]
  readme_rows = [line for line in board.splitlines() if "| zero |" in line]
  shown = [line.split("|")[-2].strip() for line in readme_rows]
  assert shown and all(v.endswith("(stale)") or results.version_tuple(changes.BASELINE) <= results.version_tuple(v)
                       <= results.version_tuple(VERSION) for v in shown)

  for version, match in (("0.1.0", "must be measured on it. Fix: .* --reproduce"), ("9.0.0", "newer than this")):
    path = beside(doctor(load(genuine["zero"]), edit=lambda d, v=version: d.update(benchmark_version=v)),
                  genuine["zero"], tmp_path / version)
    with pytest.raises(SubmissionError, match=match):
      submission.submit(path, root, dry_run=True)


def test_an_older_row_holds_until_a_recorded_change_touches_its_robots_task(tmp_path):
  """0.3.2 changed G1's FarReach (hips and knees forbidden) and nothing of H1's: a 0.3.1 H1 FarReach row
  still ranks, a 0.3.1 G1 FarReach row is stale and says why, a 0.3.0 row (before the baseline) is stale."""
  root = tmp_path / "submissions"
  h1 = write_submission(root, make_result(robot="h1", task="far_reach", error=0.03, version="0.3.1"), verified=True)
  g1 = write_submission(root, make_result(robot="g1", task="far_reach", error=0.02, version="0.3.1"), verified=True)
  old = write_submission(root, make_result(robot="h1", task="far_reach", method="ppo", error=0.01, version="0.3.0"),
                         verified=True)
  subs = {s.id: s for s in leaderboard.load_submissions(root)}
  by_id = {r["id"]: r for r in leaderboard_rows.rows(list(subs.values())) if r["id"]}
  assert by_id[h1]["rank"] == 1 and not by_id[h1]["stale"]
  assert by_id[g1]["stale"] and by_id[g1]["rank"] is None and by_id[old]["stale"] and by_id[old]["rank"] is None
  assert "hip and knee contact" in leaderboard_details.details_page(subs[g1])
  assert "holds on the installed" in leaderboard_details.details_page(subs[h1])
  assert changes.holds("0.3.1", "g1", "button_press", fell=False) and not changes.holds("0.3.1", "g1", "box_push", fell=False)
  assert not changes.holds("9.0.0", "h1", "far_reach"), "a number from a newer version than the installed one"


def test_a_change_of_how_fallen_rollouts_are_scored_leaves_fall_free_rows_and_every_policy_holding(tmp_path):
  """0.3.5 scores a rollout whose physics diverged on its steps before (a diverged rollout is a fall): a 0.3.4
  row in which a rollout fell is stale and says why, one in which none fell still ranks, and no policy
  trained on 0.3.4 trains again for it."""
  root = tmp_path / "submissions"
  fallen = write_submission(root, make_result(robot="g1", task="package_lift", method="ppo", error=0.3,
                                              version="0.3.4", falls=1), verified=True)
  upright = write_submission(root, make_result(robot="g1", task="package_lift", error=0.2, version="0.3.4"),
                             verified=True)
  subs = {s.id: s for s in leaderboard.load_submissions(root)}
  assert subs[fallen].some_rollout_fell and not subs[upright].some_rollout_fell
  by_id = {r["id"]: r for r in leaderboard_rows.rows(list(subs.values())) if r["id"]}
  assert by_id[fallen]["stale"] and by_id[fallen]["rank"] is None
  assert not by_id[upright]["stale"] and by_id[upright]["rank"] == 1
  assert "physics diverges" in leaderboard_details.details_page(subs[fallen])
  assert changes.holds("0.3.4", "g1", "package_lift", policy=True)
  assert not changes.holds("0.3.4", "g1", "package_lift") and changes.holds("0.3.4", "g1", "package_lift", fell=False)
  assert not changes.holds("0.3.3", "g1", "cabinet_close", policy=True), "0.3.4 changed the cabinet itself"
  from skillbench.publish import readme_tables

  entry = lambda fell: {"robot": "g1", "skill": "stepping", "evaluated_with": {"skillbench": "0.3.4"},
                        "evaluation": {"mujoco": {"fell": {"mean": 0.0}}, "mjx": {"fell": {"mean": fell}}}}
  assert readme_tables.measured_on(entry(0.0)) == "0.3.4"  # a library entry none of whose rollouts fell holds
  assert readme_tables.measured_on(entry(0.15)) == "0.3.4 (stale)"  # one falling on either backend does not


def test_a_result_made_under_other_xla_flags_is_not_held_to_bit_identity(monkeypatch):
  """XLA's options change a compiled network's bits: the machine record names them when set, so a
  verifier with other flags compares within tolerance instead of refusing a genuine result."""
  from skillbench import provenance

  monkeypatch.delenv("XLA_FLAGS", raising=False)
  plain = provenance.hardware()
  assert "xla_flags" not in plain
  monkeypatch.setenv("XLA_FLAGS", "--xla_backend_optimization_level=0")
  flagged = provenance.hardware()
  assert flagged == {**plain, "xla_flags": "--xla_backend_optimization_level=0"}
  doc = {"provenance": {"machine": plain, "versions": results.versions()}}
  assert not results.same_environment(doc)
  monkeypatch.delenv("XLA_FLAGS")
  assert results.same_environment(doc)


def test_every_recorded_change_names_known_robots_and_tasks_or_skills_in_version_order():
  """A misspelt name in skillbench/results/changes.py would leave the numbers it changed ranked."""
  from skillbench import catalog

  names = set(catalog.task_names()) | set(catalog.skill_names())
  versions = [results.version_tuple(c.version) for c in changes.CHANGES]
  assert versions == sorted(versions) and all(results.version_tuple(changes.BASELINE) < v for v in versions)
  assert versions[-1] <= results.version_tuple(VERSION)
  for change in changes.CHANGES:
    assert set(change.robots) <= set(catalog.robot_names()) and set(change.names) <= names, change
