"""The leaderboard's entries: a filed submission (`Submission`), loaded and re-checked as filed, one per evaluation."""

from __future__ import annotations

import dataclasses
import math
import pathlib
import re

from skillbench.policy.checkpoint import file_sha256
from skillbench.results import changes, submission
from skillbench.results import result_file as results

SUBMISSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+-]{0,199}")
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


@dataclasses.dataclass(frozen=True)
class Submission:
  """One accepted submission: its folder's name (`id`), folder, result document and filing record.

  `video` is the video file in `folder` when the result names one that is there, a plain file and
  has the sha256 the result gives; else None. `verified`: the numbers are the leaderboard's own
  measurement; `submitted`: the submitter's own result file (verified entries); `duplicates`: the
  ids of other entries of the same evaluation, merged into this one.
  """

  id: str
  folder: pathlib.Path
  result: dict
  accepted_at: str | None = None
  reproduced: bool | None = None
  video: pathlib.Path | None = None
  verified: bool = False
  submitted: dict | None = None
  record: dict = dataclasses.field(default_factory=dict)
  duplicates: tuple[str, ...] = ()

  @property
  def robot(self) -> str:
    return str(self.result.get("robot"))

  @property
  def task(self) -> str:
    return str(self.result.get("task"))

  @property
  def method(self) -> str:
    return str(self.result.get("method"))

  @property
  def backend(self) -> str:
    impl = self.result.get("impl")
    return str(self.result.get("backend")) + (f" ({impl})" if impl else "")

  @property
  def version(self) -> str:
    """The SkillBench version that measured the published numbers."""
    return str(self.result.get("benchmark_version"))

  @property
  def some_rollout_fell(self) -> bool:
    """Whether a rollout of the published evaluation fell (True when the file does not say)."""
    return results.some_rollout_fell(self.result)

  @property
  def why_stale(self) -> str:
    """Why its numbers no longer hold on the installed version (`changes.why_stale`; empty when they hold)."""
    return changes.why_stale(self.version, self.robot, self.task, fell=self.some_rollout_fell)

  @property
  def stale(self) -> bool:
    """Measured on a version whose numbers for this robot and task no longer hold (`changes.holds`)."""
    return bool(self.why_stale)

  def aggregate(self, name: str, field: str = "mean"):
    """An aggregate of a metric (this version's names: `success_rate`), None when missing or not finite."""
    entry = results.metrics(self.result)["aggregate"].get(name)
    if not isinstance(entry, dict):
      return None
    value = entry.get(field)
    return [finite(v) for v in value] if isinstance(value, list) else finite(value)


def load_submissions(root: pathlib.Path) -> list[Submission]:
  """Every submission under `root` (folders holding a result.json; hidden folders are skipped), each
  re-checked as filed, duplicates merged; by id. A damaged or edited entry raises ValueError."""
  folders = sorted(pathlib.Path(root).iterdir())
  return merge_duplicates([load_submission(f) for f in folders
                           if not f.name.startswith(".") and is_submission_folder(f)])


def is_submission_folder(path: pathlib.Path) -> bool:
  return path.is_dir() and not path.is_symlink() and (path / "result.json").is_file()


def load_submission(folder: pathlib.Path) -> Submission:
  """One filed entry, re-checked: result.json (schema, seal, version, consistency), submission.json,
  the folder's name, the named files (sha256, format), and a verified entry's submitted.json."""
  if not SUBMISSION_ID.fullmatch(folder.name):
    raise ValueError(f"{folder}: a submission folder's name must match {SUBMISSION_ID.pattern}")
  try:
    result = results.read(folder / submission.RESULT)
    record = read_record(folder)
    if submission.submission_id(result) != folder.name:
      raise ValueError(f"named {folder.name!r}, but its result.json is {submission.submission_id(result)!r}")
    submission.check_files(result, folder / submission.RESULT)
    submitted = check_submitted(folder, result, record)
  except (results.ResultFileError, submission.SubmissionError, ValueError) as e:
    raise ValueError(f"{folder}: {e}. Every build re-checks the entries as filed: restore the entry as it was "
                     "filed, or remove it") from e
  accepted, reproduced = record.get("accepted_at"), record.get("reproduced")
  return Submission(
    folder.name, folder, result, accepted if isinstance(accepted, str) else None,
    reproduced if isinstance(reproduced, bool) else None, named_file(folder, result.get("video")),
    submission.is_verified(record, result["benchmark_version"]), submitted, record,
  )


def read_record(folder: pathlib.Path) -> dict:
  """submission.json (bounded, strict JSON), or {} when the entry has none."""
  path = folder / submission.RECORD
  if not path.is_file():
    return {}
  record = results.parse_json(results.read_bytes(path, submission.MAX_RECORD_BYTES), str(path))
  if not isinstance(record, dict) or record.get("id", folder.name) != folder.name:
    raise ValueError(f"{path}: not a submission record of {folder.name!r}")
  return record


def check_submitted(folder: pathlib.Path, result: dict, record: dict) -> dict | None:
  """A verified entry's submitted.json: a valid result of the same evaluation, the one its
  verification names; None for entries without one (self-reported, or verified before re-runs
  were published)."""
  path, verification = folder / submission.SUBMITTED, record.get("verification")
  if verification is None and not path.exists() and record.get("verified") is not True:
    return None
  if not isinstance(verification, dict) or record.get("verified") is not True:
    raise ValueError(f"{path.name} without a verification in {submission.RECORD}, or the reverse")
  submitted = results.read(path)
  if submission.evaluation_key(submitted) != submission.evaluation_key(result):
    raise ValueError(f"{path.name} is not the same evaluation as result.json")
  if (verification.get("submitted_sha256"), verification.get("measured_sha256")) != (
      submitted["content_sha256"], result["content_sha256"]):
    raise ValueError(f"the verification in {submission.RECORD} names other files than {path.name} and result.json")
  return submitted


def merge_duplicates(subs: list[Submission]) -> list[Submission]:
  """One entry per evaluation (`submission.evaluation_key`): the best (verified, then newest
  version, then first filed) keeps the others' ids in `duplicates`."""
  groups: dict[str, list[Submission]] = {}
  for sub in subs:
    groups.setdefault(submission.evaluation_key(sub.result), []).append(sub)
  kept = []
  for group in groups.values():
    group.sort(key=preference)
    kept.append(dataclasses.replace(group[0], duplicates=tuple(s.id for s in group[1:])))
  return sorted(kept, key=lambda s: s.id)


def preference(sub: Submission) -> tuple:
  """Sort key of one evaluation's entries, best first: verified, newest version, first filed."""
  newest = tuple(-part for part in results.version_tuple(sub.version))
  return (not sub.verified, newest, sub.accepted_at or "", sub.id)


def named_file(folder: pathlib.Path, record) -> pathlib.Path | None:
  """The file a result names (`{"path", "sha256", "bytes"}`) when it is a plain, intact file in `folder`."""
  if not isinstance(record, dict):
    return None
  name = record.get("path")
  if not isinstance(name, str) or not FILE_NAME.fullmatch(name) or ".." in name:
    return None
  path = folder / name
  if path.is_symlink() or not path.is_file() or file_sha256(path) != record.get("sha256"):
    return None
  return path


def finite(value) -> float | None:
  if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
    return None
  return float(value)
