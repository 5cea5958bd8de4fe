"""Where robot model files come from, and a clear error when they are not there.

H1, G1 and T1 come through the `mujoco-menagerie` package, which downloads and caches them on first
use and reads a local copy instead when `MENAGERIE_ROOT` is set. H1-2 is not in Menagerie: it is
read from a directory laid out as Unitree's `unitree_mujoco/unitree_robots`, named by the
`UNITREE_MUJOCO_ROOT` environment variable (or passed as `unitree_root`).
"""

from __future__ import annotations

import os
import pathlib

from skillbench.errors import ModelNotFoundError
from skillbench.robot.embodiment import Embodiment, MenagerieModel, UnitreeMujocoModel

UNITREE_ENV = "UNITREE_MUJOCO_ROOT"


def robot_xml(embodiment: Embodiment, unitree_root: str | os.PathLike | None = None) -> pathlib.Path:
  """Path of the robot's MJCF file; raises ModelNotFoundError saying where it looked."""
  source = embodiment.model
  if isinstance(source, MenagerieModel):
    return _menagerie_xml(source)
  if isinstance(source, UnitreeMujocoModel):
    return _unitree_xml(source, unitree_root)
  raise TypeError(f"unknown model source {source!r}")


def _menagerie_xml(source: MenagerieModel) -> pathlib.Path:
  import mujoco_menagerie

  root = os.environ.get("MENAGERIE_ROOT")
  try:
    folder = pathlib.Path(mujoco_menagerie.get(source.robot).path())
  except (mujoco_menagerie.MenagerieError, OSError) as e:
    where = (
      f"MENAGERIE_ROOT={root}" if root
      else f"the mujoco-menagerie download cache ({mujoco_menagerie.Cache().dir})"
    )
    raise ModelNotFoundError(
      f"Menagerie model {source.robot!r} not found: looked in {where} ({e}). "
      "Fix: run once with internet access so mujoco-menagerie can download it, or set "
      "MENAGERIE_ROOT to a folder holding "
      f"{source.robot}/ (a clone of github.com/google-deepmind/mujoco_menagerie)."
    ) from e
  path = folder / source.file
  if not path.is_file():
    raise ModelNotFoundError(f"{path} is missing from the Menagerie model folder {folder}.")
  return path


def _unitree_xml(source: UnitreeMujocoModel, unitree_root) -> pathlib.Path:
  how = (
    f"Fix: clone https://github.com/unitreerobotics/unitree_mujoco and set {UNITREE_ENV} to its "
    f"unitree_robots/ folder (the folder holding {source.folder}/), or pass unitree_root=..."
  )
  root = unitree_root or os.environ.get(UNITREE_ENV)
  if not root:
    raise ModelNotFoundError(
      f"Robot model {source.folder}/{source.file} comes from Unitree's unitree_mujoco repository, "
      f"and {UNITREE_ENV} is not set. {how}"
    )
  root = pathlib.Path(root).expanduser()
  candidates = [root / source.folder / source.file, root / "unitree_robots" / source.folder / source.file]
  for path in candidates:
    if path.is_file():
      return path
  raise ModelNotFoundError(
    f"Robot model {source.folder}/{source.file} not found: looked for "
    f"{' and '.join(str(c) for c in candidates)}. {how}"
  )
