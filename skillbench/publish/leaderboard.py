"""The leaderboard: accepted submissions as a static web site and as Markdown tables.

A submission is a folder `<root>/<id>/` (see `skillbench.results.submission`, which states the trust model)
holding `result.json`, `submission.json` (`{"id", "accepted_at", "verified", "reproduced",
"verification", "method_check"}`), `submitted.json` (verified entries: the submitter's own file) and
the checkpoint and video the result names. Every build re-checks every entry as filed (schema, seal,
version, consistency, the folder's name, the files' sha256, a verified entry's submitted file), and
refuses (ValueError naming the folder) one that was changed after filing.

What a reader can rely on:

  verified rows       numbers measured by the leaderboard's own evaluation of the submitted
                      checkpoint; ranked per task (#) by mean Error when they still hold on this
                      SkillBench version (not stale);
  self-reported rows  the submitter's numbers, checked for form and consistency only: shown apart
                      (the site hides them until asked), never ranked;
  stale rows          measured on a SkillBench version that a later recorded change to their robot
                      and task (`skillbench.results.changes`) has overtaken: labelled with that
                      version, not ranked, until re-measured;
  claims              method labels of flat policies, training compute and hardware, git commits:
                      shown as the submitter's claims on the details page.

One evaluation (`submission.evaluation_key`) is one row: duplicates are merged into the best entry
(verified, then newest version, then first filed), whose details page lists the others.

`build_site` writes a site that works from `file://`, with no server:

  index.html                  per robot, a table of tasks x methods (rank, Error, success, success
                              rate, fall rate, the feasibility metrics, version), sortable by column
                              and filterable by robot and method; self-reported rows in their own
                              table, hidden by default; the paper's numbers are labelled reference rows
  app.js, style.css           the table's script (it reads the data embedded in index.html) and style
  submissions/<id>.html       one details page per submission: trust, settings, claims, provenance, rollouts
  submissions/<id>/<video>    the submission's video, when it has one

`markdown_table` gives the same tables in Markdown. Every string from a submission is untrusted
text: HTML is escaped, Markdown syntax is escaped (no links or images), the embedded JSON cannot
close its script element, the script writes text only (textContent), and a file is read from a
submission only by a plain name inside its folder.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import os
import pathlib
import re
import shutil
import tempfile
import urllib.parse

import skillbench
from skillbench import catalog
from skillbench.policy.checkpoint import file_sha256
from skillbench.results import changes, paper, submission
from skillbench.results import result_file as results

SUBMISSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+-]{0,199}")
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
MARKER = ".skillbench-site"
STATIC = pathlib.Path(__file__).parent / "site"  # the page's script and style sheet
PAPER_METHODS = {"skillblender": "SkillBlender", "ppo": "PPO"}
COLUMNS = (
  ("rank", "#", "rank among the verified rows measured on this SkillBench version, by mean Error"),
  ("task", "Task", "the task"),
  ("method", "Method", "the method; a link to the submission's details"),
  ("backend", "Backend", "the simulator that measured the row: mujoco (native MuJoCo) or mjx; the paper's: Isaac Gym"),
  ("version", "Version", "the SkillBench version that measured the row; stale: a later version changed its task"),
  ("error", "Error (mean ± std)", "the task's Error over the rollouts"),
  ("success", "Success", "the spec's success: the mean Error over the rollouts is below the task's threshold"),
  ("success_rate", "Success rate [95 % CI]",
   "share of rollouts with Error below the task's threshold and no fall, with its 95 % bootstrap interval"),
  ("fell", "Fall", "share of rollouts that ended in a fall"),
  ("tilt", "Tilt (rad)", "mean |roll| and |pitch| of the root"),
  ("height", "h (m)", "root height above the floor"),
  ("torque", "tau (N m)", "mean |joint torque|"),
  ("power", "P (W)", "mean |joint torque x joint velocity|"),
  ("torque_limit", "torque_limit", "share of steps with a joint torque at its limit"),
  ("joint_limit", "joint_limit", "share of steps with a joint within 0.01 rad of its range's end"),
  ("foot_slip", "foot_slip", "mean horizontal speed of the feet in contact (m/s)"),
  ("action_jerk", "action_jerk", "mean |third difference of the PD target| / dt^3 (rad/s^3)"),
)
METRICS = ("error", "success_rate", "fell", "tilt", "height", "torque", "power", "torque_limit", "joint_limit",
           "foot_slip", "action_jerk")
MARKDOWN_COLUMNS = (("error", "Error"), ("success", "Success"), ("success_rate", "Success rate [95 % CI]"),
                    ("fell", "Fall"), ("tilt", "Tilt (rad)"), ("height", "h (m)"), ("torque", "tau (N m)"),
                    ("power", "P (W)"), ("version", "Version"))
METRIC_ORDER = (*METRICS, "goal_error", "goal_error_settled", "seconds")
DECIMALS = {"torque": 1, "power": 1, "action_jerk": 1}
NONE = "–"
PAPER_BACKEND = "Isaac Gym"  # the simulator of the paper's reference rows
SECTIONS = ("ranked", "stale", "reference", "self-reported")  # a task's rows, in this order


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


# Rows: one per submission and per reference number, shared by the Markdown and the HTML tables.


def section_of(sub: Submission) -> str:
  """ranked (verified, this version), stale (verified, another version) or self-reported."""
  if not sub.verified:
    return "self-reported"
  return "stale" if sub.stale else "ranked"


def submission_row(sub: Submission) -> dict:
  row = {"robot": sub.robot, "task": sub.task, "method": sub.method, "backend": sub.backend, "reference": False,
         "id": sub.id,
         "section": section_of(sub), "verified": sub.verified, "version": sub.version, "stale": sub.stale,
         "rank": None}
  row.update({name: sub.aggregate(name) for name in METRICS})
  row["error_std"] = sub.aggregate("error", "std")
  row["success"] = results.success(sub.result)
  ci = sub.aggregate("success_rate", "ci95")
  row["success_rate_ci"] = ci if isinstance(ci, list) and len(ci) == 2 and None not in ci else None
  return row


def reference_row(robot: str, task: str, method: str, **metrics) -> dict:
  row = {"robot": robot, "task": task, "method": f"paper: {PAPER_METHODS.get(method, method)}",
         "backend": PAPER_BACKEND, "reference": True,
         "id": None, "error_std": None, "section": "reference", "verified": None, "version": "paper",
         "stale": False, "rank": None, "success": None, "success_rate_ci": None}
  row.update({name: metrics.get(name) for name in METRICS})
  return row


def reference_rows() -> list[dict]:
  """The paper's numbers: H1 (SkillBlender and PPO, Error and feasibility), G1 (SkillBlender's Error)."""
  rows = []
  for method, by_task in paper.PAPER_H1.items():
    for task, (error, std, tilt, height, torque, power) in by_task.items():
      row = reference_row("h1", task, method, error=error, tilt=tilt, height=height, torque=torque, power=power)
      rows.append({**row, "error_std": std})
  for task, error in paper.PAPER_G1_SKILLBLENDER_ERROR.items():
    rows.append(reference_row("g1", task, "skillblender", error=error))
  return rows


def task_index(task: str) -> int:
  return catalog.task_names().index(task) if task in catalog.task_names() else len(catalog.task_names())


def task_label(task: str) -> str:
  try:
    return catalog.task_display_name(task)
  except KeyError:
    return task


def robot_label(robot: str) -> str:
  try:
    return catalog.robot(robot).display_name
  except KeyError:
    return robot


def robot_key(robot: str) -> tuple:
  return (catalog.robot_names().index(robot) if robot in catalog.robot_names() else len(catalog.robot_names()), robot)


def rows(submissions) -> list[dict]:
  """Submission and reference rows by robot, task order (`catalog.task_names()`), then SECTIONS (ranked,
  stale, reference, self-reported), then mean Error (ranked rows numbered by it), method."""
  everything = [submission_row(s) for s in submissions] + reference_rows()
  ordered_rows = sorted(everything, key=lambda r: (
    robot_key(r["robot"]), task_index(r["task"]), r["task"], SECTIONS.index(r["section"]),
    math.inf if r["error"] is None else r["error"], r["method"], r["id"] or ""))
  return rank(ordered_rows)


def rank(table_rows: list[dict]) -> list[dict]:
  """Numbers the ranked rows of each robot and task by mean Error, 1 for the lowest; equal Errors
  share a rank (1, 1, 3). Rows without an Error are not ranked. Rows must be in `rows`' order."""
  previous = None
  for row in table_rows:
    if row["section"] != "ranked" or row["error"] is None:
      continue
    group = (row["robot"], row["task"])
    if previous is None or previous[0] != group:
      count, previous = 0, (group, None, 0)
    count += 1
    row["rank"] = previous[2] if previous[1] == row["error"] else count
    previous = (group, row["error"], row["rank"])
  return table_rows


def robots(table_rows) -> list[str]:
  return sorted({r["robot"] for r in table_rows}, key=robot_key)


def number(value, metric: str = "") -> str:
  """3 decimals; tau, P and action_jerk (tens to thousands) 1, as the paper writes tau and P."""
  return NONE if value is None else f"{value:.{DECIMALS.get(metric, 3)}f}"


def error_text(row: dict) -> str:
  if row["error"] is None or row["error_std"] is None:
    return number(row["error"])
  return f"{number(row['error'])} ± {number(row['error_std'])}"


def success_text(row: dict) -> str:
  """The spec's success: yes / no (– for the paper's rows, which publish no success)."""
  return {True: "yes", False: "no"}.get(row.get("success"), NONE)


def success_rate_text(row: dict) -> str:
  """"0.550 [0.350, 0.750]": the success rate and its 95 % interval."""
  if row["success_rate"] is None:
    return NONE
  ci = row.get("success_rate_ci")
  return number(row["success_rate"]) + (f" [{number(ci[0])}, {number(ci[1])}]" if ci else "")


def version_text(row: dict) -> str:
  """The version that measured the row, "(stale)" when it is not the installed one."""
  return f"{row['version']} (stale)" if row.get("stale") else str(row["version"])


def rank_text(row: dict) -> str:
  return NONE if row.get("rank") is None else str(row["rank"])


# Markdown.


def markdown_table(submissions, only_submitted: bool = False, ranked: bool = True) -> str:
  """Per robot, a Markdown table of tasks x methods (#, Task, Method, Error, Success, Success rate,
  Fall, Tilt, h, tau, P, Version), then the robot's self-reported rows in a table of their own.

  Rows "paper: ..." are the paper's published numbers (`skillbench.results.paper`); with `only_submitted`,
  only for the robots and tasks that `submissions` cover. With `ranked=False` (result files that
  are not leaderboard entries, e.g. scripts/compare.py's): one table per robot, no rank column.
  """
  table_rows = rows(submissions)
  if only_submitted:
    covered = {(s.robot, s.task) for s in submissions}
    table_rows = [r for r in table_rows if (r["robot"], r["task"]) in covered]
  parts = []
  for robot in robots(table_rows):
    mine = [r for r in table_rows if r["robot"] == robot]
    heading = f"### {markdown_cell(robot_label(robot))} ({markdown_cell(robot)})"
    if not ranked:  # result files, then the paper's rows, each by mean Error
      mine.sort(key=lambda r: (task_index(r["task"]), r["task"], r["reference"],
                               math.inf if r["error"] is None else r["error"], r["method"]))
      parts.append(heading + "\n\n" + markdown_grid(mine, ranked=False))
      continue
    main = [r for r in mine if r["section"] != "self-reported"]
    parts.append(heading + "\n\n" + markdown_grid(main))
    claimed = [r for r in mine if r["section"] == "self-reported"]
    if claimed:
      parts.append(f"#### {markdown_cell(robot_label(robot))}: self-reported (the submitters' numbers, not "
                   "re-measured by the leaderboard; not ranked)\n\n" + markdown_grid(claimed))
  return "\n\n".join(parts) + "\n"


def markdown_grid(table_rows: list[dict], ranked: bool = True) -> str:
  first = ["#"] if ranked else []
  labels = [*first, "Task", "Method", "Backend", *(label for _, label in MARKDOWN_COLUMNS)]
  align = ("---:|" if ranked else "") + "---|---|---|" + "".join("---|" if key == "version" else "---:|"
                                                                for key, _ in MARKDOWN_COLUMNS)
  lines = ["| " + " | ".join(labels) + " |", "|" + align]
  lines += [markdown_row(r, ranked) for r in table_rows]
  return "\n".join(lines)


def markdown_row(row: dict, ranked: bool = True) -> str:
  method = f"{row['method']} (reference)" if row["reference"] else markdown_text(row["method"])
  cells = ([rank_text(row)] if ranked else []) + [task_label(row["task"]), method, markdown_text(row["backend"]),
                                                  error_text(row), success_text(row), success_rate_text(row)]
  cells += [number(row[key], key) for key, _ in MARKDOWN_COLUMNS[3:-1]]
  cells.append(version_text(row))
  return "| " + " | ".join(markdown_cell(c) for c in cells) + " |"


MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]()!~#:@{}])")


def markdown_text(text) -> str:
  """Untrusted text with Markdown's syntax escaped: no emphasis, code, link, image or autolink
  (`\\[`, `\\(`, `\\!`, `\\:`, `www\\.`) can come of it. Pass the result through `markdown_cell`."""
  escaped = MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(text).splitlines()))
  return re.sub(r"(?i)(www)\.", r"\1\\.", escaped)


def markdown_cell(text: str) -> str:
  """One line, `|` escaped, and HTML escaped (Markdown renderers pass HTML through)."""
  return html.escape(" ".join(str(text).splitlines()), quote=False).replace("|", "\\|")


# The site.


def build_site(submissions, site_dir: pathlib.Path) -> pathlib.Path:
  """Writes the site into `site_dir` (replacing an earlier build there); returns its index.html.

  The site is built beside `site_dir` and renamed into place. A folder that is not empty and is not
  a site this function wrote, or one that overlaps a submission's folder, is refused (ValueError).
  """
  site_dir = pathlib.Path(site_dir)
  submissions = list(submissions)
  check_site_dir(site_dir, submissions)
  site_dir.parent.mkdir(parents=True, exist_ok=True)
  staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-", dir=site_dir.parent))
  try:
    os.chmod(staging, 0o755)
    write_site(submissions, staging)
    replace_folder(site_dir, staging)
  except BaseException:
    shutil.rmtree(staging, ignore_errors=True)
    raise
  return site_dir / "index.html"


def check_site_dir(site_dir: pathlib.Path, submissions) -> None:
  if site_dir.is_symlink() or (site_dir.exists() and not site_dir.is_dir()):
    raise ValueError(f"{site_dir} is not a folder")
  if site_dir.is_dir() and any(site_dir.iterdir()) and not (site_dir / MARKER).is_file():
    raise ValueError(f"{site_dir} is not empty and is not a leaderboard site (it has no {MARKER}): refusing to "
                     "replace it. Fix: name an empty or new folder")
  site = site_dir.resolve()
  ids = set()
  for sub in submissions:
    folder = sub.folder.resolve()
    if folder == site or site in folder.parents or folder in site.parents:
      raise ValueError(f"the site folder {site_dir} overlaps the submission folder {sub.folder}")
    if not SUBMISSION_ID.fullmatch(sub.id) or sub.id in ids:
      raise ValueError(f"submission id {sub.id!r} is not a valid, unique id")
    ids.add(sub.id)


def replace_folder(target: pathlib.Path, new: pathlib.Path) -> None:
  if not target.exists():
    new.rename(target)
    return
  old = new.with_name(new.name + "-old")
  target.rename(old)
  new.rename(target)
  shutil.rmtree(old)


def write_site(submissions, out: pathlib.Path) -> None:
  (out / MARKER).write_text("Written by skillbench.publish.leaderboard.build_site; a rebuild replaces this folder.\n")
  (out / "index.html").write_text(index_page(submissions), encoding="utf-8")
  for name in ("app.js", "style.css"):
    shutil.copyfile(STATIC / name, out / name)
  pages = out / "submissions"
  pages.mkdir()
  for sub in submissions:
    (pages / f"{sub.id}.html").write_text(details_page(sub), encoding="utf-8")
    if sub.video is not None:
      (pages / sub.id).mkdir()
      shutil.copyfile(sub.video, pages / sub.id / sub.video.name)


def page(title: str, body: str, stylesheet: str, script: str = "") -> str:
  return (
    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    f"<title>{e(title)}</title>\n<link rel=\"icon\" href=\"data:,\">\n"
    f"<link rel=\"stylesheet\" href=\"{e(stylesheet)}\">\n</head>\n<body>\n{body}\n{script}</body>\n</html>\n"
  )


def e(value) -> str:
  return html.escape(str(value), quote=True)


def href(*parts: str) -> str:
  return "/".join(urllib.parse.quote(p, safe="") for p in parts)


def script_json(data) -> str:
  """JSON that is safe inside a <script> element: <, > and & are written as \\u escapes."""
  text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
  return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def page_data(submissions) -> dict:
  table_rows = rows(submissions)
  for order, row in enumerate(table_rows):
    row.update(order=order, task_label=task_label(row["task"]), task_index=task_index(row["task"]),
               href=href("submissions", row["id"] + ".html") if row["id"] else None)
  methods = sorted({(r["reference"], r["method"]) for r in table_rows})
  return {
    "columns": [{"key": key, "label": label, "title": title, "decimals": DECIMALS.get(key, 3)}
                for key, label, title in COLUMNS],
    "robots": [{"name": robot, "label": robot_label(robot)} for robot in robots(table_rows)],
    "methods": [method for _, method in methods],
    "version": skillbench.__version__,
    "rows": table_rows,
  }


def index_page(submissions) -> str:
  count = len(submissions)
  verified = sum(1 for s in submissions if s.verified)
  body = f"""<header>
<h1>SkillBench leaderboard</h1>
<p class="note">{count} submission{'' if count == 1 else 's'}, {verified} verified. Each row is one evaluation
(20 rollouts by the benchmark protocol); a method links to its details.</p>
<ul class="note trust">
<li><strong>Verified</strong> rows hold numbers the leaderboard measured itself, re-running the submitted
checkpoint; those that hold on this version (SkillBench {e(skillbench.__version__)}) are ranked per task (#) by
mean Error.</li>
<li>A row marked <span class="badge stale">stale</span> was measured on an older SkillBench version that has
since changed its robot's task (its details page says how); it is not ranked until re-measured.</li>
<li><strong>Self-reported</strong> rows hold the submitters' own numbers, checked for form only: they are listed
apart, never ranked, and hidden until you tick the box below.</li>
<li>Rows marked <span class="badge">reference</span> are the published numbers of the original SkillBench paper.
Method labels of flat policies, training compute and hardware are the submitters' claims (details pages).</li>
</ul>
<p class="note">Success is the spec's: the mean Error is below the task's threshold. Success rate is the share of
rollouts below the threshold without a fall, with its 95 % interval. Click a column's header to sort by it (again
to reverse).</p>
</header>
<div class="filters">
<label>Robot <select id="robot-filter"><option value="">all</option></select></label>
<label>Method <select id="method-filter"><option value="">all</option></select></label>
<label><input type="checkbox" id="self-reported"> show self-reported rows</label>
</div>
<main id="tables"></main>
<noscript><p>The tables need JavaScript; leaderboard/LEADERBOARD.md has them as Markdown.</p></noscript>
<script type="application/json" id="data">{script_json(page_data(submissions))}</script>"""
  return page("SkillBench leaderboard", body, "style.css", "<script src=\"app.js\"></script>\n")


# Details pages.


def details_page(sub: Submission) -> str:
  r = sub.result
  evaluation = r.get("evaluation") if isinstance(r.get("evaluation"), dict) else {}
  measured = results.metrics(r)  # this version's metric names (success_rate)
  title = f"{task_label(sub.task)} · {sub.method} · {robot_label(sub.robot)}"
  whose = "measured by the leaderboard" if sub.verified else "self-reported: the submitter's, not re-measured"
  body = "\n".join([
    "<p><a href=\"../index.html\">← leaderboard</a></p>",
    f"<h1>{e(title)}</h1>",
    section("Submission", kv_table(summary_pairs(sub))),
    section("Trust", kv_table(trust_pairs(sub))),
    section(f"Results ({whose})", aggregate_table(measured["aggregate"])),
    video_section(sub),
    section("Evaluation", kv_table((k, v) for k, v in evaluation.items() if k != "settings")
            + "\n<h3>Settings</h3>\n" + kv_table(mapping(evaluation.get("settings")))),
    section("Claims (the submitter's, not verified)", claims_html(sub)),
    section("Provenance of the numbers" + ("" if sub.verified else " (as the submitter reports it)"),
            provenance_html(r)),
    section("Per-rollout metrics", rollout_table(measured["per_rollout"])),
    section("Configuration", "<details><summary>the resolved evaluation configuration</summary>\n<pre>"
            + e(json.dumps(r.get("config"), indent=2, ensure_ascii=False)) + "</pre></details>"),
  ])
  return page(f"{title} — SkillBench leaderboard", body, "../style.css")


def summary_pairs(sub: Submission) -> list[tuple]:
  return [
    ("Submission", sub.id), ("Robot", f"{robot_label(sub.robot)} ({sub.robot})"),
    ("Task", f"{task_label(sub.task)} ({sub.task})"), ("Method", sub.method), ("Backend", sub.backend),
    ("Timing", sub.result.get("timing")), ("Accepted", sub.accepted_at),
    ("Success (mean Error below the threshold)", success_text({"success": results.success(sub.result)})),
  ]


def trust_pairs(sub: Submission) -> list[tuple]:
  """Who measured the numbers, on which version, how the submitted ones compared, what was checked."""
  verification = sub.record.get("verification") if isinstance(sub.record.get("verification"), dict) else None
  if not sub.verified:
    numbers = "self-reported: the submitter's numbers, checked for form and consistency only, not re-measured"
  elif verification is None:
    numbers = ("verified when filed: the leaderboard re-ran the checkpoint and found the filed numbers reproduced "
               "(the check of that version; it filed the submitter's file)")
  else:
    numbers = "verified: measured by the leaderboard's own evaluation of the submitted checkpoint"
  if sub.stale:
    version = (f"measured on SkillBench {sub.version}; the installed version is {skillbench.__version__}: stale, not "
               f"re-measured on it ({sub.why_stale})")
  elif sub.version == skillbench.__version__:
    version = f"measured on SkillBench {sub.version} (the installed version)"
  else:
    version = (f"measured on SkillBench {sub.version}; holds on the installed {skillbench.__version__}, which "
               f"changed nothing of this robot's task (skillbench/results/changes.py)")
  pairs = [("Numbers", numbers), ("Version", version)]
  if verification is not None:
    by = verification.get("by") if isinstance(verification.get("by"), dict) else {}
    pairs += [("Compared with the submitted numbers", verification.get("comparison")),
              ("Measured on", json.dumps(by.get("machine"), ensure_ascii=False))]
  pairs.append(("Method label", sub.record.get("method_check") or "not checked against the checkpoint (filed "
                                                                   "before labels were checked)"))
  if sub.duplicates:
    pairs.append(("Also filed (the same evaluation)", ", ".join(sub.duplicates)))
  return pairs


def section(heading: str, content: str) -> str:
  return f"<section>\n<h2>{e(heading)}</h2>\n{content}\n</section>"


def text(value) -> str:
  if value is None:
    return NONE
  return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def mapping(value) -> list[tuple]:
  return list(value.items()) if isinstance(value, dict) else []


def kv_table(pairs, mono: bool = False) -> str:
  pairs = list(pairs)
  if not pairs:
    return f"<p class=\"note\">{NONE}</p>"
  cell = "<td class=\"mono\">" if mono else "<td>"
  body = "\n".join(f"<tr><th scope=\"row\">{e(k)}</th>{cell}{e(text(v))}</td></tr>" for k, v in pairs)
  return f"<table class=\"kv\">\n<tbody>\n{body}\n</tbody>\n</table>"


def grid(headers, body_rows) -> str:
  head = "".join(f"<th{numeric(i)} scope=\"col\">{e(h)}</th>" for i, h in enumerate(headers))
  body = "\n".join("<tr>" + "".join(f"<td{numeric(i)}>{e(c)}</td>" for i, c in enumerate(cells)) + "</tr>"
                   for cells in body_rows)
  return f"<div class=\"table-wrap\"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>"


def numeric(column: int) -> str:
  return " class=\"num\"" if column else ""


def ordered(names) -> list[str]:
  names = [str(n) for n in names]
  return [n for n in METRIC_ORDER if n in names] + sorted(n for n in names if n not in METRIC_ORDER)


def cell_number(value, metric: str = "") -> str:
  return number(finite(value), metric) if finite(value) is not None else text(value)


def aggregate_table(aggregate) -> str:
  aggregate = aggregate if isinstance(aggregate, dict) else {}
  body = []
  for name in ordered(aggregate):
    entry = aggregate[name] if isinstance(aggregate[name], dict) else {}
    low_high = entry.get("ci95") if isinstance(entry.get("ci95"), list) and len(entry.get("ci95")) == 2 else None
    interval = f"[{cell_number(low_high[0], name)}, {cell_number(low_high[1], name)}]" if low_high else NONE
    body.append([name, cell_number(entry.get("mean"), name), cell_number(entry.get("std"), name), interval])
  return grid(["metric", "mean", "std", "95 % interval of the mean"], body)


def rollout_table(per_rollout) -> str:
  per_rollout = [r for r in per_rollout if isinstance(r, dict)] if isinstance(per_rollout, list) else []
  names = ordered({name for r in per_rollout for name in r})
  body = [[str(i), *(cell_number(r.get(n), n) for n in names)] for i, r in enumerate(per_rollout)]
  return grid(["rollout", *names], body)


def claims_html(sub: Submission) -> str:
  """What the submitter states and nothing re-measured: the method label (unless the checkpoint
  decided it), the training compute and hardware, the code's git commit, and (verified entries)
  the submitted numbers."""
  claimed = sub.submitted or sub.result
  prov = claimed.get("provenance") if isinstance(claimed.get("provenance"), dict) else {}
  git = prov.get("git") if isinstance(prov.get("git"), dict) else {}
  checked = "checked against" in str(sub.record.get("method_check"))
  pairs = [
    ("method label", f"{claimed.get('method')} ({'checked against the checkpoint' if checked else 'claimed'})"),
    ("git commit", f"{text(git.get('commit'))}{' (dirty)' if git.get('dirty') else ''}"),
    ("created", prov.get("created")), ("machine", json.dumps(prov.get("machine"), ensure_ascii=False)),
  ]
  if sub.submitted is not None:
    agg = results.metrics(sub.submitted)["aggregate"]
    pairs += [("submitted mean Error", agg["error"]["mean"]), ("submitted success rate", agg["success_rate"]["mean"])]
  return kv_table(pairs) + "\n<h3>Training compute</h3>\n" + training_html(claimed.get("training"))


def training_html(training) -> str:
  if not isinstance(training, dict):
    return "<p class=\"note\">none given (a baseline, or a policy without a training record)</p>"
  pairs = [(k, v) for k, v in training.items() if k != "hardware"]
  return kv_table(pairs) + "\n<h3>Hardware</h3>\n" + kv_table(mapping(training.get("hardware")))


def provenance_html(r: dict) -> str:
  prov = r.get("provenance") if isinstance(r.get("provenance"), dict) else {}
  git = prov.get("git") if isinstance(prov.get("git"), dict) else {}
  checkpoint = r.get("checkpoint") if isinstance(r.get("checkpoint"), dict) else {}
  hashes = [
    ("git commit", f"{text(git.get('commit'))}{' (dirty)' if git.get('dirty') else ''}"),
    ("created", prov.get("created")), ("config sha256", prov.get("config_sha256")),
    ("checkpoint", checkpoint.get("path")), ("checkpoint sha256", checkpoint.get("sha256")),
    ("checkpoint bytes", checkpoint.get("bytes")), ("content sha256", r.get("content_sha256")),
  ]
  model_files = mapping(prov.get("model_files"))
  return "\n".join([
    kv_table(hashes, mono=True),
    "<h3>Versions</h3>", kv_table(mapping(prov.get("versions"))),
    "<h3>Machine</h3>", kv_table(mapping(prov.get("machine"))),
    f"<h3>Model files</h3>\n<details><summary>sha256 of {len(model_files)} robot and scene model files</summary>",
    kv_table(model_files, mono=True), "</details>",
  ])


def video_section(sub: Submission) -> str:
  if sub.video is None:
    return ""
  src = href(sub.id, sub.video.name)
  return section("Video (the submitter's, not rendered by the leaderboard)",
                 f"<video controls preload=\"none\" src=\"{e(src)}\"></video>\n"
                 f"<p><a href=\"{e(src)}\">{e(sub.video.name)}</a></p>")

