"""Leaderboard submissions: check a result file and its files, re-measure it if asked, file it.

The trust model. A result file is the submitter's: every byte of it can be made up, its seal
included (`content_sha256` is a checksum anyone can recompute, not a signature). So an entry is
one of two kinds, and the leaderboard shows which:

  verified       filed with `--reproduce`: the leaderboard's own evaluation re-ran the checkpoint;
                 `result.json` is that measurement, and the submitter's file is kept beside it as
                 `submitted.json`. The submitted numbers must agree with the re-run (bit-identical
                 when this machine and these package versions are the ones the file records, every
                 metric within TOLERANCE otherwise), but what is published is the re-run.
  self-reported  filed without `--reproduce`: `result.json` is the submitter's file, checked for
                 form and consistency only. The leaderboard shows it apart and does not rank it.

Claims nothing here can check stay labelled as claims: a flat policy's method label, the training
compute and hardware, the git commit. What the checkpoint can disprove is checked: a blender
checkpoint carries its method and skills, so a label must name that method; a flat policy cannot
be labelled a blender or a baseline. The robot and scene model files the result was evaluated on
must be this SkillBench's.

A submission is a folder `leaderboard/submissions/<robot>-<task>-<method>-<hash>/` holding
`result.json`, `submitted.json` (verified entries), the checkpoint and video the result names (same
file names, side by side) and `submission.json` (when it was accepted, whether it is verified, how
the re-run compared, what the method check found). Accepted submissions are never overwritten or
changed. One evaluation (`evaluation_key`: checkpoint, robot, task, method, backend, protocol) is
one entry: a duplicate is refused unless it is verified where the entry is not, or measured on a
newer SkillBench version (how a stale entry is re-measured).

Everything in a submission is untrusted: files are read with bounded sizes and nesting, links and
paths that leave the folder are refused, a checkpoint must be a safetensors file (a pickle is
refused before anything parses it), and nothing read executes code. The checkpoint and video are
copied into the new entry's folder first; that copy is what is hashed, loaded, evaluated and filed,
so no file can be swapped between the check and the filing.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import pathlib
import re
import shutil
import struct
import tempfile

import numpy as np

from skillbench import provenance
from skillbench.errors import SkillBenchError
from skillbench.results import result_file as results

ROOT = pathlib.Path("leaderboard") / "submissions"
MAX_CHECKPOINT_BYTES = 64 * 2**20
MAX_VIDEO_BYTES = 64 * 2**20
MAX_RECORD_BYTES = 2**20
BASELINES = ("zero", "random")
BLENDER_LABEL = re.compile(r"blender|softmax|^hb($|[^a-z0-9])")  # labels that say "a blender"
# A re-run on another machine kind, or other package versions, may differ by floating-point
# reduction order, which chaotic contact dynamics amplify. Every metric's mean must agree within
# `relative` (at least `absolute`; 0/1 metrics within `binary`), and per rollout every metric must
# agree as closely in all but a `rollouts` share of the rollouts (2 of the protocol's 20).
TOLERANCE = {"relative": 0.05, "absolute": 0.01, "binary": 0.1, "rollouts": 0.1}
BINARY = ("success_rate", "fell")
RESULT, SUBMITTED, RECORD = "result.json", "submitted.json", "submission.json"
RECORDS_VERIFICATION = (0, 3, 0)  # the first version whose verified entries hold their verification


class SubmissionError(SkillBenchError):
  """A submission that was refused; the message names the file and the problem."""


@dataclasses.dataclass
class Outcome:
  doc: dict  # what is published: the re-run's result (verified) or the submitted file (self-reported)
  submission_id: str
  folder: pathlib.Path | None  # where it was filed (None on a dry run)
  reproduced: bool | None  # whether the submitted numbers agree with the re-run (None: not re-run)
  notes: list[str]
  verified: bool = False  # the published numbers are the leaderboard's own measurement
  submitted: dict | None = None  # the submitter's result file


def submission_id(doc: dict) -> str:
  return f"{doc['robot']}-{doc['task']}-{doc['method']}-{doc['content_sha256'][:12]}"


def evaluation_key(doc: dict) -> str:
  """What makes two results the same evaluation, whoever filed them and whenever: the checkpoint's
  sha256, robot, task, method, backend (and implementation, timing) and whether it is the protocol."""
  fields = {k: doc.get(k) for k in ("robot", "task", "method", "backend", "impl", "timing")}
  fields["checkpoint"] = doc["checkpoint"]["sha256"] if isinstance(doc.get("checkpoint"), dict) else None
  fields["protocol"] = (doc.get("evaluation") or {}).get("protocol")
  return hashlib.sha256(results.canonical_json(fields)).hexdigest()


def standing(verified: bool, version: str) -> tuple:
  """How two entries of one evaluation rank: verified before self-reported, then newer versions."""
  return (bool(verified), results.version_tuple(version))


def is_verified(record: dict, version: str) -> bool:
  """Whether a submission record says the leaderboard measured the numbers. Entries of results
  measured before RECORDS_VERIFICATION say `reproduced`: they were re-run when filed (by the check
  of their time); they are stale, so never ranked."""
  if "verified" in record:
    return record["verified"] is True
  return record.get("reproduced") is True and results.version_tuple(version) < RECORDS_VERIFICATION


# Submitting.


def submit(result_path, root=ROOT, checkpoint=None, video=None, reproduce_it: bool = False,
           dry_run: bool = False) -> Outcome:
  """Checks a result file and its files, re-measures it if asked, and files it under `root`."""
  result_path, root = pathlib.Path(result_path), pathlib.Path(root)
  data, doc = read_result(result_path)
  check_protocol(doc, result_path)
  notes = check_version(doc, result_path, reproduce_it)
  sources = source_files(doc, result_path, checkpoint, video)
  installed = results.versions()["skillbench"]
  check_not_filed(doc, root, reproduce_it, installed if reproduce_it else doc["benchmark_version"])
  staging = _staging(root, dry_run)
  try:
    files = stage_files(doc, sources, staging)
    loaded = check_checkpoint_matches(doc, files["checkpoint"]) if "checkpoint" in files else None
    record = {"method_check": check_method(doc, loaded)}
    notes.append(record["method_check"])
    published, reproduced = doc, None
    if reproduce_it:
      published, reproduced, how = reproduce(doc, loaded, files.get("video"))
      notes.append(f"reproduce: {how}")
      if not reproduced and doc["benchmark_version"] == installed:
        raise SubmissionError(f"{result_path}: --reproduce failed: {how}")
      record["verification"] = verification_record(doc, published, how)
    outcome = Outcome(published, submission_id(published), None, reproduced, notes, reproduce_it, doc)
    if dry_run:
      return outcome
    write_entry(staging, outcome.submission_id, data, published, reproduced, record)
    outcome.folder = file_entry(staging, root / outcome.submission_id, doc, reproduce_it, published)
    return outcome
  finally:
    shutil.rmtree(staging, ignore_errors=True)


def read_result(path: pathlib.Path) -> tuple[bytes, dict]:
  """The result file's bytes (read once: what is checked is what is filed) and its checked document."""
  if path.is_symlink() or not path.is_file():
    raise SubmissionError(f"{path}: no such result file (or not a plain file)")
  try:
    data = results.read_bytes(path)
    return data, results.loads(data, str(path))
  except results.ResultFileError as e:
    raise SubmissionError(str(e)) from e


def check_protocol(doc: dict, path: pathlib.Path) -> None:
  if not doc["evaluation"]["protocol"]:
    raise SubmissionError(
      f"{path}: not evaluated with the benchmark protocol (seed {results.PROTOCOL_SEED}, "
      f"{results.PROTOCOL_ROLLOUTS} rollouts, the task's episode, the evaluation settings). Fix: run "
      "scripts/evaluate.py without num_rollouts=, seed= or seconds=")


def check_version(doc: dict, path: pathlib.Path, reproduce_it: bool) -> list[str]:
  """Refuses a result of a newer SkillBench, and a self-reported one of an older; a result of this
  version must name this version's model files. Returns notes for a re-measured older result."""
  theirs, mine = doc["benchmark_version"], results.versions()["skillbench"]
  if results.version_tuple(theirs) > results.version_tuple(mine):
    raise SubmissionError(f"{path}: measured with SkillBench {theirs}, newer than this {mine}. Fix: update SkillBench")
  if theirs == mine:
    check_models(doc, path)
    return []
  if not reproduce_it:
    raise SubmissionError(
      f"{path}: measured with SkillBench {theirs}, and this leaderboard runs {mine}: a self-reported result "
      f"must be measured on it. Fix: re-evaluate with scripts/evaluate.py, or submit with --reproduce to have "
      f"it re-measured on {mine}")
  note = (f"measured with SkillBench {theirs}: re-measured on {mine}, whose numbers are published; the submitted "
          "numbers are kept in submitted.json and need not agree (see docs/DECISIONS.md)")
  return [note]


def check_models(doc: dict, path: pathlib.Path) -> None:
  """The robot and scene model files (sha256) must be the installed benchmark's."""
  installed = results.model_file_hashes(doc["robot"], doc["task"], doc["timing"])
  recorded = doc["provenance"]["model_files"]
  differ = sorted(n for n in set(installed) | set(recorded) if installed.get(n) != recorded.get(n))
  if differ:
    more = f" and {len(differ) - 5} more" if len(differ) > 5 else ""
    raise SubmissionError(
      f"{path}: its robot and scene model files are not this SkillBench's ({', '.join(differ[:5])}{more} differ): "
      "it was not evaluated on the installed benchmark. Fix: re-evaluate with this version's scripts/evaluate.py")


def source_files(doc: dict, result_path: pathlib.Path, checkpoint=None, video=None) -> dict[str, pathlib.Path]:
  """The files the result names, found beside it (or given): plain files, in bounds; {role: path}.
  Their content is checked on the copy (`stage_files`), not here."""
  files = {}
  if doc["checkpoint"] is None:
    if doc["method"] not in BASELINES:
      raise SubmissionError(f"{result_path}: method {doc['method']!r} names no checkpoint; only the baselines "
                            f"({', '.join(BASELINES)}) need none")
  else:
    files["checkpoint"] = _located(doc["checkpoint"], result_path, checkpoint, "checkpoint", MAX_CHECKPOINT_BYTES)
  if doc["video"] is not None:
    files["video"] = _located(doc["video"], result_path, video, "video", MAX_VIDEO_BYTES)
  names = [doc[role]["path"] for role in files]
  if len(set(names)) != len(names) or set(names) & {RESULT, SUBMITTED, RECORD}:
    raise SubmissionError(f"{result_path}: the checkpoint and video must have different names, none of "
                          f"{RESULT}, {SUBMITTED} or {RECORD}")
  return files


def _located(record: dict, result_path: pathlib.Path, given, role: str, limit: int) -> pathlib.Path:
  path = pathlib.Path(given) if given is not None else result_path.parent / record["path"]
  if given is None and path.parent.resolve() != result_path.parent.resolve():
    raise SubmissionError(f"{result_path}: {role} path {record['path']!r} leaves the result's folder")
  if path.is_symlink() or not path.is_file():
    raise SubmissionError(f"{role} {path} not found (or not a plain file). Fix: put {record['path']} beside "
                          f"{result_path.name}, or pass --{role} <file>")
  size = path.stat().st_size
  if size > limit:
    raise SubmissionError(f"{role} {path}: {size} bytes, more than a submission's {role} may hold ({limit})")
  return path


def check_files(doc: dict, result_path: pathlib.Path, checkpoint=None, video=None) -> dict[str, pathlib.Path]:
  """The files the result names, found beside it (or given), each checked where it lies; {role: path}.
  For files already filed (the leaderboard's build); `submit` checks copies instead."""
  files = source_files(doc, pathlib.Path(result_path), checkpoint, video)
  for role, path in files.items():
    check_file(doc, role, path, pathlib.Path(result_path).name)
  return files


def check_file(doc: dict, role: str, path: pathlib.Path, result_name: str) -> None:
  """A named file's size and sha256 are the result's, and it is a safetensors file / an mp4."""
  from skillbench.policy.checkpoint import file_sha256

  record = doc[role]
  if path.stat().st_size != record["bytes"] or file_sha256(path) != record["sha256"]:
    raise SubmissionError(f"{role} {path} does not match the sha256 in {result_name} "
                          f"({record['sha256'][:16]}...): it is not the file that was evaluated")
  if role == "checkpoint":
    _check_safetensors(path)
  else:
    with open(path, "rb") as f:
      head = f.read(12)
    if head[4:8] != b"ftyp":
      raise SubmissionError(f"{path} is not an mp4 video (no 'ftyp' box at its start)")


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


def _staging(root: pathlib.Path, dry_run: bool) -> pathlib.Path:
  """A fresh hidden folder for the new entry: in `root` (renamed into place when filed), or, on a
  dry run, in the system's temporary folder (`root` stays untouched)."""
  if dry_run:
    return pathlib.Path(tempfile.mkdtemp(prefix="skillbench-submission-"))
  root.mkdir(parents=True, exist_ok=True)
  return pathlib.Path(tempfile.mkdtemp(prefix=".incoming-", dir=root))


def stage_files(doc: dict, sources: dict[str, pathlib.Path], staging: pathlib.Path) -> dict[str, pathlib.Path]:
  """Copies each named file into `staging` (bounded, no links followed), then checks the copy:
  from here on only the copy is read, so the source can change without effect."""
  limits = {"checkpoint": MAX_CHECKPOINT_BYTES, "video": MAX_VIDEO_BYTES}
  staged = {}
  for role, source in sources.items():
    staged[role] = _copy_bounded(source, staging / doc[role]["path"], limits[role], role)
    check_file(doc, role, staged[role], "the result file")
  return staged


def _copy_bounded(source: pathlib.Path, target: pathlib.Path, limit: int, role: str) -> pathlib.Path:
  """Copies at most `limit` bytes of `source` (refusing a link or a longer file) into a new `target`."""
  try:
    fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
  except OSError as e:
    raise SubmissionError(f"{role} {source} cannot be read as a plain file ({e.strerror})") from e
  copied = 0
  with os.fdopen(fd, "rb") as f, open(target, "xb") as out:
    while block := f.read(1 << 20):
      copied += len(block)
      if copied > limit:
        raise SubmissionError(f"{role} {source}: more than a submission's {role} may hold ({limit} bytes)")
      out.write(block)
  return target


def check_checkpoint_matches(doc: dict, path: pathlib.Path):
  """Loads the checkpoint (no code runs) and checks its robot and task; returns the LoadedPolicy."""
  from skillbench.policy import saved as policy_lib
  from skillbench.policy.checkpoint import CheckpointError

  try:
    return policy_lib.load(path, embodiment=doc["robot"], skill=doc["task"])
  except (CheckpointError, SkillBenchError) as e:
    raise SubmissionError(f"checkpoint {path}: {e}") from e


def check_method(doc: dict, loaded) -> str:
  """Checks the method label against what the checkpoint can disprove; returns what was found.

  A baseline label needs no checkpoint (and a checkpoint cannot claim one); a blender checkpoint's
  label must be its method (`results.method_of`, with `+skill` for a skill subset), optionally
  followed by `-<variant>`; a flat policy's label cannot name a blender. Anything else about a flat
  policy's label (how it was trained) is the submitter's claim.
  """
  label = doc["method"]
  if loaded is None:
    return f"method {label}: a baseline, re-run from its name alone"
  if label in BASELINES:
    raise SubmissionError(f"method {label!r} is a baseline, which has no checkpoint; this result names one")
  if loaded.is_blender:
    actual = results.method_of(loaded, "zero")
    skills = ", ".join(s["name"] for s in loaded.checkpoint.metadata["blender"]["skills"])
    if label != actual and not label.startswith(actual + "-"):
      raise SubmissionError(f"method {label!r}: the checkpoint is a {actual!r} blender (skills {skills}), so the "
                            f"method must be {actual!r} (or {actual}-<variant>)")
    return f"method {label}: checked against the checkpoint (a blender of method {actual}, skills {skills})"
  if BLENDER_LABEL.search(label):
    raise SubmissionError(f"method {label!r} names a blender, but the checkpoint is a flat policy (no blender, no "
                          "skills)")
  return f"method {label}: a flat policy; how it was trained is the submitter's claim"


# Reproducing.


def reproduce(doc: dict, loaded, video: pathlib.Path | None = None) -> tuple[dict, bool, str]:
  """Re-runs the evaluation the result describes, on this machine; (the re-run's sealed result,
  whether the submitted numbers agree with it, what was compared)."""
  from skillbench.evaluation import protocol as evaluation

  ev = doc["evaluation"]
  record = evaluation.evaluate_policy(
    doc["robot"], doc["task"], loaded, doc["method"] if loaded is None else "zero", (doc["backend"],),
    doc["impl"] or "jax", doc["timing"], ev["num_rollouts"], ev["seed"], ev["seconds"],
  )
  config = {"verifies": doc["content_sha256"], "submitted_config_sha256": doc["provenance"]["config_sha256"]}
  measured = results.from_evaluation(record, doc["backend"], config, loaded, method=doc["method"], impl=doc["impl"],
                                     video=video)
  if results.plain_json(record["settings"]) != results.recorded_settings(ev["settings"]):
    return measured, False, "the evaluation settings of this SkillBench differ from the result's"
  agrees, how = compare(doc, measured)
  return measured, agrees, how


def compare(submitted: dict, measured: dict) -> tuple[bool, str]:
  """Whether the submitted numbers agree with the re-run's: every metric, every rollout.

  Bit-identical is required when this process's machine and package versions are those the
  submitted file records; otherwise every metric within TOLERANCE. The claim decides nothing
  else: whichever way it goes, the re-run's numbers are the ones published.
  """
  theirs, mine = results.metrics(submitted), results.metrics(measured)
  names, claimed = set(mine["aggregate"]), set(theirs["aggregate"])
  if names != claimed:
    return False, (f"the submitted metrics are not the ones this evaluation measures (missing: "
                   f"{', '.join(sorted(names - claimed)) or 'none'}; extra: {', '.join(sorted(claimed - names)) or 'none'})")
  if theirs["per_rollout"] == mine["per_rollout"]:
    return True, "bit-identical per-rollout numbers, every metric"
  if results.same_environment(submitted):
    differ = sorted(n for n in names if [r[n] for r in theirs["per_rollout"]] != [r[n] for r in mine["per_rollout"]])
    return False, ("per-rollout numbers differ on the machine and package versions the result records, where they "
                   f"must be bit-identical ({', '.join(differ)})")
  where = "recorded on another machine or other package versions than this verifier's"
  problems = [p for p in (metric_difference(n, theirs, mine) for n in sorted(names)) if p]
  if problems:
    more = f"; and {len(problems) - 4} more" if len(problems) > 4 else ""
    return False, f"{where}; outside tolerance: " + "; ".join(problems[:4]) + more
  return True, f"{where}; every metric within tolerance, in the mean and per rollout"


def metric_difference(name: str, theirs: dict, mine: dict) -> str | None:
  """How one metric's submitted numbers differ from the re-run's beyond TOLERANCE (None: they agree)."""
  have = np.array([r[name] for r in theirs["per_rollout"]], float)
  want = np.array([r[name] for r in mine["per_rollout"]], float)
  limit = lambda v: TOLERANCE["binary"] if name in BINARY else np.maximum(TOLERANCE["absolute"],
                                                                            TOLERANCE["relative"] * np.abs(v))
  if not np.all(np.isfinite(have)) or abs(have.mean() - want.mean()) > limit(want.mean()):
    return f"{name} mean {have.mean():.4g} vs {want.mean():.4g} re-measured (tolerance {float(limit(want.mean())):.3g})"
  off = int(np.sum(have != want)) if name in BINARY else int(np.sum(np.abs(have - want) > limit(want)))
  allowed = int(TOLERANCE["rollouts"] * len(want))
  if off > allowed:
    return f"{name} differs in {off} of {len(want)} rollouts (at most {allowed} may)"
  return None


def verification_record(submitted: dict, measured: dict, how: str) -> dict:
  """Who measured the published numbers, and how the submitted ones compared."""
  return {
    "comparison": how, "submitted_sha256": submitted["content_sha256"], "measured_sha256": measured["content_sha256"],
    "by": {"versions": results.versions(), "machine": provenance.hardware(), "git": provenance.git_commit()},
  }


# Filing.


def filed_entries(root: pathlib.Path) -> list[tuple[pathlib.Path, str, tuple]]:
  """(folder, evaluation_key, standing) of every entry under `root` that reads as one; the
  leaderboard's build checks them fully."""
  entries = []
  for folder in sorted(root.iterdir()) if root.is_dir() else []:
    if folder.name.startswith(".") or folder.is_symlink() or not (folder / RESULT).is_file():
      continue
    try:
      doc = results.parse(results.read_bytes(folder / RESULT), str(folder / RESULT))
      record = results.parse_json(results.read_bytes(folder / RECORD, MAX_RECORD_BYTES), str(folder / RECORD)) \
        if (folder / RECORD).is_file() else {}
      version = doc.get("benchmark_version")
      verified = is_verified(record if isinstance(record, dict) else {}, version)
      entries.append((folder, evaluation_key(doc), standing(verified, version)))
    except (results.ResultFileError, KeyError, TypeError, OSError):
      continue
  return entries


def filed_as(doc: dict, root: pathlib.Path, verified: bool, version: str) -> tuple[pathlib.Path, bool] | None:
  """The entry under `root` that files `doc`'s evaluation already, as verified (`verified`) and on
  `version` or better (its folder, and whether it is verified); None when a new entry would rank above
  every filed one."""
  key, mine = evaluation_key(doc), standing(verified, version)
  for folder, other, theirs in filed_entries(root):
    if other == key and theirs >= mine:
      return folder, theirs[0]
  return None


def check_not_filed(doc: dict, root: pathlib.Path, verified: bool, version: str) -> None:
  """Refuses a result whose evaluation is filed already, as verified and as new or better."""
  filed = filed_as(doc, root, verified, version)
  if filed is not None:
    folder, theirs_verified = filed
    raise SubmissionError(
        f"{folder} already exists for the same evaluation (checkpoint, robot, task, method, backend, protocol), "
        f"{'verified' if theirs_verified else 'self-reported'}: a duplicate with a new timestamp is the same entry, and "
        "submissions are never overwritten. Only a verified re-run (--reproduce) of a self-reported entry, or a "
        "re-measurement on a newer SkillBench, is filed beside it")


def write_entry(staging: pathlib.Path, ident: str, data: bytes, published: dict, reproduced, record: dict) -> None:
  """Writes result.json (and, when `record` holds a verification, submitted.json: the submitter's
  bytes) and submission.json into `staging`."""
  verified = "verification" in record
  if verified:
    (staging / SUBMITTED).write_bytes(data)
    results.write(published, staging / RESULT)
  else:
    (staging / RESULT).write_bytes(data)
  info = {
    "id": ident, "accepted_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    "verified": verified, "reproduced": reproduced, "submitted": SUBMITTED if verified else None, **record,
  }
  (staging / RECORD).write_text(json.dumps(info, indent=2, ensure_ascii=False))


def file_entry(staging: pathlib.Path, folder: pathlib.Path, doc: dict, verified: bool, published: dict) -> pathlib.Path:
  """Names the entry and renames `staging` into place, never over an existing folder."""
  if folder.exists():
    raise SubmissionError(f"{folder} already exists: this result was submitted before (submissions are never "
                          "overwritten)")
  check_not_filed(doc, folder.parent, verified, published["benchmark_version"])
  os.chmod(staging, 0o755)
  os.rename(staging, folder)  # fails, rather than replaces, if the folder appeared meanwhile
  return folder
