"""The campaign's configuration (`CampaignConfig`, hydra's `campaign` node and its `cluster` options) and the
checks and readings of it that every cell makes."""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from skillbench.commands.campaign.overrides import flat_overrides, override_value
from skillbench.commands.config import PRESETS
from skillbench.errors import ConfigValueError
from skillbench.results.result_file import PROTOCOL_ROLLOUTS, VARIANT

SUBMIT = ("reproduce", "dry_run", "none")


def _hydra_settings():
  """Hydra writes nothing of its own in run mode; a sweep's record and submitit's logs go into the campaign."""
  callbacks = {"campaign_summary": {"_target_": "skillbench.commands.campaign.runner.SummaryCallback"}}
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
  again. filed_only: record those cells as done and run nothing else (a campaign folder rebuilt from the
  leaderboard after its runs were lost); the cells it would run are listed as not run.
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
  filed_only: bool = False


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


def check(cfg) -> None:
  """Refuses (ConfigValueError), before anything runs, an unknown `submit` and a submission the
  leaderboard would refuse after training."""
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
  if cfg.filed_only and not cfg.skip_filed:
    raise ConfigValueError("filed_only=true records the cells the leaderboard holds, and skip_filed=false asks to train "
                           "them again: drop one of the two")
  if cfg.submit != "none" and (cfg.num_rollouts != PROTOCOL_ROLLOUTS or cfg.seconds is not None):
    raise ConfigValueError(f"num_rollouts={cfg.num_rollouts} seconds={override_value(cfg.seconds)} is not the benchmark "
                     f"protocol ({PROTOCOL_ROLLOUTS} rollouts of the task's episode), which the leaderboard refuses "
                     "even in a dry run. Pass submit=none, or drop num_rollouts= and seconds=")


def finish_by(text: str, start: datetime.datetime | None = None) -> datetime.datetime:
  """The deadline `finish_by=` names, timezone-aware: "HH:MM" is its next occurrence in local time after
  `start` (default now); an ISO date-time without a zone is local time."""
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


def train_node(cfg) -> dict:
  """The cell's `train.` overrides as a plain dict."""
  return OmegaConf.to_container(cfg.train) if isinstance(cfg.train, DictConfig) else dict(cfg.train)


def train_settings(cfg) -> list[str]:
  """The cell's `train.` overrides as train_blender.py gets them (what makes two trainings differ)."""
  return flat_overrides(train_node(cfg))


def cell_settings(cfg) -> list[str]:
  """What the cell's training is asked for: its preset and `train.` overrides (recorded in its state)."""
  return [f"preset={cfg.preset}", *train_settings(cfg)]


def training_limit_min(cfg) -> float | None:
  """The cell's training time limit (min): `train.time_limit_min`, else its preset's; None when unlimited."""
  train = train_node(cfg)
  if "time_limit_min" in train:
    return train["time_limit_min"]
  return PRESETS.get(cfg.preset, {}).get("time_limit_min")
