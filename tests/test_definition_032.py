"""SkillBench 0.3.2: G1's forbidden contacts are the original's G1 lists (docs/DECISIONS.md, "Forbidden
contacts follow the original's per-robot lists")."""

import jax
import jax.numpy as jnp
import mujoco
import numpy as np
import pytest

from skillbench import catalog
from tests.helpers import cached_env

# terminate_after_contacts_on of legged_gym/envs/g1/g1_task_*/g1_task_*_config.py, in our group names.
ORIGINAL_G1 = {
  "far_reach": {"pelvis", "torso", "waist", "shoulders", "elbows", "hips", "knees"},
  "button_press": {"pelvis", "torso", "waist", "shoulders", "hips", "knees"},
  "cabinet_close": {"pelvis", "torso", "waist", "shoulders", "hips", "knees"},
  "football_shoot": {"pelvis", "torso", "waist", "shoulders", "elbows", "hips"},
  "box_push": {"pelvis", "torso", "waist", "shoulders", "hips", "knees"},
  "package_lift": {"pelvis", "torso", "waist", "hips", "knees"},
  "box_transfer": {"pelvis", "torso", "waist", "shoulders"},
  "package_carry": {"pelvis", "torso", "waist", "hips", "knees"},
}
KNEE_BEND, ANKLE_PITCH = 2.2, 0.52  # rad: the knee capsule below the feet with the thighs upright


def test_every_g1_task_ends_on_the_originals_g1_contacts_and_h1_keeps_its_lists():
  assert set(ORIGINAL_G1) == set(catalog.task_names())
  for task, groups in ORIGINAL_G1.items():
    assert set(catalog.task(task, "g1").forbidden_groups) == groups, task
  assert "knees" not in catalog.task("far_reach", "h1").forbidden_groups  # h1_task_reach_config.py
  assert "hips" not in catalog.task("box_push", "h1").forbidden_groups  # h1_task_box_config.py


def kneeling(env):
  """(state, action): G1 on its knees (thighs upright, knee capsules just touching the floor), and the
  action that holds that pose."""
  model, data = env.scene.model, mujoco.MjData(env.scene.model)
  state = env.reset(jax.random.PRNGKey(0))
  data.qpos[:] = np.asarray(state.pipeline_state.qpos)
  for side in ("left", "right"):
    data.qpos[model.joint(f"{side}_hip_pitch_joint").qposadr[0]] = 0.0
    data.qpos[model.joint(f"{side}_knee_joint").qposadr[0]] = KNEE_BEND
    data.qpos[model.joint(f"{side}_ankle_pitch_joint").qposadr[0]] = ANKLE_PITCH
  mujoco.mj_kinematics(model, data)
  knees = [g for g in range(model.ngeom)
           if model.body(model.geom_bodyid[g]).name.endswith("knee_link") and model.geom_contype[g]]
  assert knees and all(model.geom_type[g] == mujoco.mjtGeom.mjGEOM_CAPSULE for g in knees)
  lowest = min(data.geom_xpos[g][2] - abs(data.geom_xmat[g][8]) * model.geom_size[g][1] - model.geom_size[g][0]
               for g in knees)
  data.qpos[2] -= lowest
  joints = data.qpos[env.layout.joint_qpos]
  action = (joints - np.asarray(env.consts.default_pose)) / env.config.action_scale
  physics = state.pipeline_state.replace(qpos=jnp.asarray(data.qpos, jnp.float32), qvel=jnp.zeros(model.nv))
  return state.replace(pipeline_state=physics), jnp.asarray(action, jnp.float32)


@pytest.mark.parametrize("task, ends", [("far_reach", True), ("box_push", True), ("box_transfer", False)])
def test_a_kneeling_g1_ends_farreach_and_boxpush_but_not_boxtransfer(task, ends):
  env = cached_env("g1", task, "mujoco")
  state, action = kneeling(env)
  step = jax.jit(env.step)
  for _ in range(3):
    state = step(state, action)
    if ends:
      break
  assert bool(state.done) is ends
  assert float(state.metrics["fell"]) == float(ends)
