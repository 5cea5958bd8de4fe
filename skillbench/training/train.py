"""Training a primitive skill or a task policy: run directory, PPO iterations, logs, checkpoints, evaluation.

`train(cfg)` takes the resolved `TrainConfig` (a plain dataclass); `scripts/train_primitive.py`
composes it with hydra. A run can be resumed (`resume=<run dir>`): the latest training checkpoint
holds the whole training state (networks, optimiser, normalisers, every environment, the random
key), so the resumed run continues exactly as the uninterrupted one would have. A new run can
start from another's networks instead (`init=<run dir>`, a warm start: `warm_start.py`).
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import time

import jax
from omegaconf import OmegaConf

from skillbench import bounds, catalog, runtime
from skillbench.errors import ConfigValueError, SkillBenchError, UnknownNameError
from skillbench.policy import checkpoint as ckpt_lib
from skillbench.policy import library
from skillbench.policy import saved as policy_lib
from skillbench.training import curves, fast_td3, guards, warm_start
from skillbench.training import run_dir as runs
from skillbench.training.logger import RunLogger
from skillbench.training.ppo import PPO, TrainState, warm_learning_rate
from skillbench.training.run_config import (
  build_env,
  config_summary,
  evaluate_run,
  method,
  run_label,
  skill_name,
  training_summary,
)

TRAINERS = ("brax", "sb3", "fast_td3")


def build_actor(cfg, env):
  """(actor network or None for an MLP, frozen skills) of a configuration."""
  if method(cfg) in (None, "ppo"):
    return None, []
  sources = {k: v for k, v in dataclasses.asdict(cfg.skill_sources).items() if v != library.PRETRAINED}
  return catalog.blender().build_actor(method(cfg), env, cfg.trainer.ppo.actor_hidden, cfg.skills, sources, cfg.low_level,
                                       cfg.goal_bound, tuple(cfg.arms_hidden_from))


def check_config(cfg) -> None:
  """Refuses a configuration that cannot train, before anything is made: an unknown trainer, a
  method or warm start the trainer lacks, a sub-goal bound that is unknown or has no sub-goals to
  bound, a number out of its range (`skillbench.bounds`), a batch that does not split into the
  minibatches."""
  if cfg.trainer.name not in TRAINERS:
    raise UnknownNameError("trainer", cfg.trainer.name, TRAINERS)
  if cfg.trainer.name != "brax" and method(cfg) not in (None, "ppo"):
    raise SkillBenchError(f"trainer={cfg.trainer.name} trains flat policies only; method={method(cfg)} needs "
                          "trainer=brax")
  goal_bound = getattr(cfg, "goal_bound", "clip")
  if goal_bound not in catalog.blender().GOAL_BOUNDS:
    raise UnknownNameError("goal_bound", goal_bound, catalog.blender().GOAL_BOUNDS)
  if goal_bound != "clip" and method(cfg) in ("ppo", None):
    raise SkillBenchError(f"goal_bound={goal_bound} bounds a blender's sub-goals; method={method(cfg)} has none: "
                          "drop goal_bound or use a skill method (blender, no_softmax, hb)")
  arms_hidden_from = list(getattr(cfg, "arms_hidden_from", None) or [])
  if arms_hidden_from and method(cfg) in ("ppo", None):
    raise SkillBenchError(f"arms_hidden_from={arms_hidden_from} changes what a blender's skills read; "
                          f"method={method(cfg)} blends none: drop arms_hidden_from or use a skill method "
                          "(blender, no_softmax, hb)")
  if cfg.init and not cfg.resume and cfg.trainer.name != "brax":
    raise SkillBenchError(f"init= (a warm start) needs trainer=brax; trainer={cfg.trainer.name} cannot read "
                          "brax training checkpoints")
  bounds.validate(cfg)
  if cfg.trainer.name == "fast_td3":
    fast_td3.check(cfg.trainer.fast_td3, cfg.env.clip_actions)
  ppo = cfg.trainer.ppo
  if ppo.batch_size % ppo.num_minibatches:
    raise ConfigValueError(
      f"trainer.ppo.num_minibatches={ppo.num_minibatches} does not divide the batch (trainer.ppo.num_envs x "
      f"trainer.ppo.unroll_length = {ppo.batch_size})"
    )


def train_command(cfg) -> None:
  """What scripts/train_primitive.py and train_blender.py run: train, then print the run folder; on
  Ctrl-C (a checkpoint saved), the one-line message with the resume command, exit status 130."""
  import sys

  runtime.configure_jax()
  try:
    run = train(cfg)
  except guards.TrainingInterrupted as e:
    print(e, file=sys.stderr)
    sys.exit(guards.INTERRUPT_EXIT_CODE)
  print(f"run: {run}")


def train(cfg) -> pathlib.Path:
  """Trains (or resumes) a run; returns its directory.

  The configuration is checked first. The run folder is locked while this process trains it (a
  second process gets an error naming this one); a new run's folder is removed again when it fails
  before its first iteration is logged. Ctrl-C saves a checkpoint and raises TrainingInterrupted.
  """
  check_config(cfg)
  if cfg.embodiment.unitree_root:  # the config key beats the environment variable
    os.environ["UNITREE_MUJOCO_ROOT"] = cfg.embodiment.unitree_root
  if cfg.resume:
    run = pathlib.Path(cfg.resume)
    runs.latest_checkpoint(run)  # fails early, with the reason, when there is nothing to resume
  else:
    if cfg.init:
      warm_start.source_checkpoint(cfg.init, cfg.embodiment.name, skill_name(cfg))  # fails before a run folder is made
    run = runs.new_run_dir(cfg.runs_root, f"{cfg.embodiment.name}-{skill_name(cfg)}-{run_label(cfg)}", cfg.run_dir)
  try:
    with runs.locked(run):
      _train_locked(cfg, run)
  except KeyboardInterrupt:  # outside the training loop (which saves and raises TrainingInterrupted)
    _discard_if_unstarted(cfg, run)
    raise guards.interrupted(run, 0, 0, None) from None
  except BaseException:
    _discard_if_unstarted(cfg, run)
    raise
  return run


def _discard_if_unstarted(cfg, run: pathlib.Path) -> None:
  if not cfg.resume:
    runs.discard_unstarted(run)


def _train_locked(cfg, run: pathlib.Path) -> None:
  if not cfg.resume:
    (run / "config.yaml").write_text(OmegaConf.to_yaml(OmegaConf.structured(cfg)))
  runs.write_run_info(run, cfg.seed)
  if cfg.trainer.name == "sb3":
    from skillbench.training import sb3_trainer

    sb3_trainer.train(cfg, run)
  elif cfg.trainer.name == "fast_td3":
    fast_td3.train(cfg, run)
  else:
    _train_brax(cfg, run)


def _train_brax(cfg, run: pathlib.Path) -> None:
  env = build_env(cfg)
  actor, skills = build_actor(cfg, env)
  ppo = PPO(env, cfg.trainer.ppo, actor_net=actor)
  batch = ppo.config.batch_size
  iterations = max(1, -(-cfg.trainer.total_env_steps // batch))
  state = ppo.init(jax.random.PRNGKey(cfg.seed))
  start, init = 0, None
  if cfg.resume:
    path = runs.latest_checkpoint(run)
    check_resumed_skills(path, skills)
    state, init = restore_training_state(path, state, env)
    start = int(state.iteration)
  elif cfg.init:
    state, init = warm_start.warm_start(cfg.init, state, env, policy_lib.network_metadata(ppo.config),
                                        fresh_learning_rate=warm_learning_rate(ppo.config))
  logger = RunLogger(run, iterations * batch, start * batch, cfg.wandb, config=config_summary(cfg))
  logger.write(
    f"{'resuming' if cfg.resume else 'training'} {env.embodiment.name} {env.skill.name} on {env.backend}: "
    f"{ppo.config.num_envs} envs x {ppo.config.unroll_length} steps per iteration, iterations {start}..{iterations}, "
    f"run {run}"
  )
  if init and not cfg.resume:
    fresh = (f"; a policy file holds no optimiser state: Adam starts afresh at learning rate "
             f"{warm_learning_rate(ppo.config):g}" if init.get("optimiser") == "fresh" else "")
    logger.write(f"warm start from {init['checkpoint']} ({init['env_steps']} env steps behind it{fresh})")
  deadline = time.time() + 60 * cfg.time_limit_min if cfg.time_limit_min else float("inf")
  it = start
  try:
    with guards.StopRequest() as stop:
      while it < iterations:
        state, metrics = ppo.train_iteration(state)
        it += 1
        metrics = jax.device_get(metrics)
        finite = guards.pop_flags(metrics)
        logger.log(it, it * batch, metrics)
        _check_finite(finite, it, cfg, run, logger)
        def save(path, state=state, env_steps=it * batch):
          save_training_state(path, state, env, ppo, cfg, env_steps, logger, init, blender=(actor, skills))

        if guards.end_iteration(cfg, run, it, iterations, it * batch, deadline, stop, logger, save):
          break
  finally:
    logger.close()
  summary = {"training": training_summary(cfg, it * batch, run, init), "config": config_summary(cfg)}
  if actor is None:
    final = policy_lib.save(run / library.FINAL_POLICY, ppo.policy(state), env, ppo.config, **summary)
  else:
    final = catalog.blender().save(run / library.FINAL_POLICY, ppo.policy(state), env, ppo.config, actor, skills,
                                    method(cfg), **summary)
  curves.plot(run)
  if cfg.final_eval_rollouts:
    evaluate_run(run, cfg.final_eval_rollouts, cfg.final_eval_seconds, backend=cfg.backend.name)
  print(f"policy: {final}")


def _check_finite(finite: dict, iteration: int, cfg, run: pathlib.Path, logger) -> None:
  """Stops the run (NonFiniteError, also written to its log) when an iteration went NaN or Inf."""
  try:
    guards.check_finite(finite, iteration, cfg.trainer.ppo.learning_rate, run)
  except SkillBenchError as e:
    logger.write(str(e), echo=False)
    raise


def save_training_state(path, state: TrainState, env, ppo: PPO, cfg, env_steps: int, logger=None, init=None,
                        blender=(None, ())):
  """Writes a training checkpoint (kind "training"); a blender run's (`blender` = (its actor, frozen
  skills)) carries its skills and description too, so that it also loads as a policy."""
  training = {"iteration": int(state.iteration), "env_steps": env_steps, "seed": cfg.seed, "trainer": "brax"}
  if logger is not None:
    training["wall_clock_s"] = logger.wall_s
  if init:
    training["init"] = init
  actor, skills = blender
  if actor is not None:
    catalog.blender().save(path, jax.device_get(state), env, ppo.config, actor, skills, method(cfg), kind="training",
                           training=training)
  else:
    ckpt_lib.save(
      path, ckpt_lib.flatten(jax.device_get(state)), "training",
      embodiment=env.embodiment.name, skill=env.skill.name,
      observation=policy_lib.observation_metadata(env), network=policy_lib.network_metadata(ppo.config),
      training=training,
    )
  if logger is not None:
    logger.write(f"checkpoint {path}")


def check_resumed_skills(checkpoint, skills) -> None:
  """Refuses to resume a blender run over frozen skills other than those its latest checkpoint trained
  with (a library entry replaced since, or a skill file changed): its policy would go on learning over
  another skill, and its result would be neither's. Checkpoints that record no skills are not checked."""
  before = library.blended_skills(checkpoint)
  for skill in skills:
    then, now = before.get(skill.skill), ckpt_lib.file_sha256(skill.checkpoint.path)
    if then and then != now:
      raise SkillBenchError(
        f"cannot resume from {checkpoint}: it trained over the {skill.skill} skill {then[:12]}, and "
        f"{skill.checkpoint.path} now holds {now[:12]} (the library's entry replaced since, or the file "
        "changed). Start a new run to blend the new skill, or put the old file back to resume this one "
        "(git log -- <that file> finds it).")


def restore_training_state(path, template: TrainState, env) -> tuple[TrainState, dict | None]:
  """(training state read from a checkpoint, checked against the run's robot and skill; the warm
  start it records, if any)."""
  ckpt = ckpt_lib.load(path, expect_embodiment=env.embodiment.name, expect_skill=env.skill.name,
                       expect_kind="training")
  restored = ckpt_lib.unflatten(jax.device_get(template), ckpt.arrays, source=str(path))
  state = jax.tree.map(lambda t, r: jax.device_put(r, t.sharding) if hasattr(t, "sharding") else r, template, restored)
  return state, ckpt.metadata.get("training", {}).get("init")
