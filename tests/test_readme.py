"""The README's tables are the code's: regenerating them changes nothing."""

from skillbench import provenance
from skillbench.publish import readme_tables as readme


def test_readme_tables_are_up_to_date():
  text = (readme.ROOT / "README.md").read_text()
  assert readme.update(text) == text, "run: python tools/readme_tables.py"
  assert readme.robots_table() in text and readme.skills_table() in text


def test_tables_come_from_the_code():
  robots = readme.robots_table()
  assert "| Unitree H1 (`h1`) | 19 |" in robots and "| Booster T1 (`t1`) | 21 |" in robots
  skills = readme.skills_table()
  assert "| reaching | per wrist: position and quaternion, current - target (14) | 1 s | 24 s |" in skills


def test_training_table_names_each_runs_arguments_and_resumes(tmp_path):
  """The training table's "arguments" come from the run's run.json: its start, then each resume."""
  import json

  from skillbench.training import run_dir

  start = ["scripts/train_primitive.py", "embodiment=g1", "primitive=walking", "preset=gpu", "seed=3",
           "runs_root=/tmp/r", "trainer.ppo.num_envs=2048"]
  resume = ["scripts/train_primitive.py", "resume=/tmp/r/g1-walking", "time_limit_min=3.5"]
  (tmp_path / "run.json").write_text(json.dumps({"command": start, "resumed": [{"command": resume}]}))
  commands = run_dir.commands(tmp_path)
  assert commands == [start, resume]
  assert readme.training_arguments(commands) == (
    "`preset=gpu` `trainer.ppo.num_envs=2048`; resumed with `time_limit_min=3.5`")
  assert readme.training_arguments([start[:3]]) == "defaults"
  assert run_dir.commands(tmp_path / "missing") == [] and readme.training_arguments([]) == "?"


def test_hardware_column_names_the_cpu_model_where_recorded():
  """Native runs' throughput depends on the CPU, so the tables name it when run.json recorded it."""

  recorded = provenance.hardware()
  assert recorded["cpu_model"] and "cpu" in readme.hardware_label(recorded)
  assert readme.hardware_label({"devices": ["cpu"], "cpus": 2, "cpu_model": "AMD EPYC"}) == "cpu (AMD EPYC, 2 cores)"
  assert readme.hardware_label({"devices": ["cpu"], "cpus": 2, "cpu_model": "Intel(R) Xeon(R) Processor"}) == (
    "cpu (Intel Xeon, 2 cores)")
  assert readme.hardware_label({"devices": ["cpu"], "cpus": 2}) == "cpu"  # runs recorded before the model was
  assert readme.hardware_label({"devices": ["NVIDIA H200"], "cpu_model": "x"}) == "NVIDIA H200"
  assert readme.hardware_label(None) == "?"


def test_training_table_names_each_runs_code_version():
  """Runs from different code (e.g. walking before and after its clock) differ in the "code" column."""
  assert readme.code_version({"commit": "4a2b38fe66bb4fac14a4dba10fcf6bca6cd3c417", "dirty": False}) == "`4a2b38f`"
  assert readme.code_version({"commit": "36482930800323ba", "dirty": True}) == "`3648293+`"
  assert readme.code_version({"commit": None, "dirty": None}) == "?" and readme.code_version(None) == "?"


def test_relative_links_in_the_docs_resolve():
  """Every relative link in the README and docs/*.md names a file that exists (anchors aside)."""
  import re

  broken = []
  for doc in [readme.ROOT / "README.md", *sorted((readme.ROOT / "docs").glob("*.md"))]:
    for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text()):
      if target.startswith(("http://", "https://", "mailto:", "#")):
        continue
      if not (doc.parent / target.split("#")[0]).exists():
        broken.append(f"{doc.name}: {target}")
  assert not broken, broken
