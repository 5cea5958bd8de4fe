"""Running a cell: its stages in turn, each a script in its own process, recorded in the cell's state;
and the hydra callback that reports the campaign when its sweep ends."""

from __future__ import annotations

import datetime
import os
import pathlib
import shlex
import subprocess
import sys
import time

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from skillbench.commands.campaign.cells import (
  ROOT,
  Paths,
  Stage,
  campaign_dir,
  cell_name,
  cell_record,
  is_done,
  minutes_needed,
  plan,
  result_files,
  run_state,
  train_stage,
  why_results_stale,
)
from skillbench.commands.campaign.config import cell_settings, check, finish_by, training_limit_min
from skillbench.commands.campaign.entries import filed_entries
from skillbench.commands.campaign.filing import (
  already_filed,
  filed_before,
  filed_candidates,
  filed_line,
  why_not_filed,
)
from skillbench.commands.campaign.staleness import clear_unstarted, set_aside_stale, why_stale_run
from skillbench.commands.campaign.state import (
  CellError,
  code_drift,
  lock_held,
  locked,
  now,
  read_state,
  run_in_use,
  write_json,
)
from skillbench.commands.campaign.summary import cell_label, cell_states, write_summary
from skillbench.errors import ConfigValueError

STOPPED_BY_SIGINT = (130, -2)  # a script's exit status after Ctrl-C (the shell's 128 + 2; killed by SIGINT)
LOG_TAIL = 20  # lines of a failed stage's log kept in the cell's state
FAILED: list[str] = []  # the campaign's failed cells when its sweep ended (SummaryCallback): the exit status
REFUSED: list[str] = []  # cells this process refused to run (settings other than their training's): the exit status
DEFERRED: list[str] = []  # cells this process did not start because they would end after finish_by
NOT_RUN: list[str] = []  # cells with stages to run that filed_only=true left alone


def run_cell(cfg) -> dict:
  """Runs what is not yet done of one cell; returns its state. Failures are recorded, not raised; a
  setting that no cell can run with is a one-line error (exit status 2) before anything is written."""
  try:
    check(cfg)
  except ConfigValueError as e:
    print(f"error: {e}", file=sys.stderr)
    sys.exit(2)
  paths = Paths(campaign_dir(cfg), cell_name(cfg))
  if cfg.summary_only:  # SummaryCallback writes it when the run ends
    return {}
  drift = code_drift()
  if drift:
    print(f"warning: {drift}", file=sys.stderr, flush=True)
  if cfg.plan_only:
    line = describe(cfg, paths)
    print(f"{paths.cell}: {line}", flush=True)
    return {"status": "planned", "plan": line}
  with locked(paths.lock) as mine:
    if not mine:
      print(f"{paths.cell}: busy (another process runs it; its pid is in {paths.lock}), skipped", flush=True)
      return {"status": "busy"}
    state = _run_locked(cfg, paths)
  if state.get("ran"):
    write_summary(paths.campaign)
  return state


def describe(cfg, paths: Paths) -> str:
  """What running the cell now would do, in one line, without changing anything: done, refused (other
  train settings), or its stages to run (training as new, resumed, or again when its run no longer holds:
  `why_stale_run`) and about how long they take (`minutes_needed`; with the time limit it has)."""
  if lock_held(paths.lock) or run_in_use(paths.run):
    return f"busy: another process runs it now (its pid is in {paths.lock})"
  return _describe_unlocked(cfg, paths)


def _describe_unlocked(cfg, paths: Paths) -> str:
  """`describe` by the process that holds the cell's lock."""
  submissions = filed_candidates(cfg, paths) or []
  filed = filed_entries(cfg, submissions)
  if filed:
    return filed_line(filed)
  reasons = why_not_filed(cfg, submissions)
  unfiled = f" (the leaderboard's entries do not count: {'; '.join(reasons)})" if reasons else ""
  state = read_state(paths.state)
  stale_run = why_stale_run(cfg, paths)
  stale = stale_run is not None
  conflict = None if stale else settings_conflict(cfg, paths, state)
  if conflict:
    return f"refused: trained with [{' '.join(conflict[0])}], asked for [{' '.join(conflict[1])}] (give a variant=<name>)"
  try:
    stages = plan(cfg, paths)
  except ConfigValueError as e:  # an hb cell before its FarReach low level exists
    return f"cannot start yet: {e}"
  records = {} if stale else state.get("stages", {})
  todo = [s for s in stages if not (is_done(s, records.get(s.name)) and not (stale and s.name == "train"))]
  if not todo:
    return "done"
  names = [s.name + (" (resumed)" if s.args[1].startswith("resume=") else "") for s in todo]
  evaluate = next((s for s in todo if s.name == "evaluate"), None)
  remeasure = why_results_stale(evaluate.outputs) if evaluate and not stale and all(p.is_file() for p in evaluate.outputs) else ""
  if remeasure:
    names[todo.index(evaluate)] = f"evaluate again ({remeasure})"
  if stale:
    names[0] = f"train again ({stale_run[1]})"
  limit = training_limit_min(cfg)
  if any(s.name == "train" for s in todo) and not limit:
    return f"would run {', '.join(names)}; the training has no time limit (preset={cfg.preset}){unfiled}"
  return f"would run {', '.join(names)}: about {minutes_needed(cfg, todo):.0f} min{unfiled}"


def settings_conflict(cfg, paths: Paths, state: dict) -> tuple[list[str], list[str]] | None:
  """(trained, asked) when the cell's run was trained with other `preset=`/`train.` settings than asked
  now; None when they agree or nothing is trained."""
  asked, trained = cell_settings(cfg), state.get("train_settings")
  if trained is not None and trained != asked and run_state(paths.run) != "none":
    return trained, asked
  return None


def _run_locked(cfg, paths: Paths) -> dict:
  filed = already_filed(cfg, paths)
  if filed:  # recorded as done, its results the leaderboard's, so that the summary counts it
    print(f"{paths.cell}: {filed_line(filed)}", flush=True)
    state = {"cell": cell_record(cfg), "run": "", "results": [str(e.folder / "result.json") for e in filed],
             "filed": [e.id for e in filed], "stages": {}}
    return {**_save(paths, state, status="done", error=None), "ran": True}
  if cfg.filed_only:  # changes nothing of a cell the leaderboard does not hold
    line = _describe_unlocked(cfg, paths)
    if line != "done":
      print(f"{paths.cell}: not run (filed_only=true): {line}", flush=True)
      NOT_RUN.append(paths.cell)
    return {**read_state(paths.state), "status": "done" if line == "done" else "not run"}
  state = read_state(paths.state)
  state.pop("filed", None)
  state.update(cell=cell_record(cfg), run=str(paths.run), results=[str(p) for p in result_files(cfg, paths)])
  try:
    moved = set_aside_stale(cfg, paths)
  except CellError as e:
    print(f"{paths.cell}: FAILED: {e}", file=sys.stderr, flush=True)
    return _save(paths, state, status="failed", error=str(e))
  if moved:
    print(f"{paths.cell}: {moved}", flush=True)
    _append_log(paths.log("train"), moved)
    state.pop("train_settings", None)
    state["stages"] = {}
  stages = plan(cfg, paths)
  records = state.setdefault("stages", {})
  conflict = settings_conflict(cfg, paths, state)
  if conflict:
    print(f"{paths.cell}: REFUSED: it was trained with train settings [{' '.join(conflict[0])}], and this command asks "
          f"for [{' '.join(conflict[1])}]. Give the new settings a variant=<name> (a cell of its own), or go back to the "
          f"old ones; to train this cell again, move its run {paths.run} away first.", file=sys.stderr, flush=True)
    REFUSED.append(paths.cell)
    return {**state, "status": "refused"}
  if is_done(stages[0], None) and records.get("train", {}).get("status") != "done":  # trained, state lost
    records["train"] = {"status": "done", "outputs": [str(p) for p in stages[0].outputs]}
  todo = [s for s in stages if not is_done(s, records.get(s.name))]
  if not todo:
    print(f"{paths.cell}: done, skipped", flush=True)
    if state.get("status") != "done":
      _save(paths, state, status="done", error=None)
    return state
  if cfg.finish_by is not None:
    deadline, start = finish_by(str(cfg.finish_by)), datetime.datetime.now().astimezone()
    needed, left = minutes_needed(cfg, todo), (deadline - start).total_seconds() / 60
    if needed > left:
      print(f"{paths.cell}: deferred: its remaining stages ({', '.join(s.name for s in todo)}) need about "
            f"{needed:.0f} min, and finish_by={deadline:%Y-%m-%d %H:%M %Z} is {max(left, 0):.0f} min away; "
            "run the same command later to go on", flush=True)
      DEFERRED.append(paths.cell)
      return {**state, "status": "deferred"}
  state["ran"] = True
  try:
    for stage in stages[stages.index(todo[0]):]:
      if stage.name == "train":
        stage = _prepare_train(cfg, paths, stage)
        state["train_settings"] = cell_settings(cfg)
      _drop_after(records, stages, stage.name)
      _run_stage(stage, paths, state)
  except CellError as e:
    print(f"{paths.cell}: FAILED: {e}", file=sys.stderr, flush=True)
    return _save(paths, state, status="failed", error=str(e))
  return _save(paths, state, status="done", error=None)


def _prepare_train(cfg, paths: Paths, stage: Stage) -> Stage:
  """The training stage to run now: the run folder cleared when it stopped before it could resume."""
  cleared = clear_unstarted(paths.run)
  if cleared:
    _append_log(paths.log("train"), cleared)
    stage = train_stage(cfg, paths)
  if stage.note:
    _append_log(paths.log("train"), stage.note)
  return stage


def _drop_after(records: dict, stages: list[Stage], name: str) -> None:
  """Running stage `name` makes the records of the stages after it stale."""
  names = [s.name for s in stages]
  for later in names[names.index(name) + 1:]:
    records.pop(later, None)


def _run_stage(stage: Stage, paths: Paths, state: dict) -> None:
  """Runs one stage as its own process; records it in the cell's state (written before and after). A
  submission the leaderboard holds already (`filed_before`) is recorded as done without running."""
  folder = filed_before(stage)
  if folder is not None:
    state["stages"][stage.name] = {"status": "done", "args": stage.args, "outputs": [], "finished": now(),
                                   "submission": f"already filed as {folder} (the same evaluation, verified)"}
    print(f"{paths.cell}: {stage.name}: already filed as {folder.name}", flush=True)
    _save(paths, state, status="running")
    return
  resumed = stage.args[1].startswith("resume=")
  record = {"status": "running", "args": stage.args, "started": now(), "log": str(paths.log(stage.name)),
            "outputs": [str(p) for p in stage.outputs], "pid": os.getpid(), "host": os.uname().nodename}
  if stage.name == "train":
    record["attempts"] = state["stages"].get("train", {}).get("attempts", 0) + 1
  state["stages"][stage.name] = record
  _save(paths, state, status="running")
  print(f"{paths.cell}: {stage.name}{' (resumed)' if resumed else ''} ... log {paths.log(stage.name)}", flush=True)
  start = time.time()
  try:
    code = run_script(stage.args, paths.log(stage.name))
  except KeyboardInterrupt:
    record.update(status="interrupted", seconds=round(time.time() - start, 1))
    _save(paths, state, status="interrupted")
    raise
  record.update(returncode=code, finished=now(), seconds=round(time.time() - start, 1))
  if code in STOPPED_BY_SIGINT:  # the stage's own Ctrl-C (it saved what it had): stop as the campaign's would
    record["status"] = "interrupted"
    _save(paths, state, status="interrupted")
    raise KeyboardInterrupt
  missing = [str(p) for p in stage.outputs if not p.is_file()]
  if code != 0 or missing:
    tail = log_tail(paths.log(stage.name))
    record.update(status="failed", log_tail=tail)
    why = f"exit status {code}" if code != 0 else f"it wrote no {', '.join(missing)}"
    raise CellError(f"{stage.name} failed ({why}); see {paths.log(stage.name)}:\n" + "\n".join(tail[-5:]))
  record["status"] = "done"
  if stage.name.startswith("submit"):
    record["submission"] = submission_line(paths.log(stage.name))
  _save(paths, state, status="running")


def run_script(args: list[str], log: pathlib.Path) -> int:
  """Runs a repository script with this Python, its output appended to `log`; its exit status. On
  Ctrl-C (which the script gets too: training then saves a checkpoint) waits for it to end, then raises."""
  log.parent.mkdir(parents=True, exist_ok=True)
  with log.open("a") as out:
    out.write(f"\n[{now()}] $ {shlex.join(['python', *args])}\n")
    out.flush()
    process = subprocess.Popen([sys.executable, str(ROOT / args[0]), *args[1:]], stdout=out, stderr=subprocess.STDOUT)
    try:
      return process.wait()
    except KeyboardInterrupt:
      process.wait()
      raise


def _append_log(log: pathlib.Path, line: str) -> None:
  log.parent.mkdir(parents=True, exist_ok=True)
  with log.open("a") as out:
    out.write(f"[{now()}] campaign: {line}\n")


def log_tail(log: pathlib.Path, lines: int = LOG_TAIL) -> list[str]:
  try:
    return log.read_text(errors="replace").splitlines()[-lines:]
  except FileNotFoundError:
    return []


def submission_line(log: pathlib.Path) -> str:
  """submit.py's verdict: its last ACCEPTED line."""
  accepted = [line for line in log_tail(log, 200) if line.startswith("ACCEPTED")]
  return accepted[-1] if accepted else ""


def _save(paths: Paths, state: dict, **fields) -> dict:
  state.update(fields, updated=now())
  write_json(paths.state, {k: v for k, v in state.items() if k != "ran"})
  return state


class SummaryCallback(Callback):
  """Hydra callback: when a run or sweep ends, rewrites the campaign's summary and prints it, with
  the cells that failed (their state names the stage and log)."""
  def on_run_end(self, config: DictConfig, **kwargs) -> None:
    self._report(config)

  def on_multirun_end(self, config: DictConfig, **kwargs) -> None:
    self._report(config)

  def _report(self, config: DictConfig) -> None:
    if config.plan_only:  # it changes nothing, the summary included
      return
    campaign = campaign_dir(config)
    path = write_summary(campaign)
    if path is None:
      return
    print(path.read_text(), end="")
    failed = [cell_label(s) for s in cell_states(campaign) if s.get("status") == "failed"]
    FAILED[:] = failed
    if failed:
      print(f"failed cells ({len(failed)}): {'; '.join(failed)}. Fix and re-run the same command: done cells are "
            f"skipped, stopped training resumes.", file=sys.stderr)
    if DEFERRED:
      print(f"deferred cells ({len(DEFERRED)}), not started before finish_by: {'; '.join(DEFERRED)}. Run the same "
            "command again later to go on.")
    if NOT_RUN:
      print(f"cells not run ({len(NOT_RUN)}, filed_only=true): {'; '.join(NOT_RUN)}. Run the same command without "
            "filed_only to train them.")
    print(f"wrote {path} and {path.with_suffix('.json')}")
