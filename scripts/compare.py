"""Compare methods from their result files: a Markdown table per robot beside the paper's numbers.

  python scripts/compare.py evals/h1-button_press-*.json runs/h1-button_press-blender-*/result.json
  python scripts/compare.py evals/*.json --out docs/comparison.md

Each file is checked as scripts/submit.py checks it (schema, seal, consistency; not the files it
names), then tabulated as the leaderboard does: Error (mean +- std), success (the spec's: mean Error
below the threshold), success rate, fall rate, Tilt, h, tau, P and the SkillBench version per task and
method, with the paper's published numbers for those tasks as reference rows. For results that are not
(yet) on the leaderboard, e.g. runs shorter than the protocol, or ablations: nothing here re-measures
them, so nothing is ranked.
"""

import argparse
import pathlib
import sys


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("results", nargs="+", type=pathlib.Path, help="result files from scripts/evaluate.py")
  parser.add_argument("--out", type=pathlib.Path, help="write the Markdown here (default: print it)")
  args = parser.parse_args(argv)

  from skillbench.publish import leaderboard
  from skillbench.results import result_file as results

  rows = []
  for path in args.results:
    try:
      doc = results.read(path)
    except results.ResultFileError as e:
      print(f"error: {e}", file=sys.stderr)
      return 1
    rows.append(leaderboard.Submission(id=path.stem, folder=path.parent, result=doc))
  table = leaderboard.markdown_table(rows, only_submitted=True, ranked=False)
  if args.out is None:
    print(table, end="")
  else:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table)
    print(f"wrote {args.out}")
  return 0


if __name__ == "__main__":
  sys.exit(main())
