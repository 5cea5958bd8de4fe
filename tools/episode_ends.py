"""Why a task policy's protocol rollouts end early, and where they leave the task's objects: for each
rollout that ends before its episode does, when, which contact groups carried more than the termination
force then, the pelvis height, and the time since the last goal switch; for every rollout, its objects'
last state (a hinge's angle in rad, a free body's position in m, world frame), e.g. which of
CabinetClose's doors stayed open or where BoxPush's box came to rest, and where the robot's pelvis was
then (x y z, m, world frame: did it walk to the object?).

    python tools/episode_ends.py /work/runs/campaigns/g1/runs/g1-far_reach-blender-seed0
    python tools/episode_ends.py <run> --rollouts 20 --seed 0 --out results/probes/x.json
    python tools/episode_ends.py leaderboard/submissions/<entry>/policy.safetensors

The protocol's settings (native backend, seed 0 and 20 rollouts unless told), so the rollouts are the
leaderboard's. An ended rollout whose pelvis is near the floor fell; one still at standing height
was ended by a forbidden contact while up (a definition to check). Heights in m (world z of the
pelvis), times in s, forces in N (the largest contact force on any collider of the group).
"""

from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import probe_record  # tools/, beside this file


def with_contact_trace(env):
  """`env` with every contact group's force and the pelvis height added to its step metrics
  (`contact/<group>`, `pelvis_z`), so the protocol's trace can read them."""
  groups = sorted(env.layout.group_contact)
  metrics = env._metrics

  def traced(robot, *args, **kwargs):
    out = metrics(robot, *args, **kwargs)
    out.update({f"contact/{g}": robot.group_force[g] for g in groups})
    out["pelvis_z"] = robot.base_pos[2]
    return out

  env._metrics = traced
  env.metric_names = (*env.metric_names, *(f"contact/{g}" for g in groups), "pelvis_z")
  return env, groups


def episode_ends(policy: pathlib.Path, rollouts: int, seed: int) -> dict:
  """The record of a task policy file under the protocol's settings: `ends` of its rollouts."""
  from skillbench.policy import acting as policies

  loaded, env = probe_record.protocol_env(policy)
  robot, task = loaded.embodiment, loaded.skill
  act = policies.act_fn(env, loaded)
  return {"robot": robot, "task": task, "forbidden": list(env.skill.forbidden_groups),
          "goal_period_s": env.resample_steps * env.dt, "rollouts": ends(env, lambda obs: act(obs, None), rollouts, seed)}


def ends(env, act, rollouts: int, seed: int, seconds: float | None = None) -> list[dict]:
  """Per rollout of `act(obs) -> action` on `env` (the protocol's rollouts): {"rollout", "ended_s" (None:
  it ran its episode)} and, for one that ended early, "pelvis_z", "contacts" ({group: N} above the
  termination force) and "since_switch_s"."""
  import numpy as np

  from skillbench.envs.env_config import CONTACT_TERMINATION_FORCE
  from skillbench.evaluation import protocol

  env, groups = with_contact_trace(env)
  joints = object_joints(env)
  per = protocol.rollout_metrics(env, act, rollouts, seed, seconds, extra_trace=lambda state, nxt: {
    **{g: nxt.metrics[f"contact/{g}"] for g in groups}, "pelvis_z": nxt.metrics["pelvis_z"],
    # before the step: a rollout's last step starts the next episode (its state after it is a reset)
    **{f"object/{name}": state.pipeline_state.qpos[index] for name, index in joints.items()},
    "root": state.pipeline_state.qpos[:3]})
  trace, period = per["trace"], env.resample_steps * env.dt
  rows = []
  for r in range(rollouts):
    last = int(np.flatnonzero(trace["counted"][:, r])[-1])
    objects = {name: [round(float(v), 3) for v in np.atleast_1d(trace[f"object/{name}"][last, r])] for name in joints}
    root = [round(float(v), 3) for v in trace["root"][last, r]]
    ended = np.flatnonzero(trace["fell"][:, r] & trace["counted"][:, r])
    if not ended.size:
      rows.append({"rollout": r, "ended_s": None, "objects": objects, "root": root})
      continue
    t = int(ended[0])
    seconds_in = (t + 1) * env.dt  # the trace's step t is control step t + 1
    rows.append({"rollout": r, "ended_s": round(seconds_in, 3), "pelvis_z": round(float(trace["pelvis_z"][t, r]), 3),
                 "contacts": {g: round(float(trace[g][t, r]), 1) for g in groups
                              if trace[g][t, r] > CONTACT_TERMINATION_FORCE},
                 "since_switch_s": round(seconds_in % period, 3), "objects": objects, "root": root})
  return rows


def object_joints(env) -> dict:
  """The task's object joints: name (without the object prefix) -> qpos indices (a hinge's angle; a free
  joint's position, its first three)."""
  from skillbench.robot.layout import OBJECT_PREFIX

  return {name.removeprefix(OBJECT_PREFIX): index[:3] if len(index) == 7 else index
          for name, index in sorted(env.layout.object_qpos.items())}


def report(doc: dict) -> str:
  ended = [r for r in doc["rollouts"] if r["ended_s"] is not None]
  head = (f"{doc['robot']} {doc['task']}: {len(ended)} of {len(doc['rollouts'])} rollouts end early "
          f"(forbidden: {', '.join(doc['forbidden'])}; goals switch every {doc['goal_period_s']:g} s)")
  lines = [head]
  for r in ended:
    contacts = ", ".join(f"{g} {f:.0f} N" for g, f in r["contacts"].items())
    lines.append(f"  rollout {r['rollout']:2d}: ended at {r['ended_s']:5.2f} s ({r['since_switch_s']:.2f} s after a "
                 f"switch), pelvis at {r['pelvis_z']:.2f} m; contacts: {contacts}")
  if doc["rollouts"]:
    lines.append("at each rollout's last step, the pelvis and the objects (hinge: rad; free body: x y z, m):")
    for r in doc["rollouts"]:
      places = {"pelvis": r["root"], **r["objects"]} if "root" in r else r["objects"]  # older records: objects only
      state = "; ".join(f"{name} {' '.join(f'{v:.2f}' for v in values)}" for name, values in places.items())
      lines.append(f"  rollout {r['rollout']:2d}: {state}")
  return "\n".join(lines)


def main(argv=None) -> None:
  probe_record.main(__doc__, episode_ends, report, argv)


if __name__ == "__main__":
  main()
