"""The leaderboard: its Markdown tables, HTML escaping, rebuilds, the CLI, and the site in headless Chromium.

Submissions are synthetic result files that pass every check the build makes (schema, seal,
consistency, files): `make_result` computes their aggregates and success flags as the evaluation
does. The browser tests need Debian's chromium and chromium-driver; they fail, rather than skip,
without them.
"""

import functools
import hashlib
import html
import http.server
import importlib.util
import json
import pathlib
import re
import struct
import threading
import urllib.request

import jsonschema
import pytest

import skillbench
from skillbench import catalog
from skillbench.evaluation import protocol as evaluation
from skillbench.publish import leaderboard
from skillbench.publish.leaderboard import entries as leaderboard_entries
from skillbench.publish.leaderboard import rows as leaderboard_rows
from skillbench.publish.leaderboard import website as leaderboard_website
from skillbench.results import result_file as results
from skillbench.results import submission

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCHEMA = json.loads(results.schema_file().read_text())
CHROMIUM = pathlib.Path("/usr/bin/chromium")
CHROMEDRIVER = pathlib.Path("/usr/bin/chromedriver")
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
VIDEO = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(64)
HEADER = b'{"__metadata__":{"note":"a stand-in checkpoint: the build checks its sha256 and format only"}}'
CHECKPOINT = struct.pack("<Q", len(HEADER)) + HEADER
SHA = "ab" * 32
VERSION = skillbench.__version__


def sha256(data: bytes) -> str:
  return hashlib.sha256(data).hexdigest()


def rollout(error: float, i: int, threshold: float, fell: bool = False) -> dict:
  e = error + 0.001 * i
  return {
    "error": e, "success_rate": float(e < threshold and not fell), "fell": float(fell), "tilt": 0.05, "height": 0.9, "torque": 15.0,
    "power": 20.0, "torque_limit": 0.0, "joint_limit": 0.01, "foot_slip": 0.02, "action_jerk": 1500.0,
    "goal_error": 0.1, "goal_error_settled": 0.1, "seconds": 10.0,
  }


def make_result(robot="h1", task="box_push", method="blender", error=0.05, video=None, text="", version=VERSION,
                checkpoint=CHECKPOINT, seed=0, backend="mujoco", falls: int = 0) -> dict:
  """A sealed result document (schema version 2) that passes `results.check`: aggregates, success
  flags and task constants computed as the evaluation computes them. `text` goes into free-text fields;
  the first `falls` of its 3 rollouts fell."""
  t = catalog.task(task, catalog.robot(robot))
  per_rollout = [rollout(error, i, t.threshold, fell=i < falls) for i in range(3)]
  aggregate = {k: evaluation.aggregate([r[k] for r in per_rollout], seed) for k in per_rollout[0]}
  doc = {
    "schema": "skillbench-result", "schema_version": 2, "benchmark_version": version,
    "robot": robot, "task": task, "method": method, "backend": backend, "impl": None, "timing": "default",
    "evaluation": {
      "seed": seed, "seeds": "rollout i: jax.random.split(PRNGKey(seed), n)[i]", "num_rollouts": 3,
      "seconds": 10.0, "threshold": t.threshold, "error_at": t.error_at, "error_unit": "m", "goal_period_s": 10.0,
      "settings": {"obs_noise": False, "action_delay": True, "note": text or "plain", text or "key": 1},
      "power": "mean of |torque x velocity| per step", "episode": "the training episode", "protocol": False,
    },
    "metrics": {"per_rollout": per_rollout, "aggregate": aggregate},
    "success": aggregate["error"]["mean"] < t.threshold,
    "training": {"trainer": "brax", "env_steps": 1000000, "wall_clock_s": 3600.0, "hardware": {"gpu": text or "none"}},
    "checkpoint": ({"path": "policy.safetensors", "sha256": sha256(checkpoint), "bytes": len(checkpoint)}
                   if checkpoint else None),
    "video": {"path": "video.mp4", "sha256": sha256(video), "bytes": len(video)} if video else None,
    "provenance": {
      "git": {"commit": "0" * 40, "dirty": False},
      "versions": {"skillbench": version, "mujoco": "4.0.0", "mujoco-mjx": "3.17.0", "jax": "0.9.2",
                   "brax": "0.14.2", "python": "3.11.9"},
      "config_sha256": SHA, "model_files": {"h1.xml": SHA, "scene.xml": SHA},
      "machine": {"platform": f"Linux {text}", "cpus": 2}, "created": "2026-11-28T10:15:00+00:00",
    },
    "config": {"run": text or "runs/x", text or "k": [text]},
  }
  doc = results.seal(doc)
  jsonschema.Draft202012Validator(SCHEMA).validate(doc)
  return results.check(doc)


def write_submission(root: pathlib.Path, doc: dict, video: bytes | None = None, verified: bool = False,
                     submitted: dict | None = None, **info) -> str:
  """Files `doc` as scripts/submit.py would (verified: with `submitted`, default `doc` itself, as the
  submitter's file); returns the entry's id."""
  sub_id = submission.submission_id(doc)
  folder = root / sub_id
  folder.mkdir(parents=True)
  (folder / "result.json").write_text(json.dumps(doc, indent=2))
  record = {"id": sub_id, "accepted_at": "2026-11-28T10:20:00+00:00", "verified": verified,
            "reproduced": True if verified else None, "method_check": f"method {doc['method']}: a flat policy"}
  if verified:
    submitted = submitted or doc
    (folder / "submitted.json").write_text(json.dumps(submitted))
    record["verification"] = {"comparison": "bit-identical per-rollout numbers, every metric",
                              "submitted_sha256": submitted["content_sha256"],
                              "measured_sha256": doc["content_sha256"], "by": {"machine": {"cpus": 2}}}
  (folder / "submission.json").write_text(json.dumps({**record, **info}))
  if doc["checkpoint"] is not None:
    (folder / "policy.safetensors").write_bytes(CHECKPOINT)
  if video is not None:
    (folder / "video.mp4").write_bytes(video)
  return sub_id


@pytest.fixture(scope="module")
def ids(tmp_path_factory) -> dict:
  """{name: id} of the module's submissions (their folder: ids["root"] / id)."""
  root = tmp_path_factory.mktemp("leaderboard") / "submissions"
  evil = make_result(task="button_press", method="evil", text=SCRIPT + IMAGE)
  return {
    "root": root,
    "blender": write_submission(root, make_result(error=0.0123, video=VIDEO), VIDEO, verified=True),
    "ppo": write_submission(root, make_result(method="ppo", error=0.2), verified=True),
    "far_reach": write_submission(root, make_result(task="far_reach", error=0.031), verified=True),
    "g1": write_submission(root, make_result(robot="g1", error=0.047), verified=True),
    "evil": write_submission(root, evil, accepted_at=IMAGE),
    "forged": write_submission(root, make_result(method="forged", error=0.001)),
    "stale": write_submission(root, make_result(task="far_reach", method="ppo", error=0.02, version="0.1.0"),
                              verified=True),
  }


@pytest.fixture(scope="module")
def submissions(ids) -> pathlib.Path:
  return ids["root"]


@pytest.fixture(scope="module")
def site(submissions) -> pathlib.Path:
  site_dir = submissions.parent / "site"
  leaderboard.build_site(leaderboard.load_submissions(submissions), site_dir)
  return site_dir


def test_markdown_table_has_the_numbers_and_the_paper_rows(submissions):
  text = leaderboard.markdown_table(leaderboard.load_submissions(submissions))
  assert "### Unitree H1 (h1)" in text and "### Unitree G1 (g1)" in text
  assert (f"| 1 | BoxPush | blender | mujoco | 0.013 ± 0.001 | yes | 1.000 [1.000, 1.000] | 0.000 | 0.050 | 0.900 | 15.0 | "
          f"20.0 | {VERSION} |") in text
  assert "| 2 | BoxPush | ppo | mujoco | 0.201 ± 0.001 | no | 0.000 [0.000, 0.000] | 0.000 |" in text
  assert "| – | FarReach | paper: SkillBlender (reference) | Isaac Gym | 0.021 ± 0.012 | – | – | – | 0.045 | 0.955 | 13.5 | 20.2 | paper |" in text
  assert "| – | FootballShoot | paper: SkillBlender (reference) | Isaac Gym | 1.476 | – | – | – | – | – | – | – | paper |" in text
  h1 = text[text.index("(h1)"):text.index("(g1)")]
  tasks_in_order = [line.split(" | ")[1] for line in h1.splitlines() if line.startswith("| ") and "---" not in line]
  assert tasks_in_order.index("FarReach") < tasks_in_order.index("BoxPush") < tasks_in_order.index("PackageCarry")
  assert SCRIPT not in text and IMAGE not in text


def test_one_policy_filed_on_both_backends_shows_as_two_rows_told_apart_by_backend(tmp_path):
  root = tmp_path / "submissions"
  for backend in ("mujoco", "mjx"):
    write_submission(root, make_result(task="far_reach", error=0.031, backend=backend), verified=True)
  text = leaderboard.markdown_table(leaderboard.load_submissions(root), only_submitted=True)
  rows = [line for line in text.splitlines() if "| FarReach | blender |" in line]
  assert sorted(row.split(" | ")[3] for row in rows) == ["mjx", "mujoco"]


def test_markdown_cells_escape_pipes_and_newlines(tmp_path):
  doc = {**make_result(), "method": "a|b\nc"}  # past the schema: the table still treats it as text
  text = leaderboard.markdown_table([leaderboard.Submission("x", tmp_path, doc)])
  assert "| – | BoxPush | a\\|b c | mujoco | 0.051 ± 0.001 |" in text
  assert all(len(re.split(r"(?<!\\)\|", line)) == 15 for line in text.splitlines() if line.startswith("|"))


def test_generated_files_never_hold_unescaped_markup(site, ids):
  files = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".js", ".css")]
  assert len(files) == 3 + 7
  for path in files:
    content = path.read_text()
    for bad in (SCRIPT, IMAGE, "<img"):
      assert bad not in content, f"{bad!r} unescaped in {path}"
  details = (site / "submissions" / f"{ids['evil']}.html").read_text()
  assert html.escape(SCRIPT + IMAGE) in details and html.escape(IMAGE) in details
  assert "<" not in leaderboard_website.script_json({"x": SCRIPT}) and "innerHTML" not in (site / "app.js").read_text()


def test_details_page_shows_trust_provenance_claims_settings_and_rollouts(site, ids):
  page = (site / "submissions" / f"{ids['blender']}.html").read_text()
  for expected in ("Unitree H1 (h1)", "BoxPush (box_push)", "mujoco", "Numbers</th><td>verified: measured by",
                   f"measured on SkillBench {VERSION} (the installed version)", "Claims (the submitter&#x27;s",
                   "obs_noise", "1000000", "0" * 40, SHA, "4.0.0", "Linux", "Per-rollout metrics", "<td>2</td>",
                   "success_rate"):
    assert expected in page, expected
  assert '<video controls preload="none" src="' + ids["blender"] + '/video.mp4">' in page
  assert (site / "submissions" / ids["blender"] / "video.mp4").read_bytes() == VIDEO
  assert "<video" not in (site / "submissions" / f"{ids['ppo']}.html").read_text()
  claimed = (site / "submissions" / f"{ids['forged']}.html").read_text()
  assert "self-reported: the submitter&#x27;s numbers" in claimed and "(as the submitter reports it)" in claimed
  stale = (site / "submissions" / f"{ids['stale']}.html").read_text()
  assert f"measured on SkillBench 0.1.0; the installed version is {VERSION}: stale" in stale


def test_a_file_outside_the_submission_or_not_matching_its_hash_is_refused(tmp_path):
  doc = make_result(video=VIDEO)
  assert leaderboard_entries.named_file(tmp_path, {**doc["video"], "path": "../video.mp4"}) is None
  write_submission(tmp_path / "a", doc, VIDEO[:-1] + b"x")
  with pytest.raises(ValueError, match="video .* does not match the sha256"):
    leaderboard.load_submissions(tmp_path / "a")
  write_submission(tmp_path / "b", doc, VIDEO)
  (sub,) = leaderboard.load_submissions(tmp_path / "b")
  assert sub.video == tmp_path / "b" / sub.id / "video.mp4"


def test_rebuild_replaces_the_site_and_never_touches_submissions(tmp_path):
  root = tmp_path / "submissions"
  sub_id = write_submission(root, make_result(video=VIDEO), VIDEO)
  before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
  subs = leaderboard.load_submissions(root)
  site_dir = tmp_path / "site"
  leaderboard.build_site(subs, site_dir)
  (site_dir / "stale.html").write_text("old")
  assert leaderboard.build_site(subs, site_dir) == site_dir / "index.html"
  assert not (site_dir / "stale.html").exists() and (site_dir / "submissions" / f"{sub_id}.html").is_file()
  for folder in (root, tmp_path, tmp_path / "elsewhere"):
    (tmp_path / "elsewhere").mkdir(exist_ok=True)
    (tmp_path / "elsewhere" / "keep.txt").write_text("mine")
    with pytest.raises(ValueError):
      leaderboard.build_site(subs, folder)
  assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
  assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "site", "submissions"]


def load_script():
  spec = importlib.util.spec_from_file_location("leaderboard_script", ROOT / "scripts" / "leaderboard.py")
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def test_script_builds_both_and_refuses_a_missing_folder(submissions, tmp_path, capsys):
  script = load_script()
  markdown = tmp_path / "LEADERBOARD.md"
  assert script.main(["--submissions", str(submissions), "--site", str(tmp_path / "site"),
                      "--markdown", str(markdown)]) == 0
  assert "wrote the site" in capsys.readouterr().out
  assert markdown.read_text().startswith("# SkillBench leaderboard") and (tmp_path / "site" / "index.html").is_file()
  with pytest.raises(SystemExit) as exit_info:
    script.main(["--submissions", str(tmp_path / "missing")])
  assert exit_info.value.code == 2 and "does not exist" in capsys.readouterr().err


# The site in headless Chromium.


class QuietHandler(http.server.SimpleHTTPRequestHandler):
  def log_message(self, *args):
    pass


@pytest.fixture(scope="module")
def server(site):
  httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
  thread = threading.Thread(target=httpd.serve_forever, daemon=True)
  thread.start()
  yield f"http://127.0.0.1:{httpd.server_address[1]}/"
  httpd.shutdown()
  httpd.server_close()


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
  missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
  if missing:
    pytest.fail(f"{', '.join(missing)} not found: the browser tests need them. Fix: apt-get install chromium "
                "chromium-driver")
  from selenium import webdriver
  from selenium.webdriver.chrome.service import Service

  options = webdriver.ChromeOptions()
  for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                   "--no-first-run", "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
                   "--window-size=1400,1000"):
    options.add_argument(argument)
  options.binary_location = str(CHROMIUM)
  options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
  chrome = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
  chrome.set_page_load_timeout(20)
  yield chrome
  chrome.quit()


def severe(chrome) -> list:
  return [entry for entry in chrome.get_log("browser") if entry["level"] == "SEVERE"]


def no_alert(chrome) -> bool:
  from selenium.webdriver.support import expected_conditions

  return not expected_conditions.alert_is_present()(chrome)


def visible_rows(chrome, robot="h1", table="verified") -> list[tuple[str, str, str]]:
  """(task, method, error) of each row of `robot`'s table ("verified" or "self-reported"), top to bottom."""
  from selenium.webdriver.common.by import By

  keys = [k for k, _, _ in leaderboard_rows.COLUMNS]
  rows = chrome.find_elements(By.CSS_SELECTOR, f'section[data-robot="{robot}"] table.{table} tbody tr')
  cells = [[c.text.replace("\n", "") for c in row.find_elements(By.TAG_NAME, "td")] for row in rows]
  return [tuple(row[keys.index(k)] for k in ("task", "method", "error")) for row in cells]


def column(chrome, key: str, robot="h1", table="verified") -> list[str]:
  """The text of one column (COLUMNS' key) of `robot`'s table, top to bottom."""
  from selenium.webdriver.common.by import By

  i = [k for k, _, _ in leaderboard_rows.COLUMNS].index(key)
  rows = chrome.find_elements(By.CSS_SELECTOR, f'section[data-robot="{robot}"] table.{table} tbody tr')
  return [row.find_elements(By.TAG_NAME, "td")[i].text.replace("\n", " ") for row in rows]


def error_mean(row) -> float:
  return float(row[2].split(" ")[0])


def shown_robots(chrome) -> list[str]:
  from selenium.webdriver.common.by import By

  return [s.get_attribute("data-robot") for s in chrome.find_elements(By.CSS_SELECTOR, "section[data-robot]")]


def choose(chrome, select_id: str, value: str) -> None:
  from selenium.webdriver.common.by import By
  from selenium.webdriver.support.ui import Select

  Select(chrome.find_element(By.ID, select_id)).select_by_value(value)


def click_header(chrome, key: str, robot="h1") -> None:
  from selenium.webdriver.common.by import By

  chrome.find_element(By.CSS_SELECTOR, f'section[data-robot="{robot}"] th[data-key="{key}"] button').click()


@pytest.fixture(scope="module")
def index(driver, server):
  driver.get(server + "index.html")
  return driver


def test_index_loads_without_console_errors_and_shows_the_verified_rows_ranked(index):
  from selenium.webdriver.common.by import By

  assert severe(index) == [] and no_alert(index)
  assert shown_robots(index) == ["h1", "g1"]
  h1 = visible_rows(index)
  assert len(h1) == 4 + 16 and len(visible_rows(index, "g1")) == 1 + 8
  assert h1[0] == ("FarReach", "blender", "0.032 ± 0.001") and column(index, "rank")[0] == "1"
  assert ("BoxPush", "paper: PPOreference", "0.184 ± 0.207") in h1
  stale = h1.index(("FarReach", "ppo", "0.021 ± 0.001"))
  assert column(index, "rank")[stale] == "–" and column(index, "version")[stale] == "0.1.0stale"
  assert column(index, "success")[0] == "yes" and column(index, "success_rate")[0] == "1.000 [1.000, 1.000]"
  reference = h1.index(("BoxPush", "paper: PPOreference", "0.184 ± 0.207"))
  assert column(index, "backend")[0] == "mujoco" and column(index, "backend")[reference] == "Isaac Gym"
  assert not any(m in ("evil", "forged") for _, m, _ in h1), "self-reported rows are not in the main table"
  hidden = index.find_element(By.CSS_SELECTOR, 'section[data-robot="h1"] .hidden-rows').text
  assert hidden.startswith("2 self-reported rows hidden") and visible_rows(index, table="self-reported") == []


def test_clicking_a_header_sorts_and_clicking_again_reverses(index):
  before = visible_rows(index)
  click_header(index, "error")
  ascending = visible_rows(index)
  assert ascending != before and sorted(ascending) == sorted(before)
  assert [error_mean(r) for r in ascending] == sorted(error_mean(r) for r in ascending)
  click_header(index, "error")
  assert visible_rows(index) == ascending[::-1]
  click_header(index, "method")
  methods = [r[1] for r in visible_rows(index)]
  assert methods[0] == "blender" and methods.index("blender") < methods.index("ppo")
  assert severe(index) == []


def test_filters_show_only_the_chosen_method_or_robot(index):
  choose(index, "method-filter", "ppo")
  assert shown_robots(index) == ["h1"] and [r[1] for r in visible_rows(index)] == ["ppo", "ppo"]
  choose(index, "method-filter", "paper: SkillBlender")
  assert shown_robots(index) == ["h1", "g1"] and len(visible_rows(index)) == 8 == len(visible_rows(index, "g1"))
  choose(index, "method-filter", "")
  choose(index, "robot-filter", "g1")
  assert shown_robots(index) == ["g1"] and len(visible_rows(index, "g1")) == 9
  choose(index, "robot-filter", "")
  assert shown_robots(index) == ["h1", "g1"] and len(visible_rows(index)) == 20


def test_every_link_on_the_index_resolves(index):
  from selenium.webdriver.common.by import By

  links = {a.get_attribute("href") for a in index.find_elements(By.CSS_SELECTOR, "a[href]")}
  assert len(links) == 5, "the verified rows' (self-reported ones are hidden)"
  for link in links:
    with urllib.request.urlopen(link, timeout=10) as response:
      assert response.status == 200, link


def test_self_reported_rows_appear_apart_when_asked_for(index):
  from selenium.webdriver.common.by import By

  box = index.find_element(By.ID, "self-reported")
  assert not box.is_selected()
  box.click()
  claimed = visible_rows(index, table="self-reported")
  assert sorted(m for _, m, _ in claimed) == ["evilself-reported", "forgedself-reported"]
  assert set(column(index, "rank", table="self-reported")) == {"–"}, "never ranked"
  heading = index.find_element(By.CSS_SELECTOR, 'section[data-robot="h1"] h3').text
  assert "self-reported" in heading and "not re-measured" in heading
  assert len(visible_rows(index)) == 20 and severe(index) == []
  box.click()
  assert visible_rows(index, table="self-reported") == []


def test_details_page_shows_the_video_and_markup_stays_text(driver, server, ids):
  from selenium.webdriver.common.by import By

  driver.get(server + f"submissions/{ids['blender']}.html")
  video = driver.find_element(By.TAG_NAME, "video")
  assert video.get_attribute("src").endswith(f"/submissions/{ids['blender']}/video.mp4")
  assert video.get_attribute("preload") == "none" and video.get_attribute("controls") is not None
  assert severe(driver) == []
  driver.get(server + f"submissions/{ids['evil']}.html")
  assert no_alert(driver) and severe(driver) == []
  assert driver.find_elements(By.TAG_NAME, "img") == [] and driver.find_elements(By.TAG_NAME, "video") == []
  assert re.search(re.escape(SCRIPT + IMAGE), driver.find_element(By.TAG_NAME, "body").text)
