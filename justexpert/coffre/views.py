"""views of coffre (filled by its issue)."""
