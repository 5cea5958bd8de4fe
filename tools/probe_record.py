"""What the task-policy probes (episode_ends.py, subgoal_trace.py) share: the command line that names a
policy and the protocol's rollouts, and the JSON record naming the SkillBench version, commit and
machine that made it."""

from __future__ import annotations

import argparse
import json
import pathlib
import sys


def parser(description: str) -> argparse.ArgumentParser:
  """`run` (a task run folder or a policy file), --rollouts, --seed and --out (the record's JSON)."""
  p = argparse.ArgumentParser(description=description)
  p.add_argument("run", type=pathlib.Path, help="a finished task run's folder (its final policy) or a policy file "
                                                "(e.g. a leaderboard entry's policy.safetensors)")
  p.add_argument("--rollouts", type=int, default=20)
  p.add_argument("--seed", type=int, default=0)
  p.add_argument("--out", type=pathlib.Path, help="also write the record (JSON) here")
  return p


def parse(p: argparse.ArgumentParser, argv=None) -> argparse.Namespace:
  """The arguments, with `args.policy` the policy file; a bad one is a usage error naming the fix."""
  from skillbench.policy import library

  args = p.parse_args(argv)
  if args.rollouts < 1:
    p.error(f"--rollouts must be at least 1, got {args.rollouts}")
  if args.run.is_file():
    args.policy = args.run
  elif (args.run / library.FINAL_POLICY).is_file():
    args.policy = args.run / library.FINAL_POLICY
  else:
    p.error(f"{args.run} is neither a policy file nor a folder holding {library.FINAL_POLICY}: give a finished "
            "task run's folder or a policy file")
  return args


def protocol_env(path, blender: bool = False):
  """(the policy file's LoadedPolicy, its task's native environment under the protocol's settings);
  with `blender`, a policy that blends no skills is a SystemExit naming the fix."""
  from skillbench.envs.env_config import EnvConfig
  from skillbench.envs.factory import make
  from skillbench.evaluation import protocol
  from skillbench.policy.saved import load

  loaded = load(path)
  if blender and not loaded.is_blender:
    raise SystemExit(f"{path} holds a {loaded.skill} policy that blends no skills: give a SkillBlender run")
  robot, task = loaded.embodiment, loaded.skill
  settings = EnvConfig.evaluation(timing=protocol.policy_timing(loaded),
                                  goal_period_s=protocol.evaluation_goal_period(robot, task))
  return loaded, make(robot, task, "mujoco", config=settings)


def write(args: argparse.Namespace, record: dict, text: str) -> dict:
  """Prints `text` and, with --out, writes `record` with where it came from (run, seed, version, commit,
  machine) first; returns the whole record."""
  import skillbench
  from skillbench import provenance

  doc = {"run": str(args.run), "seed": args.seed, "skillbench": skillbench.__version__,
         "git": provenance.git_commit(), "hardware": provenance.hardware(), **record}
  print(text)
  if args.out:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
  return doc


def main(doc: str, make_record, report, argv=None) -> dict:
  """A probe's command line: `make_record(policy file, rollouts, seed)` -> record, `report(record)` -> text."""
  args = parse(parser(doc.split("\n\n")[0]), argv)
  record = make_record(args.policy, args.rollouts, args.seed)
  return write(args, record, report(record))
