"""Walking in SkillBench 0.3.0: its recipe, the stride-averaged error, the command sweep, the
discount at the control rate and the floor's friction."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from skillbench import catalog
from skillbench.envs.env_config import EnvConfig
from skillbench.evaluation import command_sweep
from skillbench.evaluation import protocol as evaluation
from skillbench.sim import scene
from skillbench.training.ppo import PPOConfig
from tests.helpers import cached_env
from tests.test_rewards import H1, context, robot_at


def test_the_discount_keeps_the_originals_horizon_in_seconds():
  assert PPOConfig().discount(0.01) == pytest.approx(0.994)
  assert PPOConfig().discount(0.02) == pytest.approx(0.994**2)
  horizon = lambda dt: dt / (1 - PPOConfig().discount(dt))
  assert horizon(0.02) == pytest.approx(horizon(0.01), rel=0.01)
  assert PPOConfig(gamma=0.99).discount(0.02) == 0.99, "a set gamma is kept"


def test_hip_roll_is_free_for_lateral_commands_and_costs_without_them():
  walk = catalog.skill("walking", H1)
  q = np.asarray(scene.home_qpos(scene.load_scene(H1).model, H1)).copy()
  roll = scene.load_scene(H1).layout.joint_qpos[H1.joint_indices(kinds=("hip_roll",), side="left")[0]]
  q[roll] += 0.25
  robot = robot_at(q)
  term = lambda vy: float(walk.terms["hip_yaw_roll"](context(walk, robot, {"command": jnp.array([0.0, vy, 0.0])})))
  assert term(0.0) == pytest.approx(np.exp(-10 * 0.15), rel=1e-3), "0.1 rad free, then exp(-10 x excess)"
  assert term(1.0) == pytest.approx(1.0), "0.25 rad more roll is free at 1 m/s sideways"
  assert float(walk.terms["hip_yaw_roll"](context(walk, robot_at(), {"command": jnp.zeros(3)}))) == 1.0


def test_the_gait_reference_is_centred_on_zero_as_the_originals():
  walk = catalog.skill("walking", H1)
  robot = robot_at()
  c = context(walk, robot, {"command": jnp.zeros(3)}, step=jnp.int32(0))  # phase 0: both feet in stance
  d = float(jnp.linalg.norm(robot.q))
  assert float(walk.terms["joint_pos"](c)) == pytest.approx(np.exp(-2 * d) - 0.2 * min(d, 0.5), rel=1e-4)


def test_the_stride_averaged_error_ignores_sway_within_a_stride():
  steps, stride = 64, 32
  t = np.arange(steps)
  sway = np.stack([0.3 * np.sin(2 * np.pi * t / stride), np.zeros(steps)], -1)[:, None, :]  # one rollout
  counted = np.ones((steps, 1), bool)
  assert evaluation.stride_error(sway, counted, 400, stride, np.array([9.0]))[0] == pytest.approx(0.0, abs=1e-9)
  offset = sway + np.array([0.1, 0.0])
  assert evaluation.stride_error(offset, counted, 400, stride, np.array([9.0]))[0] == pytest.approx(0.1)
  fell = counted.copy()
  fell[10:] = False  # no whole window: the fallback
  assert evaluation.stride_error(offset, fell, 400, stride, np.array([9.0]))[0] == 9.0
  half = counted.copy()
  half[40:] = False  # only the first window counts
  assert evaluation.stride_error(offset + (t >= 32)[:, None, None], half, 400, stride, np.array([9.0]))[0] == (
    pytest.approx(0.1))


def test_walking_evaluation_reports_the_stride_averaged_error():
  env = cached_env("g1", "walking", **EnvConfig.evaluation().__dict__)
  per = evaluation.rollout_metrics(env, lambda obs: jnp.zeros(env.action_size), 2, 0, seconds=1.5)
  assert "goal_error_stride" in evaluation.metric_names(env)
  assert per["goal_error_stride"].shape == (2,) and np.all(np.isfinite(per["goal_error_stride"]))
  assert "goal_error_stride" not in evaluation.metric_names(cached_env("g1", "reaching"))


def test_the_command_grid_spans_the_benchmark_ranges():
  walk = catalog.skill("walking", catalog.robot("g1"))
  grid = walk.command_grid(walk.params)
  assert grid[:, 0].min() == -1.0 and grid[:, 0].max() == 1.0
  assert grid[:, 1].min() == -0.5 and grid[:, 1].max() == 0.5
  assert np.all(np.count_nonzero(grid, axis=1) <= 1), "one axis at a time"
  held = walk.hold_command({"command": jnp.zeros(3), "heading": 0.0}, jnp.array([0.0, 0.0, 0.5]), 2.0, walk.params)
  assert float(walk.track_goal(held, robot_at(), walk.params)["command"][2]) == pytest.approx(
    float(jnp.clip(0.5 * ((2.0 + 1.0 - robot_at().euler[2] + np.pi) % (2 * np.pi) - np.pi), -1, 1)))


@pytest.mark.slow
def test_the_command_sweep_holds_each_command_and_the_library_walker_follows_yaw():
  from skillbench.policy import acting as policies

  _, loaded, _, _ = policies.resolve(None, "pretrained", None, "g1", "walking")
  result = evaluation.sweep_policy("g1", "walking", loaded, repeats=2, seconds=3.0)
  rows = {tuple(r["command"]): r for r in result["rows"]}
  assert all(r["falls"] == 0 for r in result["rows"])
  assert rows[(0.0, 0.0, 1.0)]["achieved"][2] == pytest.approx(1.0, abs=0.15), "a held yaw rate is followed"
  assert rows[(1.0, 0.0, 0.0)]["achieved"][0] > 0.5 > rows[(-1.0, 0.0, 0.0)]["achieved"][0]
  assert "| w_z |" in command_sweep.table(result)


def test_the_floor_slides_as_the_originals_contacts_do():
  env = cached_env("g1", "walking", **EnvConfig.evaluation().__dict__)
  assert env._nominal_friction == pytest.approx(scene.FLOOR_FRICTION) == pytest.approx((0.6 + 1.0) / 2)
  state = jax.jit(env.reset)(jax.random.PRNGKey(0))
  assert float(state.info["friction"]) == pytest.approx(0.8)
  low, high = EnvConfig().friction_range
  assert (low, high) == pytest.approx(((0.6 + 0.1) / 2, (0.6 + 2.0) / 2))
