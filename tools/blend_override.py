"""A SkillBlender policy evaluated with parts of its blend overridden: which skill keeps the robot up.

    python tools/blend_override.py <run or policy file>
    python tools/blend_override.py <run> --variant learned --variant legs=walking+zero=walking --out x.json
    python tools/blend_override.py <run> --skill walking=runs/<walking run>   # another walking in the blend

The protocol's rollouts (native backend, seed 0 and 20 rollouts unless told, so the leaderboard's)
of the trained blender, once per variant. A variant is `learned` (the policy as trained) or
overrides joined with `+`:

  legs=<skill>       the leg joints' blend weights one-hot on that skill (it alone drives the legs)
  all=<skill>        every joint's weights one-hot on that skill
  zero=<skill>       that skill's sub-goal set to zero (walking: stand still)
  hide-arms=<skill>  that skill reads the arm joints as if still at their default angles (the
                     training option `arms_hidden_from`)

`--skill <name>=<run or policy file>` puts another policy of that skill (same robot, observation
layout and timing) in the frozen skill's place, under the same sub-goal bound, for every variant.
Per variant the record gives the rollouts that fell, the mean Error, the median Error of the
rollouts that stayed up, the median seconds a rollout lasted, and where the arms were: over the
steps before each rollout ended, for the arm joints' angles (`angle`) and for the PD targets the
blended action gave them (`target`, action_scale x action: what a skill reads as its last action),
the largest arm joint's distance from default (rad; median and 95th percentile), the share of steps
with an arm joint beyond `env.arm_target_range` (the reach of the driven arms a walking skill trains
under with `env.arm_targets`, by default), and each arm joint's 95th percentile. The default
variants ask whether walking or the standing skill can carry the legs under the blend's arms.
"""

from __future__ import annotations

import dataclasses
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import probe_record  # tools/, beside this file

OVERRIDES = ("legs", "all", "zero", "hide-arms")
DEFAULT_VARIANTS = ("learned", "legs=walking", "legs=reaching", "legs=walking+zero=walking",
                    "legs=walking+zero=walking+hide-arms=walking", "all=walking+zero=walking")


def parse_variant(text: str, skills: list[str]) -> dict:
  """{override: [skills]} of a variant's text; a bad one is a SystemExit naming the fix."""
  if text == "learned":
    return {}
  out: dict = {}
  for part in text.split("+"):
    key, _, skill = part.partition("=")
    if key not in OVERRIDES or not skill:
      raise SystemExit(f"variant {text!r}: {part!r} is not one of {', '.join(o + '=<skill>' for o in OVERRIDES)} "
                       "(join several with +), nor 'learned'")
    if skill not in skills:
      raise SystemExit(f"variant {text!r}: this blender blends {skills}, not {skill!r}")
    out.setdefault(key, []).append(skill)
  if len(out.get("legs", [])) + len(out.get("all", [])) > 1:
    raise SystemExit(f"variant {text!r}: give one skill to drive the legs (legs= or all=), not several")
  return out


def overridden_act(blender, env, overrides: dict, arms: tuple[int, ...]):
  """act(obs) -> the blender's mean action with `overrides` (parse_variant's) applied; `arms`: the
  arm joints' policy indices (what hide-arms hides)."""
  import jax.numpy as jnp

  net = blender.actor_net
  names = [s.name for s in net.skills]
  net = net.clone(skills=tuple(dataclasses.replace(s, hidden_joints=arms) if s.name in overrides.get("hide-arms", ())
                               else s for s in net.skills))
  params = {"params": blender.policy.params["actor"]}
  legs = np.array(env.embodiment.joint_indices(legs=True))
  driver = (overrides.get("legs") or overrides.get("all") or [None])[0]
  joints = legs if "legs" in overrides else np.arange(env.action_size)

  def act(obs):
    raw = blender.own_state(obs["state"])
    x = blender.policy.actor_stats.normalize(raw) if blender.normalize_obs else raw
    _, goals, weights, actions = net.apply(params, x, raw, method="parts")
    for name in overrides.get("zero", ()):
      k = names.index(name)
      actions = actions.at[k].set(net.apply(params, k, jnp.zeros_like(goals[k]), raw, method="skill_action"))
    if driver is not None:
      one_hot = (jnp.arange(len(names)) == names.index(driver)).astype(weights.dtype)[:, None]
      weights = weights.at[:, joints].set(jnp.broadcast_to(one_hot, (len(names), len(joints))))
    return jnp.sum(weights * actions, axis=-2)

  return act


def swap_skills(blender, env, swaps: dict):
  """`blender` (a LoadedPolicy) with frozen skills replaced: {skill name: run folder or policy file}."""
  from blender_policy import skills as skills_lib
  from blender_policy.network import FrozenSkill

  net = blender.actor_net
  names = [s.name for s in net.skills]
  unknown = sorted(set(swaps) - set(names))
  if unknown:
    raise SystemExit(f"--skill {unknown[0]}=...: this blender blends {names}")
  loaded = dict(zip(swaps, skills_lib.load_skills(env, list(swaps), swaps)))
  skills = tuple(FrozenSkill.from_loaded(loaded[s.name], s.clamp, s.hidden_joints)  # + the joints it never reads
                 if s.name in loaded else s for s in net.skills)
  return dataclasses.replace(blender, actor_net=net.clone(skills=skills))


def arm_deviation(env, arms: tuple[int, ...]):
  """extra_trace for protocol.rollout_metrics: the arm joints' (policy indices `arms`) |angle - default|
  before each step and |PD target - default| the step applied (rad)."""
  import jax.numpy as jnp

  arms = np.array(arms)
  qpos, default = jnp.asarray(env.layout.joint_qpos[arms]), jnp.asarray(env.consts.default_pose[arms])
  scale = env.config.action_scale
  return lambda state, nxt: {"arm_angle": jnp.abs(state.pipeline_state.qpos[qpos] - default),
                             "arm_target": jnp.abs(scale * nxt.info["past_actions"][0][arms])}


def arm_pose(trace: dict, names: list[str], reach: float) -> dict:
  """The arms' statistics (see the module's docstring) over the counted steps of `trace`."""
  out = {"reach": reach}
  for key in ("angle", "target"):
    dev = trace[f"arm_{key}"][trace["counted"]]  # (counted steps, arm joints)
    if not dev.size:
      return {}
    largest = dev.max(-1)
    out[key] = {"largest_median": round(float(np.median(largest)), 3),
                "largest_p95": round(float(np.percentile(largest, 95)), 3),
                "beyond_reach": round(float((largest > reach).mean()), 3),
                "p95_per_joint": {n: round(float(v), 3) for n, v in zip(names, np.percentile(dev, 95, axis=0))}}
  return out


def override_record(path: pathlib.Path, rollouts: int, seed: int, variants=DEFAULT_VARIANTS, swaps=None) -> dict:
  """The record of a blender policy file under each variant (see the module's docstring), with the
  frozen skills `swaps` names replaced (`swap_skills`)."""
  from skillbench.envs.env_config import EnvConfig
  from skillbench.evaluation import protocol
  from skillbench.robot.embodiment import ARM_KINDS

  loaded, env = probe_record.protocol_env(path, blender=True)
  robot, task = loaded.embodiment, loaded.skill
  blender = swap_skills(loaded.for_env(env), env, swaps) if swaps else loaded.for_env(env)
  names = [s.name for s in blender.actor_net.skills]
  parsed = {v: parse_variant(v, names) for v in variants}  # every variant checked before the first rollout
  arms = tuple(env.embodiment.joint_indices(kinds=ARM_KINDS))
  arm_names = [env.embodiment.joints[j].name for j in arms]
  out = {}
  for variant, overrides in parsed.items():
    r = protocol.rollout_metrics(env, overridden_act(blender, env, overrides, arms), rollouts, seed,
                                 extra_trace=arm_deviation(env, arms))
    up = r["fell"] == 0
    out[variant] = {"falls": int(r["fell"].sum()), "error": round(float(r["error"].mean()), 4),
                    "upright_error_median": round(float(np.median(r["error"][up])), 4) if up.any() else None,
                    "seconds_median": round(float(np.median(r["seconds"])), 2),
                    "arms": arm_pose(r["trace"], arm_names, EnvConfig().arm_target_range)}
    print(f"  {variant}: {out[variant]}", file=sys.stderr, flush=True)
  return {"robot": robot, "task": task, "rollouts": rollouts, "skills": names,
          "swapped_skills": {k: str(v) for k, v in (swaps or {}).items()}, "variants": out}


def report(doc: dict) -> str:
  lines = [f"{doc['robot']} {doc['task']}: {doc['rollouts']} protocol rollouts per variant (skills {doc['skills']})",
           ("| variant | falls | Error | upright median Error | median seconds | largest arm angle from default (rad): "
            "median, p95, beyond the driven arms' reach | largest arm PD target from default |"),
           "|---|---:|---:|---:|---:|---|---|"]

  def arms(a: dict | None) -> str:
    return f"{a['largest_median']:.2f}, {a['largest_p95']:.2f}, {100 * a['beyond_reach']:.0f} %" if a else "-"

  for variant, v in doc["variants"].items():
    upright = "-" if v["upright_error_median"] is None else f"{v['upright_error_median']:.3f}"
    a = v.get("arms") or {}
    lines.append(f"| {variant} | {v['falls']} | {v['error']:.3f} | {upright} | {v['seconds_median']:g} | "
                 f"{arms(a.get('angle'))} | {arms(a.get('target'))} |")
  if any(v.get("arms") for v in doc["variants"].values()):
    reach = next(v["arms"]["reach"] for v in doc["variants"].values() if v.get("arms"))
    lines.append(f"(beyond: the share of steps with an arm joint more than {reach:g} rad from default, the driven arms' reach)")
  return "\n".join(lines)


def main(argv=None) -> None:
  p = probe_record.parser(__doc__.split("\n\n")[0])
  p.add_argument("--variant", action="append", help="a variant (repeat for several); default: " +
                 ", ".join(DEFAULT_VARIANTS))
  p.add_argument("--skill", action="append", default=[], metavar="NAME=PATH",
                 help="put this run's or policy file's skill in the blender's place (repeat for several)")
  args = probe_record.parse(p, argv)
  swaps = {}
  for text in args.skill:
    name, _, path = text.partition("=")
    if not name or not path:
      p.error(f"--skill {text!r}: give <skill>=<run folder or policy file>, e.g. --skill walking=runs/<walking run>")
    swaps[name] = path
  record = override_record(args.policy, args.rollouts, args.seed, tuple(args.variant or DEFAULT_VARIANTS), swaps)
  probe_record.write(args, record, report(record))


if __name__ == "__main__":
  main()
