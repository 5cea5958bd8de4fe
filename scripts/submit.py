"""Check a SkillBench result file and file it on the leaderboard.

  python scripts/submit.py runs/h1-button_press-blender-20261128-101500/result.json
  python scripts/submit.py evals/h1-button_press-zero.json --dry-run
  python scripts/submit.py result.json --reproduce            # re-run the evaluation and compare
  python scripts/submit.py result.json --checkpoint checkpoints/h1/x/policy.safetensors

Checks the result against its schema and seal, that its numbers follow from each other, that it
follows the benchmark protocol, and that the checkpoint (and video) it names match their sha256;
`--reproduce` re-runs the evaluation from the checkpoint (bit-identical on the same machine kind and
package versions, aggregate means within skillbench.submission.TOLERANCE otherwise). Accepted
results are filed under leaderboard/submissions/<robot>-<task>-<method>-<hash>/, never over an
existing one; `--dry-run` checks (and reproduces, if asked) without filing. Exit status: 0
accepted, 1 refused.
"""

import argparse
import pathlib
import sys


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("result", type=pathlib.Path, help="a result file written by scripts/evaluate.py for a task")
  parser.add_argument("--checkpoint", type=pathlib.Path, help="the checkpoint, if not beside the result file")
  parser.add_argument("--video", type=pathlib.Path, help="the video, if not beside the result file")
  parser.add_argument("--reproduce", action="store_true", help="re-run the evaluation and compare its numbers")
  parser.add_argument("--dry-run", action="store_true", help="check (and reproduce) without filing")
  parser.add_argument("--root", type=pathlib.Path, default=None, help="submissions folder "
                      "(default: leaderboard/submissions)")
  args = parser.parse_args(argv)

  from skillbench import runtime, submission

  runtime.configure_jax()
  try:
    outcome = submission.submit(args.result, args.root or submission.ROOT, args.checkpoint, args.video,
                                args.reproduce, args.dry_run)
  except submission.SkillBenchError as e:
    print(f"REFUSED {args.result}: {e}", file=sys.stderr)
    return 1
  for note in outcome.notes:
    print(note)
  a = outcome.doc["metrics"]["aggregate"]
  print(f"{outcome.submission_id}: Error {a['error']['mean']:.4f}, success {a['success']['mean']:.2f}")
  if outcome.folder is None:
    print(f"ACCEPTED (dry run: nothing filed; it would go to {(args.root or submission.ROOT) / outcome.submission_id})")
  else:
    print(f"ACCEPTED: filed as {outcome.folder}. Rebuild the site with: python scripts/leaderboard.py")
  return 0


if __name__ == "__main__":
  sys.exit(main())
