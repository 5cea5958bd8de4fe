"""Hydra's override grammar: values and `key=value` settings written as a hydra script reads them back."""

from __future__ import annotations

import pathlib
import re


def override_value(value) -> str:
  """A value as hydra's override grammar reads it back."""
  if value is None:
    return "null"
  if isinstance(value, bool):
    return "true" if value else "false"
  if isinstance(value, (list, tuple)):
    return "[" + ",".join(override_value(v) for v in value) + "]"
  if isinstance(value, dict):
    return "{" + ",".join(f"{k}:{override_value(v)}" for k, v in value.items()) + "}"
  text = str(value)
  if isinstance(value, str) and (not text or re.search(r"[\s,\[\]{}()'\"=:\\]", text)):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
  return text


def setting(key: str, value) -> str:
  """`key=value` for a hydra script's command line (a path with spaces or commas is quoted)."""
  return f"{key}={override_value(str(value) if isinstance(value, pathlib.Path) else value)}"


def flat_overrides(train: dict, prefix: str = "") -> list[str]:
  """`key=value` overrides from the nested `train` node; keys under a `reward_weights` dict get hydra's
  `+` (they add a key)."""
  out = []
  for key, value in train.items():
    path = f"{prefix}{key}"
    if isinstance(value, dict) and value and not path.endswith("reward_weights"):
      out += flat_overrides(value, path + ".")
    elif isinstance(value, dict):  # a reward_weights dict: one `+` override per term
      out += [f"+{path}.{k}={override_value(v)}" for k, v in value.items()]
    else:
      out.append(f"{path}={override_value(value)}")
  return out
