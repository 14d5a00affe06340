"""permissions of portail (filled by its issue)."""
