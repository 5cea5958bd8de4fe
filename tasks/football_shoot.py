"""FootballShoot (medium; walk + step): kick a ball into a goal 5 m away (spec section 5).

A ball of radius 0.1 m and mass U(0.3, 0.5) kg starts on the ground at x U(0.5, 1.0),
y U(-0.3, 0.3); the goal point is at x 5.0, y U(-2, 2), z U(0, 0.5), inside a goal frame (posts at
y +-2, crossbar 2 m high; drawn, not collidable). Task observation (6): ball - goal (3), then
robot root - ball (3) (m, world frame). Rewards: root xy to the ball's start 1 exp(-4 mean|d|);
ball to goal 5 exp(-1 mean|d|). The episode ends as a success when the ball is within 0.5 m of
the goal point. Error: mean abs xyz of ball vs goal at the end (m), success below 1.5 m.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp

from assets import objects
from skillbench import rewards
from skillbench.skill import StepContext
from skillbench.task import Task
from tasks import common, display_name

NAME = "football_shoot"
GOAL_X = 5.0
GOAL_HALF_WIDTH = 2.0
GOAL_HEIGHT = 2.0
SCORED_DISTANCE = 0.5  # m


@dataclasses.dataclass(frozen=True)
class BallParams:
  radius: float = 0.1
  mass: tuple[float, float] = (0.3, 0.5)
  x: tuple[float, float] = (0.5, 1.0)
  y: tuple[float, float] = (-0.3, 0.3)
  goal_y: tuple[float, float] = (-2.0, 2.0)
  goal_z: tuple[float, float] = (0.0, 0.5)


def add_objects(spec, embodiment):
  p = BallParams()
  objects.ball(spec, "ball", p.radius, (0.75, 0.0, p.radius), 0.4)
  objects.goal_frame(spec, "goal_frame", GOAL_X, GOAL_HALF_WIDTH, GOAL_HEIGHT)


def reset_scene(key, qpos, body_mass, layout, p: BallParams):
  kx, ky, km = jax.random.split(key, 3)
  pos = jnp.array([common.uniform(kx, *p.x), common.uniform(ky, *p.y), p.radius])
  qpos = common.place_free_body(qpos, layout, "ball", pos)
  return qpos, common.set_mass(body_mass, layout, "ball", common.uniform(km, *p.mass))


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
    forbidden_groups=common.forbidden(embodiment, NAME),
    terms={"root_to_ball_start": root_to_ball_start, "ball_to_goal": ball_to_goal},
    weights={"root_to_ball_start": 1.0, "ball_to_goal": 5.0},
    params=BallParams(),
    reset_goal=reset_goal,
    resample_goal=common.keep_goal,
    goal_obs=goal_obs,
    goal_error=goal_error,
    goal_markers=markers,
    error_unit="m",
    scene=NAME,
    reset_scene=reset_scene,
    succeeded=scored,
    level="medium",
    skills=("walking", "stepping"),
    threshold=1.5,
    objects=("ball", "goal_frame"),
  )
