"""views of echanges (filled by its issue)."""
