"""Regenerate the README's tables from the code and the result files.

  python tools/readme_tables.py          # rewrite README.md
  python tools/readme_tables.py --check  # exit 1 if README.md is out of date
"""

import argparse
import sys

from skillbench.publish import readme_tables as readme


def main() -> int:
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("--check", action="store_true", help="only check that README.md is up to date")
  args = parser.parse_args()
  path = readme.ROOT / "README.md"
  text = path.read_text()
  new = readme.update(text)
  if args.check:
    if new != text:
      print("README.md is out of date: run python tools/readme_tables.py", file=sys.stderr)
      return 1
    return 0
  path.write_text(new)
  return 0


if __name__ == "__main__":
  sys.exit(main())
