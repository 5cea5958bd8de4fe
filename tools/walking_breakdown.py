"""Where a walking policy's velocity error comes from: the protocol's rollouts, their stride-averaged
error (pooled over strides) split by time since the last command switch, by turning and by commanded
speed, the floor an ideal walker with a bounded acceleration would score on the same commands, and
when and under which command each fall happened.

    python tools/walking_breakdown.py h1                       # the library's H1 walking, 100 rollouts
    python tools/walking_breakdown.py g1 --policy run/policy.safetensors --rollouts 20 --out x.json

Evaluation settings as the protocol sets them (native backend, seed 7 unless told). Errors in m/s, base
frame, horizontal; a stride is one gait period (walking's `stride_seconds`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SINCE_SWITCH_S = (0.0, 0.64, 1.28, 2.56, 4.0, 8.0)  # window edges, s after a command switch
SPEED_BINS = (0.0, 0.2, 0.5, 0.8, 1.2, 2.0)  # commanded horizontal speed (m/s)
TURNING = 0.5  # rad/s: a stride counts as turning when its mean |yaw-rate command| is above this
ACCELERATIONS = (1.0, 2.0, 4.0)  # m/s^2: the ideal walkers' acceleration limits (see `floor`)


def trace(robot: str, policy, rollouts: int, seed: int):
  """({command (steps, rollouts, 3), error (the error vector, (steps, rollouts, 2)), fell, counted}, env): the
  protocol's rollouts of a walking policy, step by step."""
  from skillbench.envs.env_config import EnvConfig
  from skillbench.envs.factory import make
  from skillbench.evaluation import protocol
  from skillbench.policy import acting as policies
  from skillbench.policy import library
  from skillbench.policy.saved import load

  loaded = load(policy or library.policy_path(robot, "walking"))
  env = make(robot, "walking", "mujoco", config=EnvConfig.evaluation(timing=protocol.policy_timing(loaded)))
  act = policies.act_fn(env, loaded)
  per = protocol.rollout_metrics(env, lambda obs: act(obs, None), rollouts, seed,
                                 extra_trace=lambda state, nxt: {"command": state.info["goal"]["command"]})
  t = per["trace"]
  return {"command": t["command"], "counted": t["counted"], "fell": t["fell"], "error": t["error_vector"]}, env


def ideal_walker(command, accel: float, dt: float):
  """The base velocity (steps, rollouts, 2) of an ideal walker that starts at rest and moves its velocity
  toward each step's command (v_x, v_y) at most `accel` m/s^2: what tracking costs with no other flaw."""
  import numpy as np

  v = np.zeros(command.shape[1:2] + (2,))
  out = np.empty(command.shape[:2] + (2,))
  for t in range(command.shape[0]):
    gap = command[t, :, :2] - v
    norm = np.linalg.norm(gap, axis=-1, keepdims=True)
    v = v + gap * np.minimum(1.0, accel * dt / np.maximum(norm, 1e-9))
    out[t] = v
  return out


def floor(out: dict, period: int, stride: int, dt: float) -> dict:
  """The stride-averaged error an ideal walker with each acceleration limit would score on the same
  commands and windows (the protocol's `stride_error`, over the policy's counted steps)."""
  import numpy as np

  from skillbench.evaluation.protocol import stride_error

  result = {}
  for accel in ACCELERATIONS:
    error = out["command"][..., :2] - ideal_walker(out["command"], accel, dt)
    per = stride_error(error, out["counted"], period, stride, np.zeros(error.shape[1]))
    result[f"{accel:g} m/s^2"] = float(per.mean())
  return result


def breakdown(out: dict, period: int, stride: int, dt: float) -> dict:
  """Stride-averaged error by window; falls with their time and command. Windows tile each goal period
  from its start, as the protocol's stride error does, and count only when the rollout was up throughout."""
  import numpy as np

  steps, rollouts = out["counted"].shape
  rows = []
  for start in range(0, steps, period):
    for a in range(start, min(start + period, steps) - stride + 1, stride):
      w = slice(a, a + stride)
      up = out["counted"][w].all(0)
      err = np.linalg.norm(out["error"][w].mean(0), axis=-1)
      cmd = out["command"][w].mean(0)
      for r in np.flatnonzero(up):
        rows.append(((a - start) * dt, float(np.linalg.norm(cmd[r, :2])), float(abs(cmd[r, 2])), float(err[r])))
  rows = np.array(rows)

  def summary(mask) -> dict:
    return {"strides": int(mask.sum()), "stride_error": float(rows[mask, 3].mean()) if mask.any() else None}

  by_time = {f"{lo:g}-{hi:g} s": summary((rows[:, 0] >= lo) & (rows[:, 0] < hi))
             for lo, hi in itertools.pairwise(SINCE_SWITCH_S)}
  by_speed = {f"{lo:g}-{hi:g} m/s": summary((rows[:, 1] >= lo) & (rows[:, 1] < hi))
              for lo, hi in itertools.pairwise(SPEED_BINS)}
  turning = {"turning": summary(rows[:, 2] > TURNING), "straight": summary(rows[:, 2] <= TURNING)}
  steady = summary((rows[:, 2] <= TURNING) & (rows[:, 0] >= SINCE_SWITCH_S[3]))
  falls = []
  for r in range(rollouts):
    hit = np.flatnonzero(out["fell"][:, r] & out["counted"][:, r])
    if hit.size:
      t = int(hit[0])
      cmd = out["command"][t, r]
      falls.append({"rollout": r, "at_s": round(t * dt, 2), "since_switch_s": round((t % period) * dt, 2),
                    "command": [round(float(c), 2) for c in cmd]})
  return {"all": summary(np.ones(len(rows), bool)), "ideal_walker_floor": floor(out, period, stride, dt), "since_switch": by_time, "commanded_speed": by_speed,
          "yaw_rate": turning,
          f"steady (straight, {SINCE_SWITCH_S[3]:g} s or more after a switch)": steady, "falls": falls, "rollouts": rollouts}


def main(argv=None) -> None:
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("robot")
  parser.add_argument("--policy", default=None, help="a walking policy file (default: the library's)")
  parser.add_argument("--rollouts", type=int, default=100)
  parser.add_argument("--seed", type=int, default=7)
  parser.add_argument("--out", type=pathlib.Path, default=None, help="write the breakdown as JSON here")
  args = parser.parse_args(argv)
  out, env = trace(args.robot, args.policy, args.rollouts, args.seed)
  stride = max(1, int(round(env.skill.stride_seconds / env.dt)))
  import skillbench
  from skillbench import provenance
  from skillbench.policy import library
  from skillbench.policy.checkpoint import file_sha256

  policy = args.policy or library.policy_path(args.robot, "walking")
  result = {"robot": args.robot, "policy": args.policy or "library", "policy_sha256": file_sha256(policy),
            "seed": args.seed, "skillbench": skillbench.__version__, "git": provenance.git_commit(),
            "hardware": provenance.hardware(),
            **breakdown(out, env.resample_steps, stride, env.dt)}
  text = json.dumps(result, indent=1)
  if args.out:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
  print(text)


if __name__ == "__main__":
  main()
