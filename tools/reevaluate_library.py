"""Re-measure pretrained library entries with the evaluation protocol, after the simulation changed.

  python tools/reevaluate_library.py                       # every entry, both backends
  python tools/reevaluate_library.py g1/reaching h1/walking --backends mujoco

Each entry's policy is checked against its manifest's sha256, evaluated (20 rollouts, seed 0,
on each backend), and its manifest's `evaluation` replaced; the replaced numbers stay in the
manifest under `superseded_evaluations`. The policy file is never touched.
"""

import argparse
import sys


def main() -> int:
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("entries", nargs="*", help="robot/skill (default: every entry)")
  parser.add_argument("--backends", default="mujoco,mjx", help="comma-separated: mujoco,mjx")
  parser.add_argument("--rollouts", type=int, default=20)
  args = parser.parse_args()

  from skillbench import runtime
  from skillbench.errors import SkillBenchError
  from skillbench.evaluation import protocol as evaluation
  from skillbench.policy import library
  from skillbench.policy.saved import load

  runtime.configure_jax()
  found = [f"{robot}/{skill}" for robot, skill in library.entries()]
  wanted = args.entries or found
  unknown = [e for e in wanted if e not in found]
  if unknown:
    print(f"no library entry {unknown[0]!r}; entries: {', '.join(found)}", file=sys.stderr)
    return 2
  for name in wanted:
    robot, skill = name.split("/")
    try:
      library.verify(robot, skill)
      loaded = load(library.policy_path(robot, skill))
    except SkillBenchError as e:
      print(f"{name}: {e}", file=sys.stderr)
      return 1
    before = library.manifest(robot, skill)["evaluation"]
    result = evaluation.evaluate_policy(robot, skill, loaded, backends=args.backends.split(","),
                                        num_rollouts=args.rollouts)
    after = library.reevaluate(robot, skill, result["backends"])["evaluation"]
    for backend, ev in after.items():
      was = before.get(backend)
      old = (f"{was['goal_error']['mean']:.4f} {ev['error_unit']}, "
             f"{evaluation.falls_of(was['fell']['mean'], was['num_rollouts'])} fall" if was else "not measured")
      print(f"{name} [{backend}]: {ev['goal_error']['mean']:.4f} {ev['error_unit']}, "
            f"{evaluation.falls_of(ev['fell']['mean'], ev['num_rollouts'])} fall (was {old})", flush=True)
  return 0


if __name__ == "__main__":
  sys.exit(main())
