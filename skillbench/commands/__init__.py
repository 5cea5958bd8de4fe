"""What the scripts run: their hydra configurations and the campaign."""
