"""Copies a campaign's record into the repository: its summary and, per finished cell, the curves
(the plot and, gzipped, the per-iteration metrics that `tools/curve_facts.py` reads), configuration,
run record and final evaluation, so that the committed results show how each leaderboard entry was
trained.

    python tools/collect_campaign.py /work/runs/campaigns/g1            # -> results/campaigns/g1/
    python tools/collect_campaign.py /work/runs/campaigns/g1 --into DIR

The campaign's checkpoints, videos and result files are not copied: `submit.py` files those on the
leaderboard. A cell that has not finished is left out; run it again when it has.
"""

from __future__ import annotations

import argparse
import gzip
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from skillbench.commands.campaign import summary as campaigns

CELL_FILES = ("curves.png", "config.yaml", "run.json", "eval.json")
COMPRESSED = ("metrics.jsonl",)  # copied as <name>.gz (a 58-minute cell's is 1.7 MB, 0.45 MB gzipped)


def collect(campaign: pathlib.Path, into: pathlib.Path) -> list[pathlib.Path]:
  """Copies the summary and every finished cell's CELL_FILES into `into`; returns the files that changed."""
  if not (campaign / "cells").is_dir():
    raise SystemExit(f"{campaign} is not a campaign folder (it has no cells/): give the folder "
                     "campaign.py wrote, <campaign_root>/<name>")
  campaigns.write_summary(campaign)
  copies = [(campaign / "summary.md", into / "summary.md")]
  for state in campaigns.cell_states(campaign):
    if state.get("status") != "done" or not state.get("run"):
      continue
    run = pathlib.Path(state["run"])
    copies += [(run / name, into / run.name / name) for name in CELL_FILES if (run / name).is_file()]
    copies += [(run / name, into / run.name / f"{name}.gz") for name in COMPRESSED if (run / name).is_file()]
  changed = []
  for source, target in copies:
    data = source.read_bytes()
    if target.suffix == ".gz":
      data = gzip.compress(data, mtime=0)  # no timestamp: the same metrics give the same bytes
    if target.is_file() and target.read_bytes() == data:
      continue
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    changed.append(target)
  return changed


def main(argv=None) -> None:
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("campaign", type=pathlib.Path, help="the campaign folder, <campaign_root>/<name>")
  parser.add_argument("--into", type=pathlib.Path, default=None,
                      help="where to copy (default: results/campaigns/<name> in this repository)")
  args = parser.parse_args(argv)
  into = args.into or ROOT / "results" / "campaigns" / args.campaign.name
  changed = collect(args.campaign, into)
  for path in changed:
    print(f"updated {path}")
  print(f"{len(changed)} files changed under {into}")


if __name__ == "__main__":
  main()
