"""permissions of echanges (filled by its issue)."""
