"""The catalog: the one door from the core to the plug-ins, and what adding a robot takes."""

import dataclasses
import importlib
import sys
import textwrap

import gymnasium as gym
import jax
import jax.numpy as jnp
import pytest

import embodiments
import skillbench
from skillbench import catalog
from skillbench.commands import config as config_lib
from skillbench.envs import registration
from skillbench.envs.env_config import EnvConfig
from skillbench.errors import UnknownNameError


def test_names_follow_the_papers_order():
  assert catalog.robot_names() == ("h1", "g1", "h1_2", "t1")
  assert catalog.skill_names() == ("walking", "reaching", "squatting", "stepping")
  assert catalog.task_names()[:2] == ("far_reach", "button_press") and len(catalog.task_names()) == 8
  assert "common" not in catalog.skill_names() and "object_goal" not in catalog.task_names()


def test_names_are_forgiving_and_unknown_ones_list_the_known():
  assert catalog.robot("H1-2").name == "h1_2"
  assert catalog.task_name("BoxPush") == "box_push" and catalog.task_display_name("box_push") == "BoxPush"
  with pytest.raises(UnknownNameError, match="valid robots: h1, g1, h1_2, t1"):
    catalog.robot("h2")
  with pytest.raises(UnknownNameError, match="Did you mean 'box_push'"):
    catalog.task("box_psuh", "h1")


def test_plugins_hand_the_core_data():
  """What the core once looked up by a plug-in's name now travels on the plug-in's objects."""
  g1, h1_2 = catalog.robot("g1"), catalog.robot("h1_2")
  assert (g1.size_class, g1.squat_max_height) == ("small", 0.8)
  assert catalog.skill("squatting", g1).params.high == 0.8
  assert catalog.task("package_lift", h1_2).weights["wrists_to_object"] == 10.0  # the robot's override
  assert catalog.task("package_lift", "h1").weights["wrists_to_object"] == 5.0
  far_reach = catalog.task("far_reach", "h1")
  assert far_reach.eval_goal_period_s == 5.0 and far_reach.add_objects is not None
  assert catalog.skill("walking", "h1").add_objects is None and catalog.skill("walking", "h1").goal_description


def _stands(robot: str) -> bool:
  """Whether the robot is up after 1 s of zero actions in its reaching environment (evaluation settings)."""
  env = skillbench.make(robot, "reaching", config=EnvConfig.evaluation())
  state = env.reset(jax.random.PRNGKey(0))
  step = jax.jit(env.step)
  for _ in range(int(1.0 / env.dt)):
    state = step(state, jnp.zeros(env.action_size))
  return not bool(state.done) and float(state.metrics["height"]) > 0.7 * env.embodiment.nominal_height


def test_a_robot_is_one_new_module(tmp_path, monkeypatch):
  """A module dropped into embodiments/ is a robot everywhere: names, environments, gymnasium ids, the
  scripts' `embodiment=` group. (Here the module is H1 under another name, in a folder added to the
  package's path, so that the checkout is left alone.)"""
  (tmp_path / "h1_twin.py").write_text(textwrap.dedent('''
    import dataclasses

    from embodiments.h1 import EMBODIMENT as _H1

    EMBODIMENT = dataclasses.replace(_H1, name="h1_twin", display_name="Unitree H1 (twin)")
  '''))
  monkeypatch.setattr(embodiments, "__path__", [*embodiments.__path__, str(tmp_path)])
  monkeypatch.delitem(sys.modules, "embodiments.h1_twin", raising=False)
  importlib.invalidate_caches()

  assert catalog.robot_names() == ("h1", "g1", "h1_2", "t1", "h1_twin")
  assert catalog.robot("h1_twin").display_name == "Unitree H1 (twin)"
  assert _stands("h1_twin")
  registration.register_all()
  assert "SkillBench/H1_TWIN-BoxPush-v0" in gym.registry
  config_lib.register()
  from hydra.core.config_store import ConfigStore

  assert "h1_twin.yaml" in ConfigStore.instance().list("embodiment")


def test_a_robot_added_from_elsewhere():
  twin = dataclasses.replace(catalog.robot("g1"), name="g1_twin")
  catalog.add_robot(twin)
  try:
    assert catalog.robot("g1_twin") is twin and "g1_twin" in catalog.robot_names()
    env = skillbench.make("g1_twin", "walking")
    assert env.embodiment is twin and env.action_size == catalog.robot("g1").num_joints
    with pytest.raises(ValueError, match="exists already"):
      catalog.add_robot(dataclasses.replace(twin))
    with pytest.raises(ValueError, match="exists already"):
      catalog.add_robot(dataclasses.replace(twin, name="g1"))
  finally:
    catalog.remove_robot("g1_twin")
  assert "g1_twin" not in catalog.robot_names()
