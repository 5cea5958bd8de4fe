"""PPO in JAX, the whole iteration (rollout, advantages, SGD) in one jitted function.

This is SkillBench's `brax` trainer: brax-style PPO (a functional environment under `vmap`, a
jitted `lax.scan` rollout) with the paper's recipe (rsl_rl, as SkillBlender trains): Gaussian
policy with a learned per-joint std, asymmetric actor-critic (the critic reads the privileged
observation), running observation normalisation, GAE, clipped surrogate and clipped value loss,
gradient clipping and a KL-adaptive learning rate. Time-outs bootstrap: a truncated episode's
reward gets gamma x V(final observation).

It is our own loop rather than `brax.training.agents.ppo.train` because (1) brax 0.14.2's PPO
calls `jax.device_put_replicated`, which jax >= 0.10 removed, and the GPU machines run jax 0.11;
(2) resuming must reproduce an uninterrupted run, so the whole training state, the environments'
included, lives in one pytree that a checkpoint saves and restores; (3) brax's PPO has no
asymmetric critic with its own normaliser in 0.14.2's public API for our observation dict.

With several devices, the environments are split across them (data parallel): the batch axis of
the environment state is sharded and XLA all-reduces the gradients.
"""

from __future__ import annotations

import dataclasses

import flax.struct
import jax
import jax.numpy as jnp
import numpy as np
import optax

from skillbench.policy import networks
from skillbench.policy.normalizer import RunningStats
from skillbench.policy.saved import Policy
from skillbench.training import guards

REFERENCE_GAMMA = 0.994  # the original's per-step discount (humanoid-gym) ...
REFERENCE_CONTROL_DT = 0.01  # s: ... at its 100 Hz policy rate


@dataclasses.dataclass
class PPOConfig:
  """PPO hyperparameters. Defaults follow the paper (spec section 7) where it fits minutes-scale runs.

  num_envs x unroll_length environment steps per iteration; num_epochs passes of num_minibatches
  minibatches over them. Learning rate: KL-adaptive between min_lr and max_lr when adaptive_lr.
  """

  num_envs: int = 64
  unroll_length: int = 24
  num_epochs: int = 5
  num_minibatches: int = 4
  learning_rate: float = 1e-3
  adaptive_lr: bool = True
  desired_kl: float = 0.01
  min_lr: float = 1e-5
  max_lr: float = 1e-2
  gamma: float | None = None  # per policy step; None: the original's discount rescaled (see discount)
  gae_lambda: float = 0.9
  clip_eps: float = 0.2
  value_coef: float = 1.0
  entropy_coef: float = 0.001
  max_grad_norm: float = 1.0
  actor_hidden: list[int] = dataclasses.field(default_factory=lambda: [512, 256, 128])
  critic_hidden: list[int] = dataclasses.field(default_factory=lambda: [768, 256, 128])
  init_std: float = 1.0
  normalize_obs: bool = True

  @property
  def batch_size(self) -> int:
    return self.num_envs * self.unroll_length

  def discount(self, control_dt: float) -> float:
    """The per-step discount at a policy period of `control_dt` (s): `gamma` if set, else the
    original's 0.994 per 10 ms step rescaled so the horizon in seconds is the original's (1.7 s)."""
    return discount(self.gamma, REFERENCE_GAMMA, REFERENCE_CONTROL_DT, control_dt)


def discount(gamma: float | None, reference_gamma: float, reference_dt: float, control_dt: float) -> float:
  """`gamma` if set, else `reference_gamma` per `reference_dt` (s) rescaled to a policy period of
  `control_dt` (s), so that the horizon in seconds stays the reference's."""
  if gamma is not None:
    return float(gamma)
  return float(reference_gamma ** (control_dt / reference_dt))


@flax.struct.dataclass
class TrainState:
  """Everything a PPO run needs to continue: saved whole in a training checkpoint."""

  params: dict
  opt_state: optax.OptState
  actor_stats: RunningStats
  critic_stats: RunningStats
  env_state: object
  rng: jax.Array
  iteration: jax.Array
  episode_return: jax.Array
  episode_length: jax.Array


class PPO:
  """PPO for one (batched) SkillBench environment.

  `actor_net` replaces the MLP actor (e.g. SkillBlender's high-level network, `blender_policy`).
  An actor with `takes_raw_obs = True` is called as `apply(params, normalised obs, raw obs)`. An
  actor with a `diagnostics` method (same inputs, batched; returns {name: array}) has each array's
  mean logged every iteration, over the rollout's last observations.
  """

  def __init__(self, env, config: PPOConfig, actor_net=None):
    self.env = env  # a single SkillEnv; batching is done here with vmap
    self.config = config
    self.gamma = config.discount(env.dt)
    self.actor_net = actor_net if actor_net is not None else networks.actor(config.actor_hidden, env.action_size)
    self.actor_takes_raw = bool(getattr(self.actor_net, "takes_raw_obs", False))
    self.critic_net = networks.critic(config.critic_hidden)
    self.actor_obs_size = env.observation_size["state"][0]
    self.critic_obs_size = env.observation_size["privileged_state"][0]
    self.optimizer = optax.chain(
      optax.clip_by_global_norm(config.max_grad_norm),
      optax.inject_hyperparams(optax.adam)(learning_rate=config.learning_rate),
    )
    if config.batch_size % config.num_minibatches:
      raise ValueError(
        f"num_envs x unroll_length = {config.batch_size} is not divisible by num_minibatches = {config.num_minibatches}"
      )
    self._iteration = jax.jit(self.iteration, donate_argnums=0)

  # ----------------------------------------------------------------- state
  def init(self, key) -> TrainState:
    k_params, k_env, k_rng = jax.random.split(key, 3)
    params = networks.init_params(
      k_params, self.actor_net, self.critic_net, self.actor_obs_size, self.critic_obs_size,
      self.env.action_size, self.config.init_std, actor_inputs=2 if self.actor_takes_raw else 1,
    )
    n = self.config.num_envs
    env_state = jax.jit(jax.vmap(self.env.reset))(jax.random.split(k_env, n))
    return TrainState(
      params=params,
      opt_state=self.optimizer.init(params),
      actor_stats=RunningStats.zeros(self.actor_obs_size),
      critic_stats=RunningStats.zeros(self.critic_obs_size),
      env_state=self._shard(env_state),
      rng=k_rng,
      iteration=jnp.zeros((), jnp.int32),
      episode_return=jnp.zeros(n),
      episode_length=jnp.zeros(n),
    )

  def _shard(self, env_state):
    """Splits the environments across devices when there are several."""
    devices = jax.devices()
    if len(devices) == 1:
      return env_state
    if self.config.num_envs % len(devices):
      raise ValueError(f"num_envs = {self.config.num_envs} must divide evenly over {len(devices)} devices")
    mesh = jax.sharding.Mesh(np.array(devices), ("envs",))
    sharding = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec("envs"))
    return jax.device_put(env_state, sharding)

  def policy(self, state: TrainState) -> Policy:
    return Policy(state.params, state.actor_stats, state.critic_stats)

  # ---------------------------------------------------------------- acting
  def action_distribution(self, policy: Policy, obs):
    """(mean, log_std) of the policy's Gaussian for an observation dict."""
    raw = x = obs["state"]
    if self.config.normalize_obs:
      x = policy.actor_stats.normalize(x)
    inputs = (x, raw) if self.actor_takes_raw else (x,)
    return self.actor_net.apply({"params": policy.params["actor"]}, *inputs), policy.params["log_std"]

  def actor_diagnostics(self, policy: Policy, obs) -> dict:
    """The actor's `diagnostics` (see the class docstring) averaged over a batch of observations; {} without."""
    if not hasattr(self.actor_net, "diagnostics"):
      return {}
    raw = x = obs["state"]
    if self.config.normalize_obs:
      x = policy.actor_stats.normalize(x)
    inputs = (x, raw) if self.actor_takes_raw else (x,)
    out = self.actor_net.apply({"params": policy.params["actor"]}, *inputs, method="diagnostics")
    return {k: jnp.mean(v) for k, v in out.items()}

  def value(self, policy: Policy, obs):
    x = obs["privileged_state"]
    if self.config.normalize_obs:
      x = policy.critic_stats.normalize(x)
    return self.critic_net.apply({"params": policy.params["critic"]}, x)[..., 0]

  # -------------------------------------------------------------- training
  def train_iteration(self, state: TrainState):
    """One PPO iteration (jitted; the input state is donated). Returns (state, metrics)."""
    return self._iteration(state)

  def iteration(self, state: TrainState):
    cfg = self.config
    rng, k_roll, k_sgd = jax.random.split(state.rng, 3)
    policy = self.policy(state)
    env_state, batch, episode, (ep_return, ep_length) = self._rollout(policy, state, k_roll)
    diagnostics = self.actor_diagnostics(policy, jax.tree.map(lambda v: v[-1], batch["obs"]))

    actor_stats, critic_stats = state.actor_stats, state.critic_stats
    if cfg.normalize_obs:
      actor_stats = actor_stats.update(batch["obs"]["state"])
      critic_stats = critic_stats.update(batch["obs"]["privileged_state"])
    policy = Policy(state.params, actor_stats, critic_stats)

    last_value = self.value(policy, env_state.obs)
    advantages, returns = gae(batch["reward"], batch["value"], batch["done"], last_value, self.gamma, cfg.gae_lambda)
    batch = {**batch, "advantage": advantages, "return": returns}
    params, opt_state, sgd_metrics = self._sgd(policy, state.opt_state, batch, k_sgd)

    metrics = {
      "reward_per_step": jnp.mean(batch["env_reward"]),
      "goal_error": jnp.mean(batch["goal_error"]),
      **{k: jnp.mean(v) for k, v in batch["metrics"].items()},
      **episode,
      **diagnostics,
      **sgd_metrics,
      "std": jnp.mean(jnp.exp(params["log_std"])),
      # NaN or Inf in the rollout's actions, the loss or the updated networks: the trainer stops (guards.py).
      **guards.finite_flags(batch["action"], sgd_metrics["loss"], params),
    }
    new_state = TrainState(
      params=params, opt_state=opt_state, actor_stats=actor_stats, critic_stats=critic_stats,
      env_state=env_state, rng=rng, iteration=state.iteration + 1,
      episode_return=ep_return, episode_length=ep_length,
    )
    return new_state, metrics

  def _rollout(self, policy: Policy, state: TrainState, key):
    cfg = self.config
    step = jax.vmap(self.env.step)

    def body(carry, k):
      env_state, ep_return, ep_length = carry
      mean, log_std = self.action_distribution(policy, env_state.obs)
      action = mean + jnp.exp(log_std) * jax.random.normal(k, mean.shape)
      value = self.value(policy, env_state.obs)
      nxt = step(env_state, action)
      truncated = nxt.info["truncation"]
      final_value = self.value(policy, nxt.info["final_obs"])
      reward = nxt.reward + self.gamma * final_value * truncated
      ep_return = ep_return + nxt.reward
      ep_length = ep_length + 1.0
      done = nxt.done
      transition = {
        "obs": env_state.obs, "action": action, "mean": mean, "log_prob": networks.log_prob(mean, log_std, action),
        "value": value, "reward": reward, "env_reward": nxt.reward, "done": done,
        "goal_error": nxt.metrics["goal_error"],
        "metrics": {k: v for k, v in nxt.metrics.items() if k.startswith("reward/") or k == "diverged"},
        "ended_return": ep_return * done, "ended_length": ep_length * done,
        "ended_fall": done * nxt.metrics["fell"],
      }
      return (nxt, ep_return * (1.0 - done), ep_length * (1.0 - done)), transition

    keys = jax.random.split(key, cfg.unroll_length)
    (env_state, ep_return, ep_length), batch = jax.lax.scan(
      body, (state.env_state, state.episode_return, state.episode_length), keys
    )
    ended = jnp.sum(batch["done"])
    per_episode = lambda total: jnp.where(ended > 0, total / jnp.maximum(ended, 1.0), jnp.nan)
    episode = {
      "episodes": ended,
      "episode_return": per_episode(jnp.sum(batch["ended_return"])),
      "episode_length_s": per_episode(jnp.sum(batch["ended_length"])) * self.env.dt,
      "fall_fraction": per_episode(jnp.sum(batch["ended_fall"])),
    }
    return env_state, batch, episode, (ep_return, ep_length)

  def _sgd(self, policy: Policy, opt_state, batch, key):
    cfg = self.config
    keys_needed = ("obs", "action", "mean", "log_prob", "value", "advantage", "return")
    flat = jax.tree.map(lambda x: x.reshape((-1,) + x.shape[2:]), {k: batch[k] for k in keys_needed})
    n = cfg.batch_size
    mb = n // cfg.num_minibatches
    old_log_std = policy.params["log_std"]

    def loss_fn(params, data):
      p = Policy(params, policy.actor_stats, policy.critic_stats)
      mean, log_std = self.action_distribution(p, data["obs"])
      new_log_prob = networks.log_prob(mean, log_std, data["action"])
      ratio = jnp.exp(new_log_prob - data["log_prob"])
      adv = data["advantage"]
      adv = (adv - adv.mean()) / (adv.std() + 1e-8)
      surrogate = -jnp.minimum(ratio * adv, jnp.clip(ratio, 1 - cfg.clip_eps, 1 + cfg.clip_eps) * adv).mean()
      value = self.value(p, data["obs"])
      clipped = data["value"] + jnp.clip(value - data["value"], -cfg.clip_eps, cfg.clip_eps)
      value_loss = jnp.maximum((value - data["return"]) ** 2, (clipped - data["return"]) ** 2).mean()
      ent = networks.entropy(log_std).mean()
      loss = surrogate + cfg.value_coef * value_loss - cfg.entropy_coef * ent
      return loss, {"surrogate_loss": surrogate, "value_loss": value_loss, "entropy": ent}

    def kl_to_old(params, data):
      """Mean KL(old || new) of the Gaussians (the old means were stored by the rollout)."""
      p = Policy(params, policy.actor_stats, policy.critic_stats)
      mean, log_std = self.action_distribution(p, data["obs"])
      var_old, var_new = jnp.exp(2 * old_log_std), jnp.exp(2 * log_std)
      kl = log_std - old_log_std + (var_old + (data["mean"] - mean) ** 2) / (2 * var_new) - 0.5
      return jnp.mean(jnp.sum(kl, axis=-1))

    def minibatch_step(carry, idx):
      params, opt_state = carry
      data = jax.tree.map(lambda x: x[idx], flat)
      lr = learning_rate(opt_state)
      kl = kl_to_old(params, data)
      if cfg.adaptive_lr:  # rsl_rl's schedule: keep the KL between the old and new policy near desired_kl
        lr = jnp.where(kl > 2.0 * cfg.desired_kl, lr / 1.5, jnp.where(kl < 0.5 * cfg.desired_kl, lr * 1.5, lr))
        lr = jnp.clip(lr, cfg.min_lr, cfg.max_lr)
        opt_state = with_learning_rate(opt_state, lr)
      (loss, aux), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, data)
      updates, opt_state = self.optimizer.update(grads, opt_state, params)
      params = optax.apply_updates(params, updates)
      return (params, opt_state), {**aux, "loss": loss, "kl": kl, "learning_rate": lr}

    def epoch(carry, k):
      perm = jax.random.permutation(k, n).reshape(cfg.num_minibatches, mb)
      return jax.lax.scan(minibatch_step, carry, perm)

    (params, opt_state), metrics = jax.lax.scan(
      epoch, (policy.params, opt_state), jax.random.split(key, cfg.num_epochs)
    )
    return params, opt_state, jax.tree.map(jnp.mean, metrics)


def learning_rate(opt_state) -> jax.Array:
  """The Adam learning rate an optimiser state (`PPO.optimizer`'s) holds now."""
  return opt_state[1].hyperparams["learning_rate"]


def with_learning_rate(opt_state, lr):
  """`opt_state` with its Adam learning rate set to `lr` (the KL-adaptive schedule's, or a warm start's)."""
  clip_state, adam_state = opt_state
  lr = jnp.asarray(lr, dtype=learning_rate(opt_state).dtype)
  return clip_state, adam_state._replace(hyperparams={**adam_state.hyperparams, "learning_rate": lr})


def warm_learning_rate(config: PPOConfig) -> float:
  """Where Adam starts on networks that are already trained but come without optimiser state (a warm
  start from a policy file): the KL-adaptive schedule's floor, from which it climbs by 1.5x per
  minibatch while the policy moves less than desired_kl. Starting at `learning_rate` (1e-3), fresh
  Adam's first steps move every weight by about the rate and wreck the policy (measured on G1
  walking: KL 9.6 in the first iteration, then up to 78 % of episodes falling)."""
  return config.min_lr if config.adaptive_lr else config.learning_rate


def gae(rewards, values, dones, last_value, gamma: float, lam: float):
  """Generalised advantage estimates and returns, arrays (time, envs)."""

  def back(carry, x):
    advantage, next_value = carry
    reward, value, done = x
    nonterminal = 1.0 - done
    delta = reward + gamma * next_value * nonterminal - value
    advantage = delta + gamma * lam * nonterminal * advantage
    return (advantage, value), advantage

  _, advantages = jax.lax.scan(back, (jnp.zeros_like(last_value), last_value), (rewards, values, dones), reverse=True)
  return advantages, advantages + values
