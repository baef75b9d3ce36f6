"""Plugin registration for the daemon (adds CLI commands)."""
