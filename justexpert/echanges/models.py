"""models of echanges (filled by its issue)."""
