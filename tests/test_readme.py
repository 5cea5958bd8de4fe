"""The README's tables are the code's: regenerating them changes nothing."""

from skillbench import readme


def test_readme_tables_are_up_to_date():
  text = (readme.ROOT / "README.md").read_text()
  assert readme.update(text) == text, "run: python scripts/readme_tables.py"
  assert readme.robots_table() in text and readme.skills_table() in text


def test_tables_come_from_the_code():
  robots = readme.robots_table()
  assert "| Unitree H1 (`h1`) | 19 |" in robots and "| Booster T1 (`t1`) | 21 |" in robots
  skills = readme.skills_table()
  assert "| reaching | per wrist: position and quaternion, current - target (14) | 1 s | 24 s |" in skills
