"""The one hydra config tree of every SkillBench script (structured dataclass configs).

Each script has a root node here; they share the `env` node (an `EnvConfig`). Override any field
on the command line: `python scripts/render.py embodiment=g1 primitive=walking env.push=false`.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from skillbench import catalog
from skillbench.envs.env_config import EnvConfig
from skillbench.errors import ConfigValueError
from skillbench.training.fast_td3 import FastTD3Config
from skillbench.training.ppo import PPOConfig


# Keep hydra from writing output folders or changing logging: our scripts write their own files.
def _defaults(*choices):
  """A defaults list: this node, its group choices, and hydra told to keep quiet."""
  return ["_self_", *choices, {"override hydra/job_logging": "none"}, {"override hydra/hydra_logging": "none"}]


def _hydra_settings():
  # Runs write their own folders; hydra's sweep record (multirun.yaml) goes to the temp folder.
  sweeps = "${oc.env:TMPDIR,/tmp}/skillbench-sweeps/${now:%Y%m%d-%H%M%S}"
  return {"run": {"dir": "."}, "sweep": {"dir": sweeps}, "output_subdir": None}


# ------------------------------------------------------------------ groups
@dataclasses.dataclass
class EmbodimentConfig:
  """Group `embodiment`: h1, g1, h1_2, t1."""

  name: str = "h1"
  unitree_root: str | None = None  # folder holding h1_2/ (default: $UNITREE_MUJOCO_ROOT)


@dataclasses.dataclass
class PrimitiveConfig:
  """Group `primitive`: walking, reaching, squatting, stepping.

  `reward_weights` replaces weights of the skill's reward terms (its module's table) for training,
  e.g. `+primitive.reward_weights.feet_pos=10` (hydra's `+` adds a key); any term the skill defines
  may be named.
  """

  name: str = "reaching"
  reward_weights: dict[str, float] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class TaskConfig:
  """Group `task`: far_reach, button_press, cabinet_close, football_shoot, box_push, package_lift,
  box_transfer, package_carry.

  `reward_weights`: as `PrimitiveConfig.reward_weights`, for the task's reward terms.
  """

  name: str = "box_push"
  reward_weights: dict[str, float] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class BackendConfig:
  """Group `backend`: mujoco (native, CPU threads) or mjx."""

  name: str = "mujoco"
  nthread: int | None = None  # mujoco: threads (default: all CPUs)
  impl: str = "jax"  # mjx: jax or warp

  def kwargs(self) -> dict:
    if self.name == "mujoco":
      return {} if self.nthread is None else {"nthread": self.nthread}
    return {"impl": self.impl}


@dataclasses.dataclass
class TrainerConfig:
  """Group `trainer`: brax (SkillBench's JAX PPO, the default), sb3 (stable-baselines3 PPO) or
  fast_td3 (off-policy FastTD3, `skillbench.training.fast_td3`).

  brax and sb3 read the same PPO hyperparameters (`ppo`), fast_td3 its own (`fast_td3`).
  total_env_steps: when to stop; checkpoint_every: iterations between training checkpoints, of
  which the last keep_checkpoints are kept (0: all, for `tools/checkpoint_curve.py`).
  """

  name: str = "brax"
  total_env_steps: int = 20_000_000
  checkpoint_every: int = 50
  keep_checkpoints: int = 3
  ppo: PPOConfig = dataclasses.field(default_factory=PPOConfig)
  fast_td3: FastTD3Config = dataclasses.field(default_factory=FastTD3Config)


@dataclasses.dataclass
class TrainConfig:
  """scripts/train_primitive.py: train one primitive skill for one robot.

  `resume=<run dir>` continues a run from its latest checkpoint with that run's configuration.
  `init=<run dir, checkpoint or policy file, or pretrained>` starts a new run (this configuration,
  e.g. other goal ranges) from another run's networks and normalisers (and optimiser state, from a
  training checkpoint): a warm start, fine-tuning. `init=pretrained` starts from the library entry.
  """

  defaults: list[Any] = dataclasses.field(default_factory=lambda: _defaults(
    {"embodiment": "h1"}, {"primitive": "reaching"}, {"backend": "mujoco"}, {"trainer": "brax"}, {"preset": "cpu"}))
  hydra: Any = dataclasses.field(default_factory=_hydra_settings)
  embodiment: EmbodimentConfig = MISSING
  primitive: PrimitiveConfig = MISSING
  backend: BackendConfig = MISSING
  trainer: TrainerConfig = MISSING
  env: EnvConfig = dataclasses.field(default_factory=lambda: EnvConfig(random_episode_start=True))
  seed: int = 0
  runs_root: str = "runs"
  run_dir: str | None = None
  resume: str | None = None
  init: str | None = None  # warm start: run dir, checkpoint, policy file or `pretrained` (training/warm_start.py)
  wandb: bool = False
  time_limit_min: float | None = None  # min (> 0) of training wall-clock, then save and stop; null: no limit
  final_eval_rollouts: int = 8  # evaluation rollouts when training ends (0: none)
  final_eval_seconds: float | None = None


@dataclasses.dataclass
class SkillSourcesConfig:
  """Where each frozen skill of a blender comes from: `pretrained` (the library), a run folder or a
  policy file. E.g. `skill_sources.walking=runs/h1-walking-brax-20261128-101500`."""

  walking: str = "pretrained"
  reaching: str = "pretrained"
  squatting: str = "pretrained"
  stepping: str = "pretrained"


@dataclasses.dataclass
class TrainBlenderConfig(TrainConfig):
  """scripts/train_blender.py: train a task policy for one robot.

  method: blender (SkillBlender, the default), ppo (flat baseline), no_softmax (ablation) or hb
  (HumanoidBench-style, needs low_level=<FarReach run or policy>). skills: the blended skills
  (default: the task's; a subset is the paper's skill ablation). skill_sources: per skill,
  `pretrained` (the library, the default), a run folder or a policy file. goal_bound: how the
  sub-goals are bounded to their skill's range, `clip` (the original's) or `tanh` (smooth; see
  blender_policy/network.py). arms_hidden_from: blended skills that read the arm joints as if still
  at their default angles (e.g. `[walking]`: walking balances on its legs whatever the arms do; the
  original's skills see every joint, the default `[]`).
  """

  defaults: list[Any] = dataclasses.field(default_factory=lambda: _defaults(
    {"embodiment": "h1"}, {"task": "button_press"}, {"backend": "mujoco"}, {"trainer": "brax"}, {"preset": "cpu"}))
  primitive: Any = None
  task: TaskConfig = MISSING
  method: str = "blender"
  skills: list[str] | None = None
  skill_sources: SkillSourcesConfig = dataclasses.field(default_factory=SkillSourcesConfig)
  low_level: str | None = None
  goal_bound: str = "clip"
  arms_hidden_from: list[str] = dataclasses.field(default_factory=list)


# Presets: the scale of a run. They override trainer (and backend) settings; anything they set
# can still be overridden on the command line after them.
PRESETS = {
  "smoke": {  # a minute on a CPU: for tests
    "trainer": {
      "total_env_steps": 1024, "checkpoint_every": 2,
      "ppo": {"num_envs": 8, "unroll_length": 16, "num_minibatches": 2, "num_epochs": 2,
              "actor_hidden": [32, 32], "critic_hidden": [32, 32]},
      "fast_td3": {"num_envs": 8, "steps_per_iteration": 16, "buffer_size": 64, "batch_size": 64, "num_updates": 1,
                   "learning_starts": 8, "num_atoms": 21, "actor_hidden": [32, 32], "critic_hidden": [32, 32]},
    },
    "final_eval_rollouts": 2, "final_eval_seconds": 1.0,
  },
  "cpu": {  # this 2-core machine, native backend: under an hour per skill (the time limit ends it)
    "trainer": {
      "total_env_steps": 60_000_000, "checkpoint_every": 20,
      "ppo": {"num_envs": 256, "unroll_length": 24, "num_minibatches": 4, "num_epochs": 5,
              "actor_hidden": [256, 128, 64], "critic_hidden": [256, 128, 64]},
      # FastTD3Config's defaults, restated: gradient updates take about 2/3 of the time here (18-25 ms each; a
      # batch of 1024 with a [512, 256, 128] critic took 86 ms). docs/TRAINING.md, "Off-policy: fast_td3"
      "fast_td3": {"num_envs": 128, "steps_per_iteration": 16, "buffer_size": 1024, "batch_size": 512,
                   "num_updates": 2, "actor_hidden": [256, 128, 64], "critic_hidden": [256, 128, 64]},
    },
    "time_limit_min": 58.0,
  },
  "gpu": {  # MJX, thousands of environments, the paper's networks
    "defaults": [{"override /backend": "mjx"}],
    "trainer": {
      "total_env_steps": 50_000_000, "checkpoint_every": 20,
      "ppo": {"num_envs": 8192, "unroll_length": 24, "num_minibatches": 8, "num_epochs": 5},
      # FastTD3's MuJoCo Playground humanoid settings (G1/T1 joystick: 50 Hz, like ours)
      "fast_td3": {"num_envs": 1024, "steps_per_iteration": 16, "buffer_size": 10240, "batch_size": 32768,
                   "num_updates": 2, "n_steps": 1, "actor_hidden": [512, 256, 128],
                   "critic_hidden": [1024, 512, 256]},
    },
  },
}


@dataclasses.dataclass
class RenderConfig:
  """scripts/render.py: roll out a policy in a primitive or task environment and write an mp4.

  The policy: `run=<run dir>` (its final policy), `checkpoint=<file or run dir>` or `checkpoint=pretrained`
  (the library's, for embodiment and primitive), else `policy=zero|random`. `task=<task>`
  renders a task instead of the primitive, and also writes a still of its scene (PNG).
  """

  defaults: list[Any] = dataclasses.field(default_factory=lambda: _defaults(
    {"embodiment": "h1"}, {"primitive": "reaching"}, {"task": None}, {"backend": "mujoco"}))
  hydra: Any = dataclasses.field(default_factory=_hydra_settings)
  embodiment: Any = MISSING
  primitive: Any = MISSING
  task: Any = None
  backend: Any = MISSING
  policy: str = "zero"  # zero | random (when no run or checkpoint is given)
  run: str | None = None
  checkpoint: str | None = None
  seconds: float = 5.0
  seed: int = 0
  width: int = 640
  height: int = 480
  out: str | None = None  # default: videos/<embodiment>_<primitive>_<policy>.mp4
  env: EnvConfig = dataclasses.field(default_factory=EnvConfig)


@dataclasses.dataclass
class EvaluateConfig:
  """scripts/evaluate.py: N deterministic rollouts of a policy from fixed seeds, JSON out.

  The policy: `run=<run dir>`, `checkpoint=<file or run dir>`, `checkpoint=pretrained` or `policy=zero`
  (the zero-action baseline; needs embodiment and primitive or task). `backends=[mujoco,mjx]`
  evaluates the same policy on both (the sim-to-sim check). Settings: EnvConfig.evaluation();
  tasks follow the task protocol (20 rollouts, Error and success; FarReach switches goals every 5 s).
  `goal_range_scale=0.3` evaluates a skill at narrowed goal ranges (walking: the commands a run
  trained on with env.goal_range_scale=0.3); the benchmark's numbers keep 1.0. For walking it also
  writes the command sweep (`skillbench.evaluation.command_sweep`) beside the JSON: <out>_sweep.md and .png.
  """

  defaults: list[Any] = dataclasses.field(default_factory=lambda: _defaults(
    {"embodiment": None}, {"primitive": None}, {"task": None}))
  hydra: Any = dataclasses.field(default_factory=_hydra_settings)
  run: str | None = None
  checkpoint: str | None = None
  policy: str | None = None  # zero
  embodiment: Any = None
  primitive: Any = None
  task: Any = None
  backends: list[str] = dataclasses.field(default_factory=lambda: ["mujoco"])
  impl: str = "jax"
  timing: str | None = None  # default: the policy's
  num_rollouts: int = 20
  seconds: float | None = None  # default: the skill's episode
  seed: int = 0
  out: str | None = None  # default: <run>/eval.json (a task: result.json), or evals/<robot>-<skill>-<policy>.json
  method: str | None = None  # a task result's method name (default: from the checkpoint, or the baseline's)
  variant: str | None = None  # a task result's variant: its method label becomes <method>-<variant> (an ablation)
  video: str | None = None  # a task result's video (scripts/render.py output), copied beside the result
  goal_range_scale: float = 1.0  # skills only: goals from ranges scaled by this (walking: its commands)
  command_sweep: bool = True  # walking: also achieved against commanded velocity on a grid (table, PNG)


@dataclasses.dataclass
class BenchmarkConfig:
  """scripts/benchmark.py: env steps per second per robot, backend and batch size."""

  defaults: list[Any] = dataclasses.field(default_factory=_defaults)
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


IGNORED_OVERRIDES = ("hydra.run.dir", "hydra.sweep.dir", "hydra.sweep.subdir")  # hydra options the scripts would ignore
RUN_FOLDER_OPTIONS = "run_dir=<folder> (this run's folder) or runs_root=<folder> (where run folders are made)"


def refuse_ignored_overrides(argv, instead: str = RUN_FOLDER_OPTIONS) -> None:
  """Raises ConfigValueError for a command-line override that would have no effect: the scripts
  write their own folders and files, so `hydra.run.dir=...` (or a multirun's `hydra.sweep.dir=...`) would change nothing; `instead` says
  what does. Checked before hydra runs (hydra would create that folder)."""
  for arg in argv:
    key = arg.split("=", 1)[0].lstrip("+~")
    if key in IGNORED_OVERRIDES:
      raise ConfigValueError(f"{key} is not used: SkillBench's scripts choose their own folders. Use {instead} "
                             "instead.")


def exit_on_ignored_overrides(argv, instead: str = RUN_FOLDER_OPTIONS) -> None:
  """For scripts, before hydra runs: `refuse_ignored_overrides`, as a one-line error and exit code 2."""
  try:
    refuse_ignored_overrides(argv, instead)
  except ConfigValueError as e:
    print(f"error: {e}", file=sys.stderr)
    sys.exit(2)


def register() -> None:
  store = ConfigStore.instance()
  store.store(name="render", node=RenderConfig)
  store.store(name="benchmark", node=BenchmarkConfig)
  store.store(name="train", node=TrainConfig)
  store.store(name="train_blender", node=TrainBlenderConfig)
  store.store(name="evaluate", node=EvaluateConfig)
  for name in catalog.robot_names():
    store.store(group="embodiment", name=name, node=EmbodimentConfig(name=name))
  for name in catalog.skill_names():
    store.store(group="primitive", name=name, node=PrimitiveConfig(name=name))
  for name in catalog.task_names():
    store.store(group="task", name=name, node=TaskConfig(name=name))
  for name in ("mujoco", "mjx"):
    store.store(group="backend", name=name, node=BackendConfig(name=name))
  for name in ("brax", "sb3", "fast_td3"):
    store.store(group="trainer", name=name, node=TrainerConfig(name=name))
  for name, node in PRESETS.items():
    store.store(group="preset", name=name, node=node, package="_global_")
