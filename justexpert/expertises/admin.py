"""admin of expertises (filled by its issue)."""
