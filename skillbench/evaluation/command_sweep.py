"""Command sweep of a velocity-command skill (walking): achieved against commanded velocity.

Each point of the skill's command grid (`Skill.command_grid`: v_x, v_y and w_z swept one at a
time, the others zero) is held for `seconds` in `repeats` rollouts from different start poses,
with the evaluation settings. The skill's `hold_command` keeps the command fixed every step (in
heading mode it points the heading ahead of the robot so the yaw-rate command is the one held).
Achieved: the base velocity (m/s, base frame) and yaw rate (rad/s) averaged over the second half
of each rollout (after the transient), then over the rollouts that did not fall.
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np

from skillbench import mathx

AXES = ("v_x", "v_y", "w_z")
UNITS = ("m/s", "m/s", "rad/s")
TOLERANCE = 0.15  # a commanded speed is reached when achieved is within 15 % of it


def _base_quat(state, layout):
  q = state.pipeline_state.qpos[layout.root_qpos][3:]
  return q / jnp.linalg.norm(q)


def _base_velocity(state, layout):
  """(v_x, v_y, w_z) of the base: linear in the base frame (m/s), yaw rate (rad/s)."""
  v = state.pipeline_state.qvel[layout.root_qvel]
  lin = mathx.quat_rotate_inverse(_base_quat(state, layout), v[:3])
  return jnp.stack([lin[0], lin[1], v[5]])


def _yaw(state, layout):
  return mathx.euler_xyz(_base_quat(state, layout))[2]


def sweep(env, act, repeats: int = 4, seconds: float = 6.0, seed: int = 0) -> dict:
  """Achieved against commanded velocity on the skill's grid (see the module docstring).

  env: a single environment of a skill with `command_grid` and `hold_command` (walking), built
  with a goal period longer than `seconds`; act(obs) -> action.
  """
  skill, params, layout = env.skill, env.skill.params, env.layout
  if skill.command_grid is None:
    raise ValueError(f"skill {skill.name} has no velocity command to sweep (walking has)")
  commands = np.asarray(skill.command_grid(params), np.float32)  # (points, 3)
  batch = np.repeat(commands, repeats, axis=0)
  steps = env.timing.steps(seconds)
  reset, step, act_batch = jax.vmap(env.reset), jax.vmap(env.step), jax.vmap(act)
  hold = jax.vmap(lambda goal, command, yaw: skill.hold_command(goal, command, yaw, params))
  yaw, velocity = jax.vmap(lambda s: _yaw(s, layout)), jax.vmap(lambda s: _base_velocity(s, layout))

  def held(state, command):
    return state.replace(info={**state.info, "goal": hold(state.info["goal"], command, yaw(state))})

  def body(carry, t):
    state, alive = carry
    state = held(state, batch)
    nxt = step(state, act_batch(state.obs))
    alive = alive & ~(nxt.done > 0)
    return (nxt, alive), (velocity(nxt), alive & (t >= steps // 2), nxt.metrics["fell"] > 0)

  @jax.jit
  def run(keys):
    state = held(reset(keys), batch)
    _, trace = jax.lax.scan(body, (state, jnp.ones(batch.shape[0], bool)), jnp.arange(steps))
    return trace

  vel, counted, fell = map(np.asarray, run(jax.random.split(jax.random.PRNGKey(seed), batch.shape[0])))
  fell = np.any(fell, 0)
  achieved = np.sum(vel * counted[..., None], 0) / np.maximum(np.sum(counted, 0), 1)[:, None]
  rows = []
  for i, command in enumerate(commands):
    mine = slice(i * repeats, (i + 1) * repeats)
    up = ~fell[mine]
    mean = achieved[mine][up].mean(0) if up.any() else np.full(3, np.nan)
    axis = int(np.argmax(np.abs(command))) if np.any(command) else None
    rows.append({
      "command": [float(c) for c in command],
      "achieved": [float(a) for a in mean],
      "falls": int((~up).sum()),
      "rollouts": repeats,
      "axis": AXES[axis] if axis is not None else "stand",
      "reached": bool(axis is not None and abs(mean[axis] - command[axis]) <= TOLERANCE * abs(command[axis])),
    })
  moving = [r for r in rows if r["axis"] != "stand"]
  return {
    "seconds": seconds, "repeats": repeats, "seed": seed, "tolerance": TOLERANCE,
    "rows": rows, "reached": f"{sum(r['reached'] for r in moving)} of {len(moving)}",
  }


def table(result: dict) -> str:
  """A markdown table: one row per commanded velocity."""
  lines = ["| swept | commanded (v_x, v_y, w_z) | achieved (v_x, v_y, w_z) | ratio | falls | within 15 % |",
           "|---|---|---|---:|---|---|"]
  for r in result["rows"]:
    if r["axis"] == "stand":
      ratio = "-"
    else:
      i = AXES.index(r["axis"])
      ratio = f"{r['achieved'][i] / r['command'][i]:.2f}"
    fmt = lambda v: "(" + ", ".join(f"{x:+.2f}" for x in v) + ")"
    lines.append(f"| {r['axis']} | {fmt(r['command'])} | {fmt(r['achieved'])} | {ratio} | "
                 f"{r['falls']} of {r['rollouts']} | {'yes' if r['reached'] else '-' if r['axis'] == 'stand' else 'no'} |")
  return "\n".join(lines)


def plot(result: dict, path, title: str) -> pathlib.Path:
  """Achieved against commanded, one panel per swept axis, with the 15 % band (PNG)."""
  import matplotlib

  matplotlib.use("Agg")
  import matplotlib.pyplot as plt

  fig, axes = plt.subplots(1, 3, figsize=(12, 4))
  for i, (ax, name, unit) in enumerate(zip(axes, AXES, UNITS, strict=True)):
    rows = [r for r in result["rows"] if r["axis"] in (name, "stand")]
    commanded = np.array([r["command"][i] for r in rows])
    achieved = np.array([r["achieved"][i] for r in rows])
    order = np.argsort(commanded)
    line = np.linspace(commanded.min(), commanded.max(), 2) if len(rows) else np.zeros(2)
    ax.fill_between(line, line * (1 - TOLERANCE), line * (1 + TOLERANCE), color="0.85", label="within 15 %")
    ax.plot(line, line, "k--", lw=1, label="commanded")
    ax.plot(commanded[order], achieved[order], "o-", label="achieved")
    ax.set_xlabel(f"commanded {name} ({unit})")
    ax.set_ylabel(f"achieved {name} ({unit})")
    ax.grid(alpha=0.3)
  axes[0].legend(loc="upper left")
  fig.suptitle(title)
  fig.tight_layout()
  path = pathlib.Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  fig.savefig(path, dpi=100)
  plt.close(fig)
  return path
