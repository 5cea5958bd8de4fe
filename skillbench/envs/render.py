"""Rollout videos: any policy, any SkillBench environment, the goal drawn as markers.

Rendering uses the scene's `render_model` (the physics model plus its visual meshes) with
shadows, reflections and anti-aliasing off. Set `MUJOCO_GL` (see `skillbench.sim.gl.select`) before
MuJoCo is first imported.
"""

from __future__ import annotations

import contextlib
import pathlib
import warnings
from collections.abc import Callable

import imageio
import jax
import mujoco
import numpy as np

from skillbench.envs.env import SkillEnv, State
from skillbench.robot.state import RobotState, SimView

GOAL_RGBA = (0.9, 0.15, 0.15, 0.8)
TASK_VIEW = (70.0, -20.0)  # azimuth, elevation (deg): from the robot's right side, a little behind
MARKER_RADIUS = 0.035  # m
MAX_FPS = 50


class Renderer:
  """Renders states of one environment from a camera that follows the robot.

  In a task scene the camera looks at the middle between the robot and the goal markers, far
  enough back to show both.
  """

  def __init__(self, env: SkillEnv, width: int = 640, height: int = 480, distance: float = 3.2,
               azimuth: float = 135.0, elevation: float = -15.0):
    self.env = env
    self.model = env.scene.render_model
    self.data = mujoco.MjData(self.model)
    self.renderer = mujoco.Renderer(self.model, height, width)
    self.camera = mujoco.MjvCamera()
    self.camera.type = mujoco.mjtCamera.mjCAMERA_FREE
    self.camera.distance, self.camera.azimuth, self.camera.elevation = distance, azimuth, elevation
    self.distance = distance
    self.option = mujoco.MjvOption()
    for flag in (mujoco.mjtRndFlag.mjRND_SHADOW, mujoco.mjtRndFlag.mjRND_REFLECTION):
      self.renderer.scene.flags[flag] = False
    skill, layout = env.skill, env.layout
    self._markers = jax.jit(
      lambda qpos, qvel, sensordata, goal: skill.goal_markers(
        goal, RobotState.read(SimView(qpos, qvel, sensordata), layout), skill.params
      )
    )

  def render(self, state: State) -> np.ndarray:
    """An RGB frame (height, width, 3) of a single environment's state."""
    d = self.data
    d.qpos[:] = np.asarray(state.pipeline_state.qpos, np.float64)
    d.qvel[:] = np.asarray(state.pipeline_state.qvel, np.float64)
    mujoco.mj_forward(self.model, d)
    markers = np.asarray(self._markers(d.qpos, d.qvel, d.sensordata, state.info["goal"]))
    root = d.xpos[self.env.layout.root_body]
    self.camera.lookat[:] = [root[0], root[1], 0.7 * self.env.embodiment.nominal_height]
    if self.env.skill.add_objects is not None:
      self._frame_task(root, markers.reshape(-1, 3))
    self.renderer.update_scene(d, self.camera, self.option)
    for point in markers.reshape(-1, 3):
      _add_sphere(self.renderer.scene, point, MARKER_RADIUS, GOAL_RGBA)
    return self.renderer.render()

  def _frame_task(self, root, markers):
    self.camera.azimuth, self.camera.elevation = TASK_VIEW
    target = markers.mean(axis=0)
    self.camera.lookat[:2] = (root[:2] + target[:2]) / 2
    span = float(np.linalg.norm(target[:2] - root[:2]))
    self.camera.distance = max(self.distance, 1.2 * span + 2.0)

  def close(self):
    self.renderer.close()


def _add_sphere(scene: mujoco.MjvScene, pos, radius, rgba):
  if scene.ngeom >= scene.maxgeom:
    return
  mujoco.mjv_initGeom(
    scene.geoms[scene.ngeom], mujoco.mjtGeom.mjGEOM_SPHERE, np.full(3, radius), np.asarray(pos, np.float64),
    np.eye(3).reshape(-1), np.asarray(rgba, np.float32),
  )
  scene.ngeom += 1


def still(env: SkillEnv, path, seed: int = 0, width: int = 640, height: int = 480) -> pathlib.Path:
  """A PNG of the environment just after a reset (the scene, its objects and goal markers)."""
  path = pathlib.Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  state = jax.jit(env.reset)(jax.random.PRNGKey(seed))
  renderer = Renderer(env, width, height)
  with contextlib.closing(renderer):
    imageio.imwrite(path, renderer.render(state))
  return path


def record(env: SkillEnv, policy: Callable, path, seconds: float = 5.0, seed: int = 0, width: int = 640,
           height: int = 480, weights_fn: Callable | None = None) -> dict:
  """Rolls out `policy(obs, key) -> action` from a reset and writes an mp4 to `path`.

  `weights_fn(obs) -> (skills, joints)`: a blender's blend weights, drawn as a strip under each
  frame (rows: skills, columns: joints in policy order).
  Returns a summary: frames, fps, episodes that ended, mean reward per step and goal error.
  """
  path = pathlib.Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  reset, step = jax.jit(env.reset), jax.jit(env.step)
  act = jax.jit(policy)
  key = jax.random.PRNGKey(seed)
  key, reset_key = jax.random.split(key)
  state = reset(reset_key)
  every = max(1, int(round((1.0 / env.dt) / MAX_FPS)))
  fps = (1.0 / env.dt) / every
  renderer = Renderer(env, width, height)
  rewards, errors, episodes = [], [], 0
  with warnings.catch_warnings(), contextlib.closing(renderer):
    warnings.filterwarnings("ignore", "os.fork", RuntimeWarning)  # imageio starts ffmpeg
    with imageio.get_writer(path, fps=fps, codec="libx264", quality=7, macro_block_size=8) as writer:
      weigh = jax.jit(weights_fn) if weights_fn is not None else None

      def frame(state):
        image = renderer.render(state)
        if weigh is None:
          return image
        from skillbench.envs.weight_views import strip

        return np.concatenate([image, strip(np.asarray(weigh(state.obs)), image.shape[1])], axis=0)

      writer.append_data(frame(state))
      for i in range(env.timing.steps(seconds)):
        key, k = jax.random.split(key)
        state = step(state, act(state.obs, k))
        rewards.append(float(state.reward))
        errors.append(float(state.metrics["goal_error"]))
        episodes += int(state.done)
        if (i + 1) % every == 0:
          writer.append_data(frame(state))
  return {
    "path": str(path), "frames": len(rewards) // every + 1, "fps": fps, "episodes_ended": episodes,
    "mean_reward": float(np.mean(rewards)), "mean_goal_error": float(np.mean(errors)),
  }
