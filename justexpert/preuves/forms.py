"""forms of preuves (filled by its issue)."""
