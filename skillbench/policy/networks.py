"""Actor and critic networks (ELU MLPs, as rsl_rl and the paper) and the Gaussian policy.

The actor maps the normalised actor observation to the mean joint action; the policy samples
a ~ N(mean, exp(log_std)^2) with a state-independent, learned per-joint log_std. The critic maps
the normalised privileged observation to a value. An actor's output is linear (PPO's) or
`bound x tanh` (fast_td3's deterministic actor, whose actions stay within +-bound).
"""

from __future__ import annotations

from collections.abc import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

OUTPUTS = ("linear", "tanh")


class MLP(nn.Module):
  """Dense layers with ELU between them; the last layer is linear, or squashed to
  `bound x tanh` when `output="tanh"` (the same parameters either way)."""

  hidden: Sequence[int]
  out: int
  last_scale: float = 1.0  # scales the initial weights of the output layer
  output: str = "linear"
  bound: float = 1.0  # "tanh" only: the output's magnitude limit

  @nn.compact
  def __call__(self, x):
    for i, size in enumerate(self.hidden):
      x = nn.elu(nn.Dense(size, name=f"hidden_{i}")(x))
    init = nn.initializers.variance_scaling(self.last_scale, "fan_avg", "uniform")
    y = nn.Dense(self.out, kernel_init=init, name="out")(x)
    return self.bound * jnp.tanh(y) if self.output == "tanh" else y


def actor(hidden, action_size, output: str = "linear", bound: float = 1.0) -> MLP:
  """The actor MLP: linear output (PPO's mean action) or `bound x tanh` (fast_td3's action)."""
  if output not in OUTPUTS:
    raise ValueError(f"actor output must be one of {OUTPUTS}, got {output!r}")
  return MLP(tuple(hidden), action_size, last_scale=0.01, output=output, bound=float(bound))


def critic(hidden) -> MLP:
  return MLP(tuple(hidden), 1)


def init_params(key, actor_net: MLP, critic_net: MLP, actor_obs_size, critic_obs_size, action_size, init_std,
                actor_inputs: int = 1):
  """actor_inputs: how many observation-sized arguments the actor takes (the blender takes two)."""
  k_actor, k_critic = jax.random.split(key)
  return {
    "actor": actor_net.init(k_actor, *[jnp.zeros((actor_obs_size,))] * actor_inputs)["params"],
    "critic": critic_net.init(k_critic, jnp.zeros((critic_obs_size,)))["params"],
    "log_std": jnp.full((action_size,), jnp.log(init_std), jnp.float32),
  }


def log_prob(mean, log_std, action):
  """Log density of a diagonal Gaussian, summed over the action's joints."""
  z = (action - mean) * jnp.exp(-log_std)
  return jnp.sum(-0.5 * z * z - log_std - 0.5 * jnp.log(2.0 * jnp.pi), axis=-1)


def entropy(log_std):
  return jnp.sum(log_std + 0.5 * jnp.log(2.0 * jnp.pi * jnp.e), axis=-1)
