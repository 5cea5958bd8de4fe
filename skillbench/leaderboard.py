"""The leaderboard: accepted submissions as a static web site and as Markdown tables.

A submission is a folder `<root>/<id>/` (see `skillbench.submission`) holding `result.json` (schema
`skillbench/schemas/result-v1.schema.json`), `submission.json` (`{"id", "accepted_at", "reproduced"}`,
optional) and the checkpoint and video the result names.

`build_site` writes a site that works from `file://`, with no server:

  index.html                  per robot, a table of tasks x methods (Error, success, fall rate, the
                              feasibility metrics), sortable by column and filterable by robot and
                              method; the paper's published numbers are labelled reference rows
  app.js, style.css           the table's script (it reads the data embedded in index.html) and style
  submissions/<id>.html       one details page per submission: settings, compute, provenance, rollouts
  submissions/<id>/<video>    the submission's video, when it has one

`markdown_table` gives the same tables in Markdown. Every string from a submission is untrusted
text: HTML is escaped, the embedded JSON cannot close its script element, the script writes text
only (textContent), and a file is read from a submission only by a plain name inside its folder.
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

import embodiments
import tasks
from skillbench import paper
from skillbench.training.checkpoint import file_sha256

SUBMISSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+-]{0,199}")
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
MARKER = ".skillbench-site"
STATIC = pathlib.Path(__file__).parent / "leaderboard_site"  # the page's script and style sheet
PAPER_METHODS = {"skillblender": "SkillBlender", "ppo": "PPO"}
COLUMNS = (
  ("task", "Task", "the task"),
  ("method", "Method", "the method; a link to the submission's details"),
  ("error", "Error (mean ± std)", "the task's Error over the rollouts"),
  ("success", "Success", "share of rollouts with Error below the task's threshold and no fall"),
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
METRICS = tuple(key for key, _, _ in COLUMNS[2:])
MARKDOWN_COLUMNS = (("error", "Error"), ("success", "Success"), ("fell", "Fall"), ("tilt", "Tilt (rad)"),
                    ("height", "h (m)"), ("torque", "tau (N m)"), ("power", "P (W)"))
METRIC_ORDER = (*METRICS, "goal_error", "goal_error_settled", "seconds")
DECIMALS = {"torque": 1, "power": 1, "action_jerk": 1}
NONE = "–"


@dataclasses.dataclass(frozen=True)
class Submission:
  """One accepted submission: its folder's name (`id`), folder, result document and filing record.

  `video` is the video file in `folder` when the result names one that is there, a plain file and
  has the sha256 the result gives; else None.
  """

  id: str
  folder: pathlib.Path
  result: dict
  accepted_at: str | None = None
  reproduced: bool | None = None
  video: pathlib.Path | None = None

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

  def aggregate(self, name: str, field: str = "mean") -> float | None:
    entry = self.result.get("metrics", {}).get("aggregate", {}).get(name)
    return finite(entry.get(field)) if isinstance(entry, dict) else None


def load_submissions(root: pathlib.Path) -> list[Submission]:
  """Every submission under `root` (folders holding a result.json; hidden folders are skipped), by id."""
  folders = sorted(pathlib.Path(root).iterdir())
  return [load_submission(f) for f in folders if not f.name.startswith(".") and is_submission_folder(f)]


def is_submission_folder(path: pathlib.Path) -> bool:
  return path.is_dir() and not path.is_symlink() and (path / "result.json").is_file()


def load_submission(folder: pathlib.Path) -> Submission:
  if not SUBMISSION_ID.fullmatch(folder.name):
    raise ValueError(f"{folder}: a submission folder's name must match {SUBMISSION_ID.pattern}")
  result = read_json(folder / "result.json")
  if not isinstance(result, dict) or result.get("schema") != "skillbench-result":
    raise ValueError(f"{folder / 'result.json'} is not a SkillBench result file")
  info = read_json(folder / "submission.json") if (folder / "submission.json").is_file() else {}
  if not isinstance(info, dict) or info.get("id", folder.name) != folder.name:
    raise ValueError(f"{folder / 'submission.json'}: not a submission record of {folder.name!r}")
  accepted = info.get("accepted_at")
  reproduced = info.get("reproduced")
  return Submission(
    folder.name, folder, result, accepted if isinstance(accepted, str) else None,
    reproduced if isinstance(reproduced, bool) else None, named_file(folder, result.get("video")),
  )


def read_json(path: pathlib.Path):
  try:
    return json.loads(path.read_text(encoding="utf-8"))
  except (UnicodeDecodeError, json.JSONDecodeError) as e:
    raise ValueError(f"{path}: not JSON ({e})") from e


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


def submission_row(sub: Submission) -> dict:
  row = {"robot": sub.robot, "task": sub.task, "method": sub.method, "reference": False, "id": sub.id}
  row.update({name: sub.aggregate(name) for name in METRICS})
  row["error_std"] = sub.aggregate("error", "std")
  return row


def reference_row(robot: str, task: str, method: str, **metrics) -> dict:
  row = {"robot": robot, "task": task, "method": f"paper: {PAPER_METHODS.get(method, method)}", "reference": True,
         "id": None, "error_std": None}
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
  return tasks.NAMES.index(task) if task in tasks.NAMES else len(tasks.NAMES)


def task_label(task: str) -> str:
  try:
    return tasks.display_name(task)
  except KeyError:
    return task


def robot_label(robot: str) -> str:
  try:
    return embodiments.get(robot).display_name
  except KeyError:
    return robot


def robot_key(robot: str) -> tuple:
  return (embodiments.NAMES.index(robot) if robot in embodiments.NAMES else len(embodiments.NAMES), robot)


def rows(submissions) -> list[dict]:
  """Submission and reference rows by robot, task order (`tasks.NAMES`), submissions before references, method."""
  everything = [submission_row(s) for s in submissions] + reference_rows()
  return sorted(everything, key=lambda r: (robot_key(r["robot"]), task_index(r["task"]), r["task"], r["reference"],
                                           r["method"], r["id"] or ""))


def robots(table_rows) -> list[str]:
  return sorted({r["robot"] for r in table_rows}, key=robot_key)


def number(value, metric: str = "") -> str:
  """3 decimals; tau, P and action_jerk (tens to thousands) 1, as the paper writes tau and P."""
  return NONE if value is None else f"{value:.{DECIMALS.get(metric, 3)}f}"


def error_text(row: dict) -> str:
  if row["error"] is None or row["error_std"] is None:
    return number(row["error"])
  return f"{number(row['error'])} ± {number(row['error_std'])}"


# Markdown.


def markdown_table(submissions, only_submitted: bool = False) -> str:
  """Per robot, a Markdown table of tasks x methods (Task, Method, Error, Success, Fall, Tilt, h, tau, P).

  Rows "paper: ..." are the paper's published numbers (`skillbench.paper`); with `only_submitted`,
  only for the robots and tasks that `submissions` cover.
  """
  table_rows = rows(submissions)
  if only_submitted:
    covered = {(s.robot, s.task) for s in submissions}
    table_rows = [r for r in table_rows if (r["robot"], r["task"]) in covered]
  parts = []
  for robot in robots(table_rows):
    lines = [
      f"### {markdown_cell(robot_label(robot))} ({markdown_cell(robot)})", "",
      "| Task | Method | " + " | ".join(label for _, label in MARKDOWN_COLUMNS) + " |",
      "|---|---|" + "---:|" * len(MARKDOWN_COLUMNS),
    ]
    lines += [markdown_row(r) for r in table_rows if r["robot"] == robot]
    parts.append("\n".join(lines))
  return "\n\n".join(parts) + "\n"


def markdown_row(row: dict) -> str:
  method = f"{row['method']} (reference)" if row["reference"] else row["method"]
  cells = [task_label(row["task"]), method, error_text(row)]
  cells += [number(row[key], key) for key, _ in MARKDOWN_COLUMNS[1:]]
  return "| " + " | ".join(markdown_cell(c) for c in cells) + " |"


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
  (out / MARKER).write_text("Written by skillbench.leaderboard.build_site; a rebuild replaces this folder.\n")
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
    "rows": table_rows,
  }


def index_page(submissions) -> str:
  count = len(submissions)
  body = f"""<header>
<h1>SkillBench leaderboard</h1>
<p class="note">{count} submission{'' if count == 1 else 's'}. Each row is one evaluation (20 rollouts by the
benchmark protocol); a method links to its details. Rows marked <span class="badge">reference</span> are the
published numbers of the original SkillBench paper, not submissions. Click a column's header to sort by it
(again to reverse).</p>
</header>
<div class="filters">
<label>Robot <select id="robot-filter"><option value="">all</option></select></label>
<label>Method <select id="method-filter"><option value="">all</option></select></label>
</div>
<main id="tables"></main>
<noscript><p>The tables need JavaScript; leaderboard/LEADERBOARD.md has them as Markdown.</p></noscript>
<script type="application/json" id="data">{script_json(page_data(submissions))}</script>"""
  return page("SkillBench leaderboard", body, "style.css", "<script src=\"app.js\"></script>\n")


# Details pages.


def details_page(sub: Submission) -> str:
  r = sub.result
  evaluation = r.get("evaluation") if isinstance(r.get("evaluation"), dict) else {}
  title = f"{task_label(sub.task)} · {sub.method} · {robot_label(sub.robot)}"
  body = "\n".join([
    "<p><a href=\"../index.html\">← leaderboard</a></p>",
    f"<h1>{e(title)}</h1>",
    section("Submission", kv_table(summary_pairs(sub))),
    section("Results", aggregate_table(r.get("metrics", {}).get("aggregate", {}))),
    video_section(sub),
    section("Evaluation", kv_table((k, v) for k, v in evaluation.items() if k != "settings")
            + "\n<h3>Settings</h3>\n" + kv_table(mapping(evaluation.get("settings")))),
    section("Training compute", training_html(r.get("training"))),
    section("Provenance", provenance_html(r)),
    section("Per-rollout metrics", rollout_table(r.get("metrics", {}).get("per_rollout", []))),
    section("Configuration", "<details><summary>the resolved evaluation configuration</summary>\n<pre>"
            + e(json.dumps(r.get("config"), indent=2, ensure_ascii=False)) + "</pre></details>"),
  ])
  return page(f"{title} — SkillBench leaderboard", body, "../style.css")


def summary_pairs(sub: Submission) -> list[tuple]:
  reproduced = {True: "yes", False: "no", None: "not checked"}[sub.reproduced]
  return [
    ("Submission", sub.id), ("Robot", f"{robot_label(sub.robot)} ({sub.robot})"),
    ("Task", f"{task_label(sub.task)} ({sub.task})"), ("Method", sub.method), ("Backend", sub.backend),
    ("Timing", sub.result.get("timing")), ("Benchmark version", sub.result.get("benchmark_version")),
    ("Accepted", sub.accepted_at), ("Reproduced", reproduced),
  ]


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
  return section("Video", f"<video controls preload=\"none\" src=\"{e(src)}\"></video>\n"
                          f"<p><a href=\"{e(src)}\">{e(sub.video.name)}</a></p>")

