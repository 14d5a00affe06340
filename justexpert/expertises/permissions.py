"""permissions of expertises (filled by its issue)."""
