"""Unitree H1 (19 joints), as in SkillBench (spec section 1).

Model: MuJoCo Menagerie `unitree_h1/h1.xml`. Every hinge joint of the model is a policy joint.
"""

from skillbench.robot.embodiment import Collider, Embodiment, Joint, MenagerieModel, Point, mirrored

# kind -> (kp N m/rad, kd N m s/rad, effort limit N m)
_GAINS = {
  "hip_yaw": (200.0, 5.0, 200.0),
  "hip_roll": (200.0, 5.0, 200.0),
  "hip_pitch": (200.0, 5.0, 200.0),
  "knee": (300.0, 6.0, 300.0),
  "ankle": (40.0, 2.0, 40.0),
  "torso": (300.0, 6.0, 200.0),
  "shoulder_pitch": (100.0, 2.0, 40.0),
  "shoulder_roll": (100.0, 2.0, 40.0),
  "shoulder_yaw": (100.0, 2.0, 18.0),
  "elbow": (100.0, 2.0, 18.0),
}
_DEFAULTS = {"hip_pitch": -0.4, "knee": 0.8, "ankle": -0.4}
_LEG = ("hip_yaw", "hip_roll", "hip_pitch", "knee", "ankle")
_ARM = ("shoulder_pitch", "shoulder_roll", "shoulder_yaw", "elbow")


def _joint(side, kind):
  name = kind if side is None else f"{side}_{kind}"
  return Joint(name, kind, side, _DEFAULTS.get(kind, 0.0), *_GAINS[kind])


_LEFT_COLLIDERS = (
  Collider("left_hip_pitch_link", "capsule", (0.06,), fromto=(0.01, 0.0, -0.04, 0.01, 0.0, -0.34)),
  Collider("left_knee_link", "capsule", (0.045,), fromto=(0.01, 0.0, -0.02, 0.02, 0.0, -0.32)),
  Collider("left_ankle_link", "box", (0.115, 0.04, 0.015), pos=(0.055, 0.0, -0.055)),
  Collider("left_shoulder_yaw_link", "capsule", (0.035,), fromto=(0.0, 0.0, 0.0, 0.01, 0.0, -0.19)),
  Collider("left_elbow_link", "capsule", (0.03,), fromto=(0.02, 0.0, -0.005, 0.24, 0.0, -0.015)),
  Collider("left_elbow_link", "sphere", (0.035,), pos=(0.28, 0.0, -0.02)),
)

EMBODIMENT = Embodiment(
  name="h1",
  display_name="Unitree H1",
  model=MenagerieModel("unitree_h1", "h1.xml"),
  root_body="pelvis",
  joints=(
    *(_joint("left", k) for k in _LEG),
    *(_joint("right", k) for k in _LEG),
    _joint(None, "torso"),
    *(_joint("left", k) for k in _ARM),
    *(_joint("right", k) for k in _ARM),
  ),
  init_height=1.0,
  nominal_height=0.89,
  # The H1 model has no wrist body: a point on each elbow link stands for the wrist.
  wrists=(Point("left_elbow_link", (0.28, 0.0, -0.02)), Point("right_elbow_link", (0.28, 0.0, -0.02))),
  feet=("left_ankle_link", "right_ankle_link"),
  knees=("left_knee_link", "right_knee_link"),
  body_groups={
    "pelvis": ("pelvis",),
    "torso": ("torso_link",),
    "shoulders": tuple(f"{s}_shoulder_{k}_link" for s in ("left", "right") for k in ("pitch", "roll", "yaw")),
    "elbows": ("left_elbow_link", "right_elbow_link"),
    "hips": tuple(f"{s}_hip_{k}_link" for s in ("left", "right") for k in ("yaw", "roll", "pitch")),
    "knees": ("left_knee_link", "right_knee_link"),
  },
  colliders=(
    Collider("pelvis", "capsule", (0.05,), fromto=(0.0, -0.09, -0.04, 0.0, 0.09, -0.04)),
    Collider("torso_link", "capsule", (0.09,), fromto=(0.0, 0.0, 0.1, 0.0, 0.0, 0.4)),
    Collider("torso_link", "sphere", (0.073,), pos=(0.045, 0.0, 0.68)),
    *_LEFT_COLLIDERS,
    *mirrored(_LEFT_COLLIDERS),
  ),
)
