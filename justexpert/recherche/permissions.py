"""permissions of recherche (filled by its issue)."""
