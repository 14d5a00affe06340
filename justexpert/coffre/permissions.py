"""permissions of coffre (filled by its issue)."""
