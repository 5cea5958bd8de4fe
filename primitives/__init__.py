"""The four primitive skills, one module each. `make(skill, embodiment)` builds a skill for a robot."""

import importlib

NAMES = ("walking", "reaching", "squatting", "stepping")


def get(name: str):
  """The module of the skill called `name` (case-insensitive)."""
  key = str(name).lower()
  if key not in NAMES:
    from skillbench.errors import UnknownNameError  # skillbench imports this package

    raise UnknownNameError("skill", name, NAMES)
  return importlib.import_module(f"primitives.{key}")


def make(name: str, embodiment):
  """The `Skill` called `name` for `embodiment`."""
  return get(name).make(embodiment)
