"""SkillBench result files: one evaluation of one policy on one task, robot and backend.

A result file is JSON in the published schema `skillbench/schemas/result-v1.schema.json`: what was
evaluated (robot, task, method, backend, timing), how (seed, rollouts, episode, environment
settings, how Error and P are computed), the numbers (per rollout and aggregated), the training
compute, and provenance (code commit, package versions, sha256 of the checkpoint, of the resolved
configuration and of every robot and scene model file), sealed by `content_sha256`: the sha256 of
the canonical JSON of everything else. The checkpoint and video it names lie beside it.

Result files are untrusted input: `read` bounds their size, parses strict JSON (no NaN), checks the
schema, the seal, and that every aggregate, success flag and task constant follows from the rest.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import os
import pathlib
import platform

import numpy as np

from skillbench.errors import SkillBenchError

SCHEMA = "skillbench-result"
SCHEMA_VERSION = 1
SCHEMA_FILE = pathlib.Path(__file__).parent / "schemas" / f"result-v{SCHEMA_VERSION}.schema.json"
MAX_RESULT_BYTES = 8 * 2**20
PROTOCOL_SEED = 0
PROTOCOL_ROLLOUTS = 20
SEEDS = "rollout i starts from jax.random.split(jax.random.PRNGKey(seed), num_rollouts)[i]"
AGGREGATE_TOLERANCE = 1e-9  # aggregates are recomputed from the per-rollout numbers


class ResultFileError(SkillBenchError):
  """A result file that is not a valid, sealed, self-consistent SkillBench result."""


def canonical_json(doc) -> bytes:
  """The bytes `content_sha256` is taken over: sorted keys, no spaces, UTF-8, no NaN."""
  return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def content_sha256(doc: dict) -> str:
  return hashlib.sha256(canonical_json({k: v for k, v in doc.items() if k != "content_sha256"})).hexdigest()


def seal(doc: dict) -> dict:
  return {**{k: v for k, v in doc.items() if k != "content_sha256"}, "content_sha256": content_sha256(doc)}


def file_record(path) -> dict:
  """{path: the file's name, sha256, bytes}: how a result names a file beside it."""
  from skillbench.training.checkpoint import file_sha256

  path = pathlib.Path(path)
  return {"path": path.name, "sha256": file_sha256(path), "bytes": path.stat().st_size}


RECORDED_PACKAGES = ("mujoco", "mujoco-mjx", "jax", "jaxlib", "brax", "flax")


def versions() -> dict:
  """The versions a result file records: skillbench, python and RECORDED_PACKAGES (None if missing)."""
  import skillbench
  from skillbench.training import run_dir

  return {
    "skillbench": skillbench.__version__, "python": platform.python_version(),
    **run_dir.versions(RECORDED_PACKAGES, missing_as_none=True),
  }


@functools.lru_cache(maxsize=16)
def model_file_hashes(robot: str, task: str, timing: str = "default") -> dict:
  """sha256 of the robot's MJCF and every mesh/texture it reads (named relative to the robot's
  folder), and of the task scene as built (`scene.xml`: robot, floor, lights and task objects)."""
  import embodiments
  import tasks
  from skillbench import model_files, scene
  from skillbench.training.checkpoint import file_sha256

  embodiment = embodiments.get(robot)
  xml = model_files.robot_xml(embodiment)
  spec = scene.scene_spec(embodiment, timing)
  tasks.get(task).add_objects(spec, embodiment)
  files = {xml.name: xml}
  for folder, assets in ((spec.meshdir, (*spec.meshes, *spec.hfields)), (spec.texturedir, spec.textures)):
    for name in sorted({a.file for a in assets if a.file}):
      relative = f"{folder}/{name}" if folder else name
      files[relative] = xml.parent / relative
  hashes = {name: file_sha256(path) for name, path in sorted(files.items())}
  hashes["scene.xml"] = hashlib.sha256(spec.to_xml().encode()).hexdigest()
  return hashes


def method_of(loaded, baseline: str) -> str:
  """blender / no_softmax / hb (a blender checkpoint's method, `+skill` for a skill subset), ppo
  (a flat policy trained on the task) or the baseline's name."""
  if loaded is None:
    return baseline
  meta = loaded.checkpoint.metadata
  if "blender" in meta:
    import tasks

    method = meta["blender"]["method"]
    skills = [s["name"] for s in meta["blender"]["skills"]]
    if method != "hb" and skills != list(tasks.make(loaded.skill, _embodiment(loaded.embodiment)).skills):
      method += "".join(f"+{s}" for s in skills)
    return method
  return (meta.get("config") or {}).get("method") or "ppo"


def recorded_settings(settings: dict) -> dict:
  """A result file's evaluation settings, with `EnvConfig` fields added since it was written read
  as their defaults (the behaviour of the code that wrote it)."""
  from skillbench.env_config import EnvConfig

  return {**plain_json(EnvConfig().__dict__), **settings}


def is_protocol(robot: str, task: str, evaluation: dict) -> bool:
  """Whether an evaluation follows the benchmark protocol: seed 0, 20 rollouts, the task's episode,
  the evaluation settings (spec section 6)."""
  import tasks
  from skillbench import evaluation as evaluation_lib
  from skillbench.env_config import EnvConfig

  episode = tasks.make(task, _embodiment(robot)).episode_seconds
  settings = EnvConfig.evaluation(timing=evaluation["settings"].get("timing", "default"),
                                  goal_period_s=evaluation_lib.evaluation_goal_period(task))
  return (evaluation["seed"] == PROTOCOL_SEED and evaluation["num_rollouts"] == PROTOCOL_ROLLOUTS
          and abs(evaluation["seconds"] - episode) < 1e-9 and plain_json(settings.__dict__) == recorded_settings(evaluation["settings"]))


def from_evaluation(record: dict, backend: str, config: dict, loaded=None, baseline: str = "zero",
                    method: str | None = None, impl: str | None = None, video=None) -> dict:
  """A sealed result file from `evaluation.evaluate_policy`'s record for one backend.

  `config`: the resolved evaluation configuration; `video`: an mp4 beside the result file.
  """
  robot, task = record["embodiment"], record["skill"]
  e = record["backends"][backend]
  t = e["task"]
  evaluation = {
    "seed": e["seed"], "seeds": SEEDS, "num_rollouts": e["num_rollouts"], "seconds": e["seconds"],
    "threshold": t["threshold"], "error_at": t["error_at"], "error_unit": e["error_unit"],
    "goal_period_s": t["goal_period_s"], "settings": plain_json(record["settings"]), "power": t["power"],
    "episode": t["episode"],
  }
  evaluation["protocol"] = is_protocol(robot, task, evaluation)
  training = None
  if loaded is not None:
    info = loaded.checkpoint.metadata.get("training") or {}
    training = {
      "trainer": info.get("trainer"), "env_steps": int(info.get("env_steps", 0)),
      "wall_clock_s": float(info.get("wall_clock_s", 0.0)), "hardware": info.get("hardware") or {},
    }
  from skillbench.training.run_dir import git_commit, hardware

  config = plain_json(config)
  doc = {
    "schema": SCHEMA, "schema_version": SCHEMA_VERSION, "benchmark_version": versions()["skillbench"],
    "robot": robot, "task": task, "method": method or method_of(loaded, baseline), "backend": backend,
    "impl": impl if backend == "mjx" else None, "timing": record["timing"], "evaluation": evaluation,
    "metrics": {"per_rollout": e["per_rollout"], "aggregate": e["aggregate"]},
    "training": training,
    "checkpoint": file_record(loaded.checkpoint.path) if loaded is not None else None,
    "video": file_record(video) if video is not None else None,
    "provenance": {
      "git": git_commit(), "versions": versions(),
      "config_sha256": hashlib.sha256(canonical_json(config)).hexdigest(),
      "model_files": model_file_hashes(robot, task, record["timing"]), "machine": hardware(),
      "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    },
    "config": config,
  }
  return seal(doc)


def write(doc: dict, path) -> pathlib.Path:
  """Writes a result file atomically (a temporary file renamed into place)."""
  path = pathlib.Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  tmp = path.with_name(path.name + ".tmp")
  tmp.write_bytes(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False).encode())
  os.replace(tmp, path)
  return path


def read(path) -> dict:
  """Reads and checks a result file; raises ResultFileError naming the file and the problem."""
  path = pathlib.Path(path)
  if not path.is_file():
    raise ResultFileError(f"{path}: no such result file")
  size = path.stat().st_size
  if size > MAX_RESULT_BYTES:
    raise ResultFileError(f"{path}: {size} bytes, more than a result file may hold ({MAX_RESULT_BYTES})")
  return check(parse(path.read_bytes(), str(path)), str(path))


def parse(data: bytes, source: str = "result file") -> dict:
  def no_constants(name):
    raise ValueError(f"{name} is not a JSON number")

  try:
    doc = json.loads(data.decode("utf-8"), parse_constant=no_constants)
  except (UnicodeDecodeError, ValueError) as e:
    raise ResultFileError(f"{source} is not a JSON result file ({e}). Fix: submit the file scripts/evaluate.py "
                          "wrote for a task") from e
  if not isinstance(doc, dict):
    raise ResultFileError(f"{source} is not a JSON object")
  return doc


def check(doc: dict, source: str = "result file") -> dict:
  """Schema, seal, then consistency: returns the document or raises ResultFileError."""
  version = doc.get("schema_version")
  if doc.get("schema") != SCHEMA or version != SCHEMA_VERSION:
    raise ResultFileError(
      f"{source}: schema {doc.get('schema')!r} version {version!r}; this SkillBench reads {SCHEMA!r} version "
      f"{SCHEMA_VERSION}. Fix: re-evaluate with this version's scripts/evaluate.py")
  import jsonschema

  errors = list(_validator().iter_errors(doc))
  if errors:
    first = _innermost(jsonschema.exceptions.best_match(errors))
    where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
    raise ResultFileError(f"{source}: does not follow the result schema at {where}: {_short(first.message)}"
                          + (f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""))
  if content_sha256(doc) != doc["content_sha256"]:
    raise ResultFileError(f"{source}: content_sha256 does not match its content: the file was edited after "
                          "scripts/evaluate.py wrote it")
  problems = consistency_problems(doc)
  if problems:
    more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
    raise ResultFileError(f"{source}: " + "; ".join(problems[:3]) + more)
  return doc


def consistency_problems(doc: dict) -> list[str]:
  """What does not follow from the rest of the document (empty when all does)."""
  import embodiments
  import tasks
  from skillbench import evaluation as evaluation_lib

  if doc["robot"] not in embodiments.NAMES:
    return [f"unknown robot {doc['robot']!r} (known: {', '.join(embodiments.NAMES)})"]
  if doc["task"] not in tasks.NAMES:
    return [f"unknown task {doc['task']!r} (known: {', '.join(tasks.NAMES)})"]
  problems = []
  ev, per, agg = doc["evaluation"], doc["metrics"]["per_rollout"], doc["metrics"]["aggregate"]
  if ev["protocol"] != is_protocol(doc["robot"], doc["task"], ev):
    problems.append(f"protocol is {ev['protocol']} but seed, rollouts, episode and settings say otherwise")
  task = tasks.make(doc["task"], _embodiment(doc["robot"]))
  if ev["threshold"] != task.threshold or ev["error_at"] != task.error_at:
    problems.append(f"threshold {ev['threshold']} / error_at {ev['error_at']!r} are not {task.display_name}'s "
                    f"({task.threshold} / {task.error_at!r})")
  if len(per) != ev["num_rollouts"]:
    problems.append(f"{len(per)} per-rollout entries for num_rollouts {ev['num_rollouts']}")
  names = set(agg)
  if any(set(r) != names for r in per):
    problems.append("per-rollout entries and aggregate name different metrics")
    return problems
  for i, r in enumerate(per):
    success = float(r["error"] < ev["threshold"] and r["fell"] == 0)
    if r["success"] != success:
      problems.append(f"rollout {i}: success {r['success']} does not follow from its error {r['error']} "
                      f"(threshold {ev['threshold']}) and fell {r['fell']}")
  for name in sorted(names):
    want = evaluation_lib.aggregate(np.array([r[name] for r in per]), ev["seed"])
    have = agg[name]
    for field in ("mean", "std", "ci95"):
      a, b = np.ravel(have[field]), np.ravel(want[field])
      if np.any(np.abs(a - b) > AGGREGATE_TOLERANCE * np.maximum(1.0, np.abs(b))):
        problems.append(f"aggregate {name} {field} {have[field]} does not follow from the per-rollout numbers "
                        f"and seed ({want[field]})")
        break
  return problems


@functools.lru_cache(maxsize=1)
def _validator():
  import jsonschema

  schema = json.loads(SCHEMA_FILE.read_text())
  return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _innermost(error):
  """For a failed oneOf/anyOf, the branch's own error (e.g. the bad path rather than 'not valid
  under any of the given schemas'), skipping branches that failed only on type (null vs object)."""
  while error.context:
    branches = [e for e in error.context if e.validator != "type"] or list(error.context)
    error = max(branches, key=lambda e: len(e.absolute_path))
  return error


def _embodiment(robot: str):
  import embodiments

  return embodiments.get(robot)


def _short(text: str, limit: int = 160) -> str:
  return text if len(text) <= limit else text[:limit] + "..."


def plain_json(value):
  """Plain JSON values (tuples become lists) so that a document equals its own round trip."""
  return json.loads(json.dumps(value, allow_nan=False))
