"""How a SkillBlender policy drives its skills: every skill's sub-goal at its bound and blend weights,
and the walking skill's commands set against what that skill trained on.

    python tools/subgoal_trace.py /work/runs/campaigns/g1/runs/g1-far_reach-blender-seed0
    python tools/subgoal_trace.py leaderboard/submissions/<entry>/policy.safetensors
    python tools/subgoal_trace.py <run> --rollouts 20 --seed 0 --out results/probes/x.json

The protocol's rollouts (native backend, seed 0 and 20 rollouts unless told, so the leaderboard's)
with, every control step and for every blended skill, the share of its sub-goal's entries at their
bound (within 1 % of the blender's clamp; a clipped sub-goal there gets no gradient) and its mean
blend weight on the leg and on the other joints (`skills` in the record, over every step before a
rollout ends); and, when walking is blended, the walking sub-goal decoded to its command (v_x, v_y in m/s, w_z in rad/s,
base frame) and walking's mean blend weight over the leg joints. The walking skill trained on
commands held for its goal period (8 s) with |(v_x, v_y)| either 0 or at least its slowest speed
(0.2 m/s); the record says how far the blender's commands stray from that, over all upright steps
and over the last second before each fall:

  slew          |change of (v_x, v_y)| per second between control steps (m/s^2): 0 in the skill's
                training except at a goal switch;
  below_slowest share of steps commanding 0 < |(v_x, v_y)| < the slowest trained speed;
  speed         |(v_x, v_y)| (m/s);
  walking_legs  walking's weight on the leg joints (softmax weights: 1 = walking alone);
  at_bound      per command component (v_x, v_y, w_z), the share of steps whose sub-goal sits at its
                bound (within 1 % of the blender's clamp): a clipped sub-goal there gets no gradient.

Each statistic is given as its median and 95th percentile over the steps it covers.
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import probe_record  # tools/, beside this file

WALKING = "walking"
BEFORE_FALL_S = 1.0


def blend_trace(env, blender, rollouts: int, seed: int, seconds: float | None = None) -> dict:
  """Per control step of the protocol's rollouts of `blender` (a LoadedPolicy fitted to `env`), arrays
  (steps, rollouts, ...): "skill_at_bound", "skill_legs", "skill_upper" (one column per skill), "counted",
  "fell"; with walking blended also "command" (3), "at_bound" (3) and "walking_legs"."""
  import jax.numpy as jnp

  from blender_policy.network import at_bound
  from primitives import walking
  from skillbench.evaluation import protocol

  skills = blender.actor_net.skills
  names = [s.name for s in skills]
  k = names.index(WALKING) if WALKING in names else None
  legs = np.array(env.embodiment.joint_indices(legs=True))
  upper = np.array(env.embodiment.joint_indices(legs=False))
  scale = jnp.asarray(walking.COMMAND_OBS_SCALE)

  def extra(state, nxt):
    _, goals, weights = blender.blend(state.obs)
    out = {"skill_at_bound": jnp.stack([jnp.mean(at_bound(g, s.clamp)) for g, s in zip(goals, skills)]),
           "skill_legs": jnp.mean(weights[:, legs], -1), "skill_upper": jnp.mean(weights[:, upper], -1)}
    if k is not None:
      out.update(command=goals[k] / scale, at_bound=at_bound(goals[k], skills[k].clamp),
                 walking_legs=jnp.mean(weights[k, legs]))
    return out

  per = protocol.rollout_metrics(env, lambda obs: blender.mean_action(obs), rollouts, seed, seconds,
                                 extra_trace=extra)
  return per["trace"]


def stats(values: np.ndarray) -> dict:
  if values.size == 0:
    return {"steps": 0}
  return {"steps": int(values.size), "median": round(float(np.median(values)), 3),
          "p95": round(float(np.percentile(values, 95)), 3)}


def summarise_skills(trace: dict, names) -> dict:
  """Per skill over the steps before each rollout ends: {"at_bound", "legs_weight", "upper_weight"} (means)."""
  counted = trace["counted"]
  return {name: {key: round(float(trace[column][..., i][counted].mean()), 3)
                 for key, column in (("at_bound", "skill_at_bound"), ("legs_weight", "skill_legs"),
                                     ("upper_weight", "skill_upper"))}
          for i, name in enumerate(names)}


def summarise(trace: dict, dt: float, period_s: float, slowest: float) -> dict:
  """The walking statistics (see the module's docstring) from `blend_trace`'s arrays."""
  command, counted, fell = trace["command"], trace["counted"], trace["fell"] & trace["counted"]
  speed = np.linalg.norm(command[..., :2], axis=-1)
  slew = np.zeros_like(speed)
  slew[1:] = np.linalg.norm(np.diff(command[..., :2], axis=0), axis=-1) / dt
  steady = counted.copy()
  steady[0] = False  # no slew before the first step
  window = max(1, int(round(BEFORE_FALL_S / dt)))
  before_fall = np.zeros_like(counted)
  falls = []
  for r in range(counted.shape[1]):
    ended = np.flatnonzero(fell[:, r])
    if ended.size:
      t = int(ended[0])
      before_fall[max(0, t - window + 1):t + 1, r] = True
      falls.append({"rollout": r, "fell_s": round((t + 1) * dt, 3), "since_switch_s": round(((t + 1) * dt) % period_s, 3),
                    "command_at_fall": [round(float(v), 3) for v in command[t, r]],
                    "slew_p95_last_s": stats(slew[before_fall[:, r] & steady[:, r]]).get("p95")})
  upright = steady & ~before_fall

  def block(mask):
    low = (speed > 1e-3) & (speed < slowest)
    return {"slew": stats(slew[mask]), "speed": stats(speed[mask]), "walking_legs": stats(trace["walking_legs"][mask]),
            "below_slowest": round(float(low[mask].mean()), 3) if mask.any() else None,
            "at_bound": [round(float(v), 3) for v in trace["at_bound"][mask].mean(0)] if mask.any() else None}

  return {"dt": dt, "slowest_trained_speed": slowest, "upright": block(upright), "last_second_before_a_fall": block(before_fall & steady), "falls": falls}


def subgoal_record(path: pathlib.Path, rollouts: int, seed: int) -> dict:
  """The record of a blender policy file (see the module's docstring) under the protocol's settings."""
  from primitives import walking

  loaded, env = probe_record.protocol_env(path, blender=True)
  robot, task = loaded.embodiment, loaded.skill
  blender = loaded.for_env(env)
  trace = blend_trace(env, blender, rollouts, seed)
  names = [s.name for s in blender.actor_net.skills]
  doc = {"robot": robot, "task": task, "rollouts": rollouts, "goal_period_s": env.resample_steps * env.dt,
         "falls": int((trace["fell"] & trace["counted"]).any(0).sum()), "skills": summarise_skills(trace, names)}
  if "command" in trace:
    doc["walking"] = summarise(trace, env.dt, env.resample_steps * env.dt, walking.MIN_COMMAND_SPEED)
  return doc


def report(doc: dict) -> str:
  lines = [(f"{doc['robot']} {doc['task']}: {doc['rollouts']} protocol rollouts, {doc['falls']} falling "
            f"(goals switch every {doc['goal_period_s']:g} s)")]
  for name, v in doc["skills"].items():
    lines.append(f"  {name}: sub-goal entries at their bound {100 * v['at_bound']:.0f} %; blend weight on the legs "
                 f"{v['legs_weight']:.2f}, on the other joints {v['upper_weight']:.2f}")
  if "walking" in doc:
    lines.append(walking_report(doc["walking"]))
  return "\n".join(lines)


def walking_report(doc: dict) -> str:
  def line(name, block):
    s, v, w = block["slew"], block["speed"], block["walking_legs"]
    if not s["steps"]:
      return f"  {name}: no steps"
    return (f"  {name} ({s['steps']} steps): slew median {s['median']:.2f}, p95 {s['p95']:.2f} m/s^2; "
            f"speed median {v['median']:.2f}, p95 {v['p95']:.2f} m/s; below {doc['slowest_trained_speed']:g} m/s "
            f"(not zero) {100 * block['below_slowest']:.0f} %; walking's leg weight median {w['median']:.2f}; "
            f"at the bound (v_x, v_y, w_z) {', '.join(f'{100 * b:.0f} %' for b in block['at_bound'])}")
  lines = ["walking's command (the skill trained on commands held 8 s):", line("upright", doc["upright"]),
           line(f"last {BEFORE_FALL_S:g} s before a fall", doc["last_second_before_a_fall"])]
  for f in doc["falls"]:
    vx, vy, wz = f["command_at_fall"]
    lines.append(f"  rollout {f['rollout']:2d} fell at {f['fell_s']:5.2f} s ({f['since_switch_s']:.2f} s after a switch): "
                 f"command ({vx:+.2f}, {vy:+.2f}, {wz:+.2f}), slew p95 in its last second {f['slew_p95_last_s']}")
  return "\n".join(lines)


def main(argv=None) -> None:
  probe_record.main(__doc__, subgoal_record, report, argv)


if __name__ == "__main__":
  main()
