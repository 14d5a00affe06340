"""permissions of preuves (filled by its issue)."""
