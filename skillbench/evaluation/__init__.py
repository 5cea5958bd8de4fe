"""The evaluation protocol: deterministic rollouts and their metrics, and the command sweep."""
