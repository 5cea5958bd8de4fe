"""Fingerprint what the code does: every library entry and every leaderboard submission evaluated briefly.

  python tools/behaviour_fingerprint.py before.json          # on the old commit
  python tools/behaviour_fingerprint.py after.json           # on the new one, same machine
  python tools/behaviour_fingerprint.py after.json --compare before.json

Each policy (a library entry's, a submission's checkpoint or its baseline) runs the evaluation of its
robot and skill or task, 2 rollouts of 2 s from seed 0 on its result's backend (native MuJoCo for the
library), and every per-rollout number is kept exactly (repr). A change meant to leave behaviour
alone (a refactor) must leave the file unchanged on the same machine; `--compare` lists what moved.
"""

import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def fingerprint(rollouts: int, seconds: float) -> dict:
  from skillbench import runtime
  from skillbench.evaluation import protocol as evaluation
  from skillbench.policy import library
  from skillbench.policy.saved import load

  runtime.configure_jax()
  out = {}
  for robot, skill in library.entries():
    loaded = load(library.policy_path(robot, skill))
    record = evaluation.evaluate_policy(robot, skill, loaded, backends=("mujoco",), num_rollouts=rollouts,
                                        seconds=seconds)
    out[f"library/{robot}/{skill}"] = repr(record["backends"]["mujoco"]["per_rollout"])
    print(f"library/{robot}/{skill}", flush=True)
  for folder in sorted((ROOT / "leaderboard" / "submissions").iterdir()):
    doc = json.loads((folder / "result.json").read_bytes())
    checkpoint = next((p for p in folder.iterdir() if p.suffix == ".safetensors"), None)
    loaded = load(checkpoint, embodiment=doc["robot"], skill=doc["task"]) if checkpoint else None
    record = evaluation.evaluate_policy(doc["robot"], doc["task"], loaded, doc["method"] if loaded is None else "zero",
                                        (doc["backend"],), num_rollouts=rollouts, seconds=seconds)
    out[f"board/{folder.name}"] = repr(record["backends"][doc["backend"]]["per_rollout"])
    print(f"board/{folder.name}", flush=True)
  return out


def main() -> int:
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("out", help="the fingerprint file to write (JSON)")
  parser.add_argument("--compare", help="an earlier fingerprint: exit 1 and list the entries that differ")
  parser.add_argument("--rollouts", type=int, default=2)
  parser.add_argument("--seconds", type=float, default=2.0)
  args = parser.parse_args()
  now = fingerprint(args.rollouts, args.seconds)
  pathlib.Path(args.out).write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
  if not args.compare:
    return 0
  before = json.loads(pathlib.Path(args.compare).read_text())
  moved = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
  for key in moved:
    print(f"differs: {key}")
  print(f"{len(now) - len(moved)} of {len(before.keys() | now.keys())} entries identical")
  return 1 if moved else 0


if __name__ == "__main__":
  sys.exit(main())
