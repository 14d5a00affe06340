"""services of recherche (filled by its issue)."""
