"""models of portail (filled by its issue)."""
