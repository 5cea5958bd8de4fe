"""A training run's evaluated curve: its kept checkpoints, each evaluated with the protocol's settings
(deterministic actions, no exploration noise), against the env steps and wall-clock at which it was
saved. Training curves mix in each trainer's exploration (PPO's std 1 against FastTD3's 0.1), so
time-to-threshold between trainers is read from this curve.

    python scripts/train_primitive.py ... trainer.keep_checkpoints=0     # keep every checkpoint
    python tools/checkpoint_curve.py RUN --every-min 2 --rollouts 8       # -> RUN/eval_curve.json

`tools/compare_trainers.py` reads RUN/eval_curve.json beside the training curve. Rows: checkpoint,
env_steps, wall_s (the run's clock when it was saved, from metrics.jsonl), goal_error (mean over the
rollouts, the skill's unit), fell (the share of rollouts that fell).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def chosen(run: pathlib.Path, every_s: float) -> list[tuple[pathlib.Path, int, float]]:
  """(checkpoint, env_steps, wall_s) of the run's checkpoints, at most one per `every_s` of wall-clock,
  the last always included."""
  from skillbench.policy import checkpoint as ckpt_lib
  from skillbench.training import run_dir as runs
  from skillbench.training.logger import read_metrics

  clock = {int(r["env_steps"]): float(r["wall_s"]) for r in read_metrics(run)}
  found = []
  for _, path in runs.checkpoints(run):
    steps = int(ckpt_lib.read_metadata(path)["training"]["env_steps"])
    if steps in clock:
      found.append((path, steps, clock[steps]))
  if not found:
    raise SystemExit(f"{run} has no checkpoint whose env steps appear in its metrics.jsonl: give a training run "
                     "folder (train with trainer.keep_checkpoints=0 to keep every checkpoint)")
  picked, last_s = [], -float("inf")
  for item in found[:-1]:
    if item[2] - last_s >= every_s:
      picked.append(item)
      last_s = item[2]
  return [*picked, found[-1]]


def evaluate(run: pathlib.Path, every_s: float, rollouts: int, seed: int) -> list[dict]:
  from skillbench.evaluation import protocol
  from skillbench.policy.saved import load

  rows = []
  for path, steps, wall_s in chosen(run, every_s):
    loaded = load(path)
    result = protocol.evaluate_policy(loaded.embodiment, loaded.skill, loaded, num_rollouts=rollouts, seed=seed)
    agg = result["backends"]["mujoco"]["aggregate"]
    rows.append({"checkpoint": path.name, "env_steps": steps, "wall_s": round(wall_s, 1),
                 "goal_error": agg["goal_error"]["mean"], "fell": agg["fell"]["mean"]})
    print(f"{path.name}: {wall_s / 60:5.1f} min {steps / 1e6:6.2f}M steps  goal error {rows[-1]['goal_error']:.4f}"
          f"  fell {rows[-1]['fell']:.2f}", flush=True)
  return rows


def main(argv=None) -> None:
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("run", type=pathlib.Path, help="a training run's folder")
  parser.add_argument("--every-min", type=float, default=2.0, help="at most one checkpoint per this many minutes")
  parser.add_argument("--rollouts", type=int, default=8)
  parser.add_argument("--seed", type=int, default=0)
  args = parser.parse_args(argv)
  if args.rollouts < 1 or args.every_min < 0:
    parser.error("--rollouts must be at least 1 and --every-min at least 0")
  rows = evaluate(args.run, 60 * args.every_min, args.rollouts, args.seed)
  out = args.run / "eval_curve.json"
  out.write_text(json.dumps({"rollouts": args.rollouts, "seed": args.seed, "rows": rows}, indent=1) + "\n")
  print(f"wrote {out}")


if __name__ == "__main__":
  main()
