"""views of annuaire (filled by its issue)."""
