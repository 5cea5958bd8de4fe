"""SkillBench 0.3.4: CabinetClose's cabinet is the original's size and floats (docs/DECISIONS.md,
"CabinetClose's cabinet is the original's size, floating")."""

import jax
import mujoco
import numpy as np
import pytest

from tests.helpers import cached_env


@pytest.mark.parametrize("robot, root_z", [("h1", 1.0), ("g1", 0.7)])
def test_the_cabinet_floats_at_the_original_s_size_with_its_doors_over_its_upper_front(robot, root_z):
  env = cached_env(robot, "cabinet_close", "mujoco")
  model = env.scene.model
  data = mujoco.MjData(model)
  data.qpos[:] = np.asarray(env.reset(jax.random.PRNGKey(0)).pipeline_state.qpos)
  mujoco.mj_forward(model, data)
  cabinet = model.body("cabinet").id
  geoms = [g for g in range(model.ngeom) if model.geom_contype[g] and
           (model.geom_bodyid[g] == cabinet or model.body_parentid[model.geom_bodyid[g]] == cabinet)]
  (carcass,) = [g for g in geoms if model.geom_bodyid[g] == cabinet]
  assert np.allclose(model.geom_size[carcass], (0.205, 0.325, 0.315))
  assert np.allclose(data.geom_xpos[carcass], (1.5, 0.0, root_z), atol=1e-6)
  lowest = min(data.geom_xpos[g][2] - np.abs(data.geom_xmat[g].reshape(3, 3)) @ model.geom_size[g] @ [0, 0, 1]
               for g in geoms)
  assert lowest == pytest.approx(root_z - 0.315, abs=1e-3)  # nothing under the carcass: no stand
  doors = [g for g in geoms if g != carcass]
  assert len(doors) == 2
  for door in doors:  # 0.315 m wide, z -0.23..0.30 of the front; open at 1 rad, the free edge 0.26 m out
    assert 2 * model.geom_size[door][1] == pytest.approx(0.315, abs=1e-3)
    top, bottom = (data.geom_xpos[door][2] + s * model.geom_size[door][2] - root_z for s in (1, -1))
    assert top == pytest.approx(0.30, abs=0.01) and bottom == pytest.approx(-0.23, abs=0.01)
    assert data.geom_xpos[door][0] < 1.5 - 0.22 - 0.1  # swung out towards the robot
