"""The Python API of coffre: store a stream, open a stream, metadata, destroy.

Other modules call only these functions (and the HTTP helpers of ``televersement``):

- ``deposer(flux, nom=..., proprietaire=...)`` stores a readable binary stream and returns the
  committed ``Document``. HTTP uploads go through ``televersement.recevoir_depot(request)`` then
  ``enregistrer(depot, proprietaire=...)``, so the owning module can check permissions in between.
- ``ouvrir(document)`` yields the plaintext in segments and checks the SHA-256 at the end;
  ``lecteur(document)`` gives a seekable reader (ranges, archive inspection).
- ``metadonnees(document)`` returns what stays after destruction: id, name, type, size, hash, times.
- ``detruire(document, acteur=..., journal=...)`` destroys the data key for good (and those of its
  archive versions).
- ``deposer(..., version_de=original)`` stores an archive version of a document (a sealed PDF
  extended with a new timestamp); ``version_courante(original)`` is the newest readable one.

Staging and commit protocol (failure leaves nothing behind): the encrypted object is written to
the backend's staging place, made durable under its final name, and only then is the row inserted
in one short transaction. So there is never a row without its object. An object whose row never
committed (crash, database down, killed worker) is removed by ``tasks.nettoyer_orphelins`` once
older than the cleanup delay. When the database fails *at commit* the object is kept for that
task rather than deleted at once: the commit may have succeeded before the connection broke, and
deleting then would leave a row without its object.
"""

from __future__ import annotations

import errno
import logging
import uuid
from collections.abc import Callable, Generator
from typing import Any, BinaryIO

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from . import conf
from .chiffrement import Chiffreur, LecteurAleatoire, ObjetCorrompu, dechiffrer, desenvelopper, envelopper, nouvelle_cle
from .formats import FormatRefuse, Sonde, format_pour_nom, inspecter_archive
from .models import Document
from .noms import nettoyer_nom
from .stockage import stockage

logger = logging.getLogger(__name__)

MORCEAU = 1024 * 1024


class RefusDepot(Exception):
    """The upload is refused or failed; nothing was recorded. ``message`` is French, for the user."""

    def __init__(self, message: str, *, statut: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.statut = statut


class DocumentIndisponible(Exception):
    """The content cannot be read: destroyed, missing object, or tampered with."""


MESSAGE_TROP_GROS = "Le fichier dépasse la taille maximale autorisée ({taille}) : il n'a pas été enregistré."
MESSAGE_DISQUE_PLEIN = (
    "L'espace de stockage est momentanément insuffisant : le document n'a pas été enregistré. Réessayez plus tard."
)
MESSAGE_STOCKAGE = "Le stockage des documents est momentanément indisponible : le document n'a pas été enregistré."
MESSAGE_BASE = "Le service est momentanément indisponible : le document n'a pas été enregistré. Réessayez dans quelques instants."


def taille_lisible(octets: int) -> str:
    for unite, facteur in (("Gio", 1024**3), ("Mio", 1024**2), ("Kio", 1024)):
        if octets >= facteur:
            return f"{octets / facteur:.3g} {unite}".replace(".", ",")
    return f"{octets} octets"


def refus_trop_gros() -> RefusDepot:
    return RefusDepot(MESSAGE_TROP_GROS.format(taille=taille_lisible(conf.taille_max())), statut=413)


def _refus_stockage(exc: Exception) -> RefusDepot:
    if isinstance(exc, OSError) and exc.errno in {errno.ENOSPC, errno.EDQUOT}:
        logger.error("coffre: storage full (%s)", exc)
        return RefusDepot(MESSAGE_DISQUE_PLEIN, statut=507)
    logger.exception("coffre: storage failure")
    return RefusDepot(MESSAGE_STOCKAGE, statut=503)


class Depot:
    """A document being received: encrypted and hashed as the bytes arrive, not yet recorded.

    ``ecrire()`` the plaintext chunk by chunk, ``terminer()`` at the end, then
    ``enregistrer(depot, ...)`` commits the row. ``abandonner()`` removes whatever was written.
    """

    def __init__(self, nom: str, *, taille_annoncee: int | None = None) -> None:
        self.nom = nettoyer_nom(nom)
        try:
            self.format = format_pour_nom(self.nom)
        except FormatRefuse as exc:
            raise RefusDepot(str(exc)) from None
        self.taille_max = conf.taille_max()
        if taille_annoncee is not None and taille_annoncee > self.taille_max:
            raise refus_trop_gros()
        # Read the key-encryption keys now: a configuration error (or the first-use generation of
        # development keys) shows before the upload is received, not after.
        conf.cles()
        self.uuid = uuid.uuid4()
        self.cle = nouvelle_cle()
        self.taille_segment = conf.taille_segment()
        self.sha256 = ""
        self.termine = False
        self._valide = False
        self._abandonne = False
        self._sonde = Sonde(self.format)
        self.stockage = stockage()
        try:
            self._ecrivain = self.stockage.ecrivain(self.uuid.hex)
        except Exception as exc:
            raise _refus_stockage(exc) from exc
        try:
            self._chiffreur = Chiffreur(self.cle, self.uuid, self.taille_segment, self._ecrivain.ecrire)
        except Exception as exc:
            self.abandonner()
            raise _refus_stockage(exc) from exc

    @property
    def taille(self) -> int:
        return self._chiffreur.taille

    def ecrire(self, donnees: bytes | memoryview) -> None:
        try:
            if self._chiffreur.taille + len(donnees) > self.taille_max:
                raise refus_trop_gros()
            self._sonde.recevoir(donnees)
            self._chiffreur.ecrire(donnees)
        except FormatRefuse as exc:
            self.abandonner()
            raise RefusDepot(str(exc)) from None
        except RefusDepot:
            self.abandonner()
            raise
        except Exception as exc:
            self.abandonner()
            raise _refus_stockage(exc) from exc

    def terminer(self) -> None:
        try:
            self._sonde.terminer()
            self.sha256 = self._chiffreur.terminer()
            self._ecrivain.valider()
            self._valide = True
            if self._sonde.besoin_inspection:
                with self.lecteur() as lecteur:
                    inspecter_archive(lecteur, self.format, self.taille, self.nom.rpartition(".")[2].lower())  # type: ignore[arg-type]
        except FormatRefuse as exc:
            self.abandonner()
            raise RefusDepot(str(exc)) from None
        except Exception as exc:
            self.abandonner()
            raise _refus_stockage(exc) from exc
        self.termine = True

    def lecteur(self) -> LecteurAleatoire:
        return LecteurAleatoire(lambda pos: self.stockage.ouvrir(self.uuid.hex, pos), self.cle, self.uuid, self.taille)

    def abandonner(self) -> None:
        """Remove what was written (staging file, incomplete upload or the object). Never raises."""
        if self._abandonne:
            return
        self._abandonne = True
        try:
            if self._valide:
                self.stockage.supprimer(self.uuid.hex)
            else:
                self._ecrivain.abandonner()
        except Exception:
            # The cleanup task removes it later.
            logger.warning("coffre: could not remove object %s now", self.uuid, exc_info=True)


def enregistrer(depot: Depot, *, proprietaire: str, client_id: str = "", version_de: Document | None = None) -> Document:
    """Commit a finished upload: insert its row. The same ``client_id`` for the same owner gives back
    the document already recorded (and discards the new copy). Raises RefusDepot (503) when the
    database is unavailable."""
    if not depot.termine:
        raise ValueError("the upload is not finished")
    client_id = (client_id or "")[:64]
    cles, active = conf.cles()
    enveloppe = envelopper(depot.cle, cles[active], depot.uuid)
    del cles
    try:
        with transaction.atomic():
            if client_id:
                existant = Document.objects.filter(proprietaire=proprietaire, client_id=client_id).first()
                if existant is not None:
                    depot.abandonner()
                    return existant
            document = Document.objects.create(
                uuid=depot.uuid,
                proprietaire=proprietaire,
                client_id=client_id,
                nom=depot.nom,
                type_mime=depot.format.type_mime,
                taille=depot.taille,
                sha256=depot.sha256,
                backend=depot.stockage.nom,
                taille_segment=depot.taille_segment,
                cle_id=active,
                cle_chiffree=enveloppe,
                version_de=version_de,
            )
    except IntegrityError:
        # A concurrent request with the same client_id won the race: keep its document.
        depot.abandonner()
        existant = Document.objects.filter(proprietaire=proprietaire, client_id=client_id).first() if client_id else None
        if existant is None:
            raise RefusDepot(MESSAGE_BASE, statut=503) from None
        return existant
    except DatabaseError:
        # Commit outcome unknown: keep the object, tasks.nettoyer_orphelins removes it if no row exists.
        logger.exception("coffre: database unavailable when recording %s", depot.uuid)
        raise RefusDepot(MESSAGE_BASE, statut=503) from None
    logger.info("coffre: stored %s (%d bytes)", document.uuid, document.taille)
    return document


def deposer(
    flux: BinaryIO,
    *,
    nom: str,
    proprietaire: str,
    client_id: str = "",
    taille_annoncee: int | None = None,
    version_de: Document | None = None,
) -> Document:
    """Store a readable binary stream as a new document (read in 1 MiB chunks, never whole);
    with ``version_de``, as an archive version of that document (same owner)."""
    depot = Depot(nom, taille_annoncee=taille_annoncee)
    try:
        while morceau := flux.read(MORCEAU):
            depot.ecrire(morceau)
        depot.terminer()
    except BaseException:
        depot.abandonner()
        raise
    return enregistrer(depot, proprietaire=proprietaire, client_id=client_id, version_de=version_de)


def version_courante(document: Document) -> Document:
    """The newest readable archive version of ``document``, or the document itself."""
    if document.est_detruit:
        return document
    return document.versions.filter(detruit_le__isnull=True).order_by("-pk").first() or document


def dates_versions(originaux: list[int]) -> dict[int, Any]:
    """For each original (by pk), when its newest readable archive version was stored (one query)."""
    from django.db.models import Max

    lignes = (
        Document.objects.filter(version_de__in=originaux, detruit_le__isnull=True)
        .values("version_de")
        .annotate(le=Max("cree_le"))
    )
    return {ligne["version_de"]: ligne["le"] for ligne in lignes if ligne["version_de"] is not None}


def _cle_donnees(document: Document) -> bytes:
    if document.est_detruit or document.cle_chiffree is None:
        raise DocumentIndisponible("destroyed")
    cles, _ = conf.cles()
    if document.cle_id not in cles:
        raise DocumentIndisponible(f"key-encryption key {document.cle_id!r} is not configured")
    try:
        return desenvelopper(bytes(document.cle_chiffree), cles[document.cle_id], document.uuid)
    except ObjetCorrompu as exc:
        raise DocumentIndisponible(str(exc)) from exc


def ouvrir(document: Document) -> Generator[bytes, None, None]:
    """Yield the plaintext, segment by segment (about 1 MiB each). Every segment is authenticated;
    the SHA-256 of the whole is checked before the last chunk is released. Raises
    DocumentIndisponible (destroyed, missing, tampered)."""
    cle = _cle_donnees(document)
    try:
        brut = stockage().ouvrir(document.nom_objet)
    except Exception as exc:
        raise DocumentIndisponible(f"object {document.uuid} cannot be opened") from exc
    try:
        yield from dechiffrer(brut, cle, document.uuid, document.sha256)
    except ObjetCorrompu as exc:
        logger.error("coffre: document %s is corrupt: %s", document.uuid, exc)
        raise DocumentIndisponible(str(exc)) from exc
    finally:
        brut.close()


class LecteurDocument(LecteurAleatoire):
    """The seekable reader of a recorded document: a segment that does not authenticate raises
    DocumentIndisponible, as ``ouvrir`` does, so every caller (HTTP ranges, archive inspection)
    handles a damaged document the same way."""

    def __init__(self, document: Document, cle: bytes) -> None:
        s = stockage()
        self._document = document.uuid
        super().__init__(lambda pos: s.ouvrir(document.nom_objet, pos), cle, document.uuid, document.taille)

    def read(self, n: int = -1) -> bytes:
        try:
            return super().read(n)
        except ObjetCorrompu as exc:
            logger.error("coffre: document %s is corrupt: %s", self._document, exc)
            raise DocumentIndisponible(str(exc)) from exc


def lecteur(document: Document) -> LecteurAleatoire:
    """Seekable plaintext reader (segments authenticated; the whole-file hash is not checked).
    Raises DocumentIndisponible (destroyed, missing, tampered), when opened or while reading."""
    cle = _cle_donnees(document)
    try:
        return LecteurDocument(document, cle)
    except Exception as exc:
        raise DocumentIndisponible(f"object {document.uuid} cannot be opened") from exc


def metadonnees(document: Document) -> dict[str, Any]:
    """What the platform knows about a document; all of it survives destruction."""
    return {
        "uuid": str(document.uuid),
        "nom": document.nom,
        "type_mime": document.type_mime,
        "taille": document.taille,
        "sha256": document.sha256,
        "cree_le": document.cree_le,
        "detruit_le": document.detruit_le,
        "lisible": not document.est_detruit,
    }


def verifier(document: Document) -> None:
    """Decrypt and rehash the whole document; raise DocumentIndisponible on any problem."""
    for _ in ouvrir(document):
        pass


def detruire(document: Document, *, acteur: Any, journal: Callable[..., Any], motif: str = "") -> Document:
    """Destroy the document's data key: its content becomes unreadable for good; metadata and hash stay.
    Its archive versions (``version_de``) are destroyed with it, each with its own journal call.

    ``journal`` is required: the calling domain module passes its evidence-log writer (e.g.
    ``preuves.services.enregistrer``; coffre may not import preuves). It is called once, inside the
    same transaction, as ``journal("coffre.document_detruit", acteur=acteur, references={"document":
    "<uuid>"}, empreintes={"sha256": "<hex>"}, details={"motif": motif})``; if it raises, nothing is
    destroyed. The object is then deleted from the backend after commit (best effort; the key is
    already gone, and ``tasks.nettoyer_orphelins`` removes leftovers). Destroying twice is a no-op.
    """
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        for version in document.versions.filter(detruit_le__isnull=True).order_by("pk"):
            detruire(version, acteur=acteur, journal=journal, motif=motif)
        if document.est_detruit:
            return document
        document.cle_chiffree = None
        document.detruit_le = timezone.now()
        document.save(update_fields=["cle_chiffree", "detruit_le"])
        journal(
            "coffre.document_detruit",
            acteur=acteur,
            references={"document": str(document.uuid)},
            empreintes={"sha256": document.sha256},
            details={"motif": motif} if motif else {},
        )
        nom_objet = document.nom_objet
        transaction.on_commit(lambda: _supprimer_objet(nom_objet))
    return document


def _supprimer_objet(nom_objet: str) -> None:
    try:
        stockage().supprimer(nom_objet)
    except Exception:
        logger.warning("coffre: object %s not deleted now; the cleanup task will", nom_objet, exc_info=True)


def reenvelopper(*, lot: int = 500) -> int:
    """Rewrap every live data key under the active key-encryption key; returns how many changed."""
    cles, active = conf.cles()
    total = 0
    while True:
        with transaction.atomic():
            documents = list(Document.objects.select_for_update().lisibles().exclude(cle_id=active).order_by("pk")[:lot])
            for document in documents:
                if document.cle_id not in cles:
                    raise DocumentIndisponible(f"key-encryption key {document.cle_id!r} of {document.uuid} is not configured")
                cle = desenvelopper(bytes(document.cle_chiffree), cles[document.cle_id], document.uuid)  # type: ignore[arg-type]
                document.cle_chiffree = envelopper(cle, cles[active], document.uuid)
                document.cle_id = active
                document.save(update_fields=["cle_chiffree", "cle_id"])
        total += len(documents)
        if len(documents) < lot:
            return total
