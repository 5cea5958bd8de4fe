"""The README's tables, generated from the code and from result files (never typed by hand).

A table lives between `<!-- BEGIN name -->` and `<!-- END name -->`; `update(text)` rewrites
every such section it knows. `tools/readme_tables.py` applies it (or checks it, in the tests).
"""

from __future__ import annotations

import json
import pathlib
import re

from skillbench import catalog
from skillbench.results import changes
from skillbench.robot.embodiment import MenagerieModel

ROOT = pathlib.Path(__file__).resolve().parents[2]
BENCHMARKS = {"cpu": ROOT / "benchmarks" / "cpu.json", "gpu": ROOT / "benchmarks" / "gpu.json"}


def robots_table() -> str:
  lines = [
    "| robot | policy joints | model | initial / nominal root height (m) | reaching point | pelvis mass randomisation (kg) |",
    "|---|---:|---|---|---|---|",
  ]
  for name in catalog.robot_names():
    e = catalog.robot(name)
    source = (
      f"Menagerie `{e.model.robot}/{e.model.file}`" if isinstance(e.model, MenagerieModel)
      else f"unitree_mujoco `{e.model.folder}/{e.model.file}`"
    )
    wrist = e.wrists[0]
    point = f"`{wrist.body}`" + ("" if wrist.offset == (0.0, 0.0, 0.0) else f" + {wrist.offset}")
    lines.append(
      f"| {e.display_name} (`{name}`) | {e.num_joints} | {source} | {e.init_height} / {e.nominal_height} | "
      f"{point} | {e.added_mass_range} |"
    )
  return "\n".join(lines)


def skills_table() -> str:
  e = catalog.robot("h1")
  lines = [
    "| skill | goal (size) | goal redrawn every | episode | forbidden contacts (H1) | reward terms |",
    "|---|---|---|---|---|---:|",
  ]
  for name in catalog.skill_names():
    s = catalog.skill(name, e)
    lines.append(
      f"| {name} | {s.goal_description} ({s.goal_size}) | {s.resample_seconds:g} s | {s.episode_seconds:g} s | "
      f"{', '.join(s.forbidden_groups)} | {len(s.weights)} |"
    )
  return "\n".join(lines)


TASK_STILLS = ROOT / "docs" / "tasks"


def tasks_table() -> str:
  """The eight tasks: a still of each scene (H1), level, skills, observation, score."""
  e = catalog.robot("h1")
  lines = [
    "| task | scene (H1) | level | skills | task observation | episode | task rewards (weight) | Error (unit) / success below |",
    "|---|---|---|---|---:|---|---|---|",
  ]
  for name in catalog.task_names():
    t = catalog.task(name, e)
    still = TASK_STILLS / f"h1_{name}.png"
    picture = f"![{t.display_name}](docs/tasks/{still.name})" if still.is_file() else "_(no still yet)_"
    error_at = "at each goal switch" if t.error_at == "switches" else "at the end"
    rewards = ", ".join(f"{k} ({w:g})" for k, w in t.weights.items())
    lines.append(
      f"| {t.display_name} (`{name}`) | {picture} | {t.level} | {' + '.join(t.skills)} | {t.goal_size} | "
      f"{t.episode_seconds:g} s | {rewards} | {error_at} ({t.error_unit}) / {t.threshold:g} |"
    )
  return "\n".join(lines)


def leaderboard_table() -> str:
  """The leaderboard's Markdown tables: accepted submissions under leaderboard/submissions/ (re-checked
  as `scripts/leaderboard.py` does), beside the paper's published numbers: verified rows ranked,
  stale ones labelled with their version, self-reported ones in tables of their own."""
  from skillbench.publish import leaderboard

  folder = ROOT / "leaderboard" / "submissions"
  return leaderboard.markdown_table(leaderboard.load_submissions(folder) if folder.is_dir() else []).rstrip("\n")


def reference_results(robot: str) -> str:
  """The benchmark's reference table for `robot` (skillbench.publish.reference_table) from the
  leaderboard's accepted submissions, with the paper's claims checked on our numbers."""
  from skillbench.publish import leaderboard, reference_table

  folder = ROOT / "leaderboard" / "submissions"
  return reference_table.markdown(leaderboard.load_submissions(folder) if folder.is_dir() else [], robot)


def other_methods(robot: str) -> str:
  """Ablations and other baselines of `robot` beside SkillBlender and flat PPO, task by task
  (skillbench.publish.reference_table.other_methods_markdown), from the leaderboard's accepted submissions."""
  from skillbench.publish import leaderboard, reference_table

  folder = ROOT / "leaderboard" / "submissions"
  return reference_table.other_methods_markdown(leaderboard.load_submissions(folder) if folder.is_dir() else [], robot)


def task_comparison_table() -> str:
  """The CPU task runs: result files under results/tasks/ (scripts/evaluate.py ... out=results/tasks/...),
  tabulated as scripts/compare.py does (not ranked: they are the project's runs, not leaderboard entries),
  beside the paper's numbers for the same tasks; each row names the SkillBench version that measured it."""
  from skillbench.publish import leaderboard
  from skillbench.results import result_file as results

  paths = sorted((ROOT / "results" / "tasks").glob("*.json"))
  if not paths:
    return "_No task comparison recorded yet._"
  rows = [leaderboard.Submission(id=p.stem, folder=p.parent, result=results.read(p)) for p in paths]
  return leaderboard.markdown_table(rows, only_submitted=True, ranked=False).rstrip("\n")


def benchmark_table(kind: str) -> str:
  from skillbench.results.throughput import table

  path = BENCHMARKS[kind]
  if not path.is_file():
    return f"_No {kind.upper()} benchmark recorded yet (`{path.relative_to(ROOT)}`)._"
  result = json.loads(path.read_text())
  m = result["machine"]
  devices = ", ".join(m.get("device_kinds") or m["jax_devices"])
  head = (
    f"Measured {result['date']} on {short_cpu_name(m['processor'])} ({m['cpus']} CPUs; JAX devices: {devices}), "
    f"MuJoCo {m['versions']['mujoco']}, MJX {m['versions']['mujoco_mjx']}, JAX {m['versions']['jax']}; "
    f"skill: {result['config']['primitive']}; file: `{path.relative_to(ROOT)}`."
  )
  return head + "\n\n" + table(result["rows"])


# Arguments every recorded run passes that say nothing about how it trained.
_UNINFORMATIVE_ARGS = ("embodiment=", "primitive=", "seed=", "runs_root=", "final_eval_rollouts=", "resume=")


def hardware_label(hardware: dict | None) -> str:
  """"NVIDIA H200", or "cpu (AMD EPYC, 2 cores)" where the run recorded its CPU model: throughput differs by machine."""
  hardware = hardware or {}
  label = ", ".join(hardware.get("devices", [])) or "?"
  if label == "cpu" and hardware.get("cpu_model"):
    label += f" ({short_cpu_name(hardware['cpu_model'])}, {hardware.get('cpus', '?')} cores)"
  return label


def short_cpu_name(model: str) -> str:
  """A CPU model name without trademark marks and filler: "Intel(R) Xeon(R) Processor" -> "Intel Xeon"."""
  words = re.sub(r"\((R|TM)\)", "", model, flags=re.IGNORECASE).split()
  return " ".join(w for w in words if w.lower() not in ("processor", "cpu")) or model


def training_arguments(commands: list[list[str]]) -> str:
  """How a run was trained, as its command-line overrides: the first start's, then each resume's."""
  parts = []
  for i, argv in enumerate(commands):
    args = [a for a in argv[1:] if not a.startswith(_UNINFORMATIVE_ARGS)]
    args = [f"init={pathlib.Path(a[5:]).name}" if a.startswith("init=") else a for a in args]  # the run, not its path
    text = " ".join(f"`{a}`" for a in args) or ("defaults" if i == 0 else "as before")
    parts.append(text if i == 0 else f"resumed with {text}")
  return "; ".join(parts) if parts else "?"


def code_version(git: dict | None) -> str:
  """A run's code: its commit, short, with "+" when the working tree had uncommitted changes."""
  git = git or {}
  if not git.get("commit"):
    return "?"
  return f"`{git['commit'][:7]}{'+' if git.get('dirty') else ''}`"


def training_table() -> str:
  """One row per recorded run (results/training/*.json): trained vs zero-action error."""
  from skillbench.evaluation.protocol import falls_of

  files = sorted((ROOT / "results" / "training").glob("*.json"))
  if not files:
    return "_No training run recorded yet (`tools/training_report.py`)._"
  lines = [
    "| robot | skill | trainer / backend / hardware | seed | code | arguments | env steps | wall-clock (min) | env steps/s | goal error, trained (settled) | goal error, zero action (settled) | falls trained / zero | curves |",
    "|---|---|---|---:|---|---|---:|---:|---:|---|---|---|---|",
  ]
  for path in files:
    r = json.loads(path.read_text())
    t = r["training"]
    zero = next(iter(r["zero_action"]["backends"].values()))
    err = lambda e: (f"{e['aggregate']['goal_error']['mean']:.3f} ({e['aggregate']['goal_error_settled']['mean']:.3f}) "
                     f"{e['error_unit']}")
    trained = "; ".join(f"{name}: {err(e)}" for name, e in r["trained"]["backends"].items())
    fell = lambda e: falls_of(e["aggregate"]["fell"]["mean"], e["num_rollouts"])
    falls = "; ".join(fell(e) for e in r["trained"]["backends"].values())
    hardware = hardware_label(t.get("hardware"))
    steps, wall = t.get("env_steps") or 0, t.get("wall_clock_s") or 0
    rate = f"{steps / wall:,.0f}" if wall else "?"  # over the whole run, a resumed run's both processes
    steps_text, wall_text = f"{steps:,}", f"{wall / 60:.1f}"
    if t.get("init"):  # a warm start: this run's own training, then what it started from
      before = t["init"]
      steps_text += f" (+{before.get('env_steps') or 0:,} in `{before.get('run')}`)"
      wall_text += f" (+{(before.get('wall_clock_s') or 0) / 60:.1f})"
    lines.append(
      f"| {r['embodiment']} | {r['skill']} | {t.get('trainer')} / {t.get('backend')} / {hardware} | "
      f"{t.get('seed', '?')} | {code_version(t.get('git'))} | {training_arguments(r.get('commands', []))} | {steps_text} | {wall_text} | {rate} | "
      f"{trained} | {err(zero)} | {falls} / {fell(zero)} | "
      f"[png](results/training/{path.stem}.png) |"
    )
  return "\n".join(lines)


def library_table() -> str:
  """The pretrained library: one row per checkpoints/<robot>/<skill>/manifest.json, with the
  SkillBench version that measured it and, where the current version scores worse than the entry's
  earlier evaluation, that earlier number beside it (a changed definition shows, not hides)."""
  from skillbench.evaluation.protocol import falls_of
  from skillbench.policy import library

  root = ROOT / "checkpoints"
  manifests = [library.manifest(robot, skill, root) for robot, skill in library.entries(root)]
  if not manifests:
    return "_The library is empty._"
  lines = [
    ("| robot | skill | trained on | env steps | wall-clock (min) | goal error (settled), native | falls | "
     "goal error, MJX | falls, MJX | measured on | before | sha256 |"),
    "|---|---|---|---:|---:|---|---:|---|---:|---|---|---|",
  ]
  for m in manifests:
    ev = m["evaluation"].get("mujoco") or next(iter(m["evaluation"].values()))
    mjx = m["evaluation"].get("mjx")
    hardware = hardware_label(m.get("hardware"))
    sim_to_sim = (f"{mjx['goal_error']['mean']:.3f} {mjx['error_unit']} | {falls_of(mjx['fell']['mean'], mjx['num_rollouts'])}"
                  if mjx else "not measured | ")
    lines.append(
      f"| {m['robot']} | {m['skill']} | {m.get('trainer')} / {m.get('backend')} / {hardware} | "
      f"{m.get('env_steps') or 0:,} | {(m.get('wall_clock_s') or 0) / 60:.1f} | "
      f"{ev['goal_error']['mean']:.3f} ({ev['goal_error_settled']['mean']:.3f}) {ev['error_unit']} | "
      f"{falls_of(ev['fell']['mean'], ev['num_rollouts'])} | {sim_to_sim} | {measured_on(m)} | {worse_before(m, ev)} | "
      f"`{m['policy_sha256'][:12]}` |"
    )
  return "\n".join(lines)


def measured_on(manifest: dict) -> str:
  """The SkillBench version of an entry's evaluation, "(stale)" when a later version changed its robot's skill
  (`changes.holds`)."""
  version = (manifest.get("evaluated_with") or {}).get("skillbench") or "before 0.2.0"
  fell = any(ev.get("fell", {}).get("mean") != 0 for ev in manifest["evaluation"].values())
  return version if changes.holds(version, manifest["robot"], manifest["skill"], fell=fell) else f"{version} (stale)"


def worse_before(manifest: dict, now: dict) -> str:
  """The entry's last evaluation on an earlier version when it scored better than `now` (native), and the
  entry it replaced (`library.add`), if any, with that entry's last score."""
  text = _worse_before(manifest, now)
  replaced = manifest.get("replaced_entries") or []
  if not replaced:
    return text
  from skillbench.evaluation.protocol import falls_of

  old = replaced[-1]["evaluation"].get("mujoco") or next(iter(replaced[-1]["evaluation"].values()))
  version = (replaced[-1].get("evaluated_with") or {}).get("skillbench") or "an older version"
  note = (f"replaces an entry scoring {old['goal_error']['mean']:.3f} {old['error_unit']}, "
          f"{falls_of(old['fell']['mean'], old['num_rollouts'])} falls (on {version})")
  return note if text == "-" else f"{text}; {note}"


def _worse_before(manifest: dict, now: dict) -> str:
  for old in reversed(manifest.get("superseded_evaluations", [])):
    version = (old.get("evaluated_with") or {}).get("skillbench")
    before = (old.get("evaluation") or {}).get("mujoco")
    if before is None or version == measured_on(manifest):
      continue
    worse = (now["goal_error"]["mean"] > before["goal_error"]["mean"] + 0.0005
             or now["fell"]["mean"] > before["fell"]["mean"])
    if not worse:
      return "-"
    from skillbench.evaluation.protocol import falls_of

    return (f"{before['goal_error']['mean']:.3f} {before['error_unit']}, "
            f"{falls_of(before['fell']['mean'], before['num_rollouts'])} falls on {version or 'an older version'}")
  return "-"


SECTIONS = {
  "training": training_table,
  "library": library_table,
  "robots": robots_table,
  "skills": skills_table,
  "tasks": tasks_table,
  "leaderboard": leaderboard_table,
  "task-comparison": task_comparison_table,
  "results-g1": lambda: reference_results("g1"),
  "results-h1": lambda: reference_results("h1"),
  "ablations-g1": lambda: other_methods("g1"),
  "ablations-h1": lambda: other_methods("h1"),
  "benchmark-cpu": lambda: benchmark_table("cpu"),
  "benchmark-gpu": lambda: benchmark_table("gpu"),
}


def update(text: str) -> str:
  """`text` with every known section regenerated."""
  for name, make in SECTIONS.items():
    pattern = re.compile(rf"(<!-- BEGIN {name} -->\n)(?:.*?\n)?(<!-- END {name} -->)", re.DOTALL)
    text = pattern.sub(lambda m, make=make: m.group(1) + make() + "\n" + m.group(2), text)
  return text
