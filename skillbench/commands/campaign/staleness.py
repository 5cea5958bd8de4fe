"""Whether a cell's run still makes its result: a run trained before a change to its task, or blending a
library skill replaced since, is set aside and the cell trains again."""

from __future__ import annotations

import datetime
import json
import pathlib

from skillbench.commands.campaign.cells import Paths, run_state
from skillbench.commands.campaign.config import train_node
from skillbench.commands.campaign.state import CellError, run_in_use
from skillbench.policy import library
from skillbench.results import changes
from skillbench.training import run_dir as runs


def trained_version(run: pathlib.Path) -> str | None:
  """The SkillBench version that trained `run` (its run.json), None when unknown."""
  try:
    return json.loads((run / "run.json").read_text())["versions"]["skillbench"]
  except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError):
    return None


def stale_version(cfg, paths: Paths) -> str | None:
  """The version that trained the cell's run, finished or stopped part way (a resume would go on
  training for the old task), when a recorded change since then touches its robot's task
  (`changes.holds`), else None."""
  version = trained_version(paths.run)
  if run_state(paths.run) not in ("finished", "resumable") or version is None or changes.holds(version, cfg.embodiment, cfg.task, policy=True):
    return None
  return version


def own_skill_sources(cfg) -> set[str]:
  """The skills the cell's train settings load from a file of their own (`train.skill_sources.<skill>`),
  not from the library."""
  sources = train_node(cfg).get("skill_sources") or {}
  return {name for name, source in sources.items() if source not in (None, library.PRETRAINED)}


def replaced_skills(cfg, paths: Paths) -> dict[str, tuple[str, str | None]]:
  """The library skills the cell's run (finished, or stopped part way: its latest checkpoint) blends whose
  library entry has been replaced since: {skill: (sha256 it blends, the entry's now)}. Skills the cell loads
  from its own files (`own_skill_sources`), and checkpoints that record no skills, are not compared."""
  state = run_state(paths.run)
  if state == "finished":
    policy = paths.run / library.FINAL_POLICY
  elif state == "resumable":
    policy = runs.checkpoints(paths.run)[-1][1]
  else:
    return {}
  own = own_skill_sources(cfg)
  try:
    blended = {k: v for k, v in library.blended_skills(policy).items() if v and k not in own}
  except ValueError:  # not a checkpoint (CheckpointError): its evaluation will say so
    return {}
  return {k: (blended[k], now) for k, now in library.replaced_skills(cfg.embodiment, blended).items()}


def why_stale_run(cfg, paths: Paths) -> tuple[str, str] | None:
  """Why the cell's run (finished, or one a resume would go on with) no longer makes its result and must
  train again: (the suffix its set-aside folder gets, the reason in words), or None when it holds. A
  recorded change to its task since the version that trained it (`stale_version`), or a library skill
  it blends replaced since (`replaced_skills`)."""
  version = stale_version(cfg, paths)
  if version is not None:
    return version, f"trained on {version}; {changes.why_stale(version, cfg.embodiment, cfg.task, policy=True)}"
  replaced = replaced_skills(cfg, paths)
  if replaced:
    old = "; ".join(f"the library's {name} {then[:12]}, replaced since by "
                    f"{now[:12] if now else 'no entry'}" for name, (then, now) in replaced.items())
    return "-".join(f"{name}-{then[:12]}" for name, (then, _) in replaced.items()), f"it blends {old}"
  return None


def set_aside_stale(cfg, paths: Paths) -> str:
  """Moves a run (finished, or one a resume would go on with) aside when it no longer makes the cell's
  result (`why_stale_run`: a change to its task since the version that trained it, or a library skill it
  blends replaced since), so the cell trains again from scratch. Returns what was done ('' for nothing);
  the old run, results and video stay whole in <run>.stale-<version or skills>."""
  stale = why_stale_run(cfg, paths)
  if stale is None:
    return ""
  suffix, reason = stale
  if run_in_use(paths.run):
    raise CellError(f"run {paths.run} is being used by another process (its .lock is held)")
  aside = paths.run.with_name(f"{paths.run.name}.stale-{suffix}")
  if aside.exists():
    aside = aside.with_name(f"{aside.name}-{datetime.datetime.now():%Y%m%d-%H%M%S}")
  paths.run.rename(aside)
  return f"moved {paths.run} to {aside}: {reason}; training again"


def clear_unstarted(run: pathlib.Path) -> str:
  """Makes room for a new run where one stopped before its first checkpoint: removed when it holds no
  training (`run_dir.discard_unstarted`), else moved aside. Returns what was done ('' for nothing)."""
  if run_state(run) != "unstarted":
    return ""
  if run_in_use(run):
    raise CellError(f"run {run} is being trained by another process (its .lock is held)")
  if runs.discard_unstarted(run):
    return f"removed {run}: it stopped before training began"
  aside = run.with_name(f"{run.name}.stopped-{datetime.datetime.now():%Y%m%d-%H%M%S}")
  run.rename(aside)
  return f"moved {run} to {aside}: it stopped before its first checkpoint, so it cannot resume"
