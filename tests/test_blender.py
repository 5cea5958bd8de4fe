"""SkillBlender's network, frozen skills, checkpoints and bad input (fast); training is in test_blender_slow."""

import dataclasses
import zlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from blender_policy import checkpoint as blender_checkpoint
from blender_policy import methods
from blender_policy import skills as skills_lib
from blender_policy.network import Blender, FrozenSkill
from skillbench.errors import SkillBenchError, UnknownNameError
from skillbench.policy import networks
from skillbench.policy import saved as policy_lib
from skillbench.policy.checkpoint import CheckpointError
from skillbench.policy.normalizer import RunningStats
from skillbench.policy.saved import Policy
from skillbench.training.ppo import PPOConfig
from tests.helpers import cached_env

D = 4  # joints of the toy blender
PROPRIO = 3 * D + 6
TASK_OBS = 3


def toy_skill(name, goal_size, scale, clamp=1.0):
  """A frozen 'skill' whose action is scale * (sum of its goal) + its first proprioceptive entries."""
  return FrozenSkill(name, goal_size, clamp, lambda obs: scale * jnp.sum(obs[:goal_size]) + obs[goal_size:goal_size + D])


def toy_blender(weighting="softmax", goal_bound="clip"):
  skills = (toy_skill("a", 2, 1.0), toy_skill("b", 3, -2.0, clamp=2.0))
  return Blender(skills=skills, task_obs_size=TASK_OBS, action_size=D, hidden=(8,), weighting=weighting,
                 goal_bound=goal_bound)


def with_output(blender, params, bias):
  """Params whose high-level output is exactly `bias` (zero last-layer kernel)."""
  out = params["high"]["out"]
  return {"high": {**params["high"], "out": {"kernel": jnp.zeros_like(out["kernel"]), "bias": jnp.asarray(bias)}}}


@pytest.fixture
def toy():
  blender = toy_blender()
  obs = jax.random.normal(jax.random.PRNGKey(3), (TASK_OBS + PROPRIO,))
  params = blender.init(jax.random.PRNGKey(0), obs, obs)["params"]
  return blender, params, obs


def test_output_size_matches_the_spec():
  assert toy_blender().output_size == 2 + 3 + 2 * D
  # H1 Walk + Reach: 3 + 14 + 2 x 19 = 55 (spec section 4).
  h1 = Blender(skills=(toy_skill("walking", 3, 1.0), toy_skill("reaching", 14, 1.0)), task_obs_size=3,
               action_size=19, hidden=(8,))
  assert h1.output_size == 55


def test_one_hot_weights_give_exactly_that_skills_action(toy):
  blender, params, obs = toy
  goals = [0.3, -0.2, 0.5, 0.1, -0.4]
  for k in range(2):
    logits = np.where(np.arange(2)[:, None] == k, 100.0, -100.0) * np.ones((2, D))
    p = with_output(blender, params, np.concatenate([goals, logits.reshape(-1)]).astype(np.float32))
    mean, _, weights = blender.apply({"params": p}, obs, obs, method="blend")
    skill = blender.skills[k]
    start = 0 if k == 0 else 2
    alone = skill.apply(jnp.concatenate([jnp.asarray(goals[start:start + skill.goal_size]), obs[TASK_OBS:]]))
    np.testing.assert_array_equal(mean, alone)
    np.testing.assert_array_equal(weights[k], np.ones(D))


def test_softmax_weights_sum_to_one_per_joint_and_sub_goals_are_clamped(toy):
  blender, params, obs = toy
  rng = np.random.default_rng(0)
  p = with_output(blender, params, (10.0 * rng.normal(size=blender.output_size)).astype(np.float32))
  _, goals, weights = blender.apply({"params": p}, obs, obs, method="blend")
  np.testing.assert_allclose(np.sum(weights, axis=0), np.ones(D), rtol=1e-6)
  assert np.all(np.asarray(weights) >= 0)
  assert np.max(np.abs(goals[0])) <= 1.0 and np.max(np.abs(goals[1])) <= 2.0
  assert np.max(np.abs(goals[1])) == 2.0  # a large output reaches the clamp
  raw = toy_blender("none")
  _, _, unnormalised = raw.apply({"params": p}, obs, obs, method="blend")
  assert not np.allclose(np.sum(unnormalised, axis=0), 1.0)  # the ablation keeps the raw weights


def test_a_tanh_bound_keeps_sub_goals_inside_and_their_gradient_alive_where_the_clip_kills_it(toy):
  _, params, obs = toy
  outside = np.array([3.0, -0.2, 5.0, 0.1, -0.4] + [0.0] * 2 * D, np.float32)  # a's first, b's first: past their bounds
  tanh, clip = toy_blender(goal_bound="tanh"), toy_blender()
  p = with_output(tanh, params, outside)
  _, goals, _ = tanh.apply({"params": p}, obs, obs, method="blend")
  assert 0.99 < goals[0][0] < 1.0 and 1.9 < goals[1][0] < 2.0  # inside the bound, never on it
  np.testing.assert_allclose(goals[0][1], 1.0 * np.tanh(-0.2), rtol=1e-6)  # clamp * tanh(x / clamp)

  def goal_gradient(blender):
    g = jax.grad(lambda b: jnp.sum(blender.apply({"params": with_output(blender, params, b)}, obs, obs) ** 2))(
      jnp.asarray(outside))
    return np.asarray(g)[[0, 2]]  # the two sub-goal entries past their bounds

  assert np.all(goal_gradient(clip) == 0.0)  # clipped: no way back
  assert np.all(goal_gradient(tanh) != 0.0)
  with pytest.raises(ValueError, match="goal_bound must be one of"):
    toy_blender(goal_bound="sigmoid").init(jax.random.PRNGKey(0), obs, obs)


def test_a_clocked_skill_reads_the_tasks_clock_and_the_others_skip_it():
  clock_size = 2
  walking = FrozenSkill("walking", 1, 1.0, lambda obs: obs[1:1 + D], clock_size=clock_size)  # acts out its clock
  reaching = toy_skill("reaching", 2, 0.0)  # acts out the first proprioceptive entries
  blender = Blender(skills=(walking, reaching), task_obs_size=TASK_OBS, action_size=D, hidden=(8,),
                    task_clock_size=clock_size)
  obs = jax.random.normal(jax.random.PRNGKey(4), (TASK_OBS + clock_size + PROPRIO,))
  params = blender.init(jax.random.PRNGKey(0), obs, obs)["params"]
  clock, proprio = obs[TASK_OBS:TASK_OBS + clock_size], obs[TASK_OBS + clock_size:]
  for k, want in enumerate([jnp.concatenate([clock, proprio[:D - clock_size]]), proprio[:D]]):
    logits = np.where(np.arange(2)[:, None] == k, 100.0, -100.0) * np.ones((2, D))
    p = with_output(blender, params, np.concatenate([np.zeros(3), logits.reshape(-1)]).astype(np.float32))
    mean, _, _ = blender.apply({"params": p}, obs, obs, method="blend")
    np.testing.assert_array_equal(mean, want)


def test_gradients_reach_the_high_level_through_the_frozen_skills(toy):
  blender, params, obs = toy
  grads = jax.grad(lambda p: jnp.sum(blender.apply({"params": p}, obs, obs) ** 2))(params)
  goal_columns = np.asarray(grads["high"]["out"]["kernel"])[:, :5]  # they act only through the skills
  assert np.abs(goal_columns).sum() > 0
  assert np.abs(np.asarray(grads["high"]["hidden_0"]["kernel"])).sum() > 0
  assert set(params) == {"high"}, "frozen skills hold no trainable parameters"


# ------------------------------------------------------------------- real skills and checkpoints
def untrained_policy(path, robot, skill, seed=None, **config):
  """A freshly initialised policy file for (robot, skill): enough to test wiring, no training."""
  env = cached_env(robot, skill, **config)
  ppo = PPOConfig(actor_hidden=[16], critic_hidden=[16])
  actor, critic = networks.actor(ppo.actor_hidden, env.action_size), networks.critic(ppo.critic_hidden)
  sizes = env.observation_size["state"][0], env.observation_size["privileged_state"][0]
  seed = zlib.crc32(skill.encode()) % 1000 if seed is None else seed
  params = networks.init_params(jax.random.PRNGKey(seed), actor, critic, *sizes, env.action_size, 1.0)
  policy = Policy(params, RunningStats.zeros(sizes[0]), RunningStats.zeros(sizes[1]))
  return policy_lib.save(path, policy, env, ppo)


@pytest.fixture(scope="module")
def skill_files(tmp_path_factory):
  folder = tmp_path_factory.mktemp("skills")
  return {s: untrained_policy(folder / f"h1-{s}.safetensors", "h1", s) for s in ("walking", "reaching")}


def test_blender_checkpoint_carries_its_skills_and_acts_the_same(skill_files, tmp_path):
  env = cached_env("h1", "button_press")
  actor, loaded = methods.build_actor("blender", env, [16], sources={k: str(v) for k, v in skill_files.items()})
  assert [s.skill for s in loaded] == ["walking", "reaching"]
  assert [s.clamp for s in actor.skills] == [2.0, 1.0]
  obs_size, critic_size = env.observation_size["state"][0], env.observation_size["privileged_state"][0]
  critic = networks.critic([16])
  params = networks.init_params(jax.random.PRNGKey(1), actor, critic, obs_size, critic_size, env.action_size, 1.0,
                                actor_inputs=2)
  stats = RunningStats(jnp.full(obs_size, 0.1), jnp.full(obs_size, 2.0), jnp.ones(()))
  policy = Policy(params, stats, RunningStats.zeros(critic_size))
  path = blender_checkpoint.save(tmp_path / "policy.safetensors", policy, env, PPOConfig(actor_hidden=[16],
                                 critic_hidden=[16]), actor, loaded, "blender")
  for f in skill_files.values():  # the skills' own files may go away: the checkpoint does not need them
    f.rename(f.with_suffix(".moved"))
  try:
    back = policy_lib.load(path)
  finally:
    for f in skill_files.values():
      f.with_suffix(".moved").rename(f)
  back.check_env(env)
  obs = {"state": jax.random.normal(jax.random.PRNGKey(5), (obs_size,))}
  x = stats.normalize(obs["state"])
  want = actor.apply({"params": params["actor"]}, x, obs["state"])
  np.testing.assert_array_equal(back.mean_action(obs), want)
  mean, goals, weights = back.blend(obs)
  assert weights.shape == (2, env.action_size) and [g.shape for g in goals] == [(3,), (14,)]
  assert back.actor_net.goal_bound == "clip"


def test_a_blender_checkpoint_keeps_its_goal_bound(skill_files, tmp_path):
  env = cached_env("h1", "button_press")
  sources = {k: str(v) for k, v in skill_files.items()}
  actor, loaded = methods.build_actor("blender", env, [16], sources=sources, goal_bound="tanh")
  obs_size, critic_size = env.observation_size["state"][0], env.observation_size["privileged_state"][0]
  params = networks.init_params(jax.random.PRNGKey(1), actor, networks.critic([16]), obs_size, critic_size,
                                env.action_size, 1.0, actor_inputs=2)
  params = {**params, "actor": with_output(actor, params["actor"], np.full(actor.output_size, 5.0, np.float32))}
  policy = Policy(params, RunningStats.zeros(obs_size), RunningStats.zeros(critic_size))
  path = blender_checkpoint.save(tmp_path / "policy.safetensors", policy, env, PPOConfig(actor_hidden=[16],
                                 critic_hidden=[16]), actor, loaded, "blender")
  back = policy_lib.load(path)
  assert back.actor_net.goal_bound == "tanh"
  _, goals, _ = back.blend({"state": jnp.zeros(obs_size)})
  assert 1.9 < float(goals[0][0]) < 2.0  # tanh, not clipped to exactly 2
  with pytest.raises(UnknownNameError, match="goal_bound"):
    methods.build_actor("blender", env, [16], sources=sources, goal_bound="sigmoid")


def test_a_skill_with_hidden_joints_reads_them_at_default_and_the_others_still_see_them(toy):
  blender, params, obs = toy
  hiding = Blender(skills=(blender.skills[0], dataclasses.replace(blender.skills[1], hidden_joints=(1, 3))),
                   task_obs_size=TASK_OBS, action_size=D, hidden=(8,))
  params = with_output(hiding, params, np.linspace(-1, 1, hiding.output_size).astype(np.float32))  # fixed goals
  moved = obs.at[TASK_OBS + 1].add(0.7).at[TASK_OBS + D + 3].add(-0.4).at[TASK_OBS + 2 * D + 1].add(0.3)
  for o in (obs, moved):
    _, _, _, actions = hiding.apply({"params": params}, o, o, method="parts")
    seen = o[TASK_OBS:].at[np.array([1, 3, D + 1, D + 3, 2 * D + 1, 2 * D + 3])].set(0.0)
    goal_b = hiding.apply({"params": params}, o, o, method="blend")[1][1]
    np.testing.assert_array_equal(actions[1], hiding.skills[1].apply(jnp.concatenate([goal_b, seen])))
  a_obs = hiding.apply({"params": params}, obs, obs, method="parts")[3]
  a_moved = hiding.apply({"params": params}, moved, moved, method="parts")[3]
  np.testing.assert_array_equal(a_obs[1], a_moved[1])  # the moves are all in hidden entries
  assert not np.array_equal(a_obs[0], a_moved[0])  # skill a still reads joint 1


def test_a_blender_checkpoint_keeps_which_skills_see_the_arms(skill_files, tmp_path):
  env = cached_env("h1", "button_press")
  sources = {k: str(v) for k, v in skill_files.items()}
  actor, loaded = methods.build_actor("blender", env, [16], sources=sources, arms_hidden_from=("walking",))
  arms = env.embodiment.joint_indices(kinds=("shoulder_pitch", "shoulder_roll", "shoulder_yaw", "elbow"))
  assert [s.hidden_joints for s in actor.skills] == [arms, ()] and len(arms) == 8
  obs_size, critic_size = env.observation_size["state"][0], env.observation_size["privileged_state"][0]
  params = networks.init_params(jax.random.PRNGKey(1), actor, networks.critic([16]), obs_size, critic_size,
                                env.action_size, 1.0, actor_inputs=2)
  policy = Policy(params, RunningStats.zeros(obs_size), RunningStats.zeros(critic_size))
  path = blender_checkpoint.save(tmp_path / "policy.safetensors", policy, env, PPOConfig(actor_hidden=[16],
                                 critic_hidden=[16]), actor, loaded, "blender")
  back = policy_lib.load(path)
  assert [s.hidden_joints for s in back.actor_net.skills] == [arms, ()]
  obs = {"state": jax.random.normal(jax.random.PRNGKey(5), (obs_size,))}
  x = policy.actor_stats.normalize(obs["state"])
  np.testing.assert_array_equal(back.mean_action(obs), actor.apply({"params": params["actor"]}, x, obs["state"]))
  seeing, _ = methods.build_actor("blender", env, [16], sources=sources)
  assert not np.array_equal(back.mean_action(obs), seeing.apply({"params": params["actor"]}, x, obs["state"]))
  with pytest.raises(SkillBenchError, match=r"names \['squatting'\].*blends \['walking', 'reaching'\]"):
    methods.build_actor("blender", env, [16], sources=sources, arms_hidden_from=("squatting",))


def test_blend_override_drives_the_legs_with_one_skill_and_refuses_a_skill_it_does_not_blend(skill_files, tmp_path):
  import pathlib
  import sys

  sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tools"))
  import blend_override

  env = cached_env("h1", "button_press")
  actor, loaded = methods.build_actor("blender", env, [16], sources={k: str(v) for k, v in skill_files.items()})
  obs_size, critic_size = env.observation_size["state"][0], env.observation_size["privileged_state"][0]
  params = networks.init_params(jax.random.PRNGKey(1), actor, networks.critic([16]), obs_size, critic_size,
                                env.action_size, 1.0, actor_inputs=2)
  policy = Policy(params, RunningStats.zeros(obs_size), RunningStats.zeros(critic_size))
  back = policy_lib.load(blender_checkpoint.save(tmp_path / "policy.safetensors", policy, env,
                                                 PPOConfig(actor_hidden=[16], critic_hidden=[16]), actor, loaded,
                                                 "blender"))
  obs = {"state": jax.random.normal(jax.random.PRNGKey(5), (obs_size,))}
  mean, goals, _, actions = back.actor_net.apply({"params": params["actor"]}, back.policy.actor_stats.normalize(
    obs["state"]), obs["state"], method="parts")
  legs = np.array(env.embodiment.joint_indices(legs=True))
  upper = np.array(env.embodiment.joint_indices(legs=False))
  parse = lambda text: blend_override.parse_variant(text, ["walking", "reaching"])
  from skillbench.robot.embodiment import ARM_KINDS
  arms = tuple(env.embodiment.joint_indices(kinds=ARM_KINDS))
  np.testing.assert_array_equal(blend_override.overridden_act(back, env, parse("learned"), arms)(obs), mean)
  forced = blend_override.overridden_act(back, env, parse("legs=walking"), arms)(obs)
  np.testing.assert_allclose(forced[legs], actions[0][legs], rtol=1e-6)
  np.testing.assert_array_equal(forced[upper], mean[upper])
  standing = blend_override.overridden_act(back, env, parse("all=walking+zero=walking"), arms)(obs)
  still = back.actor_net.apply({"params": params["actor"]}, 0, jnp.zeros(3), obs["state"], method="skill_action")
  np.testing.assert_allclose(standing, still, rtol=1e-6)
  assert not np.allclose(still, actions[0])  # the sub-goal mattered
  same = blend_override.swap_skills(back, env, {"walking": str(skill_files["walking"])})  # the file it was built from
  np.testing.assert_array_equal(blend_override.overridden_act(same, env, parse("learned"), arms)(obs), mean)
  other = untrained_policy(tmp_path / "other-walking.safetensors", "h1", "walking", seed=3)
  swapped = blend_override.swap_skills(back, env, {"walking": str(other)})
  assert swapped.actor_net.skills[1] is back.actor_net.skills[1]
  blind = untrained_policy(tmp_path / "blind-walking.safetensors", "h1", "walking", seed=3, hide_arms=True)
  assert blend_override.swap_skills(back, env, {"walking": str(blind)}).actor_net.skills[0].hidden_joints == arms
  assert not np.allclose(blend_override.overridden_act(swapped, env, parse("legs=walking"), arms)(obs)[legs], forced[legs])
  with pytest.raises(SystemExit, match="blends \\['walking', 'reaching'\\], not 'squatting'"):
    parse("legs=squatting")
  with pytest.raises(SystemExit, match="not one of legs=<skill>"):
    parse("arms=walking")


def test_blend_override_reads_the_arms_angles_from_default_over_the_counted_steps():
  import pathlib
  import sys

  sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tools"))
  import blend_override

  from skillbench.robot.embodiment import ARM_KINDS

  env = cached_env("h1", "button_press")
  arms = np.array(env.embodiment.joint_indices(kinds=ARM_KINDS))
  state = env.reset(jax.random.PRNGKey(0))
  seen = blend_override.arm_deviation(env, tuple(arms))
  stepped = env.step(state, jnp.zeros(env.action_size).at[arms[1]].set(2.0))
  at_reset = {k: np.asarray(v) for k, v in seen(state, stepped).items()}
  assert at_reset["arm_angle"].shape == (len(arms),) and at_reset["arm_angle"].max() < 0.2  # the reset's joint noise
  target = at_reset["arm_target"]  # the applied action: the env's action delay mixes in the last one (zero)
  assert 0.0 < target[1] <= 2.0 * env.config.action_scale + 1e-6 and not target[np.arange(len(arms)) != 1].any()
  raised = state.pipeline_state.qpos.at[env.layout.joint_qpos[arms[0]]].add(1.5)
  moved = state.replace(pipeline_state=state.pipeline_state.replace(qpos=raised))
  assert np.asarray(seen(moved, stepped)["arm_angle"])[0] > 1.3
  dev = np.zeros((4, 1, 2))
  dev[:, 0, 1] = [0.5, 1.5, 0.2, 9.0]  # the last step comes after the rollout ended
  counted = np.array([[True], [True], [True], [False]])
  pose = blend_override.arm_pose({"arm_angle": dev, "arm_target": 2 * dev, "counted": counted}, ["a", "b"], reach=1.0)
  assert pose["angle"]["largest_median"] == 0.5 and pose["angle"]["beyond_reach"] == round(1 / 3, 3)
  assert pose["target"]["largest_median"] == 1.0 and pose["target"]["beyond_reach"] == round(1 / 3, 3)
  assert pose["angle"]["p95_per_joint"]["a"] == 0.0 and pose["angle"]["p95_per_joint"]["b"] < 1.5


def test_a_skill_trained_blind_to_the_arms_never_reads_them_alone_or_in_a_blend(tmp_path):
  from skillbench.robot.embodiment import ARM_KINDS
  from skillbench.training import warm_start

  seeing, blind = cached_env("h1", "walking"), cached_env("h1", "walking", hide_arms=True)
  arms = np.array(seeing.embodiment.joint_indices(kinds=ARM_KINDS))
  d, start = seeing.action_size, seeing.skill.goal_size + seeing.skill.clock_size
  arm_columns = np.concatenate([start + arms + k * d for k in range(3)])
  key = jax.random.PRNGKey(3)
  action = jax.random.normal(jax.random.PRNGKey(4), (d,))
  a, b = seeing.step(seeing.reset(key), action), blind.step(blind.reset(key), action)
  sa, sb = np.asarray(a.obs["state"]), np.asarray(b.obs["state"])
  assert np.all(sb[arm_columns] == 0.0) and np.all(sa[arm_columns] != 0.0)
  np.testing.assert_array_equal(np.delete(sa, arm_columns), np.delete(sb, arm_columns))
  np.testing.assert_array_equal(a.obs["privileged_state"], b.obs["privileged_state"])  # the critic sees them

  blind_file = untrained_policy(tmp_path / "blind-walking.safetensors", "h1", "walking", hide_arms=True)
  seeing_file = untrained_policy(tmp_path / "walking.safetensors", "h1", "walking")
  loaded = policy_lib.load(blind_file)
  assert loaded.observation["hidden_joints"] == [seeing.embodiment.joint_names[j] for j in arms]
  moved = {"state": a.obs["state"].at[arm_columns].add(1.0)}
  acting = loaded.for_env(seeing)  # evaluated where the environment shows the arms: it hides them itself
  np.testing.assert_array_equal(acting.mean_action(a.obs), acting.mean_action(moved))
  other = policy_lib.load(seeing_file).for_env(seeing)
  assert not np.allclose(other.mean_action(a.obs), other.mean_action(moved))

  task = cached_env("h1", "button_press")
  actor, _ = methods.build_actor("blender", task, [16], sources={"walking": str(blind_file), "reaching": "pretrained"})
  assert actor.skills[0].hidden_joints == tuple(int(j) for j in arms) and actor.skills[1].hidden_joints == ()
  network = policy_lib.network_metadata(PPOConfig(actor_hidden=[16], critic_hidden=[16]))
  warm_start.load_source(seeing_file, blind, network)  # a fine-tune may start hiding the arms
  warm_start.load_source(blind_file, seeing, network)  # or stop


def test_a_policy_file_hiding_a_joint_it_does_not_list_is_refused(tmp_path):
  from skillbench.policy import checkpoint as ckpt_lib

  blind = ckpt_lib.load(untrained_policy(tmp_path / "blind-walking.safetensors", "h1", "walking", hide_arms=True))
  for hidden, match in ((["left_wing"], "hides joints its observation does not list: left_wing"),
                        ("left_elbow", "not a list of joint names")):
    meta = {k: v for k, v in blind.metadata.items() if k not in ("embodiment", "skill")}
    meta["observation"] = {**meta["observation"], "hidden_joints": hidden}
    edited = ckpt_lib.save(tmp_path / "edited.safetensors", blind.arrays, "policy", embodiment="h1", skill="walking",
                           **meta)
    with pytest.raises(CheckpointError, match=match):
      policy_lib.load(edited)


def test_skill_of_another_robot_is_refused(tmp_path):
  env = cached_env("h1", "button_press")
  g1 = untrained_policy(tmp_path / "g1-reaching.safetensors", "g1", "reaching")
  with pytest.raises(CheckpointError, match="robot 'g1'|'g1'"):
    skills_lib.load_skills(env, ["reaching"], {"reaching": str(g1)})


def test_skill_with_another_observation_layout_is_refused(tmp_path):
  env = cached_env("h1", "button_press")
  paper = untrained_policy(tmp_path / "h1-reaching-paper.safetensors", "h1", "reaching", timing="paper")
  with pytest.raises(CheckpointError, match="timing is 'paper' in the skill, 'default' in the task"):
    skills_lib.load_skills(env, ["reaching"], {"reaching": str(paper)})


def test_missing_skill_and_unknown_method_are_explained(tmp_path):
  env = cached_env("h1", "button_press")
  with pytest.raises(SkillBenchError, match="train_primitive.py embodiment=h1 primitive=walking"):
    skills_lib.load_skills(env, ["walking"], {"walking": str(tmp_path / "nothing-here")})
  with pytest.raises(UnknownNameError, match="no_softmax"):
    methods.build_actor("softmaxless", env, [16])
  with pytest.raises(SkillBenchError, match="low_level"):
    methods.build_actor("hb", env, [16])
  with pytest.raises(SkillBenchError, match="not among the blended skills"):
    skills_lib.load_skills(env, ["reaching"], {"walking": "pretrained"})


def test_a_goal_bound_is_checked_before_anything_is_made(tmp_path):
  from skillbench.training.train import check_config
  from tests.test_blender_slow import blender_config

  with pytest.raises(UnknownNameError, match="unknown goal_bound 'sigmoid'; valid goal_bounds: clip, tanh"):
    check_config(blender_config(tmp_path, task="button_press", goal_bound="sigmoid"))
  with pytest.raises(SkillBenchError, match="method=ppo has none"):
    check_config(blender_config(tmp_path, task="button_press", method="ppo", goal_bound="tanh"))
  check_config(blender_config(tmp_path, task="button_press", goal_bound="tanh"))
  with pytest.raises(SkillBenchError, match="arms_hidden_from=\\['walking'\\].*method=ppo blends none"):
    check_config(blender_config(tmp_path, task="button_press", method="ppo", arms_hidden_from=["walking"]))
  assert not list(tmp_path.iterdir()), "nothing was made"
