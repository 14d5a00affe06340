"""JSON API of coffre, mounted under /api/v1/coffre/ by justexpert/api.py."""

from ninja import Router

router = Router(tags=["coffre"])
