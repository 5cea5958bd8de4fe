"""What a robot is to SkillBench: the data each module in `embodiments/` fills in.

Every number about a robot (joint order, gains, default pose, heights, wrist points, colliders)
lives in its embodiment module and is read from there by the model builder, the environments,
the rewards and the metrics. Lengths are metres, angles radians, torques N m, masses kg; points
and collider coordinates are in the frame of the body they are attached to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

SIDES = ("left", "right")

# Joint kinds the skills refer to. A robot maps each of its policy joints to one kind.
LEG_KINDS = ("hip_yaw", "hip_roll", "hip_pitch", "knee", "ankle", "ankle_pitch", "ankle_roll")
ARM_KINDS = ("shoulder_pitch", "shoulder_roll", "shoulder_yaw", "elbow", "elbow_yaw")
UPPER_BODY_KINDS = ("torso",) + ARM_KINDS


@dataclasses.dataclass(frozen=True)
class Joint:
  """One actuated joint of the policy.

  Attributes:
    name: the joint's name in the robot's MJCF file.
    kind: one of LEG_KINDS or UPPER_BODY_KINDS.
    side: "left", "right", or None for the torso.
    default: default angle (rad); the PD target for a zero action.
    kp: proportional gain (N m / rad).
    kd: derivative gain (N m s / rad).
    effort: the motor's effort limit (N m); torques are clipped to `TORQUE_LIMIT_FRACTION` of it.
  """

  name: str
  kind: str
  side: str | None
  default: float
  kp: float
  kd: float
  effort: float

  def __post_init__(self):
    if self.kind not in LEG_KINDS + UPPER_BODY_KINDS:
      raise ValueError(f"joint {self.name!r}: unknown kind {self.kind!r}")
    if self.side not in SIDES + (None,):
      raise ValueError(f"joint {self.name!r}: side must be 'left', 'right' or None")

  @property
  def is_leg(self) -> bool:
    return self.kind in LEG_KINDS


@dataclasses.dataclass(frozen=True)
class Point:
  """A point fixed to a body: `offset` (m) in that body's frame."""

  body: str
  offset: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclasses.dataclass(frozen=True)
class Collider:
  """A primitive collision shape added to a body (the robot's own collision geoms are disabled).

  shape "capsule": `fromto` (x0, y0, z0, x1, y1, z1) and `size` (radius,);
  shape "sphere": `pos` and `size` (radius,);
  shape "box": `pos` and `size` (half-extents x, y, z).
  Coordinates are in the body's frame (m). A collider reports its contacts for every contact
  group (`Embodiment.body_groups`) its body belongs to.
  """

  body: str
  shape: str
  size: tuple[float, ...]
  fromto: tuple[float, ...] | None = None
  pos: tuple[float, float, float] = (0.0, 0.0, 0.0)

  def __post_init__(self):
    expected = {"capsule": 1, "sphere": 1, "box": 3}
    if self.shape not in expected:
      raise ValueError(f"collider on {self.body!r}: unknown shape {self.shape!r}")
    if len(self.size) != expected[self.shape]:
      raise ValueError(f"collider on {self.body!r}: a {self.shape} takes {expected[self.shape]} size values")
    if (self.shape == "capsule") != (self.fromto is not None):
      raise ValueError(f"collider on {self.body!r}: capsules (only) take `fromto`")


def _negate_y(values):
  return tuple(-v if i % 3 == 1 else v for i, v in enumerate(values))


def mirrored(colliders, rename=lambda body: body.replace("left_", "right_")):
  """Right-side copies of left-side colliders: y negated, bodies renamed by `rename`."""
  return tuple(
    dataclasses.replace(
      c,
      body=rename(c.body),
      fromto=None if c.fromto is None else _negate_y(c.fromto),
      pos=_negate_y(c.pos),
    )
    for c in colliders
  )


@dataclasses.dataclass(frozen=True)
class MenagerieModel:
  """A robot from MuJoCo Menagerie, fetched by the `mujoco-menagerie` package."""

  robot: str
  file: str


@dataclasses.dataclass(frozen=True)
class UnitreeMujocoModel:
  """A robot from Unitree's `unitree_mujoco` repository (folder `unitree_robots/<folder>`)."""

  folder: str
  file: str


SIZE_CLASSES = ("large", "small")

# Torques are clipped to this fraction of each motor's effort limit (spec section 1).
TORQUE_LIMIT_FRACTION = 0.85


@dataclasses.dataclass(frozen=True, eq=False)
class Embodiment:
  """A humanoid as the benchmark uses it.

  Attributes:
    name: short name used on the command line ("h1", "g1", "h1_2", "t1").
    display_name: human-readable name.
    model: where the MJCF comes from.
    root_body: the floating base body.
    joints: the policy's joints, in policy order (left leg, right leg, torso, left arm, right arm).
      Every other hinge joint of the model is locked (welded at angle 0).
    init_height: root height (m) at reset.
    nominal_height: nominal standing root height (m); the squatting and walking targets.
    wrists: (left, right) reaching points.
    feet: (left, right) foot bodies.
    knees: (left, right) shin bodies, whose origins are the knees.
    body_groups: contact groups ("pelvis", "torso", "shoulders", ...) -> bodies in the group.
      Forbidden-contact lists of skills and tasks name groups, not bodies.
    colliders: the primitive collision model (fit for MJX: no meshes).
    added_mass_range: range (kg) of the pelvis-mass randomisation.
    size_class: "large" (H1-sized: the spec's H1 numbers for goal ranges, feet spacing and scene
      heights) or "small" (G1-sized: its G1 numbers).
    squat_max_height: the highest root height (m) a squatting goal asks for.
    task_overrides: task name -> that task's parameters set for this robot (e.g. a reward weight
      the original tuned per robot), read by the task's module.
    notes: where and why this robot departs from the spec's table.

  Embodiments compare and hash by identity: a modified copy (`dataclasses.replace`) is a new robot.
  """

  name: str
  display_name: str
  model: MenagerieModel | UnitreeMujocoModel
  root_body: str
  joints: tuple[Joint, ...]
  init_height: float
  nominal_height: float
  wrists: tuple[Point, Point]
  feet: tuple[str, str]
  knees: tuple[str, str]
  body_groups: Mapping[str, tuple[str, ...]]
  colliders: tuple[Collider, ...]
  added_mass_range: tuple[float, float] = (-5.0, 5.0)
  size_class: str = "large"
  squat_max_height: float = 1.1
  task_overrides: Mapping[str, Mapping[str, float]] = dataclasses.field(default_factory=dict)
  notes: str = ""

  def __post_init__(self):
    if self.size_class not in SIZE_CLASSES:
      raise ValueError(f"{self.name}: size_class must be one of {SIZE_CLASSES}, not {self.size_class!r}")
    grouped = {b for bodies in self.body_groups.values() for b in bodies} | set(self.feet)
    for c in self.colliders:
      if c.body not in grouped:
        raise ValueError(f"{self.name}: collider on {c.body!r}, which is in no contact group")
    names = [j.name for j in self.joints]
    if len(set(names)) != len(names):
      raise ValueError(f"{self.name}: duplicate joint names")

  @property
  def num_joints(self) -> int:
    return len(self.joints)

  @property
  def joint_names(self) -> tuple[str, ...]:
    return tuple(j.name for j in self.joints)

  @property
  def default_pose(self) -> tuple[float, ...]:
    return tuple(j.default for j in self.joints)

  @property
  def torque_limits(self) -> tuple[float, ...]:
    return tuple(TORQUE_LIMIT_FRACTION * j.effort for j in self.joints)

  def joint_indices(self, kinds=None, side=None, legs=None) -> tuple[int, ...]:
    """Policy indices of the joints matching every given filter."""
    out = []
    for i, j in enumerate(self.joints):
      if kinds is not None and j.kind not in kinds:
        continue
      if side is not None and j.side != side:
        continue
      if legs is not None and j.is_leg != legs:
        continue
      out.append(i)
    return tuple(out)

  def group_bodies(self, groups) -> tuple[str, ...]:
    """Bodies of the named contact groups; unknown group names are an error."""
    missing = [g for g in groups if g not in self.body_groups]
    if missing:
      raise KeyError(
        f"{self.name} has no contact group {missing}; it has {sorted(self.body_groups)}"
      )
    return tuple(b for g in groups for b in self.body_groups[g])
