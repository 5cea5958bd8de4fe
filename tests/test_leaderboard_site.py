"""The leaderboard: its Markdown tables, HTML escaping, rebuilds, the CLI, and the site in headless Chromium.

Submissions are synthetic result files that follow the result schema (checked with jsonschema). The
browser tests need Debian's chromium and chromium-driver; they fail, rather than skip, without them.
"""

import functools
import hashlib
import html
import http.server
import importlib.util
import json
import pathlib
import re
import threading
import urllib.request

import jsonschema
import pytest

from skillbench import leaderboard

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "skillbench" / "schemas" / "result-v1.schema.json").read_text())
CHROMIUM = pathlib.Path("/usr/bin/chromium")
CHROMEDRIVER = pathlib.Path("/usr/bin/chromedriver")
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
VIDEO = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(64)
SHA = "ab" * 32


def sha256(data: bytes) -> str:
  return hashlib.sha256(data).hexdigest()


def rollout(error: float, i: int) -> dict:
  return {
    "error": error + 0.001 * i, "success": 1.0, "fell": 0.0, "tilt": 0.05, "height": 0.9, "torque": 15.0,
    "power": 20.0, "torque_limit": 0.0, "joint_limit": 0.01, "foot_slip": 0.02, "action_jerk": 1500.0,
    "goal_error": 0.1, "goal_error_settled": 0.1, "seconds": 10.0,
  }


def aggregate(values) -> dict:
  mean = sum(values) / len(values)
  std = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
  return {"mean": mean, "std": std, "ci95": [min(values), max(values)]}


def make_result(robot="h1", task="box_push", method="blender", error=0.05, video=None, text="") -> dict:
  """A sealed result document that follows the result schema. `text` goes into free-text fields."""
  per_rollout = [rollout(error, i) for i in range(3)]
  doc = {
    "schema": "skillbench-result", "schema_version": 1, "benchmark_version": "0.1.0",
    "robot": robot, "task": task, "method": method, "backend": "mujoco", "impl": None, "timing": "default",
    "evaluation": {
      "seed": 0, "seeds": "rollout i: jax.random.split(PRNGKey(seed), n)[i]", "num_rollouts": 3,
      "seconds": 10.0, "threshold": 0.1, "error_at": "end", "error_unit": "m", "goal_period_s": 10.0,
      "settings": {"obs_noise": False, "action_delay": True, "note": text or "plain", text or "key": 1},
      "power": "mean of |torque x velocity| per step", "episode": "the training episode", "protocol": False,
    },
    "metrics": {"per_rollout": per_rollout,
                "aggregate": {k: aggregate([r[k] for r in per_rollout]) for k in per_rollout[0]}},
    "training": {"trainer": "brax", "env_steps": 1000000, "wall_clock_s": 3600.0, "hardware": {"gpu": text or "none"}},
    "checkpoint": {"path": "policy.safetensors", "sha256": SHA, "bytes": 100},
    "video": {"path": "video.mp4", "sha256": sha256(video), "bytes": len(video)} if video else None,
    "provenance": {
      "git": {"commit": "0" * 40, "dirty": False},
      "versions": {"skillbench": "0.1.0", "mujoco": "4.0.0", "mujoco-mjx": "3.17.0", "jax": "0.9.2",
                   "brax": "0.14.2", "python": "3.11.9"},
      "config_sha256": SHA, "model_files": {"h1.xml": SHA, "scene.xml": SHA},
      "machine": {"platform": f"Linux {text}", "cpus": 2}, "created": "2026-11-28T10:15:00+00:00",
    },
    "config": {"run": text or "runs/x", text or "k": [text]},
  }
  doc["content_sha256"] = sha256(json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                            allow_nan=False).encode())
  jsonschema.Draft202012Validator(SCHEMA).validate(doc)
  return doc


def write_submission(root: pathlib.Path, sub_id: str, doc: dict, video: bytes | None = None, **info) -> None:
  folder = root / sub_id
  folder.mkdir(parents=True)
  (folder / "result.json").write_text(json.dumps(doc, indent=2))
  (folder / "submission.json").write_text(json.dumps({"id": sub_id, "accepted_at": "2026-11-28T10:20:00+00:00",
                                                      "reproduced": None, **info}))
  if video is not None:
    (folder / "video.mp4").write_bytes(video)


def evil(doc: dict) -> dict:
  """A result whose method slipped past the schema (the leaderboard still treats it as text)."""
  return {**doc, "method": SCRIPT}


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> pathlib.Path:
  root = tmp_path_factory.mktemp("leaderboard") / "submissions"
  write_submission(root, "h1-box_push-blender-1", make_result(error=0.0123, video=VIDEO), VIDEO, reproduced=True)
  write_submission(root, "h1-box_push-ppo-2", make_result(method="ppo", error=0.2))
  write_submission(root, "h1-far_reach-blender-3", make_result(task="far_reach", error=0.031))
  write_submission(root, "g1-box_push-blender-4", make_result(robot="g1", error=0.047))
  write_submission(root, "h1-button_press-evil-5", evil(make_result(task="button_press", text=SCRIPT + IMAGE)),
                   accepted_at=IMAGE)
  return root


@pytest.fixture(scope="module")
def site(submissions) -> pathlib.Path:
  site_dir = submissions.parent / "site"
  leaderboard.build_site(leaderboard.load_submissions(submissions), site_dir)
  return site_dir


def test_markdown_table_has_the_numbers_and_the_paper_rows(submissions):
  text = leaderboard.markdown_table(leaderboard.load_submissions(submissions))
  assert "### Unitree H1 (h1)" in text and "### Unitree G1 (g1)" in text
  assert "| BoxPush | blender | 0.013 ± 0.001 | 1.000 | 0.000 | 0.050 | 0.900 | 15.0 | 20.0 |" in text
  assert "| FarReach | paper: SkillBlender (reference) | 0.021 ± 0.012 | – | – | 0.045 | 0.955 | 13.5 | 20.2 |" in text
  assert "| FootballShoot | paper: SkillBlender (reference) | 1.476 | – | – | – | – | – | – |" in text
  h1 = text[text.index("(h1)"):text.index("(g1)")]
  tasks_in_order = [line.split(" | ")[0][2:] for line in h1.splitlines() if line.startswith("| ") and "---" not in line]
  assert tasks_in_order.index("FarReach") < tasks_in_order.index("BoxPush") < tasks_in_order.index("PackageCarry")
  assert SCRIPT not in text and "&lt;script&gt;" in text


def test_markdown_cells_escape_pipes_and_newlines(tmp_path):
  write_submission(tmp_path, "h1-box_push-pipe-1", {**make_result(), "method": "a|b\nc"})
  text = leaderboard.markdown_table(leaderboard.load_submissions(tmp_path))
  assert "| BoxPush | a\\|b c | 0.051 ± 0.001 |" in text
  assert all(len(re.split(r"(?<!\\)\|", line)) == 11 for line in text.splitlines() if line.startswith("|"))


def test_generated_files_never_hold_unescaped_markup(site):
  files = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".js", ".css")]
  assert len(files) == 3 + 5
  for path in files:
    content = path.read_text()
    for bad in (SCRIPT, IMAGE, "<img"):
      assert bad not in content, f"{bad!r} unescaped in {path}"
  details = (site / "submissions" / "h1-button_press-evil-5.html").read_text()
  assert html.escape(SCRIPT + IMAGE) in details and html.escape(IMAGE) in details
  index = (site / "index.html").read_text()
  assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in index
  assert "innerHTML" not in (site / "app.js").read_text()


def test_details_page_shows_provenance_settings_and_rollouts(site):
  page = (site / "submissions" / "h1-box_push-blender-1.html").read_text()
  for expected in ("Unitree H1 (h1)", "BoxPush (box_push)", "mujoco", "Reproduced</th><td>yes", "obs_noise",
                   "1000000", "0" * 40, SHA, "4.0.0", "Linux", "Per-rollout metrics", "<td>2</td>"):
    assert expected in page, expected
  assert '<video controls preload="none" src="h1-box_push-blender-1/video.mp4">' in page
  assert (site / "submissions" / "h1-box_push-blender-1" / "video.mp4").read_bytes() == VIDEO
  assert "<video" not in (site / "submissions" / "h1-box_push-ppo-2.html").read_text()


def test_a_file_outside_the_submission_or_not_matching_its_hash_is_not_used(tmp_path):
  doc = make_result(video=VIDEO)
  outside = {**doc, "video": {**doc["video"], "path": "../video.mp4"}}
  write_submission(tmp_path, "h1-box_push-a-1", outside)
  (tmp_path / "video.mp4").write_bytes(VIDEO)
  write_submission(tmp_path, "h1-box_push-b-2", doc, VIDEO[:-1] + b"x")
  write_submission(tmp_path, "h1-box_push-c-3", doc, VIDEO)
  videos = {s.id: s.video for s in leaderboard.load_submissions(tmp_path)}
  assert videos == {"h1-box_push-a-1": None, "h1-box_push-b-2": None,
                    "h1-box_push-c-3": tmp_path / "h1-box_push-c-3" / "video.mp4"}


def test_rebuild_replaces_the_site_and_never_touches_submissions(tmp_path):
  root = tmp_path / "submissions"
  write_submission(root, "h1-box_push-blender-1", make_result(video=VIDEO), VIDEO)
  before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
  subs = leaderboard.load_submissions(root)
  site_dir = tmp_path / "site"
  leaderboard.build_site(subs, site_dir)
  (site_dir / "stale.html").write_text("old")
  assert leaderboard.build_site(subs, site_dir) == site_dir / "index.html"
  assert not (site_dir / "stale.html").exists() and (site_dir / "submissions" / "h1-box_push-blender-1.html").is_file()
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


def visible_rows(chrome, robot="h1") -> list[tuple[str, str, str]]:
  """(task, method, error) of each row of `robot`'s table, top to bottom."""
  from selenium.webdriver.common.by import By

  rows = chrome.find_elements(By.CSS_SELECTOR, f'section[data-robot="{robot}"] tbody tr')
  return [tuple(c.text for c in row.find_elements(By.TAG_NAME, "td")[:3]) for row in rows]


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


def test_index_loads_without_console_errors_and_shows_every_row(index):
  assert severe(index) == [] and no_alert(index)
  assert shown_robots(index) == ["h1", "g1"]
  h1 = visible_rows(index)
  assert len(h1) == 4 + 16 and len(visible_rows(index, "g1")) == 1 + 8
  assert h1[0] == ("FarReach", "blender", "0.032 ± 0.001")
  assert ("ButtonPress", SCRIPT, "0.051 ± 0.001") in h1
  assert ("BoxPush", "paper: PPOreference", "0.184 ± 0.207") in [(t, m.replace("\n", ""), x) for t, m, x in h1]


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
  assert methods[0] == SCRIPT and methods.index("blender") < methods.index("ppo")
  assert severe(index) == []


def test_filters_show_only_the_chosen_method_or_robot(index):
  choose(index, "method-filter", "ppo")
  assert shown_robots(index) == ["h1"] and [r[1] for r in visible_rows(index)] == ["ppo"]
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
  assert len(links) == 5
  for link in links:
    with urllib.request.urlopen(link, timeout=10) as response:
      assert response.status == 200, link


def test_details_page_shows_the_video_and_markup_stays_text(driver, server):
  from selenium.webdriver.common.by import By

  driver.get(server + "submissions/h1-box_push-blender-1.html")
  video = driver.find_element(By.TAG_NAME, "video")
  assert video.get_attribute("src").endswith("/submissions/h1-box_push-blender-1/video.mp4")
  assert video.get_attribute("preload") == "none" and video.get_attribute("controls") is not None
  assert severe(driver) == []
  driver.get(server + "submissions/h1-button_press-evil-5.html")
  assert no_alert(driver) and severe(driver) == []
  assert driver.find_elements(By.TAG_NAME, "img") == [] and driver.find_elements(By.TAG_NAME, "video") == []
  assert re.search(re.escape(SCRIPT + IMAGE), driver.find_element(By.TAG_NAME, "body").text)
