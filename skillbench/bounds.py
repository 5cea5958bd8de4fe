"""The allowed range of every numeric setting of the commands, and the check that refuses the rest.

Training (`skillbench.training.train.check_config`), evaluation and the scripts check their
settings here before anything is made, so a bad number is an error naming it and its range.
"""

from __future__ import annotations

import dataclasses
import math

from skillbench.errors import ConfigValueError


@dataclasses.dataclass(frozen=True)
class Bound:
  """A numeric field's allowed range: >= low (> low when `strict`), None allowed when `optional`."""

  path: str  # dotted, e.g. "trainer.ppo.num_envs"
  low: float
  strict: bool = False
  optional: bool = False
  integer: bool = False
  meaning: str = ""

  def allowed(self) -> str:
    kind = "an integer" if self.integer else "a number"
    return f"{kind} {'>' if self.strict else '>='} {self.low:g}" + (" or null" if self.optional else "")

  def accepts(self, value) -> bool:
    if value is None:
      return self.optional
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
      return False
    return value > self.low if self.strict else value >= self.low


BOUNDS = (
  Bound("trainer.total_env_steps", 1, integer=True, meaning="environment steps to train"),
  Bound("trainer.checkpoint_every", 1, integer=True, meaning="iterations between training checkpoints"),
  Bound("trainer.ppo.num_envs", 1, integer=True, meaning="environments stepped in parallel"),
  Bound("trainer.ppo.unroll_length", 1, integer=True, meaning="steps per environment per iteration"),
  Bound("trainer.ppo.num_epochs", 1, integer=True, meaning="passes over each iteration's batch"),
  Bound("trainer.ppo.num_minibatches", 1, integer=True, meaning="minibatches per pass"),
  Bound("trainer.ppo.learning_rate", 0, strict=True, meaning="Adam's step size"),
  Bound("trainer.fast_td3.num_envs", 1, integer=True, meaning="environments stepped in parallel"),
  Bound("trainer.fast_td3.steps_per_iteration", 1, integer=True, meaning="steps per environment per iteration"),
  Bound("trainer.fast_td3.buffer_size", 1, integer=True, meaning="replay transitions kept per environment"),
  Bound("trainer.fast_td3.batch_size", 1, integer=True, meaning="transitions per gradient update"),
  Bound("trainer.fast_td3.num_updates", 1, integer=True, meaning="gradient updates per env step"),
  Bound("trainer.fast_td3.learning_starts", 0, integer=True, meaning="env steps per environment before the first "
        "update"),
  Bound("trainer.fast_td3.n_steps", 1, integer=True, meaning="steps of an n-step return"),
  Bound("trainer.fast_td3.gamma", 0, strict=True, optional=True, meaning="discount per policy step, at most 1; null: "
        "0.97 per 20 ms rescaled"),
  Bound("trainer.fast_td3.tau", 0, strict=True, meaning="target critics' step towards the critics, at most 1"),
  Bound("trainer.fast_td3.policy_frequency", 1, integer=True, meaning="critic updates per actor update"),
  Bound("trainer.fast_td3.policy_noise", 0, meaning="target policy smoothing noise std (x action_bound)"),
  Bound("trainer.fast_td3.noise_clip", 0, meaning="target policy smoothing noise clip (x action_bound)"),
  Bound("trainer.fast_td3.std_min", 0, meaning="least exploration noise std (x action_bound)"),
  Bound("trainer.fast_td3.std_max", 0, strict=True, meaning="largest exploration noise std (x action_bound)"),
  Bound("trainer.fast_td3.num_atoms", 2, integer=True, meaning="atoms of the critics' return distribution"),
  Bound("trainer.fast_td3.actor_learning_rate", 0, strict=True, meaning="the actor's AdamW step size"),
  Bound("trainer.fast_td3.critic_learning_rate", 0, strict=True, meaning="the critics' AdamW step size"),
  Bound("trainer.fast_td3.weight_decay", 0, meaning="AdamW's decoupled weight decay"),
  Bound("trainer.fast_td3.action_bound", 0, strict=True, meaning="the actor's action limit (tanh x bound)"),
  Bound("trainer.fast_td3.actor_action_l2", 0, meaning="weight of the actor's mean squared action in its loss"),
  Bound("time_limit_min", 0, strict=True, optional=True, meaning="minutes of training before it saves and stops; "
        "null: no limit"),
  Bound("final_eval_rollouts", 0, integer=True, meaning="evaluation rollouts when training ends; 0: none"),
  Bound("final_eval_seconds", 0, strict=True, optional=True, meaning="seconds per final evaluation rollout; "
        "null: the skill's episode"),
  Bound("num_rollouts", 1, integer=True, meaning="evaluation rollouts"),
  Bound("seconds", 0, strict=True, optional=True, meaning="seconds of robot time per rollout; null: the skill's "
        "episode"),
)
_MISSING = object()


def _select(cfg, path: str):
  for part in path.split("."):
    cfg = getattr(cfg, part, _MISSING) if cfg is not None else _MISSING
    if cfg is _MISSING:
      return _MISSING
  return cfg


def check_value(path: str, value) -> None:
  """Raises ConfigValueError naming `path` and its allowed range when `value` is out of it."""
  bound = {b.path: b for b in BOUNDS}[path]
  if not bound.accepts(value):
    raise ConfigValueError(f"{path}={value} is out of range: allowed is {bound.allowed()} ({bound.meaning})")


def validate(cfg) -> None:
  """Checks every `BOUNDS` field that `cfg` (a resolved config dataclass) has; the first one out
  of range raises ConfigValueError naming it and its allowed range. Nothing is made before this."""
  for bound in BOUNDS:
    value = _select(cfg, bound.path)
    if value is not _MISSING:
      check_value(bound.path, value)
