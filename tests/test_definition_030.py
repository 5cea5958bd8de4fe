"""SkillBench 0.3.0's definitions that now match the original's code (issue 26, items 3-9).

Each test pins one definition: FootballShoot's ball and goal walls, the package's orientation,
FarReach's shared offset, stepping's home-anchored targets, reaching's leg posture term,
CabinetClose's wrist target and FarReach's Error.
"""

import jax
import jax.numpy as jnp
import mujoco
import numpy as np
import pytest

import primitives
from skillbench import catalog
from skillbench.envs import rewards
from skillbench.evaluation import protocol as evaluation
from skillbench.sim import scene as scene_lib
from tasks import common, far_reach, football_shoot
from tests.helpers import cached_env
from tests.test_rewards import context, robot_at
from tests.test_tasks import reset_batch, robot_of

H1 = catalog.robot("h1")
G1 = catalog.robot("g1")


# ----------------------------------------------------------------------------- 3: FootballShoot
def test_the_ball_is_the_originals_sphere_and_the_goal_is_three_colliding_walls():
  model = scene_lib.load_scene(H1, add_objects=catalog.task_module("football_shoot").add_objects).model
  ball = model.geom("obj_ball")
  assert ball.size[0] == pytest.approx(0.2)  # create_sphere(sim, 0.2)
  # Isaac Gym's default density (1000 kg/m^3); the config's U(0.3, 0.5) kg is never applied.
  assert model.body("obj_ball").mass[0] == pytest.approx(1000.0 * 4 / 3 * np.pi * 0.2 ** 3, rel=1e-6)
  walls = {  # door_dims (full lengths) and door_offsets (centres), h1_task_ball_config.py
    "goal_back": ((0.05, 4.0, 2.0), (5.0, 0.0, 1.0)),
    "goal_left": ((1.0, 0.05, 2.0), (4.5, 2.0, 1.0)),
    "goal_right": ((1.0, 0.05, 2.0), (4.5, -2.0, 1.0)),
  }
  data = mujoco.MjData(model)
  mujoco.mj_forward(model, data)
  for name, (size, center) in walls.items():
    geom = model.geom(name)
    assert geom.type[0] == mujoco.mjtGeom.mjGEOM_BOX
    np.testing.assert_allclose(2 * geom.size, size, atol=1e-9)
    np.testing.assert_allclose(data.geom(name).xpos, center, atol=1e-9)
    np.testing.assert_allclose(data.geom(name).xmat.reshape(3, 3), np.eye(3), atol=1e-9)
    assert geom.contype[0] and geom.conaffinity[0], f"{name} must collide"


@pytest.mark.parametrize("sideways", [0.0, 1.5])  # straight at the goal, and towards a side wall
def test_a_ball_rolled_at_the_goal_stops_at_the_back_wall(sideways):
  model = scene_lib.load_scene(H1, add_objects=catalog.task_module("football_shoot").add_objects).model
  data = mujoco.MjData(model)
  data.qpos[:] = scene_lib.home_qpos(model, H1)
  joint = model.joint("obj_ball")
  q, v = joint.qposadr[0], joint.dofadr[0]
  radius = football_shoot.BALL_RADIUS
  data.qpos[q:q + 7] = [4.0, 0.0, radius, 1.0, 0.0, 0.0, 0.0]
  data.qvel[v:v + 3] = [5.0, sideways, 0.0]  # m/s
  path = []
  for _ in range(int(round(2.0 / model.opt.timestep))):
    data.ctrl[:] = H1.default_pose
    mujoco.mj_step(model, data)
    path.append(data.qpos[q:q + 3].copy())
  path = np.array(path)
  assert path[:, 0].max() + radius < football_shoot.GOAL_X, "the ball passed the goal line"
  assert path[-1, 0] < path[:, 0].max() - 0.1, "the ball bounced back off the back wall"
  assert np.abs(path[:, 1]).max() + radius < 2.0, "the ball stays between the side walls"


def test_the_ball_starts_at_rest_on_the_floor():
  env = cached_env("h1", "football_shoot")
  state = reset_batch(env)
  robots = jax.vmap(lambda qpos: robot_of(env, qpos))(state.pipeline_state.qpos)
  np.testing.assert_allclose(np.asarray(robots.objects["obj_ball_pos"])[:, 2], 0.2, atol=1e-6)


# ----------------------------------------------------------------------------- 4: the package
@pytest.mark.parametrize("robot, height", [("h1", 1.0), ("g1", 0.7)])
def test_the_package_is_half_a_metre_along_x_and_not_rotated(robot, height):
  model = scene_lib.load_scene(catalog.robot(robot), add_objects=catalog.task_module("package_lift").add_objects).model
  np.testing.assert_allclose(2 * model.geom("obj_package").size, (0.5, 0.1, height), atol=1e-9)
  if robot != "h1":
    return
  env = cached_env("h1", "package_lift")
  data = mujoco.MjData(env.scene.model)
  for qpos in np.asarray(reset_batch(env).pipeline_state.qpos):
    data.qpos[:] = qpos
    mujoco.mj_kinematics(env.scene.model, data)
    np.testing.assert_allclose(data.geom("obj_package").xmat.reshape(3, 3), np.eye(3), atol=1e-6)


def test_the_wrists_target_the_package_centre():
  env = cached_env("h1", "package_lift")
  one = jax.tree.map(lambda x: x[0], reset_batch(env))
  robot = robot_of(env, one.pipeline_state.qpos)
  package = robot.objects["obj_package_pos"]
  term = env.skill.terms["wrists_to_object"]
  c = context(env.skill, robot, one.info["goal"])
  want = np.exp(-4 * np.mean(np.abs(np.asarray(robot.wrist_pos) - np.asarray(package)[None])))
  assert float(term(c)) == pytest.approx(want, rel=1e-5)


# ----------------------------------------------------------------------------- 5: FarReach offsets
@pytest.mark.parametrize("robot, reach, z_clamp, at_clamp", [("h1", 2.0, 0.5, 0.75), ("h1_2", 2.0, 0.5, 0.75),
                                                             ("g1", 1.25, 0.25, 0.8), ("t1", 1.25, 0.25, 0.8)])
def test_far_reach_shared_offset_is_the_originals_clamped_draw(robot, reach, z_clamp, at_clamp):
  p = catalog.task("far_reach", catalog.robot(robot)).params
  keys = jax.random.split(jax.random.PRNGKey(0), 20000)
  c = np.asarray(jax.vmap(lambda k: far_reach.shared_offset(k, p))(keys))
  assert c.min() >= 0.0 and c[:, :2].max() <= reach and c[:, 2].max() <= z_clamp + 1e-7
  np.testing.assert_allclose(c[:, :2].mean(0), reach / 2, rtol=0.03)  # x, y ~ U(0, reach)
  # z = min(U(0, reach), z_clamp): at the clamp with probability 1 - z_clamp / reach.
  assert np.mean(c[:, 2] >= z_clamp - 1e-7) == pytest.approx(at_clamp, abs=0.015)
  below = c[:, 2][c[:, 2] < z_clamp - 1e-7]
  assert below.mean() == pytest.approx(z_clamp / 2, rel=0.05)  # uniform below the clamp


def test_far_reach_targets_add_the_shared_offset_to_both_wrists():
  task = catalog.task("far_reach", H1)
  robot = robot_at()
  key = jax.random.PRNGKey(3)
  goal = task.reset_goal(key, robot, task.params)
  k_reach, k_shared = jax.random.split(key)
  pos, _ = primitives.reaching.sample_targets(k_reach, robot.wrist_pos, task.params.reach)
  shared = far_reach.shared_offset(k_shared, task.params)
  np.testing.assert_allclose(goal["pos"], pos + shared[None, :], atol=1e-6)


# ----------------------------------------------------------------------------- 6: stepping targets
@pytest.mark.parametrize("robot", ["h1", "g1"])
def test_stepping_targets_stay_offsets_from_the_home_stance(robot):
  embodiment = catalog.robot(robot)
  skill = catalog.skill("stepping", embodiment)
  at_reset = robot_at()
  home = np.asarray(at_reset.foot_pos[:, :2])
  goal = skill.reset_goal(jax.random.PRNGKey(0), at_reset, skill.params)
  np.testing.assert_allclose(goal["home"], home)
  feet = at_reset.foot_pos
  for i in range(12):  # the feet walk away; every new goal is still drawn around the home stance
    feet = feet + jnp.array([0.1, 0.05, 0.0])
    goal = skill.resample_goal(jax.random.PRNGKey(i + 1), at_reset.replace(foot_pos=feet), goal, skill.params)
    moved = np.sort(np.linalg.norm(np.asarray(goal["xy"]) - home, axis=-1))
    np.testing.assert_allclose(moved, [0.0, skill.params.distance], atol=1e-6)
    np.testing.assert_allclose(goal["home"], home)


# ----------------------------------------------------------------------------- 7: reaching's legs
@pytest.mark.parametrize("robot", ["h1", "g1"])
def test_reaching_rewards_humanoid_gyms_hip_yaw_roll_term(robot):
  skill = catalog.skill("reaching", catalog.robot(robot))
  assert skill.terms["default_joint_pos"] is rewards.default_joint_pos and "leg_pos" not in skill.terms
  assert skill.weights["default_joint_pos"] == (2.0 if robot == "g1" else 0.5)  # g1: 0.5 * 4


def test_bending_a_knee_leaves_the_leg_term_and_rolling_a_hip_does_not():
  skill = catalog.skill("reaching", H1)
  sc = scene_lib.load_scene(H1)
  home = scene_lib.home_qpos(sc.model, H1)

  def term(kind, delta):
    qpos = home.copy()
    for i in H1.joint_indices(kinds=(kind,), side="left"):
      qpos[sc.layout.joint_qpos[i]] += delta
    robot = robot_at(qpos)
    return float(rewards.default_joint_pos(context(skill, robot, skill.reset_goal(jax.random.PRNGKey(0), robot,
                                                                                  skill.params))))

  standing = term("knee", 0.0)
  assert standing == pytest.approx(1.0)
  # Only the -0.01 |q - default| part sees the knee (and hip pitch): 0.005 for 0.5 rad.
  assert term("knee", 0.5) == pytest.approx(standing - 0.01 * 0.5, abs=1e-5)
  assert term("hip_pitch", -0.4) == pytest.approx(standing - 0.01 * 0.4, abs=1e-5)
  assert term("hip_roll", 0.05) == pytest.approx(standing - 0.01 * 0.05, abs=1e-5)  # within the 0.1 rad free
  assert term("hip_roll", 0.3) < 0.01
  assert term("hip_yaw", 0.3) < 0.01


# ----------------------------------------------------------------------------- 8: CabinetClose
@pytest.mark.parametrize("robot, z", [("h1", 1.0), ("g1", 0.7)])
def test_cabinet_wrist_target_is_the_cabinets_root(robot, z):
  task = catalog.task("cabinet_close", catalog.robot(robot))
  assert task.params.root == pytest.approx((1.5, 0.0, z))  # arti_obj_offset
  assert common.sizes(catalog.robot(robot)).cabinet_z == z


def test_cabinet_observation_and_reward_use_the_root():
  env = cached_env("h1", "cabinet_close")
  task = env.skill
  one = jax.tree.map(lambda x: x[0], reset_batch(env))
  robot = robot_of(env, one.pipeline_state.qpos)
  root = np.array([1.5, 0.0, 1.0])
  goal = one.info["goal"]
  np.testing.assert_allclose(goal["root"], root)
  wrists = np.asarray(robot.wrist_pos)
  obs = np.asarray(task.goal_obs(goal, robot, task.params))
  np.testing.assert_allclose(obs[:2], [1.0, 1.0], atol=1e-6)  # door angles
  np.testing.assert_allclose(obs[2:], (wrists - root).reshape(-1), atol=1e-6)
  want = np.exp(-4 * np.mean(np.abs(wrists - root)))
  assert float(task.terms["wrists_to_cabinet"](context(task, robot, goal))) == pytest.approx(want, rel=1e-5)


# ----------------------------------------------------------------------------- 9: FarReach Error
def test_far_reach_error_scores_only_goal_switches():
  far = catalog.task("far_reach", H1)
  errors = np.array([[5.0, 5.0, 5.0], [1.0, 4.0, 1.0], [7.0, 7.0, 7.0], [2.0, 2.0, 3.0], [9.0, 9.0, 9.0]])
  counted = np.ones_like(errors, bool)
  counted[2:, 1] = False  # rollout 1 fell at step 2, a switch
  counted[1:, 2] = False  # rollout 2 fell at step 1, before its first switch
  # Goal period 2 steps: switches after steps 2 and 4; the goal cut short at step 5 is not scored.
  np.testing.assert_allclose(evaluation.task_error(far, errors, counted, 2), [(1.0 + 2.0) / 2, 4.0, 5.0])
  # An episode that ends on a switch scores it once.
  np.testing.assert_allclose(evaluation.task_error(far, errors[:4, :1], counted[:4, :1], 2), [(1.0 + 2.0) / 2])
  # The protocol's numbers: a 24 s episode with a switch every 5 s scores 4 goals.
  period, steps = 250, 1200
  at = np.arange(1, steps + 1) % period == 0
  assert at.sum() == 4 and far.episode_seconds == 24.0 and far_reach.EVAL_GOAL_PERIOD_S == 5.0
