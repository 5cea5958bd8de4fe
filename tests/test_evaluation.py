"""Evaluation is reproducible from its seed; the pretrained library verifies what it serves."""

import json
import pathlib
import sys

import jax.numpy as jnp
import numpy as np
import pytest

from skillbench.envs.env_config import EnvConfig
from skillbench.envs.factory import make
from skillbench.errors import SkillBenchError
from skillbench.evaluation import protocol as evaluation
from skillbench.policy import acting as policies
from skillbench.policy import checkpoint as ckpt_lib
from skillbench.policy import library
from skillbench.publish import readme_tables
from tests.test_training import smoke_run  # noqa: F401  (module fixture)

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_evaluation_numbers_are_reproducible_from_the_seed(smoke_run):  # noqa: F811
  _, loaded, robot, skill = policies.resolve(run=smoke_run)
  run = lambda seed: evaluation.evaluate_policy(robot, skill, loaded, num_rollouts=3, seed=seed, seconds=1.0)
  a, b, c = run(0), run(0), run(1)
  assert a["backends"] == b["backends"], "same seed, same numbers, to the last bit"
  per = lambda r: [x["goal_error"] for x in r["backends"]["mujoco"]["per_rollout"]]
  assert per(a) != per(c)
  agg = a["backends"]["mujoco"]["aggregate"]["goal_error"]
  assert agg["ci95"][0] <= agg["mean"] <= agg["ci95"][1]
  assert a["settings"]["obs_noise"] is False and a["settings"]["push"] is False and a["settings"]["action_delay"] is True


def test_zero_action_baseline_falls():
  result = evaluation.evaluate_policy("h1", "squatting", None, "zero", num_rollouts=2, seconds=5.0)
  agg = result["backends"]["mujoco"]["aggregate"]
  assert agg["fell"]["mean"] == 1.0 and agg["seconds"]["mean"] < 3.0


def test_aggregate_bootstrap_interval():
  values = np.arange(10.0)
  agg = evaluation.aggregate(values)
  assert agg["mean"] == 4.5 and agg["std"] == pytest.approx(np.std(values))
  assert 2.5 < agg["ci95"][0] < 4.5 < agg["ci95"][1] < 6.5


def test_fall_breakdown_splits_the_error_between_rollouts_that_stay_up_and_fall():
  rollout = lambda error, settled, fell, seconds: {
    "goal_error": error, "goal_error_settled": settled, "fell": fell, "seconds": seconds}
  per = [rollout(0.04, 0.02, 0.0, 24.0), rollout(0.06, 0.04, 0.0, 24.0), rollout(0.3, 0.5, 1.0, 1.5)]
  result = {"embodiment": "h1", "skill": "reaching",
            "backends": {"mujoco": {"per_rollout": per, "error_unit": "m"}}}
  assert evaluation.fall_breakdown(result, "mujoco") == (
    "h1 reaching [mujoco] 2 of 3 rollouts stay up: goal error 0.0500 (settled 0.0300) m; "
    "1 fall (after 1.50 s on average): goal error 0.3000 m")
  result["backends"]["mujoco"]["per_rollout"] = per[:2]
  assert evaluation.fall_breakdown(result, "mujoco") is None  # nothing to split


def test_summary_line_counts_falls_that_a_rounded_rate_would_hide():
  metric = lambda mean: {"mean": mean, "std": 0.0, "ci95": [mean, mean]}
  aggregate = {k: metric(v) for k, v in dict(goal_error=0.043, goal_error_settled=0.019, fell=1 / 400, tilt=0.007,
                                               torque=11.4, power=5.5).items()}
  result = {"embodiment": "h1", "skill": "reaching", "policy": "p",
            "backends": {"mujoco": {"num_rollouts": 400, "aggregate": aggregate, "error_unit": "m"}}}
  assert "m, falls 1 of 400, tilt 0.007 rad" in evaluation.summary_line(result, "mujoco")
  rollout = {"goal_error": 0.04, "goal_error_settled": 0.02, "fell": 0.0, "seconds": 4.0}
  result["backends"]["mujoco"]["per_rollout"] = [rollout] * 399 + [{**rollout, "fell": 1.0, "seconds": 2.0}]
  lines = evaluation.report_lines(result, "mujoco")
  assert lines[0] == evaluation.summary_line(result, "mujoco") and "399 of 400 rollouts stay up" in lines[1]
  aggregate.update(error=metric(0.1), success=metric(0.0), height=metric(0.98))  # a task: Error, success, no split
  assert evaluation.report_lines(result, "mujoco") == [evaluation.summary_line(result, "mujoco")]


def test_library_entry_round_trip(smoke_run, tmp_path):  # noqa: F811
  result = evaluation.evaluate_policy("h1", "reaching", policies.resolve(run=smoke_run)[1], num_rollouts=2, seconds=1.0)
  folder = library.add(smoke_run, result["backends"], root=tmp_path, notes="smoke")
  manifest = json.loads((folder / "manifest.json").read_text())
  assert manifest["policy_sha256"] == ckpt_lib.file_sha256(folder / "policy.safetensors")
  assert manifest["env_steps"] == 1024 and manifest["evaluation"]["mujoco"]["num_rollouts"] == 2
  assert library.policy_path("h1", "reaching", tmp_path) == folder / "policy.safetensors"
  library.verify("h1", "reaching", tmp_path)
  assert manifest["evaluated_with"]["skillbench"] and "commit" in manifest["evaluated_with"]["git"]

  # Re-measured (after a simulation change): new numbers, the old ones kept, the policy untouched.
  policy_bytes = (folder / "policy.safetensors").read_bytes()
  again = evaluation.evaluate_policy("h1", "reaching", policies.resolve(run=smoke_run)[1], num_rollouts=3, seconds=1.0)
  updated = library.reevaluate("h1", "reaching", again["backends"], root=tmp_path)
  assert updated["evaluation"]["mujoco"]["num_rollouts"] == 3
  assert updated["superseded_evaluations"] == [
    {"evaluation": manifest["evaluation"], "evaluated_with": manifest["evaluated_with"]}]
  assert library.manifest("h1", "reaching", tmp_path) == updated
  assert (folder / "policy.safetensors").read_bytes() == policy_bytes

  # Replaced by a newer policy: the replaced entry's record stays in the new manifest, and the README says so.
  replacing = library.add(smoke_run, again["backends"], root=tmp_path, notes="newer")
  newer = library.manifest("h1", "reaching", tmp_path)
  assert replacing == folder and newer["notes"] == "newer" and newer["replaced_entries"] == [updated]
  assert "replaces an entry scoring" in readme_tables.worse_before(newer, newer["evaluation"]["mujoco"])
  library.add(smoke_run, again["backends"], root=tmp_path)
  assert library.manifest("h1", "reaching", tmp_path)["replaced_entries"] == [updated, {
    k: v for k, v in newer.items() if k != "replaced_entries"}]
  updated = library.manifest("h1", "reaching", tmp_path)

  data = bytearray((folder / "policy.safetensors").read_bytes())
  data[-5] ^= 1
  (folder / "policy.safetensors").write_bytes(bytes(data))
  with pytest.raises(SkillBenchError, match="does not match its manifest"):
    library.verify("h1", "reaching", tmp_path)
  with pytest.raises(SkillBenchError, match="does not match its manifest"):
    library.reevaluate("h1", "reaching", again["backends"], root=tmp_path)
  assert library.manifest("h1", "reaching", tmp_path) == updated, "a refused re-evaluation changes nothing"
  with pytest.raises(SkillBenchError, match="no pretrained walking policy for h1.*the library has: h1/reaching"):
    library.policy_path("h1", "walking", tmp_path)


def test_pretrained_needs_robot_and_skill():
  with pytest.raises(SkillBenchError, match="checkpoint=pretrained needs embodiment=<robot> and primitive=<skill>"):
    policies.resolve(checkpoint="pretrained")


def test_every_committed_library_entry_loads_by_name_and_acts():
  import json
  import pathlib

  import jax
  import numpy as np

  from skillbench.policy import library
  from tests.helpers import cached_env

  manifests = sorted((pathlib.Path(__file__).resolve().parents[1] / "checkpoints").glob("*/*/manifest.json"))
  assert manifests, "the library holds at least one trained skill"
  for path in manifests:
    m = json.loads(path.read_text())
    library.verify(m["robot"], m["skill"])
    what, loaded, robot, skill = policies.resolve(checkpoint="pretrained", embodiment=m["robot"], primitive=m["skill"])
    assert (robot, skill) == (m["robot"], m["skill"]) and loaded.checkpoint.sha256() == m["policy_sha256"]
    env = cached_env(robot, skill)
    obs = jax.jit(env.reset)(jax.random.PRNGKey(0)).obs
    assert np.all(np.isfinite(np.asarray(loaded.for_env(env).mean_action(obs))))
    assert m["evaluation"]["mujoco"]["goal_error"]["mean"] > 0


def test_a_policy_from_before_its_skill_had_a_clock_acts_without_it(tmp_path):
  """Walking's actor gained a gait clock; a walking policy written before (no clock_size in its
  metadata, an observation 2 shorter) still loads and acts on the observation minus the clock."""
  import jax
  import jax.numpy as jnp

  from skillbench.policy import networks
  from skillbench.policy import saved as policy_lib
  from skillbench.policy.normalizer import RunningStats
  from skillbench.policy.saved import Policy
  from skillbench.training.ppo import PPOConfig
  from tests.helpers import cached_env

  env = cached_env("h1", "walking")
  goal, clock = env.skill.goal_size, env.skill.clock_size
  assert clock == 2
  old_size = env.observation_size["state"][0] - clock
  ppo = PPOConfig(actor_hidden=[16], critic_hidden=[16])
  actor, critic = networks.actor(ppo.actor_hidden, env.action_size), networks.critic(ppo.critic_hidden)
  critic_size = env.observation_size["privileged_state"][0]
  params = networks.init_params(jax.random.PRNGKey(1), actor, critic, old_size, critic_size, env.action_size, 1.0)
  stats = RunningStats(jnp.linspace(-1, 1, old_size), jnp.linspace(0.5, 2.0, old_size), jnp.float32(10.0))
  observation = {**policy_lib.observation_metadata(env), "actor_size": old_size}
  del observation["clock_size"]
  path = ckpt_lib.save(tmp_path / "old-walking.safetensors", ckpt_lib.flatten(Policy(params, stats, RunningStats.zeros(critic_size))),
                       "policy", embodiment="h1", skill="walking", observation=observation,
                       network=policy_lib.network_metadata(ppo))
  loaded = policy_lib.load(path)
  state = jax.random.normal(jax.random.PRNGKey(2), (old_size + clock,))
  got = loaded.for_env(env).mean_action({"state": state})
  unclocked = jnp.concatenate([state[:goal], state[goal + clock:]])
  want = actor.apply({"params": params["actor"]}, stats.normalize(unclocked))
  np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_walking_evaluated_at_narrowed_commands_says_so():
  """goal_range_scale narrows the commands (a standing robot's velocity error shrinks with them)
  and the record and summary say the goals are not the benchmark's."""
  run = lambda scale: evaluation.evaluate_policy("h1", "walking", None, "zero", num_rollouts=4, seconds=0.5,
                                                 goal_range_scale=scale)
  spec, narrow = run(1.0), run(0.3)
  error = lambda r: r["backends"]["mujoco"]["aggregate"]["goal_error"]["mean"]
  assert 0.0 < error(narrow) < 0.5 * error(spec)
  assert narrow["settings"]["goal_range_scale"] == 0.3 and spec["settings"]["goal_range_scale"] == 1.0
  assert "0.3 x the benchmark's ranges" in evaluation.summary_line(narrow, "mujoco")
  assert "ranges" not in evaluation.summary_line(spec, "mujoco")


def test_gait_counts_airborne_steps_and_touchdowns():
  # One rollout of 6 steps (dt 0.5 s), feet (left, right); the last step is after the episode ended.
  contact = np.array([[1, 1], [0, 1], [1, 1], [1, 0], [1, 1], [0, 0]], bool)[:, None, :]
  counted = np.array([1, 1, 1, 1, 1, 0], bool)[:, None]
  gait = evaluation.gait(contact, counted, dt=0.5)
  assert gait["airborne"][0] == pytest.approx(2 / 5)
  assert gait["touchdowns_per_s"][0] == pytest.approx(2 / 2.5)  # left at step 3, right at step 5


def test_the_walking_entry_steps_and_the_reaching_entry_stands_still():
  """The library's H1 walking lifts its feet in turn (the old, standing walker did in 1 % of steps);
  reaching keeps both feet down."""
  def gait_of(skill, scale):
    _, loaded, robot, skill = policies.resolve(checkpoint="pretrained", embodiment="h1", primitive=skill)
    result = evaluation.evaluate_policy(robot, skill, loaded, num_rollouts=4, seconds=4.0, goal_range_scale=scale)
    agg = result["backends"]["mujoco"]["aggregate"]
    assert "touchdowns/s" in evaluation.summary_line(result, "mujoco")
    return agg["airborne"]["mean"], agg["touchdowns_per_s"]["mean"]

  airborne, touchdowns = gait_of("walking", 0.3)
  assert airborne > 0.6 and 2.0 < touchdowns < 5.0
  airborne, touchdowns = gait_of("reaching", 1.0)
  assert airborne < 0.1 and touchdowns < 1.0  # a foot re-placed now and then


def test_walking_breakdown_splits_strides_by_time_since_a_switch_and_its_ideal_walker_is_exact():
  """tools/walking_breakdown.py on a made-up trace: a robot that tracks a constant command exactly
  except in the first stride after each switch; and the ideal walker's floor worked by hand."""
  import pathlib
  import sys

  sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tools"))
  import walking_breakdown as wb

  dt, period, stride, rollouts = 0.02, 400, 32, 3
  steps = 2 * period
  command = np.zeros((steps, rollouts, 3))
  command[:, :, 0] = 1.0  # 1 m/s forward throughout
  error = np.zeros((steps, rollouts, 2))
  error[:stride, :, 0] = 0.5  # the first stride of the first period lags by 0.5 m/s
  counted = np.ones((steps, rollouts), bool)
  fell = np.zeros((steps, rollouts), bool)
  counted[300:, 2], fell[299, 2] = False, True  # rollout 2 falls at 5.98 s
  out = {"command": command, "error": error, "counted": counted, "fell": fell}
  result = wb.breakdown(out, period, stride, dt)
  # first strides: three lag by 0.5 in the first period, two keep up in the second (rollout 2 is down)
  assert result["since_switch"]["0-0.64 s"] == {"strides": 5, "stride_error": pytest.approx(0.3)}
  assert result["since_switch"]["4-8 s"]["stride_error"] == 0.0
  assert result["falls"] == [{"rollout": 2, "at_s": 5.98, "since_switch_s": 5.98, "command": [1.0, 0.0, 0.0]}]
  # From rest to 1 m/s at 1 m/s^2 takes 1 s: the error falls linearly from 1 to 0 over 50 steps.
  v = wb.ideal_walker(command[:, :1], 1.0, dt)
  np.testing.assert_allclose(v[49, 0], [1.0, 0.0], atol=1e-9)
  np.testing.assert_allclose(v[:49, 0, 0], dt * np.arange(1, 50), atol=1e-9)


def test_an_extra_trace_rides_along_the_protocols_rollouts_without_changing_them():
  """`rollout_metrics(extra_trace=)` returns per-step arrays beside the rollouts' metrics, which stay
  bit-identical; "counted" stops after the step that ended a rollout."""
  from skillbench.evaluation import protocol
  from tests.helpers import cached_env

  env = cached_env("h1", "squatting")
  zero = lambda obs: jnp.zeros(env.action_size)
  plain = protocol.rollout_metrics(env, zero, 2, 0, seconds=3.0)
  traced = protocol.rollout_metrics(env, zero, 2, 0, seconds=3.0,
                                    extra_trace=lambda state, nxt: {"step": nxt.info["step"], "z": nxt.pipeline_state.qpos[2]})
  trace = traced.pop("trace")
  assert set(plain) == set(traced) and all(np.array_equal(plain[k], traced[k]) for k in plain)
  steps = env.timing.steps(3.0)
  assert trace["z"].shape == trace["counted"].shape == trace["fell"].shape == (steps, 2)
  assert trace["step"][0].tolist() == [1, 1] and trace["step"][4].tolist() == [5, 5]
  for r in range(2):  # the zero-action robot falls: counted until its fall, then not
    fall = int(np.flatnonzero(trace["fell"][:, r])[0])
    assert trace["counted"][: fall + 1, r].all() and not trace["counted"][fall + 1:, r].any()
    assert plain["seconds"][r] == pytest.approx((fall + 1) * env.dt)


def test_episode_ends_names_the_forbidden_contact_that_ends_a_falling_rollout():
  sys.path.insert(0, str(ROOT / "tools"))
  import episode_ends

  env = make("g1", "far_reach", "mujoco", config=EnvConfig.evaluation(goal_period_s=5.0))
  limp = jnp.full(env.action_size, -env.config.clip_actions)  # every joint driven to its stop: it collapses
  rows = episode_ends.ends(env, lambda obs: limp, rollouts=2, seed=0, seconds=4.0)
  assert [r["rollout"] for r in rows] == [0, 1]
  for row in rows:
    assert row["ended_s"] is not None and 0 < row["ended_s"] <= 4.0, row
    assert set(row["contacts"]) & set(env.skill.forbidden_groups), row  # the contact that ended it
    assert row["pelvis_z"] < 0.6 and row["since_switch_s"] == pytest.approx(row["ended_s"] % 5.0, abs=1e-3)


def test_episode_ends_gives_where_each_rollout_leaves_the_task_s_objects():
  sys.path.insert(0, str(ROOT / "tools"))
  import episode_ends

  env = make("h1", "cabinet_close", "mujoco", config=EnvConfig.evaluation())
  rows = episode_ends.ends(env, lambda obs: jnp.zeros(env.action_size), rollouts=2, seed=0, seconds=0.4)
  for row in rows:  # untouched, both doors stay at their starting 1 rad (damped, no spring)
    assert set(row["objects"]) == {"cabinet_door_left", "cabinet_door_right"}, row
    assert all(v == [pytest.approx(1.0, abs=0.02)] for v in row["objects"].values()), row
  box = make("h1", "box_push", "mujoco", config=EnvConfig.evaluation())
  (row,) = episode_ends.ends(box, lambda obs: jnp.zeros(box.action_size), rollouts=1, seed=0, seconds=0.4)
  x, y, z = row["objects"]["box"]
  assert 0.5 < x < 1.0 and abs(y) <= 0.3 and z > 0.9  # on the table, near its front edge
  x, y, z = row["root"]
  assert abs(x) < 0.1 and abs(y) < 0.1 and 0.5 < z < 1.2  # the pelvis 0.4 s after its start at the origin


def test_a_variant_labels_a_trained_policy_s_method_and_is_refused_for_a_baseline(smoke_run):  # noqa: F811
  from skillbench.results import result_file as results

  loaded = policies.resolve(run=smoke_run)[1]
  assert results.method_label(loaded, "zero") == "ppo"
  assert results.method_label(loaded, "zero", variant="epochs2") == "ppo-epochs2"
  assert results.method_label(loaded, "zero", method="ppo_big", variant="epochs2") == "ppo_big-epochs2"
  with pytest.raises(SkillBenchError, match="baseline has none"):
    results.method_label(None, "zero", variant="epochs2")
  with pytest.raises(SkillBenchError, match="lower-case letters"):
    results.method_label(loaded, "zero", variant="Two Epochs")


def test_subgoal_trace_measures_slew_bound_share_and_the_second_before_a_fall():
  sys.path.insert(0, str(ROOT / "tools"))
  import subgoal_trace

  steps, dt = 100, 0.02
  command = np.zeros((steps, 2, 3), np.float32)
  command[:, 0] = [0.5, 0.5, 1.0]  # rollout 0 holds the corner, upright throughout
  command[:, 1, 0] = np.where(np.arange(steps) % 2, 0.1, -0.1)  # rollout 1 flips v_x every step: 10 m/s^2
  counted = np.ones((steps, 2), bool)
  counted[81:, 1] = False
  fell = np.zeros((steps, 2), bool)
  fell[80, 1] = True  # rollout 1 falls on its 81st step
  at_bound = np.abs(command) >= 0.99 * np.array([0.5, 0.5, 1.0])
  trace = {"command": command, "at_bound": at_bound, "walking_legs": np.full((steps, 2), 0.25, np.float32),
           "counted": counted, "fell": fell, "skill_at_bound": np.stack([at_bound.mean(-1), np.zeros((steps, 2))], -1),
           "skill_legs": np.full((steps, 2, 2), 0.5), "skill_upper": np.stack([np.zeros((steps, 2)), np.ones((steps, 2))], -1)}
  skills = subgoal_trace.summarise_skills(trace, ["walking", "reaching"])
  assert skills["walking"] == {"at_bound": pytest.approx(100 / 181, abs=1e-3), "legs_weight": 0.5, "upper_weight": 0.0}
  assert skills["reaching"] == {"at_bound": 0.0, "legs_weight": 0.5, "upper_weight": 1.0}
  doc = subgoal_trace.summarise(trace, dt, period_s=1.0, slowest=0.2)
  (fall,) = doc["falls"]
  assert fall["rollout"] == 1 and fall["fell_s"] == pytest.approx(1.62) and fall["since_switch_s"] == pytest.approx(0.62)
  assert fall["slew_p95_last_s"] == pytest.approx(10.0, rel=1e-4)
  before = doc["last_second_before_a_fall"]
  assert before["slew"]["steps"] == 50 and before["below_slowest"] == 1.0 and before["at_bound"] == [0.0, 0.0, 0.0]
  upright = doc["upright"]
  assert upright["slew"]["steps"] == 99 + 30  # rollout 0 after its first step; rollout 1 before its last second
  assert upright["speed"]["p95"] == pytest.approx(0.707, abs=1e-3) and upright["walking_legs"]["median"] == 0.25
  assert upright["at_bound"] == [pytest.approx(99 / 129, abs=1e-3)] * 3


def test_probe_tools_take_a_run_folder_or_a_policy_file_and_refuse_anything_else(tmp_path, capsys):
  sys.path.insert(0, str(ROOT / "tools"))
  import probe_record

  parser = probe_record.parser("a probe")
  with pytest.raises(SystemExit):
    probe_record.parse(parser, [str(tmp_path)])  # a folder without a final policy
  assert "neither a policy file nor a folder holding policy.safetensors" in capsys.readouterr().err
  (tmp_path / "policy.safetensors").write_bytes(b"")
  assert probe_record.parse(parser, [str(tmp_path)]).policy == tmp_path / "policy.safetensors"
  entry = tmp_path / "entry.safetensors"
  entry.write_bytes(b"")
  assert probe_record.parse(parser, [str(entry)]).policy == entry
  with pytest.raises(SystemExit):
    probe_record.parse(parser, [str(entry), "--rollouts", "0"])
  assert "--rollouts must be at least 1" in capsys.readouterr().err


class DivergesAt:
  """An environment whose physics diverges (NaN joint velocity) on control step `at` (1-based)."""

  def __init__(self, env, at: int):
    self.env, self.at = env, at

  def __getattr__(self, name):
    return getattr(self.env, name)

  def step(self, state, action):
    qvel = state.pipeline_state.qvel
    qvel = jnp.where(state.info["step"] == self.at - 1, qvel.at[7].set(jnp.nan), qvel)
    return self.env.step(state.replace(pipeline_state=state.pipeline_state.replace(qvel=qvel)), action)


def test_a_rollout_whose_physics_diverges_is_a_fall_scored_on_its_steps_before(tmp_path, monkeypatch):
  from skillbench.errors import NonFiniteError

  monkeypatch.chdir(tmp_path)  # MuJoCo logs its warning to MUJOCO_LOG.TXT in the working directory
  env = make("h1", "button_press", "mujoco", config=EnvConfig.evaluation())
  act = lambda obs: jnp.zeros(env.action_size)
  before = evaluation.rollout_metrics(env, act, 2, seed=0, seconds=9 * env.dt)
  broken = evaluation.rollout_metrics(DivergesAt(env, 10), act, 2, seed=0, seconds=20 * env.dt)
  assert np.all(before["error"] > 0.1) and np.all(before["fell"] == 0)
  np.testing.assert_allclose(broken["error"], before["error"], rtol=1e-6)  # not the diverged step's zeros
  for key in ("goal_error", "tilt", "torque"):
    np.testing.assert_allclose(broken[key], before[key], rtol=1e-6)
  assert np.all(broken["fell"] == 1) and np.allclose(broken["seconds"], 10 * env.dt)
  # The same simulations diverge again, at the same joint: still seen (MuJoCo's reset clears its warning count).
  again = evaluation.rollout_metrics(DivergesAt(env, 5), act, 2, seed=0, seconds=20 * env.dt)
  assert np.all(again["fell"] == 1) and np.allclose(again["seconds"], 5 * env.dt)
  with pytest.raises(NonFiniteError, match="diverged on the first step"):
    evaluation.rollout_metrics(DivergesAt(env, 1), act, 2, seed=0, seconds=5 * env.dt)
