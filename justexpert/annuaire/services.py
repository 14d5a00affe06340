"""services of annuaire (filled by its issue)."""
