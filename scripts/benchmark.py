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
  from skillbench.results import throughput as benchmark

  runtime.configure_jax()
  env_config = OmegaConf.to_object(cfg.env)
  out = pathlib.Path(cfg.out)
  out.parent.mkdir(parents=True, exist_ok=True)
  settings = OmegaConf.to_container(cfg, resolve=True)
  settings.pop("hydra", None)
  settings.pop("defaults", None)

  def save(rows):  # after every row, so that an interrupted run keeps what it measured
    result = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": benchmark.machine(), "config": settings,
              "rows": rows}
    out.write_text(json.dumps(result, indent=2))

  rows = []
  for robot in cfg.robots:
    for backend in cfg.backends:
      variants = [{"nthread": cfg.nthread}] if backend == "mujoco" else [{"impl": i} for i in cfg.mjx_impls]
      sizes = cfg.mujoco_batch_sizes if backend == "mujoco" else cfg.mjx_batch_sizes
      for kwargs in variants:
        for batch in sizes:
          row, env, replay = benchmark.measure_env(
            robot, cfg.primitive, backend, batch, cfg.seconds, env_config,
            **{k: v for k, v in kwargs.items() if v is not None},
          )
          row["impl"] = kwargs.get("impl")
          if backend == "mujoco":
            raw = benchmark.measure_raw(env.scene.model, env.timing.substeps, replay, env.physics.nthread)
            row.update(raw)
            row["ratio_vs_rollout"] = row["env_steps_per_s"] / raw["raw_rollout_env_steps_per_s"]
            row["ratio_vs_batch"] = row["env_steps_per_s"] / raw["raw_batch_env_steps_per_s"]
          rows.append(row)
          save(rows)
          print(benchmark.table([row]).splitlines()[-1], flush=True)
  print()
  print(benchmark.table(rows))
  print(f"\nwrote {out}")


if __name__ == "__main__":
  config_lib.register()
  main()
