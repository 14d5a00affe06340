"""forms of coffre (filled by its issue)."""
