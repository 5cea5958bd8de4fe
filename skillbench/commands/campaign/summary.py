"""The campaign's summary (summary.md and summary.json): every cell's state, and the seeds aggregated."""

from __future__ import annotations

import fcntl
import os
import pathlib
import re

from skillbench.commands.campaign.state import code_drift, now, read_state, write_json
from skillbench.results import changes, seeds
from skillbench.results import result_file as results

SEEDS_NOTE = ("Per robot, task, method and backend over its finished seeds: the mean over seeds of each seed's "
              "mean over rollouts, a 95 % t-interval across seeds (none for one seed), and the 95 % bootstrap "
              "interval over all rollouts pooled (skillbench/results/seeds.py).")
FILED_AS = re.compile(r"filed as (\S+?)\.?(?:\s|$)")  # submit.py's "ACCEPTED: filed as <folder>. Rebuild ..."


def cell_states(campaign: pathlib.Path) -> list[dict]:
  return [read_state(p) for p in sorted((campaign / "cells").glob("*.json"))]


def summary(campaign: pathlib.Path) -> tuple[str, dict]:
  """The campaign's summary: Markdown (cells, then seeds aggregated) and the same as JSON."""
  states = [s for s in cell_states(campaign) if s.get("cell")]
  entries, problems = [], [drift] if (drift := code_drift()) else []
  for state in states:
    if state.get("status") != "done":
      continue
    for path in map(pathlib.Path, state.get("results", [])):
      try:
        doc = results.read(path)
        stale = changes.why_result_stale(doc)
        if stale:
          problems.append(f"{path}: left out, measured on {doc['benchmark_version']}; {stale} (`plan_only=true` "
                          "says what running the cell again would do)")
          continue
        variant = state["cell"].get("variant")
        labelled = not variant or doc["method"].endswith(f"-{variant}")  # results evaluated before variant=
        entries.append((state["cell"]["seed"], doc if labelled else {**doc, "method": f"{doc['method']}-{variant}"}))
      except results.ResultFileError as e:
        problems.append(str(e))
  rows = seeds.aggregate(entries)
  lines = [f"# Campaign {campaign.name}", "", f"{len(states)} cells, updated {now()}.", "",
           "| cell | status | stage | run | submission |", "|---|---|---|---|---|"]
  for state in states:
    lines.append(f"| {cell_label(state)} | {state.get('status', '?')} | {_last_stage(state)} | "
                 f"{pathlib.Path(state.get('run', '')).name} | {_submissions(state)} |")
  lines += ["", "## Seeds aggregated", "", SEEDS_NOTE, "",
            seeds.markdown_table(rows) if rows else "No finished cell yet.", *[f"- {p}" for p in problems]]
  return "\n".join(lines) + "\n", {"cells": states, "seeds": rows, "problems": problems}


def cell_label(state: dict) -> str:
  c = state["cell"]
  variant = f" ({c['variant']})" if c.get("variant") else ""
  return f"{c['embodiment']} {c['task']} {c['method']}{variant} seed {c['seed']}"


def _last_stage(state: dict) -> str:
  if state.get("filed"):
    return "filed before, not run here"
  stages = state.get("stages", {})
  return next((f"{name}: {r.get('status')}" for name, r in reversed(stages.items())), "-")


def _submissions(state: dict) -> str:
  """Per submit stage, the filed entry's id (`submit-mjx: g1-...-a951fd7701ec`), or submit.py's verdict; a
  cell the leaderboard already held: its entries' ids."""
  if state.get("filed"):
    return "; ".join(state["filed"])
  cells = []
  for name, record in state.get("stages", {}).items():
    line = record.get("submission", "") if name.startswith("submit") else ""
    if line:
      filed = FILED_AS.search(line)
      cells.append(f"{name}: {pathlib.Path(filed.group(1)).name if filed else line}")
  return "; ".join(cells) or "-"


def write_summary(campaign: pathlib.Path) -> pathlib.Path | None:
  """Rewrites <campaign>/summary.md and summary.json; parallel cells take turns (a blocking fcntl lock)."""
  if not (campaign / "cells").is_dir():
    return None
  fd = os.open(campaign / ".summary.lock", os.O_RDWR | os.O_CREAT, 0o644)
  try:
    fcntl.flock(fd, fcntl.LOCK_EX)
    text, doc = summary(campaign)
    write_json(campaign / "summary.json", doc)
    tmp = campaign / f".summary.md.{os.getpid()}.tmp"
    tmp.write_text(text)
    os.replace(tmp, campaign / "summary.md")
  finally:
    os.close(fd)
  return campaign / "summary.md"
