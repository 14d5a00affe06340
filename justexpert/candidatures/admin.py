"""admin of candidatures (filled by its issue)."""
