"""models of recherche (filled by its issue)."""
