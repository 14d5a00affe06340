"""services of echanges (filled by its issue)."""
