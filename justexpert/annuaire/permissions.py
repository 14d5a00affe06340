"""permissions of annuaire (filled by its issue)."""
