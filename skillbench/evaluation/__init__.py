"""The evaluation protocol: deterministic rollouts and their metrics, the command sweep, and the drift
between the two physics backends."""
