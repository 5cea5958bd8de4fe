"""Record a finished run in results/training/: its evaluation against the zero-action baseline.

  python tools/training_report.py runs/h1-reaching-brax-20261128-101500 [--backends mujoco,mjx]

Evaluates the run's policy and the zero-action policy with the evaluation protocol (20 rollouts
from fixed seeds), and writes results/training/<run>.json (training steps, wall-clock, steps/s,
hardware, both evaluations) and results/training/<run>.png (the learning curves). The README's
training table is generated from these files (tools/readme_tables.py).
"""

import argparse
import json
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> int:
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("run", type=pathlib.Path)
  parser.add_argument("--backends", default="mujoco")
  parser.add_argument("--rollouts", type=int, default=20)
  args = parser.parse_args()

  from skillbench import runtime
  from skillbench.evaluation import protocol as evaluation
  from skillbench.policy import library
  from skillbench.policy.saved import load
  from skillbench.training import curves, logger, run_dir

  runtime.configure_jax()
  loaded = load(library.final_policy(args.run))
  backends = args.backends.split(",")
  trained = evaluation.evaluate_policy(loaded.embodiment, loaded.skill, loaded, backends=backends,
                                       num_rollouts=args.rollouts)
  zero = evaluation.evaluate_policy(loaded.embodiment, loaded.skill, None, "zero", backends=backends[:1],
                                    num_rollouts=args.rollouts, timing=trained["timing"])
  for result in (trained, zero):
    for backend in result["backends"]:
      print("\n".join(evaluation.report_lines(result, backend)))
  rows = logger.read_metrics(args.run)
  record = {
    "run": args.run.name, "embodiment": loaded.embodiment, "skill": loaded.skill,
    "training": loaded.checkpoint.metadata.get("training", {}),
    "commands": run_dir.commands(args.run),
    "final_training_metrics": logger.strict_json(rows[-1]) if rows else {},
    "trained": trained, "zero_action": zero,
  }
  out = ROOT / "results" / "training"
  out.mkdir(parents=True, exist_ok=True)
  (out / f"{args.run.name}.json").write_text(json.dumps(record, indent=2))
  shutil.copyfile(curves.plot(args.run), out / f"{args.run.name}.png")
  print(f"wrote {out / (args.run.name + '.json')}")
  return 0


if __name__ == "__main__":
  sys.exit(main())
