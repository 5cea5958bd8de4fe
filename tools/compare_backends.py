"""How far the two physics backends drift apart in one control step, from the same states.

  python tools/compare_backends.py g1 reaching             # the library policy's states
  python tools/compare_backends.py h1 walking --envs 4 --steps 100

Rolls the pretrained library policy of <robot> <skill> out on native MuJoCo (--envs rollouts of
--steps control steps, seed --seed), then runs one control step (its physics substeps, the same
targets, friction and masses) from each visited state on both backends and prints the
distribution of the largest joint-velocity difference (rad/s; the root's 6 velocities apart) and of
the largest qpos difference. A difference of a few 1e-5 rad/s is float32 against float64;
tenths of a rad/s mean the backends simulate different things (see docs/DECISIONS.md, Simulation).
"""

import argparse
import sys


def main() -> int:
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("robot")
  parser.add_argument("skill")
  parser.add_argument("--envs", type=int, default=8)
  parser.add_argument("--steps", type=int, default=200)
  parser.add_argument("--seed", type=int, default=0)
  args = parser.parse_args()

  import skillbench
  from skillbench import runtime
  from skillbench.evaluation import backend_drift
  from skillbench.policy import acting, library
  from skillbench.policy.saved import load

  runtime.configure_jax()
  env = skillbench.make(args.robot, args.skill, backend="mujoco")
  act = acting.act_fn(env, load(library.policy_path(args.robot, args.skill)))
  drift = backend_drift.one_step_drift(env, act, args.envs, args.steps, args.seed)
  print(f"{args.robot} {args.skill}: one control step ({env.timing.substeps} substeps) from "
        f"{drift['qpos'].shape[0]} states of the library policy's native rollouts")
  print("\n".join(backend_drift.report(drift)))
  return 0


if __name__ == "__main__":
  sys.exit(main())
