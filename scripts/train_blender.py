"""Train a task policy: SkillBlender (the default) or a baseline.

  python scripts/train_blender.py embodiment=h1 task=button_press                  # cpu preset, library skills
  python scripts/train_blender.py task=box_push method=ppo                         # the flat PPO baseline
  python scripts/train_blender.py task=button_press method=no_softmax              # the softmax ablation
  python scripts/train_blender.py task=far_reach skills=[reaching]                 # a skill subset
  python scripts/train_blender.py task=box_push skill_sources.walking=runs/h1-walking-brax-...  # a run's skill
  python scripts/train_blender.py task=box_push method=hb low_level=runs/h1-far_reach-ppo-...
  python scripts/train_blender.py resume=runs/h1-button_press-blender-20261128-101500
  python scripts/train_blender.py task=button_press init=runs/h1-button_press-blender-...  # warm start

Same run folder, progress, TensorBoard, atomic checkpoints, resume and warm start (init=: a new
run from a run's networks, e.g. the same blender over a newer skill library) as train_primitive.py.
The blender's frozen skills come from the pretrained library (`checkpoint/<robot>/<skill>`), a
run folder or a policy file; each must be the task's robot and skill, with the task's
proprioception. The final policy file carries its frozen skills, so it evaluates anywhere:
`python scripts/evaluate.py run=<run>`.
"""

import sys

import hydra
from hydra.core.hydra_config import HydraConfig

from skillbench.commands import config as config_lib


@hydra.main(version_base=None, config_name="train_blender")
def main(cfg: config_lib.TrainBlenderConfig) -> None:
  from skillbench.commands import resume
  from skillbench.training.train import train_command

  train_command(resume.resolve(cfg, config_lib.TrainBlenderConfig, HydraConfig.get().overrides.task))


if __name__ == "__main__":
  config_lib.register()
  config_lib.exit_on_ignored_overrides(sys.argv[1:])
  main()
