"""Trained policies on disk: saving what acting needs, loading it back as a JAX function.

A policy checkpoint records the robot, skill, observation layout and network sizes; loading
checks them against the environment the policy is asked to act in, so a skill cannot be run on
the wrong robot or with another observation layout.
"""

from __future__ import annotations

import dataclasses
import math
import pathlib

import flax.struct
import jax
import jax.numpy as jnp

from skillbench import catalog
from skillbench.envs import hidden_joints
from skillbench.policy import checkpoint as ckpt_lib
from skillbench.policy import networks
from skillbench.policy.normalizer import RunningStats

OBSERVATION_LAYOUT = "goal, q - q_default, 0.05 qdot, last action, base angular velocity, roll/pitch/yaw"
# A skill's clock (`clock_size` values, e.g. walking's gait phase) sits between goal and joints;
# checkpoints written before clocks existed have none.


@flax.struct.dataclass
class Policy:
  """What acting needs: parameters and normalisers (a checkpoint's inference part)."""

  params: dict
  actor_stats: RunningStats
  critic_stats: RunningStats


def observation_metadata(env) -> dict:
  return {
    "actor_size": env.observation_size["state"][0],
    "critic_size": env.observation_size["privileged_state"][0],
    "goal_size": env.skill.goal_size,
    "clock_size": env.skill.clock_size,
    "action_size": env.action_size,
    "joints": list(env.embodiment.joint_names),
    "actor_layout": OBSERVATION_LAYOUT,
    "timing": env.timing.name,
    "hidden_joints": [env.embodiment.joint_names[j] for j in env.hidden_joints],
  }


def hidden_joint_indices(observation: dict) -> tuple[int, ...]:
  """Policy indices of the joints a checkpoint's actor was trained not to read (`EnvConfig.hide_arms`;
  none before the option existed)."""
  names = list(observation.get("joints", ()))
  return tuple(names.index(n) for n in observation.get("hidden_joints", ()))


def clock_size(observation: dict) -> int:
  """The clock length a checkpoint's observation metadata records (0 before clocks existed)."""
  return int(observation.get("clock_size", 0))


def recorded_observation(observation: dict | None) -> dict:
  """A checkpoint's observation metadata as `observation_metadata` writes it today: a checkpoint from
  before clocks existed records no `clock_size`, and its observation had none; one from before
  `hidden_joints` existed read every joint."""
  observation = dict(observation or {})
  return {"hidden_joints": [], **observation, "clock_size": clock_size(observation)}


def network_metadata(ppo_config) -> dict:
  return {
    "actor_hidden": list(ppo_config.actor_hidden), "critic_hidden": list(ppo_config.critic_hidden),
    "activation": "elu", "normalize_obs": bool(ppo_config.normalize_obs), "distribution": "gaussian",
  }


@dataclasses.dataclass
class LoadedPolicy:
  """A policy read from a checkpoint. `act(obs)` is the deterministic (mean) action.

  unclocked: (start, length) of the environment's clock columns, which this policy, written
  before its skill had a clock, does not read (set by `for_env`); None reads the whole observation.
  """

  checkpoint: ckpt_lib.Checkpoint
  policy: Policy
  actor_net: networks.MLP
  normalize_obs: bool
  unclocked: tuple[int, int] | None = None

  @property
  def embodiment(self) -> str:
    return self.checkpoint.embodiment

  @property
  def skill(self) -> str:
    return self.checkpoint.skill

  @property
  def observation(self) -> dict:
    return self.checkpoint.metadata["observation"]

  @property
  def is_blender(self) -> bool:
    return "blender" in self.checkpoint.metadata

  def own_state(self, state: jax.Array) -> jax.Array:
    """The actor observation as this policy was trained on it: without clock columns it predates,
    and with the joints it was trained not to read hidden (`hidden_joints.hide`)."""
    if self.unclocked is not None:
      start, length = self.unclocked
      state = jnp.concatenate([state[..., :start], state[..., start + length:]], axis=-1)
    hidden = hidden_joint_indices(self.observation)
    if hidden:
      obs = recorded_observation(self.observation)
      state = hidden_joints.hide(state, hidden, obs["action_size"], obs["goal_size"] + obs["clock_size"])
    return state

  def mean_action(self, obs: dict) -> jax.Array:
    raw = x = self.own_state(obs["state"])
    if self.normalize_obs:
      x = self.policy.actor_stats.normalize(x)
    inputs = (x, raw) if getattr(self.actor_net, "takes_raw_obs", False) else (x,)
    return self.actor_net.apply({"params": self.policy.params["actor"]}, *inputs)

  def blend(self, obs: dict):
    """(mean action, sub-goals, per-joint weights (skills, d)) of a blender policy."""
    raw = self.own_state(obs["state"])
    x = self.policy.actor_stats.normalize(raw) if self.normalize_obs else raw
    return self.actor_net.apply({"params": self.policy.params["actor"]}, x, raw, method="blend")

  def act(self, obs: dict, key=None) -> jax.Array:
    return self.mean_action(obs)

  def check_env(self, env) -> None:
    """Raises CheckpointError when `env` is not the robot, skill and layout this policy was trained on."""
    path = self.checkpoint.path
    if env.embodiment.name != self.embodiment:
      raise ckpt_lib.CheckpointError(f"{path} is a policy of robot {self.embodiment!r}, not {env.embodiment.name!r}")
    if env.skill.name != self.skill:
      raise ckpt_lib.CheckpointError(f"{path} is a policy of skill {self.skill!r}, not {env.skill.name!r}")
    have = observation_metadata(env)
    if self._predates_clock_of(env):
      have = {**have, "actor_size": have["actor_size"] - have["clock_size"], "clock_size": 0}
    recorded = recorded_observation(self.observation)
    for key in ("actor_size", "action_size", "joints", "goal_size", "clock_size"):
      if have[key] != recorded.get(key):
        raise ckpt_lib.CheckpointError(
          f"{path}: observation layout differs from the environment's ({key}: checkpoint "
          f"{recorded.get(key)!r}, environment {have[key]!r})"
        )

  def for_env(self, env) -> LoadedPolicy:
    """This policy, checked against `env`, reading `env`'s observations. A checkpoint written
    before its skill had a clock acts on the observation without the clock's columns."""
    self.check_env(env)
    if self._predates_clock_of(env):
      return dataclasses.replace(self, unclocked=(env.skill.goal_size, env.skill.clock_size))
    return self

  def _predates_clock_of(self, env) -> bool:
    return env.skill.clock_size > 0 and "clock_size" not in self.observation


def build(net: dict, obs: dict, arrays: dict, prefix: str = "", source: str = "checkpoint"):
  """(Policy, actor network, normalize_obs) of an MLP policy described by `net` and `obs`."""
  try:
    check_sizes(net, obs, source)
    check_hidden_joints(obs, source)
    actor_net = networks.actor(net["actor_hidden"], obs["action_size"], **actor_output(net, source))
    critic_net = networks.critic(net["critic_hidden"])
    template = jax.eval_shape(lambda: Policy(  # shapes only: metadata sizes are untrusted, allocate nothing
      networks.init_params(jax.random.PRNGKey(0), actor_net, critic_net, obs["actor_size"], obs["critic_size"],
                           obs["action_size"], 1.0),
      RunningStats.zeros(obs["actor_size"]), RunningStats.zeros(obs["critic_size"]),
    ))
  except (KeyError, TypeError) as e:
    raise ckpt_lib.CheckpointError(f"{source}: metadata lacks the network or observation description ({e})") from e
  policy = jax.tree.map(jnp.asarray, ckpt_lib.unflatten(template, arrays, prefix=prefix, source=source))
  return policy, actor_net, bool(net.get("normalize_obs", True))


MAX_LAYERS = 16


def actor_output(net: dict, source: str) -> dict:
  """`networks.actor`'s output arguments from a checkpoint's network metadata: none (a linear output,
  as every checkpoint without an "output" key has) or "tanh" with its positive "action_bound"."""
  output = net.get("output", "linear")
  if output == "linear":
    return {}
  if output not in networks.OUTPUTS:
    raise ckpt_lib.CheckpointError(f"{source}: its metadata names actor output {output!r}; this SkillBench reads "
                                   f"{', '.join(networks.OUTPUTS)}")
  bound = net.get("action_bound")
  if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not 0 < bound < math.inf:
    raise ckpt_lib.CheckpointError(f"{source}: a tanh actor needs a positive, finite action_bound in its metadata "
                                   f"(it has {bound!r})")
  return {"output": output, "bound": float(bound)}


def check_sizes(net: dict, obs: dict, source: str) -> None:
  """Network and observation sizes from a checkpoint's metadata: positive integers, few layers."""
  hidden = [*net["actor_hidden"], *net["critic_hidden"]]
  sizes = [*hidden, *(obs[k] for k in ("actor_size", "critic_size", "action_size"))]
  if (len(net["actor_hidden"]) > MAX_LAYERS or len(net["critic_hidden"]) > MAX_LAYERS
      or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in sizes)):
    raise ckpt_lib.CheckpointError(f"{source}: implausible network or observation sizes in its metadata")


def check_hidden_joints(obs: dict, source: str) -> None:
  """A checkpoint's `hidden_joints` (when it records them): a list of joint names its `joints` lists."""
  hidden = obs.get("hidden_joints", [])
  joints = obs.get("joints", [])
  if not isinstance(hidden, list) or not isinstance(joints, list) or not all(isinstance(n, str) for n in hidden):
    raise ckpt_lib.CheckpointError(f"{source}: its metadata's observation.hidden_joints is not a list of joint names")
  unknown = sorted(set(hidden) - set(joints))
  if unknown:
    raise ckpt_lib.CheckpointError(f"{source}: its metadata hides joints its observation does not list: "
                                   f"{', '.join(unknown)}; the file is damaged or was edited")


def load(path, embodiment: str | None = None, skill: str | None = None) -> LoadedPolicy:
  """A policy (from a policy or a training checkpoint; blender policies included)."""
  ckpt = ckpt_lib.load(path, expect_embodiment=embodiment, expect_skill=skill)
  if "blender" in ckpt.metadata:
    return catalog.blender().load(ckpt)
  meta = ckpt.metadata
  if "network" not in meta or "observation" not in meta:
    raise ckpt_lib.CheckpointError(f"{path}: metadata lacks the network or observation description")
  return LoadedPolicy(ckpt, *build(meta["network"], meta["observation"], ckpt.arrays, source=str(path)))


def save(path, policy: Policy, env, ppo_config, **metadata) -> pathlib.Path:
  """Writes a policy checkpoint (parameters and normalisers) with its description."""
  return ckpt_lib.save(
    path, ckpt_lib.flatten(policy), "policy",
    embodiment=env.embodiment.name, skill=env.skill.name,
    observation=observation_metadata(env), network=network_metadata(ppo_config), **metadata,
  )
