"""forms of echanges (filled by its issue)."""
