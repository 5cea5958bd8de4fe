"""The frozen skills a blender drives: where they come from and whether they fit the task.

A skill comes from the pretrained library (`pretrained`, the default), a run folder (its final
policy) or a policy file. It must be the task's robot and the named skill, and its observation
must be [its goal, the task's clock if it reads one, the same proprioception as the task's]
(joints, timing, layout).
"""

from __future__ import annotations

import pathlib

from primitives.common import is_small
from skillbench.errors import SkillBenchError
from skillbench.policy import library
from skillbench.policy import saved as policy_lib
from skillbench.policy.checkpoint import CheckpointError

WALKING_CLAMP = {"large": 2.0, "small": 1.0}  # sub-goal bound of the walking command (spec section 4)
OTHER_CLAMP = 1.0


def clamp(skill: str, embodiment) -> float:
  """The bound of a skill's sub-goal, in its goal units."""
  if skill == "walking":
    return WALKING_CLAMP["small" if is_small(embodiment) else "large"]
  return OTHER_CLAMP


def skill_path(source: str, robot: str, skill: str) -> pathlib.Path:
  """The policy file a skill source names: `pretrained`, a run folder or a policy file."""
  if source != library.PRETRAINED and not pathlib.Path(source).exists():
    raise SkillBenchError(
      f"skill {skill}: {source} does not exist; give "
      f"skill_sources.{skill}=<run dir or .safetensors file> or train it: python scripts/train_primitive.py "
      f"embodiment={robot} primitive={skill}"
    )
  return library.resolve(source, robot, skill)


def proprioception_size(env) -> int:
  return env.observation_size["state"][0] - env.skill.goal_size - env.skill.clock_size


def check_fits(loaded, env) -> None:
  """Raises CheckpointError when a skill's observation layout is not [goal, the task's clock if it
  reads one, the task's proprioception]."""
  obs, path = loaded.observation, loaded.checkpoint.path
  task_layout = policy_lib.observation_metadata(env)
  clock = policy_lib.clock_size(obs)
  checks = {
    "clock size": (clock, env.skill.clock_size if clock else 0),
    "joints": (obs.get("joints"), task_layout["joints"]),
    "action_size": (obs.get("action_size"), env.action_size),
    "timing": (obs.get("timing"), env.timing.name),
    "actor_layout": (obs.get("actor_layout"), task_layout["actor_layout"]),
    "proprioception size": (obs.get("actor_size", 0) - obs.get("goal_size", 0) - clock, proprioception_size(env)),
  }
  for what, (skill_value, task_value) in checks.items():
    if skill_value != task_value:
      raise CheckpointError(
        f"{path}: skill {loaded.skill}'s observation does not fit task {env.skill.name}: {what} is "
        f"{skill_value!r} in the skill, {task_value!r} in the task"
      )


def load_skills(env, names, sources: dict | None = None) -> list:
  """The task's frozen skills (LoadedPolicy each), checked against robot, skill and layout."""
  sources = dict(sources or {})
  unknown = sorted(set(sources) - set(names))
  if unknown:
    raise SkillBenchError(f"skill_sources names {unknown}, which are not among the blended skills {list(names)}")
  robot = env.embodiment.name
  loaded = []
  for name in names:
    path = skill_path(sources.get(name, library.PRETRAINED), robot, name)
    skill = policy_lib.load(path, embodiment=robot, skill=name)
    check_fits(skill, env)
    loaded.append(skill)
  return loaded
