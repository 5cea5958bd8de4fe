"""The robots of SkillBench, one module each. `get(name)` returns a robot's `Embodiment`."""

import importlib

from skillbench.errors import UnknownNameError

NAMES = ("h1", "g1", "h1_2", "t1")
_ALIASES = {"h1-2": "h1_2", "h12": "h1_2"}


def get(name: str):
  """The embodiment called `name` (case-insensitive; "h1-2" is accepted for "h1_2")."""
  key = _ALIASES.get(str(name).lower(), str(name).lower())
  if key not in NAMES:
    raise UnknownNameError("robot", name, NAMES)
  return importlib.import_module(f"embodiments.{key}").EMBODIMENT
