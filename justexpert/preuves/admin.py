"""No admin for preuves: the evidence log is append-only and nothing in it may be edited by hand
(`manage.py verifier_journal` would flag it). Checkpoints are public at /api/v1/preuves/checkpoints."""
