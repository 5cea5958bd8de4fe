"""Running mean and variance of observations (merged batch by batch, Chan et al.)."""

from __future__ import annotations

import flax.struct
import jax
import jax.numpy as jnp

CLIP = 10.0  # normalised observations are clipped to +-CLIP standard deviations
EPS = 1e-5


@flax.struct.dataclass
class RunningStats:
  mean: jax.Array
  var: jax.Array
  count: jax.Array

  @classmethod
  def zeros(cls, size: int) -> RunningStats:
    return cls(jnp.zeros(size), jnp.ones(size), jnp.zeros(()))

  def update(self, batch: jax.Array) -> RunningStats:
    """Merges a batch (..., size) into the statistics."""
    batch = batch.reshape(-1, batch.shape[-1])
    n = batch.shape[0]
    mean, var = jnp.mean(batch, 0), jnp.var(batch, 0)
    total = self.count + n
    delta = mean - self.mean
    new_mean = self.mean + delta * n / total
    m2 = self.var * self.count + var * n + delta ** 2 * self.count * n / total
    return RunningStats(new_mean, m2 / total, total)

  def normalize(self, x: jax.Array) -> jax.Array:
    return jnp.clip((x - self.mean) / jnp.sqrt(self.var + EPS), -CLIP, CLIP)
