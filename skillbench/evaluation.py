"""Deterministic evaluation of a policy: N rollouts from fixed seeds, one metric set per rollout.

Each rollout runs one episode (up to `seconds`, by default the skill's episode length) with the
evaluation settings (`EnvConfig.evaluation()`: no observation noise, friction randomisation or
pushes; action delay and pelvis-mass randomisation stay on). Everything is reproducible from the
seed. Per rollout:

  goal_error          the skill's error (its unit) averaged over the episode's steps;
  goal_error_settled  the same over the second half of every goal period (after the transient);
  fell                1 if the episode ended on a forbidden contact or diverged physics;
  tilt (rad), height (m), torque (N m), power (W): the feasibility metrics, averaged over steps;
  seconds             how long the episode lasted.

Aggregates: mean, std and a 95 % bootstrap interval of the mean over rollouts.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

ROLLOUT_METRICS = ("goal_error", "goal_error_settled", "fell", "tilt", "height", "torque", "power", "seconds")
BOOTSTRAP_SAMPLES = 2000


def rollout_metrics(env, act, num_rollouts: int, seed: int, seconds: float | None = None) -> dict:
  """Per-rollout metrics (numpy arrays of length num_rollouts). `act(obs) -> action` per env."""
  steps = env.timing.steps(seconds or env.skill.episode_seconds)
  period = env.resample_steps
  reset = jax.vmap(env.reset)
  step = jax.vmap(env.step)
  act_batch = jax.vmap(act)

  def body(carry, t):
    state, alive = carry
    nxt = step(state, act_batch(state.obs))
    counted = alive
    settled = ((t - 1) % period) >= period // 2
    out = {
      "counted": counted, "settled": counted & settled, "done": nxt.done > 0,
      "fell": (nxt.done > 0) & (nxt.info["truncation"] == 0),
      **{k: nxt.metrics[k] for k in ("goal_error", "tilt", "height", "torque", "power")},
    }
    return (nxt, alive & ~(nxt.done > 0)), out

  @jax.jit
  def run(keys):
    state = reset(keys)
    alive = jnp.ones(num_rollouts, bool)
    _, trace = jax.lax.scan(body, (state, alive), jnp.arange(1, steps + 1))
    return trace

  trace = jax.tree.map(np.asarray, run(jax.random.split(jax.random.PRNGKey(seed), num_rollouts)))
  counted, settled = trace["counted"], trace["settled"]
  mean_over = lambda x, m: np.sum(x * m, 0) / np.maximum(np.sum(m, 0), 1)
  result = {k: mean_over(trace[k], counted) for k in ("goal_error", "tilt", "height", "torque", "power")}
  result["goal_error_settled"] = np.where(
    settled.any(0), mean_over(trace["goal_error"], settled), result["goal_error"]
  )
  result["fell"] = np.any(trace["fell"] & counted, axis=0).astype(float)
  result["seconds"] = np.sum(counted, 0) * env.dt
  return result


def aggregate(values: np.ndarray, seed: int = 0) -> dict:
  """Mean, std and a 95 % bootstrap confidence interval of the mean."""
  values = np.asarray(values, float)
  rng = np.random.default_rng(seed)
  means = rng.choice(values, size=(BOOTSTRAP_SAMPLES, values.size), replace=True).mean(axis=1)
  low, high = np.percentile(means, [2.5, 97.5])
  return {"mean": float(values.mean()), "std": float(values.std()), "ci95": [float(low), float(high)]}


def evaluate(env, act, num_rollouts: int = 20, seed: int = 0, seconds: float | None = None) -> dict:
  """Per-rollout metrics and their aggregates (see the module docstring)."""
  per = rollout_metrics(env, act, num_rollouts, seed, seconds)
  return {
    "num_rollouts": num_rollouts,
    "seed": seed,
    "seconds": seconds or env.skill.episode_seconds,
    "error_unit": env.skill.error_unit,
    "per_rollout": [{k: float(per[k][i]) for k in ROLLOUT_METRICS} for i in range(num_rollouts)],
    "aggregate": {k: aggregate(per[k], seed) for k in ROLLOUT_METRICS},
  }


def evaluate_policy(robot: str, skill: str, loaded=None, baseline: str = "zero", backends=("mujoco",),
                    impl: str = "jax", timing: str | None = None, num_rollouts: int = 20, seed: int = 0,
                    seconds: float | None = None, what: str | None = None) -> dict:
  """The evaluation record of a loaded policy (or a baseline) on one or more backends."""
  from skillbench import policies
  from skillbench.env_config import EnvConfig
  from skillbench.factory import make
  from skillbench.training.checkpoint import file_sha256

  timing = timing or (loaded.observation.get("timing") if loaded is not None else None) or "default"
  settings = EnvConfig.evaluation(timing=timing)
  result = {
    "embodiment": robot, "skill": skill, "policy": what or (str(loaded.checkpoint.path) if loaded else baseline),
    "timing": timing, "settings": dict(settings.__dict__), "backends": {},
  }
  if loaded is not None:
    result["policy_sha256"] = file_sha256(loaded.checkpoint.path)
  for backend in backends:
    env = make(robot, skill, backend, config=settings, **({"impl": impl} if backend == "mjx" else {}))
    act = policies.act_fn(env, loaded, baseline)
    result["backends"][backend] = evaluate(env, lambda obs: act(obs, None), num_rollouts, seed, seconds)
  return result


def summary_line(result: dict, backend: str) -> str:
  agg = result["backends"][backend]["aggregate"]
  unit = result["backends"][backend]["error_unit"]
  return (
    f"{result['embodiment']} {result['skill']} [{backend}] {result['policy']}: goal error "
    f"{agg['goal_error']['mean']:.4f} (settled {agg['goal_error_settled']['mean']:.4f}) {unit}, fall rate "
    f"{agg['fell']['mean']:.2f}, tilt {agg['tilt']['mean']:.3f} rad, torque {agg['torque']['mean']:.1f} N m, "
    f"power {agg['power']['mean']:.1f} W"
  )
