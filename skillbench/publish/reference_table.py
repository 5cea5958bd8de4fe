"""The benchmark's reference table: per robot, every task x {SkillBlender, flat PPO}, our verified
leaderboard numbers beside the paper's, and the paper's claims checked on ours.

Our numbers are the leaderboard's verified entries that hold on the installed SkillBench version (not
stale: `skillbench.results.changes`) with the native MuJoCo backend (the MJX entries of the same policies agree; the leaderboard lists
them), whose policies were trained on a version whose definition of the task still holds
(`trained_on_this_definition`); a SkillBlender policy counts only if it blends the pretrained library's
current entries (the skills' sha256 its checkpoint records), so that the whole table uses one skill library. A method's policies on a task are its training seeds (of two trained with one seed, a cell
trained again, the one filed last counts); several show the mean over
policies of each one's mean over its 20 rollouts, the number of policies and, for two or more, the
95 % Student-t interval of the Error across them (`skillbench.results.seeds.t_interval`). Paper numbers:
`skillbench.results.paper` (H1: Error and feasibility, Tilt, h, tau and P, for both methods; G1: SkillBlender's Error).

Beside the Errors stands the zero-action baseline's (`ZERO`, the robot given zero actions: it falls),
the floor a method must beat to have learned anything; a claim line counts who beats it.

The claims checked: SkillBlender's Error below the task's threshold on at least `TARGET_SOLVED`
tasks; its Tilt below flat PPO's on every task where both stand (each falls in under half its
rollouts), and its torque no higher on most of them; for H1, its Tilt and power at or below the
paper's SkillBlender.
"""

from __future__ import annotations

import dataclasses
import math

from skillbench import catalog, provenance
from skillbench.results import changes, paper, seeds

METHODS = ("blender", "ppo")
ZERO = "zero"  # the zero-action baseline: the floor every method should beat
LIBRARY_BLENDERS = ("blender", "no_softmax")  # methods that blend the pretrained library's skills
PAPER_NAMES = {"blender": "skillblender", "ppo": "ppo"}
STANDS_BELOW = 0.5  # fall rate under which a method "stands" on a task
TARGET_SOLVED = 5  # SkillBlender below the threshold on at least this many tasks (issues 28 and 32)
BACKEND = "mujoco"
NONE = "–"


@dataclasses.dataclass(frozen=True)
class Cell:
  """One method's numbers on one task: means over its trained policies (`policies` of them)."""

  policies: int
  error: float | None
  fell: float | None
  tilt: float | None
  height: float | None  # m, the root's mean height above the floor (the paper's h)
  torque: float | None
  power: float | None
  error_interval: list[float] | None = None  # 95 % t-interval across policies (two or more)
  checkpoints: frozenset[str] = frozenset()  # the policies' checkpoint sha256s (entry ids where none)


def _mean(values) -> float | None:
  values = [v for v in values if v is not None and math.isfinite(v)]
  return sum(values) / len(values) if values else None


def base_method(label: str) -> str:
  """A method label without its skill subset and variant: `blender+reaching-epochs2` -> `blender`."""
  return label.split("-", 1)[0].split("+", 1)[0]


def replaced_skills(sub) -> list[str] | None:
  """The skills a library-blending entry's checkpoint (SkillBlender, its variants and `no_softmax`) blends
  whose library entry holds another policy now (`library.replaced_skills`), sorted: [] when it blends
  the current entries, and for other methods (flat policies, `hb`'s FarReach low level); None when its
  checkpoint cannot tell (unreadable, or it records no skills)."""
  from skillbench.policy import library

  if base_method(sub.method) not in LIBRARY_BLENDERS:
    return []
  try:
    blended = library.blended_skills(sub.folder / sub.result["checkpoint"]["path"])
  except (OSError, KeyError, TypeError, ValueError):
    return None
  return sorted(library.replaced_skills(sub.robot, blended)) if blended else None


def blends_the_library(sub) -> bool:
  """Whether an entry blends the pretrained library's current entries (`replaced_skills` is []): every
  skill's recorded source sha256 is its library entry's; other methods always count."""
  return replaced_skills(sub) == []


def earlier_skills(sub) -> list[str]:
  """The library skills, replaced since, for which alone the reference table does not count an entry
  (`replaced_skills` of an entry trained on this definition), else []: such an entry is a row of the
  other-methods table, marked with them."""
  return (replaced_skills(sub) or []) if trained_on_this_definition(sub) else []


def training_seed(sub):
  """The training seed its checkpoint records (None when it records none, or there is no checkpoint)."""
  from skillbench.policy import checkpoint as ckpt_lib

  try:
    return ckpt_lib.read_metadata(sub.folder / sub.result["checkpoint"]["path"])["training"]["seed"]
  except (OSError, KeyError, TypeError, ValueError):
    return None


def trained_version(sub) -> str | None:
  """The SkillBench version that trained an entry's policy: its checkpoint's training record, else the
  version at the commit it records (`provenance.version_at`); None when neither tells (or no checkpoint)."""
  from skillbench.policy import checkpoint as ckpt_lib

  try:
    training = ckpt_lib.read_metadata(sub.folder / sub.result["checkpoint"]["path"])["training"]
  except (OSError, KeyError, TypeError, ValueError):
    return None
  commit = (training.get("git") or {}).get("commit")
  return training.get("skillbench") or (provenance.version_at(commit) if commit else None)


def trained_on_this_definition(sub) -> bool:
  """Whether an entry's policy was trained on a version whose definition of its robot's task still
  holds (`changes.holds`): a policy trained before a later change to its task, re-measured since, is a
  leaderboard row but not the method's result on this benchmark. Unknown versions count."""
  version = trained_version(sub)
  return version is None or changes.holds(version, sub.robot, sub.task, policy=True)


def counts_in_table(sub) -> bool:
  """The entries the reference table counts: `blends_the_library` and `trained_on_this_definition`."""
  return blends_the_library(sub) and trained_on_this_definition(sub)


def policy_of(sub) -> str:
  """The policy an entry measured: its checkpoint's sha256 (the entry's id where it records none)."""
  return (sub.result.get("checkpoint") or {}).get("sha256") or sub.id


def filed_at(sub) -> str:
  """When an entry's result was created (its provenance), for ordering entries by filing."""
  return str((sub.result.get("provenance") or {}).get("created") or "")


def cells(submissions, robot: str, counts=counts_in_table, methods=METHODS,
          seed_of=training_seed) -> dict[tuple[str, str], Cell]:
  """{(task, method): Cell} from the verified, not stale, native-backend entries of `robot` that
  `counts`, of the given `methods` (None: every method label). A policy's repeated entries count once
  (by checkpoint hash); of several policies trained with one seed (`seed_of`; a cell trained again),
  the one filed last counts, so that a method's policies are its training seeds."""
  by_key: dict[tuple[str, str], dict[object, object]] = {}
  for sub in sorted(submissions, key=filed_at):
    if sub.robot != robot or (methods is not None and sub.method not in methods) or not sub.verified or sub.stale:
      continue
    if sub.result.get("backend") != BACKEND or not counts(sub):
      continue
    seed = seed_of(sub)
    by_key.setdefault((sub.task, sub.method), {})[("seed", seed) if seed is not None else ("policy", policy_of(sub))] = sub
  table = {}
  for key, policies in by_key.items():
    subs = list(policies.values())
    errors = [e for e in (s.aggregate("error") for s in subs) if e is not None and math.isfinite(e)]
    table[key] = Cell(len(subs), *(_mean(s.aggregate(m) for s in subs)
                                   for m in ("error", "fell", "tilt", "height", "torque", "power")),
                      error_interval=seeds.t_interval(errors), checkpoints=frozenset(map(policy_of, subs)))
  return table


def paper_cell(robot: str, task: str, method: str) -> Cell | None:
  if robot == "h1" and task in paper.PAPER_H1.get(PAPER_NAMES[method], {}):
    error, _, tilt, height, torque, power = paper.PAPER_H1[PAPER_NAMES[method]][task]
    return Cell(0, error, None, tilt, height, torque, power)
  if robot == "g1" and method == "blender" and task in paper.PAPER_G1_SKILLBLENDER_ERROR:
    return Cell(0, paper.PAPER_G1_SKILLBLENDER_ERROR[task], None, None, None, None, None)
  return None


def _number(value, digits: int = 3) -> str:
  return NONE if value is None else f"{value:.{digits}f}"


def _field(cell: Cell | None, name: str, digits: int = 3) -> str:
  if cell is None:
    return NONE
  text = _number(getattr(cell, name), digits)
  if name == "error" and cell.error_interval:
    low, high = cell.error_interval
    text += f" [{low:.{digits}f}, {high:.{digits}f}]"
  return text


def _below(a, b, strict: bool = False) -> bool:
  if a is None or b is None:
    return False
  return a < b if strict else a <= b


def stands(cell: Cell | None) -> bool:
  return cell is not None and cell.fell is not None and cell.fell < STANDS_BELOW


def markdown(submissions, robot: str, counts=counts_in_table, seed_of=training_seed) -> str:
  """The robot's reference table and its claims, as Markdown (`counts`, `seed_of`: as `cells`)."""
  ours = cells(submissions, robot, counts, seed_of=seed_of)
  embodiment = catalog.robot(robot)
  zero = cells(submissions, robot, counts, methods=(ZERO,), seed_of=seed_of)
  head = ["Task", "threshold", "Error: SkillBlender / PPO", "paper Error: SkillBlender / PPO", "Error: zero action",
          "policies",
          "Fall: SkillBlender / PPO", "Tilt (rad): SkillBlender / PPO", "paper Tilt", "h (m): SkillBlender / PPO",
          "paper h", "tau (N m): SkillBlender / PPO",
          "paper tau", "P (W): SkillBlender / PPO", "paper P"]
  lines = ["| " + " | ".join(head) + " |", "|---|---:|" + "---:|" * (len(head) - 2)]
  for task in catalog.task_names():
    threshold = catalog.task(task, embodiment).threshold
    sb, ppo = ours.get((task, "blender")), ours.get((task, "ppo"))
    psb, pppo = paper_cell(robot, task, "blender"), paper_cell(robot, task, "ppo")

    def pair(a, b, name, digits=3):
      return f"{_field(a, name, digits)} / {_field(b, name, digits)}"

    lines.append("| " + " | ".join([
      catalog.task_display_name(task), f"{threshold:g}", pair(sb, ppo, "error"), pair(psb, pppo, "error"),
      _field(zero.get((task, ZERO)), "error"), f"{sb.policies if sb else 0} / {ppo.policies if ppo else 0}", pair(sb, ppo, "fell", 2), pair(sb, ppo, "tilt"),
      pair(psb, pppo, "tilt"), pair(sb, ppo, "height", 2), pair(psb, pppo, "height", 2), pair(sb, ppo, "torque", 1), pair(psb, pppo, "torque", 1), pair(sb, ppo, "power", 1),
      pair(psb, pppo, "power", 1)]) + " |")
  return "\n".join(lines) + "\n\n" + "\n".join(f"- {claim}" for claim in claims(ours, robot, zero))


def claims(ours: dict, robot: str, zero: dict | None = None) -> list[str]:
  """The paper's claims, each with the count it rests on and the tasks it is still missing; with the
  zero-action baseline's cells (`zero`), which methods beat doing nothing."""
  embodiment = catalog.robot(robot)
  tasks = catalog.task_names()
  threshold = {t: catalog.task(t, embodiment).threshold for t in tasks}
  measured = [t for t in tasks if (t, "blender") in ours]
  solved = [t for t in measured if ours[t, "blender"].error is not None and ours[t, "blender"].error < threshold[t]]
  paper_solved = [t for t in tasks if (p := paper_cell(robot, t, "blender")) and p.error < threshold[t]]
  out = [(f"SkillBlender below the task's threshold: {len(solved)} of {len(tasks)} tasks ({len(measured)} measured; "
          f"target at least {TARGET_SOLVED}; the paper: {len(paper_solved)} of {len(tasks)}).")]
  both = [t for t in tasks if stands(ours.get((t, "blender"))) and stands(ours.get((t, "ppo")))]
  steadier = [t for t in both if _below(ours[t, "blender"].tilt, ours[t, "ppo"].tilt, strict=True)]
  lighter = [t for t in both if _below(ours[t, "blender"].torque, ours[t, "ppo"].torque)]
  out.append(f"Tasks where both methods stand (fall rate under {STANDS_BELOW:g}): {len(both)}. SkillBlender's Tilt "
             f"below flat PPO's on {len(steadier)} of them, its torque no higher on {len(lighter)}"
             + (f" (not yet: {', '.join(catalog.task_display_name(t) for t in both if t not in steadier)})"
                if len(steadier) < len(both) else "") + ".")
  if zero:
    beaten = {}  # method: (tasks where it and the baseline are measured, those where it beats the baseline)
    for method in METHODS:
      both_measured = [t for t in tasks if (t, method) in ours and (t, ZERO) in zero]
      beaten[method] = (both_measured, [t for t in both_measured
                                        if _below(ours[t, method].error, zero[t, ZERO].error, strict=True)])
    not_beaten = [f"{catalog.task_display_name(t)} {m}" for m in METHODS for t in beaten[m][0] if t not in beaten[m][1]]
    counts = {m: f"{len(beaten[m][1])} of {len(beaten[m][0])}" for m in METHODS}
    out.append(f"Error below the zero-action robot's (doing nothing, which falls): SkillBlender on {counts['blender']} "
               f"tasks, flat PPO on {counts['ppo']}" + (f" (not: {', '.join(not_beaten)})" if not_beaten else "") + ".")
  if robot == "h1":
    compared = [t for t in measured if paper_cell(robot, t, "blender")]
    at_or_below = [t for t in compared if _below(ours[t, "blender"].tilt, paper_cell(robot, t, "blender").tilt)
                   and _below(ours[t, "blender"].power, paper_cell(robot, t, "blender").power)]
    out.append(f"SkillBlender's Tilt and P at or below the paper's SkillBlender on {len(at_or_below)} of "
               f"{len(compared)} measured tasks (target: at least half of the {len(tasks)}).")
  missing = [f"{catalog.task_display_name(t)} {m}" for t in tasks for m in METHODS if (t, m) not in ours]
  if missing:
    out.append(f"Not measured yet ({len(missing)} of {len(tasks) * len(METHODS)}): {', '.join(missing)}.")
  return out


def other_methods_markdown(submissions, robot: str, counts=counts_in_table, seed_of=training_seed,
                           earlier=earlier_skills) -> str:
  """The ablations and baselines beside the reference methods: for every task where `robot` has an entry
  of another method (`no_softmax`, `hb`, a skill subset `blender+...`, a variant `<method>-<name>`), or one
  blending library skills replaced since it trained (`earlier`: the entry's replaced skills; rows marked
  with them), one row per method and library on that task, SkillBlender and flat PPO on the current
  library first; numbers as in the reference table. A row whose policies are those of SkillBlender's or
  flat PPO's row (one checkpoint filed under two labels) says so."""
  rows = {(t, m, "library" if base_method(m) in LIBRARY_BLENDERS else NONE): c
          for (t, m), c in cells(submissions, robot, counts, methods=None, seed_of=seed_of).items()
          if m != ZERO}  # the zero-action baseline has its column in the reference table
  replaced: dict[tuple[str, str], set[str]] = {}
  for sub in submissions:
    skills = earlier(sub) if sub.robot == robot else []
    if skills:
      replaced.setdefault((sub.task, sub.method), set()).update(skills)
  for (t, m), cell in cells(submissions, robot, lambda sub: bool(earlier(sub)), methods=None, seed_of=seed_of).items():
    rows[t, m, "earlier " + ", ".join(sorted(replaced.get((t, m), ())))] = cell
  tasks = [t for t in catalog.task_names()
           if any(task == t and (m not in METHODS or skills.startswith("earlier")) for task, m, skills in rows)]
  if not tasks:
    return "_No ablation or other baseline measured on this robot yet._"
  head = ["Task", "Method", "skills", "policies", "Error", "Fall", "Tilt (rad)", "h (m)", "tau (N m)", "P (W)"]
  lines = ["| " + " | ".join(head) + " |", "|---|---|---|" + "---:|" * (len(head) - 3)]
  for task in tasks:
    here = sorted(((m, skills) for t, m, skills in rows if t == task),
                  key=lambda ms: (ms[1].startswith("earlier"), METHODS.index(ms[0]) if ms[0] in METHODS else len(METHODS),
                                  ms))
    for method, skills in here:
      cell = rows[task, method, skills]
      twin = next((m for m, k in here if (m, k) != (method, skills) and m in METHODS and method not in METHODS
                   and rows[task, m, k].checkpoints == cell.checkpoints), None)
      lines.append("| " + " | ".join([
        catalog.task_display_name(task), method + (f" (the same policy as {twin})" if twin else ""), skills, str(cell.policies), _field(cell, "error"),
        _field(cell, "fell", 2), _field(cell, "tilt"), _field(cell, "height", 2), _field(cell, "torque", 1),
        _field(cell, "power", 1)]) + " |")
  return "\n".join(lines)
