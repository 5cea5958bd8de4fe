"""Can the frozen pretrained reaching and squatting skills lift PackageLift's package under a scripted high level?

  python tools/package_lift_probe.py                                  # G1, every variant, 4 rollouts each
  python tools/package_lift_probe.py --embodiment h1 --variants base --rollouts 4 --out /tmp/h1.json
  python tools/package_lift_probe.py --variants probe_split_60,base --set leash=0.15   # override fields

The PackageLift environment (native `mujoco` backend, the evaluation settings `EnvConfig.evaluation()`) is
driven the way a SkillBlender blender drives it: the pretrained library's reaching and squatting skills are
loaded with `blender_policy.skills.load_skills` and wrapped in `FrozenSkill.from_loaded`, each sees [its
sub-goal, the task's proprioception], and their actions are blended per joint. Instead of a learned high
level, a script computes the sub-goals every control step and the blend weights are fixed per variant.

Frames and units: world frame, metres, seconds; x is forward from the robot's start, z up. The package is
a box PACKAGE_SIZE_XY (x, y) by the robot's package height (G1 0.7 m, H1 1.0 m) whose side faces (the ones
the wrists squeeze) lie at package y +- 0.05 m. Positions come from the task observation (package - goal,
wrist - package) plus the goal's target, the root height from qpos.

Script (per control step, from the current state):
  t < t_approach    squatting target ramps from the nominal height to `squat_low`; each wrist's target is
                    its pre-grasp point: x = package near face + grip_dx, z = package top + grip_dz,
                    y = package y +- (0.05 + pre_gap) (left +, right -).
  t < t_squeeze     the wrists' y targets move to package y +- (0.05 - squeeze): inside the faces.
  t < t_lift        squatting target ramps back up to `stand`; the wrists' z targets rise by `lift`
                    from the grip height (x, y still follow the package); after t_lift both are held.
Sub-goals: reaching's goal is per wrist [current - target position (3), zeros for the quaternion (4)],
squatting's is [root height - target height]; each position difference is clipped to +-`leash` per
axis (the reaching skill trained on targets within 0.15 m (G1; H1 0.25 m) of the wrists' start, so a
short leash keeps its goal inside what it saw) and then to the blender's clamp (+-1).
Blend: action = w * reaching + (1 - w) * squatting, with w = `arms_w` on the arm joints and `body_w`
on the legs and waist.

Per rollout (8 s, one episode; a rollout stops counting when the episode ends, as in evaluation):
  gain_max / gain_final   package height above its start, maximum and at the last counted step (m);
  error                   the task's Error at the last counted step, |package z - goal z| (m);
  fell                    the episode ended on a forbidden contact or diverged physics;
  face_gap_min            per wrist, the smallest |wrist y - package y| - 0.05 while the wrist is within
                          the package's x extent and below its top (m; the G1's wrist collider is a 0.035 m
                          capsule, so below ~0.035 it presses into the face);
  reach_err_approach / _grasp   per wrist, actual - target position (x, y, z) at the end of the approach /
                          of the squeeze (m; the table prints the latter);
  wrist_at_grasp          per wrist, the actual position at the end of the squeeze, x from the package's
                          near face (+ is past it, along the side faces), y from the package's centre
                          plane, z from the floor (m);
  root_at_grasp, root_min the root height at the end of the squeeze and its minimum (m);
  pkg_dx, pkg_dy, pkg_tilt  how far the package slid (m) and tilted (rad) by the end; "tipped": tilt > 0.5.
Diagnostic variant fields (not the task as scored): `ghost` (reach without contact), `place_x`, `mass`,
and the --package-friction counterfactual.
Writes a JSON record (--out) and prints a table.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time

import jax
import jax.numpy as jnp
import numpy as np

from blender_policy import skills as skills_lib
from blender_policy.network import FrozenSkill
from skillbench.envs.env_config import EnvConfig
from skillbench.envs.factory import make
from skillbench.robot.layout import OBJECT_PREFIX
from tasks import common

SKILLS = ("reaching", "squatting")
SECONDS = 8.0
HALF_Y = common.PACKAGE_SIZE_XY[1] / 2  # the side faces are at package y +- this (m)


@dataclasses.dataclass(frozen=True)
class Variant:
  """One scripted controller (see the module docstring). Heights are root heights (m)."""

  squat_low: float = 0.5
  stand: float | None = None  # None: the robot's nominal height
  grip_dx: float = 0.08
  grip_dz: float = -0.12
  pre_gap: float = 0.06
  squeeze: float = 0.03
  lift: float = 0.3
  leash: float = 1.0
  arms_w: float = 1.0
  body_w: float = 0.0
  t_approach: float = 3.0
  t_squeeze: float = 4.5
  t_lift: float = 7.0
  ghost: bool = False  # move the package 5 m to the side at reset and aim at where it stood: reach without contact
  place_x: float = 0.0  # > 0: the package's centre put at this x at reset instead of the task's U(0.5, 0.7) m
  mass: float = 0.0  # > 0: the package's mass (kg) instead of the task's U(0.1, 2.0)


VARIANTS = {
  # Legs and waist from squatting, arms from reaching; squat to 0.5 m and squeeze 3 cm inside the faces.
  "base": Variant(),
  # The reaching skill alone drives every joint (it crouches by itself); no squatting.
  "reach_only": Variant(body_w=1.0),
  # Half-and-half on the legs.
  "half_legs": Variant(body_w=0.5),
  # Deeper squat, grip lower on the package.
  "deep": Variant(squat_low=0.4, grip_dz=-0.2),
  # Shallow squat, grip near the top.
  "shallow": Variant(squat_low=0.62, grip_dz=-0.06),
  # Harder squeeze (6 cm inside each face).
  "squeeze6": Variant(squeeze=0.06),
  # Leashed sub-goals (0.15 m per axis), inside the reaching skill's training range.
  "leash": Variant(leash=0.15),
  # Slower: longer approach and squeeze, shorter lift.
  "slow": Variant(t_approach=3.5, t_squeeze=5.5, t_lift=7.5),
}
# Reach probes: the package moved away (`ghost`), targets on where its faces were (no squeeze, no lift),
# held from t_approach on: where do the wrists get to, at a few squat heights, with the legs from
# squatting (split) or from reaching (reach)?
for _h in (0.72, 0.6, 0.5, 0.4):
  for _tag, _w in (("split", 0.0), ("reach", 1.0)):
    VARIANTS[f"probe_{_tag}_{round(_h * 100)}"] = Variant(squat_low=_h, pre_gap=0.0, squeeze=0.0, lift=0.0,
                                                          body_w=_w, ghost=True, t_squeeze=8.0, t_lift=8.0)

ARM_KINDS = ("shoulder_pitch", "shoulder_roll", "shoulder_yaw", "elbow")


def arm_mask(embodiment) -> np.ndarray:
  """(d,): 1 on the arm joints, 0 on legs and waist."""
  return np.array([float(j.kind in ARM_KINDS) for j in embodiment.joints], np.float32)


def variant_array(v: Variant, nominal: float) -> dict:
  d = dataclasses.asdict(v)
  d["stand"] = nominal if v.stand is None else v.stand
  return {k: jnp.float32(x) for k, x in d.items()}  # traced: one compilation serves every variant


def ramp(t, start, end):
  return jnp.clip((t - start) / jnp.maximum(end - start, 1e-6), 0.0, 1.0)


def build(embodiment: str, rollouts: int, package_friction: float | None = None):
  """(env, run(key, params) -> trace dict of (steps, rollouts, ...) arrays, package size, nominal height).

  package_friction: a counterfactual, not the benchmark: the package's sliding friction in the compiled
  model (the task's is 5; MuJoCo takes the larger of two geoms' frictions, and the floor's wins by
  priority) set before the first step. With MuJoCo's pyramidal cones a contact's normal direction is
  much softer at high friction: measured on G1 at the squeeze, friction 5 gives ~5 N per wrist at 6-7 cm
  of penetration, friction 1 gives 25-35 N at 1 mm.
  """
  env = make(embodiment, "package_lift", "mujoco", config=EnvConfig.evaluation())
  if package_friction is not None:
    env.physics.model.geom_friction[env.physics.model.geom(f"{OBJECT_PREFIX}package").id, 0] = package_friction
  loaded = skills_lib.load_skills(env, SKILLS)
  reach, squat = (FrozenSkill.from_loaded(s, skills_lib.clamp(s.skill, env.embodiment)) for s in loaded)
  task_size, clock = env.skill.goal_size, env.skill.clock_size
  size = np.array([*common.PACKAGE_SIZE_XY, common.sizes(env.embodiment).package_height], np.float32)
  nominal = float(env.embodiment.nominal_height)
  arms = jnp.asarray(arm_mask(env.embodiment))
  root_z = int(env.layout.root_qpos[2])
  pkg_q = jnp.asarray(env.layout.object_qpos[f"{OBJECT_PREFIX}package"])
  pkg_body = int(env.layout.object_bodies[f"{OBJECT_PREFIX}package"])
  steps = env.timing.steps(SECONDS)

  def positions(state):
    o = state.obs["state"]
    pkg = o[:3] + state.info["goal"]["target"]
    wrists = pkg[None, :] + o[3:9].reshape(2, 3)
    return pkg, wrists, state.pipeline_state.qpos[root_z]

  def rearrange(state, p):
    """The package put at x = place_x (and its goal with it) where place_x > 0, then moved 5 m to +y
    where `ghost` (the observation catches up after the first step); its mass set where mass > 0."""
    qpos, goal = state.pipeline_state.qpos, state.info["goal"]
    placed = p["place_x"] > 0
    qpos = jnp.where(placed, qpos.at[pkg_q[0]].set(p["place_x"]), qpos)
    goal = {k: jnp.where(placed, x.at[0].set(p["place_x"]), x) for k, x in goal.items()}
    qpos = jnp.where(p["ghost"] > 0, qpos.at[pkg_q[1]].add(5.0), qpos)
    mass = jnp.where(p["mass"] > 0, state.info["body_mass"].at[pkg_body].set(p["mass"]), state.info["body_mass"])
    info = {**state.info, "goal": goal, "body_mass": mass}
    return state.replace(pipeline_state=state.pipeline_state.replace(qpos=qpos), info=info)

  def controller(state, p, t):
    """(action, wrist targets (2, 3), root target) for one environment at time t (s)."""
    pkg, wrists, height = positions(state)
    start = state.info["goal"]["start"]
    pkg = jnp.where(p["ghost"] > 0, start, pkg)
    approach = ramp(t, 0.0, p["t_approach"])
    rise = ramp(t, p["t_squeeze"], p["t_lift"])
    root_target = p["stand"] + (p["squat_low"] - p["stand"]) * approach
    root_target = jnp.where(t >= p["t_squeeze"], p["squat_low"] + (p["stand"] - p["squat_low"]) * rise, root_target)
    out = jnp.where(t < p["t_approach"], HALF_Y + p["pre_gap"], HALF_Y - p["squeeze"])
    x = pkg[0] - size[0] / 2 + p["grip_dx"]
    grip_z = start[2] + size[2] / 2 + p["grip_dz"]
    z = grip_z + p["lift"] * rise
    targets = jnp.stack([jnp.stack([x, pkg[1] + s * out, z]) for s in (1.0, -1.0)])  # left on the +y face
    proprio = state.obs["state"][task_size + clock:]
    dpos = jnp.clip(wrists - targets, -p["leash"], p["leash"])
    reach_goal = jnp.clip(jnp.concatenate([dpos, jnp.zeros((2, 4))], -1).reshape(-1), -reach.clamp, reach.clamp)
    squat_goal = jnp.clip(jnp.clip(height - root_target, -p["leash"], p["leash"]), -squat.clamp, squat.clamp)[None]
    a_reach = reach.apply(jnp.concatenate([reach_goal, proprio]))
    a_squat = squat.apply(jnp.concatenate([squat_goal, proprio]))
    w = arms * p["arms_w"] + (1.0 - arms) * p["body_w"]
    return w * a_reach + (1.0 - w) * a_squat, targets, root_target, pkg

  def tilt(state):
    q = state.pipeline_state.qpos[pkg_q][3:]
    return 2.0 * jnp.arccos(jnp.clip(jnp.abs(q[0]) / jnp.linalg.norm(q), 0.0, 1.0))

  reset, step = jax.vmap(env.reset), jax.vmap(env.step)
  control = jax.vmap(controller, in_axes=(0, None, None))

  def body(carry, i, p):
    state, alive = carry
    t = i * env.dt
    action, targets, root_target, aim = control(state, p, t)
    nxt = step(state, action)
    pkg, wrists, height = jax.vmap(positions)(state)
    out = {
      "alive": alive, "pkg": pkg, "aim": aim, "wrists": wrists, "height": height, "targets": targets,
      "root_target": root_target, "tilt": jax.vmap(tilt)(state), "start": state.info["goal"]["start"],
      "goal_z": state.info["goal"]["target"][:, 2],
      # For replaying a step in native MuJoCo (contact forces): the state, PD targets and body masses.
      "qpos": state.pipeline_state.qpos, "qvel": state.pipeline_state.qvel, "body_mass": state.info["body_mass"],
      "ctrl": env.consts.default_pose + env.config.action_scale * nxt.info["past_actions"][:, 0],
      # After this step: what the evaluation protocol counts.
      "error": nxt.metrics["goal_error"], "fell": nxt.metrics["fell"] > 0, "done": nxt.done > 0,
    }
    return (nxt, alive & ~(nxt.done > 0)), out

  @jax.jit
  def run(key, p):
    state = jax.vmap(rearrange, in_axes=(0, None))(reset(jax.random.split(key, rollouts)), p)
    _, trace = jax.lax.scan(lambda c, i: body(c, i, p), (state, jnp.ones(rollouts, bool)), jnp.arange(steps))
    return trace

  return env, run, size, nominal


def summarise(trace: dict, v: Variant, size, dt: float) -> list[dict]:
  """Per-rollout numbers (see the module docstring) from a trace of (steps, rollouts, ...) arrays."""
  tr = {k: np.asarray(x) for k, x in trace.items()}
  steps, rollouts = tr["alive"].shape
  at = lambda seconds: min(steps - 1, max(0, int(round(seconds / dt)) - 1))
  i_app, i_grasp = at(v.t_approach), at(v.t_squeeze)
  rows = []
  for r in range(rollouts):
    last = int(np.sum(tr["alive"][:, r])) - 1  # episodes never end before their first step
    start = tr["start"][0, r]
    pkg, aim, wrists, targets = tr["pkg"][:, r], tr["aim"][:, r], tr["wrists"][:, r], tr["targets"][:, r]
    gain = pkg[: last + 1, 2] - start[2]
    gap_min = [None, None]
    if not v.ghost:
      rel = wrists[: last + 1] - pkg[: last + 1, None, :]
      inside = (np.abs(rel[..., 0]) <= size[0] / 2) & (rel[..., 2] <= size[2] / 2)
      gap = np.abs(rel[..., 1]) - HALF_Y
      gap_min = [float(np.min(gap[inside[:, s], s])) if inside[:, s].any() else None for s in range(2)]
    near = np.array([aim[i_grasp, 0] - size[0] / 2, aim[i_grasp, 1], 0.0])
    rows.append({
      "gain_max": float(gain.max()),
      "gain_final": float(gain[-1]),
      "error": float(tr["error"][last, r]),
      "goal_lift": float(tr["goal_z"][0, r] - start[2]),
      "fell": bool(tr["fell"][last, r]),
      "seconds": float((last + 1) * dt),
      "face_gap_min": gap_min,
      "reach_err_approach": _signed(wrists, targets, i_app, last),
      "reach_err_grasp": _signed(wrists, targets, i_grasp, last),
      "wrist_at_grasp": np.round(wrists[i_grasp] - near, 3).tolist() if i_grasp <= last else None,
      "target_at_grasp": np.round(targets[i_grasp] - near, 3).tolist(),
      "root_at_grasp": float(tr["height"][i_grasp, r]) if i_grasp <= last else None,
      "root_min": float(tr["height"][: last + 1, r].min()),
      "pkg_dx": float(pkg[last, 0] - pkg[0, 0]),
      "pkg_dy": float(pkg[last, 1] - pkg[0, 1]),
      "pkg_tilt": float(tr["tilt"][last, r]),
      "package": {"x": float(start[0]), "y": float(start[1])},
    })
  return rows


def _signed(wrists, targets, i, last):
  """Per wrist, actual - target position (m) at step i, or None after the episode's last counted step."""
  return np.round(wrists[i] - targets[i], 3).tolist() if i <= last else None


def _mean(rows, key):
  vals = [r[key] for r in rows if r[key] is not None]
  return np.mean(vals, 0).round(3).tolist() if vals else None


def aggregate(rows: list[dict]) -> dict:
  mean = lambda k: float(np.mean([r[k] for r in rows]))
  gaps = np.array([[np.nan if g is None else g for g in r["face_gap_min"]] for r in rows], float)
  return {
    "gain_max": mean("gain_max"), "gain_max_best": float(max(r["gain_max"] for r in rows)),
    "gain_final": mean("gain_final"), "error": mean("error"),
    "success": float(np.mean([(r["error"] < 0.1) and not r["fell"] for r in rows])),
    "falls": int(sum(r["fell"] for r in rows)), "root_min": mean("root_min"),
    "face_gap_min": [None if np.isnan(g).all() else float(np.nanmin(g)) for g in gaps.T],
    "reach_err_approach": _mean(rows, "reach_err_approach"), "reach_err_grasp": _mean(rows, "reach_err_grasp"),
    "wrist_at_grasp": _mean(rows, "wrist_at_grasp"), "target_at_grasp": _mean(rows, "target_at_grasp"),
    "root_at_grasp": _mean(rows, "root_at_grasp"),
    "pkg_dx": mean("pkg_dx"), "pkg_tilt": mean("pkg_tilt"),
    "tipped": int(sum(r["pkg_tilt"] > 0.5 for r in rows)),
  }


def _xyz(v):
  return "-" if v is None else "(" + ",".join(f"{x:+.2f}" for x in v) + ")"


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--embodiment", default="g1")
  parser.add_argument("--rollouts", type=int, default=4)
  parser.add_argument("--seed", type=int, default=0)
  parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated names of VARIANTS")
  parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                      help="override a Variant field in every selected variant (repeatable), e.g. --set leash=0.15")
  parser.add_argument("--package-friction", type=float, default=None,
                      help="counterfactual: the package's sliding friction (the task's is 5); not the benchmark")
  parser.add_argument("--out", default=None, help="JSON record path")
  args = parser.parse_args(argv)
  fields = {f.name: f.type for f in dataclasses.fields(Variant)}
  overrides = {}
  for item in args.set:
    key, _, value = item.partition("=")
    if key not in fields or not value:
      parser.error(f"--set {item}: give FIELD=VALUE with FIELD one of {list(fields)}")
    overrides[key] = value.lower() in ("1", "true", "yes") if key == "ghost" else float(value)
  names = [n for n in args.variants.split(",") if n]
  unknown = sorted(set(names) - set(VARIANTS))
  if unknown:
    parser.error(f"unknown variants {unknown}; known: {list(VARIANTS)}")

  t0 = time.time()
  env, run, size, nominal = build(args.embodiment, args.rollouts, args.package_friction)
  record = {"embodiment": args.embodiment, "rollouts": args.rollouts, "seed": args.seed, "seconds": SECONDS,
            "overrides": overrides, "package_friction": args.package_friction,
            "package_size": size.tolist(), "nominal_height": nominal, "variants": {}}
  friction = "the task's" if args.package_friction is None else args.package_friction
  print(f"{args.embodiment}: package {size.tolist()} m, nominal root height {nominal} m, package friction {friction}, "
        f"overrides {overrides}")
  header = (f"{'variant':18s} {'gain max':>8s} {'best':>5s} {'final':>6s} {'Error':>5s} {'succ':>4s} {'falls':>5s} "
            f"{'tipped':>6s} {'root@grasp':>10s} {'face gap L/R':>12s}  wrist-target at grasp L | R (x,y,z)     "
            f"wrist at grasp L | R (x from near face, y from package, z)")
  print(header)
  for name in names:
    v = dataclasses.replace(VARIANTS[name], **overrides)
    t1 = time.time()
    trace = run(jax.random.PRNGKey(args.seed), variant_array(v, nominal))
    rows = summarise(trace, v, size, env.dt)
    agg = aggregate(rows)
    record["variants"][name] = {"variant": dataclasses.asdict(v), "aggregate": agg, "per_rollout": rows,
                                "wall_s": time.time() - t1}
    gap = "/".join("-" if g is None else f"{g:.3f}" for g in agg["face_gap_min"])
    err, at_grasp = agg["reach_err_grasp"] or [None, None], agg["wrist_at_grasp"] or [None, None]
    root = "-" if agg["root_at_grasp"] is None else f"{agg['root_at_grasp']:.3f}"
    print(f"{name:18s} {agg['gain_max']:8.3f} {agg['gain_max_best']:5.3f} {agg['gain_final']:6.3f} {agg['error']:5.3f} "
          f"{agg['success']:4.2f} {agg['falls']:>2d}/{len(rows):<2d} {agg['tipped']:>3d}/{len(rows):<2d} {root:>10s} {gap:>12s}  "
          f"{_xyz(err[0])} | {_xyz(err[1])}  {_xyz(at_grasp[0])} | {_xyz(at_grasp[1])}", flush=True)
  record["wall_s"] = time.time() - t0
  if args.out:
    with open(args.out, "w") as f:
      json.dump(record, f, indent=1)
    print(f"wrote {args.out}")


if __name__ == "__main__":
  main()
