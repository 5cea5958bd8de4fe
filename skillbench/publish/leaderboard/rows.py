"""The table rows, one per entry and per reference number of the paper, shared by the Markdown and the HTML
tables: their columns, sections, ranks and the text of their cells."""

from __future__ import annotations

import math

from skillbench import catalog
from skillbench.publish.leaderboard.entries import Submission
from skillbench.results import paper
from skillbench.results import result_file as results

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
METRIC_ORDER = (*METRICS, "goal_error", "goal_error_settled", "seconds")
DECIMALS = {"torque": 1, "power": 1, "action_jerk": 1}
NONE = "–"
PAPER_BACKEND = "Isaac Gym"  # the simulator of the paper's reference rows
SECTIONS = ("ranked", "stale", "reference", "self-reported")  # a task's rows, in this order


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
