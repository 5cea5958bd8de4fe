"""Arms driven away from the policy: a training disturbance for skills that must balance under them.

In a blend, the arms follow another skill (reaching's targets) while walking carries the legs; a
walking skill that only ever saw its own arms falls under them (docs/TRAINING.md, "Which skill can
carry the legs"). With `EnvConfig.arm_targets = p`, a fraction p of episodes has every arm joint
(`ARM_KINDS`) driven to a random target instead of the policy's action: a goal angle default +
U(-range, range) rad per joint, drawn at reset and every `arm_target_interval_s`, which the target
approaches at `arm_target_speed` rad/s. The policy still acts on every joint; in a driven episode
its arm actions are replaced before the physics, and the observation's last action shows what was
applied. p = 0 (the default, and every evaluation) leaves the environment as it was, random streams
included.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from skillbench.errors import ConfigValueError
from skillbench.robot.embodiment import ARM_KINDS


@dataclasses.dataclass(frozen=True)
class ArmDisturbance:
  """The disturbance's constants for one robot and policy period.

  arms: policy indices of the arm joints; fraction: share of episodes driven; half_range and
  max_step: in action units (rad / action_scale), the goal's half-width and the target's largest
  move per control step; interval_steps: control steps between goal draws.
  """

  arms: np.ndarray
  fraction: float
  half_range: float
  max_step: float
  interval_steps: int

  def reset(self, key) -> dict:
    """An episode's start: driven or not, a first goal, the target at the default pose."""
    k_driven, k_goal = jax.random.split(key)
    return {"driven": jax.random.uniform(k_driven) < self.fraction, "goal": self._draw(k_goal),
            "target": jnp.zeros(len(self.arms))}

  def advance(self, arms: dict, key, step) -> dict:
    """One control step: a new goal every interval, the target a bounded step towards it."""
    goal = jnp.where((step > 0) & (step % self.interval_steps == 0), self._draw(key), arms["goal"])
    target = arms["target"] + jnp.clip(goal - arms["target"], -self.max_step, self.max_step)
    return {**arms, "goal": goal, "target": target}

  def apply(self, arms: dict, action):
    """`action` with the arm joints' entries replaced by the target in a driven episode."""
    return jnp.where(arms["driven"], action.at[self.arms].set(arms["target"]), action)

  def _draw(self, key):
    return jax.random.uniform(key, (len(self.arms),), minval=-self.half_range, maxval=self.half_range)


def make(config, embodiment, dt: float) -> ArmDisturbance | None:
  """The disturbance an EnvConfig asks for (None when `arm_targets` is 0); a bad setting is an error."""
  if config.arm_targets == 0.0:
    return None
  settings = {"arm_targets": config.arm_targets, "arm_target_range": config.arm_target_range,
              "arm_target_interval_s": config.arm_target_interval_s, "arm_target_speed": config.arm_target_speed}
  if not 0.0 <= config.arm_targets <= 1.0:
    raise ConfigValueError(f"env.arm_targets={config.arm_targets}: the share of episodes with driven arms is between 0 "
                           "and 1 (0: off)")
  for name in ("arm_target_range", "arm_target_interval_s", "arm_target_speed"):
    if not settings[name] > 0.0:
      raise ConfigValueError(f"env.{name}={settings[name]} must be > 0 when env.arm_targets > 0")
  arms = np.array(embodiment.joint_indices(kinds=ARM_KINDS))
  if arms.size == 0:
    raise ConfigValueError(f"env.arm_targets: {embodiment.name} has no arm joints ({', '.join(ARM_KINDS)}) to drive")
  return ArmDisturbance(
    arms=arms, fraction=float(config.arm_targets),
    half_range=config.arm_target_range / config.action_scale,
    max_step=config.arm_target_speed * dt / config.action_scale,
    interval_steps=max(1, int(round(config.arm_target_interval_s / dt))),
  )
