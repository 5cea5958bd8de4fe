"""SkillBlender's high-level policy: sub-goals for frozen skills and per-joint blend weights.

`network` holds the module, `skills` loads and checks the frozen skills, `methods` builds the
actor of each training method (blender, no_softmax, hb; ppo is the flat baseline), `checkpoint`
saves and loads self-contained blender policies (the frozen skills travel inside the file).
"""

from blender_policy.checkpoint import load, save
from blender_policy.methods import METHODS, build_actor
from blender_policy.network import GOAL_BOUNDS

__all__ = ["GOAL_BOUNDS", "METHODS", "build_actor", "load", "save"]
