"""Result files and leaderboard submissions: genuine results are filed, forged or damaged ones refused."""

import copy
import json
import pathlib
import pickle

import jsonschema
import pytest

from skillbench.evaluation import protocol as evaluation
from skillbench.policy import saved as policy_lib
from skillbench.results import result_file as results
from skillbench.results import submission
from tests.test_blender import untrained_policy

TASK = "button_press"


def evaluate_to(folder: pathlib.Path, name: str, checkpoint=None, **kw) -> pathlib.Path:
  """A result file written as scripts/evaluate.py writes it (protocol unless kw says otherwise)."""
  loaded = policy_lib.load(checkpoint) if checkpoint is not None else None
  record = evaluation.evaluate_policy("h1", TASK, loaded, "zero", **kw)
  doc = results.from_evaluation(record, "mujoco", {"task": TASK, "test": name}, loaded)
  return results.write(doc, folder / f"{name}.json")


@pytest.fixture(scope="module")
def genuine(tmp_path_factory):
  """{name: result path}: the zero-action baseline, and an (untrained) policy with its checkpoint beside."""
  folder = tmp_path_factory.mktemp("results")
  policy = untrained_policy(folder / "policy.safetensors", "h1", TASK, seed=1)
  return {"zero": evaluate_to(folder, "zero"), "policy": evaluate_to(folder, "policy", policy)}


def forge(source: pathlib.Path, folder: pathlib.Path, edit, reseal=True) -> pathlib.Path:
  """A copy of a result (and the files beside it) with `edit(doc)` applied, resealed unless told not to."""
  doc = copy.deepcopy(json.loads(source.read_text()))
  edit(doc)
  if reseal:
    doc = results.seal(doc)
  for name in ("policy.safetensors",):
    if (source.parent / name).exists() and not (folder / name).exists():
      (folder / name).write_bytes((source.parent / name).read_bytes())
  path = folder / "forged.json"
  path.write_text(json.dumps(doc))
  return path


def refused(path, root, match, **kw):
  with pytest.raises(submission.SubmissionError, match=match):
    submission.submit(path, root, **kw)
  assert not root.exists() or not any(p for p in root.iterdir() if not p.name.startswith(".")), "nothing filed"


def test_the_schema_is_a_valid_json_schema_and_results_follow_it(genuine):
  schema = json.loads(results.SCHEMA_FILE.read_text())
  jsonschema.Draft202012Validator.check_schema(schema)
  doc = results.read(genuine["policy"])
  assert doc["method"] == "ppo" and doc["checkpoint"]["path"] == "policy.safetensors"
  assert doc["evaluation"]["protocol"] and doc["evaluation"]["num_rollouts"] == 20
  assert doc["training"]["env_steps"] == 0 and set(doc["provenance"]["versions"]) >= {"mujoco", "jax", "brax"}
  assert "scene.xml" in doc["provenance"]["model_files"] and "h1.xml" in doc["provenance"]["model_files"]
  assert doc["content_sha256"] == results.content_sha256(doc)


def test_a_genuine_result_is_filed_once_and_never_overwritten(genuine, tmp_path):
  root = tmp_path / "submissions"
  dry = submission.submit(genuine["policy"], root, dry_run=True)
  assert dry.folder is None and not root.exists()
  outcome = submission.submit(genuine["policy"], root)
  files = sorted(p.name for p in outcome.folder.iterdir())
  assert files == ["policy.safetensors", "result.json", "submission.json"]
  assert (outcome.folder / "result.json").read_bytes() == genuine["policy"].read_bytes()
  before = {p.name: p.read_bytes() for p in outcome.folder.iterdir()}
  with pytest.raises(submission.SubmissionError, match="already exists"):
    submission.submit(genuine["policy"], root)
  assert {p.name: p.read_bytes() for p in outcome.folder.iterdir()} == before
  assert submission.submit(genuine["zero"], root).folder.name.startswith("h1-button_press-zero-")


def edit_metric(doc):
  doc["metrics"]["per_rollout"][0]["error"] = 0.001


def edit_aggregate(doc):
  doc["metrics"]["aggregate"]["error"]["mean"] = 0.001


def change_seed(doc):
  doc["evaluation"]["seed"] = 7


def narrow_goals(doc):
  doc["evaluation"]["settings"]["goal_range_scale"] = 0.3


def drop_field(doc):
  del doc["provenance"]["model_files"]


def wrong_version(doc):
  doc["schema_version"] = 3


def escape_path(doc):
  doc["checkpoint"]["path"] = "../../x"


def html_method(doc):
  doc["method"] = "<script>alert(1)</script>"


FORGERIES = {
  "edited metric, seal kept": (edit_metric, False, "content_sha256 does not match"),
  "edited metric, resealed": (edit_metric, True, "does not follow from"),
  "edited aggregate, resealed": (edit_aggregate, True, "aggregate error .* does not follow"),
  "changed seed, seal kept": (change_seed, False, "content_sha256 does not match"),
  "changed seed, resealed": (change_seed, True, "protocol is True but"),
  "training goal ranges, resealed": (narrow_goals, True, "protocol is True but"),
  "missing field": (drop_field, True, "'model_files' is a required property"),
  "wrong schema version": (wrong_version, True, "version 3; this SkillBench reads"),
  "path out of its folder": (escape_path, True, "checkpoint/path"),
  "method holding HTML": (html_method, True, "at method"),
}


@pytest.mark.parametrize("name", FORGERIES)
def test_a_forged_result_is_refused_and_names_the_problem(name, genuine, tmp_path):
  edit, reseal, match = FORGERIES[name]
  refused(forge(genuine["policy"], tmp_path, edit, reseal), tmp_path / "submissions", match)


def test_damaged_files_are_refused(genuine, tmp_path):
  root = tmp_path / "submissions"
  not_json = tmp_path / "a.json"
  not_json.write_bytes(b"\x89PNG\r\n not json")
  refused(not_json, root, "is not a JSON result file")
  nan = tmp_path / "nan.json"
  nan.write_text(genuine["zero"].read_text().replace('"error": 0.', '"error": NaN, "x": 0.', 1))
  refused(nan, root, "NaN is not a JSON number")
  refused(tmp_path / "missing.json", root, "no such result file")
  huge = tmp_path / "huge.json"
  huge.write_bytes(b" " * (results.MAX_RESULT_BYTES + 1))
  refused(huge, root, "more than a result file may hold")
  short = evaluate_to(tmp_path, "short", num_rollouts=2, seconds=1.0)
  refused(short, root, "not evaluated with the benchmark protocol")


def test_a_checkpoint_that_does_not_match_its_hash_is_refused(genuine, tmp_path):
  path = forge(genuine["policy"], tmp_path, lambda doc: None)
  other = untrained_policy(tmp_path / "other.safetensors", "h1", TASK, seed=2)
  (tmp_path / "policy.safetensors").write_bytes(other.read_bytes())
  refused(path, tmp_path / "submissions", "does not match the sha256")
  refused(genuine["policy"], tmp_path / "submissions", "does not match the sha256", checkpoint=other)


class _Payload:
  """Unpickling this would create a file: proof that a refused pickle never ran."""

  def __init__(self, marker):
    self.marker = marker

  def __reduce__(self):
    return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def test_a_pickled_checkpoint_is_refused_without_running_it(genuine, tmp_path):
  marker = tmp_path / "pickle_ran"
  folder = tmp_path / "sub"
  folder.mkdir()
  (folder / "policy.safetensors").write_bytes(pickle.dumps(_Payload(marker)))

  def point_at_pickle(doc):
    doc["checkpoint"] = results.file_record(folder / "policy.safetensors")

  refused(forge(genuine["policy"], folder, point_at_pickle), tmp_path / "submissions", "is a pickle")
  assert not marker.exists()


def test_reproduce_confirms_a_genuine_result_and_catches_a_swapped_checkpoint(genuine, tmp_path):
  outcome = submission.submit(genuine["policy"], tmp_path / "a", reproduce_it=True, dry_run=True)
  assert outcome.reproduced and outcome.verified and "bit-identical" in outcome.notes[-1]
  assert submission.submit(genuine["zero"], tmp_path / "a", reproduce_it=True, dry_run=True).reproduced
  other = untrained_policy(tmp_path / "other.safetensors", "h1", TASK, seed=3)

  def swap(doc):
    doc["checkpoint"] = results.file_record(other)

  swapped = forge(genuine["policy"], tmp_path, swap)
  assert submission.submit(swapped, tmp_path / "b", dry_run=True).folder is None, "hashes alone cannot tell"
  refused(swapped, tmp_path / "b", "--reproduce failed", reproduce_it=True)


def test_compare_tabulates_result_files_beside_the_paper(genuine, tmp_path):
  from tests.test_scripts import run

  out = tmp_path / "comparison.md"
  run("scripts/compare.py", str(genuine["zero"]), str(genuine["policy"]), "--out", str(out))
  table = out.read_text()
  zero = json.loads(genuine["zero"].read_text())["metrics"]["aggregate"]["error"]
  assert f"| ButtonPress | zero | mujoco | {zero['mean']:.3f} ± {zero['std']:.3f} |" in table
  assert "| ButtonPress | ppo |" in table
  assert "| ButtonPress | paper: SkillBlender (reference) | Isaac Gym | 0.009 ± 0.007 |" in table
  assert "FarReach" not in table, "only the tasks compared"


def test_the_committed_leaderboard_holds_only_valid_submissions():
  root = pathlib.Path(__file__).resolve().parents[1] / "leaderboard" / "submissions"
  # A hidden folder is a filing in progress (`submit.py` moves it into place when it is complete).
  folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
  assert folders, "the leaderboard ships the zero-action baselines at least"
  for folder in folders:
    doc = results.read(folder / "result.json")
    assert folder.name == submission.submission_id(doc) and doc["evaluation"]["protocol"]
    submission.check_files(doc, folder / "result.json")


@pytest.mark.parametrize("hidden, match", [([2**20, 2**20], "expected float32"), ([4] * 100, "implausible")])
def test_a_checkpoint_claiming_a_huge_network_is_refused_without_building_it(hidden, match, tmp_path):
  """Metadata sizes are untrusted: the template is shapes only, so 2^40 parameters cost nothing."""
  from skillbench.policy import checkpoint as ckpt_lib

  source = ckpt_lib.load(untrained_policy(tmp_path / "policy.safetensors", "h1", TASK, seed=4))
  network = {**source.metadata["network"], "actor_hidden": hidden}
  forged = ckpt_lib.save(tmp_path / "forged.safetensors", source.arrays, source.kind,
                         **{**source.metadata, "network": network})
  with pytest.raises(ckpt_lib.CheckpointError, match=match):
    policy_lib.load(forged)


def test_committed_blender_submission_from_before_task_clocks_is_re_measured(tmp_path):
  """The leaderboard's H1 ButtonPress blender was trained when task observations had no gait clock
  and filed on SkillBench 0.1.0; its checkpoint acts on the observation without the clock, and
  `--reproduce` re-measures it on this version (how a stale entry is refreshed)."""
  import skillbench

  root = pathlib.Path(__file__).resolve().parents[1] / "leaderboard" / "submissions"
  # The entry as filed on 0.1.0 (its re-measurements on later versions sit beside it).
  result = next(p for p in sorted(root.glob("h1-button_press-blender-*/result.json"))
                if json.loads(p.read_text())["benchmark_version"] == "0.1.0")
  assert "task_clock_size" not in json.dumps(policy_lib.load(result.with_name("policy.safetensors")).checkpoint.metadata)
  outcome = submission.submit(result, tmp_path, reproduce_it=True, dry_run=True)
  assert outcome.verified and outcome.doc["benchmark_version"] == skillbench.__version__
  assert "checked against the checkpoint (a blender of method blender" in " ".join(outcome.notes)
  assert outcome.doc["metrics"]["aggregate"]["error"]["mean"] < 0.3, "the trained blender, not an untrained policy"


def test_a_safetensors_checkpoint_whose_header_length_looks_like_a_pickle_is_accepted(tmp_path):
  """The 8-byte header length of a genuine checkpoint can begin with 0x80 (a pickle's first byte) or
  "PK" (a zip's); a training run hit the first (1 checkpoint in 32: lengths are multiples of 8)."""
  import struct

  import numpy as np

  from skillbench.policy import checkpoint as ckpt_lib

  path = tmp_path / "policy.safetensors"
  header_length = lambda: struct.unpack("<Q", path.read_bytes()[:8])[0]
  ckpt_lib.save(path, {"w": np.zeros(3, np.float32)}, "policy", note="")
  base = header_length()
  for first_bytes, wanted, modulus in ((b"\x80", 0x80, 256), (b"PK", 0x4B50, 65536)):
    for extra in range(16):  # the header is padded to a multiple of 8 bytes
      ckpt_lib.save(path, {"w": np.zeros(3, np.float32)}, "policy", note="x" * ((wanted - base) % modulus + extra))
      if path.read_bytes().startswith(first_bytes):
        break
    assert path.read_bytes().startswith(first_bytes) and header_length() % modulus == wanted
    submission._check_safetensors(path)  # no SubmissionError
