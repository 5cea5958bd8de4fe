"""Check a SkillBench result file and file it on the leaderboard.

  python scripts/submit.py runs/h1-button_press-blender-20261128-101500/result.json
  python scripts/submit.py evals/h1-button_press-zero.json --dry-run
  python scripts/submit.py result.json --reproduce            # verified: re-measured by the leaderboard
  python scripts/submit.py result.json --checkpoint checkpoints/h1/x/policy.safetensors
  python scripts/submit.py leaderboard/submissions/<id>/result.json --reproduce   # re-measure a stale entry

Checks the result against its schema and seal, that its numbers follow from each other, that it
follows the benchmark protocol on this SkillBench's robot and scene models, that the checkpoint
(and video) it names match their sha256, and that its method label is what the checkpoint can be.
Without `--reproduce` the entry is self-reported: the leaderboard shows it apart and never ranks
it. `--reproduce` re-runs the evaluation from (a copy of) the checkpoint; the re-run's numbers are
what is filed and published (the submitted file is kept as submitted.json), and the submitted
numbers must agree: bit-identical when this machine and package versions are the ones the file
records, every metric within skillbench.results.submission.TOLERANCE otherwise. A result measured on an
older SkillBench is re-measured without that agreement. Accepted results are filed under
leaderboard/submissions/<robot>-<task>-<method>-<hash>/, never over an existing one, once per
evaluation; `--dry-run` checks (and reproduces, if asked) without filing. Exit status: 0 accepted,
1 refused.
"""

import argparse
import pathlib
import sys


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("result", type=pathlib.Path, help="a result file written by scripts/evaluate.py for a task")
  parser.add_argument("--checkpoint", type=pathlib.Path, help="the checkpoint, if not beside the result file")
  parser.add_argument("--video", type=pathlib.Path, help="the video, if not beside the result file")
  parser.add_argument("--reproduce", action="store_true",
                      help="re-run the evaluation, compare, and publish the re-run's numbers (a verified entry)")
  parser.add_argument("--dry-run", action="store_true", help="check (and reproduce) without filing")
  parser.add_argument("--root", type=pathlib.Path, default=None, help="submissions folder "
                      "(default: leaderboard/submissions)")
  args = parser.parse_args(argv)

  from skillbench import runtime
  from skillbench.results import submission

  runtime.configure_jax()
  try:
    outcome = submission.submit(args.result, args.root or submission.ROOT, args.checkpoint, args.video,
                                args.reproduce, args.dry_run)
  except submission.SkillBenchError as e:
    print(f"REFUSED {args.result}: {e}", file=sys.stderr)
    return 1
  for note in outcome.notes:
    print(note)
  doc, results = outcome.doc, submission.results
  kind = "verified (re-measured by the leaderboard)" if outcome.verified else "self-reported (not re-measured)"
  print(f"{outcome.submission_id}: Error {doc['metrics']['aggregate']['error']['mean']:.4f}, success "
        f"{'yes' if results.success(doc) else 'no'} (mean Error below {doc['evaluation']['threshold']:g}), success "
        f"rate {results.success_rate(doc)['mean']:.2f}; {kind}, SkillBench {doc['benchmark_version']}")
  if outcome.folder is None:
    print(f"ACCEPTED (dry run: nothing filed; it would go to {(args.root or submission.ROOT) / outcome.submission_id})")
  else:
    print(f"ACCEPTED: filed as {outcome.folder}. Rebuild the site with: python scripts/leaderboard.py")
  return 0


if __name__ == "__main__":
  sys.exit(main())
