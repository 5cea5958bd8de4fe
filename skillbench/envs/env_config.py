"""Environment settings shared by skills and tasks (spec section 2). Every effect is switchable."""

from __future__ import annotations

import dataclasses

# Observation noise standard deviations before `obs_noise_level`, in physical units:
# joint angles (rad), joint velocities (rad/s), base angular velocity (rad/s), roll/pitch/yaw (rad).
OBS_NOISE_STD = {"q": 0.05, "qd": 0.5, "ang_vel": 0.1, "euler": 0.03}
QD_OBS_SCALE = 0.05  # joint velocities enter the observation multiplied by this
LIN_VEL_OBS_SCALE = 2.0  # base linear velocity (critic only)
ADDED_MASS_OBS_SCALE = 1.0 / 30.0
CONTACT_TERMINATION_FORCE = 1.0  # N, on a forbidden body
CRITIC_HISTORY = 3  # frames stacked in the critic observation


@dataclasses.dataclass
class EnvConfig:
  """How an environment simulates, perturbs and observes the robot.

  The defaults are the original's training settings. `EnvConfig.evaluation()` gives the
  evaluation protocol's (spec section 6): no observation noise, no friction randomisation, no
  pushes; the action delay and mass randomisation stay on.

  Attributes:
    timing: "default" (200 Hz physics, 50 Hz policy) or "paper" (1 kHz / 100 Hz).
    action_scale: PD target = default pose + action_scale x action (rad).
    clip_actions, clip_observations: symmetric clips.
    action_delay: blend each action with the previous one, u ~ U(0, 1) per env per step.
    action_noise: multiplicative Gaussian noise on the applied action (0 disables).
    obs_noise: Gaussian noise on the actor's joint, angular-velocity and orientation observations.
    obs_noise_level: scales `OBS_NOISE_STD`.
    randomize_friction / friction_range: floor sliding friction drawn per episode (without it the
      floor's `scene.FLOOR_FRICTION`, 0.8).
    randomize_mass: pelvis mass + U(embodiment.added_mass_range) kg per episode.
    push / push_interval_s / push_lin_vel / push_ang_vel: every interval, base xy velocity set
      to U(-lin, lin) m/s and base angular velocity to U(-ang, ang) rad/s.
    init_joint_noise: reset joint angles = default + U(-x, x) rad.
    random_episode_start: the first episode of each environment starts at a random step (training).
    goal_period_s: seconds between goal switches instead of the skill's own period (None keeps
      it); FarReach's evaluation switches every 5 s.
    goal_range_scale: multiplies the ranges a skill draws its goals from (skills with
      `Skill.scale_goal_ranges`: walking's command ranges), e.g. to train on easier goals than the
      benchmark's; 1.0 is the benchmark, and evaluation always uses 1.0.
    arm_targets / arm_target_range / arm_target_interval_s / arm_target_speed: the share of
      episodes whose arm joints follow random targets instead of the policy (0 disables: the
      benchmark, and every evaluation), each joint's goal within default +- range (rad), drawn
      every interval (s) and approached at speed (rad/s); see `arm_disturbance.py`.
    hide_arms: the actor reads the arm joints as if still at their default angles with zero action
      (`hidden_joints.py`; the critic sees them). A policy trained so records it and hides them
      itself wherever it runs, so in a blend it never reads the arms another skill moves.
    gain_scale: multiplies every Kp, Kd and torque limit. 1.0 is the benchmark; larger values make
      the servos stiff enough to hold the default pose without a policy (model sanity checks).
  """

  timing: str = "default"
  action_scale: float = 0.25
  clip_actions: float = 18.0
  clip_observations: float = 18.0
  action_delay: bool = True
  action_noise: float = 0.02
  obs_noise: bool = True
  obs_noise_level: float = 0.6
  randomize_friction: bool = True
  friction_range: tuple[float, float] = (0.35, 1.3)  # (low, high): the original's (0.6 + U(0.1, 2)) / 2
  randomize_mass: bool = True
  push: bool = True
  push_interval_s: float = 4.0
  push_lin_vel: float = 0.2
  push_ang_vel: float = 0.4
  init_joint_noise: float = 0.1
  random_episode_start: bool = False
  gain_scale: float = 1.0
  goal_period_s: float | None = None
  goal_range_scale: float = 1.0
  arm_targets: float = 0.0
  arm_target_range: float = 1.0
  arm_target_interval_s: float = 2.0
  arm_target_speed: float = 2.0
  hide_arms: bool = False

  @classmethod
  def evaluation(cls, **overrides) -> EnvConfig:
    """The evaluation protocol's settings."""
    return cls(**{"obs_noise": False, "randomize_friction": False, "push": False, "arm_targets": 0.0, **overrides})

  @classmethod
  def deterministic(cls, **overrides) -> EnvConfig:
    """No randomness beyond the reset pose and goals: for parity checks and debugging."""
    settings = dict(
      action_delay=False, action_noise=0.0, obs_noise=False, randomize_friction=False,
      randomize_mass=False, push=False,
    )
    return cls(**{**settings, **overrides})
