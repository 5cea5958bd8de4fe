"""Goal samplers stay within the spec's ranges (property tests over many seeds)."""

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillbench import catalog
from tests.helpers import cached_env
from tests.test_rewards import robot_at

BATCH = 512  # goals per hypothesis example
ROBOTS = [catalog.robot(n) for n in catalog.robot_names()]
ROBOT = robot_at()


@functools.cache
def _sampler(skill_name, embodiment, resample):
  """(skill, jitted seed -> BATCH goals), compiled once per skill, robot and kind of draw."""
  skill = catalog.skill(skill_name, embodiment)

  def goals(seed):
    keys = jax.random.split(jax.random.PRNGKey(seed), BATCH)
    if resample:
      first = skill.reset_goal(keys[0], ROBOT, skill.params)
      return jax.vmap(lambda k: skill.resample_goal(k, ROBOT, first, skill.params))(keys)
    return jax.vmap(lambda k: skill.reset_goal(k, ROBOT, skill.params))(keys)

  return skill, jax.jit(goals)


def _goals(skill_name, embodiment, seed, resample=False):
  skill, sample = _sampler(skill_name, embodiment, resample)
  return skill, jax.tree.map(np.asarray, sample(seed))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), robot=st.sampled_from(ROBOTS), resample=st.booleans())
def test_reaching_targets_lie_on_the_sphere_inside_the_box(seed, robot, resample):
  skill, goal = _goals("reaching", robot, seed, resample)
  p = skill.params
  offsets = goal["pos"] - np.asarray(ROBOT.wrist_pos)
  np.testing.assert_allclose(np.linalg.norm(offsets, axis=-1), p.radius, rtol=1e-4)
  low, high = np.asarray(p.box_low), np.asarray(p.box_high)
  assert np.all(offsets >= low - 1e-6) and np.all(offsets <= high + 1e-6)
  np.testing.assert_allclose(np.linalg.norm(goal["quat"], axis=-1), 1.0, rtol=1e-5)
  assert p.radius == (0.15 if robot.name in ("g1", "t1") else 0.25)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), robot=st.sampled_from(ROBOTS))
def test_squat_targets_are_clipped_normals(seed, robot):
  skill, goal = _goals("squatting", robot, seed)
  h = goal["height"]
  assert h.min() >= 0.2 - 1e-6 and h.max() <= skill.params.high + 1e-6
  assert skill.params.high == {"h1": 1.1, "h1_2": 1.1, "g1": 0.8, "t1": 0.7}[robot.name]
  # N(nominal, 0.2^2) clipped: the share of draws at the upper clip is P(X > high).
  above = 0.5 * (1 - math.erf((skill.params.high - robot.nominal_height) / (0.2 * math.sqrt(2))))
  assert abs(np.mean(h >= skill.params.high - 1e-6) - above) < 0.07


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), robot=st.sampled_from(ROBOTS))
def test_stepping_moves_one_foot_by_the_step_length(seed, robot):
  skill, goal = _goals("stepping", robot, seed)
  moved = np.linalg.norm(goal["xy"] - np.asarray(ROBOT.foot_pos[:, :2]), axis=-1)  # (BATCH, 2)
  distance = 0.15 if robot.name in ("g1", "t1") else 0.25
  assert np.all(np.sort(moved, axis=-1)[:, 0] < 1e-6), "one foot keeps its place"
  np.testing.assert_allclose(moved.max(axis=-1), distance, rtol=1e-5)
  left_share = np.mean(moved[:, 0] > moved[:, 1])
  assert 0.4 < left_share < 0.6


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), robot=st.sampled_from(ROBOTS))
def test_walking_commands_stay_in_range(seed, robot):
  skill, goal = _goals("walking", robot, seed)
  p = skill.params
  v = goal["command"]
  assert np.all((v[:, 0] >= p.vx[0]) & (v[:, 0] <= p.vx[1]) & (v[:, 1] >= p.vy[0]) & (v[:, 1] <= p.vy[1]))
  speed = np.linalg.norm(v[:, :2], axis=-1)
  assert np.all((speed == 0) | (speed >= 0.2)), "slow commands are zeroed"
  assert np.all(np.abs(goal["heading"]) <= np.pi)
  assert np.all(np.abs(v[:, 2]) <= 1.0)
  assert p.vx == (-1.0, 1.0), "0.3.0: where the original's command curriculum ends (max_curriculum 1)"
  assert p.vy == ((-0.5, 0.5) if robot.name in ("g1", "t1") else (-1.0, 1.0))


def test_goal_range_scale_narrows_walking_commands_and_is_refused_where_there_is_no_range():
  env = cached_env("h1", "walking", goal_range_scale=0.3)
  assert env.skill.params.vx == pytest.approx((-0.3, 0.3)) and env.skill.params.vy == pytest.approx((-0.3, 0.3))
  states = jax.vmap(env.reset)(jax.random.split(jax.random.PRNGKey(0), 512))
  v = np.asarray(states.info["goal"]["command"])
  assert np.abs(v[:, 0]).max() <= 0.3 and np.abs(v[:, 1]).max() <= 0.3
  assert v[:, 0].max() > 0.25, "the scaled range is used, not a narrower one"
  assert cached_env("h1", "walking").skill.params.vx == (-1.0, 1.0), "the benchmark's ranges stay the default"
  with pytest.raises(ValueError, match="reaching has no goal ranges to scale"):
    cached_env("h1", "reaching", goal_range_scale=0.3)


def test_heading_mode_turns_toward_the_heading():
  walk = catalog.skill("walking", catalog.robot("h1"))
  goal = {"command": jnp.zeros(3), "heading": jnp.float32(1.0)}
  assert float(walk.track_goal(goal, ROBOT, walk.params)["command"][2]) == pytest.approx(0.5, abs=1e-6)
  goal = {"command": jnp.zeros(3), "heading": jnp.float32(-3.0)}
  assert float(walk.track_goal(goal, ROBOT, walk.params)["command"][2]) == -1.0
