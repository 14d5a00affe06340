"""views of recherche (filled by its issue)."""
