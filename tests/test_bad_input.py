"""Bad input gets a clear error naming the problem and the fix; broken physics resets an env."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import skillbench
from skillbench.errors import ActionShapeError, UnknownNameError
from tests.helpers import cached_env
from tests.test_standing import STIFF


@pytest.mark.parametrize(
  "args, message",
  [
    (("hh1", "reaching"), "unknown robot 'hh1'; valid robots: h1, g1, h1_2, t1. Did you mean 'h1'?"),
    (("h1", "reach"), ("unknown skill or task 'reach'; valid skills and tasks: walking, reaching, squatting, stepping, "
                       "far_reach, button_press, cabinet_close, football_shoot, box_push, package_lift, box_transfer, "
                       "package_carry. Did you mean 'reaching'?")),
    (("h1", "reaching", "gpu"), "unknown backend 'gpu'; valid backends: mujoco, mjx."),
  ],
)
def test_unknown_names_list_the_valid_ones(args, message):
  with pytest.raises(UnknownNameError) as err:
    skillbench.make(*args)
  assert str(err.value) == message


def test_unknown_config_field():
  with pytest.raises(UnknownNameError, match="unknown EnvConfig field 'pushes'.*Did you mean 'push'"):
    skillbench.make("h1", "reaching", config={"pushes": False})


def test_unknown_mjx_impl():
  with pytest.raises(UnknownNameError, match="valid MJX impls: jax, warp"):
    skillbench.make("h1", "reaching", "mjx", impl="cuda")


def test_wrong_action_shape_names_the_expected_shape():
  env = cached_env("h1", "reaching", "mujoco")
  state = jax.jit(env.reset)(jax.random.PRNGKey(0))
  with pytest.raises(ActionShapeError, match=r"shape \(21,\); h1 reaching expects \(19,\)"):
    env.step(state, jnp.zeros(21))
  batched = cached_env("h1", "reaching", "mujoco", 2, **STIFF)
  bstate = batched.reset(jax.random.PRNGKey(0))
  with pytest.raises(ActionShapeError, match=r"expected \(2, 19\)"):
    batched.step(bstate, jnp.zeros((3, 19)))


@pytest.mark.parametrize("backend", ["mujoco", "mjx"])
def test_nan_physics_resets_that_env_and_is_counted(backend, tmp_path, monkeypatch):
  monkeypatch.chdir(tmp_path)  # MuJoCo logs its warning to MUJOCO_LOG.TXT in the working directory
  env = cached_env("h1", "reaching", backend, 2, **STIFF)
  state = env.reset(jax.random.PRNGKey(0))
  zero = jnp.zeros((2, env.action_size))
  for _ in range(5):
    state = env.step(state, zero)
  qvel = np.asarray(state.pipeline_state.qvel).copy()
  qvel[1, 7] = np.nan
  broken = state.replace(pipeline_state=state.pipeline_state.replace(qvel=jnp.asarray(qvel)))
  after = env.step(broken, zero)
  assert np.asarray(after.metrics["diverged"]).tolist() == [0.0, 1.0]
  assert np.asarray(after.done).tolist() == [0.0, 1.0]
  assert int(after.info["step"][1]) == 0, "the broken env was reset"
  assert int(after.info["step"][0]) == 6, "the other env carries on"
  assert float(after.reward[1]) == 0.0
  for leaf in jax.tree.leaves((after.pipeline_state, after.obs, after.reward, after.metrics)):
    assert np.isfinite(np.asarray(leaf)).all()
  again = env.step(after, zero)
  assert not np.asarray(again.done).any()
