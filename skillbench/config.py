"""The one hydra config tree of every SkillBench script (structured dataclass configs).

Each script has a root node here; they share the `env` node (an `EnvConfig`). Override any field
on the command line: `python scripts/render.py embodiment=g1 primitive=walking env.push=false`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hydra.core.config_store import ConfigStore

from skillbench.env_config import EnvConfig

# Keep hydra from writing output folders or changing logging: our scripts write their own files.
_QUIET = [
  "_self_",
  {"override hydra/job_logging": "none"},
  {"override hydra/hydra_logging": "none"},
]


def _hydra_settings():
  return {"run": {"dir": "."}, "output_subdir": None}


@dataclasses.dataclass
class RenderConfig:
  """scripts/render.py: roll out a policy in a primitive environment and write an mp4."""

  defaults: list[Any] = dataclasses.field(default_factory=lambda: list(_QUIET))
  hydra: Any = dataclasses.field(default_factory=_hydra_settings)
  embodiment: str = "h1"
  primitive: str = "reaching"
  backend: str = "mujoco"
  policy: str = "zero"  # zero | random
  seconds: float = 5.0
  seed: int = 0
  width: int = 640
  height: int = 480
  out: str | None = None  # default: videos/<embodiment>_<primitive>_<policy>.mp4
  env: EnvConfig = dataclasses.field(default_factory=EnvConfig)


@dataclasses.dataclass
class BenchmarkConfig:
  """scripts/benchmark.py: env steps per second per robot, backend and batch size."""

  defaults: list[Any] = dataclasses.field(default_factory=lambda: list(_QUIET))
  hydra: Any = dataclasses.field(default_factory=_hydra_settings)
  robots: list[str] = dataclasses.field(default_factory=lambda: ["h1", "g1", "h1_2", "t1"])
  backends: list[str] = dataclasses.field(default_factory=lambda: ["mujoco", "mjx"])
  primitive: str = "walking"
  mujoco_batch_sizes: list[int] = dataclasses.field(default_factory=lambda: [16, 64, 256])
  mjx_batch_sizes: list[int] = dataclasses.field(default_factory=lambda: [16, 64])
  mjx_impls: list[str] = dataclasses.field(default_factory=lambda: ["jax"])
  nthread: int | None = None  # native threads; default: all CPUs
  seconds: float = 2.0  # robot time per measurement (after warm-up)
  out: str = "benchmarks/latest.json"
  env: EnvConfig = dataclasses.field(default_factory=EnvConfig)


def register() -> None:
  store = ConfigStore.instance()
  store.store(name="render", node=RenderConfig)
  store.store(name="benchmark", node=BenchmarkConfig)
