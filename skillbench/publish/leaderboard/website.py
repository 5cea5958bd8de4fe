"""The static site: index.html (the tables, sortable and filterable), its script and style, and a details page
per entry; written whole into a new folder and swapped into place."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import tempfile

import skillbench
from skillbench.publish.leaderboard.details import details_page
from skillbench.publish.leaderboard.entries import SUBMISSION_ID
from skillbench.publish.leaderboard.markup import e, href, page
from skillbench.publish.leaderboard.rows import COLUMNS, DECIMALS, robot_label, robots, rows, task_index, task_label

MARKER = ".skillbench-site"
STATIC = pathlib.Path(__file__).resolve().parents[1] / "site"  # the page's script and style sheet


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
