"""Throttling of the public endpoints (sign-up, login, password reset, invitation acceptance,
receipt verification, built-in timestamp authority): a Django app at the bottom layer, so that
comptes and preuves both use it. See services.py and docs/limitation.md."""
