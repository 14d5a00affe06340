"""HTTP plumbing of coffre that owning modules reuse: receiving an upload, serving a download.

Receiving: ``recevoir_depot(request)`` replaces Django's upload handlers for this request (the
default ones keep small files in memory and write big ones in plaintext to the system temporary
folder) by ``GestionnaireTeleversement``, which feeds each chunk to a ``services.Depot`` (hash +
encryption in one pass, ciphertext only on disk). It also accepts a raw body
(``Content-Type: application/octet-stream``, name in the ``X-Nom-Fichier`` header, percent-encoded
UTF-8), which the progress script uses. Size is refused early from Content-Length, and again while
counting. The view must be ``csrf_exempt`` (Django's CSRF middleware would parse the body with the
default handlers first) and call ``verifier_csrf(request)``, which ``recevoir_depot`` does itself.

Serving: ``reponse_telechargement(document, request)`` streams the plaintext decrypted on the fly,
as an attachment, with nosniff, no-store and a sandboxing Content-Security-Policy, and answers
single byte ranges.

Pace: an upload that lasts too long or trickles too slowly is cut with a French message (408),
see ``rythme``; it is read in 64 KiB pieces so the rules are checked often.

Owning modules check permissions before calling either.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Iterator
from urllib.parse import unquote

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError

from justexpert.lib.securite_http import verifier_csrf

from . import conf, services
from .models import Document
from .noms import content_disposition
from .rythme import Envoi, RefusRythme, surveillant
from .services import Depot, DocumentIndisponible, RefusDepot

logger = logging.getLogger(__name__)

# Room for the multipart envelope (boundaries, part headers, a few small fields).
MARGE_MULTIPART = 64 * 1024
CSP_TELECHARGEMENT = "sandbox; default-src 'none'; frame-ancestors 'none'"
PLAGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# Size of each read of the request body: small enough that the pace rules are checked every few
# seconds even on a slow connection, large enough to cost nothing (1 GiB is 16,384 reads).
LECTURE = 64 * 1024
MESSAGE_INCOMPLET = "Le fichier n'a pas été reçu en entier : il n'a pas été enregistré."


class FichierRecu(UploadedFile):
    """What the handler puts in request.FILES: a stored, not yet recorded upload (no file object:
    the content is only in the encrypted store)."""

    def __init__(self, depot: Depot, champ: str) -> None:
        super().__init__(file=None, name=depot.nom, content_type=depot.format.type_mime, size=depot.taille)
        self.depot = depot
        self.field_name = champ

    def close(self) -> None:
        """Nothing to close: the encrypted object belongs to the Depot."""


class GestionnaireTeleversement(FileUploadHandler):
    """Django upload handler: one file, encrypted as it streams, never in memory or plaintext on disk."""

    chunk_size = LECTURE

    def __init__(self, request: HttpRequest | None = None, *, champ: str = "fichier", envoi: Envoi | None = None) -> None:
        super().__init__(request)
        self.champ = champ
        self.envoi = envoi or Envoi()
        self.depots: list[Depot] = []
        # A file refused for its type or content: the rest of the form is still read (and the
        # file's bytes discarded), so the page can show the refusal with what was chosen kept.
        self.refus: RefusDepot | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: ANN001, N803 (Django API)
        if content_length and content_length > conf.taille_max() + MARGE_MULTIPART:
            raise services.refus_trop_gros()
        return None

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):  # noqa: ANN001
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if field_name != self.champ or self.depots or self.refus:
            raise RefusDepot("Envoyez un seul fichier à la fois.")
        try:
            self.depots.append(Depot(file_name or "", taille_annoncee=content_length))
        except RefusDepot as refus:
            if refus.statut != 400:
                raise
            self.refus = refus

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.envoi.recevoir(len(raw_data), morceau=self.chunk_size)
        if self.refus is not None:
            return None
        try:
            self.depots[-1].ecrire(raw_data)
        except RefusDepot as refus:
            if refus.statut != 400:  # too large, storage full or down: stop reading now
                raise
            self.refus = refus  # the Depot removed what it had written
        return None

    def file_complete(self, file_size: int) -> FichierRecu | None:
        if self.refus is not None:
            return None
        depot = self.depots[-1]
        try:
            depot.terminer()
        except RefusDepot as refus:
            if refus.statut != 400:
                raise
            self.refus = refus
            return None
        return FichierRecu(depot, self.champ)

    def upload_interrupted(self) -> None:
        self.abandonner()

    def abandonner(self) -> None:
        for depot in self.depots:
            depot.abandonner()


def _longueur(request: HttpRequest) -> int | None:
    valeur = request.META.get("CONTENT_LENGTH") or ""
    if not valeur:
        return None
    try:
        longueur = int(valeur)
    except ValueError:
        raise RefusDepot("Requête invalide : longueur du contenu illisible.") from None
    if longueur < 0:
        raise RefusDepot("Requête invalide : longueur du contenu illisible.")
    return longueur


VIDANGE_MAX = 32 * 1024 * 1024


def _vider(request: HttpRequest) -> None:
    """Read and discard what is left of a refused request body (at most VIDANGE_MAX), so the
    client, still sending, can read our French answer instead of seeing the connection reset.
    A larger remainder is not read: the connection then closes, as for any server."""
    lus = 0
    try:
        while lus < VIDANGE_MAX:
            morceau = request.read(services.MORCEAU)
            if not morceau:
                return
            lus += len(morceau)
    except Exception:  # noqa: BLE001, S110 (best effort: the refusal is what matters)
        return


class RefusCsrf(RefusDepot):
    def __init__(self, reponse: HttpResponse) -> None:
        super().__init__("La page a expiré : rechargez-la puis renvoyez le fichier.", statut=403)
        self.reponse = reponse


def recevoir_depot(request: HttpRequest, *, champ: str = "fichier") -> Depot:
    """Receive one document from the request and store it encrypted, not yet recorded.

    The caller then calls ``services.enregistrer(depot, proprietaire=..., client_id=...)``, or
    ``depot.abandonner()`` if it changes its mind. Raises RefusDepot (message in French, status).
    """
    longueur = _longueur(request)
    if longueur is not None and longueur > conf.taille_max() + MARGE_MULTIPART:
        raise services.refus_trop_gros()
    envoi = Envoi(request.META.get("gunicorn.socket"))
    surveillant.suivre(envoi)
    try:
        if request.content_type == "application/octet-stream":
            return _recevoir_brut(request, envoi, longueur)
        return _recevoir_formulaire(request, envoi, champ)
    finally:
        surveillant.oublier(envoi)


def _refus_lecture(envoi: Envoi) -> RefusDepot:
    """The body could not be read to its end: cut for its pace, or interrupted by the client."""
    return RefusRythme(envoi.motif) if envoi.motif else RefusDepot(MESSAGE_INCOMPLET)


def _recevoir_brut(request: HttpRequest, envoi: Envoi, longueur: int | None) -> Depot:
    refus = verifier_csrf(request)  # the token comes in the X-CSRFToken header
    if refus is not None:
        raise RefusCsrf(refus)
    if longueur is None:
        raise RefusDepot("La taille du fichier doit être annoncée (en-tête Content-Length).", statut=411)
    if longueur > conf.taille_max():
        raise services.refus_trop_gros()
    depot = Depot(unquote(request.headers.get("X-Nom-Fichier", "")), taille_annoncee=longueur)
    try:
        restant = longueur
        while restant > 0:
            morceau = request.read(min(LECTURE, restant))
            if not morceau:
                break
            envoi.recevoir(len(morceau), morceau=LECTURE)
            depot.ecrire(morceau)
            restant -= len(morceau)
        if restant:
            raise _refus_lecture(envoi)
        depot.terminer()
    except (OSError, UnreadablePostError):
        depot.abandonner()
        raise _refus_lecture(envoi) from None
    except RefusRythme:
        depot.abandonner()  # the client is slow: do not read the rest
        raise
    except RefusDepot:
        depot.abandonner()
        _vider(request)
        raise
    except BaseException:
        depot.abandonner()
        raise
    return depot


def _recevoir_formulaire(request: HttpRequest, envoi: Envoi, champ: str) -> Depot:
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise RefusDepot("Requête invalide : envoyez le fichier par le formulaire.", statut=400)
    gestionnaire = GestionnaireTeleversement(request, champ=champ, envoi=envoi)
    request.upload_handlers = [gestionnaire]
    try:
        request.FILES  # noqa: B018 (parses the body through our handler)
    except RefusRythme:
        gestionnaire.abandonner()
        raise
    except RefusDepot:
        gestionnaire.abandonner()
        _vider(request)
        raise
    except (MultiPartParserError, UnreadablePostError, OSError, ValueError):
        gestionnaire.abandonner()
        raise _refus_lecture(envoi) from None
    except BaseException:
        gestionnaire.abandonner()
        raise
    if envoi.motif:  # cut by the watchdog: the parser saw a body that simply ended
        gestionnaire.abandonner()
        raise RefusRythme(envoi.motif)
    refus = verifier_csrf(request)
    if refus is not None:
        gestionnaire.abandonner()
        raise RefusCsrf(refus)
    if gestionnaire.refus is not None:  # the other fields were read: request.POST holds them
        gestionnaire.abandonner()
        raise gestionnaire.refus
    termines = [d for d in gestionnaire.depots if d.termine]
    if not termines or len(termines) != len(gestionnaire.depots):
        gestionnaire.abandonner()
        raise RefusDepot("Aucun fichier complet n'a été reçu : choisissez un fichier puis renvoyez le formulaire.")
    return termines[0]


def _entetes(reponse: HttpResponseBase, document: Document) -> HttpResponseBase:
    reponse["Content-Disposition"] = content_disposition(document.nom)
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "no-store"
    reponse["Content-Security-Policy"] = CSP_TELECHARGEMENT
    reponse["Accept-Ranges"] = "bytes"
    reponse["Referrer-Policy"] = "no-referrer"
    return reponse


def _plage(entete: str, taille: int) -> tuple[int, int] | None | bool:
    """(start, end inclusive), None for no/ignored range, False for unsatisfiable."""
    correspondance = PLAGE.match(entete.strip())
    if not correspondance or taille == 0:
        return None
    debut_txt, fin_txt = correspondance.groups()
    if not debut_txt and not fin_txt:
        return None
    if not debut_txt:
        suffixe = int(fin_txt)
        if suffixe == 0:
            return False
        return max(0, taille - suffixe), taille - 1
    debut = int(debut_txt)
    fin = min(int(fin_txt), taille - 1) if fin_txt else taille - 1
    if debut >= taille or fin < debut:
        return False
    return debut, fin


def _flux_plage(document: Document, debut: int, fin: int) -> Generator[bytes, None, None]:
    with services.lecteur(document) as lecteur:
        lecteur.seek(debut)
        restant = fin - debut + 1
        while restant > 0:
            morceau = lecteur.read(min(services.MORCEAU, restant))
            if not morceau:
                return
            restant -= len(morceau)
            yield morceau


def reponse_indisponible(document: Document) -> HttpResponse:
    if document.est_detruit:
        return HttpResponse(
            "Ce document a été détruit : son contenu n'est plus disponible.", status=410, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse(
        "Ce document est momentanément illisible. L'équipe technique a été prévenue.",
        status=503,
        content_type="text/plain; charset=utf-8",
    )


def reponse_telechargement(document: Document, request: HttpRequest | None = None) -> HttpResponseBase:
    """Stream the document as an attachment, decrypted on the fly (the first byte does not wait for
    the whole file). Call only after the owning module's permission check."""
    plage = _plage(request.headers.get("Range", ""), document.taille) if request is not None else None
    if plage is False:
        reponse = HttpResponse(status=416)
        reponse["Content-Range"] = f"bytes */{document.taille}"
        return _entetes(reponse, document)
    flux: Generator[bytes, None, None]
    try:
        if plage:
            debut, fin = plage  # type: ignore[misc]
            flux = _flux_plage(document, debut, fin)
        else:
            flux = services.ouvrir(document)
        # Open and authenticate the first segment now, so a missing or broken object is a clean
        # error page rather than a cut-off download.
        premier = next(flux, b"")
    except DocumentIndisponible:
        logger.warning("coffre: document %s not available for download", document.uuid)
        return reponse_indisponible(document)

    def contenu() -> Iterator[bytes]:
        try:
            if premier:
                yield premier
            yield from flux
        finally:
            flux.close()

    flot = StreamingHttpResponse(contenu(), content_type=document.type_mime or "application/octet-stream")
    if plage:
        flot.status_code = 206
        flot["Content-Range"] = f"bytes {debut}-{fin}/{document.taille}"
        flot["Content-Length"] = str(fin - debut + 1)
    else:
        flot["Content-Length"] = str(document.taille)
    return _entetes(flot, document)
