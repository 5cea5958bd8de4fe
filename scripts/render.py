"""Roll out a policy in a SkillBench environment and write an mp4 with the goal drawn.

  python scripts/render.py embodiment=h1 primitive=reaching policy=random seconds=5

Policies: zero (hold the default pose), random (Gaussian actions). Any field of the `render`
config (skillbench/config.py) can be overridden, e.g. `env.push=false backend=mjx`.
"""

import json
import pathlib

import hydra
from omegaconf import OmegaConf

from skillbench import config as config_lib
from skillbench import gl

POLICIES = ("zero", "random")


@hydra.main(version_base=None, config_name="render")
def main(cfg: config_lib.RenderConfig) -> None:
  gl.select()
  from skillbench import render, runtime
  from skillbench.errors import UnknownNameError
  from skillbench.factory import make

  runtime.configure_jax()
  if cfg.policy not in POLICIES:
    raise UnknownNameError("policy", cfg.policy, POLICIES)
  env = make(cfg.embodiment, cfg.primitive, cfg.backend, config=OmegaConf.to_object(cfg.env))
  policy = render.zero_policy(env) if cfg.policy == "zero" else render.random_policy(env)
  out = pathlib.Path(cfg.out or f"videos/{env.embodiment.name}_{env.skill.name}_{cfg.policy}.mp4")
  summary = render.record(env, policy, out, cfg.seconds, cfg.seed, cfg.width, cfg.height)
  print(json.dumps(summary, indent=2))


if __name__ == "__main__":
  config_lib.register()
  main()
