"""Videos: a rollout becomes an mp4 with the goal drawn as markers."""

import imageio
import jax
import numpy as np

from skillbench.envs import render
from skillbench.policy import acting
from tests.helpers import cached_env


def _red_pixels(frame):
  f = frame.astype(int)
  return int(np.sum((f[..., 0] > 150) & (f[..., 1] < 80) & (f[..., 2] < 80)))


def test_record_writes_an_mp4_with_goal_markers(tmp_path):
  env = cached_env("h1", "reaching", "mujoco")
  path = tmp_path / "reach.mp4"
  summary = render.record(env, acting.act_fn(env, None, "random"), path, seconds=1.0, width=320, height=240)
  assert path.is_file() and summary["frames"] == 51 and summary["fps"] == 50.0
  frames = [f for f in imageio.get_reader(path)]  # list() would ask for an infinite length
  assert len(frames) == 51 and frames[0].shape == (240, 320, 3)
  assert _red_pixels(frames[0]) > 10, "the reaching targets are drawn"
  assert np.abs(frames[-1].astype(int) - frames[0].astype(int)).mean() > 1, "the robot moves"


def test_markers_follow_the_goal():
  env = cached_env("h1", "squatting", "mujoco")
  state = jax.jit(env.reset)(jax.random.PRNGKey(0))
  renderer = render.Renderer(env, 320, 240)
  with_marker = renderer.render(state)
  lowered = state.replace(info={**state.info, "goal": {"height": state.info["goal"]["height"] * 0 - 5.0}})
  without = renderer.render(lowered)  # a target 5 m under the floor is hidden
  renderer.close()
  assert _red_pixels(with_marker) > 10 and _red_pixels(without) < _red_pixels(with_marker)
