"""Blender policies on disk, self-contained: the high-level network and every frozen skill.

The frozen skills' parameters and normalisers are stored in the same safetensors file under
`skill<i>:` prefixes, with each skill's description and source (path and sha256), so that a
blender checkpoint evaluates the same way wherever it goes, whatever the library holds later.
A training checkpoint of a blender run (kind "training": the whole TrainState, for `resume`) carries
the same, so `skillbench.policy.saved.load` acts with it too (checkpoint curves, sub-goal traces).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from blender_policy.network import Blender, FrozenSkill
from skillbench.policy import checkpoint as ckpt_lib
from skillbench.policy import networks
from skillbench.policy import saved as policy_lib
from skillbench.policy.normalizer import RunningStats
from skillbench.policy.saved import Policy


def _prefix(i: int) -> str:
  return f"skill{i}:"


def save(path, policy: Policy, env, ppo_config, actor: Blender, loaded_skills, method: str, kind: str = "policy",
         **metadata):
  """Writes a blender checkpoint with its frozen skills inside: `policy` a Policy (kind "policy") or the
  whole TrainState (kind "training"; its params and normalisers have a Policy's array names)."""
  arrays = ckpt_lib.flatten(policy)
  described = []
  for i, (skill, frozen) in enumerate(zip(loaded_skills, actor.skills)):
    arrays.update({_prefix(i) + k: v for k, v in ckpt_lib.flatten(skill.policy).items()})
    described.append({
      "name": skill.skill, "goal_size": frozen.goal_size, "clamp": frozen.clamp,
      "hidden_joints": list(frozen.hidden_joints),
      "source": str(skill.checkpoint.path), "source_sha256": ckpt_lib.file_sha256(skill.checkpoint.path),
      "network": skill.checkpoint.metadata["network"], "observation": skill.observation,
    })
  network = policy_lib.network_metadata(ppo_config)
  network["actor_hidden"] = list(actor.hidden)
  blender = {"method": method, "weighting": actor.weighting, "goal_bound": actor.goal_bound,
             "task_obs_size": actor.task_obs_size,
             "task_clock_size": actor.task_clock_size, "skills": described}
  return ckpt_lib.save(
    path, arrays, kind, embodiment=env.embodiment.name, skill=env.skill.name,
    observation=policy_lib.observation_metadata(env), network=network, blender=blender, **metadata,
  )


def load(ckpt: ckpt_lib.Checkpoint) -> policy_lib.LoadedPolicy:
  """A LoadedPolicy whose actor is the blender (called by `skillbench.policy.saved.load`)."""
  meta, source = ckpt.metadata, str(ckpt.path)
  try:
    blender_meta, net, obs = meta["blender"], meta["network"], meta["observation"]
    frozen = []
    for i, s in enumerate(blender_meta["skills"]):
      skill_policy, skill_net, normalize = policy_lib.build(s["network"], s["observation"], ckpt.arrays,
                                                            prefix=_prefix(i), source=source)
      loaded = policy_lib.LoadedPolicy(_SkillCheckpoint(s), skill_policy, skill_net, normalize)
      hidden = s.get("hidden_joints", ())  # absent: written before the option, every joint seen
      frozen.append(FrozenSkill.from_loaded(loaded, s["clamp"], hidden))
    actor = Blender(skills=tuple(frozen), task_obs_size=int(blender_meta["task_obs_size"]),
                    action_size=int(obs["action_size"]), hidden=tuple(net["actor_hidden"]),
                    weighting=blender_meta["weighting"],
                    goal_bound=blender_meta.get("goal_bound", "clip"),  # written before the option: clipped
                    task_clock_size=int(blender_meta.get("task_clock_size", 0)))
    critic = networks.critic(net["critic_hidden"])
    policy_lib.check_sizes(net, obs, source)
    template = jax.eval_shape(lambda: Policy(  # shapes only: metadata sizes are untrusted
      networks.init_params(jax.random.PRNGKey(0), actor, critic, obs["actor_size"], obs["critic_size"],
                           obs["action_size"], 1.0, actor_inputs=2),
      RunningStats.zeros(obs["actor_size"]), RunningStats.zeros(obs["critic_size"]),
    ))
  except (KeyError, TypeError) as e:
    raise ckpt_lib.CheckpointError(f"{source}: blender metadata is incomplete ({e})") from e
  policy = jax.tree.map(jnp.asarray, ckpt_lib.unflatten(template, ckpt.arrays, source=source))
  return policy_lib.LoadedPolicy(ckpt, policy, actor, bool(net.get("normalize_obs", True)))


class _SkillCheckpoint:
  """The description of a skill stored inside a blender checkpoint (stands in for its file)."""

  def __init__(self, described: dict):
    self.skill = described["name"]
    self.path = described["source"]
    self.metadata = {"observation": described["observation"], "network": described["network"],
                     "skill": described["name"]}
