"""models of coffre (filled by its issue)."""
