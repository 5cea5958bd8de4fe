"""The `fast_td3` trainer: FastTD3 (Seo et al. 2025, github.com/younggyoseo/FastTD3) in JAX.

Off-policy actor-critic for many parallel environments, after the reference implementation:

- every environment steps each iteration; its transitions go to its own ring buffer on device
  (`replay.py`), and the critic learns from n-step returns sampled uniformly from all of them;
- two distributional critics (C51: `num_atoms` atoms on [v_min, v_max], cross-entropy against the
  projected target) with clipped double Q: the target is the projected distribution of the critic
  whose expected value is lower, and the actor maximises the lower of the two expected values;
- a deterministic tanh actor; exploration adds Gaussian noise whose std is drawn per environment
  in [std_min, std_max] and redrawn when its episode ends; target policy smoothing
  (policy_noise, clipped to noise_clip); no target actor (FastTD3 has none);
- num_updates gradient updates per env step, the actor updated every policy_frequency-th, the
  target critics moved by tau after each; AdamW; running observation normalisation.

What differs here, stated plainly:

- networks are SkillBench's ELU MLPs (FastTD3's are ReLU) and their observations are normalised
  and clipped as PPO's (`RunningStats`); the actor reads the actor observation and the critics the
  privileged one (as PPO's asymmetric actor-critic);
- actions: the actor's tanh output u in [-1, 1] is what the replay buffer and the critics see; the
  environment gets `action_bound x u` (PD target offsets are action_scale x that);
- an iteration is `steps_per_iteration` env steps of all environments, then steps_per_iteration x
  num_updates gradient updates (the reference alternates one env step with num_updates updates);
  the two halves are timed apart (`time/collect_s`, `time/learn_s`);
- the discount defaults to FastTD3's default 0.99 per 20 ms step rescaled to the policy period (as PPO's);
- an n-step window stops at a time-out as well as at a terminal step (the reference sums rewards
  past a time-out into the next episode);
- `resume` restores networks, optimisers, normalisers and the random key, not the replay buffer or
  the environments (the buffer is hundreds of MB): the resumed run refills its buffer
  (learning_starts steps) and continues; it is a continuation, not a bit-identical replay.

The final policy is an ordinary SkillBench policy file: its actor is `action_bound x tanh` (network
metadata "output": "tanh"), read by `skillbench.policy.saved.load` like any other. It holds no
value critic (a zero placeholder fills the format's slot); the Q critics are in the training
checkpoints, which also load as policies.
"""

from __future__ import annotations

import dataclasses
import math
import pathlib
import time

import flax.struct
import jax
import jax.numpy as jnp
import optax

from skillbench.errors import ConfigValueError
from skillbench.policy import checkpoint as ckpt_lib
from skillbench.policy import library, networks
from skillbench.policy import saved as policy_lib
from skillbench.policy.normalizer import RunningStats
from skillbench.policy.saved import Policy
from skillbench.training import curves, guards, ppo
from skillbench.training import run_dir as runs
from skillbench.training.logger import RunLogger
from skillbench.training.replay import ReplayBuffer

# The per-step discount at 50 Hz: FastTD3's default 0.99 (a 2 s horizon), not the 0.97 (0.66 s) of
# its MuJoCo Playground settings, under which H1 reaching fell in every evaluation rollout (docs/TRAINING.md).
REFERENCE_GAMMA = 0.99
REFERENCE_CONTROL_DT = 0.02  # s
STATE_PREFIX = "fast_td3"  # a training checkpoint's learner arrays; the policy's arrays sit beside them


@dataclasses.dataclass
class FastTD3Config:
  """FastTD3's hyperparameters. Defaults are sized for a 2-core CPU; `preset=gpu` sets the paper's
  (FastTD3's MuJoCo Playground humanoid settings).

  Per iteration: num_envs x steps_per_iteration env steps, then steps_per_iteration x num_updates
  gradient updates of batch_size transitions each. buffer_size: transitions kept per environment.
  learning_starts: env steps per environment before the first update. gamma: per policy step (None:
  0.99 per 20 ms, rescaled). std_min/std_max, policy_noise, noise_clip: in units of action_bound.
  v_min/v_max: the critics' support (discounted return). tau: target critic step. weight_decay:
  AdamW's (decoupled). action_bound: the actor's output limit in action units (the environment's
  PD target offset is action_scale x action, rad). The CPU defaults differ from FastTD3's in gamma
  (above), std_max 0.1 (not 0.4), the critics' support +-20 (not +-10) and action_bound 2 (+-0.5
  rad; 4 left the actor pressing at +-1 rad): each measured on H1 reaching (docs/TRAINING.md).
  actor_action_l2: the weight of mean(u^2) (u = action / action_bound, in [-1, 1]) added to the actor's
  loss, as OpenAI baselines' DDPG+HER adds `action_l2` (there 1.0): it holds the actor off its bound
  where the critics are flat. 0 (off) until measured here.
  """

  num_envs: int = 128
  steps_per_iteration: int = 16
  buffer_size: int = 1024
  batch_size: int = 512
  num_updates: int = 2
  learning_starts: int = 10
  n_steps: int = 3
  gamma: float | None = None
  tau: float = 0.1
  policy_frequency: int = 2
  policy_noise: float = 0.001
  noise_clip: float = 0.5
  std_min: float = 0.001
  std_max: float = 0.1
  num_atoms: int = 101
  v_min: float = -20.0
  v_max: float = 20.0
  actor_hidden: list[int] = dataclasses.field(default_factory=lambda: [256, 128, 64])
  critic_hidden: list[int] = dataclasses.field(default_factory=lambda: [256, 128, 64])
  actor_learning_rate: float = 3e-4
  critic_learning_rate: float = 3e-4
  weight_decay: float = 0.1
  action_bound: float = 2.0
  actor_action_l2: float = 0.0
  normalize_obs: bool = True

  @property
  def env_steps_per_iteration(self) -> int:
    """Env steps per iteration, all environments together."""
    return self.num_envs * self.steps_per_iteration

  def discount(self, control_dt: float) -> float:
    """The per-step discount at a policy period of `control_dt` (s): `gamma` if set, else FastTD3's
    0.99 per 20 ms step rescaled so the horizon in seconds is the reference's (2 s)."""
    return ppo.discount(self.gamma, REFERENCE_GAMMA, REFERENCE_CONTROL_DT, control_dt)


def check(config: FastTD3Config, clip_actions: float) -> None:
  """Refuses settings that are each in range (`skillbench.bounds`) but do not fit together."""
  name = "trainer.fast_td3"
  if config.std_min > config.std_max:
    raise ConfigValueError(f"{name}.std_min={config.std_min} exceeds {name}.std_max={config.std_max}: exploration "
                           "stds are drawn from [std_min, std_max]")
  if config.v_min >= config.v_max:
    raise ConfigValueError(f"{name}.v_min={config.v_min} must be below {name}.v_max={config.v_max} (the critics' "
                           "support of returns)")
  for field in ("gamma", "tau"):
    value = getattr(config, field)
    if value is not None and value > 1:
      raise ConfigValueError(f"{name}.{field}={value} is out of range: allowed is at most 1")
  for field in ("n_steps", "learning_starts"):
    if getattr(config, field) > config.buffer_size:
      raise ConfigValueError(f"{name}.{field}={getattr(config, field)} exceeds {name}.buffer_size="
                             f"{config.buffer_size} (transitions kept per environment)")
  if config.action_bound > clip_actions:
    raise ConfigValueError(f"{name}.action_bound={config.action_bound} exceeds env.clip_actions={clip_actions}: the "
                           "environment would clip the actor's actions; lower the bound or raise the clip")


# ------------------------------------------------------------------ state
@flax.struct.dataclass
class Learner:
  """What training keeps (saved whole in a training checkpoint). actor: the actor's parameters (its
  output in [-1, 1]); critic, target_critic: the two distributional critics', stacked on axis 0."""

  actor: dict
  critic: dict
  target_critic: dict
  actor_opt: optax.OptState
  critic_opt: optax.OptState
  actor_stats: RunningStats
  critic_stats: RunningStats
  rng: jax.Array
  iteration: jax.Array


@flax.struct.dataclass
class Collector:
  """What the environments and the replay buffer hold now (not saved: a resumed run starts them
  afresh). noise_std (envs,): each environment's exploration std, in units of action_bound."""

  env_state: object
  buffer: ReplayBuffer
  noise_std: jax.Array
  episode_return: jax.Array
  episode_length: jax.Array


def project(probs, reward, scale, support):
  """C51's projection: the distribution `probs` (B, atoms) over `support` (atoms,) after
  z -> reward + scale x z (reward, scale: (B,)), clipped to the support's ends, each atom's mass
  split between the two atoms beside it in proportion to closeness. Returns (B, atoms)."""
  atoms = support.shape[0]
  delta = (support[-1] - support[0]) / (atoms - 1)
  moved = jnp.clip(reward[:, None] + scale[:, None] * support[None], support[0], support[-1])
  position = jnp.clip((moved - support[0]) / delta, 0.0, atoms - 1.0)  # in atoms
  lower = jnp.floor(position)
  upper = jnp.minimum(lower + 1.0, atoms - 1.0)
  rows = jnp.arange(probs.shape[0])[:, None]
  out = jnp.zeros_like(probs).at[rows, lower.astype(jnp.int32)].add(probs * (lower + 1.0 - position))
  return out.at[rows, upper.astype(jnp.int32)].add(probs * (position - lower))


class FastTD3:
  """FastTD3 for one (vmapped) SkillBench environment: `init`, then `collect` and `learn` in turns."""

  def __init__(self, env, config: FastTD3Config):
    self.env = env
    self.config = config
    self.gamma = config.discount(env.dt)
    self.bound = float(config.action_bound)
    self.actor_net = networks.actor(config.actor_hidden, env.action_size, output="tanh")  # u in [-1, 1]
    self.critic_net = networks.MLP(tuple(config.critic_hidden), config.num_atoms)
    self.support = jnp.linspace(config.v_min, config.v_max, config.num_atoms)
    self.obs_size = env.observation_size["state"][0]
    self.critic_size = env.observation_size["privileged_state"][0]
    self.actor_optimizer = optax.adamw(config.actor_learning_rate, weight_decay=config.weight_decay)
    self.critic_optimizer = optax.adamw(config.critic_learning_rate, weight_decay=config.weight_decay)
    self._collect = jax.jit(self.collect, donate_argnums=(0, 1))
    self._learn = jax.jit(self.learn, donate_argnums=0)

  # ----------------------------------------------------------------- state
  def init(self, key) -> tuple[Learner, Collector]:
    k_actor, k_critic, k_rng, k_collect = jax.random.split(key, 4)
    actor = self.actor_net.init(k_actor, jnp.zeros((self.obs_size,)))["params"]
    critic_input = jnp.zeros((self.critic_size + self.env.action_size,))
    critic = jax.vmap(lambda k: self.critic_net.init(k, critic_input)["params"])(jax.random.split(k_critic, 2))
    learner = Learner(
      actor=actor, critic=critic, target_critic=jax.tree.map(jnp.copy, critic),
      actor_opt=self.actor_optimizer.init(actor), critic_opt=self.critic_optimizer.init(critic),
      actor_stats=RunningStats.zeros(self.obs_size), critic_stats=RunningStats.zeros(self.critic_size),
      rng=k_rng, iteration=jnp.zeros((), jnp.int32),
    )
    return learner, self.init_collector(k_collect)

  def init_collector(self, key) -> Collector:
    """Fresh environments, an empty replay buffer and fresh exploration stds."""
    cfg = self.config
    k_env, k_std = jax.random.split(key)
    env_state = jax.jit(jax.vmap(self.env.reset))(jax.random.split(k_env, cfg.num_envs))
    buffer = ReplayBuffer.empty(cfg.num_envs, cfg.buffer_size, self.obs_size, self.critic_size, self.env.action_size)
    return Collector(env_state=env_state, buffer=buffer, noise_std=self._draw_std(k_std),
                     episode_return=jnp.zeros(cfg.num_envs), episode_length=jnp.zeros(cfg.num_envs))

  def _draw_std(self, key):
    return jax.random.uniform(key, (self.config.num_envs,), minval=self.config.std_min, maxval=self.config.std_max)

  # ---------------------------------------------------------------- networks
  def _normalize(self, stats: RunningStats, x):
    return stats.normalize(x) if self.config.normalize_obs else x

  def act(self, actor, stats: RunningStats, obs):
    """The actor's action u in [-1, 1] (the environment's action is action_bound x u) for raw observations."""
    return self.actor_net.apply({"params": actor}, self._normalize(stats, obs))

  def q_logits(self, critic, critic_obs, u):
    """Both critics' logits over the support, (2, B, atoms), for normalised critic observations and actions u."""
    x = jnp.concatenate([critic_obs, u], axis=-1)
    return jax.vmap(lambda p: self.critic_net.apply({"params": p}, x))(critic)

  def q_values(self, critic, critic_obs, u):
    """Both critics' expected returns, (2, B)."""
    return jnp.sum(jax.nn.softmax(self.q_logits(critic, critic_obs, u)) * self.support, axis=-1)

  def policy(self, learner: Learner) -> Policy:
    """The SkillBench policy of a learner: its actor (output x action_bound in `network_metadata`), its
    normalisers, a zero value critic (a placeholder) and log_std = log of the mean exploration std."""
    placeholder = {"out": {"kernel": jnp.zeros((self.critic_size, 1)), "bias": jnp.zeros((1,))}}
    std = self.bound * 0.5 * (self.config.std_min + self.config.std_max)
    log_std = jnp.full((self.env.action_size,), math.log(std), jnp.float32)
    return Policy({"actor": learner.actor, "critic": placeholder, "log_std": log_std},
                  learner.actor_stats, learner.critic_stats)

  # ---------------------------------------------------------------- collect
  def collect(self, learner: Learner, collector: Collector):
    """steps_per_iteration env steps of every environment with exploration noise, into the replay
    buffer (jitted; both inputs are donated). Returns (learner, collector, metrics)."""
    cfg = self.config
    step = jax.vmap(self.env.step)
    rng, k_roll = jax.random.split(learner.rng)

    def body(carry, key):
      env_state, actor_stats, critic_stats, noise_std, ep_return, ep_length, buffer = carry
      k_noise, k_std = jax.random.split(key)
      obs = env_state.obs
      if cfg.normalize_obs:
        actor_stats = actor_stats.update(obs["state"])
        critic_stats = critic_stats.update(obs["privileged_state"])
      mean = self.act(learner.actor, actor_stats, obs["state"])
      u = jnp.clip(mean + noise_std[:, None] * jax.random.normal(k_noise, mean.shape), -1.0, 1.0)
      nxt = step(env_state, self.bound * u)
      done, final = nxt.done, nxt.info["final_obs"]
      buffer = buffer.add({
        "obs": obs["state"], "critic_obs": obs["privileged_state"], "action": u, "reward": nxt.reward,
        "terminal": done * (1.0 - nxt.info["truncation"]), "ended": done,
        "next_obs": final["state"], "next_critic_obs": final["privileged_state"],
      })
      noise_std = jnp.where(done > 0, self._draw_std(k_std), noise_std)
      ep_return, ep_length = ep_return + nxt.reward, ep_length + 1.0
      out = {
        "u": u, "reward": nxt.reward, "done": done, "goal_error": nxt.metrics["goal_error"],
        "metrics": {k: v for k, v in nxt.metrics.items() if k.startswith("reward/") or k == "diverged"},
        "ended_return": ep_return * done, "ended_length": ep_length * done, "ended_fall": done * nxt.metrics["fell"],
      }
      carry = (nxt, actor_stats, critic_stats, noise_std, ep_return * (1.0 - done), ep_length * (1.0 - done), buffer)
      return carry, out

    carry = (collector.env_state, learner.actor_stats, learner.critic_stats, collector.noise_std,
             collector.episode_return, collector.episode_length, collector.buffer)
    carry, out = jax.lax.scan(body, carry, jax.random.split(k_roll, cfg.steps_per_iteration))
    env_state, actor_stats, critic_stats, noise_std, ep_return, ep_length, buffer = carry
    ended = jnp.sum(out["done"])
    per_episode = lambda total: jnp.where(ended > 0, total / jnp.maximum(ended, 1.0), jnp.nan)
    metrics = {
      "reward_per_step": jnp.mean(out["reward"]), "goal_error": jnp.mean(out["goal_error"]),
      **{k: jnp.mean(v) for k, v in out["metrics"].items()},
      "episodes": ended, "episode_return": per_episode(jnp.sum(out["ended_return"])),
      "episode_length_s": per_episode(jnp.sum(out["ended_length"])) * self.env.dt,
      "fall_fraction": per_episode(jnp.sum(out["ended_fall"])),
      "exploration_std": self.bound * jnp.mean(noise_std), "mean_abs_action": self.bound * jnp.mean(jnp.abs(out["u"])),
      guards.PREFIX + "actions": guards.all_finite(out["u"]),
    }
    learner = learner.replace(actor_stats=actor_stats, critic_stats=critic_stats, rng=rng,
                              iteration=learner.iteration + 1)
    collector = Collector(env_state=env_state, buffer=buffer, noise_std=noise_std, episode_return=ep_return,
                          episode_length=ep_length)
    return learner, collector, metrics

  # ------------------------------------------------------------------ learn
  def learn(self, learner: Learner, buffer: ReplayBuffer):
    """steps_per_iteration x num_updates gradient updates from the replay buffer (jitted; the learner
    is donated). Returns (learner, metrics)."""
    cfg = self.config
    count = cfg.steps_per_iteration * cfg.num_updates
    rng, k_updates = jax.random.split(learner.rng)

    def update(current: Learner, xs):
      index, key = xs
      return self._update(current, buffer, key, index % cfg.policy_frequency == cfg.policy_frequency - 1)

    learner, out = jax.lax.scan(update, learner.replace(rng=rng),
                                (jnp.arange(count), jax.random.split(k_updates, count)))
    actor_updates = jnp.sum(out["actor_updated"])
    metrics = {
      "critic_loss": jnp.mean(out["critic_loss"]),
      "actor_loss": jnp.sum(out["actor_loss"]) / jnp.maximum(actor_updates, 1.0),
      "q_target": jnp.mean(out["q_target"]),
      guards.PREFIX + "loss": guards.all_finite((out["critic_loss"], out["actor_loss"])),
      guards.PREFIX + "parameters": guards.all_finite((learner.actor, learner.critic)),
    }
    return learner, metrics

  def _update(self, learner: Learner, buffer: ReplayBuffer, key, update_actor):
    """One critic update, the actor's when `update_actor`, and the target critics' soft update."""
    cfg = self.config
    k_sample, k_smooth = jax.random.split(key)
    batch = buffer.sample(k_sample, cfg.batch_size, cfg.n_steps, self.gamma)
    obs, next_obs = (self._normalize(learner.actor_stats, batch[k]) for k in ("obs", "next_obs"))
    critic_obs, next_critic_obs = (self._normalize(learner.critic_stats, batch[k])
                                   for k in ("critic_obs", "next_critic_obs"))
    target, q_target = self.target_distribution(learner, next_obs, next_critic_obs, batch, k_smooth)
    critic_loss, grads = jax.value_and_grad(self.critic_loss)(learner.critic, critic_obs, batch["action"], target)
    updates, critic_opt = self.critic_optimizer.update(grads, learner.critic_opt, learner.critic)
    critic = optax.apply_updates(learner.critic, updates)

    def actor_step(_):
      loss, grads = jax.value_and_grad(self.actor_loss)(learner.actor, critic, obs, critic_obs)
      updates, opt = self.actor_optimizer.update(grads, learner.actor_opt, learner.actor)
      return optax.apply_updates(learner.actor, updates), opt, loss

    def no_step(_):
      return learner.actor, learner.actor_opt, jnp.zeros(())

    actor, actor_opt, actor_loss = jax.lax.cond(update_actor, actor_step, no_step, None)
    target_critic = jax.tree.map(lambda t, c: t + cfg.tau * (c - t), learner.target_critic, critic)
    learner = learner.replace(actor=actor, critic=critic, target_critic=target_critic, actor_opt=actor_opt,
                              critic_opt=critic_opt)
    out = {"critic_loss": critic_loss, "actor_loss": actor_loss, "actor_updated": update_actor.astype(jnp.float32),
           "q_target": q_target}
    return learner, out

  def target_distribution(self, learner: Learner, next_obs, next_critic_obs, batch, key):
    """(the critics' target distribution (B, atoms), its expected value (B,)): the target critics at the
    smoothed next action, projected through the n-step return; of the two, the one with the lower value."""
    cfg = self.config
    u = self.actor_net.apply({"params": learner.actor}, next_obs)
    noise = jnp.clip(cfg.policy_noise * jax.random.normal(key, u.shape), -cfg.noise_clip, cfg.noise_clip)
    probs = jax.nn.softmax(self.q_logits(learner.target_critic, next_critic_obs, jnp.clip(u + noise, -1.0, 1.0)))
    scale = batch["bootstrap"] * batch["discount"]
    projected = jax.vmap(lambda p: project(p, batch["reward"], scale, self.support))(probs)
    values = jnp.sum(projected * self.support, axis=-1)
    lower = values[0] < values[1]
    target = jnp.where(lower[:, None], projected[0], projected[1])
    return jax.lax.stop_gradient(target), jnp.minimum(values[0], values[1])

  def critic_loss(self, critic, critic_obs, u, target):
    """Both critics' cross-entropy against the target distribution, summed over critics, batch mean."""
    log_probs = jax.nn.log_softmax(self.q_logits(critic, critic_obs, u))
    return jnp.sum(jnp.mean(-jnp.sum(target * log_probs, axis=-1), axis=-1))

  def actor_loss(self, actor, critic, obs, critic_obs):
    """Minus the lower of the two critics' expected returns at the actor's action, batch mean, plus
    actor_action_l2 x the mean squared action (in units of the bound)."""
    u = self.actor_net.apply({"params": actor}, obs)
    q = jnp.min(self.q_values(critic, critic_obs, u), axis=0)
    return -jnp.mean(q) + self.config.actor_action_l2 * jnp.mean(jnp.square(u))


# -------------------------------------------------------------- run folders
def network_metadata(config: FastTD3Config) -> dict:
  """A fast_td3 policy's network description (`saved.build` reads actor_hidden, output, action_bound)."""
  return {
    "actor_hidden": list(config.actor_hidden), "critic_hidden": [], "activation": "elu",
    "normalize_obs": bool(config.normalize_obs), "distribution": "deterministic",
    "output": "tanh", "action_bound": float(config.action_bound),
    "critic": "a zero placeholder: fast_td3's two distributional Q critics are in its training checkpoints",
    "q_critics": {"hidden": list(config.critic_hidden), "num_atoms": config.num_atoms, "v_min": config.v_min,
                  "v_max": config.v_max},
  }


def save_training_state(path, learner: Learner, td3: FastTD3, cfg, env_steps: int, logger=None) -> None:
  """A training checkpoint: the learner (prefixed `STATE_PREFIX`) and, beside it, its policy's
  arrays, so that `saved.load` reads the file as a policy too."""
  arrays = ckpt_lib.flatten(jax.device_get(td3.policy(learner)))
  arrays.update({STATE_PREFIX + k: v for k, v in ckpt_lib.flatten(jax.device_get(learner)).items()})
  training = {"iteration": int(learner.iteration), "env_steps": env_steps, "seed": cfg.seed, "trainer": "fast_td3"}
  if logger is not None:
    training["wall_clock_s"] = logger.wall_s
  env = td3.env
  ckpt_lib.save(path, arrays, "training", embodiment=env.embodiment.name, skill=env.skill.name,
                observation=policy_lib.observation_metadata(env), network=network_metadata(td3.config),
                training=training)
  if logger is not None:
    logger.write(f"checkpoint {path}")


def restore_training_state(path, template: Learner, env) -> Learner:
  """The learner of a fast_td3 training checkpoint, checked against the run's robot and skill."""
  ckpt = ckpt_lib.load(path, expect_embodiment=env.embodiment.name, expect_skill=env.skill.name,
                       expect_kind="training")
  if ckpt.metadata.get("training", {}).get("trainer") != "fast_td3":
    raise ckpt_lib.CheckpointError(f"{path} was not written by trainer=fast_td3; it cannot resume this run")
  restored = ckpt_lib.unflatten(jax.device_get(template), ckpt.arrays, prefix=STATE_PREFIX, source=str(path))
  return jax.tree.map(jnp.asarray, restored)


def save_policy(path, learner: Learner, td3: FastTD3, **metadata) -> pathlib.Path:
  """The final policy file: what acting needs, in SkillBench's policy format."""
  env = td3.env
  return ckpt_lib.save(path, ckpt_lib.flatten(jax.device_get(td3.policy(learner))), "policy",
                       embodiment=env.embodiment.name, skill=env.skill.name,
                       observation=policy_lib.observation_metadata(env), network=network_metadata(td3.config),
                       **metadata)


def diverged(bad: list[str], iteration: int, config: FastTD3Config, run) -> guards.TrainingDiverged:
  """The error of a run whose `bad` (actions, loss, parameters) went NaN or Inf at `iteration`."""
  found = runs.checkpoints(run)
  kept = (f"its last finite checkpoint, {found[-1][1]} (iteration {found[-1][0]}), is kept" if found
          else "no checkpoint was written before it")
  return guards.TrainingDiverged(
    f"training diverged at iteration {iteration}: its {', '.join(bad)} became non-finite (NaN or Inf). Nothing "
    f"from iteration {iteration} on was saved and no policy was written; {kept}. Lower the learning rates "
    f"(trainer.fast_td3.critic_learning_rate={config.critic_learning_rate:g}, actor_learning_rate="
    f"{config.actor_learning_rate:g}) and train again."
  )


def train(cfg, run: pathlib.Path) -> None:
  """Trains (or resumes) a fast_td3 run in `run`: logs, checkpoints every trainer.checkpoint_every
  iterations, the time limit, Ctrl-C and NaN guards, the final policy, curves and evaluation."""
  from skillbench.training.run_config import build_env, config_summary, evaluate_run, training_summary

  config = cfg.trainer.fast_td3
  env = build_env(cfg)
  td3 = FastTD3(env, config)
  per_iteration = config.env_steps_per_iteration
  iterations = max(1, -(-cfg.trainer.total_env_steps // per_iteration))
  key = jax.random.PRNGKey(cfg.seed)
  learner, collector = td3.init(key)
  start = 0
  if cfg.resume:
    learner = restore_training_state(runs.latest_checkpoint(run), learner, env)
    start = int(learner.iteration)
    collector = td3.init_collector(jax.random.fold_in(key, start))
  logger = RunLogger(run, iterations * per_iteration, start * per_iteration, cfg.wandb, config=config_summary(cfg))
  logger.write(
    f"{'resuming' if cfg.resume else 'training'} {env.embodiment.name} {env.skill.name} with FastTD3 on "
    f"{env.backend}: {config.num_envs} envs x {config.steps_per_iteration} steps, then "
    f"{config.steps_per_iteration * config.num_updates} updates of {config.batch_size} per iteration, "
    f"iterations {start}..{iterations}, run {run}"
  )
  if cfg.resume:
    logger.write(f"the replay buffer and environments start afresh: updates resume after {config.learning_starts} "
                 "env steps per environment")
  deadline = time.time() + 60 * cfg.time_limit_min if cfg.time_limit_min else float("inf")
  it, collected = start, 0
  try:
    with guards.StopRequest() as stop:
      while it < iterations:
        learner, collector, metrics, collected = _iteration(td3, learner, collector, collected)
        it += 1
        metrics = jax.device_get(metrics)
        finite = guards.pop_flags(metrics)
        logger.log(it, it * per_iteration, metrics)
        bad = guards.non_finite(finite)
        if bad:
          error = diverged(bad, it, config, run)
          logger.write(str(error), echo=False)
          raise error
        def save(path, learner=learner, env_steps=it * per_iteration):
          save_training_state(path, learner, td3, cfg, env_steps, logger)

        if guards.end_iteration(cfg, run, it, iterations, it * per_iteration, deadline, stop, logger, save):
          break
  finally:
    logger.close()
  summary = {"training": training_summary(cfg, it * per_iteration, run), "config": config_summary(cfg)}
  final = save_policy(run / library.FINAL_POLICY, learner, td3, **summary)
  curves.plot(run)
  if cfg.final_eval_rollouts:
    evaluate_run(run, cfg.final_eval_rollouts, cfg.final_eval_seconds, backend=cfg.backend.name)
  print(f"policy: {final}")


def _iteration(td3: FastTD3, learner: Learner, collector: Collector, collected: int):
  """One iteration: collect, then learn once the buffer holds learning_starts steps per environment.
  Returns (learner, collector, metrics with the seconds each half took, env steps per env collected)."""
  config = td3.config
  t0 = time.perf_counter()
  learner, collector, metrics = td3._collect(learner, collector)
  jax.block_until_ready(collector.buffer.ptr)
  t1 = time.perf_counter()
  collected += config.steps_per_iteration
  learned = min(collected, config.buffer_size) >= max(config.learning_starts, 1)
  if learned:
    learner, learn_metrics = td3._learn(learner, collector.buffer)
    jax.block_until_ready(learner.actor)
    metrics = {**metrics, **learn_metrics}
  t2 = time.perf_counter()
  metrics = {**metrics, "time/collect_s": t1 - t0, "time/learn_s": t2 - t1,
             "updates": float(learned) * config.steps_per_iteration * config.num_updates}
  return learner, collector, metrics, collected

