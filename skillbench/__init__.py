"""SkillBench: humanoid skill blending on MuJoCo and MJX.

  import skillbench
  env = skillbench.make("h1", "reaching", backend="mujoco", num_envs=64)
  import gymnasium as gym
  env = gym.make("SkillBench/H1-Reaching-v0")

Importing this package registers the gymnasium ids and imports neither MuJoCo nor JAX.
"""

from skillbench.envs import registration as _registration

__version__ = "0.3.5"

_registration.register_all()


def make(*args, **kwargs):
  """See `skillbench.make.make`."""
  from skillbench.envs.factory import make as _make

  return _make(*args, **kwargs)
