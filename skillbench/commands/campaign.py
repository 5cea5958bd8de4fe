"""Campaigns: a grid of robots x tasks x methods x seeds, each cell trained, rendered, evaluated and
submitted, by one command that a re-run resumes (scripts/campaign.py).

The grid is a hydra sweep over this module's `campaign` config (`-m embodiment=h1,g1 seed=0,1,2`),
so hydra's launcher plugins run it: the basic launcher (one cell after another, in this process),
hydra-submitit-launcher's `submitit_local` (one process per cell) or `submitit_slurm` (one SLURM job
per cell; `cluster=slurm_gpu` and `cluster=slurm_cpu` set it up). A cell runs the scripts in turn,
each as its own process, logged to <campaign>/logs/<cell>/<stage>.log:

  train     scripts/train_blender.py embodiment= task= method= seed= preset= run_dir=<campaign>/runs/<cell>
            plus the `train.<key>=<value>` overrides; `resume=<run>` when the run stopped part way
            (checkpoints but no final policy), with only the overrides a resume accepts; a `method=hb`
            cell drives this campaign's `task=far_reach method=ppo` policy of the same robot and seed
            (unless train.low_level= names one), and waits for it
  render    scripts/render.py run=<run> out=<run>/video.mp4 (video=false skips it)
  evaluate  scripts/evaluate.py run=<run> video=<mp4> backends= num_rollouts= seconds= (variant=<v> for a
            variant cell: its results' method reads <method>-<v>): <run>/result.json, or
            result-<backend>.json per backend when several
  submit    scripts/submit.py <result> --reproduce (submit=dry_run adds --dry-run; submit=none skips it)

A cell's state is <campaign>/cells/<cell>.json: per stage its command, status, times, log and
outputs. A stage is done when its record holds the command it would run now, it succeeded and its
outputs exist (training: when the run's final policy exists); running a stage drops the records
of the stages after it. So a re-run skips what is done, resumes training that stopped, and redoes
a stage whose settings changed (e.g. num_rollouts) and the stages after it. A finished run whose
robot's task a later SkillBench version changed (`skillbench.results.changes`) is moved aside to
<run>.stale-<version> and the cell trains again. A cell with no run of its own that the leaderboard it
submits to already holds (`filed_entries`: verified, current entries of its method label and training
seed on each of its backends) is done (`skip_filed=false`: train it again); `plan_only` says why entries it has there do not count. A cell is locked while
a process runs it (<campaign>/cells/<cell>.lock): a second one skips it. A failed stage is recorded
(with its log's last lines) and ends the cell; the other cells go on, and the command exits 1. A stage
stopped by Ctrl-C (its own or the campaign's) is recorded as interrupted and stops the campaign; the
same command resumes it.
`finish_by=<HH:MM or ISO date-time>` starts no cell that would end after it (its training's time
limit plus `cell_overhead_min` for the stages after it): such a cell is deferred, untouched, for a
later run of the same command; a shared machine or a job with a wall-clock limit plans with it.
After each cell and at the end of the sweep, <campaign>/summary.md and summary.json are rewritten
from every cell's state and result files: the cells, and the seeds aggregated (skillbench.results.seeds).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import fcntl
import json
import os
import pathlib
import re
import shlex
import subprocess
import sys
import time
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from skillbench.commands import resume
from skillbench.policy import library
from skillbench.results.result_file import PROTOCOL_ROLLOUTS, VARIANT

ROOT = pathlib.Path(__file__).resolve().parents[2]
SUBMIT = ("reproduce", "dry_run", "none")
HB, HB_LOW_LEVEL_TASK = "hb", "far_reach"  # the HumanoidBench-style baseline drives a FarReach policy
SEEDS_NOTE = ("Per robot, task, method and backend over its finished seeds: the mean over seeds of each seed's "
              "mean over rollouts, a 95 % t-interval across seeds (none for one seed), and the 95 % bootstrap "
              "interval over all rollouts pooled (skillbench/results/seeds.py).")
FILED_AS = re.compile(r"filed as (\S+?)\.?(?:\s|$)")  # submit.py's "ACCEPTED: filed as <folder>. Rebuild ..."
STOPPED_BY_SIGINT = (130, -2)  # a script's exit status after Ctrl-C (the shell's 128 + 2; killed by SIGINT)
LOG_TAIL = 20  # lines of a failed stage's log kept in the cell's state
FAILED: list[str] = []  # the campaign's failed cells when its sweep ended (SummaryCallback): the exit status
REFUSED: list[str] = []  # cells this process refused to run (settings other than their training's): the exit status
DEFERRED: list[str] = []  # cells this process did not start because they would end after finish_by


# ------------------------------------------------------------------ config
def _hydra_settings():
  """Hydra writes nothing of its own in run mode; a sweep's record and submitit's logs go into the campaign."""
  callbacks = {"campaign_summary": {"_target_": f"{__name__}.SummaryCallback"}}
  sweeps = "${campaign_root}/${name}/hydra/${now:%Y%m%d-%H%M%S}"
  return {"run": {"dir": "."}, "sweep": {"dir": sweeps}, "output_subdir": None, "callbacks": callbacks}


@dataclasses.dataclass
class CampaignConfig:
  """scripts/campaign.py: one cell of a campaign (sweep embodiment, task, method and seed with -m).

  preset: train_blender.py's (smoke, cpu, gpu); train: further train_blender.py overrides, given as
  `train.<key>=<value>` (e.g. train.time_limit_min=30). backends, num_rollouts, seconds: the
  evaluation (the protocol: 20 rollouts of the training episode; anything else is not submittable).
  video: render one and seal it into the result. submit: reproduce (file a verified entry), dry_run
  (check and re-measure, file nothing) or none. summary_only: rewrite the summary, run nothing.
  plan_only: print what each cell would run and about how long it would take, change nothing.
  variant: a name for a cell trained with other `train.` settings than its method's (an ablation:
  `variant=no_walking train.skills=[reaching,squatting]`); it joins the cell's name, so the variant
  has its own run, state and entries. A cell refuses `train.` settings other than those it was
  trained with, rather than report the old training under the new settings. skip_filed: a cell with no
  run of its own whose results the leaderboard already holds (`filed_entries`) is done; false trains it
  again.
  """

  defaults: list[Any] = dataclasses.field(default_factory=lambda: [
    "_self_", {"cluster": None}, {"override hydra/job_logging": "none"}, {"override hydra/hydra_logging": "none"}])
  hydra: Any = dataclasses.field(default_factory=_hydra_settings)
  name: str = "default"
  campaign_root: str = "campaigns"
  embodiment: str = "h1"
  task: str = "button_press"
  method: str = "blender"
  seed: int = 0
  preset: str = "cpu"
  train: dict[str, Any] = dataclasses.field(default_factory=dict)
  backends: list[str] = dataclasses.field(default_factory=lambda: ["mujoco"])
  num_rollouts: int = 20
  seconds: float | None = None  # default: the task's episode (the protocol)
  video: bool = True
  video_seconds: float = 5.0
  video_width: int = 640
  video_height: int = 480
  submit: str = "reproduce"
  submit_root: str | None = None  # default: the repository's leaderboard/submissions
  summary_only: bool = False
  plan_only: bool = False
  variant: str = ""
  finish_by: str | None = None
  cell_overhead_min: float = 10.0
  skip_filed: bool = True


def _slurm(preset: str, **launcher) -> dict:
  """A `cluster` option: hydra-submitit-launcher's SLURM launcher with these settings, and a training preset.
  A cell that reaches its time limit is requeued (max_num_timeout) and resumes its training."""
  settings = {"timeout_min": 240, "max_num_timeout": 3, **launcher}
  return {"defaults": [{"override /hydra/launcher": "submitit_slurm"}], "preset": preset,
          "hydra": {"launcher": settings}}


CLUSTERS = {
  "slurm_gpu": _slurm("gpu", gpus_per_node=1, cpus_per_task=8, mem_gb=64),  # MJX, 8192 envs
  "slurm_cpu": _slurm("cpu", cpus_per_task=16, mem_gb=32, timeout_min=120),  # native, time-limited to 58 min
  "local": {"defaults": [{"override /hydra/launcher": "submitit_local"}],  # a process per cell, this machine
            "hydra": {"launcher": {"timeout_min": 24 * 60}}},
}


def register() -> None:
  store = ConfigStore.instance()
  store.store(name="campaign", node=CampaignConfig)
  for name, node in CLUSTERS.items():
    store.store(group="cluster", name=name, node=node, package="_global_")


def train_arguments(argv: list[str]) -> list[str]:
  """The command line with `train.<key>=<value>` made `++train.<key>=<value>` (hydra's add-or-override:
  the `train` node starts empty), so the pass-through reads like the override it passes."""
  return [f"++{arg}" if arg.startswith("train.") else arg for arg in argv]


# ------------------------------------------------------------------ cells
@dataclasses.dataclass(frozen=True)
class Paths:
  """Where a cell's files are."""

  campaign: pathlib.Path
  cell: str

  @property
  def state(self) -> pathlib.Path:
    return self.campaign / "cells" / f"{self.cell}.json"

  @property
  def lock(self) -> pathlib.Path:
    return self.campaign / "cells" / f"{self.cell}.lock"

  @property
  def run(self) -> pathlib.Path:
    return self.campaign / "runs" / self.cell

  @property
  def video(self) -> pathlib.Path:
    return self.run / "video.mp4"

  def log(self, stage: str) -> pathlib.Path:
    return self.campaign / "logs" / self.cell / f"{stage}.log"


@dataclasses.dataclass
class Stage:
  """One script run of a cell: its arguments (script path first, relative to the repository) and outputs."""

  name: str
  args: list[str]
  outputs: list[pathlib.Path]
  note: str = ""


def campaign_dir(cfg) -> pathlib.Path:
  return pathlib.Path(cfg.campaign_root).expanduser().resolve() / cfg.name


def cell_name(cfg) -> str:
  return cell_id(cfg.embodiment, cfg.task, cfg.method, cfg.seed, cfg.variant)


def cell_id(embodiment: str, task: str, method: str, seed: int, variant: str = "") -> str:
  return f"{embodiment}-{task}-{method}{'-' + variant if variant else ''}-seed{seed}"


def train_node(cfg) -> dict:
  """The cell's `train.` overrides as a plain dict."""
  return OmegaConf.to_container(cfg.train) if isinstance(cfg.train, DictConfig) else dict(cfg.train)


def train_settings(cfg) -> list[str]:
  """The cell's `train.` overrides as train_blender.py gets them (what makes two trainings differ)."""
  return flat_overrides(train_node(cfg))


def override_value(value) -> str:
  """A value as hydra's override grammar reads it back."""
  if value is None:
    return "null"
  if isinstance(value, bool):
    return "true" if value else "false"
  if isinstance(value, (list, tuple)):
    return "[" + ",".join(override_value(v) for v in value) + "]"
  if isinstance(value, dict):
    return "{" + ",".join(f"{k}:{override_value(v)}" for k, v in value.items()) + "}"
  text = str(value)
  if isinstance(value, str) and (not text or re.search(r"[\s,\[\]{}()'\"=:\\]", text)):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
  return text


def setting(key: str, value) -> str:
  """`key=value` for a hydra script's command line (a path with spaces or commas is quoted)."""
  return f"{key}={override_value(str(value) if isinstance(value, pathlib.Path) else value)}"


def flat_overrides(train: dict, prefix: str = "") -> list[str]:
  """`key=value` overrides from the nested `train` node; keys under a `reward_weights` dict get hydra's
  `+` (they add a key)."""
  out = []
  for key, value in train.items():
    path = f"{prefix}{key}"
    if isinstance(value, dict) and value and not path.endswith("reward_weights"):
      out += flat_overrides(value, path + ".")
    elif isinstance(value, dict):  # a reward_weights dict: one `+` override per term
      out += [f"+{path}.{k}={override_value(v)}" for k, v in value.items()]
    else:
      out.append(f"{path}={override_value(value)}")
  return out


def run_state(run: pathlib.Path) -> str:
  """'none' (no folder), 'finished' (its final policy), 'resumable' (checkpoints) or 'unstarted'."""
  from skillbench.training import run_dir as runs

  if not run.is_dir():
    return "none"
  if (run / library.FINAL_POLICY).is_file():
    return "finished"
  return "resumable" if runs.checkpoints(run) else "unstarted"


def train_stage(cfg, paths: Paths) -> Stage:
  """Training: a new run, or `resume=` for a run that stopped part way (with the overrides a resume takes)."""

  overrides = train_settings(cfg)
  outputs = [paths.run / library.FINAL_POLICY]
  if run_state(paths.run) == "resumable":
    kept = [o for o in overrides if o.split("=", 1)[0].lstrip("+") in resume.RESUME_OVERRIDES]
    dropped = sorted(set(overrides) - set(kept))
    note = f"not applied on resume (the run keeps its configuration): {' '.join(dropped)}" if dropped else ""
    return Stage("train", ["scripts/train_blender.py", setting("resume", paths.run), *kept], outputs, note)
  if cfg.method == HB and not any(o.split("=", 1)[0].lstrip("+") == "low_level" for o in overrides):
    overrides.append(setting("low_level", hb_low_level(cfg, paths)))
  args = ["scripts/train_blender.py", f"embodiment={cfg.embodiment}", f"task={cfg.task}", f"method={cfg.method}",
          f"seed={cfg.seed}", f"preset={cfg.preset}", setting("run_dir", paths.run), *overrides]
  return Stage("train", args, outputs)


def hb_low_level(cfg, paths: Paths) -> pathlib.Path:
  """The `hb` baseline's low level when `train.low_level` is not given: the final policy of this
  campaign's flat PPO cell on FarReach with the same robot and seed (ConfigValueError until it exists)."""
  from skillbench.errors import ConfigValueError

  policy = paths.campaign / "runs" / cell_id(cfg.embodiment, HB_LOW_LEVEL_TASK, "ppo", cfg.seed) / library.FINAL_POLICY
  if not policy.is_file():
    raise ConfigValueError(
      f"method=hb needs a FarReach policy as its low level, and this campaign has none yet ({policy} is missing): "
      f"run the cell embodiment={cfg.embodiment} task={HB_LOW_LEVEL_TASK} method=ppo seed={cfg.seed} first, "
      "or pass train.low_level=<FarReach run dir or policy file>")
  return policy


def result_files(cfg, paths: Paths) -> list[pathlib.Path]:
  """evaluate.py's result files: <run>/result.json, or one <run>/result-<backend>.json per backend."""
  if len(cfg.backends) == 1:
    return [paths.run / "result.json"]
  return [paths.run / f"result-{backend}.json" for backend in cfg.backends]


def check(cfg) -> None:
  """Refuses (ConfigValueError), before anything runs, an unknown `submit` and a submission the
  leaderboard would refuse after training."""
  from skillbench.errors import ConfigValueError

  if cfg.submit not in SUBMIT:
    raise ConfigValueError(f"submit={cfg.submit} is not one of {', '.join(SUBMIT)}")
  if cfg.variant and not VARIANT.fullmatch(cfg.variant):
    raise ConfigValueError(f"variant={override_value(cfg.variant)}: a variant joins the cell's folder names, so it takes "
                           "lower-case letters, digits and _ only (e.g. variant=no_walking)")
  if cfg.cell_overhead_min < 0:
    raise ConfigValueError(f"cell_overhead_min={cfg.cell_overhead_min} is negative: give the minutes a cell needs after "
                           "training (default 10)")
  if cfg.finish_by is not None:
    finish_by(str(cfg.finish_by))
  if cfg.submit != "none" and (cfg.num_rollouts != PROTOCOL_ROLLOUTS or cfg.seconds is not None):
    raise ConfigValueError(f"num_rollouts={cfg.num_rollouts} seconds={override_value(cfg.seconds)} is not the benchmark "
                     f"protocol ({PROTOCOL_ROLLOUTS} rollouts of the task's episode), which the leaderboard refuses "
                     "even in a dry run. Pass submit=none, or drop num_rollouts= and seconds=")


def finish_by(text: str, start: datetime.datetime | None = None) -> datetime.datetime:
  """The deadline `finish_by=` names, timezone-aware: "HH:MM" is its next occurrence in local time after
  `start` (default now); an ISO date-time without a zone is local time."""
  from skillbench.errors import ConfigValueError

  start = start or datetime.datetime.now().astimezone()
  clock = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
  try:
    if clock:
      at = start.replace(hour=int(clock[1]), minute=int(clock[2]), second=0, microsecond=0)
      return at if at > start else at + datetime.timedelta(days=1)
    at = datetime.datetime.fromisoformat(text.strip())
  except ValueError:
    at = None
  if at is None:
    raise ConfigValueError(f"finish_by={override_value(text)} is neither a clock time (HH:MM, e.g. 23:40) nor an ISO "
                           "date-time (e.g. 2026-12-07T00:20)")
  return at if at.tzinfo else at.astimezone()


def training_limit_min(cfg) -> float | None:
  """The cell's training time limit (min): `train.time_limit_min`, else its preset's; None when unlimited."""
  from skillbench.commands.config import PRESETS

  train = train_node(cfg)
  if "time_limit_min" in train:
    return train["time_limit_min"]
  return PRESETS.get(cfg.preset, {}).get("time_limit_min")


def minutes_needed(cfg, stages: list[Stage]) -> float:
  """About how long the cell's remaining `stages` take: the training's time limit when it trains (a
  resumed run trains its full limit again), plus cell_overhead_min."""
  from skillbench.errors import ConfigValueError

  minutes = cfg.cell_overhead_min
  if any(s.name == "train" for s in stages):
    limit = training_limit_min(cfg)
    if not limit:
      raise ConfigValueError(f"finish_by= plans with the training's time limit, and preset={cfg.preset} sets none: add "
                             "train.time_limit_min=<minutes>")
    minutes += limit
  return minutes


def plan(cfg, paths: Paths) -> list[Stage]:
  """The cell's stages, in order."""
  check(cfg)
  stages = [train_stage(cfg, paths)]
  evaluate = ["scripts/evaluate.py", setting("run", paths.run), setting("out", paths.run / "result.json"),
              f"backends={override_value(list(cfg.backends))}", f"num_rollouts={cfg.num_rollouts}",
              f"seconds={override_value(cfg.seconds)}", *([f"variant={cfg.variant}"] if cfg.variant else [])]
  if cfg.video:
    stages.append(Stage("render", [
      "scripts/render.py", setting("run", paths.run), setting("out", paths.video), f"seconds={cfg.video_seconds}",
      f"width={cfg.video_width}", f"height={cfg.video_height}"], [paths.video]))
    evaluate.append(setting("video", paths.video))
  results = result_files(cfg, paths)
  stages.append(Stage("evaluate", evaluate, results))
  if cfg.submit != "none":
    flags = ["--reproduce", *(["--dry-run"] if cfg.submit == "dry_run" else []), "--root", str(submit_root(cfg))]
    for path in results:
      name = "submit" if len(results) == 1 else f"submit-{path.stem.removeprefix('result-')}"
      stages.append(Stage(name, ["scripts/submit.py", str(path), *flags], []))
  return stages


def is_done(stage: Stage, record: dict | None) -> bool:
  """Whether `stage` needs no run: training when its final policy exists; any other stage when its
  record holds this command, succeeded, and its outputs exist; the evaluation also when its results
  hold on this version (`why_results_stale`)."""
  if stage.name == "train":
    return all(p.is_file() for p in stage.outputs)
  return (record is not None and record.get("status") == "done" and record.get("args") == stage.args
          and all(p.is_file() for p in stage.outputs)
          and not (stage.name == "evaluate" and why_results_stale(stage.outputs)))


def why_results_stale(paths: list[pathlib.Path]) -> str:
  """Why the cell's result files no longer hold on this version (`changes.why_result_stale`: a change
  since they were measured that can move their numbers, the policy unchanged); empty when they hold.
  Their evaluation then runs again, and what follows it. A file that cannot be read is left to the
  submission, which names what is wrong with it."""
  from skillbench.results import changes
  from skillbench.results import result_file as results

  reasons = []
  for path in paths:
    try:
      doc = results.read(path)
    except (OSError, results.ResultFileError):
      continue
    why = changes.why_result_stale(doc)
    if why:
      reasons.append(f"{path.name} measured on {doc['benchmark_version']}; {why}")
  return "; ".join(dict.fromkeys(reasons))


# ------------------------------------------------------------------ state
def now() -> str:
  return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def read_state(path: pathlib.Path) -> dict:
  try:
    return json.loads(path.read_text())
  except (FileNotFoundError, json.JSONDecodeError):
    return {}


def write_json(path: pathlib.Path, doc: dict) -> None:
  """Writes `doc` atomically (a temporary file renamed into place)."""
  path.parent.mkdir(parents=True, exist_ok=True)
  tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
  tmp.write_text(json.dumps(doc, indent=2) + "\n")
  os.replace(tmp, path)


@contextlib.contextmanager
def locked(path: pathlib.Path):
  """Yields True while this process holds `path` (an fcntl lock), False when another process does."""
  path.parent.mkdir(parents=True, exist_ok=True)
  fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
  try:
    try:
      fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
      yield False
      return
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    yield True
  finally:
    os.close(fd)


def run_in_use(run: pathlib.Path) -> bool:
  """Whether a process is training `run` now (it holds the run's .lock; see `run_dir.locked`)."""
  from skillbench.training import run_dir as runs

  return lock_held(run / runs.LOCK)


def lock_held(path: pathlib.Path) -> bool:
  """Whether a process holds the fcntl lock on `path` (False when there is no such file); creates nothing."""
  if not path.is_file():
    return False
  fd = os.open(path, os.O_RDONLY)
  try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return False
  except BlockingIOError:
    return True
  finally:
    os.close(fd)


def clear_unstarted(run: pathlib.Path) -> str:
  """Makes room for a new run where one stopped before its first checkpoint: removed when it holds no
  training (`run_dir.discard_unstarted`), else moved aside. Returns what was done ('' for nothing)."""
  from skillbench.training import run_dir as runs

  if run_state(run) != "unstarted":
    return ""
  if run_in_use(run):
    raise CellError(f"run {run} is being trained by another process (its .lock is held)")
  if runs.discard_unstarted(run):
    return f"removed {run}: it stopped before training began"
  aside = run.with_name(f"{run.name}.stopped-{datetime.datetime.now():%Y%m%d-%H%M%S}")
  run.rename(aside)
  return f"moved {run} to {aside}: it stopped before its first checkpoint, so it cannot resume"


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
  from skillbench.results import changes

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
  from skillbench.training import run_dir as runs

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
  from skillbench.results import changes

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


def cell_method(cfg) -> str:
  """The method label the cell's results are filed under (`result_file.method_label`): its method, `fast_td3`
  for a flat policy trained by it, `+<skill>` per skill of a subset of the task's, `-<variant>`."""
  from skillbench import catalog

  train = train_node(cfg)
  label = "fast_td3" if cfg.method == "ppo" and train.get("trainer") == "fast_td3" else cfg.method
  skills = None if cfg.method == HB else train.get("skills")
  if skills is not None and list(skills) != list(catalog.task(cfg.task, catalog.robot(cfg.embodiment)).skills):
    label += "".join(f"+{s}" for s in skills)
  return f"{label}-{cfg.variant}" if cfg.variant else label


def filed_entries(cfg, submissions, seed_of=None, counts=None) -> list:
  """The leaderboard entries that make the cell done without running it: verified, holding on this
  version (not stale), counted by the reference table (`reference_table.counts_in_table`: a SkillBlender
  blends the current library; the policy was trained on a version whose task still holds, as
  `set_aside_stale` asks of a run), of the cell's robot, task, method label (`cell_method`) and training
  seed, one per backend of the cell; [] unless every backend has one. Of several on one backend, the one
  filed last."""
  from skillbench.publish import reference_table

  seed_of = seed_of or reference_table.training_seed
  counts = counts or reference_table.counts_in_table
  label, by_backend = cell_method(cfg), {}
  for sub in sorted(submissions, key=reference_table.filed_at):
    if (sub.robot, sub.task, sub.method) != (cfg.embodiment, cfg.task, label) or not sub.verified or sub.stale:
      continue
    if sub.result.get("backend") in cfg.backends and seed_of(sub) == cfg.seed and counts(sub):
      by_backend[sub.result["backend"]] = sub
  return [by_backend[b] for b in cfg.backends] if set(by_backend) == set(cfg.backends) else []


def why_not_filed(cfg, submissions, seed_of=None) -> list[str]:
  """Why the leaderboard's entries of the cell's robot, task, method label and training seed on its backends
  do not make it done (`filed_entries` is []), one `<ids>: <reason>` per reason some do not count, or a
  backend with none; [] when no such entry exists (a cell never filed needs no reason) or they do count."""
  from skillbench.publish import reference_table
  from skillbench.results import changes

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


def submit_root(cfg) -> pathlib.Path:
  """Where the cell files its results: `submit_root`, else this repository's leaderboard/submissions."""
  return pathlib.Path(cfg.submit_root).expanduser().resolve() if cfg.submit_root else ROOT / "leaderboard" / "submissions"


def filed_candidates(cfg, paths: Paths) -> list | None:
  """The submissions of the leaderboard the cell submits to, when they may make it done: it files verified
  entries (submit=reproduce), has `skip_filed` on and has no run of its own that holds (a run, finished or
  not, goes on as the cell's own unless `why_stale_run` sets it aside); else None."""
  from skillbench.publish import leaderboard

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


def cell_settings(cfg) -> list[str]:
  """What the cell's training is asked for: its preset and `train.` overrides (recorded in its state)."""
  return [f"preset={cfg.preset}", *train_settings(cfg)]


def settings_conflict(cfg, paths: Paths, state: dict) -> tuple[list[str], list[str]] | None:
  """(trained, asked) when the cell's run was trained with other `preset=`/`train.` settings than asked
  now; None when they agree or nothing is trained."""
  asked, trained = cell_settings(cfg), state.get("train_settings")
  if trained is not None and trained != asked and run_state(paths.run) != "none":
    return trained, asked
  return None


class CellError(RuntimeError):
  """A cell that cannot go on (a stage failed, or its run is busy)."""


# ------------------------------------------------------------------ running
_STARTED_ON: dict = {}  # the commit this process's code came from, read at its first cell or summary


def code_drift() -> str | None:
  """A line saying so when the checkout's commit has moved since this process first asked (at its first
  cell or summary): a long campaign then still judges with the code it started with (which cells are
  stale, whether a result file holds) while its stages run the new scripts; else None."""
  from skillbench import provenance

  now = provenance.git_commit().get("commit")
  started = _STARTED_ON.setdefault("commit", now)
  if not started or not now or started == now:
    return None
  return (f"the checkout moved from {started[:7]} to {now[:7]} since this campaign process started, which still "
          f"judges cells and result files with {started[:7]}'s code: re-run the same command (or add "
          "summary_only=true for the summary alone) to judge with the new code")


def run_cell(cfg) -> dict:
  """Runs what is not yet done of one cell; returns its state. Failures are recorded, not raised; a
  setting that no cell can run with is a one-line error (exit status 2) before anything is written."""
  from skillbench.errors import ConfigValueError

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
  from skillbench.errors import ConfigValueError

  if lock_held(paths.lock) or run_in_use(paths.run):
    return f"busy: another process runs it now (its pid is in {paths.lock})"
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


def cell_record(cfg) -> dict:
  """The cell's coordinates as its state records them."""
  return {"embodiment": cfg.embodiment, "task": cfg.task, "method": cfg.method, "seed": cfg.seed,
          **({"variant": cfg.variant} if cfg.variant else {})}


def _run_locked(cfg, paths: Paths) -> dict:
  filed = already_filed(cfg, paths)
  if filed:  # recorded as done, its results the leaderboard's, so that the summary counts it
    print(f"{paths.cell}: {filed_line(filed)}", flush=True)
    state = {"cell": cell_record(cfg), "run": "", "results": [str(e.folder / "result.json") for e in filed],
             "filed": [e.id for e in filed], "stages": {}}
    return {**_save(paths, state, status="done", error=None), "ran": True}
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


def filed_before(stage: Stage) -> pathlib.Path | None:
  """For a verified submission stage (`--reproduce`, not `--dry-run`), the leaderboard entry that files its
  result's evaluation already, verified and on this version (`submission.filed_as`: submit.py would refuse
  the duplicate), e.g. after the cell evaluated again what was re-measured on the leaderboard; else None."""
  import skillbench
  from skillbench.results import result_file as results
  from skillbench.results import submission

  args = stage.args
  if not stage.name.startswith("submit") or "--reproduce" not in args or "--dry-run" in args or "--root" not in args:
    return None
  try:
    doc = results.read(args[1])
  except (OSError, results.ResultFileError):
    return None  # submit.py names what is wrong with it
  filed = submission.filed_as(doc, pathlib.Path(args[args.index("--root") + 1]), True, skillbench.__version__)
  return filed[0] if filed else None


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


# ------------------------------------------------------------------ summary
def cell_states(campaign: pathlib.Path) -> list[dict]:
  return [read_state(p) for p in sorted((campaign / "cells").glob("*.json"))]


def summary(campaign: pathlib.Path) -> tuple[str, dict]:
  """The campaign's summary: Markdown (cells, then seeds aggregated) and the same as JSON."""
  from skillbench.results import changes, seeds
  from skillbench.results import result_file as results

  states = [s for s in cell_states(campaign) if s.get("cell")]
  entries, problems = [], [drift] if (drift := code_drift()) else []
  for state in states:
    if state.get("status") != "done":
      continue
    for path in map(pathlib.Path, state.get("results", [])):
      try:
        doc = results.read(path)
        stale = changes.why_result_stale(doc)
        if stale:
          problems.append(f"{path}: left out, measured on {doc['benchmark_version']}; {stale} (`plan_only=true` "
                          "says what running the cell again would do)")
          continue
        variant = state["cell"].get("variant")
        labelled = not variant or doc["method"].endswith(f"-{variant}")  # results evaluated before variant=
        entries.append((state["cell"]["seed"], doc if labelled else {**doc, "method": f"{doc['method']}-{variant}"}))
      except results.ResultFileError as e:
        problems.append(str(e))
  rows = seeds.aggregate(entries)
  lines = [f"# Campaign {campaign.name}", "", f"{len(states)} cells, updated {now()}.", "",
           "| cell | status | stage | run | submission |", "|---|---|---|---|---|"]
  for state in states:
    lines.append(f"| {_cell_label(state)} | {state.get('status', '?')} | {_last_stage(state)} | "
                 f"{pathlib.Path(state.get('run', '')).name} | {_submissions(state)} |")
  lines += ["", "## Seeds aggregated", "", SEEDS_NOTE, "",
            seeds.markdown_table(rows) if rows else "No finished cell yet.", *[f"- {p}" for p in problems]]
  return "\n".join(lines) + "\n", {"cells": states, "seeds": rows, "problems": problems}


def _cell_label(state: dict) -> str:
  c = state["cell"]
  variant = f" ({c['variant']})" if c.get("variant") else ""
  return f"{c['embodiment']} {c['task']} {c['method']}{variant} seed {c['seed']}"


def _last_stage(state: dict) -> str:
  if state.get("filed"):
    return "filed before, not run here"
  stages = state.get("stages", {})
  return next((f"{name}: {r.get('status')}" for name, r in reversed(stages.items())), "-")


def _submissions(state: dict) -> str:
  """Per submit stage, the filed entry's id (`submit-mjx: g1-...-a951fd7701ec`), or submit.py's verdict; a
  cell the leaderboard already held: its entries' ids."""
  if state.get("filed"):
    return "; ".join(state["filed"])
  cells = []
  for name, record in state.get("stages", {}).items():
    line = record.get("submission", "") if name.startswith("submit") else ""
    if line:
      filed = FILED_AS.search(line)
      cells.append(f"{name}: {pathlib.Path(filed.group(1)).name if filed else line}")
  return "; ".join(cells) or "-"


def write_summary(campaign: pathlib.Path) -> pathlib.Path | None:
  """Rewrites <campaign>/summary.md and summary.json; parallel cells take turns (a blocking fcntl lock)."""
  if not (campaign / "cells").is_dir():
    return None
  fd = os.open(campaign / ".summary.lock", os.O_RDWR | os.O_CREAT, 0o644)
  try:
    fcntl.flock(fd, fcntl.LOCK_EX)
    text, doc = summary(campaign)
    write_json(campaign / "summary.json", doc)
    tmp = campaign / f".summary.md.{os.getpid()}.tmp"
    tmp.write_text(text)
    os.replace(tmp, campaign / "summary.md")
  finally:
    os.close(fd)
  return campaign / "summary.md"


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
    failed = [_cell_label(s) for s in cell_states(campaign) if s.get("status") == "failed"]
    FAILED[:] = failed
    if failed:
      print(f"failed cells ({len(failed)}): {'; '.join(failed)}. Fix and re-run the same command: done cells are "
            f"skipped, stopped training resumes.", file=sys.stderr)
    if DEFERRED:
      print(f"deferred cells ({len(DEFERRED)}), not started before finish_by: {'; '.join(DEFERRED)}. Run the same "
            "command again later to go on.")
    print(f"wrote {path} and {path.with_suffix('.json')}")
