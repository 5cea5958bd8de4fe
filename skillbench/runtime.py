"""Process-wide settings every entry point applies before it builds environments."""

from __future__ import annotations

import os
import pathlib

CACHE_ENV = "SKILLBENCH_JAX_CACHE"


def jax_cache_dir() -> pathlib.Path:
  default = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache")) / "skillbench" / "jax"
  return pathlib.Path(os.environ.get(CACHE_ENV, default))


def configure_jax() -> None:
  """Turns on JAX's persistent compilation cache (MJX compiles take tens of seconds on a CPU)."""
  import jax

  path = jax_cache_dir()
  path.mkdir(parents=True, exist_ok=True)
  jax.config.update("jax_compilation_cache_dir", str(path))
  jax.config.update("jax_persistent_cache_min_compile_time_secs", 1.0)
  jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
