"""A submission's details page: trust, settings, claims, provenance, rollouts and video."""

from __future__ import annotations

import json

import skillbench
from skillbench.publish.leaderboard.entries import Submission, finite
from skillbench.publish.leaderboard.markup import e, href, page
from skillbench.publish.leaderboard.rows import METRIC_ORDER, NONE, number, robot_label, success_text, task_label
from skillbench.results import result_file as results


def details_page(sub: Submission) -> str:
  r = sub.result
  evaluation = r.get("evaluation") if isinstance(r.get("evaluation"), dict) else {}
  measured = results.metrics(r)  # this version's metric names (success_rate)
  title = f"{task_label(sub.task)} · {sub.method} · {robot_label(sub.robot)}"
  whose = "measured by the leaderboard" if sub.verified else "self-reported: the submitter's, not re-measured"
  body = "\n".join([
    "<p><a href=\"../index.html\">← leaderboard</a></p>",
    f"<h1>{e(title)}</h1>",
    section("Submission", kv_table(summary_pairs(sub))),
    section("Trust", kv_table(trust_pairs(sub))),
    section(f"Results ({whose})", aggregate_table(measured["aggregate"])),
    video_section(sub),
    section("Evaluation", kv_table((k, v) for k, v in evaluation.items() if k != "settings")
            + "\n<h3>Settings</h3>\n" + kv_table(mapping(evaluation.get("settings")))),
    section("Claims (the submitter's, not verified)", claims_html(sub)),
    section("Provenance of the numbers" + ("" if sub.verified else " (as the submitter reports it)"),
            provenance_html(r)),
    section("Per-rollout metrics", rollout_table(measured["per_rollout"])),
    section("Configuration", "<details><summary>the resolved evaluation configuration</summary>\n<pre>"
            + e(json.dumps(r.get("config"), indent=2, ensure_ascii=False)) + "</pre></details>"),
  ])
  return page(f"{title} — SkillBench leaderboard", body, "../style.css")


def summary_pairs(sub: Submission) -> list[tuple]:
  return [
    ("Submission", sub.id), ("Robot", f"{robot_label(sub.robot)} ({sub.robot})"),
    ("Task", f"{task_label(sub.task)} ({sub.task})"), ("Method", sub.method), ("Backend", sub.backend),
    ("Timing", sub.result.get("timing")), ("Accepted", sub.accepted_at),
    ("Success (mean Error below the threshold)", success_text({"success": results.success(sub.result)})),
  ]


def trust_pairs(sub: Submission) -> list[tuple]:
  """Who measured the numbers, on which version, how the submitted ones compared, what was checked."""
  verification = sub.record.get("verification") if isinstance(sub.record.get("verification"), dict) else None
  if not sub.verified:
    numbers = "self-reported: the submitter's numbers, checked for form and consistency only, not re-measured"
  elif verification is None:
    numbers = ("verified when filed: the leaderboard re-ran the checkpoint and found the filed numbers reproduced "
               "(the check of that version; it filed the submitter's file)")
  else:
    numbers = "verified: measured by the leaderboard's own evaluation of the submitted checkpoint"
  if sub.stale:
    version = (f"measured on SkillBench {sub.version}; the installed version is {skillbench.__version__}: stale, not "
               f"re-measured on it ({sub.why_stale})")
  elif sub.version == skillbench.__version__:
    version = f"measured on SkillBench {sub.version} (the installed version)"
  else:
    version = (f"measured on SkillBench {sub.version}; holds on the installed {skillbench.__version__}, which "
               f"changed nothing of this robot's task (skillbench/results/changes.py)")
  pairs = [("Numbers", numbers), ("Version", version)]
  if verification is not None:
    by = verification.get("by") if isinstance(verification.get("by"), dict) else {}
    pairs += [("Compared with the submitted numbers", verification.get("comparison")),
              ("Measured on", json.dumps(by.get("machine"), ensure_ascii=False))]
  pairs.append(("Method label", sub.record.get("method_check") or "not checked against the checkpoint (filed "
                                                                   "before labels were checked)"))
  if sub.duplicates:
    pairs.append(("Also filed (the same evaluation)", ", ".join(sub.duplicates)))
  return pairs


def section(heading: str, content: str) -> str:
  return f"<section>\n<h2>{e(heading)}</h2>\n{content}\n</section>"


def text(value) -> str:
  if value is None:
    return NONE
  return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def mapping(value) -> list[tuple]:
  return list(value.items()) if isinstance(value, dict) else []


def kv_table(pairs, mono: bool = False) -> str:
  pairs = list(pairs)
  if not pairs:
    return f"<p class=\"note\">{NONE}</p>"
  cell = "<td class=\"mono\">" if mono else "<td>"
  body = "\n".join(f"<tr><th scope=\"row\">{e(k)}</th>{cell}{e(text(v))}</td></tr>" for k, v in pairs)
  return f"<table class=\"kv\">\n<tbody>\n{body}\n</tbody>\n</table>"


def grid(headers, body_rows) -> str:
  head = "".join(f"<th{numeric(i)} scope=\"col\">{e(h)}</th>" for i, h in enumerate(headers))
  body = "\n".join("<tr>" + "".join(f"<td{numeric(i)}>{e(c)}</td>" for i, c in enumerate(cells)) + "</tr>"
                   for cells in body_rows)
  return f"<div class=\"table-wrap\"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>"


def numeric(column: int) -> str:
  return " class=\"num\"" if column else ""


def ordered(names) -> list[str]:
  names = [str(n) for n in names]
  return [n for n in METRIC_ORDER if n in names] + sorted(n for n in names if n not in METRIC_ORDER)


def cell_number(value, metric: str = "") -> str:
  return number(finite(value), metric) if finite(value) is not None else text(value)


def aggregate_table(aggregate) -> str:
  aggregate = aggregate if isinstance(aggregate, dict) else {}
  body = []
  for name in ordered(aggregate):
    entry = aggregate[name] if isinstance(aggregate[name], dict) else {}
    low_high = entry.get("ci95") if isinstance(entry.get("ci95"), list) and len(entry.get("ci95")) == 2 else None
    interval = f"[{cell_number(low_high[0], name)}, {cell_number(low_high[1], name)}]" if low_high else NONE
    body.append([name, cell_number(entry.get("mean"), name), cell_number(entry.get("std"), name), interval])
  return grid(["metric", "mean", "std", "95 % interval of the mean"], body)


def rollout_table(per_rollout) -> str:
  per_rollout = [r for r in per_rollout if isinstance(r, dict)] if isinstance(per_rollout, list) else []
  names = ordered({name for r in per_rollout for name in r})
  body = [[str(i), *(cell_number(r.get(n), n) for n in names)] for i, r in enumerate(per_rollout)]
  return grid(["rollout", *names], body)


def claims_html(sub: Submission) -> str:
  """What the submitter states and nothing re-measured: the method label (unless the checkpoint
  decided it), the training compute and hardware, the code's git commit, and (verified entries)
  the submitted numbers."""
  claimed = sub.submitted or sub.result
  prov = claimed.get("provenance") if isinstance(claimed.get("provenance"), dict) else {}
  git = prov.get("git") if isinstance(prov.get("git"), dict) else {}
  checked = "checked against" in str(sub.record.get("method_check"))
  pairs = [
    ("method label", f"{claimed.get('method')} ({'checked against the checkpoint' if checked else 'claimed'})"),
    ("git commit", f"{text(git.get('commit'))}{' (dirty)' if git.get('dirty') else ''}"),
    ("created", prov.get("created")), ("machine", json.dumps(prov.get("machine"), ensure_ascii=False)),
  ]
  if sub.submitted is not None:
    agg = results.metrics(sub.submitted)["aggregate"]
    pairs += [("submitted mean Error", agg["error"]["mean"]), ("submitted success rate", agg["success_rate"]["mean"])]
  return kv_table(pairs) + "\n<h3>Training compute</h3>\n" + training_html(claimed.get("training"))


def training_html(training) -> str:
  if not isinstance(training, dict):
    return "<p class=\"note\">none given (a baseline, or a policy without a training record)</p>"
  pairs = [(k, v) for k, v in training.items() if k != "hardware"]
  return kv_table(pairs) + "\n<h3>Hardware</h3>\n" + kv_table(mapping(training.get("hardware")))


def provenance_html(r: dict) -> str:
  prov = r.get("provenance") if isinstance(r.get("provenance"), dict) else {}
  git = prov.get("git") if isinstance(prov.get("git"), dict) else {}
  checkpoint = r.get("checkpoint") if isinstance(r.get("checkpoint"), dict) else {}
  hashes = [
    ("git commit", f"{text(git.get('commit'))}{' (dirty)' if git.get('dirty') else ''}"),
    ("created", prov.get("created")), ("config sha256", prov.get("config_sha256")),
    ("checkpoint", checkpoint.get("path")), ("checkpoint sha256", checkpoint.get("sha256")),
    ("checkpoint bytes", checkpoint.get("bytes")), ("content sha256", r.get("content_sha256")),
  ]
  model_files = mapping(prov.get("model_files"))
  return "\n".join([
    kv_table(hashes, mono=True),
    "<h3>Versions</h3>", kv_table(mapping(prov.get("versions"))),
    "<h3>Machine</h3>", kv_table(mapping(prov.get("machine"))),
    f"<h3>Model files</h3>\n<details><summary>sha256 of {len(model_files)} robot and scene model files</summary>",
    kv_table(model_files, mono=True), "</details>",
  ])


def video_section(sub: Submission) -> str:
  if sub.video is None:
    return ""
  src = href(sub.id, sub.video.name)
  return section("Video (the submitter's, not rendered by the leaderboard)",
                 f"<video controls preload=\"none\" src=\"{e(src)}\"></video>\n"
                 f"<p><a href=\"{e(src)}\">{e(sub.video.name)}</a></p>")
