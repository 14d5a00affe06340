"""admin of recherche (filled by its issue)."""
