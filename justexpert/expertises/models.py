"""models of expertises (filled by its issue)."""
