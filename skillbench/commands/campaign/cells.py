"""A cell: where its files are (`Paths`), its stages in order (`plan`) and whether each is done (`is_done`)."""

from __future__ import annotations

import dataclasses
import pathlib

from skillbench.commands import resume
from skillbench.commands.campaign.config import check, train_settings, training_limit_min
from skillbench.commands.campaign.entries import HB, filed_policy
from skillbench.commands.campaign.overrides import override_value, setting
from skillbench.errors import ConfigValueError
from skillbench.policy import library
from skillbench.results import changes
from skillbench.results import result_file as results
from skillbench.training import run_dir as runs

ROOT = pathlib.Path(__file__).resolve().parents[3]  # the repository
HB_LOW_LEVEL_TASK = "far_reach"  # the HumanoidBench-style baseline drives a FarReach policy


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


def cell_record(cfg) -> dict:
  """The cell's coordinates as its state records them."""
  return {"embodiment": cfg.embodiment, "task": cfg.task, "method": cfg.method, "seed": cfg.seed,
          **({"variant": cfg.variant} if cfg.variant else {})}


def run_state(run: pathlib.Path) -> str:
  """'none' (no folder), 'finished' (its final policy), 'resumable' (checkpoints) or 'unstarted'."""
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
  campaign's flat PPO cell on FarReach with the same robot and seed, else that cell's policy as the
  leaderboard the cell submits to files it (its runs trained elsewhere, or gone); ConfigValueError
  until one exists."""
  policy = paths.campaign / "runs" / cell_id(cfg.embodiment, HB_LOW_LEVEL_TASK, "ppo", cfg.seed) / library.FINAL_POLICY
  if policy.is_file():
    return policy
  filed = filed_policy(cfg, submit_root(cfg), HB_LOW_LEVEL_TASK, "ppo")
  if filed is not None:
    return filed
  raise ConfigValueError(
    f"method=hb needs a FarReach policy as its low level, and neither this campaign ({policy} is missing) nor "
    f"the leaderboard {submit_root(cfg)} has one: run the cell embodiment={cfg.embodiment} task={HB_LOW_LEVEL_TASK} "
    f"method=ppo seed={cfg.seed} first, or pass train.low_level=<FarReach run dir or policy file>")


def result_files(cfg, paths: Paths) -> list[pathlib.Path]:
  """evaluate.py's result files: <run>/result.json, or one <run>/result-<backend>.json per backend."""
  if len(cfg.backends) == 1:
    return [paths.run / "result.json"]
  return [paths.run / f"result-{backend}.json" for backend in cfg.backends]


def submit_root(cfg) -> pathlib.Path:
  """Where the cell files its results: `submit_root`, else this repository's leaderboard/submissions."""
  return pathlib.Path(cfg.submit_root).expanduser().resolve() if cfg.submit_root else ROOT / "leaderboard" / "submissions"


def minutes_needed(cfg, stages: list[Stage]) -> float:
  """About how long the cell's remaining `stages` take: the training's time limit when it trains (a
  resumed run trains its full limit again), plus cell_overhead_min."""
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
  outputs = result_files(cfg, paths)
  stages.append(Stage("evaluate", evaluate, outputs))
  if cfg.submit != "none":
    flags = ["--reproduce", *(["--dry-run"] if cfg.submit == "dry_run" else []), "--root", str(submit_root(cfg))]
    for path in outputs:
      name = "submit" if len(outputs) == 1 else f"submit-{path.stem.removeprefix('result-')}"
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
