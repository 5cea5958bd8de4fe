"""Helpers shared by the tests."""

import functools

import jax


@functools.cache
def cached_env(robot, skill, backend="mujoco", num_envs=None, **config):
  """A (possibly batched) environment, built once per argument set."""
  from skillbench.envs.factory import make

  return make(robot, skill, backend, num_envs=num_envs, config=config or None)


@functools.cache
def jitted(env):
  """(reset, step) of a single environment, jitted once."""
  return jax.jit(env.reset), jax.jit(env.step)
