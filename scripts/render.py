"""Roll out a policy in a SkillBench environment and write an mp4 with the goal drawn.

  python scripts/render.py embodiment=h1 primitive=reaching policy=random seconds=5
  python scripts/render.py run=runs/h1-reaching-brax-20261128-101500
  python scripts/render.py checkpoint=pretrained embodiment=h1 primitive=squatting
  python scripts/render.py task=box_push embodiment=g1          # a task's scene: mp4 and a PNG still

Policies: a run's final policy (run=), a checkpoint file or the pretrained library's
(checkpoint=), zero (hold the default pose) or random (Gaussian actions). A blender policy's
video shows its per-joint blend weights as a strip under each frame (rows: skills). Any field of the
`render` config (skillbench/commands/config.py) can be overridden, e.g. `env.push=false backend=mjx`.
"""

import json
import pathlib

import hydra
from omegaconf import OmegaConf

from skillbench.commands import config as config_lib
from skillbench.sim import gl


@hydra.main(version_base=None, config_name="render")
def main(cfg: config_lib.RenderConfig) -> None:
  gl.select()
  from skillbench import runtime
  from skillbench.envs import render
  from skillbench.envs.factory import make
  from skillbench.policy import acting as policies
  from skillbench.policy.library import PRETRAINED

  runtime.configure_jax()
  cfg = OmegaConf.to_object(cfg)
  named = cfg.run is None and cfg.checkpoint in (None, PRETRAINED)
  asked = cfg.task.name if cfg.task is not None else cfg.primitive.name
  what, loaded, robot, skill = policies.resolve(
    cfg.run, cfg.checkpoint, cfg.policy, cfg.embodiment.name if named else None, asked if named else None,
  )
  env_config = cfg.env
  if loaded is not None:
    env_config.timing = loaded.observation.get("timing", env_config.timing)
  env = make(robot, skill, cfg.backend.name, config=env_config, **cfg.backend.kwargs())
  label = "policy" if loaded is not None else cfg.policy
  default_out = (pathlib.Path(cfg.run) / "video.mp4" if cfg.run
                 else pathlib.Path(f"videos/{env.embodiment.name}_{env.skill.name}_{label}.mp4"))
  out = pathlib.Path(cfg.out or default_out)
  blender = loaded.for_env(env) if loaded is not None and loaded.is_blender else None
  weights = (lambda obs: blender.blend(obs)[2]) if blender is not None else None
  summary = render.record(env, policies.act_fn(env, loaded, cfg.policy), out, cfg.seconds, cfg.seed, cfg.width,
                          cfg.height, weights_fn=weights)
  summary["policy"] = what
  if env.skill.add_objects is not None:
    summary["still"] = str(render.still(env, out.with_suffix(".png"), cfg.seed, cfg.width, cfg.height))
  print(json.dumps(summary, indent=2))


if __name__ == "__main__":
  config_lib.register()
  main()
