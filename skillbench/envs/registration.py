"""gymnasium ids of every robot x skill and task: `SkillBench/<Robot>-<Skill>-v0` (imports no MuJoCo).

Skills are capitalised ("SkillBench/H1-Reaching-v0"); tasks take the paper's names
("SkillBench/G1-BoxPush-v0").
"""

import gymnasium as gym

import primitives
import tasks

ROBOT_IDS = {"h1": "H1", "g1": "G1", "h1_2": "H1_2", "t1": "T1"}


def env_id(robot: str, skill: str) -> str:
  shown = tasks.display_name(skill) if skill not in primitives.NAMES else skill.capitalize()
  return f"SkillBench/{ROBOT_IDS[robot]}-{shown}-v0"


def register_all() -> None:
  """Registers every id (idempotent)."""
  for robot in ROBOT_IDS:
    for skill in (*primitives.NAMES, *tasks.NAMES):
      name = env_id(robot, skill)
      if name not in gym.registry:
        gym.register(
          name,
          entry_point="skillbench.envs.gym_envs:SkillBenchEnv",
          vector_entry_point="skillbench.envs.gym_envs:SkillBenchVectorEnv",
          kwargs={"robot": robot, "skill": skill},
        )
