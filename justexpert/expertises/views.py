"""views of expertises (filled by its issue)."""
