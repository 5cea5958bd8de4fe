"""The eight SkillBench tasks, one module each, defining `make(embodiment)` (see `skillbench.catalog`).

Names are snake case ("box_push"); the catalog accepts the paper's CamelCase names ("BoxPush") too.
"""

ORDER = (  # the paper's order (spec section 5); tables follow it
  "far_reach", "button_press", "cabinet_close", "football_shoot",
  "box_push", "package_lift", "box_transfer", "package_carry",
)
HELPERS = ("common", "object_goal")
