"""Render a still of every task's scene (objects and goal markers) for the README.

  python tools/task_stills.py                           # H1, into docs/tasks/
  python tools/task_stills.py --robot g1 --out /tmp/stills

Then `python tools/readme_tables.py` puts them into the README's task table.
"""

import argparse
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main():
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("--robot", default="h1")
  parser.add_argument("--out", type=pathlib.Path, default=ROOT / "docs" / "tasks")
  parser.add_argument("--width", type=int, default=320)
  parser.add_argument("--height", type=int, default=240)
  parser.add_argument("--seed", type=int, default=0)
  args = parser.parse_args()

  from skillbench.sim import gl

  gl.select()
  from skillbench import catalog, runtime
  from skillbench.envs import render
  from skillbench.envs.env_config import EnvConfig
  from skillbench.envs.factory import make

  runtime.configure_jax()
  for name in catalog.task_names():
    env = make(args.robot, name, config=EnvConfig.evaluation())
    print(render.still(env, args.out / f"{args.robot}_{name}.png", args.seed, args.width, args.height))


if __name__ == "__main__":
  main()
