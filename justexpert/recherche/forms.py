"""forms of recherche (filled by its issue)."""
