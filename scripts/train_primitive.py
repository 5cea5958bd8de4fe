"""Train a primitive skill.

  python scripts/train_primitive.py embodiment=h1 primitive=reaching              # cpu preset
  python scripts/train_primitive.py embodiment=g1 primitive=walking preset=gpu    # MJX on a GPU
  python scripts/train_primitive.py preset=smoke trainer=sb3                      # stable-baselines3
  python scripts/train_primitive.py --multirun seed=0,1,2 primitive=reaching,squatting
  python scripts/train_primitive.py resume=runs/h1-reaching-brax-20261128-101500
  python scripts/train_primitive.py primitive=walking init=runs/h1-walking-brax-20261129-165755  # warm start
  python scripts/train_primitive.py embodiment=g1 primitive=walking init=pretrained  # from the library entry

Groups: embodiment (h1, g1, h1_2, t1), primitive (walking, reaching, squatting, stepping),
backend (mujoco, mjx), trainer (brax, sb3), preset (smoke, cpu, gpu); any field of the `train`
config (skillbench/commands/config.py) can be overridden, e.g. trainer.ppo.num_envs=128. A resumed run
uses the configuration it was started with; only trainer.total_env_steps,
time_limit_min (a fresh budget for this session) and wandb may change. A warm start (init=) is a
new run with its own configuration that begins from another run's networks, or the library's
(init=pretrained) (training/warm_start.py).
"""

import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import OmegaConf

from skillbench.commands import config as config_lib

RESUME_OVERRIDES = ("trainer.total_env_steps", "time_limit_min", "wandb")


def resolve(cfg):
  """The config to run: for resume=, the run's own config plus the few allowed overrides."""
  if not cfg.resume:
    return OmegaConf.to_object(cfg)
  return resolve_resume(cfg, config_lib.TrainConfig)


def resolve_resume(cfg, schema):
  """A resumed run's own configuration (validated against `schema`) plus the allowed overrides."""
  from skillbench.training import run_dir

  run_dir.latest_checkpoint(cfg.resume)
  saved = OmegaConf.merge(OmegaConf.structured(schema), OmegaConf.load(f"{cfg.resume}/config.yaml"))
  for override in HydraConfig.get().overrides.task:
    key = override.split("=", 1)[0].lstrip("+~")
    if key in RESUME_OVERRIDES:
      OmegaConf.update(saved, key, OmegaConf.select(cfg, key))
    elif key not in ("resume",):
      raise ValueError(f"{key} cannot change when resuming (the run keeps its configuration); allowed: "
                       f"{', '.join(RESUME_OVERRIDES)}")
  saved.resume = cfg.resume
  return OmegaConf.to_object(saved)


@hydra.main(version_base=None, config_name="train")
def main(cfg: config_lib.TrainConfig) -> None:
  from skillbench.training.train import train_command

  train_command(resolve(cfg))


if __name__ == "__main__":
  config_lib.register()
  config_lib.exit_on_ignored_overrides(sys.argv[1:])
  main()
