"""What a primitive skill (or a task) declares, and what its functions receive.

A skill is data plus small pure JAX functions: goal sampling, the goal's observation, the
goal-tracking error, reward terms with a weight table, forbidden contact groups and timing.
`primitives/<skill>.py` builds one `Skill` per robot with `make(embodiment)`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import flax.struct
import jax
import numpy as np

from skillbench.errors import UnknownNameError
from skillbench.robot.embodiment import Embodiment
from skillbench.robot.state import RobotState


@dataclasses.dataclass(frozen=True, eq=False)
class RobotConstants:
  """Per-robot arrays the reward terms index with (numpy; constants under jit).

  default_pose (d,) rad; upper_body, torso: policy indices; hip_yaw_roll: (2, 2) indices of each
  side's hip yaw and roll; nominal_height (m); dt: policy period (s); torque_limits (d,) N m: the
  clipped torque each joint can reach (`Embodiment.torque_limits`).
  """

  default_pose: np.ndarray
  upper_body: np.ndarray
  torso: np.ndarray
  hip_yaw_roll: np.ndarray
  nominal_height: float
  dt: float
  torque_limits: np.ndarray

  @classmethod
  def build(cls, embodiment: Embodiment, dt: float) -> RobotConstants:
    hip_yaw_roll = np.array([
      [*embodiment.joint_indices(kinds=("hip_yaw",), side=s), *embodiment.joint_indices(kinds=("hip_roll",), side=s)]
      for s in ("left", "right")
    ])
    return cls(
      default_pose=np.asarray(embodiment.default_pose, np.float32),
      upper_body=np.array(embodiment.joint_indices(legs=False)),
      torso=np.array(embodiment.joint_indices(kinds=("torso",))),
      hip_yaw_roll=hip_yaw_roll,
      nominal_height=embodiment.nominal_height,
      dt=dt,
      torque_limits=np.asarray(embodiment.torque_limits, np.float32),
    )


@flax.struct.dataclass
class StepContext:
  """Everything a reward term may read after a control step.

  robot: the robot after the step. action: the action applied this step (after delay and noise);
  last_action, last_last_action: those of the two steps before. last_qd: joint velocities
  (rad/s) and last_base_vel: base linear (world, m/s) and angular (base frame, rad/s) velocity
  before the step. goal, skill_state: the skill's. step: policy steps since the episode began.
  """

  robot: RobotState
  action: jax.Array
  last_action: jax.Array
  last_last_action: jax.Array
  last_qd: jax.Array
  last_base_vel: jax.Array
  goal: Any
  skill_state: Any
  step: jax.Array
  consts: RobotConstants = flax.struct.field(pytree_node=False)
  params: Any = flax.struct.field(pytree_node=False)


def _no_state(robot: RobotState, params) -> dict:
  return {}


def _same_state(state, robot, step, dt, params):
  return state


def _same_goal(goal, robot, params):
  return goal


def _same_scene(key, qpos, body_mass, layout, params):
  return qpos, body_mass


def _no_critic_extra(step, robot, consts, params):
  return jax.numpy.zeros(0)


def _no_clock(step, dt):
  return jax.numpy.zeros(0)


def _never(goal, robot, params):
  return jax.numpy.zeros((), bool)


@dataclasses.dataclass(frozen=True, eq=False)
class Skill:
  """A goal-conditioned skill for one robot.

  Attributes:
    name: the skill's name.
    goal_size: length of the goal observation.
    goal_description: what the goal observation holds, in words (the README's skills table).
    episode_seconds, resample_seconds: episode length and goal-resampling period (s).
    forbidden_groups: contact groups whose contact (> 1 N) ends the episode.
    terms: reward term name -> fn(StepContext) -> scalar (unweighted).
    weights: reward term name -> weight (the reward is sum(weight x term) x dt, clipped at >= 0).
    shaping_terms: potential-based shaping terms, added to the reward after the clip.
    params: the skill's numbers for this robot (ranges, radii), passed to every function.
    reset_goal(key, robot, params) -> goal: a new goal at reset.
    resample_goal(key, robot, goal, params) -> goal: a new goal during the episode.
    track_goal(goal, robot, params) -> goal: per-step update (e.g. heading -> yaw rate).
    goal_obs(goal, robot, params) -> (goal_size,): "current minus target", in goal units.
    goal_error(goal, robot, params) -> scalar: the goal-tracking error (units of the skill).
    goal_markers(goal, robot, params) -> (k, 3): world points to draw in videos.
    init_state(robot, params) -> dict; update_state(state, robot, step, dt, params) -> dict:
      per-step bookkeeping some rewards need (e.g. feet air time); dt is the policy period (s).
    add_objects(spec, embodiment): adds the scene's objects to the robot's `mujoco.MjSpec`
      (`skillbench.sim.scene.load_scene`); None for the robot alone on a flat floor.
    reset_scene(key, qpos, body_mass, layout, params) -> (qpos, body_mass): places the scene's
      objects at reset (layout: the `RobotLayout`, with `object_qpos` and `object_bodies`).
    succeeded(goal, robot, params) -> bool: ends the episode as a success (e.g. a goal scored).
    scale_goal_ranges(params, scale) -> params: the skill's params with its goal ranges scaled
      (`EnvConfig.goal_range_scale`); None where the skill has no range to scale.
    critic_extra_size; critic_extra(step, robot, consts, params) -> (critic_extra_size,): what
      else the critic sees of a time-dependent reward (walking: its gait clock and reference),
      appended to each noise-free critic frame. Of it the actor sees only `clock`.
    clock_size; clock(step, dt) -> (clock_size,): a signal of time alone that the actor sees
      right after its goal (walking: sin and cos of its gait phase, the clock its gait rewards
      follow); step counts policy steps since the episode began, dt is the policy period (s).
      A blender feeds each skill its clock from the task's own step count.
    error_vector_size; error_vector(goal, robot, params) -> (error_vector_size,): the signed error
      whose norm is `goal_error` (walking: command minus base velocity, m/s); evaluation averages
      it over windows of `stride_seconds` (walking: one gait period) for a stride-averaged error
      that the sway within a stride does not inflate.
    command_grid(params) -> (n, 3), hold_command(goal, command, yaw, params) -> goal: a velocity
      command skill's sweep grid and how to hold one command fixed (`skillbench.evaluation.command_sweep`).
  """

  name: str
  goal_size: int
  episode_seconds: float
  resample_seconds: float
  forbidden_groups: tuple[str, ...]
  terms: Mapping[str, Callable]
  weights: Mapping[str, float]
  params: Any
  reset_goal: Callable
  resample_goal: Callable
  goal_obs: Callable
  goal_error: Callable
  goal_markers: Callable
  error_unit: str = ""
  goal_description: str = ""
  shaping_terms: tuple[str, ...] = ()
  track_goal: Callable = _same_goal
  init_state: Callable = _no_state
  update_state: Callable = _same_state
  add_objects: Callable | None = None
  reset_scene: Callable = _same_scene
  succeeded: Callable = _never
  scale_goal_ranges: Callable | None = None
  critic_extra_size: int = 0
  critic_extra: Callable = _no_critic_extra
  clock_size: int = 0
  clock: Callable = _no_clock
  error_vector_size: int = 0
  error_vector: Callable | None = None
  stride_seconds: float | None = None
  command_grid: Callable | None = None
  hold_command: Callable | None = None

  def __post_init__(self):
    unknown = sorted((set(self.weights) | set(self.shaping_terms)) - set(self.terms))
    if unknown:
      raise ValueError(f"skill {self.name}: weights for undefined terms {unknown}")

  def with_weights(self, overrides: Mapping[str, float]) -> Skill:
    """This skill with the weights of the named reward terms replaced (a term may be one the
    weight table leaves out); an unknown term name is an `UnknownNameError` listing the terms."""
    for name in overrides:
      if name not in self.terms:
        raise UnknownNameError(f"reward term of {self.name}", name, self.terms, plural="terms")
    return dataclasses.replace(self, weights={**self.weights, **{k: float(v) for k, v in overrides.items()}})
