"""services of preuves (filled by its issue)."""
