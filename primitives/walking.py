"""Walking: track a velocity command on flat ground (spec section 3).

Goal (3): the command (v_x, v_y, w_z) in the base frame, scaled by (2, 2, 1). Commands are redrawn
every 8 s: v_x, v_y uniform in the robot's ranges (zeroed when |v_xy| < 0.2 m/s) and a heading
uniform in [-pi, pi); every step w_z = clip(0.5 wrap(heading - yaw), -1, 1) (heading mode).
The ranges are the ones the original's command curriculum converges to (SkillBench 0.3.0): v_x in
[-1, 1] m/s on every robot (its `max_curriculum`), v_y in [-1, 1] (H1-sized) or [-0.5, 0.5] m/s.

Rewards follow humanoid-gym as SkillBlender uses it, with a sinusoidal gait reference (period
0.64 s) centred on zero as the original's `compute_ref_state` is, and three changes of the 0.3.0
recipe (docs/DECISIONS.md): the hip yaw/roll term is soft and frees hip roll for lateral commands,
and `tracking_lin_vel_avg` rewards the gait-period average of the base velocity with a kernel that
still pays between 0.05 and 0.2 m/s of error. Flat ground only for now: nothing here assumes it
except `base_height`, which measures the base above the stance feet's soles.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np

from primitives import common
from skillbench import mathx
from skillbench.envs import rewards
from skillbench.envs.gait import CLOCK_SIZE, GAIT_PERIOD, clock, phase_angle
from skillbench.envs.skill import Skill, StepContext

NAME = "walking"
COMMAND_OBS_SCALE = (2.0, 2.0, 1.0)
MIN_COMMAND_SPEED = 0.2  # m/s; slower xy commands are zeroed
HEADING_GAIN = 0.5  # yaw-rate command per radian of heading error

# Gait reference: the swing leg flexes hip pitch, knee and ankle pitch by these amplitudes (rad),
# in the direction that deepens the default crouch (negative hip and ankle pitch, positive knee on
# all four robots).
GAIT_AMPLITUDES = {"hip_pitch": -0.17, "knee": 0.34, "ankle": -0.17, "ankle_pitch": -0.17}
DOUBLE_SUPPORT = 0.1  # |sin(phase)| below this: both feet in stance
FOOT_CLEARANCE = 0.06  # m, target swing height
AIR_TIME_CLIP = 0.5  # s
MAX_FOOT_FORCE = 700.0  # N
AVERAGE_TRACKING_SIGMA = 0.15  # m/s: tracking_lin_vel_avg = exp(-(error / sigma)^2)
HIP_ROLL_FREE = 0.1  # rad of hip roll (and yaw) the hip term leaves free ...
HIP_ROLL_PER_LATERAL_SPEED = 0.25  # ... plus this many rad of roll per m/s of lateral command
HIP_YAW_ROLL_SHARPNESS = 10.0  # 1/rad: the hip term is exp(-this x excess)


@dataclasses.dataclass(frozen=True)
class WalkingParams:
  vx: tuple[float, float]  # m/s
  vy: tuple[float, float]  # m/s
  gait_joints: np.ndarray  # (2, k): per side, policy indices of the gait joints
  gait_amplitudes: np.ndarray  # (2, k): rad
  nominal_height: float  # m


def _params(embodiment) -> WalkingParams:
  small = common.is_small(embodiment)
  joints, amplitudes = [], []
  for side in ("left", "right"):
    idx = embodiment.joint_indices(kinds=tuple(GAIT_AMPLITUDES), side=side)
    joints.append(idx)
    amplitudes.append([GAIT_AMPLITUDES[embodiment.joints[i].kind] for i in idx])
  return WalkingParams(
    vx=(-1.0, 1.0),
    vy=(-0.5, 0.5) if small else (-1.0, 1.0),
    gait_joints=np.array(joints),
    gait_amplitudes=np.array(amplitudes, np.float32),
    nominal_height=embodiment.nominal_height,
  )


def scale_command_ranges(p: WalkingParams, scale: float) -> WalkingParams:
  """Command ranges (v_x, v_y) multiplied by `scale` (EnvConfig.goal_range_scale)."""
  return dataclasses.replace(p, vx=tuple(scale * v for v in p.vx), vy=tuple(scale * v for v in p.vy))


# ----------------------------------------------------------------------------- goals
def reset_goal(key, robot, p: WalkingParams):
  k_x, k_y, k_h = jax.random.split(key, 3)
  v = jnp.stack([common.uniform(k_x, *p.vx), common.uniform(k_y, *p.vy)])
  v = v * (jnp.linalg.norm(v) >= MIN_COMMAND_SPEED)
  heading = common.uniform(k_h, -jnp.pi, jnp.pi)
  return {"command": jnp.concatenate([v, jnp.zeros(1)]), "heading": heading}


def resample_goal(key, robot, goal, p):
  return reset_goal(key, robot, p)


def track_goal(goal, robot, p):
  """Heading mode: the yaw-rate command steers toward the goal heading."""
  w = jnp.clip(HEADING_GAIN * mathx.wrap_angle(goal["heading"] - robot.euler[2]), -1.0, 1.0)
  return {**goal, "command": goal["command"].at[2].set(w)}


def goal_obs(goal, robot, p):
  return goal["command"] * jnp.asarray(COMMAND_OBS_SCALE)


def goal_error(goal, robot, p):
  """Horizontal velocity tracking error (m/s), base frame."""
  return jnp.linalg.norm(velocity_error(goal, robot, p))


def velocity_error(goal, robot, p):
  """Command minus base velocity (m/s, base frame, horizontal): its norm is `goal_error`."""
  return goal["command"][:2] - robot.base_lin_vel[:2]


def command_grid(p: WalkingParams) -> np.ndarray:
  """The command sweep's grid (v_x, v_y, w_z): standing, then each axis over its range, the others
  zero (m/s, m/s, rad/s)."""
  rows = [(0.0, 0.0, 0.0)]
  rows += [(v, 0.0, 0.0) for v in np.linspace(p.vx[0], p.vx[1], 5) if abs(v) >= MIN_COMMAND_SPEED]
  rows += [(0.0, v, 0.0) for v in np.linspace(p.vy[0], p.vy[1], 5) if abs(v) >= MIN_COMMAND_SPEED]
  rows += [(0.0, 0.0, w) for w in (-1.0, -0.5, 0.5, 1.0)]
  return np.array(rows, np.float32)


def hold_command(goal, command, yaw, p):
  """The goal holding `command` (v_x, v_y, w_z): the heading is set ahead of the robot's `yaw` so
  that heading mode (`track_goal`) asks for the yaw rate w_z."""
  return {"command": jnp.asarray(command), "heading": yaw + command[2] / HEADING_GAIN}


def goal_markers(goal, robot, p):
  """A point 1 s of commanded travel ahead of the base (the command drawn as a target)."""
  yaw = robot.euler[2]
  c, s = jnp.cos(yaw), jnp.sin(yaw)
  vx, vy = goal["command"][0], goal["command"][1]
  ahead = jnp.stack([c * vx - s * vy, s * vx + c * vy, 0.0])
  return (robot.base_pos + ahead)[None]


# ------------------------------------------------------------------------- gait state
def gait_phase(step, dt):
  """sin of the phase angle: >= 0 while the left foot is the stance foot."""
  return jnp.sin(phase_angle(step, dt))


def stance_mask(step, dt):
  """(left, right) feet that the gait reference has on the ground."""
  s = gait_phase(step, dt)
  mask = jnp.stack([s >= 0.0, s < 0.0]).astype(jnp.float32)
  return jnp.where(jnp.abs(s) < DOUBLE_SUPPORT, 1.0, mask)


def critic_extra(step, robot, consts, p: WalkingParams):
  """The gait clock (sin, cos of the phase), its stance pattern (left, right) and the joints'
  error from the default pose plus the gait reference (rad), the critic's view of the gait."""
  reference = consts.default_pose + gait_reference(step, consts.dt, p, consts.default_pose.shape[0])
  return jnp.concatenate([clock(step, consts.dt), stance_mask(step, consts.dt), robot.q - reference])


def init_state(robot, p):
  return {
    "air_time": jnp.zeros(2),
    "last_contact": jnp.zeros(2, bool),
    "foot_lift": jnp.zeros(2),
    "swing_lift": jnp.zeros(2),
    "last_foot_z": robot.foot_pos[:, 2],
    "landing_air_time": jnp.zeros(2),
    "average_velocity": jnp.zeros(2),
  }


def update_state(state, robot, step, dt, p):
  """Feet air time and swing height, as humanoid-gym keeps them.

  air_time (s) since each foot last touched down (contact filtered with the gait's stance);
  landing_air_time: the air time of a foot that touches down this step (clipped at 0.5 s);
  swing_lift (m): height gained since the foot last touched down; foot_lift: the same, zeroed
  for a foot in contact, carried to the next step; average_velocity (m/s, base frame): the
  horizontal base velocity averaged exponentially over one gait period.
  """
  contact = robot.foot_contact
  stance = stance_mask(step, dt) > 0
  contact_filt = contact | stance | state["last_contact"]
  first_contact = (state["air_time"] > 0.0) & contact_filt
  air_time = state["air_time"] + dt
  foot_z = robot.foot_pos[:, 2]
  swing_lift = state["foot_lift"] + foot_z - state["last_foot_z"]
  return {
    "air_time": air_time * ~contact_filt,
    "last_contact": contact,
    "foot_lift": swing_lift * ~contact,
    "swing_lift": swing_lift,
    "last_foot_z": foot_z,
    "landing_air_time": jnp.clip(air_time, 0.0, AIR_TIME_CLIP) * first_contact,
    "average_velocity": state["average_velocity"]
    + (dt / GAIT_PERIOD) * (robot.base_lin_vel[:2] - state["average_velocity"]),
  }


# ---------------------------------------------------------------------------- rewards
def tracking_lin_vel(c: StepContext):
  err = jnp.sum(jnp.square(c.goal["command"][:2] - c.robot.base_lin_vel[:2]))
  return jnp.exp(-5.0 * err)


def tracking_lin_vel_avg(c: StepContext):
  """The gait-period average of the horizontal velocity tracks the command: the sway within a
  stride cancels, and the kernel is steep where the original's is flat (0.64 at 0.1 m/s)."""
  err = jnp.sum(jnp.square(c.goal["command"][:2] - c.skill_state["average_velocity"]))
  return jnp.exp(-err / AVERAGE_TRACKING_SIGMA**2)


def hip_yaw_roll(c: StepContext):
  """Hip yaw and roll near default, softly: exp(-10 x the deviation (rad) beyond 0.1 rad), with
  0.25 rad more roll allowed per m/s of lateral command (sideways steps need it)."""
  diff = jnp.abs(c.robot.q - c.consts.default_pose)[c.consts.hip_yaw_roll]  # (side, [yaw, roll])
  roll_free = HIP_ROLL_FREE + HIP_ROLL_PER_LATERAL_SPEED * jnp.abs(c.goal["command"][1])
  excess = jnp.maximum(diff[:, 0] - HIP_ROLL_FREE, 0.0) + jnp.maximum(diff[:, 1] - roll_free, 0.0)
  return jnp.exp(-HIP_YAW_ROLL_SHARPNESS * jnp.sum(excess))


def tracking_ang_vel(c: StepContext):
  err = jnp.square(c.goal["command"][2] - c.robot.base_ang_vel[2])
  return jnp.exp(-5.0 * err)


def track_vel_hard(c: StepContext):
  lin_err = jnp.linalg.norm(c.goal["command"][:2] - c.robot.base_lin_vel[:2])
  ang_err = jnp.abs(c.goal["command"][2] - c.robot.base_ang_vel[2])
  return 0.5 * (jnp.exp(-10.0 * lin_err) + jnp.exp(-10.0 * ang_err)) - 0.2 * (lin_err + ang_err)


def low_speed(c: StepContext):
  """+1.2 for forward speed within [0.5, 1.2] x command, -1 too slow, -2 wrong direction."""
  speed, command = c.robot.base_lin_vel[0], c.goal["command"][0]
  too_low = jnp.abs(speed) < 0.5 * jnp.abs(command)
  too_high = jnp.abs(speed) > 1.2 * jnp.abs(command)
  r = jnp.where(too_low, -1.0, jnp.where(too_high, 0.0, 1.2))
  r = jnp.where(jnp.sign(speed) != jnp.sign(command), -2.0, r)
  return r * (jnp.abs(command) > 0.1)


def gait_reference(step, dt, p: WalkingParams, num_joints: int):
  """Joint offsets (rad) from the default pose of the sinusoidal gait at `step`."""
  s = gait_phase(step, dt)
  swing = jnp.stack([jnp.maximum(-s, 0.0), jnp.maximum(s, 0.0)])  # left swings while sin < 0
  swing = jnp.where(jnp.abs(s) < DOUBLE_SUPPORT, 0.0, swing)
  ref = jnp.zeros(num_joints)
  return ref.at[p.gait_joints].set(swing[:, None] * p.gait_amplitudes)


def gait_target(step, consts, p: WalkingParams):
  """Joint angles (rad) of the gait at `step`: the gait reference centred on zero, as the original's
  `compute_ref_state` builds it (not on the default crouch, which pinned the stride length)."""
  return gait_reference(step, consts.dt, p, consts.default_pose.shape[0])


def joint_pos(c: StepContext):
  """Joint angles track the gait reference."""
  d = jnp.linalg.norm(c.robot.q - gait_target(c.step, c.consts, c.params))
  return jnp.exp(-2.0 * d) - 0.2 * jnp.clip(d, 0.0, 0.5)


def feet_clearance(c: StepContext):
  """Swing feet at the target lift height (within 1 cm)."""
  swing = 1.0 - stance_mask(c.step, c.consts.dt)
  at_height = jnp.abs(c.skill_state["swing_lift"] - FOOT_CLEARANCE) < 0.01
  return jnp.sum(at_height * swing)


def feet_contact_number(c: StepContext):
  """Foot contacts match the gait's stance pattern."""
  stance = stance_mask(c.step, c.consts.dt) > 0
  return jnp.mean(jnp.where(c.robot.foot_contact == stance, 1.0, -0.3))


def feet_air_time(c: StepContext):
  return jnp.sum(c.skill_state["landing_air_time"])


def base_height(c: StepContext):
  """Base height above the stance feet's soles near the nominal height."""
  stance = stance_mask(c.step, c.consts.dt)
  ground = jnp.sum(c.robot.foot_pos[:, 2] * stance) / jnp.sum(stance)
  return jnp.exp(-100.0 * jnp.abs(c.robot.base_pos[2] - ground - c.params.nominal_height))


def make(embodiment) -> Skill:
  small = common.is_small(embodiment)
  band = common.feet_band(embodiment)
  return Skill(
    name=NAME,
    goal_description="velocity command (v_x, v_y, w_z) x (2, 2, 1)",
    goal_size=3,
    episode_seconds=common.EPISODE_SECONDS,
    resample_seconds=8.0,
    forbidden_groups=common.forbidden(embodiment, common.FORBIDDEN_UPPER, extra=("waist",)),
    terms={
      "tracking_lin_vel": tracking_lin_vel,
      "tracking_lin_vel_avg": tracking_lin_vel_avg,
      "tracking_ang_vel": tracking_ang_vel,
      "track_vel_hard": track_vel_hard,
      "low_speed": low_speed,
      "vel_mismatch": rewards.vel_mismatch,
      "joint_pos": joint_pos,
      "feet_clearance": feet_clearance,
      "feet_contact_number": feet_contact_number,
      "feet_air_time": feet_air_time,
      "foot_slip": rewards.foot_slip,
      "feet_distance": functools.partial(rewards.feet_distance, band=band),
      # humanoid-gym bounds the knees by (min, max / 2) of the feet band.
      "knee_distance": functools.partial(rewards.knee_distance, band=(band[0], band[1] / 2)),
      "feet_contact_forces": functools.partial(rewards.feet_contact_forces, max_force=MAX_FOOT_FORCE),
      "hip_yaw_roll": hip_yaw_roll,
      "upper_body_pos": rewards.upper_body_pos,
      "base_height": base_height,
      "base_acc": rewards.base_acc,
      "action_smoothness": rewards.action_smoothness,
      "collision": functools.partial(rewards.collision, groups=("hips", "knees")),
      "torque_limits": rewards.torque_limits,  # unweighted: `+primitive.reward_weights.torque_limits=-w` to try it
      **common.REGULARISATION_TERMS,
    },
    weights={
      "tracking_lin_vel": 2.4,
      "tracking_lin_vel_avg": 2.4,
      "tracking_ang_vel": 2.2,
      "track_vel_hard": 1.0,
      "low_speed": 0.2,
      "vel_mismatch": 0.5,
      "joint_pos": 1.6,
      "feet_clearance": 2.0,
      "feet_contact_number": 2.4,
      "feet_air_time": 1.0,
      "foot_slip": -0.05,
      "feet_distance": 0.2,
      "knee_distance": 0.2,
      "feet_contact_forces": -0.01,
      "hip_yaw_roll": 0.5,
      "upper_body_pos": 2.0 if small else 0.5,
      "orientation": 1.0,
      "base_height": 0.2,
      "base_acc": 0.2,
      "action_smoothness": -0.002,
      "torques": -1e-5,
      "dof_vel": -5e-4,
      "dof_acc": -1e-7,
      "collision": -1.0,
    },
    params=_params(embodiment),
    reset_goal=reset_goal,
    resample_goal=resample_goal,
    track_goal=track_goal,
    goal_obs=goal_obs,
    goal_error=goal_error,
    goal_markers=goal_markers,
    error_unit="m/s",
    init_state=init_state,
    update_state=update_state,
    scale_goal_ranges=scale_command_ranges,
    critic_extra_size=4 + embodiment.num_joints,
    critic_extra=critic_extra,
    clock_size=CLOCK_SIZE,
    clock=clock,
    error_vector_size=2,
    error_vector=velocity_error,
    stride_seconds=GAIT_PERIOD,
    command_grid=command_grid,
    hold_command=hold_command,
  )
