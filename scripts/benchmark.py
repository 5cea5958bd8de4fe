"""Environment throughput per robot, backend and batch size, against raw MuJoCo; table + JSON.

  python scripts/benchmark.py                       # every robot, both backends
  python scripts/benchmark.py robots=[h1] backends=[mujoco] mujoco_batch_sizes=[64,256]
  python scripts/benchmark.py backends=[mjx] mjx_impls=[jax,warp] mjx_batch_sizes=[1024,8192]  # GPU

The native rows report the ratio of env throughput to raw `mujoco.rollout` (and `mujoco.batch`)
throughput on the same states: the cost of everything that is not physics.
"""

import json
import pathlib
import time

import hydra
from omegaconf import OmegaConf

from skillbench.commands import config as config_lib


@hydra.main(version_base=None, config_name="benchmark")
def main(cfg: config_lib.BenchmarkConfig) -> None:
  from skillbench import runtime
  from skillbench.results import throughput

  runtime.configure_jax()
  out = pathlib.Path(cfg.out)
  out.parent.mkdir(parents=True, exist_ok=True)
  settings = OmegaConf.to_container(cfg, resolve=True)
  settings.pop("hydra", None)
  settings.pop("defaults", None)

  def save(rows):  # after every row, so that an interrupted run keeps what it measured
    result = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": throughput.machine(), "config": settings,
              "rows": rows}
    out.write_text(json.dumps(result, indent=2))
    print(throughput.table(rows[-1:]).splitlines()[-1], flush=True)

  rows = throughput.measure_grid(cfg, on_row=save)
  print()
  print(throughput.table(rows))
  print(f"\nwrote {out}")


if __name__ == "__main__":
  config_lib.register()
  main()
