"""Background tasks of coffre (run by `manage.py db_worker`; schedule ``nettoyer_orphelins`` hourly)."""

from __future__ import annotations

import logging
import uuid
from itertools import islice

from django_tasks import task

from . import conf
from .stockage import maintenant, stockage

logger = logging.getLogger(__name__)


def nettoyer(delai: int | None = None) -> dict[str, int]:
    """Remove staging files and incomplete uploads older than the delay, and stored objects older
    than the delay whose row does not exist (upload never committed) or whose key was destroyed."""
    from .models import Document

    avant = maintenant() - (conf.delai_orphelins() if delai is None else delai)
    s = stockage()
    incomplets = s.nettoyer_incomplets(avant)
    orphelins = 0
    anciens = (nom for nom, mtime in s.lister() if mtime < avant)
    while lot := list(islice(anciens, 500)):
        vivants = {
            u.hex
            for u in Document.objects.filter(uuid__in=[uuid.UUID(n) for n in lot], detruit_le__isnull=True).values_list(
                "uuid", flat=True
            )
        }
        for nom in lot:
            if nom not in vivants:
                s.supprimer(nom)
                orphelins += 1
    if incomplets or orphelins:
        logger.info("coffre: cleanup removed %d incomplete uploads and %d orphan objects", incomplets, orphelins)
    return {"incomplets": incomplets, "orphelins": orphelins}


@task()
def nettoyer_orphelins() -> dict[str, int]:
    return nettoyer()
