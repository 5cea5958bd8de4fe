"""SkillBench 0.3.3: BoxTransfer's cube is the original's effective 1 kg, axis-aligned cube, and G1's hands
count as its elbows (docs/DECISIONS.md, "BoxTransfer's cube weighs 1 kg" and "G1's hands count as its
elbows")."""

import jax
import jax.numpy as jnp
import mujoco
import numpy as np
import pytest

from skillbench import catalog
from tests.helpers import cached_env

HAND = "right_wrist_yaw_link"
# terminate_after_contacts_on names 'elbow' (whose collider covers the hand) in these G1 configs only.
ENDS_ON_HANDS = {"far_reach", "football_shoot", "walking", "reaching", "squatting", "stepping"}


def test_g1_s_hands_are_forbidden_where_the_original_forbids_its_elbow_collider():
  g1 = catalog.robot("g1")
  for name in (*catalog.skill_names(), *catalog.task_names()):
    forbidden = g1.group_bodies(catalog.skill_or_task(name, g1).forbidden_groups)
    assert (HAND in forbidden) == (name in ENDS_ON_HANDS), name
  assert set(g1.group_bodies(["elbows"])) >= {"left_elbow_link", "left_wrist_yaw_link", HAND}


def ball_on_the_hand(env, task):
  """The reset state with the task's free object (FootballShoot's ball, BoxTransfer's cube) pressed
  1 cm into the right hand's capsule from the robot's right, where it touches nothing else."""
  model, data = env.scene.model, mujoco.MjData(env.scene.model)
  state = env.reset(jax.random.PRNGKey(0))
  data.qpos[:] = np.asarray(state.pipeline_state.qpos)
  mujoco.mj_kinematics(model, data)
  (hand,) = [g for g in range(model.ngeom) if model.geom_bodyid[g] == model.body(HAND).id and model.geom_contype[g]]
  obj = {"football_shoot": "ball", "box_transfer": "box"}[task]
  obj_geom = next(g for g in range(model.ngeom) if model.body(model.geom_bodyid[g]).name == f"obj_{obj}")
  reach = model.geom_size[obj_geom][0] + model.geom_size[hand][0] - 0.01  # sphere radius / box half-size
  pos = data.geom_xpos[hand] - np.array([0.0, reach, 0.0])
  qpos = state.pipeline_state.qpos.at[env.layout.object_qpos[f"obj_{obj}"]].set(
    jnp.concatenate([jnp.asarray(pos, jnp.float32), jnp.array([1.0, 0.0, 0.0, 0.0])]))
  return state.replace(pipeline_state=state.pipeline_state.replace(qpos=qpos, qvel=jnp.zeros(model.nv)))


@pytest.mark.parametrize("task, ends", [("football_shoot", True), ("box_transfer", False)])
def test_an_object_pressed_on_a_g1_hand_ends_footballshoot_but_not_boxtransfer(task, ends):
  env = cached_env("g1", task, "mujoco")
  state = ball_on_the_hand(env, task)
  state = jax.jit(env.step)(state, jnp.zeros(env.action_size))
  assert bool(state.done) is ends
  assert float(state.metrics["fell"]) == float(ends)


def test_boxtransfer_s_cube_weighs_1_kg_and_starts_axis_aligned_where_boxpush_s_turns():
  for robot in ("h1", "g1"):
    env = cached_env(robot, "box_transfer", "mujoco")
    assert env.scene.model.body("obj_box").mass[0] == pytest.approx(1.0)
    for seed in range(3):
      qpos = env.reset(jax.random.PRNGKey(seed)).pipeline_state.qpos
      quat = np.asarray(qpos[env.layout.object_qpos["obj_box"]][3:])
      assert np.allclose(np.abs(quat), [1.0, 0.0, 0.0, 0.0], atol=1e-6), (robot, seed, quat)
  push = cached_env("g1", "box_push", "mujoco")
  quat = np.asarray(push.reset(jax.random.PRNGKey(0)).pipeline_state.qpos[push.layout.object_qpos["obj_box"]][3:])
  assert abs(quat[3]) > 1e-3  # a random yaw
