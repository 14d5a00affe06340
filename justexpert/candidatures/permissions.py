"""permissions of candidatures (filled by its issue)."""
