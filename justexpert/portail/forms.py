"""forms of portail (filled by its issue)."""
