"""Side by side: training runs of one robot and skill by different trainers (PPO, FastTD3, ...),
measured by the time and the env steps each needs to bring its training goal error below thresholds.

  python tools/compare_trainers.py --run ppo=/work/runs/h1-reaching-brax-... \
      --run fast_td3=/work/runs/td3/h1-reaching-fast_td3-... --threshold 0.1 --threshold 0.05 \
      --out results/training/trainers/h1-reaching

Reads each run's metrics.jsonl (one row per training iteration: env_steps, wall_s, goal_error, and
the FastTD3 timings time/collect_s and time/learn_s when present) and run.json (commit, hardware).
The goal error is the training episodes' (with exploration), averaged over the last --window
iterations. Writes <out>.png (goal error against env steps and against wall-clock minutes),
<out>.json (per run: provenance, throughput, where the time went, the thresholds' first crossings
and the smoothed curve, thinned to at most 400 points) and prints a Markdown table for docs/TRAINING.md.
Runs must share the machine for wall-clock to compare; the table names each run's CPU and commit.
A run folder holding eval_curve.json (`tools/checkpoint_curve.py`: its checkpoints evaluated without
exploration noise) adds that curve to the plot and its crossings to the table ("evaluated").

Training seeds of one trainer share its label (`--run ppo=<seed 0 run> --run ppo=<seed 1 run>`): each
run keeps its row, and a second table (the JSON's "trainers") gives per label the mean over its seeds
of the final errors, with their range, and how many seeds crossed each threshold and when (mean over
those that did). Two runs of one label with the same seed (run.json) are refused.

Run folders may be gone when the next seed is trained: `--recorded LABEL=<an earlier out>.json` takes that
label's runs from an earlier comparison's JSON (their summaries and thinned curves; a threshold the record
lacks is crossed on its thinned curve), beside the `--run` folders:

  python tools/compare_trainers.py --recorded ppo=results/training/trainers/h1-reaching.json \
      --recorded fast_td3=results/training/trainers/h1-reaching.json --run ppo=<seed 1 run> ... --out ...
"""

import argparse
import json
import math
import pathlib
import sys

MAX_POINTS = 400


def parse_run(text: str) -> tuple[str, pathlib.Path]:
  label, sep, path = text.partition("=")
  if not sep or not label or not path:
    raise argparse.ArgumentTypeError(f"--run takes LABEL=RUN_DIR, got {text!r}")
  from skillbench.training.logger import has_metrics

  folder = pathlib.Path(path)
  if not has_metrics(folder):
    raise argparse.ArgumentTypeError(f"{folder} has no metrics.jsonl: give a training run's folder (or a collected "
                                     "campaign cell, results/campaigns/<name>/<cell>)")
  return label, folder


def parse_recorded(text: str) -> tuple[str, pathlib.Path]:
  label, sep, path = text.partition("=")
  if not sep or not label or not path:
    raise argparse.ArgumentTypeError(f"--recorded takes LABEL=COMPARISON_JSON, got {text!r}")
  if not pathlib.Path(path).is_file():
    raise argparse.ArgumentTypeError(f"{path} is not a file: give a JSON that compare_trainers.py wrote (--out)")
  return label, pathlib.Path(path)


def recorded_seed(run: dict):
  """A recorded run's seed: its "seed", else its command's seed= (train_primitive.py's default 0)."""
  if run.get("seed") is not None:
    return run["seed"]
  given = [a.split("=", 1)[1] for a in run.get("command") or [] if a.startswith("seed=")]
  return int(given[-1]) if given else 0


def recorded(label: str, path: pathlib.Path, window: int, thresholds: list[float]) -> list[tuple[dict, list, list]]:
  """The runs labelled `label` in an earlier comparison's JSON, as `summarise` gives them (rows: the
  thinned curve); crossings of thresholds the record lacks are read off that curve. Its curves were
  smoothed over its own window, so another --window is refused."""
  from skillbench.training import curves

  doc = json.loads(path.read_text())
  if doc.get("window") != window:
    raise SystemExit(f"--recorded {label}={path}: its curves are averaged over {doc.get('window')} iterations, and "
                     f"this comparison asks for {window}: give --window {doc.get('window')}")
  runs = [r for r in doc.get("runs", []) if r.get("label") == label]
  if not runs:
    labels = sorted({str(r.get("label")) for r in doc.get("runs", [])})
    raise SystemExit(f"--recorded {label}={path}: no run labelled {label!r} there (it has {', '.join(labels) or 'none'})")
  out = []
  for run in runs:
    rows = run["curve"]
    values = [r["goal_error"] for r in rows]
    summary = {**run, "evaluated": None, "seed": recorded_seed(run), "recorded": str(path)}
    summary["thresholds"] = {str(t): run["thresholds"][str(t)] if str(t) in run.get("thresholds", {})
                             else curves.first_below(rows, values, t) for t in thresholds}
    if run.get("evaluated"):
      ev = run["evaluated"]
      summary["evaluated"] = {**ev, "thresholds": {str(t): curves.first_below(ev["rows"], [r["goal_error"] for r in ev["rows"]], t)
                                                  for t in thresholds}}
    out.append((summary, rows, values))
  return out


def summarise(label: str, folder: pathlib.Path, window: int, thresholds: list[float]) -> tuple[dict, list, list]:
  """(the run's summary for the JSON, its metric rows, its smoothed goal error)."""
  from skillbench.training import curves
  from skillbench.training.logger import read_metrics

  rows = read_metrics(folder)
  if not rows:
    raise SystemExit(f"{folder}/metrics.jsonl is empty: the run logged no iteration")
  values = curves.smoothed([r.get("goal_error", math.nan) for r in rows], window)
  run = json.loads((folder / "run.json").read_text()) if (folder / "run.json").is_file() else {}
  last = rows[-1]
  timing = {k: sum(r.get(k, 0.0) for r in rows) for k in ("time/collect_s", "time/learn_s") if k in last}
  stride = max(1, len(rows) // MAX_POINTS)
  evaluated = read_eval_curve(folder)
  return {
    "evaluated": evaluated and {
      "rollouts": evaluated["rollouts"], "rows": evaluated["rows"],
      "thresholds": {str(t): curves.first_below(evaluated["rows"], [r["goal_error"] for r in evaluated["rows"]], t)
                     for t in thresholds}},
    "label": label, "run": folder.name, "seed": run.get("seed"), "command": run.get("command"), "git": run.get("git"),
    "hardware": run.get("hardware"), "env_steps": int(last["env_steps"]), "wall_s": float(last["wall_s"]),
    "steps_per_s": float(last["env_steps"]) / max(float(last["wall_s"]), 1e-9),
    "time_split_s": timing, "final_goal_error": values[-1], "best_goal_error": min((v for v in values if not math.isnan(v)), default=math.nan),
    "window": window, "thresholds": {str(t): curves.first_below(rows, values, t) for t in thresholds},
    "curve": [{"env_steps": int(r["env_steps"]), "wall_s": round(float(r["wall_s"]), 1), "goal_error": round(v, 5)}
              for r, v in list(zip(rows, values, strict=True))[::stride]],
  }, rows, values


def read_eval_curve(folder: pathlib.Path) -> dict | None:
  path = folder / "eval_curve.json"
  return json.loads(path.read_text()) if path.is_file() else None


def crossing_text(crossing: dict | None) -> str:
  if crossing is None:
    return "not reached"
  return f"{crossing['wall_s'] / 60:.1f} min, {crossing['env_steps'] / 1e6:.2f}M steps"


def markdown(summaries: list[dict], thresholds: list[float]) -> str:
  head = ["run", "trainer", "commit", "env steps", "wall-clock", "steps/s", "goal error (final / best)",
          *(f"first below {t}" for t in thresholds), "time split"]
  evaluated = any(s.get("evaluated") for s in summaries)
  if evaluated:
    head += ["evaluated (final)", *(f"evaluated first below {t}" for t in thresholds)]
  lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
  for s in summaries:
    split = s["time_split_s"]
    split_text = (", ".join(f"{k.split('/')[1][:-2]} {v / max(s['wall_s'], 1e-9):.0%}" for k, v in split.items())
                  if split else "–")
    commit = (s.get("git") or {}).get("commit", "?")[:7]
    cells = [s["run"], s["label"], commit, f"{s['env_steps'] / 1e6:.2f}M", f"{s['wall_s'] / 60:.1f} min",
             f"{s['steps_per_s']:,.0f}", f"{s['final_goal_error']:.3f} / {s['best_goal_error']:.3f}",
             *(crossing_text(s["thresholds"][str(t)]) for t in thresholds), split_text]
    if evaluated:
      ev = s.get("evaluated")
      cells += ([f"{ev['rows'][-1]['goal_error']:.3f}", *(crossing_text(ev["thresholds"][str(t)]) for t in thresholds)]
                if ev else ["–"] * (1 + len(thresholds)))
    lines.append("| " + " | ".join(cells) + " |")
  return "\n".join(lines)


def over_seeds(summaries: list[dict], thresholds: list[float]) -> list[dict]:
  """Per label, in first-seen order: its seeds, the mean and range of its final training and evaluated
  errors, and per threshold how many seeds crossed it and their mean crossing (training and evaluated)."""
  groups: dict[str, list[dict]] = {}
  for s in summaries:
    groups.setdefault(s["label"], []).append(s)
  return [_aggregate(label, runs, thresholds) for label, runs in groups.items()]


def _aggregate(label: str, runs: list[dict], thresholds: list[float]) -> dict:
  def spread(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    return values and {"mean": sum(values) / len(values), "min": min(values), "max": max(values), "n": len(values)}

  def crossings(of):
    """of(run) -> its {threshold: crossing or None}, or None when the run lacks that curve."""
    out = {}
    for t in thresholds:
      measured = [of(r) for r in runs if of(r) is not None]
      hits = [m[str(t)] for m in measured if m[str(t)]]
      out[str(t)] = {"reached": len(hits), "of": len(measured),
                     "mean_wall_s": sum(h["wall_s"] for h in hits) / len(hits) if hits else None,
                     "mean_env_steps": sum(h["env_steps"] for h in hits) / len(hits) if hits else None}
    return out

  evaluated = [r["evaluated"]["rows"][-1]["goal_error"] for r in runs if r.get("evaluated")]
  return {"label": label, "seeds": [r["seed"] for r in runs], "runs": [r["run"] for r in runs],
          "final_goal_error": spread([r["final_goal_error"] for r in runs]),
          "evaluated_final_goal_error": spread(evaluated) or None,
          "thresholds": crossings(lambda r: r["thresholds"]),
          "evaluated_thresholds": crossings(lambda r: r["evaluated"] and r["evaluated"]["thresholds"]) if evaluated else None}


def seeds_markdown(trainers: list[dict], thresholds: list[float]) -> str:
  head = ["trainer", "seeds", "goal error at the end (mean [min, max])", "evaluated at the end (mean [min, max])",
          *(f"evaluated first below {t} (seeds; mean time)" for t in thresholds)]
  lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

  def spread_text(s):
    return f"{s['mean']:.3f} [{s['min']:.3f}, {s['max']:.3f}]" if s else "–"

  def crossing_of(t, c):
    if c is None:
      return "–"
    hit = c[str(t)]
    when = f"; {hit['mean_wall_s'] / 60:.1f} min, {hit['mean_env_steps'] / 1e6:.2f}M steps" if hit["reached"] else ""
    return f"{hit['reached']} of {hit['of']}{when}"

  for g in trainers:
    cells = [g["label"], ", ".join(str(s) for s in g["seeds"]), spread_text(g["final_goal_error"]),
             spread_text(g["evaluated_final_goal_error"]), *(crossing_of(t, g["evaluated_thresholds"]) for t in thresholds)]
    lines.append("| " + " | ".join(cells) + " |")
  return "\n".join(lines)


def check_seeds(summaries: list[dict]) -> str | None:
  """Why the runs cannot be compared as seeds (None when they can): a label given one seed twice."""
  seen: dict[tuple, str] = {}
  for s in summaries:
    key = (s["label"], s["seed"])
    if s["seed"] is None:  # a run folder without run.json: its seed is unknown
      continue
    if key in seen:
      return f"--run {s['label']}=: {seen[key]} and {s['run']} are both seed {s['seed']}; give each seed's run once"
    seen[key] = s["run"]
  return None


def main() -> int:
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("--run", type=parse_run, action="append", default=[], help="LABEL=RUN_DIR (repeat)")
  parser.add_argument("--recorded", type=parse_recorded, action="append", default=[],
                      help="LABEL=JSON: that label's runs from an earlier comparison (repeat)")
  parser.add_argument("--threshold", type=float, action="append", default=[], help="goal error (repeat)")
  parser.add_argument("--window", type=int, default=20, help="iterations averaged (default 20)")
  parser.add_argument("--out", type=pathlib.Path, required=True, help="path without suffix for .png and .json")
  parser.add_argument("--title", default="")
  args = parser.parse_args()
  if args.window < 1:
    parser.error(f"--window must be at least 1, got {args.window}")
  if not args.run and not args.recorded:
    parser.error("give at least one --run LABEL=RUN_DIR or --recorded LABEL=JSON")
  folders = [folder.resolve() for _, folder in args.run]
  if len(set(folders)) != len(folders):
    parser.error("--run names one run folder twice")
  from skillbench.training import curves

  summaries, plotted = [], {}
  runs = [item for label, path in args.recorded for item in recorded(label, path, args.window, args.threshold)]
  runs += [summarise(label, folder, args.window, args.threshold) for label, folder in args.run]
  names = [s["run"] for s, _, _ in runs]
  if len(set(names)) != len(names):
    parser.error(f"one run is given twice (by --run and --recorded, or recorded twice): {', '.join(sorted(names))}")
  for summary, rows, values in runs:
    label = summary["label"]
    summaries.append(summary)
    plotted[f"{label} ({summary['run']})"] = (rows, values)
    if summary["evaluated"]:
      evaluated = summary["evaluated"]["rows"]
      plotted[f"{label} seed {summary['seed']} evaluated"] = (evaluated, [r["goal_error"] for r in evaluated])
  if problem := check_seeds(summaries):
    parser.error(problem)
  png = curves.plot_comparison(plotted, args.out.with_suffix(".png"), "goal_error", args.threshold, args.title)
  trainers = over_seeds(summaries, args.threshold)
  doc = {"window": args.window, "thresholds": args.threshold, "runs": summaries, "trainers": trainers}
  args.out.with_suffix(".json").write_text(json.dumps(doc, indent=1) + "\n")
  print(markdown(summaries, args.threshold))
  if any(len(g["runs"]) > 1 for g in trainers):
    print("\nOver seeds:\n\n" + seeds_markdown(trainers, args.threshold))
  print(f"\nwrote {png} and {args.out.with_suffix('.json')}", file=sys.stderr)
  return 0


if __name__ == "__main__":
  sys.exit(main())
