"""JSON API of preuves, mounted under /api/v1/preuves/ by justexpert/api.py."""

from ninja import Router

router = Router(tags=["preuves"])
