"""Resuming a training run: its own configuration, plus the few settings a new session may change.

Both training scripts and the campaign (which resumes a cell's training) read the allowed overrides
here, so they cannot disagree.
"""

from __future__ import annotations

from omegaconf import OmegaConf

from skillbench.errors import ConfigValueError
from skillbench.training import run_dir

RESUME_OVERRIDES = ("trainer.total_env_steps", "time_limit_min", "wandb")


def resolve(cfg, schema, overrides: list[str]):
  """The configuration to run: `cfg` itself for a new run; for `resume=<run>`, the run's config.yaml
  (validated against `schema`, the script's config class) with the command line's `overrides`
  applied where RESUME_OVERRIDES allows them; any other override is a ConfigValueError naming it."""
  if not cfg.resume:
    return OmegaConf.to_object(cfg)
  run_dir.latest_checkpoint(cfg.resume)
  saved = OmegaConf.merge(OmegaConf.structured(schema), OmegaConf.load(f"{cfg.resume}/config.yaml"))
  for override in overrides:
    key = override.split("=", 1)[0].lstrip("+~")
    if key in RESUME_OVERRIDES:
      OmegaConf.update(saved, key, OmegaConf.select(cfg, key))
    elif key != "resume":
      raise ConfigValueError(f"{key} cannot change when resuming (the run keeps its configuration); allowed: "
                             f"{', '.join(RESUME_OVERRIDES)}")
  saved.resume = cfg.resume
  return OmegaConf.to_object(saved)
