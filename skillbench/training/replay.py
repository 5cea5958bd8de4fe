"""The replay buffer of the off-policy trainer (fast_td3): one ring buffer per environment, on device.

Each environment's transitions sit in time order in its own row of `size` slots, so a sample can
read the n steps that follow a transition (n-step returns). Rows are written together, one slot per
env step, and wrap around: the oldest transitions are overwritten. A sampled window stops at the
first step whose episode ended (terminal or time-out) and at the newest transition (whose successor
is not in the buffer yet); it bootstraps from the observation after that step. Everything is a pure
function of JAX arrays.
"""

from __future__ import annotations

import flax.struct
import jax
import jax.numpy as jnp


@flax.struct.dataclass
class ReplayBuffer:
  """Transitions (envs, size, ...): observations before and after each step (actor "obs", critic
  "critic_obs"), the action, the reward, `terminal` (the episode ended without a time-out: no
  bootstrap) and `ended` (the episode ended, either way). `ptr`: the slot written next; `count`:
  filled slots per environment (<= size)."""

  obs: jax.Array
  critic_obs: jax.Array
  action: jax.Array
  reward: jax.Array
  terminal: jax.Array
  ended: jax.Array
  next_obs: jax.Array
  next_critic_obs: jax.Array
  ptr: jax.Array
  count: jax.Array

  @classmethod
  def empty(cls, num_envs: int, size: int, obs_size: int, critic_size: int, action_size: int) -> ReplayBuffer:
    rows = lambda *shape: jnp.zeros((num_envs, size, *shape), jnp.float32)
    return cls(obs=rows(obs_size), critic_obs=rows(critic_size), action=rows(action_size), reward=rows(),
               terminal=rows(), ended=rows(), next_obs=rows(obs_size), next_critic_obs=rows(critic_size),
               ptr=jnp.zeros((), jnp.int32), count=jnp.zeros((), jnp.int32))

  @property
  def size(self) -> int:
    return self.reward.shape[1]

  @property
  def num_envs(self) -> int:
    return self.reward.shape[0]

  def add(self, transition: dict) -> ReplayBuffer:
    """Writes one env step of every environment (arrays (envs, ...), keyed by the field names)."""
    written = {k: getattr(self, k).at[:, self.ptr].set(v.astype(jnp.float32)) for k, v in transition.items()}
    return self.replace(**written, ptr=(self.ptr + 1) % self.size, count=jnp.minimum(self.count + 1, self.size))

  def at(self, env: jax.Array, start: jax.Array, n_steps: int, gamma: float) -> dict:
    """The n-step transitions that start at slots `start` (B,) of environments `env` (B,).

    Returns obs, critic_obs, action (of the first step); `reward`: the discounted reward sum up to
    and including the window's last step; `next_obs`, `next_critic_obs`: the observations after
    that step; `bootstrap` (1, or 0 after a terminal step) and `discount` (gamma ** steps taken).
    """
    window = (start[:, None] + jnp.arange(n_steps)) % self.size  # (B, n) slots
    rows = env[:, None]
    newest = (self.ptr - 1) % self.size
    stop = (self.ended[rows, window] > 0) | (window == newest)
    reward, last, bootstrap, discount = n_step_return(self.reward[rows, window], self.terminal[rows, window] > 0,
                                                      stop, gamma)
    final = jnp.take_along_axis(window, last[:, None], axis=1)[:, 0]
    return {
      "obs": self.obs[env, start], "critic_obs": self.critic_obs[env, start], "action": self.action[env, start],
      "reward": reward, "next_obs": self.next_obs[env, final], "next_critic_obs": self.next_critic_obs[env, final],
      "bootstrap": bootstrap, "discount": discount,
    }

  def sample(self, key: jax.Array, batch_size: int, n_steps: int, gamma: float) -> dict:
    """`at` of `batch_size` windows drawn uniformly over environments and filled slots."""
    k_env, k_start = jax.random.split(key)
    env = jax.random.randint(k_env, (batch_size,), 0, self.num_envs)
    start = jax.random.randint(k_start, (batch_size,), 0, self.count)
    return self.at(env, start, n_steps, gamma)


def n_step_return(rewards, terminal, stop, gamma: float):
  """The n-step return of windows of n steps (arrays (..., n), time last).

  terminal: the step ended its episode without a time-out; stop: the window ends at this step
  (its episode ended, or the data does). The window runs to its first stop, or all n steps.
  Returns (sum of gamma^k x reward_k over the window, index of its last step, bootstrap: 0 when
  that step was terminal, else 1, discount: gamma^(steps in the window)).
  """
  n = rewards.shape[-1]
  stop = stop | terminal
  stopped_before = jnp.cumsum(stop, axis=-1) - stop  # stops strictly before step k
  inside = stopped_before == 0
  powers = gamma ** jnp.arange(n, dtype=jnp.float32)
  total = jnp.sum(jnp.where(inside, powers * rewards, 0.0), axis=-1)
  last = jnp.where(jnp.any(stop, axis=-1), jnp.argmax(stop, axis=-1), n - 1)
  ended_terminal = jnp.take_along_axis(terminal, last[..., None], axis=-1)[..., 0]
  return total, last, 1.0 - ended_terminal.astype(jnp.float32), gamma ** (last + 1.0)
