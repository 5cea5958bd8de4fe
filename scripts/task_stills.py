"""Render a still of every task's scene (objects and goal markers) for the README.

  python scripts/task_stills.py                 # H1, into docs/tasks/
  python scripts/task_stills.py robot=g1 out=/tmp/stills

Then `python scripts/readme_tables.py` puts them into the README's task table.
"""

import argparse
import pathlib

from skillbench.sim import gl


def main():
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("settings", nargs="*", help="robot=<name> out=<folder> width=<px> height=<px> seed=<n>")
  args = dict(s.split("=", 1) for s in parser.parse_args().settings)
  unknown = set(args) - {"robot", "out", "width", "height", "seed"}
  if unknown:
    parser.error(f"unknown settings {sorted(unknown)}; known: robot, out, width, height, seed")
  gl.select()
  import tasks
  from skillbench import runtime
  from skillbench.envs import render
  from skillbench.envs.env_config import EnvConfig
  from skillbench.envs.factory import make

  runtime.configure_jax()
  robot = args.get("robot", "h1")
  out = pathlib.Path(args.get("out", pathlib.Path(__file__).resolve().parents[1] / "docs" / "tasks"))
  for name in tasks.NAMES:
    env = make(robot, name, config=EnvConfig.evaluation())
    path = render.still(env, out / f"{robot}_{name}.png", int(args.get("seed", 0)), int(args.get("width", 320)),
                        int(args.get("height", 240)))
    print(path)


if __name__ == "__main__":
  main()
