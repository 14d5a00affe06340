"""services of expertises (filled by its issue)."""
