"""Evaluate a policy: N deterministic rollouts from fixed seeds, metrics as JSON.

  python scripts/evaluate.py run=runs/h1-reaching-brax-20261128-101500
  python scripts/evaluate.py run=<run> backends=[mujoco,mjx]          # the sim-to-sim check
  python scripts/evaluate.py checkpoint=pretrained embodiment=h1 primitive=reaching
  python scripts/evaluate.py policy=zero embodiment=h1 primitive=reaching   # the zero-action baseline
  python scripts/evaluate.py policy=zero embodiment=h1 task=box_push        # a task, with its protocol

Reports the skill's goal error (reaching: mean wrist distance, m; squatting: height error, m;
stepping: foot xy distance, m; walking: velocity error, m/s), fall rate and the feasibility
metrics (tilt, height, torque, power), per rollout and aggregated (mean, std, 95 % interval).
Tasks add their Error (at the end; FarReach: at every goal switch, every 5 s) and success
(Error below the task's threshold), 20 rollouts by default (spec section 6). A blender policy's
blend weights are written beside the JSON (<out>_weights/<backend>/: weights.npz and one heatmap
per rollout, joints x time, one panel per skill).
"""

import json
import pathlib

import hydra
from omegaconf import OmegaConf

from skillbench import config as config_lib


@hydra.main(version_base=None, config_name="evaluate")
def main(cfg: config_lib.EvaluateConfig) -> None:
  from skillbench import evaluation, policies, runtime

  runtime.configure_jax()
  cfg = OmegaConf.to_object(cfg)
  robot = cfg.embodiment.name if cfg.embodiment else None
  skill = policies.skill_name(cfg.primitive, cfg.task)
  what, loaded, robot, skill = policies.resolve(cfg.run, cfg.checkpoint, cfg.policy, robot, skill)
  name = pathlib.Path(what).parent.name if loaded is not None else what
  default = pathlib.Path(cfg.run) / "eval.json" if cfg.run else pathlib.Path("evals") / f"{robot}-{skill}-{name}.json"
  out = pathlib.Path(cfg.out or default)
  result = evaluation.evaluate_policy(
    robot, skill, loaded, cfg.policy or "zero", cfg.backends, cfg.impl, cfg.timing, cfg.num_rollouts, cfg.seed,
    cfg.seconds, what, weights_dir=out.with_name(out.stem + "_weights"),
  )
  for backend in cfg.backends:
    print(evaluation.summary_line(result, backend))
  out.parent.mkdir(parents=True, exist_ok=True)
  out.write_text(json.dumps(result, indent=2))
  print(f"wrote {out}")


if __name__ == "__main__":
  config_lib.register()
  main()
