"""Picks an offscreen OpenGL backend for MuJoCo before MuJoCo is imported.

MuJoCo reads `MUJOCO_GL` once, when it is first imported, so scripts call `select()` first thing.
Each candidate is tried in a subprocess, so a broken one cannot take this process down.
"""

from __future__ import annotations

import os
import subprocess
import sys

CANDIDATES = ("egl", "osmesa", "glfw")
_PROBE = (
  "import mujoco; m = mujoco.MjModel.from_xml_string('<mujoco/>'); "
  "r = mujoco.Renderer(m, 16, 16); r.render(); r.close()"
)


def works(backend: str, timeout: float = 60.0) -> bool:
  env = {**os.environ, "MUJOCO_GL": backend}
  try:
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, timeout=timeout)
  except subprocess.TimeoutExpired:
    return False
  return done.returncode == 0


def select(verbose: bool = True) -> str:
  """Sets MUJOCO_GL to the first backend that renders (the user's choice first) and returns it."""
  if "mujoco" in sys.modules and os.environ.get("MUJOCO_GL"):
    return os.environ["MUJOCO_GL"]  # too late to change; keep what MuJoCo already uses
  wanted = os.environ.get("MUJOCO_GL")
  tried = []
  for backend in ([wanted] if wanted else []) + [c for c in CANDIDATES if c != wanted]:
    tried.append(backend)
    if works(backend):
      os.environ["MUJOCO_GL"] = backend
      if verbose:
        print(f"rendering offscreen with MUJOCO_GL={backend}", flush=True)
      return backend
  raise RuntimeError(
    f"no OpenGL backend could render (tried MUJOCO_GL={', '.join(tried)}). Install EGL "
    "(libegl1, e.g. with Mesa: libegl-mesa0) or OSMesa (libosmesa6), or run where a display exists."
  )
