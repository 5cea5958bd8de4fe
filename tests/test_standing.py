"""Standing at the default pose with zero action.

At the benchmark's gains no robot can stand without a policy: its ankle servos (H1: 2 x 40 N m/rad)
are far softer than gravity's toppling stiffness m g h (H1: about 470 N m/rad), so the robot is an
inverted pendulum that tips over within two seconds (`test_spec_gains_tip_over_without_a_policy`).
The model itself (default pose, feet, servos, colliders, both backends, both timing presets) is
checked with servos 16x stiffer, which hold the pose passively.
"""

import gymnasium as gym
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import skillbench  # noqa: F401  (registers the gymnasium ids)
from skillbench import catalog
from tests.helpers import cached_env

STIFF = dict(gain_scale=16.0, init_joint_noise=0.0, action_delay=False, action_noise=0.0, obs_noise=False,
             randomize_friction=False, randomize_mass=False, push=False)
SECONDS = 5.0


def _roll(env, seconds, num_envs, seed=0):
  """Zero-action rollout; per step: done flags, root heights, tilts (num_steps, num_envs)."""
  state = env.reset(jax.random.PRNGKey(seed))
  zero = jnp.zeros((num_envs, env.action_size))

  def body(s, _):
    s = jax.vmap(env.env.step)(s, zero)
    return s, (s.done, s.metrics["height"], s.metrics["tilt"])

  steps = env.env.timing.steps(seconds)
  _, (done, height, tilt) = jax.jit(lambda s: jax.lax.scan(body, s, None, length=steps))(state)
  return np.asarray(done), np.asarray(height), np.asarray(tilt)


def _assert_stands(env, num_envs=2):
  done, height, tilt = _roll(env, SECONDS, num_envs)
  e = env.env.embodiment
  assert not done.any(), f"{e.name} fell (or hit a forbidden contact) within {SECONDS} s"
  landed = env.env.timing.steps(2.0)  # dropped from its reset height, G1 rocks on its soles for up to 2 s (MJX)
  settled = height[landed:]
  assert settled.min() > 0.9 * e.nominal_height, f"{e.name} sagged to {settled.min():.3f} m"
  assert np.ptp(settled) < 0.02, "the robot keeps moving"
  assert tilt[:landed].max() < 0.15, f"{e.name} tilted {tilt[:landed].max():.3f} rad on landing"
  assert tilt[landed:].max() < 0.05, f"{e.name} stands tilted by {tilt[landed:].max():.3f} rad"


@pytest.mark.parametrize("timing", ["default", "paper"])
@pytest.mark.parametrize("robot", catalog.robot_names())
def test_stands_with_stiff_servos_native(robot, timing):
  _assert_stands(cached_env(robot, "reaching", "mujoco", 2, timing=timing, **STIFF))


def test_stands_with_stiff_servos_mjx_h1():
  _assert_stands(cached_env("h1", "reaching", "mjx", 2, **STIFF))


@pytest.mark.slow
@pytest.mark.parametrize("timing", ["default", "paper"])
@pytest.mark.parametrize("robot", catalog.robot_names())
def test_stands_with_stiff_servos_mjx(robot, timing):
  _assert_stands(cached_env(robot, "reaching", "mjx", 2, timing=timing, **STIFF))


@pytest.mark.parametrize("robot", catalog.robot_names())
def test_falls_without_servos(robot):
  done, height, _ = _roll(cached_env(robot, "reaching", "mujoco", 2, **{**STIFF, "gain_scale": 0.0}), 2.0, 2)
  assert done.any(axis=0).all(), "with zero gains every robot collapses onto a forbidden contact"
  assert height.min() < 0.6 * catalog.robot(robot).nominal_height


@pytest.mark.parametrize("robot", catalog.robot_names())
def test_spec_gains_tip_over_without_a_policy(robot):
  """Default settings, benchmark gains: lands upright, then tips over as an inverted pendulum."""
  env = cached_env(robot, "reaching", "mujoco", 4)
  done, _, tilt = _roll(env, SECONDS, 4)
  t = env.env.timing.steps
  assert tilt[:t(0.2)].max() < 0.2 and not done[:t(0.3)].any(), "the model is sane: it lands upright"
  assert done.any(axis=0).all(), "no passive robot should survive 5 s at the spec's gains"


def test_gym_make_stands_with_stiff_servos():
  env = gym.make("SkillBench/H1-Reaching-v0", config=STIFF)
  obs, _ = env.reset(seed=0)
  zero = np.zeros(env.action_space.shape, np.float32)
  inner = env.unwrapped.env
  heights = []
  for _ in range(inner.timing.steps(SECONDS)):
    obs, reward, terminated, truncated, info = env.step(zero)
    assert not (terminated or truncated)
    heights.append(info["height"])
  assert min(heights[inner.timing.steps(0.5):]) > 0.9 * inner.embodiment.nominal_height
  env.close()
