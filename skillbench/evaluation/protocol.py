"""Deterministic evaluation of a policy: N rollouts from fixed seeds, one metric set per rollout.

Each rollout runs one episode (up to `seconds`, by default the skill's episode length) with the
evaluation settings (`EnvConfig.evaluation()`: no observation noise, friction randomisation or
pushes; action delay and pelvis-mass randomisation stay on). Everything is reproducible from the
seed. Per rollout:

  goal_error          the skill's error (its unit) averaged over the episode's steps;
  goal_error_settled  the same over the second half of every goal period (after the transient);
  goal_error_stride   (walking) the error of the velocity averaged over each gait period (the
                      skill's `stride_seconds`) inside a goal period, averaged over those windows:
                      the sway within a stride does not count;
  fell                1 if the episode ended on a forbidden contact or diverged physics (not a
                      task's success, which also ends an episode);
  tilt, height, torque, power, torque_limit, joint_limit, foot_slip, action_jerk: the
                      feasibility metrics (`skillbench.envs.metrics`), averaged over the episode's steps;
  seconds             how long the episode lasted.

Primitive skills add two signs of a gait (walking should show one, reaching should not):

  airborne            the share of the episode's steps with at least one foot off the ground;
  touchdowns_per_s    feet landing (contact after a step without) per second of the episode.

Tasks (`skillbench.envs.task.Task`) add the benchmark's score (spec section 6):

  error               the task's Error: at the rollout's final state, or (FarReach) the mean of
                      the Errors just before each goal switch (a goal cut short by the episode's
                      end is not scored, as the original's `evaluate.py` scores only switches);
  success             1 when the Error is below the task's threshold and the robot did not fall
                      (an untouched box can start within BoxPush's threshold of its goal, and a
                      robot that falls over has not solved a task).

Aggregates: mean, std and a 95 % bootstrap interval of the mean over rollouts.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from skillbench import catalog
from skillbench.bounds import check_value
from skillbench.envs.env_config import EnvConfig
from skillbench.envs.factory import make
from skillbench.envs.metrics import FEASIBILITY, GAIT
from skillbench.envs.task import Task
from skillbench.envs.weight_views import heatmap
from skillbench.errors import ConfigValueError, NonFiniteError
from skillbench.evaluation import command_sweep
from skillbench.policy import acting as policies
from skillbench.policy.checkpoint import file_sha256

ROLLOUT_METRICS = ("goal_error", "goal_error_settled", "fell", *FEASIBILITY, "seconds")
TASK_METRICS = ("error", "success")
GAIT_METRICS = ("airborne", "touchdowns_per_s")


def is_task(env) -> bool:
  return isinstance(env.skill, Task)


def metric_names(env) -> tuple[str, ...]:
  if is_task(env):
    return (*TASK_METRICS, *ROLLOUT_METRICS)
  stride = ("goal_error_stride",) if env.skill.stride_seconds else ()
  return (*ROLLOUT_METRICS, *stride, *GAIT_METRICS)
BOOTSTRAP_SAMPLES = 2000


def rollout_metrics(env, act, num_rollouts: int, seed: int, seconds: float | None = None, weights_fn=None,
                    extra_trace=None) -> dict:
  """Per-rollout metrics (numpy arrays of length num_rollouts). `act(obs) -> action` per env.

  With `weights_fn(obs) -> (skills, joints)` (a blender's), the result also holds "weights":
  (steps, rollouts, skills, joints), the weights behind each action (after a rollout ends: zeros).
  With `extra_trace(state, next_state) -> {name: array}` (one environment's states before and after a
  step), the result also holds "trace": those arrays per step, (steps, rollouts, ...), beside the
  step's "counted" (the rollout had not ended before it), "fell" and, for a strided skill,
  "error_vector"; for tools that split the protocol's rollouts (tools/walking_breakdown.py).
  """
  steps = env.timing.steps(seconds or env.skill.episode_seconds)
  if steps < 1:
    raise ConfigValueError(f"seconds={seconds} is shorter than one control step ({env.dt:g} s): nothing to evaluate")
  period = env.resample_steps
  reset = jax.vmap(env.reset)
  step = jax.vmap(env.step)
  act_batch = jax.vmap(act)

  def body(carry, t):
    state, alive = carry
    action = act_batch(state.obs)
    nxt = step(state, action)
    extra = {}
    if weights_fn is not None:
      extra["weights"] = jnp.where(alive[:, None, None], jax.vmap(weights_fn)(state.obs), 0.0)
    if extra_trace is not None:
      extra.update({f"trace/{k}": v for k, v in jax.vmap(extra_trace)(state, nxt).items()})
    counted = alive
    settled = ((t - 1) % period) >= period // 2
    out = {
      "counted": counted, "settled": counted & settled, "done": nxt.done > 0,
      "finite": jnp.all(jnp.isfinite(action), -1) | ~counted,  # MuJoCo would run a NaN action as zero
      "fell": nxt.metrics["fell"] > 0, "diverged": nxt.metrics["diverged"] > 0,
      "contact": jnp.stack([nxt.metrics[k] for k in GAIT], -1) > 0.5,
      **{k: nxt.metrics[k] for k in ("goal_error", *FEASIBILITY)}, **extra,
    }
    if env.skill.stride_seconds:
      out["error_vector"] = jnp.stack(
        [nxt.metrics[f"goal_error_vector/{i}"] for i in range(env.skill.error_vector_size)], -1)
    return (nxt, alive & ~(nxt.done > 0)), out

  @jax.jit
  def run(keys):
    state = reset(keys)
    alive = jnp.ones(num_rollouts, bool)
    _, trace = jax.lax.scan(body, (state, alive), jnp.arange(1, steps + 1))
    return trace

  trace = jax.tree.map(np.asarray, run(jax.random.split(jax.random.PRNGKey(seed), num_rollouts)))
  refuse_non_finite(trace["finite"], env.dt)
  alive = trace["counted"]
  refuse_diverged_at_once(trace["diverged"] & alive, env.dt)
  # A diverged step reports zeros (the environment computes nothing from a broken state): it ends the
  # rollout as a fall, and its metrics are those of the steps before it.
  counted = alive & ~trace["diverged"]
  settled = trace["settled"] & counted
  mean_over = lambda x, m: np.sum(x * m, 0) / np.maximum(np.sum(m, 0), 1)
  result = {k: mean_over(trace[k], counted) for k in ("goal_error", *FEASIBILITY)}
  result["goal_error_settled"] = np.where(
    settled.any(0), mean_over(trace["goal_error"], settled), result["goal_error"]
  )
  if env.skill.stride_seconds:
    stride = max(1, int(round(env.skill.stride_seconds / env.dt)))
    result["goal_error_stride"] = stride_error(trace["error_vector"], counted, period, stride, result["goal_error"])
  result["fell"] = np.any(trace["fell"] & alive, axis=0).astype(float)
  result["seconds"] = np.sum(alive, 0) * env.dt
  result.update(gait(trace["contact"], counted, env.dt))
  if weights_fn is not None:
    result["weights"] = trace["weights"]
  if extra_trace is not None:
    kept = ("counted", "fell", *(("error_vector",) if env.skill.stride_seconds else ()))
    result["trace"] = {**{k: trace[k] for k in kept},
                       **{k.removeprefix("trace/"): v for k, v in trace.items() if k.startswith("trace/")}}
  if is_task(env):
    result["error"] = task_error(env.skill, trace["goal_error"], counted, period)
    result["success"] = ((result["error"] < env.skill.threshold) & (result["fell"] == 0)).astype(float)
  return result


def stride_error(vectors: np.ndarray, counted: np.ndarray, period: int, stride: int,
                 fallback: np.ndarray) -> np.ndarray:
  """Per rollout, the mean over windows of `stride` steps of |mean error vector over the window|.

  vectors: (steps, rollouts, k) signed errors; windows tile each goal period of `period` steps from
  its start (a remainder shorter than `stride` is left out) and count only when every step in them
  is counted. A rollout with no whole window (it fell at once) keeps `fallback`.
  """
  steps = vectors.shape[0]
  norms, valid = [], []
  for start in range(0, steps, period):
    for a in range(start, min(start + period, steps) - stride + 1, stride):
      window = slice(a, a + stride)
      norms.append(np.linalg.norm(vectors[window].mean(0), axis=-1))
      valid.append(counted[window].all(0))
  if not norms:
    return np.asarray(fallback, float)
  norms, valid = np.array(norms), np.array(valid)
  mean = np.sum(norms * valid, 0) / np.maximum(np.sum(valid, 0), 1)
  return np.where(valid.any(0), mean, fallback)


def refuse_diverged_at_once(diverged: np.ndarray, dt: float) -> None:
  """Raises NonFiniteError when a rollout's physics diverged on its first step (diverged: (steps,
  rollouts), counted steps only): it has no step to score."""
  first = np.flatnonzero(diverged[0])
  if first.size:
    raise NonFiniteError(
      f"the physics diverged on the first step ({dt:g} s) of rollout {first[0]} ({first.size} of "
      f"{diverged.shape[1]} rollouts): nothing to score. The policy's first actions break the simulation.")


def refuse_non_finite(finite: np.ndarray, dt: float) -> None:
  """Raises NonFiniteError when a counted step's action held NaN or Inf (finite: (steps, rollouts));
  such a policy is not scored (the physics would have run its NaN controls as zeros)."""
  if finite.all():
    return
  step, rollout = np.argwhere(~finite)[0]
  rollouts = int(np.sum(~finite.all(0)))
  raise NonFiniteError(
    f"the policy's actions are NaN or Inf (first at {step * dt:.2f} s of rollout {rollout}; {rollouts} of "
    f"{finite.shape[1]} rollouts): it is not scored. A policy that outputs NaN is broken, usually by a training "
    "run that diverged (its parameters are NaN)."
  )


def gait(contact: np.ndarray, counted: np.ndarray, dt: float) -> dict:
  """`airborne` and `touchdowns_per_s` per rollout from foot contacts (steps, rollouts, feet) and the
  counted mask (steps, rollouts); dt: the control step (s)."""
  airborne = np.any(~contact, -1)
  landed = contact[1:] & ~contact[:-1] & (counted[1:] & counted[:-1])[..., None]
  seconds = np.maximum(np.sum(counted, 0) * dt, dt)
  return {
    "airborne": np.sum(airborne * counted, 0) / np.maximum(np.sum(counted, 0), 1),
    "touchdowns_per_s": np.sum(landed, (0, 2)) / seconds,
  }


def task_error(task: Task, errors: np.ndarray, counted: np.ndarray, period: int) -> np.ndarray:
  """The task's Error per rollout from per-step errors (steps, rollouts) and the counted mask.

  "end": the error of the last counted step; "switches": the mean of the errors at the counted
  steps just before each goal switch (every `period` steps), or the last counted step's error
  when the rollout ended (fell) before its first switch.
  """
  steps = np.arange(1, errors.shape[0] + 1)[:, None]
  last = np.sum(counted, 0)  # the last counted step (1-based); episodes never end before step 1
  final = errors[np.maximum(last - 1, 0), np.arange(errors.shape[1])]
  if task.error_at == "end":
    return final
  at = counted & (steps % period == 0)
  switches = np.sum(errors * at, 0) / np.maximum(np.sum(at, 0), 1)
  return np.where(at.any(0), switches, final)


def aggregate(values: np.ndarray, seed: int = 0) -> dict:
  """Mean, std and a 95 % bootstrap confidence interval of the mean."""
  values = np.asarray(values, float)
  rng = np.random.default_rng(seed)
  means = rng.choice(values, size=(BOOTSTRAP_SAMPLES, values.size), replace=True).mean(axis=1)
  low, high = np.percentile(means, [2.5, 97.5])
  return {"mean": float(values.mean()), "std": float(values.std()), "ci95": [float(low), float(high)]}


def evaluate(env, act, num_rollouts: int = 20, seed: int = 0, seconds: float | None = None, weights_fn=None,
             weights_dir=None) -> dict:
  """Per-rollout metrics and their aggregates (see the module docstring).

  A blender's `weights_fn` and a `weights_dir`: writes each rollout's blend weights there
  (weights.npz, and rollout<i>.png heatmaps: joints x time, one panel per skill).
  """
  per = rollout_metrics(env, act, num_rollouts, seed, seconds, weights_fn)
  names = metric_names(env)
  result = {
    "num_rollouts": num_rollouts,
    "seed": seed,
    "seconds": seconds or env.skill.episode_seconds,
    "error_unit": env.skill.error_unit,
    "per_rollout": [{k: float(per[k][i]) for k in names} for i in range(num_rollouts)],
    "aggregate": {k: aggregate(per[k], seed) for k in names},
  }
  if weights_fn is not None and weights_dir is not None:
    result["blend_weights"] = write_weights(env, per["weights"], per["seconds"], weights_dir, weights_fn)
  if is_task(env):
    result["task"] = {
      "name": env.skill.name, "display_name": env.skill.display_name, "threshold": env.skill.threshold,
      "error_at": env.skill.error_at, "goal_period_s": env.resample_steps * env.dt,
      # The two choices where the released code differs from the paper (spec section 6).
      "power": "mean of |torque x velocity| per step", "episode": "the training episode",
    }
  return result


def evaluate_policy(robot: str, skill: str, loaded=None, baseline: str = "zero", backends=("mujoco",),
                    impl: str = "jax", timing: str | None = None, num_rollouts: int = 20, seed: int = 0,
                    seconds: float | None = None, what: str | None = None, weights_dir=None,
                    goal_range_scale: float = 1.0) -> dict:
  """The evaluation record of a loaded policy (or a baseline) on one or more backends.

  For a blender policy, `weights_dir` receives its blend weights per backend (see `evaluate`).
  `goal_range_scale` != 1 draws goals from narrowed ranges (walking: the commands a run trained
  on, `env.goal_range_scale`); the record's settings say so, and it is not the protocol.
  num_rollouts (>= 1) and seconds (> 0, or None) out of range raise ConfigValueError; a policy
  whose actions go NaN or Inf raises NonFiniteError naming it.
  """
  check_value("num_rollouts", num_rollouts)
  check_value("seconds", seconds)
  timing = policy_timing(loaded, timing)
  settings = EnvConfig.evaluation(timing=timing, goal_period_s=evaluation_goal_period(robot, skill),
                                  goal_range_scale=goal_range_scale)
  result = {
    "embodiment": robot, "skill": skill, "policy": what or (str(loaded.checkpoint.path) if loaded else baseline),
    "timing": timing, "settings": dict(settings.__dict__), "backends": {},
  }
  if loaded is not None:
    result["policy_sha256"] = file_sha256(loaded.checkpoint.path)
  for backend in backends:
    env = make(robot, skill, backend, config=settings, **({"impl": impl} if backend == "mjx" else {}))
    act = policies.act_fn(env, loaded, baseline)
    weights_fn = weights_dir_for = None
    if loaded is not None and loaded.is_blender and weights_dir is not None:
      weights_fn = _BlendWeights(loaded.for_env(env))
      weights_dir_for = f"{weights_dir}/{backend}"
    try:
      result["backends"][backend] = evaluate(env, lambda obs, act=act: act(obs, None), num_rollouts, seed, seconds,
                                             weights_fn, weights_dir_for)
    except NonFiniteError as e:
      raise NonFiniteError(f"{result['policy']} on {backend}: {e}") from None
  return result


def policy_timing(loaded, timing: str | None = None) -> str:
  """The timing preset to evaluate at: `timing` if given, else the policy's, else "default"."""
  return timing or (loaded.observation.get("timing") if loaded is not None else None) or "default"


def sweep_policy(robot: str, skill: str, loaded=None, baseline: str = "zero", timing: str | None = None,
                 seed: int = 0, repeats: int = 4, seconds: float = 6.0) -> dict:
  """The command sweep (`skillbench.evaluation.command_sweep`) of a walking policy on the native backend, with
  the evaluation settings and no goal switch during a rollout."""
  timing = policy_timing(loaded, timing)
  env = make(robot, skill, "mujoco", config=EnvConfig.evaluation(timing=timing, goal_period_s=2 * seconds))
  act = policies.act_fn(env, loaded, baseline)
  return command_sweep.sweep(env, lambda obs: act(obs, None), repeats, seconds, seed)


def write_weights(env, weights, seconds, folder, weights_fn) -> dict:
  """weights.npz (steps, rollouts, skills, joints) and one heatmap per rollout under `folder`."""
  import pathlib


  folder = pathlib.Path(folder)
  folder.mkdir(parents=True, exist_ok=True)
  skills = [s.name for s in getattr(weights_fn, "skills", ())] or [f"skill{i}" for i in range(weights.shape[2])]
  np.savez_compressed(folder / "weights.npz", weights=weights, skills=np.array(skills),
                      joints=np.array(env.embodiment.joint_names), dt=env.dt)
  pictures = []
  for i in range(weights.shape[1]):
    steps = max(1, int(round(seconds[i] / env.dt)))
    pictures.append(str(heatmap(weights[:steps, i], skills, env.embodiment.joint_names, env.dt,
                                folder / f"rollout{i:02d}.png", f"{env.embodiment.name} {env.skill.name}, rollout {i}")))
  return {"file": str(folder / "weights.npz"), "heatmaps": pictures, "skills": skills}


def evaluation_goal_period(robot: str, name: str):
  """The goal-switch period (s) the evaluation protocol sets for a skill or task (`Task.eval_goal_period_s`;
  FarReach: 5 s), else None."""
  return getattr(catalog.skill_or_task(name, robot), "eval_goal_period_s", None)


class _BlendWeights:
  """weights_fn of a loaded blender policy: obs -> (skills, joints); names its skills."""

  def __init__(self, loaded):
    self.loaded = loaded
    self.skills = loaded.actor_net.skills

  def __call__(self, obs):
    return self.loaded.blend({"state": obs["state"]})[2]


def fall_breakdown(result: dict, backend: str) -> str | None:
  """A primitive's goal error split into the rollouts that stay up and those that fall, with when
  the fallen ones fell; None when no rollout, or every rollout, falls (nothing to split)."""
  per = result["backends"][backend]["per_rollout"]
  unit = result["backends"][backend]["error_unit"]
  up = [r for r in per if not r["fell"]]
  down = [r for r in per if r["fell"]]
  if not up or not down or "goal_error" not in per[0]:
    return None
  mean = lambda rows, k: float(np.mean([r[k] for r in rows]))
  return (
    f"{result['embodiment']} {result['skill']} [{backend}] {len(up)} of {len(per)} rollouts stay up: goal error "
    f"{mean(up, 'goal_error'):.4f} (settled {mean(up, 'goal_error_settled'):.4f}) {unit}; {len(down)} fall "
    f"(after {mean(down, 'seconds'):.2f} s on average): goal error {mean(down, 'goal_error'):.4f} {unit}"
  )


def falls_of(fall_rate: float, num_rollouts: int) -> str:
  """"k of n": a count, because a rate rounded to two decimals hides one fall in 400 rollouts."""
  return f"{round(fall_rate * num_rollouts)} of {num_rollouts}"


def fall_count(result: dict, backend: str) -> str:
  record = result["backends"][backend]
  return f"falls {falls_of(record['aggregate']['fell']['mean'], record['num_rollouts'])}"


def summary_line(result: dict, backend: str) -> str:
  agg = result["backends"][backend]["aggregate"]
  unit = result["backends"][backend]["error_unit"]
  falls = fall_count(result, backend)
  if "error" in agg:
    return (
      f"{result['embodiment']} {result['skill']} [{backend}] {result['policy']}: Error "
      f"{agg['error']['mean']:.4f} +- {agg['error']['std']:.4f} {unit}, success rate {agg['success']['mean']:.2f}, "
      f"{falls}, Tilt {agg['tilt']['mean']:.3f} rad, h {agg['height']['mean']:.3f} m, "
      f"tau {agg['torque']['mean']:.1f} N m, P {agg['power']['mean']:.1f} W"
    )
  scale = result.get("settings", {}).get("goal_range_scale", 1.0)
  narrowed = f" (goals from {scale:g} x the benchmark's ranges)" if scale != 1.0 else ""
  stride = f", stride-averaged {agg['goal_error_stride']['mean']:.4f}" if "goal_error_stride" in agg else ""
  return (
    f"{result['embodiment']} {result['skill']} [{backend}] {result['policy']}: goal error "
    f"{agg['goal_error']['mean']:.4f} (settled {agg['goal_error_settled']['mean']:.4f}{stride}) {unit}, {falls}, "
    f"tilt {agg['tilt']['mean']:.3f} rad, torque {agg['torque']['mean']:.1f} N m, "
    f"power {agg['power']['mean']:.1f} W{gait_text(agg)}{narrowed}"
  )


def gait_text(aggregate: dict) -> str:
  """", a foot in the air in 92 % of steps, 3.1 touchdowns/s" (empty for records from before gait metrics)."""
  if "airborne" not in aggregate:
    return ""
  return (f", a foot in the air in {100 * aggregate['airborne']['mean']:.0f} % of steps, "
          f"{aggregate['touchdowns_per_s']['mean']:.1f} touchdowns/s")


def report_lines(result: dict, backend: str) -> list[str]:
  """What the scripts print for a backend's evaluation: its summary line and, for a primitive skill
  with some rollouts that fall and some that stay up, the error split between them."""
  breakdown = None if "error" in result["backends"][backend]["aggregate"] else fall_breakdown(result, backend)
  return [summary_line(result, backend)] + ([breakdown] if breakdown else [])
