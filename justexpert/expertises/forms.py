"""forms of expertises (filled by its issue)."""
