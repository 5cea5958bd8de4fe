"""Add a finished run's policy to the pretrained skill library, with its manifest.

  python tools/add_to_library.py runs/h1-reaching-brax-20261128-101500 [--notes "..."]

Evaluates the policy with the evaluation protocol (20 rollouts, native backend; add
--backends mujoco,mjx for the sim-to-sim numbers), then writes
checkpoints/<robot>/<skill>/policy.safetensors and manifest.json (sha256, training steps,
wall-clock, hardware, evaluation). An existing entry is replaced only with --replace.
"""

import argparse
import json
import pathlib
import sys


def main() -> int:
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("run", type=pathlib.Path)
  parser.add_argument("--backends", default="mujoco", help="comma-separated: mujoco,mjx")
  parser.add_argument("--rollouts", type=int, default=20)
  parser.add_argument("--notes", default="")
  parser.add_argument("--replace", action="store_true", help="replace an existing entry")
  args = parser.parse_args()

  from skillbench import runtime
  from skillbench.evaluation import protocol as evaluation
  from skillbench.policy import library
  from skillbench.policy.saved import load

  runtime.configure_jax()
  loaded = load(library.final_policy(args.run))
  folder = library.entry(loaded.embodiment, loaded.skill)
  if (folder / "manifest.json").exists() and not args.replace:
    print(f"{folder} already holds an entry; pass --replace to replace it", file=sys.stderr)
    return 1
  result = evaluation.evaluate_policy(loaded.embodiment, loaded.skill, loaded, backends=args.backends.split(","),
                                      num_rollouts=args.rollouts)
  for backend in result["backends"]:
    print("\n".join(evaluation.report_lines(result, backend)))
  (args.run / "eval_library.json").write_text(json.dumps(result, indent=2))
  print(f"added {library.add(args.run, result['backends'], notes=args.notes)}")
  return 0


if __name__ == "__main__":
  sys.exit(main())
