"""The functional SkillBench environment: one robot, one skill (or task), either physics backend.

`SkillEnv` follows brax's environment interface: `reset(rng) -> State` and
`step(state, action) -> State` are pure JAX functions of a single environment, batched with
`jax.vmap` (see `BatchedEnv`), and both backends run inside `jit`. Episodes end on forbidden
contact or diverged physics (`metrics["fell"]`; diverged also in `metrics["diverged"]`), a task's
success (e.g. a goal scored), or time-out; a finished environment
is reset inside `step`, and `State.info["final_obs"]` keeps the observation it finished with.

Observations (spec section 2) are a dict: "state" for the actor,
[goal, the skill's clock (walking: its gait phase), q - q_default, 0.05 qdot, last applied action,
base angular velocity, roll/pitch/yaw] (with `EnvConfig.hide_arms`, the arm joints' entries zero),
and "privileged_state" for the critic: three stacked noise-free frames of
[goal, q - q_default, 0.05 qdot, last action, 2 x base linear velocity, base angular velocity,
roll/pitch/yaw, push velocities (5), floor friction, added pelvis mass / 30, foot contacts (2),
the skill's `critic_extra` (walking: gait clock, stance pattern and reference error)].
"""

from __future__ import annotations

import dataclasses

import flax.struct
import jax
import jax.numpy as jnp
import numpy as np

from skillbench.envs import arm_disturbance, hidden_joints
from skillbench.envs import env_config as cfg_lib
from skillbench.envs import metrics as metrics_lib
from skillbench.envs import rewards as rewards_lib
from skillbench.envs.env_config import EnvConfig
from skillbench.envs.skill import RobotConstants, Skill, StepContext
from skillbench.errors import ActionShapeError, UnknownNameError
from skillbench.robot.embodiment import ARM_KINDS
from skillbench.robot.state import RobotState, SimView
from skillbench.sim import physics as physics_lib
from skillbench.sim import scene as scene_lib
from skillbench.sim.physics import PhysicsState


@flax.struct.dataclass
class StepCommand:
  """What a step asks of the physics: the state to start from (after any push) and PD targets.

  applied: the action after delay and noise (and any driven arms); push_vel: the push velocities
  now in effect; arms: the arm disturbance's state after this step (None without one).
  """

  physics: PhysicsState
  ctrl: jax.Array
  applied: jax.Array
  push_vel: jax.Array
  arms: dict | None = None


@flax.struct.dataclass
class State:
  """brax-compatible environment state (single environment; batch dimensions lead when vmapped)."""

  pipeline_state: PhysicsState
  obs: dict
  reward: jax.Array
  done: jax.Array
  metrics: dict
  info: dict


def tree_where(cond, a, b):
  """Elementwise choice between two pytrees of the same structure."""
  return jax.tree.map(lambda x, y: jnp.where(cond, x, y), a, b)


class SkillEnv:
  """One robot learning one goal-conditioned skill.

  Args:
    embodiment: an `Embodiment` (see `embodiments.get`).
    skill: a `Skill` for that embodiment (see `catalog.skill_module(name).make(embodiment)`).
    backend: "mujoco" (native, CPU threads) or "mjx".
    config: an `EnvConfig` (default: the training settings).
    scene: a compiled `Scene` to use instead of the robot on a flat floor (tasks pass theirs).
    **backend_kwargs: `nthread` for "mujoco", `impl` ("jax" or "warp") for "mjx".
  """

  def __init__(self, embodiment, skill: Skill, backend: str = "mujoco", config: EnvConfig | None = None,
               scene: scene_lib.Scene | None = None, **backend_kwargs):
    if backend not in physics_lib.BACKENDS:
      raise UnknownNameError("backend", backend, physics_lib.BACKENDS)
    config = config or EnvConfig()
    skill = _with_goal_ranges(skill, config.goal_range_scale)
    self.embodiment = embodiment
    self.skill = skill
    self.config = config
    self.backend_name = backend
    self.scene = scene or scene_lib.load_scene(embodiment, config.timing, config.gain_scale,
                                                  add_objects=skill.add_objects)
    self.timing = self.scene.timing
    self.layout = self.scene.layout
    self.physics = physics_lib.make(
      backend, self.scene.model, self.timing.substeps, floor_geom=self.layout.floor_geom,
      pos_stage_sensors=self.layout.pos_stage_sensors, **backend_kwargs,
    )
    self.consts = RobotConstants.build(embodiment, self.timing.control_dt)
    self.dt = self.timing.control_dt
    self.episode_steps = self.timing.steps(skill.episode_seconds)
    self.resample_steps = max(1, self.timing.steps(config.goal_period_s or skill.resample_seconds))
    self.push_steps = max(1, self.timing.steps(config.push_interval_s))
    self.arm_disturbance = arm_disturbance.make(config, embodiment, self.timing.control_dt)
    self.hidden_joints = embodiment.joint_indices(kinds=ARM_KINDS) if config.hide_arms else ()
    self.action_size = embodiment.num_joints
    self._home_qpos = jnp.asarray(scene_lib.home_qpos(self.scene.model, embodiment), jnp.float32)
    self._nominal_friction = float(self.scene.model.geom_friction[self.layout.floor_geom, 0])
    self._nominal_masses = jnp.asarray(self.scene.model.body_mass, jnp.float32)
    self._torque_limits = np.asarray(embodiment.torque_limits, np.float32) * config.gain_scale
    d = self.action_size
    self.actor_obs_size = skill.goal_size + skill.clock_size + 3 * d + 6
    self.critic_frame_size = skill.goal_size + 3 * d + 18 + skill.critic_extra_size
    self.metric_names = (
      *(f"reward/{k}" for k in skill.weights), "goal_error",
      *(f"goal_error_vector/{i}" for i in range(skill.error_vector_size if skill.error_vector else 0)),
      *metrics_lib.FEASIBILITY, *metrics_lib.GAIT, "diverged", "fell",
    )

  # ------------------------------------------------------------------ interface
  @property
  def observation_size(self) -> dict:
    return {
      "state": (self.actor_obs_size,),
      "privileged_state": (cfg_lib.CRITIC_HISTORY * self.critic_frame_size,),
    }

  @property
  def unwrapped(self):
    return self

  @property
  def backend(self) -> str:
    return self.backend_name

  def reset(self, rng: jax.Array) -> State:
    rng, key, start_key = jax.random.split(rng, 3)
    start = jnp.zeros((), jnp.int32)
    if self.config.random_episode_start:
      start = jax.random.randint(start_key, (), 0, self.episode_steps)
    phys, info, obs = self._fresh(key, start, jnp.bool_(True))
    info["rng"] = rng
    info["final_obs"] = obs
    metrics = {k: jnp.zeros(()) for k in self.metric_names}
    return State(phys, obs, jnp.zeros(()), jnp.zeros(()), metrics, info)

  def step(self, state: State, action: jax.Array) -> State:
    command = self.prepare_step(state, action)
    phys, sensordata, diverged = self.physics.step(
      command.physics, command.ctrl, state.info["friction"], state.info["body_mass"]
    )
    return self.finish_step(state, command, phys, sensordata, diverged)

  def _keys(self, info):
    """The step's random keys: (next rng, action noise, push, goal, observation noise, reset)."""
    return jax.random.split(info["rng"], 6)

  def prepare_step(self, state: State, action: jax.Array) -> StepCommand:
    """First half of `step`: the action's delay and noise, PD targets and any push."""
    action = self._check_action(action)
    info = state.info
    _, k_ctrl, k_push, *_ = self._keys(info)
    applied = self._delay_and_noise(action, info["past_actions"][0], k_ctrl)
    arms = None
    if self.arm_disturbance is not None:  # its own key, so that undisturbed streams stay as they were
      arms = self.arm_disturbance.advance(info["arms"], jax.random.fold_in(info["rng"], 7), info["step"])
      applied = self.arm_disturbance.apply(arms, applied)
    before = state.pipeline_state
    push_due = self.config.push & (info["step"] > 0) & (info["step"] % self.push_steps == 0)
    push_vel = jnp.where(push_due, self._sample_push(k_push), info["push_vel"])
    qvel = jnp.where(push_due, self._pushed(before.qvel, push_vel), before.qvel)
    return StepCommand(
      physics=before.replace(qvel=qvel),
      ctrl=self.consts.default_pose + self.config.action_scale * applied,
      applied=applied,
      push_vel=push_vel,
      arms=arms,
    )

  def finish_step(self, state: State, command: StepCommand, phys: PhysicsState, sensordata,
                  diverged) -> State:
    """Second half of `step`, after the physics: reward, termination, goals, observation, reset."""
    skill, params = self.skill, self.skill.params
    info = state.info
    rng, _, _, k_goal, k_obs, k_reset = self._keys(info)
    applied, push_vel, before = command.applied, command.push_vel, state.pipeline_state
    robot = RobotState.read(SimView(phys.qpos, phys.qvel, sensordata), self.layout)

    step_count = info["step"] + 1
    goal = skill.track_goal(info["goal"], robot, params)
    skill_state = skill.update_state(info["skill_state"], robot, step_count, self.dt, params)
    ctx = StepContext(
      robot=robot, action=applied, last_action=info["past_actions"][0],
      last_last_action=info["past_actions"][1], last_qd=before.qvel[self.layout.joint_qvel],
      last_base_vel=before.qvel[self.layout.root_qvel], goal=goal, skill_state=skill_state,
      step=step_count, consts=self.consts, params=params,
    )
    reward, contributions = rewards_lib.weighted_sum(skill.terms, skill.weights, ctx, self.dt, skill.shaping_terms)
    forbidden = robot.max_group_force(skill.forbidden_groups) > cfg_lib.CONTACT_TERMINATION_FORCE
    fell = forbidden | diverged
    terminated = fell | skill.succeeded(goal, robot, params)
    truncated = step_count >= self.episode_steps
    done = terminated | truncated
    actions = jnp.concatenate([applied[None], info["past_actions"]])
    metrics = self._metrics(robot, goal, contributions, actions, diverged)
    metrics["fell"] = fell.astype(jnp.float32)

    resampled = skill.track_goal(skill.resample_goal(k_goal, robot, goal, params), robot, params)
    goal = tree_where(step_count % self.resample_steps == 0, resampled, goal)
    new_info = {
      **info, "rng": rng, "step": step_count,
      "past_actions": jnp.concatenate([applied[None], info["past_actions"][:-1]]), "goal": goal, "skill_state": skill_state,
      "push_vel": push_vel, "truncation": (truncated & ~terminated).astype(jnp.float32),
    }
    if command.arms is not None:
      new_info["arms"] = command.arms
    actor, frame = self._observe(robot, goal, applied, new_info, k_obs)
    new_info["critic_history"] = jnp.concatenate([info["critic_history"][1:], frame[None]])
    obs = {"state": actor, "privileged_state": new_info["critic_history"].reshape(-1)}

    # A diverged environment reports nothing it computed from its broken state.
    reward = jnp.where(diverged, 0.0, reward)
    obs = jax.tree.map(lambda x: jnp.where(diverged, 0.0, x), obs)
    metrics = {k: (v if k in ("diverged", "fell") else jnp.where(diverged, 0.0, v)) for k, v in metrics.items()}

    reset_phys, reset_info, reset_obs = self._fresh(k_reset, jnp.zeros((), jnp.int32), done)
    reset_info.update(rng=rng, truncation=new_info["truncation"])
    new_info["final_obs"] = obs
    reset_info["final_obs"] = obs
    return State(
      pipeline_state=tree_where(done, reset_phys, phys),
      obs=tree_where(done, reset_obs, obs),
      reward=reward,
      done=done.astype(jnp.float32),
      metrics=metrics,
      info=tree_where(done, reset_info, new_info),
    )

  # ------------------------------------------------------------------- helpers
  def _check_action(self, action):
    action = jnp.asarray(action, jnp.float32)
    if action.shape != (self.action_size,):
      raise ActionShapeError(
        f"action has shape {action.shape}; {self.embodiment.name} {self.skill.name} expects "
        f"({self.action_size},) per environment (one value per joint: {', '.join(self.embodiment.joint_names)})"
      )
    clip = self.config.clip_actions
    return jnp.clip(action, -clip, clip)

  def _delay_and_noise(self, action, last, key):
    k_u, k_n = jax.random.split(key)
    if self.config.action_delay:
      u = jax.random.uniform(k_u)
      action = (1.0 - u) * action + u * last
    if self.config.action_noise:
      action = action + self.config.action_noise * jax.random.normal(k_n, action.shape) * action
    return action

  def _sample_push(self, key):
    k_lin, k_ang = jax.random.split(key)
    lin, ang = self.config.push_lin_vel, self.config.push_ang_vel
    return jnp.concatenate([
      jax.random.uniform(k_lin, (2,), minval=-lin, maxval=lin),
      jax.random.uniform(k_ang, (3,), minval=-ang, maxval=ang),
    ])

  def _pushed(self, qvel, push_vel):
    """qvel with the base xy velocity (world) and angular velocity (base frame) set to a push."""
    root = self.layout.root_qvel
    return qvel.at[root[:2]].set(push_vel[:2]).at[root[3:]].set(push_vel[2:])

  def _fresh(self, key, start_step, mask):
    """A just-reset environment: physics state, info and observation.

    Joint angles default + U(-init_joint_noise, init_joint_noise), zero velocities, root at the
    robot's initial height; friction and pelvis mass drawn per episode; a new goal.
    """
    cfg, skill, params = self.config, self.skill, self.skill.params
    k_q, k_f, k_m, k_goal, k_obs = jax.random.split(key, 5)
    noise = cfg.init_joint_noise
    q = self.consts.default_pose + jax.random.uniform(k_q, (self.action_size,), minval=-noise, maxval=noise)
    qpos = self._home_qpos.at[self.layout.joint_qpos].set(q)
    body_mass = self._nominal_masses
    if skill.add_objects is not None:  # a separate key, so that primitive skills' random streams stay as they were
      qpos, body_mass = skill.reset_scene(jax.random.fold_in(key, 1), qpos, body_mass, self.layout, params)
    m = self.scene.model
    phys = PhysicsState(qpos, jnp.zeros(m.nv), jnp.zeros(m.na), jnp.zeros(()), jnp.zeros(m.nv))
    sensordata = self.physics.reset_sensors(phys, mask)
    robot = RobotState.read(SimView(phys.qpos, phys.qvel, sensordata), self.layout)

    friction = jnp.float32(self._nominal_friction)
    if cfg.randomize_friction:
      friction = jax.random.uniform(k_f, (), minval=cfg.friction_range[0], maxval=cfg.friction_range[1])
    added_mass = jnp.zeros(())
    if cfg.randomize_mass:
      low, high = self.embodiment.added_mass_range
      added_mass = jax.random.uniform(k_m, (), minval=low, maxval=high)
    goal = skill.track_goal(skill.reset_goal(k_goal, robot, params), robot, params)
    zeros = jnp.zeros(self.action_size)
    info = {
      "step": start_step, "past_actions": jnp.zeros((3, self.action_size)), "goal": goal,
      "skill_state": skill.init_state(robot, params), "friction": friction,
      "body_mass": body_mass.at[self.layout.root_body].add(added_mass), "added_mass": added_mass,
      "push_vel": jnp.zeros(5), "truncation": jnp.zeros(()),
    }
    if self.arm_disturbance is not None:
      info["arms"] = self.arm_disturbance.reset(jax.random.fold_in(key, 2))
    actor, frame = self._observe(robot, goal, zeros, info, k_obs)
    info["critic_history"] = jnp.tile(frame, (cfg_lib.CRITIC_HISTORY, 1))
    obs = {"state": actor, "privileged_state": info["critic_history"].reshape(-1)}
    return phys, info, obs

  def _observe(self, robot: RobotState, goal, applied, info, key):
    """(actor observation, one critic frame), both clipped."""
    cfg = self.config
    goal_obs = self.skill.goal_obs(goal, robot, self.skill.params)
    q = robot.q - self.consts.default_pose
    qd = robot.qd * cfg_lib.QD_OBS_SCALE
    ang_vel, euler = robot.base_ang_vel, robot.euler
    noisy = [q, qd, ang_vel, euler]
    if cfg.obs_noise:
      std = cfg_lib.OBS_NOISE_STD
      scales = [std["q"], std["qd"] * cfg_lib.QD_OBS_SCALE, std["ang_vel"], std["euler"]]
      keys = jax.random.split(key, 4)
      noisy = [
        x + cfg.obs_noise_level * s * jax.random.normal(k, x.shape) for x, s, k in zip(noisy, scales, keys)
      ]
    clip = cfg.clip_observations
    clock = self.skill.clock(info["step"], self.dt)
    actor = jnp.concatenate([goal_obs, clock, noisy[0], noisy[1], applied, noisy[2], noisy[3]])
    actor = hidden_joints.hide(actor, self.hidden_joints, self.action_size, goal_obs.shape[-1] + clock.shape[-1])
    frame = jnp.concatenate([
      goal_obs, q, qd, applied, cfg_lib.LIN_VEL_OBS_SCALE * robot.base_lin_vel, ang_vel, euler,
      info["push_vel"], info["friction"][None], (cfg_lib.ADDED_MASS_OBS_SCALE * info["added_mass"])[None],
      robot.foot_contact.astype(jnp.float32),
      self.skill.critic_extra(info["step"], robot, self.consts, self.skill.params),
    ])
    return jnp.clip(actor, -clip, clip), jnp.clip(frame, -clip, clip)

  def _metrics(self, robot: RobotState, goal, contributions, actions, diverged):
    """Per-step numbers: reward terms (weighted, x dt), goal error and feasibility (`metrics`)."""
    metrics = {f"reward/{k}": v for k, v in contributions.items()}
    metrics["goal_error"] = self.skill.goal_error(goal, robot, self.skill.params)
    if self.skill.error_vector is not None:
      vector = self.skill.error_vector(goal, robot, self.skill.params)
      metrics.update({f"goal_error_vector/{i}": vector[i] for i in range(self.skill.error_vector_size)})
    metrics.update(metrics_lib.feasibility(
      robot, actions, self._torque_limits, self.layout.joint_range, self.config.action_scale, self.dt
    ))
    metrics.update(metrics_lib.foot_contacts(robot))
    metrics["diverged"] = diverged
    return {k: jnp.asarray(v, jnp.float32) for k, v in metrics.items()}


def _with_goal_ranges(skill: Skill, scale: float) -> Skill:
  """`skill` drawing its goals from ranges scaled by `scale` (EnvConfig.goal_range_scale)."""
  if scale == 1.0:
    return skill
  if skill.scale_goal_ranges is None:
    raise ValueError(
      f"env.goal_range_scale={scale}: skill {skill.name} has no goal ranges to scale (only walking has); "
      "leave it at 1.0"
    )
  if not scale > 0.0:
    raise ValueError(f"env.goal_range_scale={scale}: must be > 0 (1.0 is the benchmark's ranges)")
  return dataclasses.replace(skill, params=skill.scale_goal_ranges(skill.params, scale))


class BatchedEnv:
  """`num_envs` copies of an environment, stepped together under `jit(vmap(...))`.

  `reset(rng)` splits `rng` into one key per environment; `step(state, actions)` takes actions of
  shape (num_envs, action_size).
  """

  def __init__(self, env: SkillEnv, num_envs: int):
    if num_envs < 1:
      raise ValueError(f"num_envs must be >= 1, got {num_envs}")
    self.env = env
    self.num_envs = int(num_envs)
    self._reset = jax.jit(lambda rng: jax.vmap(env.reset)(jax.random.split(rng, self.num_envs)))
    self._step = jax.jit(jax.vmap(env.step))

  def __getattr__(self, name):
    return getattr(self.env, name)

  def reset(self, rng) -> State:
    return self._reset(rng)

  def step(self, state: State, actions) -> State:
    actions = jnp.asarray(actions, jnp.float32)
    expected = (self.num_envs, self.env.action_size)
    if actions.shape != expected:
      raise ActionShapeError(f"actions have shape {actions.shape}; expected {expected} (num_envs, joints)")
    return self._step(state, actions)
