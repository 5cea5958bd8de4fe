"""The one place that knows the plug-ins: robots, skills, tasks and the blender's training methods.

  catalog.robot("g1")                    # the Embodiment of embodiments/g1.py
  catalog.task("BoxPush", embodiment)    # the Task of tasks/box_push.py for a robot
  catalog.skill_names()                  # ("walking", "reaching", "squatting", "stepping")

Each plug-in package holds one module per plug-in and is listed without importing anything (so
`import skillbench` registers every gymnasium id without MuJoCo or JAX): `embodiments/<robot>.py`
defines `EMBODIMENT`, `primitives/<skill>.py` and `tasks/<task>.py` define `make(embodiment)`.
A package's `ORDER` names the benchmark's own plug-ins in the paper's order (tables follow it;
modules it does not name come after them, by name) and its `HELPERS` the modules of shared code.
Adding a robot is adding its module; `add_robot` registers one from elsewhere (a test, a user's
package). Modules are imported when first asked for.

The core reaches the plug-ins only through this module (an import-linter contract checks it), and
a plug-in hands the core data on its `Embodiment`, `Skill` or `Task`, never a name to look up.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from skillbench.errors import UnknownNameError

ROBOTS, SKILLS, TASKS, BLENDER = "embodiments", "primitives", "tasks", "blender_policy"
_added_robots: dict = {}


def _listed(package: str) -> tuple[str, ...]:
  """The plug-in modules of `package`: its ORDER first, then the rest by name, helpers left out."""
  pkg = importlib.import_module(package)
  helpers = set(getattr(pkg, "HELPERS", ()))
  found = {m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_") and m.name not in helpers}
  order = [n for n in getattr(pkg, "ORDER", ()) if n in found]
  return (*order, *sorted(found - set(order)))


# Robots.


def robot_names() -> tuple[str, ...]:
  """Every robot: the modules of embodiments/, then robots added with `add_robot`."""
  listed = _listed(ROBOTS)
  return (*listed, *(n for n in _added_robots if n not in listed))


def robot_key(name: str) -> str:
  """A robot's name as the catalog knows it: lower case, "h1-2" spelt "h1_2"; unknown names are an
  `UnknownNameError` listing the robots."""
  key = str(name).lower().replace("-", "_")
  if key not in robot_names():
    raise UnknownNameError("robot", name, robot_names())
  return key


def robot(name):
  """The `Embodiment` called `name` (case-insensitive); an Embodiment is returned as it is."""
  if not isinstance(name, str):
    return name
  key = robot_key(name)
  if key in _added_robots:
    return _added_robots[key]
  return importlib.import_module(f"{ROBOTS}.{key}").EMBODIMENT


def add_robot(embodiment) -> None:
  """Registers a robot defined outside embodiments/ under its `name` (which no robot may have yet)."""
  key = embodiment.name
  if key != key.lower() or "-" in key:
    raise ValueError(f"robot name {key!r}: use lower case and underscores (e.g. {key.lower().replace('-', '_')!r})")
  if key in _listed(ROBOTS) or (key in _added_robots and _added_robots[key] is not embodiment):
    raise ValueError(f"a robot called {key!r} exists already; give the new robot another name")
  _added_robots[key] = embodiment


def remove_robot(name: str) -> None:
  """Forgets a robot added with `add_robot` (tests clean up with it)."""
  _added_robots.pop(name, None)


# Skills and tasks.


def skill_names() -> tuple[str, ...]:
  return _listed(SKILLS)


def skill_module(name: str):
  """The module of the primitive skill called `name` (case-insensitive)."""
  key = str(name).lower()
  if key not in skill_names():
    raise UnknownNameError("skill", name, skill_names())
  return importlib.import_module(f"{SKILLS}.{key}")


def skill(name: str, embodiment):
  """The primitive `Skill` called `name` for `embodiment` (an Embodiment or a robot name)."""
  return skill_module(name).make(robot(embodiment))


def task_names() -> tuple[str, ...]:
  return _listed(TASKS)


def task_name(name: str) -> str:
  """"BoxPush", "box-push" or "box_push" -> "box_push"; unknown names are an error listing the tasks."""
  key = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", str(name)).replace("-", "_").lower()
  if key not in task_names():
    raise UnknownNameError("task", name, task_names())
  return key


def is_task(name) -> bool:
  try:
    task_name(name)
  except UnknownNameError:
    return False
  return True


def task_display_name(name: str) -> str:
  """The paper's name of a task: "box_push" -> "BoxPush"."""
  return "".join(word.capitalize() for word in task_name(name).split("_"))


def task_module(name: str):
  return importlib.import_module(f"{TASKS}.{task_name(name)}")


def task(name: str, embodiment):
  """The `Task` called `name` (snake or CamelCase) for `embodiment` (an Embodiment or a robot name)."""
  return task_module(name).make(robot(embodiment))


def skill_or_task(name: str, embodiment):
  """The primitive skill or the task called `name` for `embodiment`."""
  if str(name).lower() in skill_names():
    return skill(name, embodiment)
  if is_task(name):
    return task(name, embodiment)
  raise UnknownNameError("skill or task", name, (*skill_names(), *task_names()), plural="skills and tasks")


# The blender.


def blender():
  """The blender plug-in (`blender_policy`): `METHODS`, `GOAL_BOUNDS`, `build_actor`, `save` and `load` of blender
  policies."""
  return importlib.import_module(BLENDER)
