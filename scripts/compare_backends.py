"""How far the two physics backends drift apart in one control step, from the same states.

  python scripts/compare_backends.py g1 reaching             # the library policy's states
  python scripts/compare_backends.py h1 walking --envs 4 --steps 100

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

  import jax
  import numpy as np

  import skillbench
  from skillbench import runtime
  from skillbench.policy import acting as policies
  from skillbench.policy import library
  from skillbench.policy.saved import load
  from skillbench.sim.physics.mjx import MjxPhysics

  runtime.configure_jax()
  env = skillbench.make(args.robot, args.skill, backend="mujoco")
  act = policies.act_fn(env, load(library.policy_path(args.robot, args.skill)))

  def visit(state, _):
    action = jax.vmap(lambda obs: act(obs, None))(state.obs)
    command = jax.vmap(env.prepare_step)(state, action)
    inputs = (command.physics, command.ctrl, state.info["friction"], state.info["body_mass"])
    return jax.vmap(env.step)(state, action), inputs

  @jax.jit
  def rollout(keys):
    return jax.lax.scan(visit, jax.vmap(env.reset)(keys), None, length=args.steps)[1]

  inputs = rollout(jax.random.split(jax.random.PRNGKey(args.seed), args.envs))
  inputs = jax.tree.map(lambda x: x.reshape((x.shape[0] * x.shape[1],) + x.shape[2:]), inputs)  # (steps x envs, ...)
  mjx = MjxPhysics(env.scene.model, env.timing.substeps, floor_geom=env.layout.floor_geom,
                   pos_stage_sensors=env.layout.pos_stage_sensors)
  native_next = jax.jit(jax.vmap(env.physics.step))(*inputs)[0]
  mjx_next = jax.jit(jax.vmap(mjx.step))(*inputs)[0]

  root = 6
  qvel = np.abs(np.asarray(native_next.qvel, np.float64) - np.asarray(mjx_next.qvel, np.float64))
  qpos = np.abs(np.asarray(native_next.qpos, np.float64) - np.asarray(mjx_next.qpos, np.float64))
  quantiles = lambda x: f"median {np.median(x):.2e}, 90 % {np.percentile(x, 90):.2e}, max {x.max():.2e}"
  print(f"{args.robot} {args.skill}: one control step ({env.timing.substeps} substeps) from {qvel.shape[0]} states "
        f"of the library policy's native rollouts")
  print(f"  joint velocity |native - mjx|, largest per state (rad/s): {quantiles(qvel[:, root:].max(1))}")
  print(f"  root velocity |native - mjx|, largest per state (m/s, rad/s): {quantiles(qvel[:, :root].max(1))}")
  print(f"  qpos |native - mjx|, largest per state (m, rad): {quantiles(qpos.max(1))}")
  return 0


if __name__ == "__main__":
  sys.exit(main())
