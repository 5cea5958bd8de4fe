"""What the benchmark publishes: the leaderboard (files and site) and the README's tables."""
