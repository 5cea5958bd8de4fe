"""The eight tasks: scenes, object placement, goals, Errors with known answers, physical sanity.

The fast suite checks every task on H1 with the native backend; `-m slow` adds the other robots
(tests/test_tasks_slow.py) and MJX.
"""

import dataclasses

import jax
import jax.numpy as jnp
import mujoco
import numpy as np
import pytest

from skillbench import catalog
from skillbench.envs.env_config import EnvConfig
from skillbench.errors import UnknownNameError
from skillbench.evaluation import protocol as evaluation
from skillbench.robot.layout import OBJECT_PREFIX
from skillbench.robot.state import RobotState, SimView
from skillbench.sim import scene as scene_lib
from tasks import common
from tests.helpers import cached_env, jitted

SEEDS = 8
SUPPORT_TOL = 0.003  # m: an object rests on its support within this
PENETRATION_TOL = 0.002  # m


def reset_batch(env, seed=0):
  return jax.jit(jax.vmap(env.reset))(jax.random.split(jax.random.PRNGKey(seed), SEEDS))


def robot_of(env, qpos):
  """The RobotState of `qpos` (zero velocity), sensors computed by the env's physics."""
  from skillbench.sim.physics import PhysicsState

  m = env.scene.model
  phys = PhysicsState(jnp.asarray(qpos, jnp.float32), jnp.zeros(m.nv), jnp.zeros(m.na), jnp.zeros(()), jnp.zeros(m.nv))
  sensordata = env.physics.reset_sensors(phys, jnp.bool_(True))
  return RobotState.read(SimView(phys.qpos, phys.qvel, sensordata), env.layout)


def object_contacts(model, qpos):
  """(geom1 name, geom2 name, distance) of every contact that involves a task object."""
  data = mujoco.MjData(model)
  data.qpos[:] = qpos
  mujoco.mj_forward(model, data)
  out = []
  for c in data.contact[: data.ncon]:
    names = [model.geom(int(g)).name for g in c.geom]
    if any(n.startswith(OBJECT_PREFIX) for n in names):
      out.append((*names, float(c.dist)))
  return out


def expected_start(task_name, embodiment):
  """Per object sensor: (low, high) of its start position (spec section 5)."""
  s = common.sizes(embodiment)
  surface = common.table_surface(embodiment)
  cube_z = surface + common.CUBE_SIZE / 2
  cube = ((0.55, -0.3, cube_z), (0.65, 0.3, cube_z))
  package = ((0.5, -0.05, s.package_height / 2), (0.7, 0.05, s.package_height / 2))
  return {
    "box_push": {"obj_box_pos": cube},
    "box_transfer": {"obj_box_pos": cube},
    "package_lift": {"obj_package_pos": package},
    "package_carry": {"obj_package_pos": package},
    "football_shoot": {"obj_ball_pos": ((0.5, -0.3, 0.2), (1.0, 0.3, 0.2))},
    "cabinet_close": {"obj_cabinet_door_left": ((1.0,), (1.0,)), "obj_cabinet_door_right": ((1.0,), (1.0,))},
    "far_reach": {},
    "button_press": {},
  }[task_name]


def check_starts(env, state):
  """Objects start inside their sampled ranges, rest on their supports, and penetrate nothing."""
  task = env.skill
  robots = jax.vmap(lambda q: robot_of(env, q))(state.pipeline_state.qpos)
  for sensor, (low, high) in expected_start(task.name, env.embodiment).items():
    values = np.asarray(robots.objects[sensor])
    assert np.all(values >= np.asarray(low) - SUPPORT_TOL), (task.name, sensor, values.min(0))
    assert np.all(values <= np.asarray(high) + SUPPORT_TOL), (task.name, sensor, values.max(0))
  for qpos in np.asarray(state.pipeline_state.qpos):
    for g1, g2, dist in object_contacts(env.scene.model, qpos):
      assert dist > -PENETRATION_TOL, f"{task.name}: {g1} and {g2} interpenetrate by {-dist:.4f} m at reset"


def initial_error(task_name, goal, robot):
  """The Error of a goal as the spec defines it, computed independently of the task module."""
  obj = {"box_push": "box", "box_transfer": "box", "package_lift": "package", "package_carry": "package",
         "football_shoot": "ball"}.get(task_name)
  if task_name == "package_lift":
    return abs(float(robot.objects["obj_package_pos"][2] - goal["target"][2]))
  if obj is not None:
    return float(np.mean(np.abs(np.asarray(robot.objects[f"obj_{obj}_pos"]) - np.asarray(goal["target"]))))
  if task_name == "cabinet_close":
    return 1.0
  if task_name == "button_press":
    return float(np.mean(np.abs(np.asarray(robot.wrist_pos[0, 1:]) - np.asarray(goal["button"][1:]))))
  return float(np.mean(np.abs(np.asarray(robot.wrist_pos) - np.asarray(goal["pos"]))))


# ------------------------------------------------------------------------------------------- fast
@pytest.mark.parametrize("task_name", catalog.task_names())
def test_task_builds_resets_and_steps_on_h1(task_name):
  env = cached_env("h1", task_name)
  task = env.skill
  assert task.display_name == catalog.task_display_name(task_name)
  assert env.actor_obs_size == task.goal_size + 2 + 3 * env.action_size + 6  # task part, gait clock, proprioception
  state = reset_batch(env)
  check_starts(env, state)
  # Leaving the objects where they are: the Error is the initial offset, and the env reports it.
  one = jax.tree.map(lambda x: x[0], state)
  robot = robot_of(env, one.pipeline_state.qpos)
  want = initial_error(task_name, jax.tree.map(np.asarray, one.info["goal"]), robot)
  got = float(task.goal_error(one.info["goal"], robot, task.params))
  np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
  # Zero action does not solve a task (FootballShoot's 1.5 m threshold is an average over xyz, so
  # a ball that starts on the goal's line can start within it).
  assert want > (0.5 if task_name == "football_shoot" else task.threshold)
  # A few steps with zero action: finite observations, rewards >= 0, nothing ends the episode.
  _, step = jitted(env)
  for _ in range(5):
    one = step(one, np.zeros(env.action_size, np.float32))
  assert np.all(np.isfinite(np.asarray(one.obs["state"])))
  assert float(one.reward) >= 0.0 and not bool(one.done)
  assert np.asarray(one.obs["state"]).shape == (env.actor_obs_size,)


@pytest.mark.parametrize("task_name", ["box_push", "package_lift", "box_transfer", "package_carry", "football_shoot"])
def test_teleporting_the_object_to_its_goal_scores_zero_and_succeeds(task_name):
  env = cached_env("h1", task_name)
  task = env.skill
  one = jax.tree.map(lambda x: x[0], reset_batch(env))
  name = {"football_shoot": "ball"}.get(task_name, "package" if "package" in task_name else "box")
  qpos = common.place_free_body(one.pipeline_state.qpos, env.layout, name, one.info["goal"]["target"])
  robot = robot_of(env, qpos)
  error = float(task.goal_error(one.info["goal"], robot, task.params))
  assert error < 1e-5
  assert error < task.threshold
  if task_name == "football_shoot":  # a goal ends the episode as a success, not as a fall
    assert bool(task.succeeded(one.info["goal"], robot, task.params))
    _, step = jitted(env)
    scored = step(one.replace(pipeline_state=one.pipeline_state.replace(qpos=qpos)), np.zeros(env.action_size, np.float32))
    assert bool(scored.done) and float(scored.metrics["fell"]) == 0.0 and float(scored.info["truncation"]) == 0.0


def test_open_cabinet_doors_error_equals_their_angle():
  env = cached_env("h1", "cabinet_close")
  task = env.skill
  one = jax.tree.map(lambda x: x[0], reset_batch(env))
  for left, right in ((1.0, 1.0), (0.3, 0.1), (0.0, 0.0)):
    qpos = one.pipeline_state.qpos
    qpos = qpos.at[env.layout.object_qpos["obj_cabinet_door_left"]].set(left)
    qpos = qpos.at[env.layout.object_qpos["obj_cabinet_door_right"]].set(right)
    error = float(task.goal_error(one.info["goal"], robot_of(env, qpos), task.params))
    np.testing.assert_allclose(error, (left + right) / 2, atol=1e-6)
  assert error < task.threshold


def test_button_press_error_ignores_depth():
  env = cached_env("h1", "button_press")
  task = env.skill
  one = jax.tree.map(lambda x: x[0], reset_batch(env))
  robot = robot_of(env, one.pipeline_state.qpos)
  button = robot.wrist_pos[0] + jnp.array([0.3, 0.0, 0.0])  # 0.3 m in front of the left wrist
  assert float(task.goal_error({"button": button}, robot, task.params)) < 1e-6


def test_a_fallen_robot_terminates():
  env = cached_env("h1", "box_push")
  _, step = jitted(env)
  one = jax.tree.map(lambda x: x[0], reset_batch(env))
  qpos = one.pipeline_state.qpos
  root = env.layout.root_qpos
  # Lying on its back: pitched by -90 degrees, pelvis 0.1 m above the floor.
  qpos = qpos.at[root].set(jnp.array([-0.5, 0.0, 0.1, np.cos(-np.pi / 4), 0.0, np.sin(-np.pi / 4), 0.0]))
  state = one.replace(pipeline_state=one.pipeline_state.replace(qpos=qpos))
  for _ in range(25):
    state = step(state, np.zeros(env.action_size, np.float32))
    if bool(state.done):
      break
  assert bool(state.done) and float(state.info["truncation"]) == 0.0


def _held_robot_run(model, data, embodiment, seconds, advance=0.0):
  """Steps the physics with the robot's root held (teleported) at its pose, moved `advance` m in x."""
  joint = model.body(embodiment.root_body).jntadr[0]
  qadr, vadr = model.jnt_qposadr[joint], model.jnt_dofadr[joint]
  start = data.qpos[qadr:qadr + 7].copy()
  steps = int(round(seconds / model.opt.timestep))
  for i in range(steps):
    data.qpos[qadr:qadr + 7] = start
    data.qpos[qadr] += advance * i / steps
    data.qvel[vadr:vadr + 6] = 0.0
    data.ctrl[:] = embodiment.default_pose
    mujoco.mj_step(model, data)


def test_a_scripted_wrist_pushes_the_cube_and_a_closed_door_stays_closed():
  h1 = catalog.robot("h1")
  model = scene_lib.load_scene(h1, add_objects=catalog.task_module("box_push").add_objects).model
  data = mujoco.MjData(model)
  data.qpos[:] = scene_lib.home_qpos(model, h1)
  mujoco.mj_forward(model, data)
  # The robot steps up so that its left wrist is 0.1 m behind a cube at the table's front edge.
  cube_x = common.TABLE_X - common.TABLE_SIZE[0] / 2 + 0.06
  root_x = model.jnt_qposadr[model.body(h1.root_body).jntadr[0]]
  data.qpos[root_x] += cube_x - 0.1 - data.site("wrist_left").xpos[0]
  mujoco.mj_forward(model, data)
  wrist = data.site("wrist_left").xpos.copy()
  box = model.joint("obj_box").qposadr[0]
  surface = common.table_surface(h1) + common.CUBE_SIZE / 2
  data.qpos[box:box + 7] = [cube_x, wrist[1], surface, 1, 0, 0, 0]
  _held_robot_run(model, data, h1, seconds=2.0, advance=0.2)  # the wrist sweeps 0.2 m forward
  moved = data.qpos[box] - cube_x
  assert moved > 0.08, f"the cube moved {moved:.3f} m"
  assert abs(data.qpos[box + 2] - surface) < 0.01, "the cube left the table top"

  model = scene_lib.load_scene(h1, add_objects=catalog.task_module("cabinet_close").add_objects).model
  data = mujoco.MjData(model)
  data.qpos[:] = scene_lib.home_qpos(model, h1)  # doors shut (angle 0)
  _held_robot_run(model, data, h1, seconds=2.0)
  for side in ("left", "right"):
    assert abs(data.joint(f"obj_cabinet_door_{side}").qpos[0]) < 1e-3
  # An open door stays where it is left (undriven, damped hinges).
  data.joint("obj_cabinet_door_left").qpos[0] = 1.0
  _held_robot_run(model, data, h1, seconds=1.0)
  assert abs(data.joint("obj_cabinet_door_left").qpos[0] - 1.0) < 0.02


def test_far_reach_error_is_scored_at_every_goal_switch():
  far = catalog.task("far_reach", catalog.robot("h1"))
  errors = np.array([[5.0], [1.0], [7.0], [2.0], [9.0]])  # steps 1..5, one rollout
  counted = np.ones_like(errors, bool)
  # Goal period 2 steps: switches after steps 2 and 4; the goal cut short at the end (step 5) is not scored.
  np.testing.assert_allclose(evaluation.task_error(far, errors, counted, 2), [(1.0 + 2.0) / 2])
  box = catalog.task("box_push", catalog.robot("h1"))
  counted[3:] = False  # the episode ended after step 3
  np.testing.assert_allclose(evaluation.task_error(box, errors, counted, 2), [7.0])
  assert evaluation.evaluation_goal_period("h1", "far_reach") == 5.0
  assert evaluation.evaluation_goal_period("h1", "box_push") is None


def test_task_evaluation_is_reproducible_from_its_seed():
  env = cached_env("h1", "button_press", **dataclasses.asdict(EnvConfig.evaluation()))
  zero = lambda obs: jnp.zeros(env.action_size)
  first = evaluation.evaluate(env, zero, num_rollouts=3, seed=4, seconds=0.5)
  again = evaluation.evaluate(env, zero, num_rollouts=3, seed=4, seconds=0.5)
  assert first["per_rollout"] == again["per_rollout"]
  agg = first["aggregate"]
  assert {"error", "success", "tilt", "height", "torque", "power", "fell"} <= set(agg)
  assert agg["success"]["mean"] == 0.0 and agg["error"]["mean"] > env.skill.threshold
  assert first["task"]["threshold"] == 0.05
  low, high = agg["error"]["ci95"]
  assert low <= agg["error"]["mean"] <= high


def test_unknown_task_lists_the_valid_ones():
  with pytest.raises(UnknownNameError, match="box_push"):
    catalog.task("box_pish", catalog.robot("h1"))
  assert catalog.task_name("BoxPush") == "box_push"
  from skillbench.envs.factory import make

  with pytest.raises(UnknownNameError, match="far_reach"):
    make("h1", "FarReech")


def test_a_robot_without_a_needed_body_group_is_named():
  h1 = catalog.robot("h1")
  groups = {("forearms" if k == "elbows" else k): v for k, v in h1.body_groups.items()}
  renamed = dataclasses.replace(h1, body_groups=groups)  # a robot that calls its elbows otherwise
  with pytest.raises(ValueError, match=r"football_shoot.*elbows.*h1"):
    catalog.task("football_shoot", renamed)


def _squeeze_and_lift(friction: float, scene: mujoco.MjModel, squeeze_n: float = 10.0, mass: float = 2.0):
  """Two capsule fingers (the G1's wrist collider radius) squeeze a package's side faces with `squeeze_n`
  newtons each, then a stiff servo raises them 0.1 m in 1 s, under `scene`'s solver options.
  Returns (the package's rise (m), the deepest finger penetration (m))."""
  from assets import objects

  spec = mujoco.MjSpec()
  for field in ("timestep", "cone", "solver", "iterations", "ls_iterations", "integrator"):
    setattr(spec.option, field, getattr(scene.opt, field))
  spec.worldbody.add_geom(type=mujoco.mjtGeom.mjGEOM_PLANE, size=[2, 2, 0.1])
  height = common.SMALL.package_height
  objects.free_box(spec, "package", (*common.PACKAGE_SIZE_XY, height), (0, 0, height / 2), mass, objects.CARDBOARD,
                   friction=friction)
  lift = spec.worldbody.add_body(name="lift", pos=[0, 0, height / 2])
  lift.add_joint(name="z", type=mujoco.mjtJoint.mjJNT_SLIDE, axis=[0, 0, 1])
  lift.add_geom(type=mujoco.mjtGeom.mjGEOM_SPHERE, size=[0.01], mass=1.0, contype=0, conaffinity=0)
  for side in (1, -1):
    finger = lift.add_body(name=f"finger{side}", pos=[0, side * 0.09, 0])
    finger.add_joint(name=f"y{side}", type=mujoco.mjtJoint.mjJNT_SLIDE, axis=[0, side, 0])
    finger.add_geom(type=mujoco.mjtGeom.mjGEOM_CAPSULE, size=[0.035, 0.05], euler=[0, 90, 0], mass=0.3,
                    contype=1, conaffinity=1)
    spec.add_actuator(name=f"squeeze{side}", target=f"y{side}", trntype=mujoco.mjtTrn.mjTRN_JOINT,
                      gainprm=[1.0] + [0] * 9)
  servo = spec.add_actuator(name="lift", target="z", trntype=mujoco.mjtTrn.mjTRN_JOINT)
  servo.set_to_position(kp=20000.0, kv=400.0)
  model = spec.compile()
  data = mujoco.MjData(model)
  start = height / 2
  deepest = 0.0
  for i in range(int(2.0 / model.opt.timestep)):
    t = i * model.opt.timestep
    data.ctrl[:2] = -squeeze_n  # along each finger's slide axis, which points away from the package
    data.ctrl[2] = 0.1 * min(max(t - 0.5, 0.0), 1.0)
    mujoco.mj_step(model, data)
    deepest = max([deepest] + [-c.dist for c in data.contact if c.dist < 0 and model.geom_type[c.geom1] != 0])
  return data.body("obj_package").xpos[2] - start, deepest


def test_two_fingers_squeezing_with_10_n_lift_the_heaviest_package_without_sinking_in():
  g1 = catalog.robot("g1")
  scene = scene_lib.load_scene(g1, add_objects=catalog.task_module("package_lift").add_objects).model
  assert scene.geom("obj_package").friction[0] == common.PACKAGE_FRICTION
  rise, deepest = _squeeze_and_lift(common.PACKAGE_FRICTION, scene)
  assert rise > 0.05 and deepest < 0.005, f"rose {rise:.3f} m, fingers {deepest * 1000:.1f} mm deep"
  # The original's friction 5: under MuJoCo's pyramidal cone the fingers sink in and the package stays down.
  rise, deepest = _squeeze_and_lift(5.0, scene)
  assert rise < 0.01 and deepest > 0.03, f"rose {rise:.3f} m, fingers {deepest * 1000:.1f} mm deep"
