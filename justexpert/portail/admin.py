"""admin of portail (filled by its issue)."""
