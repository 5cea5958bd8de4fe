"""gymnasium ids of every robot x skill and task: `SkillBench/<Robot>-<Skill>-v0` (imports no MuJoCo).

Skills are capitalised ("SkillBench/H1-Reaching-v0"); tasks take the paper's names
("SkillBench/G1-BoxPush-v0").
"""

import gymnasium as gym

from skillbench import catalog


def env_id(robot: str, skill: str) -> str:
  shown = catalog.task_display_name(skill) if skill not in catalog.skill_names() else skill.capitalize()
  return f"SkillBench/{robot.upper()}-{shown}-v0"


def register_all() -> None:
  """Registers every id of every robot in the catalog (idempotent: call it again after `catalog.add_robot`)."""
  for robot in catalog.robot_names():
    for skill in (*catalog.skill_names(), *catalog.task_names()):
      name = env_id(robot, skill)
      if name not in gym.registry:
        gym.register(
          name,
          entry_point="skillbench.envs.gym_envs:SkillBenchEnv",
          vector_entry_point="skillbench.envs.gym_envs:SkillBenchVectorEnv",
          kwargs={"robot": robot, "skill": skill},
        )
