"""forms of annuaire (filled by its issue)."""
