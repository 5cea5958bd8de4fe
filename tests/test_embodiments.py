"""The four robots are built exactly as their embodiment modules (and the spec) say."""

import mujoco
import numpy as np
import pytest

from skillbench import catalog
from skillbench.errors import ModelNotFoundError, UnknownNameError
from skillbench.robot import model as robot_model
from skillbench.robot import model_files
from skillbench.robot.embodiment import TORQUE_LIMIT_FRACTION
from skillbench.sim import scene

JOINT_COUNTS = {"h1": 19, "g1": 21, "h1_2": 21, "t1": 21}


@pytest.fixture(scope="module", params=catalog.robot_names())
def built(request):
  e = catalog.robot(request.param)
  return e, scene.load_scene(e)


def test_joint_sets_and_order(built):
  e, sc = built
  assert e.num_joints == JOINT_COUNTS[e.name]
  m = sc.model
  assert m.nu == e.num_joints
  hinges = [m.joint(i).name for i in range(m.njnt) if m.jnt_type[i] == mujoco.mjtJoint.mjJNT_HINGE]
  assert sorted(hinges) == sorted(e.joint_names), "every other joint is locked"
  assert m.nq == 7 + e.num_joints
  # Policy order: left leg, right leg, torso, left arm, right arm.
  sides = [j.side for j in e.joints]
  n_leg = sum(j.is_leg for j in e.joints) // 2
  assert sides[:n_leg] == ["left"] * n_leg and sides[n_leg:2 * n_leg] == ["right"] * n_leg
  assert e.joints[2 * n_leg].kind == "torso"
  assert all(j.side == "left" for j in e.joints[2 * n_leg + 1:2 * n_leg + 5])
  assert [m.actuator(i).name for i in range(m.nu)] == list(e.joint_names)


def test_spec_numbers_for_h1():
  e = catalog.robot("h1")
  by_name = {j.name: j for j in e.joints}
  assert e.joint_names[:5] == ("left_hip_yaw", "left_hip_roll", "left_hip_pitch", "left_knee", "left_ankle")
  assert (by_name["left_hip_pitch"].default, by_name["left_knee"].default, by_name["left_ankle"].default) == (-0.4, 0.8, -0.4)
  assert (by_name["left_knee"].kp, by_name["left_knee"].kd, by_name["left_knee"].effort) == (300, 6, 300)
  assert (by_name["torso"].kp, by_name["torso"].kd, by_name["torso"].effort) == (300, 6, 200)
  assert (by_name["left_shoulder_yaw"].kp, by_name["left_shoulder_yaw"].effort) == (100, 18)
  assert (e.init_height, e.nominal_height) == (1.0, 0.89)


def test_spec_numbers_for_g1_and_h1_2():
  g1 = {j.kind + str(j.side): j for j in catalog.robot("g1").joints}
  assert (g1["hip_rollleft"].kp, g1["hip_rollleft"].effort) == (150, 139)
  assert (g1["ankle_pitchleft"].kp, g1["ankle_pitchleft"].kd, g1["ankle_pitchleft"].effort) == (20, 4, 50)
  assert (g1["shoulder_pitchleft"].kp, g1["shoulder_pitchleft"].kd, g1["elbowright"].effort) == (40, 10, 25)
  h12 = {j.kind + str(j.side): j for j in catalog.robot("h1_2").joints}
  assert (h12["hip_yawleft"].kd, h12["ankle_pitchleft"].effort, h12["ankle_rollleft"].effort) == (2.5, 60, 40)
  assert catalog.robot("g1").init_height == 0.8 and catalog.robot("h1_2").init_height == 1.05


def test_servos_are_spec_pd_with_clipped_torque(built):
  e, sc = built
  m = sc.model
  for i, j in enumerate(e.joints):
    assert m.actuator_gainprm[i, 0] == pytest.approx(j.kp)
    np.testing.assert_allclose(m.actuator_biasprm[i, :3], [0.0, -j.kp, -j.kd])
    np.testing.assert_allclose(m.actuator_forcerange[i], [-TORQUE_LIMIT_FRACTION * j.effort, TORQUE_LIMIT_FRACTION * j.effort])
    assert m.actuator_forcelimited[i] and not m.actuator_ctrllimited[i]


def test_pd_law_and_torque_clip_in_simulation(built):
  """torque = Kp (q* - q) - Kd qdot, clipped to 0.85 x effort, as the actuator sensors report."""
  e, sc = built
  m, d = sc.model, mujoco.MjData(sc.model)
  d.qpos[:] = scene.home_qpos(m, e)
  q_adr = sc.layout.joint_qpos
  d.qvel[sc.layout.joint_qvel] = 0.3
  target = np.asarray(e.default_pose) + np.linspace(-0.05, 0.05, e.num_joints)
  target[0] += 5.0  # far enough to hit the limit
  d.ctrl[:] = target
  mujoco.mj_forward(m, d)
  kp, kd = np.array([j.kp for j in e.joints]), np.array([j.kd for j in e.joints])
  expected = np.clip(kp * (target - d.qpos[q_adr]) - kd * 0.3, *(np.array([-1, 1])[:, None] * e.torque_limits))
  np.testing.assert_allclose(d.sensordata[sc.layout.torque], expected, rtol=1e-6, atol=1e-6)
  assert abs(d.sensordata[sc.layout.torque][0]) == pytest.approx(e.torque_limits[0])


def test_mass_and_home_pose(built):
  e, sc = built
  upstream = mujoco.MjModel.from_xml_path(str(model_files.robot_xml(e)))
  assert sc.model.body_subtreemass[1] == pytest.approx(upstream.body_subtreemass[1]), "locking keeps the mass"
  key = sc.model.key(scene.HOME_KEY)
  assert key.qpos[2] == e.init_height
  np.testing.assert_allclose(key.qpos[sc.layout.joint_qpos], e.default_pose)
  np.testing.assert_allclose(key.ctrl, e.default_pose)


def test_collision_model_is_mjx_friendly(built):
  e, sc = built
  m = sc.model
  colliding = [g for g in range(m.ngeom) if m.geom_contype[g] or m.geom_conaffinity[g]]
  shapes = {int(m.geom_type[g]) for g in colliding}
  assert shapes <= {mujoco.mjtGeom.mjGEOM_PLANE, mujoco.mjtGeom.mjGEOM_SPHERE, mujoco.mjtGeom.mjGEOM_CAPSULE,
                    mujoco.mjtGeom.mjGEOM_BOX}, "no meshes or cylinders"
  robot = [g for g in colliding if m.geom_bodyid[g] != 0]
  assert len(robot) == len(e.colliders) + 2 * (robot_model.SOLE_CORNERS - 1), "a sole box is built as corner spheres"
  for a in robot:  # robot colliders never touch each other
    for b in robot:
      assert not (m.geom_contype[a] & m.geom_conaffinity[b])
  floor = m.geom("floor").id
  assert all(m.geom_contype[g] & m.geom_conaffinity[floor] or m.geom_contype[floor] & m.geom_conaffinity[g] for g in robot)


def test_sites_and_groups(built):
  e, sc = built
  m = sc.model
  d = mujoco.MjData(m)
  d.qpos[:] = scene.home_qpos(m, e)
  mujoco.mj_forward(m, d)
  for side, wrist in zip(("left", "right"), e.wrists):
    body = d.body(wrist.body)
    expected = body.xpos + body.xmat.reshape(3, 3) @ np.asarray(wrist.offset)
    np.testing.assert_allclose(d.sensordata[sc.layout.wrist_pos[0 if side == "left" else 1]], expected, atol=1e-6)
  left, right = d.sensordata[sc.layout.wrist_pos]
  assert left[1] > right[1], "left wrist on the +y side"
  soles = d.sensordata[sc.layout.foot_pos]
  assert np.all(soles[:, 2] < 0.12) and soles[0, 1] > soles[1, 1]
  for group, rows in sc.layout.group_contact.items():
    assert rows.shape[0] >= 1, f"group {group} has no collider"


def test_unknown_robot_lists_valid_names():
  with pytest.raises(UnknownNameError, match="valid robots: h1, g1, h1_2, t1") as err:
    catalog.robot("h2")
  assert "h1" in str(err.value)


def test_missing_menagerie_model_says_where_it_looked(tmp_path, monkeypatch):
  monkeypatch.setenv("MENAGERIE_ROOT", str(tmp_path))
  with pytest.raises(ModelNotFoundError, match=str(tmp_path)) as err:
    model_files.robot_xml(catalog.robot("g1"))
  assert "MENAGERIE_ROOT" in str(err.value) and "unitree_g1" in str(err.value)


def test_missing_unitree_model_says_how_to_get_it(tmp_path, monkeypatch):
  monkeypatch.delenv("UNITREE_MUJOCO_ROOT", raising=False)
  with pytest.raises(ModelNotFoundError, match="UNITREE_MUJOCO_ROOT is not set"):
    model_files.robot_xml(catalog.robot("h1_2"))
  monkeypatch.setenv("UNITREE_MUJOCO_ROOT", str(tmp_path))
  with pytest.raises(ModelNotFoundError, match="github.com/unitreerobotics/unitree_mujoco") as err:
    model_files.robot_xml(catalog.robot("h1_2"))
  assert str(tmp_path / "h1_2" / "h1_2_handless.xml") in str(err.value)


def test_soles_touch_flat_ground_where_the_box_corners_would(built):
  """Each sole's spheres reach down to the sole plane exactly below the box's bottom corners."""
  e, sc = built
  m = sc.model
  for side, foot in zip(("left", "right"), e.feet):
    sole = e.colliders[robot_model.foot_collider_index(e, side)]
    (x, y, z), (sx, sy, sz) = sole.pos, sole.size
    lowest = []
    for k in range(robot_model.SOLE_CORNERS):
      g = m.geom(robot_model.sole_corner_name(robot_model.foot_collider_index(e, side), foot, k))
      assert m.geom_bodyid[g.id] == m.body(foot).id and g.type[0] == mujoco.mjtGeom.mjGEOM_SPHERE
      lowest.append(g.pos - [0.0, 0.0, g.size[0]])
    expected = [[x + dx, y + dy, z - sz] for dx in (sx, -sx) for dy in (sy, -sy)]
    np.testing.assert_allclose(sorted(map(tuple, lowest)), sorted(map(tuple, expected)), atol=1e-9)
    site = m.site(f"sole_{side}")
    np.testing.assert_allclose(site.pos, [x, y, z - sz])


def test_foot_colliders_are_single_boxes():
  for name in catalog.robot_names():
    e = catalog.robot(name)
    for side in ("left", "right"):
      assert e.colliders[robot_model.foot_collider_index(e, side)].shape == "box"
