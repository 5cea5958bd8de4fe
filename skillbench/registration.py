"""gymnasium ids of every robot x skill: `SkillBench/<Robot>-<Skill>-v0` (imports no MuJoCo)."""

import gymnasium as gym

import primitives

ROBOT_IDS = {"h1": "H1", "g1": "G1", "h1_2": "H1_2", "t1": "T1"}


def env_id(robot: str, skill: str) -> str:
  return f"SkillBench/{ROBOT_IDS[robot]}-{skill.capitalize()}-v0"


def register_all() -> None:
  """Registers every id (idempotent)."""
  for robot in ROBOT_IDS:
    for skill in primitives.NAMES:
      name = env_id(robot, skill)
      if name not in gym.registry:
        gym.register(
          name,
          entry_point="skillbench.gym_envs:SkillBenchEnv",
          vector_entry_point="skillbench.gym_envs:SkillBenchVectorEnv",
          kwargs={"robot": robot, "skill": skill},
        )
