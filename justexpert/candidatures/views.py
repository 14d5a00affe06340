"""views of candidatures (filled by its issue)."""
