"""What each SkillBench version changed in the benchmark's definitions, as data: which numbers still hold.

A number (a leaderboard row, a library entry's evaluation) measured on version v holds on the
installed version unless a change of a later version touches its robot and its task or skill; then
it is stale until re-measured. Numbers measured before `BASELINE` are stale whole: the changes before
it were not recorded here. A version bump that changes how any robot's task or skill is scored, reset
or ended records it in `CHANGES` (a change to every robot or every name leaves that field empty).

A policy trained on v holds (it trains again only) when a later change altered what it was trained
on; a change of how the protocol scores rollouts (`retrains=False`) leaves policies holding and their
numbers to re-measure. A change that can move only the numbers of a rollout that fell
(`fallen_only=True`) leaves a measurement in which no rollout fell holding.
"""

from __future__ import annotations

import dataclasses

import skillbench
from skillbench.results import result_file
from skillbench.results.result_file import version_tuple

BASELINE = "0.3.1"  # the library and the leaderboard were re-measured whole on 0.3.1


@dataclasses.dataclass(frozen=True)
class Change:
  """version: the SkillBench version that made it; what: one line for readers; robots: the robots
  it touches (empty: all); names: the tasks or skills it touches (empty: all); retrains: whether a
  policy trained before it is trained again (False for a change of how rollouts are scored);
  fallen_only: whether it can move only the numbers of a rollout that fell."""

  version: str
  what: str
  robots: tuple[str, ...] = ()
  names: tuple[str, ...] = ()
  retrains: bool = True
  fallen_only: bool = False

  def touches(self, robot: str, name: str, policy: bool = False, fell: bool = True) -> bool:
    """Whether it touches `robot`'s task or skill `name`: a policy trained on it (`policy`), or a
    measurement of it in which some rollout fell or not (`fell`)."""
    return ((not self.robots or robot in self.robots) and (not self.names or name in self.names)
            and (self.retrains or not policy) and (fell or policy or not self.fallen_only))


CHANGES = (
  Change("0.3.2", "G1-sized robots' FarReach and BoxPush also end an episode on hip and knee contact, as the "
                  "original's G1 configs do", robots=("g1", "t1"), names=("far_reach", "box_push")),
  Change("0.3.3", "BoxTransfer's cube weighs 1 kg and starts axis-aligned, as in the original's code (its 0.01 kg "
                  "is never applied)", names=("box_transfer",)),
  Change("0.3.3", "G1's hands count as its elbows, as the original's G1 elbow collider covers the forearm and "
                  "hand: FarReach, FootballShoot, squatting and stepping end an episode on hand contact",
         robots=("g1",), names=("far_reach", "football_shoot", "squatting", "stepping")),
  Change("0.3.4", "CabinetClose's cabinet takes the original's size (0.65 m wide, its 0.32 m doors over the upper "
                  "0.54 m) and floats with nothing under it, as the original's does", names=("cabinet_close",)),
  Change("0.3.5", "a rollout whose physics diverges is scored on its steps before the diverged one (the "
                  "diverged step's zeroed metrics counted, its goal error 0.0 the rollout's Error when it "
                  "diverged in the first goal period); it was and is a fall", retrains=False, fallen_only=True),
)


def changes_since(version: str, robot: str, name: str, installed: str | None = None, *, policy: bool = False,
                  fell: bool = True) -> list[Change]:
  """The recorded changes after `version`, up to the installed one, that touch `robot`'s `name`: a policy
  trained on `version` (`policy`), or a measurement made on it in which some rollout fell or not (`fell`)."""
  since, upto = version_tuple(version), version_tuple(installed or skillbench.__version__)
  return [c for c in CHANGES if since < version_tuple(c.version) <= upto and c.touches(robot, name, policy, fell)]


def holds(version: str, robot: str, name: str, installed: str | None = None, *, policy: bool = False,
          fell: bool = True) -> bool:
  """Whether a number measured on `version` for `robot`'s task or skill `name` holds on the installed
  version: measured on BASELINE or later, not newer than the installed one, and no later change touches it.
  policy=True asks instead whether a policy trained on `version` holds; fell=False says no rollout of the
  measurement fell (unknown: leave it True)."""
  return not why_stale(version, robot, name, installed, policy=policy, fell=fell)


def why_stale(version: str, robot: str, name: str, installed: str | None = None, *, policy: bool = False,
              fell: bool = True) -> str:
  """Why such a number (or policy) no longer holds (empty when it holds)."""
  installed = installed or skillbench.__version__
  if version_tuple(version) < version_tuple(BASELINE):
    return f"measured on {version}, before {BASELINE}, since which every definition is re-measured"
  if version_tuple(version) > version_tuple(installed):
    return f"measured on {version}, newer than the installed {installed}"
  return "; ".join(f"{c.version}: {c.what}"
                   for c in changes_since(version, robot, name, installed, policy=policy, fell=fell))


def why_result_stale(doc: dict, installed: str | None = None) -> str:
  """Why a result file's numbers no longer hold on the installed version (`why_stale` of the version,
  robot and task it records, and whether a rollout of it fell); empty when they hold."""
  return why_stale(doc["benchmark_version"], doc["robot"], doc["task"], installed,
                   fell=result_file.some_rollout_fell(doc))
