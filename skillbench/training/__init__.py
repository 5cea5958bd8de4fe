"""Training: PPO on the functional environment (brax-style, in JAX) and stable-baselines3's PPO, run
folders, resume and warm starts, and the guards that stop a diverged or interrupted run cleanly."""
