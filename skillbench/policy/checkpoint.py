"""Checkpoints: one safetensors file of arrays plus JSON metadata; loading never runs code.

Checkpoints are shared and submitted, so they are untrusted input. A checkpoint is a
`.safetensors` file (a JSON header and raw little-endian arrays: no pickle) whose metadata holds
the format and version, the kind ("policy": what acting needs; "training": the whole training
state, for `resume`), the robot, skill, observation layout, network sizes and a sha256 over
every array, checked on load. Files are written atomically: to a temporary file in the same
folder, flushed, then renamed, so a reader never sees half a checkpoint.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import tempfile

import jax
import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import load_file, save_file

from skillbench.errors import NonFiniteError, SkillBenchError

FORMAT = "skillbench-checkpoint"
VERSION = 1
KINDS = ("policy", "training")
MAX_BYTES = 2 * 1024**3  # refuse anything larger than this (bytes) before reading it


class CheckpointError(SkillBenchError, ValueError):
  """A checkpoint that is missing, damaged, of another format, or for another robot or skill."""


def _digest(arrays: dict) -> str:
  h = hashlib.sha256()
  for key in sorted(arrays):
    a = np.ascontiguousarray(arrays[key])
    h.update(key.encode())
    h.update(str(a.dtype).encode())
    h.update(str(a.shape).encode())
    h.update(a.tobytes())
  return h.hexdigest()


def flatten(tree) -> dict[str, np.ndarray]:
  """A pytree as {path: array}, paths as jax.tree_util.keystr writes them."""
  leaves = jax.tree_util.tree_flatten_with_path(tree)[0]
  return {jax.tree_util.keystr(path): np.asarray(leaf) for path, leaf in leaves}


def unflatten(template, arrays: dict[str, np.ndarray], prefix: str = "", source="checkpoint"):
  """Fills `template`'s structure with `arrays[prefix + path]`; shapes and dtypes must match."""
  paths, treedef = jax.tree_util.tree_flatten_with_path(template)
  leaves = []
  for path, leaf in paths:
    key = prefix + jax.tree_util.keystr(path)
    if key not in arrays:
      raise CheckpointError(f"{source}: has no array {key!r} (it was written by another network or version)")
    value = arrays[key]
    shape, dtype = tuple(np.shape(leaf)), np.dtype(leaf.dtype)  # arrays or jax.ShapeDtypeStructs
    if shape == () and value.shape == (1,):  # safetensors stores scalars as one-element arrays
      value = value.reshape(())
    if value.shape != shape or value.dtype != dtype:
      raise CheckpointError(
        f"{source}: array {key!r} is {value.dtype}{list(value.shape)}, expected {dtype}{list(shape)}"
      )
    leaves.append(value)
  return jax.tree_util.tree_unflatten(treedef, leaves)


def save(path, arrays: dict[str, np.ndarray], kind: str, **metadata) -> pathlib.Path:
  """Writes a checkpoint atomically. metadata values are JSON-encoded."""
  if kind not in KINDS:
    raise ValueError(f"kind must be one of {KINDS}")
  path = pathlib.Path(path)
  arrays = {k: np.ascontiguousarray(v) for k, v in arrays.items()}
  if kind == "policy":
    require_finite(arrays, path)
  path.parent.mkdir(parents=True, exist_ok=True)
  header = {"format": FORMAT, "format_version": str(VERSION), "kind": kind, "arrays_sha256": _digest(arrays)}
  header.update({k: json.dumps(v) for k, v in metadata.items()})
  fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
  os.close(fd)
  try:
    save_file(arrays, tmp, metadata=header)
    with open(tmp, "rb+") as f:
      os.fsync(f.fileno())
    os.replace(tmp, path)
  finally:
    if os.path.exists(tmp):
      os.unlink(tmp)
  return path


def require_finite(arrays: dict[str, np.ndarray], path) -> None:
  """Raises NonFiniteError naming the arrays that hold NaN or Inf: a policy file must act finitely."""
  bad = [k for k, a in arrays.items() if np.issubdtype(a.dtype, np.floating) and not np.isfinite(a).all()]
  if bad:
    shown = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
    raise NonFiniteError(f"refusing to write policy {path}: its arrays {shown} hold NaN or Inf (a diverged "
                         "training run); a policy file must act finitely")


class Checkpoint:
  """A loaded, verified checkpoint: `arrays`, `kind`, and the decoded `metadata`."""

  def __init__(self, path, arrays, kind, metadata):
    self.path, self.arrays, self.kind, self.metadata = pathlib.Path(path), arrays, kind, metadata

  @property
  def embodiment(self) -> str:
    return self.metadata["embodiment"]

  @property
  def skill(self) -> str:
    return self.metadata["skill"]

  def sha256(self) -> str:
    return file_sha256(self.path)


def _header(path: pathlib.Path, read_arrays: bool) -> tuple[dict, dict | None]:
  """The checkpoint's raw header strings and, if asked, its arrays; CheckpointError when unreadable."""
  if path.is_dir():
    raise CheckpointError(f"checkpoint {path} is a folder, not a checkpoint file: give a .safetensors file in it")
  if not path.is_file():
    raise CheckpointError(f"checkpoint {path} does not exist")
  if path.stat().st_size > MAX_BYTES:
    raise CheckpointError(f"checkpoint {path} is {path.stat().st_size} bytes, over the {MAX_BYTES}-byte limit")
  try:
    with safe_open(str(path), "numpy") as f:
      header = f.metadata() or {}
    arrays = load_file(str(path)) if read_arrays else None
  except (SafetensorError, OSError, ValueError, RuntimeError) as e:
    raise CheckpointError(
      f"{path} is not a readable SkillBench checkpoint (damaged, truncated, or another format such as "
      f"a pickle): {e}"
    ) from e
  if header.get("format") != FORMAT:
    raise CheckpointError(f"{path} is a safetensors file but not a SkillBench checkpoint (format {header.get('format')!r})")
  if header.get("format_version") != str(VERSION):
    raise CheckpointError(
      f"{path} has checkpoint format version {header.get('format_version')!r}; this SkillBench reads version {VERSION}"
    )
  if header.get("kind") not in KINDS:
    raise CheckpointError(f"{path} has unknown kind {header.get('kind')!r}")
  return header, arrays


def _decode(path: pathlib.Path, header: dict) -> dict:
  try:
    return {k: json.loads(v) for k, v in header.items() if k not in ("format", "format_version", "kind", "arrays_sha256")}
  except json.JSONDecodeError as e:
    raise CheckpointError(f"{path} has malformed metadata: {e}") from e


def read_metadata(path) -> dict:
  """A checkpoint's decoded metadata from its JSON header alone, without reading or verifying its
  arrays: for listing and matching checkpoints (which skills a blender blends, how a run was trained).
  Whatever acts on the arrays uses `load`, which checks them against the header's checksum."""
  path = pathlib.Path(path)
  return _decode(path, _header(path, read_arrays=False)[0])


def load(path, expect_embodiment: str | None = None, expect_skill: str | None = None,
         expect_kind: str | None = None) -> Checkpoint:
  """Reads and verifies a checkpoint; every problem is a CheckpointError naming file and cause."""
  path = pathlib.Path(path)
  header, arrays = _header(path, read_arrays=True)
  if header.get("arrays_sha256") != _digest(arrays):
    raise CheckpointError(f"{path} is damaged: its arrays do not match the checksum in its header")
  kind = header["kind"]
  metadata = _decode(path, header)
  ckpt = Checkpoint(path, arrays, kind, metadata)
  for what, want, have in (("robot", expect_embodiment, metadata.get("embodiment")),
                           ("skill", expect_skill, metadata.get("skill"))):
    if want is not None and have != want:
      raise CheckpointError(f"{path} is a checkpoint of {what} {have!r}, not {want!r}")
  if expect_kind is not None and kind != expect_kind:
    raise CheckpointError(f"{path} is a {kind} checkpoint; a {expect_kind} checkpoint is needed here")
  return ckpt


def file_sha256(path) -> str:
  h = hashlib.sha256()
  with open(path, "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
      h.update(block)
  return h.hexdigest()
