"""The world a robot lives in: flat floor, lights, solver options and the home keyframe.

Tasks add their objects to the spec returned by `scene_spec` before compiling it.
"""

from __future__ import annotations

import dataclasses
import functools

import mujoco
import numpy as np

from skillbench.robot import model as robot_model
from skillbench.robot.embodiment import Embodiment
from skillbench.robot.layout import RobotLayout
from skillbench.sim import timing as timing_lib

FLOOR = "floor"
# The floor's sliding friction: what the original's contacts see. Its terrain has static friction
# 0.6 and the robot's shapes keep Isaac Gym's 1.0; PhysX averages the two materials (its default
# combine mode), so a foot on the floor slides at 0.8 (docs/DECISIONS.md, Ground friction).
FLOOR_FRICTION = 0.8
HOME_KEY = "home"


@dataclasses.dataclass(frozen=True)
class SolverOptions:
  """MuJoCo solver settings shared by both backends (same model, same physics)."""

  integrator: int = mujoco.mjtIntegrator.mjINT_IMPLICITFAST  # PD damping stays stable at 200 Hz
  solver: int = mujoco.mjtSolver.mjSOL_NEWTON
  cone: int = mujoco.mjtCone.mjCONE_PYRAMIDAL
  iterations: int = 10
  ls_iterations: int = 20


def scene_spec(
  embodiment: Embodiment,
  timing: timing_lib.Timing | str = "default",
  solver: SolverOptions = SolverOptions(),
  unitree_root=None,
  gain_scale: float = 1.0,
) -> mujoco.MjSpec:
  """Robot on a flat floor, with a home keyframe (filled in by `compile_scene`)."""
  timing = timing_lib.get(timing)
  spec = robot_model.robot_spec(embodiment, unitree_root, gain_scale)

  spec.option.timestep = timing.physics_dt
  spec.option.integrator = solver.integrator
  spec.option.solver = solver.solver
  spec.option.cone = solver.cone
  spec.option.iterations = solver.iterations
  spec.option.ls_iterations = solver.ls_iterations

  _add_floor(spec)
  _add_lights_and_cameras(spec, embodiment)

  spec.add_key(name=HOME_KEY)
  return spec


def compile_scene(spec: mujoco.MjSpec, embodiment: Embodiment) -> mujoco.MjModel:
  """Compiles `spec` and sets its home keyframe: default pose, root at the initial height."""
  model = spec.compile()
  key = model.key(HOME_KEY).id
  model.key_qpos[key] = home_qpos(model, embodiment)
  model.key_ctrl[key] = embodiment.default_pose
  return model


def home_qpos(model: mujoco.MjModel, embodiment: Embodiment) -> np.ndarray:
  """qpos of the robot standing at its default pose, root at (0, 0, init_height), facing +x."""
  qpos = model.qpos0.copy()
  root = model.body(embodiment.root_body)
  root_adr = model.jnt_qposadr[model.body_jntadr[root.id]]
  qpos[root_adr:root_adr + 7] = [0.0, 0.0, embodiment.init_height, 1.0, 0.0, 0.0, 0.0]
  for joint in embodiment.joints:
    qpos[model.jnt_qposadr[model.joint(joint.name).id]] = joint.default
  return qpos


def _add_floor(spec):
  spec.add_texture(
    name="grid", type=mujoco.mjtTexture.mjTEXTURE_2D, builtin=mujoco.mjtBuiltin.mjBUILTIN_CHECKER,
    rgb1=[0.2, 0.3, 0.4], rgb2=[0.1, 0.2, 0.3], width=300, height=300, mark=mujoco.mjtMark.mjMARK_EDGE,
    markrgb=[0.8, 0.8, 0.8],
  )
  spec.add_material(name="grid", textures=["", "grid"], texrepeat=[5, 5], reflectance=0.0)
  spec.add_texture(
    name="sky", type=mujoco.mjtTexture.mjTEXTURE_SKYBOX, builtin=mujoco.mjtBuiltin.mjBUILTIN_GRADIENT,
    rgb1=[0.3, 0.5, 0.7], rgb2=[0.0, 0.0, 0.0], width=512, height=3072,
  )
  spec.worldbody.add_geom(
    name=FLOOR, type=mujoco.mjtGeom.mjGEOM_PLANE, size=[0, 0, 0.05], material="grid",
    contype=robot_model.WORLD_CONTYPE, conaffinity=robot_model.WORLD_CONAFFINITY,
    # The floor's friction decides every floor contact, so randomising it randomises ground friction.
    priority=1, condim=3, friction=[FLOOR_FRICTION, 0.005, 0.0001],
  )


def _add_lights_and_cameras(spec, embodiment):
  spec.worldbody.add_light(
    name="sun", pos=[0, 0, 5], dir=[0, 0, -1], type=mujoco.mjtLightType.mjLIGHT_DIRECTIONAL,
    diffuse=[0.7, 0.7, 0.7], specular=[0.1, 0.1, 0.1], castshadow=False,
  )
  spec.body(embodiment.root_body).add_light(
    name="spot", pos=[0, 0, 3], mode=mujoco.mjtCamLight.mjCAMLIGHT_TRACKCOM, diffuse=[0.4, 0.4, 0.4],
    castshadow=False,
  )
  spec.visual.global_.offwidth = 1280
  spec.visual.global_.offheight = 720
  spec.visual.headlight.ambient = [0.3, 0.3, 0.3]


@dataclasses.dataclass(frozen=True, eq=False)
class Scene:
  """A compiled scene: the physics model both backends run, and a twin with visuals for videos.

  `model` omits purely visual geoms (cheap to copy and to put on a GPU); `render_model` keeps them.
  Both share joints, actuators and sensors, so a state of one is a state of the other.
  """

  embodiment: Embodiment
  timing: timing_lib.Timing
  model: mujoco.MjModel
  render_model: mujoco.MjModel
  layout: RobotLayout


@functools.lru_cache(maxsize=32)
def load_scene(embodiment: Embodiment, timing: str = "default", gain_scale: float = 1.0,
               unitree_root: str | None = None, add_objects=None) -> Scene:
  """Builds (once per argument set) the robot's scene: a flat floor, plus the objects that
  `add_objects(spec, embodiment)` adds (a task's, `Skill.add_objects`)."""
  timing = timing_lib.get(timing)
  spec = scene_spec(embodiment, timing, unitree_root=unitree_root, gain_scale=gain_scale)
  if add_objects is not None:
    add_objects(spec, embodiment)
  render_model = compile_scene(spec, embodiment)
  spec.compiler.discardvisual = True
  model = compile_scene(spec, embodiment)
  return Scene(embodiment, timing, model, render_model, RobotLayout.build(model, embodiment))
