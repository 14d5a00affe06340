"""services of coffre (filled by its issue)."""
