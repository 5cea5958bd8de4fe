"""FootballShoot (medium; walk + step): kick a ball into a goal 5 m away (spec sections 5 and 9).

A ball of radius 0.2 m (the original's `create_sphere(sim, 0.2)`) and mass 33.5 kg (density
1000 kg/m^3: the original draws U(0.3, 0.5) kg but never applies it, see docs/DECISIONS.md) starts
on the ground at x U(0.5, 1.0), y U(-0.3, 0.3). The goal is the original's three colliding walls
(`door_dims` / `door_offsets`): a back wall 0.05 x 4.0 x 2.0 m centred at (5.0, 0, 1.0) and two
side walls 1.0 x 0.05 x 2.0 m at (4.5, +-2.0, 1.0), so a ball stops at the goal line. The goal
point is at x 5.0, y U(-2, 2), z U(0, 0.5). Task observation (6): ball - goal (3), then robot
root - ball (3) (m, world frame). Rewards: root xy to the ball's start 1 exp(-4 mean|d|); ball to
goal 5 exp(-1 mean|d|). The episode ends as a success when the ball is within 0.5 m of the goal
point. Error: mean abs xyz of ball vs goal at the end (m), success below 1.5 m.
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp

from assets import objects
from skillbench.catalog import task_display_name as display_name
from skillbench.envs import rewards
from skillbench.envs.skill import StepContext
from skillbench.envs.task import Task
from tasks import common

NAME = "football_shoot"
FORBIDDEN_CONTACTS = ("pelvis", "torso", "shoulders", "elbows", "hips")  # end an episode (spec section 2)
GOAL_X = 5.0
SCORED_DISTANCE = 0.5  # m
BALL_RADIUS = 0.2  # m: `create_sphere(sim, ball_size)`, ball_size = 0.2 (`h1_task_ball_config.py`)
BALL_DENSITY = 1000.0  # kg/m^3: Isaac Gym's default `AssetOptions.density`, which sets the ball's mass
# The goal's walls as the original builds them (`door_dims`, `door_offsets`): name, full lengths
# (x, y, z) and centre (m, world frame). The back wall's face is at x 4.975, in front of the goal point.
GOAL_WALLS = (
  ("goal_back", (0.05, 4.0, 2.0), (5.0, 0.0, 1.0)),
  ("goal_left", (1.0, 0.05, 2.0), (4.5, 2.0, 1.0)),
  ("goal_right", (1.0, 0.05, 2.0), (4.5, -2.0, 1.0)),
)


def ball_mass(radius: float = BALL_RADIUS, density: float = BALL_DENSITY) -> float:
  """Mass (kg) of a solid ball of `radius` (m) and `density` (kg/m^3): 33.5 kg for the original's."""
  return density * 4.0 / 3.0 * math.pi * radius ** 3


@dataclasses.dataclass(frozen=True)
class BallParams:
  """radius (m) and mass (kg) of the ball; x, y: its start ranges; goal_y, goal_z: the goal point's (m)."""

  radius: float = BALL_RADIUS
  mass: float = ball_mass()
  x: tuple[float, float] = (0.5, 1.0)
  y: tuple[float, float] = (-0.3, 0.3)
  goal_y: tuple[float, float] = (-2.0, 2.0)
  goal_z: tuple[float, float] = (0.0, 0.5)


def add_objects(spec, embodiment):
  p = BallParams()
  objects.ball(spec, "ball", p.radius, (0.75, 0.0, p.radius), p.mass)
  for name, size, center in GOAL_WALLS:
    objects.wall(spec, name, center, size)


def reset_scene(key, qpos, body_mass, layout, p: BallParams):
  """The ball at rest on the floor at a random place (its mass is the model's, not drawn)."""
  kx, ky = jax.random.split(key)
  pos = jnp.array([common.uniform(kx, *p.x), common.uniform(ky, *p.y), p.radius])
  return common.place_free_body(qpos, layout, "ball", pos), body_mass


def ball(robot):
  return common.object_pos(robot, "ball")


def reset_goal(key, robot, p: BallParams):
  ky, kz = jax.random.split(key)
  target = jnp.array([GOAL_X, common.uniform(ky, *p.goal_y), common.uniform(kz, *p.goal_z)])
  return {"start": ball(robot), "target": target}


def goal_obs(goal, robot, p):
  return jnp.concatenate([ball(robot) - goal["target"], robot.base_pos - ball(robot)])


def goal_error(goal, robot, p):
  """Mean absolute xyz difference of the ball from the goal point (m)."""
  return common.mean_abs(ball(robot) - goal["target"])


def scored(goal, robot, p):
  return jnp.linalg.norm(ball(robot) - goal["target"]) < SCORED_DISTANCE


def markers(goal, robot, p):
  return goal["target"][None, :]


def root_to_ball_start(c: StepContext):
  return rewards.exp_mean_abs(c.robot.base_pos[:2] - c.goal["start"][:2])


def ball_to_goal(c: StepContext):
  return rewards.exp_mean_abs(ball(c.robot) - c.goal["target"], k=1.0)


def make(embodiment) -> Task:
  return Task(
    name=NAME,
    display_name=display_name(NAME),
    goal_size=6,
    episode_seconds=common.EPISODE_SECONDS,
    resample_seconds=common.EPISODE_SECONDS,
    forbidden_groups=common.forbidden(embodiment, NAME, FORBIDDEN_CONTACTS),
    terms={"root_to_ball_start": root_to_ball_start, "ball_to_goal": ball_to_goal},
    weights={"root_to_ball_start": 1.0, "ball_to_goal": 5.0},
    params=BallParams(),
    reset_goal=reset_goal,
    resample_goal=common.keep_goal,
    goal_obs=goal_obs,
    goal_error=goal_error,
    goal_markers=markers,
    error_unit="m",
    add_objects=add_objects,
    reset_scene=reset_scene,
    succeeded=scored,
    level="medium",
    skills=("walking", "stepping"),
    threshold=1.5,
    objects=("ball", *(name for name, _, _ in GOAL_WALLS)),
  )
