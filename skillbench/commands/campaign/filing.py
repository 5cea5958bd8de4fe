"""What the leaderboard already holds for a cell: whether its entries (`entries.filed_entries`) make it
done without running, the reasons other entries do not, and submission stages whose evaluation is
filed already."""

from __future__ import annotations

import pathlib

import skillbench
from skillbench.commands.campaign.cells import Paths, Stage, run_state, submit_root
from skillbench.commands.campaign.entries import cell_method, filed_entries
from skillbench.commands.campaign.staleness import why_stale_run
from skillbench.publish import leaderboard, reference_table
from skillbench.results import changes, submission
from skillbench.results import result_file as results


def why_not_filed(cfg, submissions, seed_of=None) -> list[str]:
  """Why the leaderboard's entries of the cell's robot, task, method label and training seed on its backends
  do not make it done (`filed_entries` is []), one `<ids>: <reason>` per reason some do not count, or a
  backend with none; [] when no such entry exists (a cell never filed needs no reason) or they do count."""
  seed_of = seed_of or reference_table.training_seed
  label = cell_method(cfg)
  mine = [s for s in sorted(submissions, key=reference_table.filed_at)
          if (s.robot, s.task, s.method) == (cfg.embodiment, cfg.task, label)
          and s.result.get("backend") in cfg.backends and seed_of(s) == cfg.seed]
  reasons, counted = {}, set()
  for sub in mine:
    if not sub.verified:
      why = "not verified (self-reported)"
    elif sub.stale:
      why = f"stale: {sub.why_stale}"
    elif not reference_table.blends_the_library(sub):
      replaced = reference_table.replaced_skills(sub)
      why = (f"blends the library's {', '.join(replaced)}, replaced since" if replaced
             else "blends skills its checkpoint does not record")
    elif not reference_table.trained_on_this_definition(sub):
      version = reference_table.trained_version(sub)
      why = f"trained on {version}; {changes.why_stale(version, sub.robot, sub.task, policy=True)}"
    else:
      counted.add(sub.result["backend"])
      continue
    reasons.setdefault(why, []).append(sub.id)
  if not mine or counted == set(cfg.backends):  # none of this cell's, or `filed_entries` makes it done
    return []
  return [f"{', '.join(ids)}: {why}" for why, ids in reasons.items()] + [
      f"no entry on {b}" for b in cfg.backends if b not in counted and not any(s.result.get("backend") == b for s in mine)]


def filed_candidates(cfg, paths: Paths) -> list | None:
  """The submissions of the leaderboard the cell submits to, when they may make it done: it files verified
  entries (submit=reproduce), has `skip_filed` on and has no run of its own that holds (a run, finished or
  not, goes on as the cell's own unless `why_stale_run` sets it aside); else None."""
  root = submit_root(cfg)
  if not cfg.skip_filed or cfg.submit != "reproduce" or not root.is_dir():
    return None
  if run_state(paths.run) != "none" and why_stale_run(cfg, paths) is None:
    return None
  return leaderboard.load_submissions(root)


def already_filed(cfg, paths: Paths) -> list:
  """`filed_entries` of the leaderboard the cell submits to (`filed_candidates`); else []."""
  submissions = filed_candidates(cfg, paths)
  return filed_entries(cfg, submissions) if submissions else []


def filed_line(entries: list) -> str:
  return (f"done: filed on the leaderboard as {', '.join(e.id for e in entries)} (verified, current version); "
          "skip_filed=false trains it again")


def filed_before(stage: Stage) -> pathlib.Path | None:
  """For a verified submission stage (`--reproduce`, not `--dry-run`), the leaderboard entry that files its
  result's evaluation already, verified and on this version (`submission.filed_as`: submit.py would refuse
  the duplicate), e.g. after the cell evaluated again what was re-measured on the leaderboard; else None."""
  args = stage.args
  if not stage.name.startswith("submit") or "--reproduce" not in args or "--dry-run" in args or "--root" not in args:
    return None
  try:
    doc = results.read(args[1])
  except (OSError, results.ResultFileError):
    return None  # submit.py names what is wrong with it
  filed = submission.filed_as(doc, pathlib.Path(args[args.index("--root") + 1]), True, skillbench.__version__)
  return filed[0] if filed else None
