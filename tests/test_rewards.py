"""Reward terms and terminations on hand-built states with known answers."""

import jax
import jax.numpy as jnp
import mujoco
import numpy as np
import pytest

from skillbench import catalog
from skillbench.envs import rewards
from skillbench.envs.skill import RobotConstants, StepContext
from skillbench.robot.state import RobotState, SimView
from skillbench.sim import scene
from tests.helpers import cached_env, jitted

H1 = catalog.robot("h1")


def robot_at(qpos=None, qvel=None) -> RobotState:
  """The H1 robot state at qpos/qvel (default: standing at its home pose), read as the env reads it."""
  sc = scene.load_scene(H1)
  d = mujoco.MjData(sc.model)
  d.qpos[:] = scene.home_qpos(sc.model, H1) if qpos is None else qpos
  if qvel is not None:
    d.qvel[:] = qvel
  mujoco.mj_forward(sc.model, d)
  return RobotState.read(SimView(jnp.asarray(d.qpos), jnp.asarray(d.qvel), jnp.asarray(d.sensordata)), sc.layout)


def context(skill, robot, goal, **kw):
  zeros = jnp.zeros(H1.num_joints)
  fields = dict(
    robot=robot, action=zeros, last_action=zeros, last_last_action=zeros, last_qd=robot.qd,
    last_base_vel=jnp.concatenate([robot.base_lin_vel_world, robot.base_ang_vel]), goal=goal,
    skill_state=skill.init_state(robot, skill.params), step=jnp.int32(1),
    consts=RobotConstants.build(H1, 0.02), params=skill.params,
  )
  fields.update(kw)
  return StepContext(**fields)


def test_reaching_term_is_maximal_at_the_target():
  skill = catalog.skill("reaching", H1)
  robot = robot_at()
  goal = skill.reset_goal(jax.random.PRNGKey(0), robot, skill.params)
  assert float(skill.terms["wrist_pos"](context(skill, robot, {**goal, "pos": robot.wrist_pos}))) == 1.0
  away = float(skill.terms["wrist_pos"](context(skill, robot, goal)))
  offset = np.abs(np.asarray(goal["pos"] - robot.wrist_pos)).mean()
  assert away == pytest.approx(np.exp(-4 * offset), rel=1e-5)
  assert float(skill.goal_error({**goal, "pos": robot.wrist_pos}, robot, skill.params)) == 0.0


def test_squatting_and_stepping_terms_are_maximal_at_the_target():
  robot = robot_at()
  squat = catalog.skill("squatting", H1)
  assert float(squat.terms["height"](context(squat, robot, {"height": robot.base_pos[2]}))) == 1.0
  assert float(squat.terms["height"](context(squat, robot, {"height": robot.base_pos[2] - 0.1}))) == pytest.approx(np.exp(-0.4))
  step = catalog.skill("stepping", H1)
  assert float(step.terms["feet_pos"](context(step, robot, {"xy": robot.foot_pos[:, :2]}))) == 1.0


def test_stepping_progress_pays_the_distance_the_feet_closed_per_second():
  step = catalog.skill("stepping", H1)
  robot = robot_at()
  feet = robot.foot_pos[:, :2]
  moved = jnp.array([[0.012, 0.0], [0.0, 0.0]])  # the left foot moved 1.2 cm along +x in this 0.02 s step
  state = {"foot_xy": feet, "last_foot_xy": feet - moved}
  ahead = feet + jnp.array([[0.25, 0.0], [0.0, 0.0]])  # left foot's target ahead; the right stays
  behind = feet - jnp.array([[0.25, 0.0], [0.0, 0.0]])

  def progress(goal_xy, skill_state=state):
    return float(step.terms["feet_progress"](context(step, robot, {"xy": goal_xy}, skill_state=skill_state)))

  assert progress(ahead) == pytest.approx(0.6, abs=1e-3)
  assert progress(behind) == pytest.approx(-0.6, abs=1e-3)
  assert progress(ahead, {"foot_xy": feet, "last_foot_xy": feet - 5 * moved}) == pytest.approx(3.0, abs=1e-3)
  assert progress(ahead, step.init_state(robot, step.params)) == 0.0
  updated = step.update_state(state, robot, 2, 0.02, step.params)
  np.testing.assert_array_equal(updated["last_foot_xy"], state["foot_xy"])


def test_walking_tracking_terms_are_maximal_when_velocities_match():
  walk = catalog.skill("walking", H1)
  qvel = np.zeros(25)
  qvel[0], qvel[1], qvel[5] = 0.6, -0.2, 0.3  # world x/y velocity; yaw rate (base frame)
  robot = robot_at(qvel=qvel)
  goal = {"command": jnp.array([0.6, -0.2, 0.3]), "heading": jnp.float32(0.0)}
  c = context(walk, robot, goal)
  assert float(walk.terms["tracking_lin_vel"](c)) == pytest.approx(1.0, abs=1e-6)
  assert float(walk.terms["tracking_ang_vel"](c)) == pytest.approx(1.0, abs=1e-6)
  assert float(walk.terms["track_vel_hard"](c)) == pytest.approx(1.0, abs=1e-5)
  assert float(walk.terms["low_speed"](c)) == pytest.approx(1.2)
  slow = context(walk, robot, {**goal, "command": jnp.array([1.5, -0.2, 0.3])})
  assert float(walk.terms["low_speed"](slow)) == -1.0
  backwards = context(walk, robot, {**goal, "command": jnp.array([-0.6, 0.0, 0.0])})
  assert float(walk.terms["low_speed"](backwards)) == -2.0


def test_walking_actor_and_critic_see_the_gait_clock_its_rewards_follow():
  walk = catalog.skill("walking", H1)
  robot, consts = robot_at(), RobotConstants.build(H1, 0.02)
  quarter = jnp.int32(8)  # 0.16 s: a quarter of the 0.64 s gait period
  extra = np.asarray(walk.critic_extra(quarter, robot, consts, walk.params))
  assert extra.shape == (walk.critic_extra_size,) == (4 + H1.num_joints,)
  np.testing.assert_allclose(extra[:4], [1.0, 0.0, 1.0, 0.0], atol=1e-6)  # sin, cos; left stance, right swings
  error = extra[4:]
  right_swing = walk.params.gait_joints[1]
  np.testing.assert_allclose(error[right_swing], np.asarray(robot.q - consts.default_pose)[right_swing]
                             - walk.params.gait_amplitudes[1], atol=1e-6)
  c = context(walk, robot, {"command": jnp.zeros(3), "heading": jnp.float32(0.0)}, step=quarter)
  d = np.linalg.norm(error + consts.default_pose)  # the reward's reference is centred on zero (0.3.0)
  assert float(walk.terms["joint_pos"](c)) == pytest.approx(np.exp(-2 * d) - 0.2 * min(d, 0.5), abs=1e-5)
  env = cached_env("h1", "walking", "mujoco")
  assert env.observation_size["privileged_state"] == (3 * (3 + 3 * 19 + 18 + 4 + 19),)
  assert env.observation_size["state"] == (3 + 2 + 3 * 19 + 6,)  # goal, clock, proprioception
  np.testing.assert_allclose(walk.clock(quarter, 0.02), [1.0, 0.0], atol=1e-6)
  reset, step = jitted(env)
  state = reset(jax.random.PRNGKey(3))
  state = step(state.replace(info={**state.info, "step": quarter - 1}), np.zeros(19, np.float32))
  np.testing.assert_allclose(np.asarray(state.obs["state"][3:5]), [1.0, 0.0], atol=1e-6)


def test_posture_terms_at_the_default_pose():
  robot = robot_at()
  skill = catalog.skill("squatting", H1)
  c = context(skill, robot, {"height": robot.base_pos[2]})
  assert float(rewards.orientation(c)) == pytest.approx(1.0)
  assert float(rewards.upper_body_pos(c)) == pytest.approx(1.0)
  assert float(rewards.default_joint_pos(c)) == pytest.approx(1.0)
  assert float(rewards.torques(c)) == pytest.approx(float(jnp.sum(robot.torque ** 2)))


def test_total_is_scaled_by_dt_and_clipped_at_zero():
  terms = {"bonus": lambda c: jnp.float32(1.0), "penalty": lambda c: jnp.float32(100.0)}
  total, parts = rewards.weighted_sum(terms, {"bonus": 2.0, "penalty": -1.0}, None, 0.02)
  assert float(total) == 0.0
  assert float(parts["bonus"]) == pytest.approx(0.04) and float(parts["penalty"]) == pytest.approx(-2.0)
  total, _ = rewards.weighted_sum(terms, {"bonus": 2.0}, None, 0.02)
  assert float(total) == pytest.approx(0.04)


def test_shaping_terms_are_added_after_the_clip():
  terms = {"bonus": lambda c: jnp.float32(1.0), "progress": lambda c: jnp.float32(-3.0)}
  total, _ = rewards.weighted_sum(terms, {"bonus": 2.0, "progress": 1.0}, None, 0.02, shaping=("progress",))
  assert float(total) == pytest.approx(0.04 - 0.06)  # not clipped to 0: a step away costs in full
  total, _ = rewards.weighted_sum({**terms, "penalty": lambda c: jnp.float32(100.0)},
                                  {"bonus": 2.0, "progress": 1.0, "penalty": -1.0}, None, 0.02, shaping=("progress",))
  assert float(total) == pytest.approx(-0.06)
  assert "feet_progress" in catalog.skill("stepping", H1).shaping_terms


def test_a_fallen_robot_terminates():
  env = cached_env("h1", "reaching", "mujoco")
  reset, step = jax.jit(env.reset), jax.jit(env.step)
  state = reset(jax.random.PRNGKey(0))
  lying = np.asarray(state.pipeline_state.qpos).copy()
  lying[2] = 0.15
  lying[3:7] = [np.cos(np.pi / 4), 0.0, np.sin(np.pi / 4), 0.0]  # pitched 90 degrees: on its front
  state = state.replace(pipeline_state=state.pipeline_state.replace(qpos=jnp.asarray(lying)))
  after = step(state, jnp.zeros(env.action_size))
  assert bool(after.done) and not bool(after.info["truncation"])
  assert float(after.metrics["diverged"]) == 0.0
  assert float(after.info["step"]) == 0, "the environment was reset"


def test_time_out_truncates():
  env = cached_env("h1", "reaching", "mujoco", None, gain_scale=16.0, push=False, init_joint_noise=0.0)
  reset, step = jax.jit(env.reset), jax.jit(env.step)
  state = reset(jax.random.PRNGKey(0))
  state = state.replace(info={**state.info, "step": jnp.int32(env.episode_steps - 1)})
  after = step(state, jnp.zeros(env.action_size))
  assert bool(after.done) and bool(after.info["truncation"])


def test_torque_limits_charges_only_the_share_above_nine_tenths_of_each_joint_s_limit():
  robot = robot_at()
  walk = catalog.skill("walking", H1)
  limits = np.asarray(H1.torque_limits, np.float32)
  term = walk.terms["torque_limits"]
  goal = walk.reset_goal(jax.random.PRNGKey(0), robot, walk.params)

  def charged(torque):
    return float(term(context(walk, robot.replace(torque=jnp.asarray(torque, jnp.float32)), goal)))

  assert charged(0.85 * limits) == 0.0
  assert charged(np.where(np.arange(H1.num_joints) == 3, -limits, 0.5 * limits)) == pytest.approx(0.1, abs=1e-6)
  assert "torque_limits" not in walk.weights, "a term to try (+primitive.reward_weights.torque_limits=-w), off by default"
