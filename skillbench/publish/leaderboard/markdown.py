"""The leaderboard as Markdown tables, every string from a submission escaped."""

from __future__ import annotations

import html
import math
import re

from skillbench.publish.leaderboard.rows import (
  error_text,
  number,
  rank_text,
  robot_label,
  robots,
  rows,
  success_rate_text,
  success_text,
  task_index,
  task_label,
  version_text,
)

MARKDOWN_COLUMNS = (("error", "Error"), ("success", "Success"), ("success_rate", "Success rate [95 % CI]"),
                    ("fell", "Fall"), ("tilt", "Tilt (rad)"), ("height", "h (m)"), ("torque", "tau (N m)"),
                    ("power", "P (W)"), ("version", "Version"))


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
