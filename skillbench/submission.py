"""Leaderboard submissions: check a result file and its files, optionally reproduce it, file it.

A submission is a folder `leaderboard/submissions/<robot>-<task>-<method>-<hash>/` holding the
result file (`result.json`), the checkpoint and video it names (same file names, side by side) and
`submission.json` (when it was accepted, whether it was reproduced). Accepted submissions are never
overwritten or changed.

Everything in a submission is untrusted: files are read with bounded sizes, links and paths that
leave the folder are refused, a checkpoint must be a safetensors file (a pickle is refused before
anything parses it) whose sha256 is the one the result names, and nothing read executes code.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import pathlib
import shutil
import struct

import numpy as np

from skillbench import results
from skillbench.errors import SkillBenchError

ROOT = pathlib.Path("leaderboard") / "submissions"
MAX_CHECKPOINT_BYTES = 64 * 2**20
MAX_VIDEO_BYTES = 64 * 2**20
BASELINES = ("zero", "random")
# A reproduction on another machine kind, or other package versions, may differ by floating-point
# reduction order, which chaotic contact dynamics amplify: aggregate means must agree within this.
TOLERANCE = {"relative": 0.05, "absolute": 0.01, "success": 0.1}
COMPARED = ("error", "success", "fell", "tilt", "height", "torque", "power")


class SubmissionError(SkillBenchError):
  """A submission that was refused; the message names the file and the problem."""


@dataclasses.dataclass
class Outcome:
  doc: dict
  submission_id: str
  folder: pathlib.Path | None  # where it was filed (None on a dry run)
  reproduced: bool | None  # None: not asked for
  notes: list[str]


def submission_id(doc: dict) -> str:
  return f"{doc['robot']}-{doc['task']}-{doc['method']}-{doc['content_sha256'][:12]}"


def check_files(doc: dict, result_path: pathlib.Path, checkpoint=None, video=None) -> dict[str, pathlib.Path]:
  """The files the result names, found beside it (or given), each checked; {role: path}."""
  files = {}
  if doc["checkpoint"] is None:
    if doc["method"] not in BASELINES:
      raise SubmissionError(f"{result_path}: method {doc['method']!r} names no checkpoint; only the baselines "
                            f"({', '.join(BASELINES)}) need none")
  else:
    path = _named_file(doc["checkpoint"], result_path, checkpoint, "checkpoint", MAX_CHECKPOINT_BYTES)
    _check_safetensors(path)
    files["checkpoint"] = path
  if doc["video"] is not None:
    path = _named_file(doc["video"], result_path, video, "video", MAX_VIDEO_BYTES)
    with open(path, "rb") as f:
      head = f.read(12)
    if head[4:8] != b"ftyp":
      raise SubmissionError(f"{path} is not an mp4 video (no 'ftyp' box at its start)")
    files["video"] = path
  return files


def _named_file(record: dict, result_path: pathlib.Path, given, role: str, limit: int) -> pathlib.Path:
  from skillbench.training.checkpoint import file_sha256

  path = pathlib.Path(given) if given is not None else result_path.parent / record["path"]
  if given is None and path.parent.resolve() != result_path.parent.resolve():
    raise SubmissionError(f"{result_path}: {role} path {record['path']!r} leaves the result's folder")
  if path.is_symlink() or not path.is_file():
    raise SubmissionError(f"{role} {path} not found (or not a plain file). Fix: put {record['path']} beside "
                          f"{result_path.name}, or pass --{role} <file>")
  size = path.stat().st_size
  if size > limit:
    raise SubmissionError(f"{role} {path}: {size} bytes, more than a submission's {role} may hold ({limit})")
  if size != record["bytes"] or file_sha256(path) != record["sha256"]:
    raise SubmissionError(f"{role} {path} does not match the sha256 in {result_path.name} "
                          f"({record['sha256'][:16]}...): it is not the file that was evaluated")
  return path


def _check_safetensors(path: pathlib.Path) -> None:
  """Refuses anything but a safetensors file, before any parser sees it.

  A safetensors file opens with its JSON header's length (8 bytes, little-endian), then "{". That
  length may itself begin with a pickle's or zip's first bytes, so the signatures only name what a
  file that is not safetensors is.
  """
  with open(path, "rb") as f:
    head = f.read(9)
  if len(head) == 9 and head[8:9] == b"{" and struct.unpack("<Q", head[:8])[0] + 8 <= path.stat().st_size:
    return
  if head[:1] == b"\x80" or head[:2] == b"PK":
    raise SubmissionError(f"checkpoint {path} is a pickle (or a zip of pickles, as torch.save writes); "
                          "SkillBench loads only safetensors checkpoints, which cannot run code")
  if len(head) < 9:
    raise SubmissionError(f"checkpoint {path} is truncated")
  raise SubmissionError(f"checkpoint {path} is not a safetensors file")


def check_checkpoint_matches(doc: dict, path: pathlib.Path):
  """Loads the checkpoint (no code runs) and checks its robot and task; returns the LoadedPolicy."""
  from skillbench.training import policy as policy_lib
  from skillbench.training.checkpoint import CheckpointError

  try:
    return policy_lib.load(path, embodiment=doc["robot"], skill=doc["task"])
  except (CheckpointError, SkillBenchError) as e:
    raise SubmissionError(f"checkpoint {path}: {e}") from e


def reproduce(doc: dict, loaded) -> tuple[bool, str]:
  """Re-runs the evaluation the result describes; (agrees, what was compared)."""
  from skillbench import evaluation
  from skillbench.training.run_dir import hardware

  ev = doc["evaluation"]
  record = evaluation.evaluate_policy(
    doc["robot"], doc["task"], loaded, doc["method"] if loaded is None else "zero", (doc["backend"],),
    doc["impl"] or "jax", doc["timing"], ev["num_rollouts"], ev["seed"], ev["seconds"],
  )
  again = record["backends"][doc["backend"]]
  if results.plain_json(record["settings"]) != results.recorded_settings(ev["settings"]):
    return False, "the evaluation settings of this SkillBench differ from the result's"
  versions = results.versions()
  same_kind = doc["provenance"]["machine"] == hardware() and doc["provenance"]["versions"] == versions
  if same_kind:
    same = again["per_rollout"] == doc["metrics"]["per_rollout"]
    return same, ("bit-identical per-rollout numbers" if same
                  else "per-rollout numbers differ on the same machine kind and versions (must be bit-identical)")
  other = "another machine kind or versions"
  if doc.get("benchmark_version") != versions["skillbench"]:
    other = (f"measured with SkillBench {doc.get('benchmark_version')}, reproduced with "
             f"{versions['skillbench']} (see docs/DECISIONS.md for what changed)")
  problems = []
  for name in COMPARED:
    want, have = doc["metrics"]["aggregate"][name]["mean"], again["aggregate"][name]["mean"]
    limit = (TOLERANCE["success"] if name == "success"
             else max(TOLERANCE["absolute"], TOLERANCE["relative"] * abs(want)))
    if not np.isfinite(have) or abs(have - want) > limit:
      problems.append(f"{name} mean {have:.4g} vs {want:.4g} (tolerance {limit:.3g})")
  if problems:
    return False, f"{other}; outside tolerance: " + "; ".join(problems)
  return True, f"{other}; aggregate means within tolerance"


def submit(result_path, root=ROOT, checkpoint=None, video=None, reproduce_it: bool = False,
           dry_run: bool = False) -> Outcome:
  """Checks a result file and its files, reproduces it if asked, and files it under `root`."""
  result_path = pathlib.Path(result_path)
  try:
    doc = results.read(result_path)
  except results.ResultFileError as e:
    raise SubmissionError(str(e)) from e
  if not doc["evaluation"]["protocol"]:
    raise SubmissionError(
      f"{result_path}: not evaluated with the benchmark protocol (seed {results.PROTOCOL_SEED}, "
      f"{results.PROTOCOL_ROLLOUTS} rollouts, the task's episode, the evaluation settings). Fix: run "
      "scripts/evaluate.py without num_rollouts=, seed= or seconds=")
  files = check_files(doc, result_path, checkpoint, video)
  loaded = check_checkpoint_matches(doc, files["checkpoint"]) if "checkpoint" in files else None
  notes, reproduced = [], None
  if reproduce_it:
    reproduced, how = reproduce(doc, loaded)
    notes.append(f"reproduce: {how}")
    if not reproduced:
      raise SubmissionError(f"{result_path}: --reproduce failed: {how}")
  ident = submission_id(doc)
  folder = pathlib.Path(root) / ident
  if folder.exists():
    raise SubmissionError(f"{folder} already exists: this result was submitted before (submissions are never "
                          "overwritten)")
  if dry_run:
    return Outcome(doc, ident, None, reproduced, notes)
  return Outcome(doc, ident, _file(doc, result_path, files, folder, reproduced), reproduced, notes)


def _file(doc, result_path, files, folder: pathlib.Path, reproduced) -> pathlib.Path:
  """Copies everything into a fresh folder beside `folder`, then renames it into place."""
  folder.parent.mkdir(parents=True, exist_ok=True)
  incoming = folder.with_name(f".incoming-{folder.name}-{os.getpid()}")
  shutil.rmtree(incoming, ignore_errors=True)
  incoming.mkdir()
  try:
    shutil.copyfile(result_path, incoming / "result.json")
    for role, path in files.items():
      shutil.copyfile(path, incoming / doc[role]["path"])
    accepted = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    info = {"id": folder.name, "accepted_at": accepted, "reproduced": reproduced}
    (incoming / "submission.json").write_text(json.dumps(info, indent=2))
    os.rename(incoming, folder)  # fails, rather than replaces, if the folder appeared meanwhile
  except BaseException:
    shutil.rmtree(incoming, ignore_errors=True)
    raise
  return folder
