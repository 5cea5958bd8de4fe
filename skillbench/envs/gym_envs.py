"""gymnasium environments: `gym.make("SkillBench/H1-Reaching-v0")` and `gym.make_vec(...)`.

The single environment runs the native backend (one robot, `render_mode="rgb_array"`); the vector
environment, registered as every id's `vector_entry_point`, steps a whole batch in one jitted call
on the native backend or, with `backend="mjx"`, on MJX. Both take the same keyword arguments:
`config` (an `EnvConfig` or a dict of its fields), `observation` ("dict": {"state",
"privileged_state"}, or "actor": the actor's vector alone) and, for the vector environment,
`backend` and the backend's own arguments (`nthread`, `impl`).

The vector environment resets finished sub-environments in the same step
(`AutoresetMode.SAME_STEP`): `infos["final_obs"]` holds the observations they finished with,
masked by `infos["_final_obs"]`.
"""

from __future__ import annotations

import gymnasium as gym
import jax
import jax.numpy as jnp
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

OBSERVATION_MODES = ("dict", "actor")


def _spaces(env, observation: str):
  if observation not in OBSERVATION_MODES:
    raise ValueError(f"observation must be one of {OBSERVATION_MODES}, got {observation!r}")
  clip = env.config.clip_observations
  box = lambda shape: gym.spaces.Box(-clip, clip, shape, np.float32)
  obs_space = (
    gym.spaces.Dict({k: box(v) for k, v in env.observation_size.items()})
    if observation == "dict" else box(env.observation_size["state"])
  )
  a = env.config.clip_actions
  return obs_space, gym.spaces.Box(-a, a, (env.action_size,), np.float32)


def _to_numpy(obs, observation):
  obs = jax.tree.map(np.asarray, obs)
  return obs if observation == "dict" else obs["state"]


def finite_action(action, env, batched: bool = False) -> np.ndarray:
  """`action` as float32, refused (NonFiniteError naming the entries) when it holds NaN or Inf:
  MuJoCo would replace a NaN control with zero and carry on, so a broken policy would look fine."""
  from skillbench.errors import NonFiniteError

  action = np.asarray(action, np.float32)
  bad = np.argwhere(~np.isfinite(action))
  if len(bad) == 0:
    return action
  shown = ", ".join(_entry(action, tuple(ix), env.embodiment.joint_names, batched) for ix in bad[:4])
  more = f" and {len(bad) - 4} more" if len(bad) > 4 else ""
  raise NonFiniteError(f"action holds NaN or Inf ({shown}{more}); refused, since MuJoCo would replace it with zero "
                       "and carry on. A policy that outputs NaN is broken (often a diverged training run).")


def _entry(action: np.ndarray, index: tuple, joints, batched: bool) -> str:
  """"env 1 left_knee = nan": one entry of an action, by its joint's name when the sizes match."""
  joint = joints[index[-1]] if action.shape[-1] == len(joints) else f"entry {index[-1]}"
  env = f"env {index[0]} " if batched and len(index) > 1 else ""
  return f"{env}{joint} = {action[index]}"


def _seed_key(seed, np_random):
  if seed is None:
    seed = int(np_random.integers(0, 2**31 - 1))
  return jax.random.PRNGKey(seed)


class SkillBenchEnv(gym.Env):
  """One SkillBench environment on the native MuJoCo backend."""

  metadata = {"render_modes": ["rgb_array"], "render_fps": 50}

  def __init__(self, robot: str, skill: str, config=None, observation: str = "dict",
               render_mode: str | None = None, width: int = 640, height: int = 480, nthread: int = 1):
    from skillbench.envs.factory import make

    self.env = make(robot, skill, "mujoco", config=config, nthread=nthread)
    self.observation = observation
    self.observation_space, self.action_space = _spaces(self.env, observation)
    if render_mode not in (None, "rgb_array"):
      raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
    self.render_mode = render_mode
    self.metadata = {**self.metadata, "render_fps": int(round(1.0 / self.env.dt))}
    self._size = (width, height)
    self._reset = jax.jit(self.env.reset)
    self._step = jax.jit(self.env.step)
    self._state = None
    self._renderer = None

  def reset(self, *, seed=None, options=None):
    super().reset(seed=seed)
    self._state = self._reset(_seed_key(seed, self.np_random))
    return _to_numpy(self._state.obs, self.observation), {}

  def step(self, action):
    if self._state is None:
      raise RuntimeError("call reset() before step()")
    self._state = self._step(self._state, jnp.asarray(finite_action(action, self.env)))
    s = self._state
    done = bool(s.done)
    truncated = done and bool(s.info["truncation"])
    obs = _to_numpy(s.info["final_obs"], self.observation)
    info = {k: float(v) for k, v in s.metrics.items()}
    return obs, float(s.reward), done and not truncated, truncated, info

  def render(self):
    if self.render_mode != "rgb_array" or self._state is None:
      return None
    if self._renderer is None:
      from skillbench.envs.render import Renderer

      self._renderer = Renderer(self.env, *self._size)
    return self._renderer.render(self._state)

  def close(self):
    if self._renderer is not None:
      self._renderer.close()
      self._renderer = None


class SkillBenchVectorEnv(VectorEnv):
  """`num_envs` SkillBench environments stepped together (native or MJX backend)."""

  metadata = {"autoreset_mode": AutoresetMode.SAME_STEP, "render_modes": []}

  def __init__(self, num_envs: int, robot: str, skill: str, backend: str = "mujoco", config=None,
               observation: str = "dict", **backend_kwargs):
    from skillbench.envs.factory import make

    self.batched = make(robot, skill, backend, num_envs=num_envs, config=config, **backend_kwargs)
    env = self.batched.env
    self.num_envs = num_envs
    self.observation = observation
    self.single_observation_space, self.single_action_space = _spaces(env, observation)
    self.observation_space = batch_space(self.single_observation_space, num_envs)
    self.action_space = batch_space(self.single_action_space, num_envs)
    self._state = None

  def reset(self, *, seed=None, options=None):
    super().reset(seed=seed)
    self._state = self.batched.reset(_seed_key(seed, self.np_random))
    return _to_numpy(self._state.obs, self.observation), {}

  def step(self, actions):
    if self._state is None:
      raise RuntimeError("call reset() before step()")
    actions = finite_action(actions, self.batched.env, batched=True)
    self._state = s = self.batched.step(self._state, actions)
    done = np.asarray(s.done) > 0
    truncated = done & (np.asarray(s.info["truncation"]) > 0)
    infos = {k: np.asarray(v) for k, v in s.metrics.items()}
    if done.any():
      infos["final_obs"] = _to_numpy(s.info["final_obs"], self.observation)
      infos["_final_obs"] = done
    obs = _to_numpy(s.obs, self.observation)
    return obs, np.asarray(s.reward), done & ~truncated, truncated, infos
