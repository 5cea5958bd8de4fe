"""Unitree G1 (21 joints), as in SkillBench (spec section 1).

Model: MuJoCo Menagerie `unitree_g1/g1.xml` (the 29-joint body). The waist roll and pitch and
the three wrist joints per arm are locked at 0, leaving the spec's 21 policy joints.
"""

from skillbench.robot.embodiment import Collider, Embodiment, Joint, MenagerieModel, Point, mirrored

# kind -> (kp N m/rad, kd N m s/rad, effort limit N m)
_GAINS = {
  "hip_pitch": (200.0, 5.0, 88.0),
  "hip_roll": (150.0, 5.0, 139.0),
  "hip_yaw": (150.0, 5.0, 88.0),
  "knee": (200.0, 5.0, 139.0),
  "ankle_pitch": (20.0, 4.0, 50.0),
  "ankle_roll": (20.0, 4.0, 50.0),
  "torso": (200.0, 5.0, 88.0),
  "shoulder_pitch": (40.0, 10.0, 25.0),
  "shoulder_roll": (40.0, 10.0, 25.0),
  "shoulder_yaw": (40.0, 10.0, 25.0),
  "elbow": (40.0, 10.0, 25.0),
}
_DEFAULTS = {"hip_pitch": -0.4, "knee": 0.8, "ankle_pitch": -0.4}
_LEG = ("hip_pitch", "hip_roll", "hip_yaw", "knee", "ankle_pitch", "ankle_roll")
_ARM = ("shoulder_pitch", "shoulder_roll", "shoulder_yaw", "elbow")


def _joint(side, kind):
  name = "waist_yaw_joint" if kind == "torso" else f"{side}_{kind}_joint"
  return Joint(name, kind, side, _DEFAULTS.get(kind, 0.0), *_GAINS[kind])


_LEFT_COLLIDERS = (
  Collider("left_hip_yaw_link", "capsule", (0.055,), fromto=(0.0, 0.0, -0.03, -0.06, 0.0, -0.17)),
  Collider("left_knee_link", "capsule", (0.04,), fromto=(0.01, 0.0, 0.0, 0.01, 0.0, -0.26)),
  Collider("left_ankle_roll_link", "box", (0.104, 0.035, 0.01), pos=(0.038, 0.0, -0.025)),
  Collider("left_shoulder_yaw_link", "capsule", (0.035,), fromto=(0.0, 0.0, -0.08, 0.0, 0.0, 0.05)),
  Collider("left_elbow_link", "capsule", (0.035,), fromto=(0.0, 0.0, 0.0, 0.1, 0.0, 0.0)),
  Collider("left_wrist_yaw_link", "capsule", (0.035,), fromto=(-0.06, 0.0, 0.0, 0.1, 0.0, 0.0)),
)

EMBODIMENT = Embodiment(
  name="g1",
  display_name="Unitree G1",
  model=MenagerieModel("unitree_g1", "g1.xml"),
  root_body="pelvis",
  joints=(
    *(_joint("left", k) for k in _LEG),
    *(_joint("right", k) for k in _LEG),
    _joint(None, "torso"),
    *(_joint("left", k) for k in _ARM),
    *(_joint("right", k) for k in _ARM),
  ),
  init_height=0.8,
  nominal_height=0.728,
  wrists=(
    Point("left_wrist_yaw_link", (0.0415, 0.003, 0.0)),
    Point("right_wrist_yaw_link", (0.0415, -0.003, 0.0)),
  ),
  feet=("left_ankle_roll_link", "right_ankle_roll_link"),
  knees=("left_knee_link", "right_knee_link"),
  body_groups={
    "pelvis": ("pelvis",),
    "torso": ("torso_link",),
    "waist": ("waist_yaw_link", "waist_roll_link"),
    "shoulders": tuple(f"{s}_shoulder_{k}_link" for s in ("left", "right") for k in ("pitch", "roll", "yaw")),
    # The original's G1 elbow collider, a 0.2 m box, covers the forearm and the hand (its wrists have
    # none), so the hands count as elbows, as on H1 and H1-2 (docs/DECISIONS.md, "G1's hands").
    "elbows": tuple(
      f"{s}_{b}_link" for s in ("left", "right") for b in ("elbow", "wrist_roll", "wrist_pitch", "wrist_yaw")
    ),
    "hips": tuple(f"{s}_hip_{k}_link" for s in ("left", "right") for k in ("pitch", "roll", "yaw")),
    "knees": ("left_knee_link", "right_knee_link"),
  },
  colliders=(
    Collider("pelvis", "sphere", (0.07,), pos=(0.0, 0.0, -0.08)),
    Collider("waist_yaw_link", "sphere", (0.05,), pos=(0.0, 0.0, 0.03)),
    Collider("torso_link", "capsule", (0.09,), fromto=(0.01, 0.0, 0.08, 0.01, 0.0, 0.2)),
    Collider("torso_link", "sphere", (0.06,), pos=(0.0, 0.0, 0.43)),
    *_LEFT_COLLIDERS,
    *mirrored(_LEFT_COLLIDERS),
  ),
  # The pelvis weighs 3.8 kg: the spec's -5 kg would leave it a negative mass. The lower bound
  # keeps 20 % of it.
  added_mass_range=(-3.0, 5.0),
  size_class="small",
  squat_max_height=0.8,
  notes="Pelvis-mass randomisation is U(-3, 5) kg instead of U(-5, 5): the G1 pelvis weighs 3.8 kg.",
)
