"""Training: PPO for primitive skills (and, later, the blender), checkpoints, runs, evaluation."""
