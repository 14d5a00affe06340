"""admin of echanges (filled by its issue)."""
