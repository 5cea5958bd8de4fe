"""Training: PPO on the functional environment (brax-style, in JAX), stable-baselines3's PPO and
FastTD3 (off-policy), run folders, resume and warm starts, and the guards that stop a diverged or
interrupted run cleanly."""
