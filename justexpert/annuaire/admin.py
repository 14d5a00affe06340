"""admin of annuaire (filled by its issue)."""
