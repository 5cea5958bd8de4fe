"""Training seeds aggregated: a method's numbers over seeds, beside its numbers over rollouts.

A result file's intervals are over its rollouts: they say how precisely one trained policy was
measured, not how much another training seed would change it. Given the result files of several
training seeds of one robot, task, method and backend, `aggregate` gives per metric (Error,
success rate, fall rate) the mean over seeds (of each seed's mean over its rollouts), a 95 %
t-interval across seeds (Student's t over the seed means, n - 1 degrees of freedom; none for a
single seed) and, beside it, the 95 % bootstrap interval over all their rollouts pooled (what a
result file's interval would say if the rollouts came from one policy). `markdown_table` writes
the rows with the paper's Error for reference. scripts/campaign.py writes them into its summary.
"""

from __future__ import annotations

import math

import numpy as np

METRICS = ("error", "success_rate", "fell")  # result-file metric names (version 2; `results.metrics` renames v1)
LEVEL = 0.95
PAPER_METHODS = {"blender": "skillblender", "ppo": "ppo"}  # our method names -> skillbench.results.paper's


def t_interval(values, level: float = LEVEL) -> list[float] | None:
  """The `level` Student-t interval of the mean of `values` (one per seed); None for fewer than two."""
  values = np.asarray(values, float)
  if values.size < 2:
    return None
  from scipy import stats

  half = stats.t.ppf(0.5 + level / 2, values.size - 1) * values.std(ddof=1) / math.sqrt(values.size)
  return [float(values.mean() - half), float(values.mean() + half)]


def pooled_interval(values) -> list[float]:
  """The 95 % bootstrap interval of the mean over pooled rollouts, as a result file's (`evaluation.aggregate`)."""
  from skillbench.evaluation import protocol as evaluation

  return evaluation.aggregate(np.asarray(values, float))["ci95"]


def group_key(doc: dict) -> tuple[str, str, str, str]:
  return doc["robot"], doc["task"], doc["method"], doc["backend"]


def aggregate(entries, metrics=METRICS) -> list[dict]:
  """One row per (robot, task, method, backend) of `entries`: (seed label, checked result doc)
  pairs. Each row: robot, task, method, backend, seeds (labels), rollouts (per seed), paper_error,
  and per metric {seed_means, mean, seed_ci95 (None for one seed), rollout_ci95}."""
  from skillbench.results import result_file as results

  groups: dict[tuple, list] = {}
  for seed, doc in entries:
    groups.setdefault(group_key(doc), []).append((seed, results.metrics(doc)["per_rollout"]))
  rows = []
  for (robot, task, method, backend), members in sorted(groups.items()):
    row = {"robot": robot, "task": task, "method": method, "backend": backend,
           "seeds": [seed for seed, _ in members], "rollouts": [len(per) for _, per in members],
           "paper_error": paper_error(robot, task, method)}
    for metric in metrics:
      row[metric] = metric_summary([[float(r[metric]) for r in per] for _, per in members])
    rows.append(row)
  return rows


def metric_summary(per_seed: list[list[float]]) -> dict:
  """{seed_means, mean, seed_ci95, rollout_ci95} of one metric from its per-rollout values per seed."""
  means = [float(np.mean(values)) for values in per_seed]
  pooled = [v for values in per_seed for v in values]
  return {"seed_means": means, "mean": float(np.mean(means)), "seed_ci95": t_interval(means),
          "rollout_ci95": pooled_interval(pooled)}


def paper_error(robot: str, task: str, method: str) -> float | None:
  """The paper's published Error for this robot, task and method, if it reports one."""
  from skillbench.results import paper

  name = PAPER_METHODS.get(method)
  if robot == "h1" and name in paper.PAPER_H1:
    return paper.PAPER_H1[name].get(task, (None,))[0]
  if robot == "g1" and name == "skillblender":
    return paper.PAPER_G1_SKILLBLENDER_ERROR.get(task)
  return None


def _number(value) -> str:
  return "-" if value is None else f"{value:.4f}"


def _interval(interval, digits: int = 4) -> str:
  return "-" if interval is None else f"[{interval[0]:.{digits}f}, {interval[1]:.{digits}f}]"


def markdown_table(rows: list[dict]) -> str:
  """The rows of `aggregate` as Markdown: Error with both intervals, success and fall rates with their
  intervals across seeds, and the paper's Error. "-": no interval across a single seed."""
  head = ("| robot | task | method | backend | seeds | Error (mean over seeds) | 95 % across seeds (t) | "
          "95 % over rollouts (pooled) | success rate [95 % across seeds] | fall rate [95 % across seeds] | "
          "paper Error |\n|---|---|---|---|---:|---:|---|---|---|---|---:|\n")
  lines = []
  for r in rows:
    error, rate, fell = r["error"], r["success_rate"], r["fell"]
    lines.append(
      f"| {r['robot']} | {r['task']} | {r['method']} | {r['backend']} | {len(r['seeds'])} | {_number(error['mean'])} | "
      f"{_interval(error['seed_ci95'])} | {_interval(error['rollout_ci95'])} | "
      f"{rate['mean']:.2f} {_interval(rate['seed_ci95'], 2)} | {fell['mean']:.2f} {_interval(fell['seed_ci95'], 2)} | "
      f"{_number(r['paper_error'])} |")
  return head + "".join(line + "\n" for line in lines)
