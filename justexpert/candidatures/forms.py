"""forms of candidatures (filled by its issue)."""
