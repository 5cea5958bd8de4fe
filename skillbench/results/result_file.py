"""SkillBench result files: one evaluation of one policy on one task, robot and backend.

A result file is JSON in the published schema `skillbench/results/schemas/result-v2.schema.json`: what was
evaluated (robot, task, method, backend, timing), how (seed, rollouts, episode, environment
settings, how Error and P are computed), the numbers (per rollout and aggregated), the training
compute, and provenance (code commit, package versions, sha256 of the checkpoint, of the resolved
configuration and of every robot and scene model file), sealed by `content_sha256`: the sha256 of
the canonical JSON of everything else. The checkpoint and video it names lie beside it.

Two success numbers, named apart (version 2; version 1 files are still read, see `success` and
`success_rate`):

  success        the spec's, per task and method: the mean Error over the rollouts is below the
                 task's threshold (yes/no);
  success_rate   ours, per rollout 1 when its Error is below the threshold and the robot did not
                 fall; aggregated as the share of rollouts, with its 95 % interval (version 1 named
                 this metric `success`).

Result files are untrusted input: `read` bounds their size and nesting, parses strict JSON (no NaN),
checks the schema, the seal, and that every aggregate, success flag and task constant follows from
the rest. None of that makes the numbers true (anyone can recompute the seal): only a re-run by the
leaderboard's own evaluation (`skillbench.results.submission`, `--reproduce`) measures them.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import os
import pathlib
import platform
import re

import jsonschema
import numpy as np

import skillbench
from skillbench import catalog, provenance
from skillbench.envs.env_config import EnvConfig
from skillbench.errors import SkillBenchError

SCHEMA = "skillbench-result"
SCHEMA_VERSION = 2  # what `from_evaluation` writes
READ_VERSIONS = (1, 2)  # what `read` accepts
SCHEMA_FILE = pathlib.Path(__file__).parent / "schemas" / f"result-v{SCHEMA_VERSION}.schema.json"
MAX_RESULT_BYTES = 8 * 2**20
MAX_NESTING = 32  # levels of objects and arrays; a result file needs 6 (its config a few more)
RATE = {1: "success", 2: "success_rate"}  # the per-rollout success metric's name by schema version
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
  from skillbench.policy.checkpoint import file_sha256

  path = pathlib.Path(path)
  return {"path": path.name, "sha256": file_sha256(path), "bytes": path.stat().st_size}


RECORDED_PACKAGES = ("mujoco", "mujoco-mjx", "jax", "jaxlib", "brax", "flax")


def versions() -> dict:
  """The versions a result file records: skillbench, python and RECORDED_PACKAGES (None if missing)."""
  return {
    "skillbench": skillbench.__version__, "python": platform.python_version(),
    **provenance.versions(RECORDED_PACKAGES, missing_as_none=True),
  }


@functools.lru_cache(maxsize=16)
def model_file_hashes(robot: str, task: str, timing: str = "default") -> dict:
  """sha256 of the robot's MJCF and every mesh/texture it reads (named relative to the robot's
  folder), and of the task scene as built (`scene.xml`: robot, floor, lights and task objects)."""
  from skillbench.policy.checkpoint import file_sha256
  from skillbench.robot import model_files
  from skillbench.sim import scene

  embodiment = catalog.robot(robot)
  xml = model_files.robot_xml(embodiment)
  spec = scene.scene_spec(embodiment, timing)
  catalog.task(task, embodiment).add_objects(spec, embodiment)
  files = {xml.name: xml}
  for folder, assets in ((spec.meshdir, (*spec.meshes, *spec.hfields)), (spec.texturedir, spec.textures)):
    for name in sorted({a.file for a in assets if a.file}):
      relative = f"{folder}/{name}" if folder else name
      files[relative] = xml.parent / relative
  hashes = {name: file_sha256(path) for name, path in sorted(files.items())}
  hashes["scene.xml"] = hashlib.sha256(spec.to_xml().encode()).hexdigest()
  return hashes


VARIANT = re.compile(r"[a-z0-9_]+")  # a variant's name: the suffix of a method label, `blender-epochs2`


def method_of(loaded, baseline: str) -> str:
  """blender / no_softmax / hb (a blender checkpoint's method, `+skill` for a skill subset), ppo
  (a flat policy trained on the task by PPO), fast_td3 (one trained by FastTD3) or the baseline's name."""
  if loaded is None:
    return baseline
  meta = loaded.checkpoint.metadata
  if "blender" in meta:
    method = meta["blender"]["method"]
    skills = [s["name"] for s in meta["blender"]["skills"]]
    if method != "hb" and skills != list(catalog.task(loaded.skill, _embodiment(loaded.embodiment)).skills):
      method += "".join(f"+{s}" for s in skills)
    return method
  if (meta.get("training") or {}).get("trainer") == "fast_td3":
    return "fast_td3"
  return (meta.get("config") or {}).get("method") or "ppo"


def method_label(loaded, baseline: str, method: str | None = None, variant: str | None = None) -> str:
  """A task result's method label: `method`, else the checkpoint's (`method_of`), with `-<variant>` for a
  policy trained off its method's recipe (`blender-epochs2`: a leaderboard row of its own, outside the
  reference table). A variant needs a trained policy and a name of lower-case letters, digits and _."""
  label = method or method_of(loaded, baseline)
  if not variant:
    return label
  if loaded is None:
    raise SkillBenchError(f"variant={variant} marks a trained policy's recipe, and the {baseline} baseline has none: "
                          "drop variant=")
  if not VARIANT.fullmatch(variant):
    raise SkillBenchError(f"variant={variant!r}: a variant joins the method label and folder names, so it takes "
                          "lower-case letters, digits and _ only (e.g. variant=epochs2)")
  return f"{label}-{variant}"


def recorded_settings(settings: dict) -> dict:
  """A result file's evaluation settings, with `EnvConfig` fields added since it was written read
  as their defaults (the behaviour of the code that wrote it)."""
  return {**plain_json(EnvConfig().__dict__), **settings}


def is_protocol(robot: str, task: str, evaluation: dict) -> bool:
  """Whether an evaluation follows the benchmark protocol: seed 0, 20 rollouts, the task's episode,
  the evaluation settings (spec section 6)."""
  from skillbench.evaluation import protocol as evaluation_lib

  episode = catalog.task(task, _embodiment(robot)).episode_seconds
  settings = EnvConfig.evaluation(timing=evaluation["settings"].get("timing", "default"),
                                  goal_period_s=evaluation_lib.evaluation_goal_period(robot, task))
  return (evaluation["seed"] == PROTOCOL_SEED and evaluation["num_rollouts"] == PROTOCOL_ROLLOUTS
          and abs(evaluation["seconds"] - episode) < 1e-9 and plain_json(settings.__dict__) == recorded_settings(evaluation["settings"]))


def from_evaluation(record: dict, backend: str, config: dict, loaded=None, baseline: str = "zero",
                    method: str | None = None, impl: str | None = None, video=None) -> dict:
  """A sealed result file (schema version 2) from `evaluation.evaluate_policy`'s record for one backend.

  `config`: the resolved evaluation configuration; `video`: an mp4 beside the result file. The
  record's per-rollout `success` becomes `success_rate`; `success` is the spec's yes/no.
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
  config = plain_json(config)
  doc = {
    "schema": SCHEMA, "schema_version": SCHEMA_VERSION, "benchmark_version": versions()["skillbench"],
    "robot": robot, "task": task, "method": method or method_of(loaded, baseline), "backend": backend,
    "impl": impl if backend == "mjx" else None, "timing": record["timing"], "evaluation": evaluation,
    "metrics": renamed_metrics(e["per_rollout"], e["aggregate"], RATE[SCHEMA_VERSION]),
    "success": spec_success(e["aggregate"]["error"]["mean"], t["threshold"]),
    "training": training,
    "checkpoint": file_record(loaded.checkpoint.path) if loaded is not None else None,
    "video": file_record(video) if video is not None else None,
    "provenance": {
      "git": provenance.git_commit(), "versions": versions(),
      "config_sha256": hashlib.sha256(canonical_json(config)).hexdigest(),
      "model_files": model_file_hashes(robot, task, record["timing"]), "machine": provenance.hardware(),
      "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    },
    "config": config,
  }
  return seal(doc)


def renamed_metrics(per_rollout: list, aggregate: dict, rate: str) -> dict:
  """{per_rollout, aggregate} with the success metric (`success` or `success_rate`) named `rate`."""
  name = lambda k: rate if k in RATE.values() else k
  return {"per_rollout": [{name(k): v for k, v in r.items()} for r in per_rollout],
          "aggregate": {name(k): v for k, v in aggregate.items()}}


def spec_success(mean_error: float, threshold: float) -> bool:
  """The spec's success of a task and method: the mean Error (the task's unit) below the threshold."""
  return bool(mean_error < threshold)


def success(doc: dict) -> bool:
  """The spec's success of a checked result file (version 1 files: computed from their mean Error)."""
  if "success" in doc and isinstance(doc["success"], bool):
    return doc["success"]
  return spec_success(doc["metrics"]["aggregate"]["error"]["mean"], doc["evaluation"]["threshold"])


def success_rate(doc: dict) -> dict:
  """The aggregate {mean, std, ci95} of the per-rollout success of a checked result file (any version)."""
  return doc["metrics"]["aggregate"][RATE[doc["schema_version"]]]


def metrics(doc: dict) -> dict:
  """A checked result's {per_rollout, aggregate} with this version's metric names (`success_rate`)."""
  m = doc["metrics"]
  return renamed_metrics(m["per_rollout"], m["aggregate"], RATE[SCHEMA_VERSION])


def same_environment(doc: dict) -> bool:
  """Whether this machine and these package versions are the ones `doc` records (then a re-run
  must give the same bits). Decided by this process's own `hardware()` and `versions()`."""
  prov = doc["provenance"]
  return prov["machine"] == provenance.hardware() and prov["versions"] == versions()


def version_tuple(version: str) -> tuple[int, ...]:
  """"0.3.0" -> (0, 3, 0); anything else -> () (older than every version)."""
  try:
    return tuple(int(part) for part in str(version).split("."))
  except ValueError:
    return ()


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
  return loads(read_bytes(path), str(path))


def read_bytes(path, limit: int = MAX_RESULT_BYTES) -> bytes:
  """A file's bytes, read once, refused (ResultFileError) when over `limit` bytes."""
  path = pathlib.Path(path)
  with open(path, "rb") as f:
    data = f.read(limit + 1)
  if len(data) > limit:
    raise ResultFileError(f"{path}: more than {limit} bytes, more than a result file may hold")
  return data


def loads(data: bytes, source: str = "result file") -> dict:
  """A result file's bytes, parsed and checked (`parse`, then `check`)."""
  return check(parse(data, source), source)


def parse(data: bytes, source: str = "result file") -> dict:
  doc = parse_json(data, source, "Fix: submit the file scripts/evaluate.py wrote for a task")
  if not isinstance(doc, dict):
    raise ResultFileError(f"{source} is not a JSON object")
  return doc


def parse_json(data: bytes, source: str, fix: str = "") -> object:
  """Strict JSON (no NaN or Infinity) nested at most MAX_NESTING levels; else ResultFileError."""
  def no_constants(name):
    raise ValueError(f"{name} is not a JSON number")

  try:
    value = json.loads(data.decode("utf-8"), parse_constant=no_constants)
  except RecursionError as e:
    raise ResultFileError(too_deep(source)) from e
  except (UnicodeDecodeError, ValueError) as e:
    raise ResultFileError(f"{source} is not a JSON result file ({e}). {fix}".rstrip()) from e
  if nesting(value) > MAX_NESTING:
    raise ResultFileError(too_deep(source))
  return value


def too_deep(source: str) -> str:
  return (f"{source}: JSON nested more than {MAX_NESTING} levels deep, deeper than a result file may be. Fix: "
          "submit the file scripts/evaluate.py wrote")


def nesting(value) -> int:
  """How many levels of objects and arrays `value` holds (0 for a number or string), counted
  without recursion and stopping once past MAX_NESTING."""
  deepest, stack = 0, [(value, 1)]
  while stack and deepest <= MAX_NESTING:
    item, level = stack.pop()
    if isinstance(item, dict | list):
      deepest = max(deepest, level)
      stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
  return deepest


def check(doc: dict, source: str = "result file") -> dict:
  """Schema, seal, then consistency: returns the document or raises ResultFileError."""
  version = doc.get("schema_version")
  if doc.get("schema") != SCHEMA or isinstance(version, bool) or version not in READ_VERSIONS:
    raise ResultFileError(
      f"{source}: schema {doc.get('schema')!r} version {version!r}; this SkillBench reads {SCHEMA!r} versions "
      f"{', '.join(map(str, READ_VERSIONS))}. Fix: re-evaluate with this version's scripts/evaluate.py")
  errors = list(_validator(version).iter_errors(doc))
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


def some_rollout_fell(doc: dict) -> bool:
  """Whether a rollout of the result's evaluation fell (True when the file does not say)."""
  per_rollout = (doc.get("metrics") or {}).get("per_rollout")
  if not isinstance(per_rollout, list):
    return True
  return any(not isinstance(r, dict) or r.get("fell") != 0 for r in per_rollout)


def is_current(doc: dict) -> bool:
  """Whether `doc` was measured with the installed SkillBench version."""
  return doc.get("benchmark_version") == skillbench.__version__


def this_version_problems(doc: dict) -> list[str]:
  """A result of the installed version: its protocol flag and task constants are this version's."""
  ev, problems = doc["evaluation"], []
  if ev["protocol"] != is_protocol(doc["robot"], doc["task"], ev):
    problems.append(f"protocol is {ev['protocol']} but seed, rollouts, episode and settings say otherwise")
  task = catalog.task(doc["task"], _embodiment(doc["robot"]))
  if ev["threshold"] != task.threshold or ev["error_at"] != task.error_at:
    problems.append(f"threshold {ev['threshold']} / error_at {ev['error_at']!r} are not {task.display_name}'s "
                    f"({task.threshold} / {task.error_at!r})")
  return problems


def other_version_problems(doc: dict) -> list[str]:
  """A result of another version: its episode, settings and task constants were that version's,
  which this one cannot recompute (it is read, labelled with its version, and re-measured to be
  ranked), so only the version-independent part of its protocol claim is checked."""
  ev = doc["evaluation"]
  if ev["protocol"] and (ev["seed"] != PROTOCOL_SEED or ev["num_rollouts"] != PROTOCOL_ROLLOUTS):
    return [f"protocol is True but seed {ev['seed']} and {ev['num_rollouts']} rollouts say otherwise"]
  return []


def consistency_problems(doc: dict) -> list[str]:
  """What does not follow from the rest of the document (empty when all does)."""
  from skillbench.evaluation import protocol as evaluation_lib

  if doc["robot"] not in catalog.robot_names():
    return [f"unknown robot {doc['robot']!r} (known: {', '.join(catalog.robot_names())})"]
  if doc["task"] not in catalog.task_names():
    return [f"unknown task {doc['task']!r} (known: {', '.join(catalog.task_names())})"]
  ev, per, agg = doc["evaluation"], doc["metrics"]["per_rollout"], doc["metrics"]["aggregate"]
  rate = RATE[doc["schema_version"]]
  problems = this_version_problems(doc) if is_current(doc) else other_version_problems(doc)
  if len(per) != ev["num_rollouts"]:
    problems.append(f"{len(per)} per-rollout entries for num_rollouts {ev['num_rollouts']}")
  names = set(agg)
  if any(set(r) != names for r in per):
    problems.append("per-rollout entries and aggregate name different metrics")
    return problems
  for i, r in enumerate(per):
    succeeded = float(r["error"] < ev["threshold"] and r["fell"] == 0)
    if r[rate] != succeeded:
      problems.append(f"rollout {i}: {rate} {r[rate]} does not follow from its error {r['error']} "
                      f"(threshold {ev['threshold']}) and fell {r['fell']}")
  if "success" in doc and doc["success"] != spec_success(agg["error"]["mean"], ev["threshold"]):
    problems.append(f"success {doc['success']} does not follow from the mean Error {agg['error']['mean']} "
                    f"(threshold {ev['threshold']})")
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


def schema_file(version: int = SCHEMA_VERSION) -> pathlib.Path:
  return SCHEMA_FILE.with_name(f"result-v{version}.schema.json")


@functools.lru_cache(maxsize=len(READ_VERSIONS))
def _validator(version: int = SCHEMA_VERSION):
  schema = json.loads(schema_file(version).read_text())
  return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _innermost(error):
  """For a failed oneOf/anyOf, the branch's own error (e.g. the bad path rather than 'not valid
  under any of the given schemas'), skipping branches that failed only on type (null vs object)."""
  while error.context:
    branches = [e for e in error.context if e.validator != "type"] or list(error.context)
    error = max(branches, key=lambda e: len(e.absolute_path))
  return error


def _embodiment(robot: str):
  return catalog.robot(robot)


def _short(text: str, limit: int = 160) -> str:
  return text if len(text) <= limit else text[:limit] + "..."


def plain_json(value):
  """Plain JSON values (tuples become lists) so that a document equals its own round trip."""
  return json.loads(json.dumps(value, allow_nan=False))
