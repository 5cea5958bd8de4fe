"""The training methods of scripts/train_blender.py and the actor each one trains.

  blender     SkillBlender: sub-goals + per-joint softmax weights over the task's skills
  no_softmax  the ablation: the same, with the raw (unnormalised) weights
  hb          HumanoidBench-style hierarchy: a frozen FarReach policy as the only low-level skill,
              driven through its wrist targets by the high level
  ppo         the flat baseline: an MLP over the joint action, no skills

Skill subsets (the paper's "without walking" etc.) are `skills=[reaching]` with any skill method;
`goal_bound=tanh` bounds the sub-goals smoothly instead of the original's clip (`network.py`);
`arms_hidden_from=[walking]` has the named skills read the arm joints at their default pose.
"""

from __future__ import annotations

from blender_policy import skills as skills_lib
from blender_policy.network import GOAL_BOUNDS, Blender, FrozenSkill
from skillbench.errors import SkillBenchError, UnknownNameError
from skillbench.robot.embodiment import ARM_KINDS

METHODS = ("blender", "ppo", "no_softmax", "hb")
HB_SKILL = "far_reach"
HB_CLAMP = 3.0  # m: the FarReach policy's wrist-target differences reach about 2.5 m


def skill_names(method: str, task, requested=None) -> tuple[str, ...]:
  """The skills a method blends for `task` (a Task)."""
  if method == "hb":
    return (HB_SKILL,)
  names = tuple(requested) if requested else task.skills
  if not names:
    raise SkillBenchError(f"method={method} needs at least one skill")
  return names


def build_actor(method: str, env, hidden, requested_skills=None, sources=None, low_level=None, goal_bound="clip",
                arms_hidden_from=()):
  """(actor network, loaded skills) for `method` on task environment `env`; (None, []) for ppo.

  arms_hidden_from: blended skills that read the robot's arm joints (`ARM_KINDS`) as if still at
  their default angles (`FrozenSkill.view`)."""
  if method not in METHODS:
    raise UnknownNameError("method", method, METHODS)
  if goal_bound not in GOAL_BOUNDS:
    raise UnknownNameError("goal_bound", goal_bound, GOAL_BOUNDS)
  if method == "ppo":
    return None, []
  names = skill_names(method, env.skill, requested_skills)
  sources = dict(sources or {})
  if method == "hb":
    if not low_level:
      raise SkillBenchError(
        "method=hb needs low_level=<FarReach run dir or policy file> (train it with method=ppo task=far_reach)"
      )
    sources = {HB_SKILL: low_level}
  unknown = sorted(set(arms_hidden_from) - set(names))
  if unknown:
    raise SkillBenchError(f"arms_hidden_from={list(arms_hidden_from)} names {unknown}, which method={method} does not "
                          f"blend here; it blends {list(names)}: name some of those or leave arms_hidden_from empty")
  loaded = skills_lib.load_skills(env, names, sources)
  clamps = [HB_CLAMP if method == "hb" else skills_lib.clamp(s.skill, env.embodiment) for s in loaded]
  arms = env.embodiment.joint_indices(kinds=ARM_KINDS)
  frozen = tuple(FrozenSkill.from_loaded(s, c, arms if name in arms_hidden_from else ())
                 for s, c, name in zip(loaded, clamps, names))
  actor = Blender(
    skills=frozen, task_obs_size=env.skill.goal_size, action_size=env.action_size, hidden=tuple(hidden),
    weighting="none" if method == "no_softmax" else "softmax", task_clock_size=env.skill.clock_size,
    goal_bound=goal_bound,
  )
  return actor, loaded
