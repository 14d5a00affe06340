"""models of preuves (filled by its issue)."""
