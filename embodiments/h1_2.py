"""Unitree H1-2 (21 joints), as in SkillBench (spec section 1).

Model: `h1_2/h1_2_handless.xml` from Unitree's `unitree_mujoco` repository (folder
`unitree_robots/h1_2`), found through `UNITREE_MUJOCO_ROOT`. The three wrist joints per arm are
locked at 0, leaving the spec's 21 policy joints.
"""

from skillbench.robot.embodiment import Collider, Embodiment, Joint, Point, UnitreeMujocoModel, mirrored

# kind -> (kp N m/rad, kd N m s/rad, effort limit N m)
_GAINS = {
  "hip_yaw": (200.0, 2.5, 200.0),
  "hip_pitch": (200.0, 2.5, 200.0),
  "hip_roll": (200.0, 2.5, 200.0),
  "knee": (300.0, 4.0, 300.0),
  "ankle_pitch": (40.0, 2.0, 60.0),
  "ankle_roll": (40.0, 2.0, 40.0),
  "torso": (300.0, 6.0, 200.0),
  "shoulder_pitch": (100.0, 2.0, 40.0),
  "shoulder_roll": (100.0, 2.0, 40.0),
  "shoulder_yaw": (100.0, 2.0, 18.0),
  "elbow": (100.0, 2.0, 18.0),
}
_DEFAULTS = {"hip_pitch": -0.4, "knee": 0.8, "ankle_pitch": -0.4}
_LEG = ("hip_yaw", "hip_pitch", "hip_roll", "knee", "ankle_pitch", "ankle_roll")
_ARM = ("shoulder_pitch", "shoulder_roll", "shoulder_yaw", "elbow")


def _joint(side, kind):
  name = "torso_joint" if kind == "torso" else f"{side}_{kind}_joint"
  return Joint(name, kind, side, _DEFAULTS.get(kind, 0.0), *_GAINS[kind])


_LEFT_COLLIDERS = (
  Collider("left_hip_roll_link", "capsule", (0.06,), fromto=(0.0, 0.0, -0.05, 0.0, 0.0, -0.36)),
  Collider("left_knee_link", "capsule", (0.045,), fromto=(0.0, 0.0, -0.02, 0.0, 0.0, -0.33)),
  Collider("left_ankle_roll_link", "box", (0.125, 0.04, 0.01), pos=(0.044, 0.0, -0.035)),
  Collider("left_shoulder_yaw_link", "capsule", (0.04,), fromto=(0.0, 0.0, -0.02, 0.0, 0.0, -0.2)),
  Collider("left_elbow_link", "capsule", (0.035,), fromto=(0.0, -0.02, 0.0, 0.12, -0.033, -0.01)),
  Collider("left_wrist_yaw_link", "sphere", (0.04,), pos=(0.03, 0.0, 0.0)),
)

EMBODIMENT = Embodiment(
  name="h1_2",
  display_name="Unitree H1-2",
  model=UnitreeMujocoModel("h1_2", "h1_2_handless.xml"),
  root_body="pelvis",
  joints=(
    *(_joint("left", k) for k in _LEG),
    *(_joint("right", k) for k in _LEG),
    _joint(None, "torso"),
    *(_joint("left", k) for k in _ARM),
    *(_joint("right", k) for k in _ARM),
  ),
  init_height=1.05,
  nominal_height=1.0,
  wrists=(Point("left_wrist_yaw_link"), Point("right_wrist_yaw_link")),
  feet=("left_ankle_roll_link", "right_ankle_roll_link"),
  knees=("left_knee_link", "right_knee_link"),
  body_groups={
    "pelvis": ("pelvis",),
    "torso": ("torso_link",),
    "shoulders": tuple(f"{s}_shoulder_{k}_link" for s in ("left", "right") for k in ("pitch", "roll", "yaw")),
    # As on H1, whose elbow link carries the hand, the forearm group includes the wrist links.
    "elbows": tuple(
      f"{s}_{b}_link" for s in ("left", "right") for b in ("elbow", "wrist_roll", "wrist_pitch", "wrist_yaw")
    ),
    "hips": tuple(f"{s}_hip_{k}_link" for s in ("left", "right") for k in ("yaw", "pitch", "roll")),
    "knees": ("left_knee_link", "right_knee_link"),
  },
  colliders=(
    Collider("pelvis", "capsule", (0.05,), fromto=(0.0, -0.08, -0.04, 0.0, 0.08, -0.04)),
    Collider("torso_link", "capsule", (0.1,), fromto=(0.02, 0.0, 0.1, 0.02, 0.0, 0.45)),
    Collider("torso_link", "sphere", (0.08,), pos=(0.03, 0.0, 0.68)),
    *_LEFT_COLLIDERS,
    *mirrored(_LEFT_COLLIDERS),
  ),
  # The original's H1-2 PackageLift weights its wrists' reward as the G1's, twice the H1's.
  task_overrides={"package_lift": {"wrist_weight": 10.0}},
  notes="The wrist links count as part of the 'elbows' contact group, as H1's elbow link carries its hand.",
)
