"""models of candidatures (filled by its issue)."""
