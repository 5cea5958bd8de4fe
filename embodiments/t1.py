"""Booster T1 (21 joints): SkillBench's fourth robot, not in the original benchmark.

Model: MuJoCo Menagerie `booster_t1/t1.xml` (23 joints). Choices, written down because the spec
has no T1 column:

- Joint set: the two head joints are locked at 0; the rest are policy joints, in the spec's order
  (left leg, right leg, waist, left arm, right arm). T1's arm has shoulder pitch, shoulder roll,
  elbow pitch and a forearm yaw ("elbow_yaw") in place of the Unitree arms' upper-arm yaw.
- Gains and default pose: Booster Robotics' deployment settings for T1 (legs 200/5, ankles 50/3,
  waist 200/5, arms 20/0.5; knees bent 0.4 rad, arms lowered to the sides), except the ankle
  pitch: -0.2 rad (Menagerie's home pose) keeps the sole flat, where Booster's -0.25 tilts it.
- Effort limits: the model's `actuatorfrcrange` of each joint.
- Heights: spawned at the model's 0.7 m; nominal root height 0.65 m, a little below the 0.665 m it
  stands at in the default pose (as the spec's nominal heights are for H1 and G1). Sizes of goals
  follow the G1 column (the robot of comparable size).
- The Trunk (the free-floating base) is the "torso" contact group; the Waist link below it, which
  carries the hips, is the "pelvis".
"""

from skillbench.robot.embodiment import Collider, Embodiment, Joint, MenagerieModel, Point, mirrored

# kind -> (model joint name, kp N m/rad, kd N m s/rad, effort limit N m)
_LEG = (
  ("hip_pitch", "Hip_Pitch", 200.0, 5.0, 45.0),
  ("hip_roll", "Hip_Roll", 200.0, 5.0, 30.0),
  ("hip_yaw", "Hip_Yaw", 200.0, 5.0, 30.0),
  ("knee", "Knee_Pitch", 200.0, 5.0, 60.0),
  ("ankle_pitch", "Ankle_Pitch", 50.0, 3.0, 20.0),
  ("ankle_roll", "Ankle_Roll", 50.0, 3.0, 15.0),
)
_ARM = (
  ("shoulder_pitch", "Shoulder_Pitch", 20.0, 0.5, 18.0),
  ("shoulder_roll", "Shoulder_Roll", 20.0, 0.5, 18.0),
  ("elbow", "Elbow_Pitch", 20.0, 0.5, 18.0),
  ("elbow_yaw", "Elbow_Yaw", 20.0, 0.5, 18.0),
)
# kind -> default angle (rad) on the left side; the right side mirrors roll and yaw.
_DEFAULTS = {
  "hip_pitch": -0.2, "knee": 0.4, "ankle_pitch": -0.2,
  "shoulder_pitch": 0.2, "shoulder_roll": -1.35, "elbow_yaw": -0.5,
}


def _joint(side, kind, suffix, kp, kd, effort):
  default = _DEFAULTS.get(kind, 0.0)
  if side == "right" and kind in ("shoulder_roll", "elbow_yaw"):
    default = -default
  return Joint(f"{side.capitalize()}_{suffix}", kind, side, default, kp, kd, effort)


def _rename_right(body):
  return body.replace("Left", "Right").replace("left", "right").replace("AL", "AR")


_LEFT_COLLIDERS = (
  Collider("Hip_Yaw_Left", "capsule", (0.05,), fromto=(0.0, 0.0, -0.01, -0.01, 0.0, -0.12)),
  Collider("Shank_Left", "capsule", (0.045,), fromto=(0.0, 0.0, 0.0, 0.0, 0.0, -0.22)),
  Collider("left_foot_link", "box", (0.1115, 0.05, 0.015), pos=(0.01, 0.0, -0.015)),
  Collider("AL3", "capsule", (0.035,), fromto=(0.0, 0.0, 0.0, 0.0, 0.12, 0.0)),
  Collider("left_hand_link", "capsule", (0.035,), fromto=(0.0, 0.02, 0.0, 0.0, 0.21, 0.0)),
)

EMBODIMENT = Embodiment(
  name="t1",
  display_name="Booster T1",
  model=MenagerieModel("booster_t1", "t1.xml"),
  root_body="Trunk",
  joints=(
    *(_joint("left", *j) for j in _LEG),
    *(_joint("right", *j) for j in _LEG),
    Joint("Waist", "torso", None, 0.0, 200.0, 5.0, 30.0),
    *(_joint("left", *j) for j in _ARM),
    *(_joint("right", *j) for j in _ARM),
  ),
  init_height=0.7,
  nominal_height=0.65,
  wrists=(Point("left_hand_link", (0.0, 0.2, 0.0)), Point("right_hand_link", (0.0, -0.2, 0.0))),
  feet=("left_foot_link", "right_foot_link"),
  knees=("Shank_Left", "Shank_Right"),
  body_groups={
    "pelvis": ("Waist",),
    "torso": ("Trunk", "H1", "H2"),
    "shoulders": ("AL1", "AL2", "AL3", "AR1", "AR2", "AR3"),
    "elbows": ("left_hand_link", "right_hand_link"),
    "hips": tuple(f"Hip_{k}_{s}" for s in ("Left", "Right") for k in ("Pitch", "Roll", "Yaw")),
    "knees": ("Shank_Left", "Shank_Right"),
  },
  colliders=(
    Collider("Trunk", "capsule", (0.1,), fromto=(0.06, 0.0, 0.02, 0.06, 0.0, 0.22)),
    Collider("H2", "sphere", (0.08,), pos=(0.01, 0.0, 0.11)),
    Collider("Waist", "capsule", (0.06,), fromto=(0.0, -0.05, 0.0, 0.0, 0.05, 0.0)),
    *_LEFT_COLLIDERS,
    *mirrored(_LEFT_COLLIDERS, _rename_right),
  ),
  size_class="small",  # G1-sized: the spec's G1 numbers
  squat_max_height=0.7,
  notes=__doc__,
)
