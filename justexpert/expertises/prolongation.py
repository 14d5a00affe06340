"""Sealed PDFs kept in a case stay verifiable after their certificates expire.

The platform stores one kind of sealed PDF (PAdES B-LTA): the convocation it draws up. Its seal
and the document timestamp over it can be validated after their certificates expire as long as
a newer document timestamp covers them, added while the last one can still be validated. The
daily task ``prolonger_sceaux`` finds the convocations still served (content not destroyed) whose
last document timestamp's certificate expires within ``settings.PREUVES_MARGE_PROLONGATION_JOURS``
(or that have none), appends a new one (``preuves.sceau.prolonger``, an incremental update) and
stores the result as an **archive version** of the deposited document in the coffre (encrypted,
written like any document: staged, made durable, then its row and the evidence event in one
transaction). The deposited bytes never change: their hash is in the deposit's event and receipt;
the extended copy starts with them byte for byte (the verify page checks that), and is what the
download serves; the deposited copy stays available (``?version=deposee``).

Protects against: a convocation that can no longer be validated once the timestamp authority's
certificate expired; a half-written copy (nothing is served before its row commits; an object
left by a killed worker has no row and is removed by ``coffre.tasks.nettoyer_orphelins``).
Does not protect against: copies people downloaded before (they cannot be extended: the
document's page says to fetch the current copy), nor an authority whose certificate is not
renewed (logged as an error; nothing is stored, the next run tries again).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q

from justexpert.coffre import services as coffre
from justexpert.lib.temps import maintenant
from justexpert.preuves import sceau
from justexpert.preuves import services as preuves

from .models import Depot, TypeDocument

logger = logging.getLogger(__name__)

SCELLES = (TypeDocument.CONVOCATION,)  # the sealed PDFs the platform draws up and keeps
TAILLE_MAX = 50 * 1024 * 1024  # a convocation weighs ~100 Kio; prolonger needs the whole PDF


class SansGain(Exception):
    """The authority's current certificate expires no later than the document's last timestamp:
    extending would gain nothing (renew the authority's certificate)."""


def limite(instant: dt.datetime | None = None) -> dt.datetime:
    return (instant or maintenant()) + dt.timedelta(days=settings.PREUVES_MARGE_PROLONGATION_JOURS)


def a_prolonger(instant: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    """Sealed documents still served whose last timestamp expires within the margin (or unknown)."""
    return (
        Depot.objects.filter(type__in=SCELLES, document__detruit_le__isnull=True)
        .filter(Q(fin_horodatage__isnull=True) | Q(fin_horodatage__lte=limite(instant)))
        .select_related("document", "expertise")
        .order_by("pk")
    )


def _lire(document: coffre.Document) -> bytes:
    if document.taille > TAILLE_MAX:
        raise ValueError(f"sealed document {document.uuid} is too big to extend in memory")
    return b"".join(coffre.ouvrir(document))  # every segment authenticated, the hash checked


def prolonger(depot: Depot, *, instant: dt.datetime | None = None) -> coffre.Document | None:
    """Extend the copy served of ``depot`` if its last timestamp expires within the margin; return
    the new archive version, or None when nothing was needed (the expiry is then recorded)."""
    courante = coffre.version_courante(depot.document)
    pdf = _lire(courante)
    fin = sceau.fin_du_dernier_horodatage(pdf)
    if fin is not None and fin > limite(instant):
        Depot.objects.filter(pk=depot.pk).update(fin_horodatage=fin)
        return None
    prolonge = sceau.prolonger(pdf)
    nouvelle_fin = sceau.fin_du_dernier_horodatage(prolonge)
    if nouvelle_fin is None or (fin is not None and nouvelle_fin <= fin):
        raise SansGain(f"the timestamp authority's certificate expires on {nouvelle_fin}")
    objet = coffre.Depot(courante.nom)  # staged, encrypted, made durable under its id before any row
    try:
        objet.ecrire(prolonge)
        objet.terminer()
        with transaction.atomic():
            d = Depot.objects.select_for_update().select_related("document", "expertise").get(pk=depot.pk)
            if d.document.est_detruit or coffre.version_courante(d.document).pk != courante.pk:
                objet.abandonner()  # purged meanwhile, or another worker extended it first
                return None
            version = coffre.enregistrer(objet, proprietaire=d.document.proprietaire, version_de=d.document)
            preuves.enregistrer_prolongation(
                objet_ref=d.uuid, dossier_ref=d.expertise.uuid, document_sha256=version.sha256, depose_sha256=d.document.sha256
            )
            d.fin_horodatage = nouvelle_fin
            d.save(update_fields=["fin_horodatage"])
    except DatabaseError:
        raise  # commit outcome unknown: the object stays for coffre's cleanup task if no row exists
    except BaseException:
        objet.abandonner()  # nothing committed: the staged or stored object goes now
        raise
    logger.info("expertises: sealed document of deposit %s extended until %s", depot.uuid, nouvelle_fin)
    return version


def prolonger_sceaux(instant: dt.datetime | None = None) -> dict[str, int]:
    """The periodic task: extend every sealed document within the margin. One failure does not stop
    the others; an authority whose certificate brings no gain stops the run (logged as an error)."""
    compte = {"prolonges": 0, "inchanges": 0, "erreurs": 0}
    for depot in a_prolonger(instant).iterator(chunk_size=100):
        try:
            version = prolonger(depot, instant=instant)
        except SansGain as exc:
            logger.error("expertises: sealed documents cannot be extended: %s; renew its certificate", exc)
            compte["erreurs"] += 1
            break
        except Exception:
            logger.exception("expertises: sealed document of deposit %s not extended; next run retries", depot.uuid)
            compte["erreurs"] += 1
            continue
        compte["prolonges" if version is not None else "inchanges"] += 1
    return compte
