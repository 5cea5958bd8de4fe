"""The eight SkillBench tasks, one module each. `make(task, embodiment)` builds a task for a robot.

Names are snake case ("box_push"); the paper's CamelCase names ("BoxPush") are accepted too.
"""

import importlib
import re

NAMES = (
  "far_reach", "button_press", "cabinet_close", "football_shoot",
  "box_push", "package_lift", "box_transfer", "package_carry",
)


def display_name(name: str) -> str:
  """The paper's name of a task: "box_push" -> "BoxPush"."""
  return "".join(word.capitalize() for word in canonical(name).split("_"))


def canonical(name: str) -> str:
  """"BoxPush", "box-push" or "box_push" -> "box_push"; unknown names are an error listing the valid ones."""
  key = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", str(name)).replace("-", "_").lower()
  if key not in NAMES:
    from skillbench.errors import UnknownNameError  # skillbench imports this package

    raise UnknownNameError("task", name, NAMES)
  return key


def is_task(name) -> bool:
  try:
    canonical(name)
  except KeyError:  # UnknownNameError
    return False
  return True


def get(name: str):
  """The module of the task called `name`."""
  return importlib.import_module(f"tasks.{canonical(name)}")


def make(name: str, embodiment):
  """The `Task` called `name` for `embodiment`."""
  return get(name).make(embodiment)
