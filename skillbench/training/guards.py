"""What keeps a training run from passing off broken numbers: non-finite checks and Ctrl-C.

- Every iteration returns three flags (`finite_flags`): were its actions, its loss and its updated
  parameters all finite? The host checks them each iteration (`check_finite`); the first NaN or
  Inf stops training with a `NonFiniteError` that names what went non-finite and when. Nothing of
  that iteration is saved, so the run's checkpoints stay finite and no final policy is written.
- The first Ctrl-C (SIGINT) during training asks the run to stop after its current iteration
  (`StopRequest`); the trainer then saves a checkpoint and raises `TrainingInterrupted`, whose
  one-line message holds the resume command. A second Ctrl-C interrupts at once, saving nothing.
"""

from __future__ import annotations

import pathlib
import shlex
import signal
import sys
import threading
import time
from typing import Self

import jax
import jax.numpy as jnp

from skillbench.errors import NonFiniteError, SkillBenchError
from skillbench.training import run_dir as runs

FLAGS = ("actions", "loss", "parameters")  # what `finite_flags` checks, in the order messages name them
PREFIX = "finite/"
INTERRUPT_EXIT_CODE = 130  # 128 + SIGINT, what a shell reports for a Ctrl-C'd command


class TrainingInterrupted(SkillBenchError):
  """Training stopped on Ctrl-C; the message says what was saved and how to resume."""


class TrainingDiverged(NonFiniteError):
  """Training stopped because an iteration's actions, loss or parameters went NaN or Inf."""


# ------------------------------------------------------------------ non-finite numbers
def all_finite(tree) -> jax.Array:
  """True when every number in a pytree of arrays is finite (jittable: one boolean reduction)."""
  leaves = [jnp.all(jnp.isfinite(x)) for x in jax.tree.leaves(tree)]
  return jnp.all(jnp.stack(leaves)) if leaves else jnp.bool_(True)


def finite_flags(actions, loss, params) -> dict:
  """{"finite/actions", "finite/loss", "finite/parameters"}: booleans, computed inside the jitted
  iteration, for `check_finite` on the host."""
  return {PREFIX + "actions": all_finite(actions), PREFIX + "loss": all_finite(loss),
          PREFIX + "parameters": all_finite(params)}


def pop_flags(metrics: dict) -> dict[str, bool]:
  """Removes the finite flags from an iteration's (host) metrics; returns {what: finite}."""
  return {k[len(PREFIX):]: bool(metrics.pop(k)) for k in [k for k in metrics if k.startswith(PREFIX)]}


def non_finite(flags: dict[str, bool]) -> list[str]:
  """The names of the flags that are False, in FLAGS order."""
  return [k for k in FLAGS if k in flags and not flags[k]] + [k for k in flags if k not in FLAGS and not flags[k]]


def _and(names: list[str]) -> str:
  return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def diverged(what: list[str], iteration: int, learning_rate: float, run) -> TrainingDiverged:
  """The error of a run whose `what` (e.g. ["loss", "parameters"]) went NaN or Inf at `iteration`,
  naming its last finite checkpoint (kept) and what to change."""
  found = runs.checkpoints(run)
  kept = (f"its last finite checkpoint, {found[-1][1]} (iteration {found[-1][0]}), is kept" if found
          else "no checkpoint was written before it")
  return TrainingDiverged(
    f"training diverged at iteration {iteration}: its {_and(what)} became non-finite (NaN or Inf). "
    f"Nothing from iteration {iteration} on was saved and no policy was written; {kept}. "
    f"Lower the learning rate (trainer.ppo.learning_rate={learning_rate:g} now; the default is 1e-3 with "
    f"trainer.ppo.adaptive_lr=true) and train again."
  )


def check_finite(flags: dict[str, bool], iteration: int, learning_rate: float, run) -> None:
  """Raises `diverged(...)` when any of an iteration's flags is False."""
  bad = non_finite(flags)
  if bad:
    raise diverged(bad, iteration, learning_rate, run)


# ------------------------------------------------------------------ Ctrl-C
class StopRequest:
  """While entered, the first SIGINT sets `requested` (the trainer stops after its iteration and
  saves); a second one raises KeyboardInterrupt at once. Outside the main thread it does nothing."""

  def __init__(self, stream=None):
    self.requested = False
    self.stream = stream or sys.stderr
    self._previous = None

  def __enter__(self) -> Self:
    if threading.current_thread() is threading.main_thread():
      self._previous = signal.signal(signal.SIGINT, self._handle)
    return self

  def __exit__(self, *exc) -> None:
    if self._previous is not None:
      signal.signal(signal.SIGINT, self._previous)
      self._previous = None

  def _handle(self, signum, frame) -> None:
    if self.requested:
      raise KeyboardInterrupt
    self.requested = True
    print("Ctrl-C: stopping after this iteration and saving a checkpoint (Ctrl-C again quits without saving)",
          file=self.stream, flush=True)


def resume_command(run, script: str | None = None) -> str:
  """The command line that resumes `run` (`script`: the training script, default this process's)."""
  script = script or (sys.argv[0] if sys.argv and sys.argv[0].endswith(".py") else "scripts/train_primitive.py")
  return f"python {shlex.quote(script)} resume={shlex.quote(str(pathlib.Path(run)))}"


def interrupted(run, iteration: int, env_steps: int, checkpoint) -> TrainingInterrupted:
  """The one-line error of a run stopped by Ctrl-C after `iteration` (`checkpoint`: what it saved)."""
  found = runs.checkpoints(run) if checkpoint is None else []
  if found:
    return TrainingInterrupted(f"interrupted without saving; the last checkpoint is {found[-1][1]} (iteration "
                               f"{found[-1][0]}). Resume with: {resume_command(run)}")
  if checkpoint is None:
    return TrainingInterrupted("interrupted before the first checkpoint: nothing was saved, nothing to resume")
  return TrainingInterrupted(
    f"interrupted at iteration {iteration} ({env_steps} env steps); checkpoint saved: {checkpoint}. "
    f"Resume with: {resume_command(run)}"
  )


def end_iteration(cfg, run, iteration: int, iterations: int, env_steps: int, deadline: float, stop: StopRequest,
                  logger, save_checkpoint) -> bool:
  """What every trainer's loop does after an iteration: a training checkpoint (`save_checkpoint(path)`)
  every `cfg.trainer.checkpoint_every` iterations, at the last one, at the time limit (`deadline`, a
  `time.time()`) and on a stop request, keeping the newest `keep_checkpoints`; then a stop request
  raises `interrupted`'s TrainingInterrupted (also written to the log). Returns whether the time
  limit ends the run here."""
  out_of_time = time.time() > deadline
  if iteration % cfg.trainer.checkpoint_every == 0 or iteration == iterations or out_of_time or stop.requested:
    save_checkpoint(runs.checkpoint_path(run, iteration))
    runs.prune_checkpoints(run, cfg.trainer.keep_checkpoints)
  if stop.requested:
    error = interrupted(run, iteration, env_steps, runs.checkpoint_path(run, iteration))
    logger.write(str(error), echo=False)
    raise error
  if out_of_time:
    logger.write(f"time limit of {cfg.time_limit_min} min reached after {env_steps} env steps")
  return out_of_time
