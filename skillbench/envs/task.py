"""What a loco-manipulation task adds to a skill: its level, skills and how it is scored.

A task is a `Skill` whose scene holds objects (`Skill.add_objects`) and whose goal error is the task's
Error (spec section 6): `tasks/<task>.py` builds one `Task` per robot with `make(embodiment)`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from skillbench.envs import gait
from skillbench.envs.skill import Skill

LEVELS = ("easy", "medium", "hard")
ERROR_AT = ("end", "switches")


@dataclasses.dataclass(frozen=True, eq=False)
class Task(Skill):
  """A task for one robot.

  Attributes (besides `Skill`'s):
    display_name: the paper's name (e.g. "BoxPush").
    level: "easy", "medium" or "hard".
    skills: the primitive skills SkillBlender blends for this task (spec section 5).
    threshold: success when the Error is below this (the Error's unit, `error_unit`).
    error_at: "end": Error at the rollout's final state; "switches": mean of the Errors just
      before each goal switch (FarReach).
    objects: names of the objects the scene adds (for documentation and tests).
    clock_size, clock: every task's actor sees the gait clock (`skillbench.envs.gait`), so that a
      blender can feed it to a walking skill, whichever skills it blends.
    eval_goal_period_s: the goal-switch period (s) the evaluation protocol sets (FarReach: 5 s), or
      None to keep the episode's goal.
  """

  display_name: str = ""
  level: str = "easy"
  skills: tuple[str, ...] = ()
  threshold: float = 0.05
  error_at: str = "end"
  objects: tuple[str, ...] = ()
  clock_size: int = gait.CLOCK_SIZE
  clock: Callable = gait.clock
  eval_goal_period_s: float | None = None

  def __post_init__(self):
    super().__post_init__()
    if self.level not in LEVELS:
      raise ValueError(f"task {self.name}: level must be one of {LEVELS}")
    if self.error_at not in ERROR_AT:
      raise ValueError(f"task {self.name}: error_at must be one of {ERROR_AT}")
