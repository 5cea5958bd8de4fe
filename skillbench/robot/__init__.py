"""What a humanoid is: its joints and contact groups, its MJCF, the layout of its arrays and its state."""
