"""The pretrained skill library: checkpoints/<robot>/<skill>/policy.safetensors + manifest.json.

The manifest records the policy's sha256, training steps and wall-clock, the hardware and
trainer, and the evaluation numbers, so that an entry can be verified and compared. Scripts
load an entry with `checkpoint=pretrained` (with `embodiment=` and `primitive=`).
"""

from __future__ import annotations

import json
import pathlib
import shutil

from skillbench import provenance
from skillbench.errors import SkillBenchError
from skillbench.policy import checkpoint as ckpt_lib
from skillbench.policy.saved import load as load_policy

ROOT = pathlib.Path(__file__).resolve().parents[2] / "checkpoints"
FINAL_POLICY = "policy.safetensors"  # a run folder's final policy, written when its training finishes
PRETRAINED = "pretrained"


def entries(root=None) -> list[tuple[str, str]]:
  """(robot, skill) of every entry that has a manifest, sorted."""
  return sorted((m.parent.parent.name, m.parent.name) for m in pathlib.Path(root or ROOT).glob("*/*/manifest.json"))


def entry(robot: str, skill: str, root=None) -> pathlib.Path:
  return pathlib.Path(root or ROOT) / robot / skill


def policy_path(robot: str, skill: str, root=None) -> pathlib.Path:
  """The library's policy for a robot and skill; a clear error when there is none."""
  path = entry(robot, skill, root) / "policy.safetensors"
  if not path.is_file():
    available = sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in pathlib.Path(root or ROOT).glob("*/*/policy.safetensors"))
    raise SkillBenchError(
      f"no pretrained {skill} policy for {robot} (looked for {path}); the library has: "
      f"{', '.join(available) or 'nothing yet'}. Train one with scripts/train_primitive.py and add it with "
      "tools/add_to_library.py."
    )
  return path


def resolve(checkpoint: str, robot: str | None, skill: str | None) -> pathlib.Path:
  """A checkpoint argument as a policy file: `pretrained` (the library entry of robot and skill), a
  run folder (its final policy) or a file."""
  if checkpoint == PRETRAINED:
    if not robot or not skill:
      raise SkillBenchError("checkpoint=pretrained needs embodiment=<robot> and primitive=<skill>")
    path = policy_path(robot, skill)
    verify(robot, skill)
    return path
  path = pathlib.Path(checkpoint)
  return final_policy(path) if path.is_dir() else path


def final_policy(run) -> pathlib.Path:
  """A run folder's final policy file (written when its training finished)."""
  run = pathlib.Path(run)
  final = run / FINAL_POLICY
  if not run.is_dir():
    raise SkillBenchError(f"run folder {run} does not exist")
  if not final.is_file():
    raise SkillBenchError(
      f"{run} is a folder without a final policy ({FINAL_POLICY}): its training has not finished; give a "
      f"finished run, or a checkpoint file (e.g. one in {run / 'checkpoints'})"
    )
  return final


def manifest(robot: str, skill: str, root=None) -> dict:
  return json.loads((entry(robot, skill, root) / "manifest.json").read_text())


def blended_skills(path) -> dict[str, str | None]:
  """{skill: sha256 of the policy file it was loaded from} of the skills a blender checkpoint (its final
  policy or a training checkpoint) blends, as its metadata records them (None where it records no
  sha256); {} for a checkpoint that blends none."""
  skills = (ckpt_lib.read_metadata(path).get("blender") or {}).get("skills") or []
  return {s["name"]: s.get("source_sha256") for s in skills}


def replaced_skills(robot: str, blended: dict[str, str | None], root=None) -> dict[str, str | None]:
  """Of `blended` ({skill: sha256 of the policy a blender blends}), the skills whose library entry holds
  another policy: {skill: the entry's sha256 now (None: the library has no entry)}. {} when the blender
  blends the library's current entries."""
  replaced = {}
  for name, sha in blended.items():
    try:
      now = manifest(robot, name, root)["policy_sha256"]
    except (OSError, KeyError, ValueError):
      now = None
    if sha is None or sha != now:
      replaced[name] = now
  return replaced


def verify(robot: str, skill: str, root=None) -> None:
  """Checks an entry's policy against the sha256 in its manifest."""
  m = manifest(robot, skill, root)
  path = entry(robot, skill, root) / "policy.safetensors"
  digest = ckpt_lib.file_sha256(path)
  if digest != m["policy_sha256"]:
    raise SkillBenchError(f"{path} does not match its manifest (sha256 {digest}, manifest {m['policy_sha256']})")


def evaluation_record(evaluations: dict) -> dict:
  """The manifest's `evaluation`: per backend, the protocol's aggregates, rollouts, seconds and unit."""
  return {
    backend: {k: result["aggregate"][k] for k in result["aggregate"]} | {
      "num_rollouts": result["num_rollouts"], "seconds": result["seconds"], "error_unit": result["error_unit"]}
    for backend, result in evaluations.items()
  }


def evaluation_provenance() -> dict:
  """What an evaluation was measured with: the code's commit, SkillBench's version, the machine."""
  return {"git": provenance.git_commit(), "skillbench": provenance.versions(("skillbench",), missing_as_none=True)["skillbench"],
          "hardware": provenance.hardware()}


def reevaluate(robot: str, skill: str, evaluations: dict, root=None) -> dict:
  """Replaces an entry's evaluation with `evaluations` (after the simulation changed); returns the manifest.

  The replaced evaluation is kept, with its provenance, under `superseded_evaluations`.
  """
  verify(robot, skill, root)
  m = manifest(robot, skill, root)
  old = {"evaluation": m["evaluation"], "evaluated_with": m.get("evaluated_with")}
  m["superseded_evaluations"] = [*m.get("superseded_evaluations", []), old]
  m["evaluation"] = evaluation_record(evaluations)
  m["evaluated_with"] = evaluation_provenance()
  _write_manifest(entry(robot, skill, root), m)
  return m


def _write_manifest(folder: pathlib.Path, record: dict) -> None:
  tmp = folder / "manifest.json.tmp"
  tmp.write_text(json.dumps(record, indent=2))
  tmp.replace(folder / "manifest.json")


def add(run, evaluations: dict, root=None, notes: str = "") -> pathlib.Path:
  """Copies a run's final policy into the library with a manifest; returns the entry folder. An entry it
  replaces keeps its record (manifest, policy sha256, evaluations) under `replaced_entries`, newest last;
  its policy file stays in the repository's history."""
  run = pathlib.Path(run)
  source = final_policy(run)
  policy = load_policy(source)
  folder = entry(policy.embodiment, policy.skill, root)
  previous = manifest(policy.embodiment, policy.skill, root) if (folder / "manifest.json").is_file() else None
  folder.mkdir(parents=True, exist_ok=True)
  target = folder / "policy.safetensors"
  shutil.copyfile(source, target)
  training = policy.checkpoint.metadata.get("training", {})
  record = {
    "robot": policy.embodiment,
    "skill": policy.skill,
    "policy_sha256": ckpt_lib.file_sha256(target),
    # The policy's whole training: a warm-started run's own steps plus those it started from.
    "env_steps": total(training, "env_steps"),
    "wall_clock_s": total(training, "wall_clock_s"),
    "warm_start": training.get("init"),
    "steps_per_s": training.get("steps_per_s"),
    "trainer": training.get("trainer"),
    "backend": training.get("backend"),
    "hardware": training.get("hardware"),
    "git": training.get("git"),
    "run": run.name,
    "evaluation": evaluation_record(evaluations),
    "evaluated_with": evaluation_provenance(),
    "notes": notes,
  }
  if previous is not None:
    record["replaced_entries"] = [*previous.pop("replaced_entries", []), previous]
  _write_manifest(folder, record)
  return folder


def total(training: dict, key: str):
  """A training summary's `env_steps` or `wall_clock_s` with its warm start's added (None if unknown)."""
  own, before = training.get(key), (training.get("init") or {}).get(key, 0)
  return None if own is None or before is None else own + before
