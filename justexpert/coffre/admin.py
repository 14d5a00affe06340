"""admin of coffre (filled by its issue)."""
