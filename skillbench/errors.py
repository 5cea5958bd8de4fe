"""Errors that tell the user what went wrong and how to fix it."""

import difflib


class SkillBenchError(Exception):
  """Base class of SkillBench's own errors."""


class UnknownNameError(SkillBenchError, KeyError):
  """An unknown robot, skill, task or backend name."""

  def __init__(self, what: str, name, valid, plural: str | None = None):
    self.what, self.name, self.valid = what, name, tuple(valid)
    close = difflib.get_close_matches(str(name), self.valid, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    super().__init__(f"unknown {what} {name!r}; valid {plural or what + 's'}: {', '.join(self.valid)}.{hint}")

  def __str__(self):  # KeyError would quote the message
    return self.args[0]


class ModelNotFoundError(SkillBenchError, FileNotFoundError):
  """A robot's model files could not be found."""


class ActionShapeError(SkillBenchError, ValueError):
  """An action of the wrong shape."""


class ConfigValueError(SkillBenchError, ValueError):
  """A configuration value outside its allowed range, or an option that would be silently ignored."""


class NonFiniteError(SkillBenchError, ValueError):
  """A NaN or Inf where a number must be finite: a diverged training run, a broken policy or action."""
