"""Shared fixtures. Environments are cached per session: MJX compiles take tens of seconds here."""

import os
import pathlib

os.environ.setdefault("MUJOCO_GL", "egl")
# Tests check behaviour, not speed: XLA's cheapest optimisation level compiles about 30 % faster.
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")

_SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "robots"
if _SHARED.is_dir():  # the offline copies of this workplace, when the caller named none
  os.environ.setdefault("MENAGERIE_ROOT", str(_SHARED / "menagerie"))
  os.environ.setdefault("UNITREE_MUJOCO_ROOT", str(_SHARED / "unitree_mujoco"))

import jax
import pytest

from skillbench import runtime

runtime.configure_jax()


@pytest.fixture
def key():
  return jax.random.PRNGKey(0)
