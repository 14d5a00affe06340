"""views of preuves (filled by its issue)."""
