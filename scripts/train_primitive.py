"""Train a primitive skill.

  python scripts/train_primitive.py embodiment=h1 primitive=reaching              # cpu preset
  python scripts/train_primitive.py embodiment=g1 primitive=walking preset=gpu    # MJX on a GPU
  python scripts/train_primitive.py preset=smoke trainer=sb3                      # stable-baselines3
  python scripts/train_primitive.py --multirun seed=0,1,2 primitive=reaching,squatting
  python scripts/train_primitive.py resume=runs/h1-reaching-brax-20261128-101500
  python scripts/train_primitive.py primitive=walking init=runs/h1-walking-brax-20261129-165755  # warm start
  python scripts/train_primitive.py embodiment=g1 primitive=walking init=pretrained  # from the library entry

Groups: embodiment (h1, g1, h1_2, t1), primitive (walking, reaching, squatting, stepping),
backend (mujoco, mjx), trainer (brax, sb3, fast_td3), preset (smoke, cpu, gpu); any field of the `train`
config (skillbench/commands/config.py) can be overridden, e.g. trainer.ppo.num_envs=128. A resumed run
uses the configuration it was started with; only trainer.total_env_steps,
time_limit_min (a fresh budget for this session) and wandb may change. A warm start (init=) is a
new run with its own configuration that begins from another run's networks, or the library's
(init=pretrained) (training/warm_start.py).
"""

import sys

import hydra
from hydra.core.hydra_config import HydraConfig

from skillbench.commands import config as config_lib


@hydra.main(version_base=None, config_name="train")
def main(cfg: config_lib.TrainConfig) -> None:
  from skillbench.commands import resume
  from skillbench.training.train import train_command

  train_command(resume.resolve(cfg, config_lib.TrainConfig, HydraConfig.get().overrides.task))


if __name__ == "__main__":
  config_lib.register()
  config_lib.exit_on_ignored_overrides(sys.argv[1:])
  main()
