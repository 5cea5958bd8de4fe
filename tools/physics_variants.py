"""Measure what two physics choices do to the pretrained library (issue: SkillBench 0.3.0 items 11-12).

  python tools/physics_variants.py                       # every library entry, three variants
  python tools/physics_variants.py robots=[g1] skills=[walking] variants=[base,self_collision]

Variants of the robot model, each evaluated with the protocol (20 rollouts, native backend):
  base                 the benchmark's model (upstream joint damping and armature kept, no self-collision);
  no_joint_dynamics    the upstream joints' damping, armature and friction loss set to zero, as the
                       original's URDF assets have none;
  self_collision       robot colliders also collide with each other, as the original enables
                       (`asset.self_collisions = 0`); MuJoCo filters parent-child pairs, and pairs that
                       already touch in the default pose are excluded (the colliders are coarse
                       capsules that overlap at some joints).
Prints one line per entry and variant (goal error, falls) and writes the records as JSON (`out=`).

  python tools/physics_variants.py speed robots=[h1,g1] variants=[base,self_collision]

times each variant's environment as training runs it (`skillbench.results.throughput.measure_env`: walking,
random actions; native 256 environments, MJX 32), alternating base and variant `repeats` times,
and prints each variant's env steps/s as a ratio to the base's.
"""

from __future__ import annotations

import json
import sys
import time

import mujoco
import numpy as np

from skillbench import runtime
from skillbench.evaluation import protocol as evaluation
from skillbench.policy import acting as policies
from skillbench.robot import model as robot_model
from skillbench.sim import scene

VARIANTS = ("base", "no_joint_dynamics", "self_collision")
_robot_spec = robot_model.robot_spec


def _touching_pairs(spec, embodiment) -> set[tuple[str, str]]:
  """Body pairs whose robot colliders touch in the default pose."""
  model = spec.copy().compile()
  data = mujoco.MjData(model)
  free = model.jnt_qposadr[0]
  data.qpos[free:free + 3] = [0.0, 0.0, embodiment.init_height]
  data.qpos[free + 3:free + 7] = [1.0, 0.0, 0.0, 0.0]
  for name, angle in zip(embodiment.joint_names, embodiment.default_pose, strict=True):
    data.qpos[model.jnt_qposadr[model.joint(name).id]] = angle
  mujoco.mj_forward(model, data)
  pairs = set()
  for c in data.contact[:data.ncon]:
    b1, b2 = model.geom_bodyid[c.geom1], model.geom_bodyid[c.geom2]
    if b1 and b2:
      pairs.add(tuple(sorted((model.body(b1).name, model.body(b2).name))))
  return pairs


def variant_spec(variant: str):
  def build(embodiment, *args, **kwargs):
    spec = _robot_spec(embodiment, *args, **kwargs)
    if variant == "no_joint_dynamics":
      for joint in spec.joints:
        if joint.type != mujoco.mjtJoint.mjJNT_FREE:
          joint.damping = np.zeros_like(joint.damping) if np.ndim(joint.damping) else 0.0
          joint.armature, joint.frictionloss = 0.0, 0.0
    elif variant == "self_collision":
      for geom in spec.geoms:
        if geom.contype == robot_model.ROBOT_CONTYPE:
          geom.conaffinity = robot_model.ROBOT_CONAFFINITY | robot_model.ROBOT_CONTYPE
      for b1, b2 in sorted(_touching_pairs(spec, embodiment)):
        spec.add_exclude(bodyname1=b1, bodyname2=b2)
    return spec
  return build


def measure(robot: str, skill: str, variant: str, num_rollouts: int) -> dict:
  robot_model.robot_spec = variant_spec(variant)
  scene.load_scene.cache_clear()
  try:
    _, loaded, _, _ = policies.resolve(None, "pretrained", None, robot, skill)
    start = time.perf_counter()
    record = evaluation.evaluate_policy(robot, skill, loaded, num_rollouts=num_rollouts, what=f"library ({variant})")
    seconds = time.perf_counter() - start
  finally:
    robot_model.robot_spec = _robot_spec
    scene.load_scene.cache_clear()
  agg = record["backends"]["mujoco"]["aggregate"]
  steps = num_rollouts * np.mean([r["seconds"] for r in record["backends"]["mujoco"]["per_rollout"]]) / 0.02
  return {
    "robot": robot, "skill": skill, "variant": variant, "goal_error": agg["goal_error"]["mean"],
    "goal_error_stride": agg.get("goal_error_stride", {}).get("mean"),
    "falls": evaluation.falls_of(agg["fell"]["mean"], num_rollouts), "seconds_incl_compile": seconds,
    "env_steps": float(steps),
  }


def speed(robots, variants, backends, repeats: int, seconds: float) -> None:
  from skillbench.results import throughput as benchmark

  for robot in robots:
    for backend in backends:
      batch = 256 if backend == "mujoco" else 32
      rates = {v: [] for v in variants}
      for _ in range(repeats):
        for variant in variants:
          robot_model.robot_spec = variant_spec(variant)
          scene.load_scene.cache_clear()
          try:
            row, _, _ = benchmark.measure_env(robot, "walking", backend, batch, seconds)
          finally:
            robot_model.robot_spec = _robot_spec
            scene.load_scene.cache_clear()
          rates[variant].append(row["env_steps_per_s"])
      base = np.median(rates[variants[0]])
      for variant in variants:
        rate = np.median(rates[variant])
        print(f"{robot} [{backend}, {batch} envs] {variant}: {rate:.0f} env steps/s (median of {repeats}), "
              f"ratio to {variants[0]} {rate / base:.2f}", flush=True)


def main(argv):
  speed_mode = argv[:1] == ["speed"]
  args = dict(a.split("=", 1) for a in argv[speed_mode:])
  listed = lambda k, d: args[k].strip("[]").split(",") if k in args else list(d)
  runtime.configure_jax()
  if speed_mode:
    speed(listed("robots", ("h1", "g1")), listed("variants", ("base", "self_collision")),
          listed("backends", ("mujoco", "mjx")), int(args.get("repeats", 3)), float(args.get("seconds", 4.0)))
    return
  rows = []
  for robot in listed("robots", ("h1", "g1")):
    for skill in listed("skills", ("reaching", "squatting", "stepping", "walking")):
      for variant in listed("variants", VARIANTS):
        row = measure(robot, skill, variant, int(args.get("num_rollouts", 20)))
        rows.append(row)
        print(f"{robot} {skill} {variant}: goal error {row['goal_error']:.4f}, falls {row['falls']}, "
              f"{row['seconds_incl_compile']:.0f} s with compile", flush=True)
  if "out" in args:
    with open(args["out"], "w") as f:
      json.dump(rows, f, indent=2)


if __name__ == "__main__":
  main(sys.argv[1:])
