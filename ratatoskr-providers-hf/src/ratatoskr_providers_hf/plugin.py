"""Plugin registration for this provider (hookimpls only; cheap to import). Filled in by its issue."""
