"""services of candidatures (filled by its issue)."""
