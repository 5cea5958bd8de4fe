"""Warm starts: a new run that begins from another run's learned state (`init=<source>`).

Fine-tuning, e.g. walking trained on narrow commands, continued on the benchmark's full ranges:

  python scripts/train_primitive.py primitive=walking init=runs/h1-walking-brax-20261129-165755
  python scripts/train_primitive.py embodiment=g1 primitive=walking init=pretrained   # the library's

The source is a run directory (its latest training checkpoint), a training checkpoint file, a
policy file (a run's final `policy.safetensors`, a library entry's) or `pretrained`, the library
entry of this run's robot and skill. The new run takes the source's networks (actor, critic and
action std) and observation normalisers; from a training checkpoint also its optimiser state, with
its adapted learning rate. A policy file holds no optimiser state, so Adam starts afresh, at the
KL-adaptive schedule's floor (`ppo.warm_learning_rate`), from which the schedule raises it. The
environments, random key and iteration count start fresh from the new run's own seed and
configuration, which may differ from the source's in anything but the robot, the skill, the
observation and the network sizes. Unlike `resume`, it is a new run in its own folder; its
checkpoints and final policy record where it started (`init`: the source's run and file, its
sha256, and the env steps and wall-clock behind it), so the library and the training table can
report the policy's whole training.
"""

from __future__ import annotations

import json
import pathlib

from skillbench.errors import SkillBenchError
from skillbench.policy import checkpoint as ckpt_lib
from skillbench.policy import library
from skillbench.policy import saved as policy_lib
from skillbench.training import ppo as ppo_lib
from skillbench.training import run_dir as runs
from skillbench.training.logger import read_metrics

# The parts of a TrainState that carry over; the rest (environments, key, counters) starts fresh.
CARRIED = ("params", "opt_state", "actor_stats", "critic_stats")
# What a policy file (no optimiser state) carries.
CARRIED_FROM_POLICY = ("params", "actor_stats", "critic_stats")


def source_checkpoint(source, robot: str | None = None, skill: str | None = None) -> pathlib.Path:
  """The checkpoint `init=` names: `pretrained` (the library entry of robot and skill, checked against
  its manifest), a run directory (its latest training checkpoint) or a checkpoint file."""
  if source == library.PRETRAINED:
    if not robot or not skill:
      raise SkillBenchError("init=pretrained needs the run's robot and skill")
    return library.resolve(library.PRETRAINED, robot, skill)
  path = pathlib.Path(source)
  if path.is_dir():
    return runs.latest_checkpoint(path)
  if not path.exists():
    raise ckpt_lib.CheckpointError(f"init={source}: no such run directory or checkpoint file")
  return path


def load_source(source, env, network: dict) -> ckpt_lib.Checkpoint:
  """The source checkpoint (training or policy), checked against the new run's robot, skill,
  observation and networks."""
  path = source_checkpoint(source, env.embodiment.name, env.skill.name)
  # Either kind (training or policy) will do; a blender's checkpoint names a task, not a skill, so it fails here.
  ckpt = ckpt_lib.load(path, expect_embodiment=env.embodiment.name, expect_skill=env.skill.name)
  # The joints an actor does not read may change (a fine-tune may start hiding the arms): same inputs, same sizes.
  recorded_observation = policy_lib.recorded_observation(ckpt.metadata.get("observation"))
  recorded_observation.pop("hidden_joints")
  here = {k: v for k, v in policy_lib.observation_metadata(env).items() if k != "hidden_joints"}
  for what, mine, theirs in (("observation", here, recorded_observation),
                             ("network", network, ckpt.metadata.get("network") or {})):
    if mine != theirs:
      differ = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
      raise ckpt_lib.CheckpointError(
        f"init={source}: {path} was trained with another {what} ({', '.join(differ)} differ: "
        f"{ {k: theirs.get(k) for k in differ} } there, { {k: mine.get(k) for k in differ} } here); "
        f"a warm start keeps the {what}, so set this run's to match")
  return ckpt


def warm_start(source, template, env, network: dict, fresh_learning_rate: float | None = None):
  """(template with the source's networks and normalisers, and its optimiser state when the source is a
  training checkpoint, lineage record). From a policy file the template's fresh optimiser state is kept,
  its learning rate set to `fresh_learning_rate` when given."""
  ckpt = load_source(source, env, network)
  names = CARRIED if ckpt.kind == "training" else CARRIED_FROM_POLICY  # a TrainState's fields or a ppo.Policy's
  carried = {name: ckpt_lib.unflatten(getattr(template, name), ckpt.arrays, prefix=f".{name}", source=str(ckpt.path))
             for name in names}
  if ckpt.kind != "training" and fresh_learning_rate is not None:
    carried["opt_state"] = ppo_lib.with_learning_rate(template.opt_state, fresh_learning_rate)
  return template.replace(**carried), lineage(ckpt)


def lineage(ckpt: ckpt_lib.Checkpoint) -> dict:
  """What a warm-started policy's training began from: env steps and wall-clock count the source's own
  warm start too, so a chain of fine-tunings adds up."""
  training = ckpt.metadata.get("training", {})
  before = training.get("init") or {}
  wall = training.get("wall_clock_s")
  run = source_run(ckpt)
  if wall is None:  # checkpoints written before they recorded it: the source run's log at that step
    logged = read_metrics(run) if (run / "metrics.jsonl").is_file() else []
    rows = [r for r in logged if r.get("env_steps") == training.get("env_steps")]
    wall = rows[-1].get("wall_s") if rows else None
  wall_before = before.get("wall_clock_s", 0.0)
  return {
    "checkpoint": portable_name(ckpt.path), "sha256": ckpt.sha256(), "run": run.name,
    "optimiser": "carried" if ckpt.kind == "training" else "fresh",
    "env_steps": int(training.get("env_steps") or 0) + int(before.get("env_steps") or 0),
    "wall_clock_s": None if wall is None or wall_before is None else float(wall) + float(wall_before),
  }


def source_run(ckpt: ckpt_lib.Checkpoint) -> pathlib.Path:
  """The run folder a checkpoint came from: a training checkpoint's `<run>/checkpoints/`, a final policy's
  `<run>/`, or, for a library entry, the folder its manifest names (which need not exist here)."""
  path = ckpt.path
  if ckpt.kind == "training":
    return path.parent.parent
  manifest = path.parent / "manifest.json"
  if manifest.is_file():
    return pathlib.Path(json.loads(manifest.read_text()).get("run") or path.parent.name)
  return path.parent


def portable_name(path: pathlib.Path) -> str:
  """A checkpoint's name that holds on any machine: `<run>/checkpoints/<file>` inside a run folder,
  `checkpoints/<robot>/<skill>/<file>` in the library, else the file name (the lineage's sha256
  identifies the file either way)."""
  if path.parent.name == "checkpoints":
    return f"{path.parent.parent.name}/checkpoints/{path.name}"
  if (path.parent / "manifest.json").is_file():
    return "/".join(path.parts[-4:])
  return path.name
