"""admin of preuves (filled by its issue)."""
