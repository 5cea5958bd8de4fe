"""Evaluate a policy: N deterministic rollouts from fixed seeds, metrics as JSON.

  python scripts/evaluate.py run=runs/h1-reaching-brax-20261128-101500
  python scripts/evaluate.py run=<run> backends=[mujoco,mjx]          # the sim-to-sim check
  python scripts/evaluate.py checkpoint=pretrained embodiment=h1 primitive=reaching
  python scripts/evaluate.py policy=zero embodiment=h1 primitive=reaching   # the zero-action baseline
  python scripts/evaluate.py policy=zero embodiment=h1 task=box_push        # a task, with its protocol
  python scripts/evaluate.py run=<walking run> goal_range_scale=0.3         # at the commands it trained on

Reports the skill's goal error (reaching: mean wrist distance, m; squatting: height error, m;
stepping: foot xy distance, m; walking: velocity error, m/s), fall rate and the feasibility
metrics (tilt, height, torque, power) and the gait (share of steps with a foot in the air,
touchdowns per second), per rollout and aggregated (mean, std, 95 % interval). Walking adds the
stride-averaged velocity error and the command sweep (achieved against commanded v_x, v_y and yaw
rate on a grid: <out stem>_sweep.md and _sweep.png; `command_sweep=false` skips it).
Tasks add their Error (at the end; FarReach: at every goal switch, every 5 s), success (the spec's:
the mean Error below the task's threshold) and success rate (the share of rollouts below it without
a fall), 20 rollouts by default (spec section 6), and are written as
SkillBench result files (schema: skillbench/results/schemas/result-v2.schema.json; one file per backend,
`<out stem>-<backend>.json` when several), ready for scripts/submit.py:

  python scripts/evaluate.py run=runs/h1-button_press-blender-20261128-101500 video=videos/press.mp4

`method=<name>` labels the result (default: the checkpoint's method, or the baseline's name);
`variant=<name>` marks a policy trained off its method's recipe (an ablation, e.g. `variant=epochs2`):
its label becomes `<method>-<variant>`, a row of its own on the leaderboard and outside the reference table;
`video=<mp4>` (scripts/render.py output) is copied beside the result and sealed into it. A blender
policy's blend weights are written beside the JSON (<out>_weights/<backend>/: weights.npz and one
heatmap per rollout, joints x time, one panel per skill).
"""

import json
import pathlib
import shutil
import sys

import hydra
from omegaconf import OmegaConf

from skillbench import bounds, catalog
from skillbench.commands import config as config_lib
from skillbench.errors import SkillBenchError


@hydra.main(version_base=None, config_name="evaluate")
def main(cfg: config_lib.EvaluateConfig) -> None:
  from skillbench import runtime
  from skillbench.evaluation import protocol as evaluation
  from skillbench.policy import acting as policies
  from skillbench.results import result_file as results

  runtime.configure_jax()
  resolved = OmegaConf.to_container(cfg, resolve=True)
  resolved.pop("hydra", None)
  resolved.pop("defaults", None)
  cfg = OmegaConf.to_object(cfg)
  bounds.validate(cfg)  # num_rollouts, seconds: before anything is loaded or written
  robot = cfg.embodiment.name if cfg.embodiment else None
  skill = policies.skill_name(cfg.primitive, cfg.task)
  what, loaded, robot, skill = policies.resolve(cfg.run, cfg.checkpoint, cfg.policy, robot, skill)
  is_task = catalog.is_task(skill)
  name = pathlib.Path(what).parent.name if loaded is not None else what
  filename = "result.json" if is_task else "eval.json"
  default = pathlib.Path(cfg.run) / filename if cfg.run else pathlib.Path("evals") / f"{robot}-{skill}-{name}.json"
  out = pathlib.Path(cfg.out or default)
  if not is_task and (cfg.method or cfg.variant or cfg.video):
    raise SkillBenchError("method=, variant= and video= label task results; a skill evaluation takes none of them")
  method = results.method_label(loaded, cfg.policy or "zero", cfg.method, cfg.variant) if is_task else None
  if is_task and cfg.goal_range_scale != 1.0:
    raise SkillBenchError("goal_range_scale= narrows a skill's goals; a task is evaluated at its protocol's")
  video = _video_beside(pathlib.Path(cfg.video), out) if cfg.video else None
  record = evaluation.evaluate_policy(
    robot, skill, loaded, cfg.policy or "zero", cfg.backends, cfg.impl, cfg.timing, cfg.num_rollouts, cfg.seed,
    cfg.seconds, what, weights_dir=out.with_name(out.stem + "_weights"), goal_range_scale=cfg.goal_range_scale,
  )
  for backend in cfg.backends:
    print("\n".join(evaluation.report_lines(record, backend)))
  if not is_task:
    out.parent.mkdir(parents=True, exist_ok=True)
    if cfg.command_sweep and _sweeps(robot, skill):
      record["command_sweep"] = _write_sweep(robot, skill, loaded, cfg, out, name)
    out.write_text(json.dumps(record, indent=2))
    print(f"wrote {out}")
    return
  for backend in cfg.backends:
    path = out if len(cfg.backends) == 1 else out.with_name(f"{out.stem}-{backend}{out.suffix}")
    doc = results.from_evaluation(record, backend, resolved, loaded, cfg.policy or "zero", method, cfg.impl,
                                  video)
    results.write(doc, path)
    protocol = "" if doc["evaluation"]["protocol"] else " (not the benchmark protocol: the leaderboard refuses it)"
    print(f"wrote {path}{protocol}")


def _sweeps(robot: str, skill: str) -> bool:
  return catalog.skill_or_task(skill, robot).command_grid is not None


def _write_sweep(robot, skill, loaded, cfg, out: pathlib.Path, name: str) -> dict:
  """The command sweep: printed, and written beside `out` as <stem>_sweep.md and <stem>_sweep.png."""
  from skillbench.evaluation import command_sweep
  from skillbench.evaluation import protocol as evaluation

  sweep = evaluation.sweep_policy(robot, skill, loaded, cfg.policy or "zero", cfg.timing, cfg.seed)
  text = command_sweep.table(sweep)
  print(f"command sweep ({sweep['seconds']:g} s rollouts, second half averaged): {sweep['reached']} "
        f"commanded speeds reached to 15 %\n{text}")
  table = out.with_name(out.stem + "_sweep.md")
  table.write_text(f"# {robot} {skill}: command sweep of {name}\n\n{text}\n")
  picture = command_sweep.plot(sweep, out.with_name(out.stem + "_sweep.png"), f"{robot} {skill}: {name}")
  print(f"wrote {table} and {picture}")
  return {**sweep, "table": str(table), "plot": str(picture)}


def _video_beside(video: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
  """The video's copy in the result's folder (a submission holds its files side by side)."""
  if not video.is_file():
    raise SkillBenchError(f"video {video} not found. Fix: write it first with scripts/render.py run=... out={video}")
  if video.suffix != ".mp4":
    raise SkillBenchError(f"video {video} is not an mp4 (scripts/render.py writes mp4)")
  target = out.parent / video.name
  if target.resolve() != video.resolve():
    if target.exists():
      raise SkillBenchError(f"{target} already exists and is not {video}; rename one of them")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(video, target)
  return target


if __name__ == "__main__":
  config_lib.register()
  config_lib.exit_on_ignored_overrides(sys.argv[1:], "out=<file> (where the evaluation is written)")
  main()
