"""Read a training run's learning curve at given minutes: what the README's training prose quotes.

  python tools/curve_facts.py <run> [--at-min 5,15,30,58] [--below 0.15,0.10] [--keys goal_error,fall_fraction]
                              [--window 20] [--json out.json]

From the run's metrics.jsonl (a collected campaign cell's metrics.jsonl.gz; one row per PPO iteration; curves are the trailing mean over `--window`
iterations, as the run's curves.png draws them): per minute asked for, the env steps and each key's
value at the last iteration at or before that minute of training (wall-clock), and the first minute
and env step at which the smoothed training Error (`goal_error`, with the policy's exploration) is at
or below each `--below` threshold. `fall_fraction` is the fraction of episodes ending in that window
that fell. Prints a markdown table; `--json` also writes the numbers.
"""

import argparse
import json
import math
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def floats(text: str) -> list[float]:
  try:
    return [float(x) for x in text.split(",") if x.strip()]
  except ValueError:
    raise SystemExit(f"error: expected comma-separated numbers, got {text!r} (e.g. --at-min 5,30,58)") from None


def at_minute(rows: list[dict], minute: float) -> int | None:
  """Index of the last row logged at or before `minute` of training wall-clock; None before the first."""
  index = None
  for i, row in enumerate(rows):
    if row["wall_s"] <= minute * 60.0:
      index = i
  return index


def facts(rows: list[dict], minutes: list[float], below: list[float], keys: list[str], window: int) -> dict:
  from skillbench.training import curves

  missing = [k for k in keys if k not in rows[-1]]
  if missing:
    raise SystemExit(f"error: the run logs no {', '.join(missing)}; it logs {', '.join(sorted(rows[-1]))}")
  series = {k: curves.smoothed([float(r.get(k, math.nan)) for r in rows], window) for k in keys}
  table = []
  for minute in minutes:
    i = at_minute(rows, minute)
    if i is None:
      table.append({"minute": minute, "env_steps": None, **{k: None for k in keys}})
      continue
    table.append({"minute": minute, "env_steps": int(rows[i]["env_steps"]),
                  **{k: None if math.isnan(series[k][i]) else series[k][i] for k in keys}})
  crossings = {}
  if "goal_error" in rows[-1]:
    error = series.get("goal_error") or curves.smoothed([float(r["goal_error"]) for r in rows], window)
    for threshold in below:
      hit = curves.first_below(rows, error, threshold)
      crossings[str(threshold)] = hit and {"minute": hit["wall_s"] / 60.0, "env_steps": hit["env_steps"]}
  last = rows[-1]
  return {"window": window, "iterations": len(rows), "env_steps": int(last["env_steps"]),
          "minutes": last["wall_s"] / 60.0, "at": table, "first_below": crossings}


def markdown(run: pathlib.Path, doc: dict, keys: list[str]) -> str:
  def cell(v):
    return "-" if v is None else f"{v:.3f}"

  heading = (f"{run.name}: {doc['iterations']} iterations, {doc['env_steps'] / 1e6:.2f}M env steps in "
             f"{doc['minutes']:.1f} min (curves: trailing mean over {doc['window']} iterations)")
  lines = [heading, "",
           "| minute | env steps | " + " | ".join(keys) + " |", "|---:|---:|" + "---:|" * len(keys)]
  for row in doc["at"]:
    steps = "-" if row["env_steps"] is None else f"{row['env_steps'] / 1e6:.2f}M"
    lines.append(f"| {row['minute']:g} | {steps} | " + " | ".join(cell(row[k]) for k in keys) + " |")
  lines += [""] if doc["first_below"] else []
  for threshold, hit in doc["first_below"].items():
    lines.append(f"- training Error at or below {threshold}: " + (
        f"{hit['minute']:.1f} min ({hit['env_steps'] / 1e6:.2f}M env steps)" if hit else "never"))
  return "\n".join(lines)


def main() -> int:
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("run", type=pathlib.Path)
  parser.add_argument("--at-min", default="5,15,30,45,58")
  parser.add_argument("--below", default="")
  parser.add_argument("--keys", default="goal_error,fall_fraction")
  parser.add_argument("--window", type=int, default=20)
  parser.add_argument("--json", type=pathlib.Path)
  args = parser.parse_args()

  sys.path.insert(0, str(ROOT))
  from skillbench.training import logger

  if not logger.has_metrics(args.run):
    raise SystemExit(f"error: {args.run} has no metrics.jsonl(.gz); give a training run's folder or a "
                     "collected campaign cell (results/campaigns/<name>/<cell>)")
  if args.window < 1:
    raise SystemExit("error: --window must be at least 1 (iterations)")
  rows = logger.read_metrics(args.run)
  if not rows:
    raise SystemExit(f"error: {args.run}/metrics.jsonl is empty: the run logged no iteration yet")
  keys = [k for k in args.keys.split(",") if k]
  doc = facts(rows, floats(args.at_min), floats(args.below), keys, args.window)
  print(markdown(args.run, doc, keys))
  if args.json:
    args.json.write_text(json.dumps({"run": args.run.name, **doc}, indent=1) + "\n")
  return 0


if __name__ == "__main__":
  sys.exit(main())
