"""Simulation and control rates (spec section 2).

`default`: physics at 200 Hz, policy at 50 Hz (what MuJoCo Playground and mjlab use for humanoids);
`paper`: the original's 1 kHz physics, 100 Hz policy. Episode lengths are in seconds, so they do not
change with the preset.
"""

import dataclasses

from skillbench.errors import UnknownNameError


@dataclasses.dataclass(frozen=True)
class Timing:
  name: str
  physics_dt: float  # s
  control_dt: float  # s

  @property
  def substeps(self) -> int:
    """Physics steps per policy step."""
    return int(round(self.control_dt / self.physics_dt))

  def steps(self, seconds: float) -> int:
    """Policy steps in `seconds` of robot time."""
    return int(round(seconds / self.control_dt))


PRESETS = {
  "default": Timing("default", physics_dt=0.005, control_dt=0.02),
  "paper": Timing("paper", physics_dt=0.001, control_dt=0.01),
}


def get(name: str) -> Timing:
  if isinstance(name, Timing):
    return name
  if name not in PRESETS:
    raise UnknownNameError("timing preset", name, PRESETS)
  return PRESETS[name]
