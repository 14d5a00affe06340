"""Every change of the evidence log: record an event, cut and timestamp checkpoints.

`enregistrer()` is the only way in. It runs inside the caller's transaction: the event exists if
and only if the caller's change commits, and leaf numbers have no gap because every append locks
the single `Journal` row (SELECT … FOR UPDATE on PostgreSQL; SQLite transactions take the write
lock at BEGIN, see settings). Right after the commit, a checkpoint is cut, signed and timestamped
(events committed together may share one).

preuves never decides who may see an event: owning modules fetch their receipt with `accuse()`
after their own permission checks. Proofs and checkpoints reveal hashes only.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from django.db import IntegrityError, transaction
from django.db.models import Q

from justexpert.lib.temps import maintenant

from . import conf, horodatage, merkle, repere
from .models import CleJournal, Evenement, Journal, Noeud, PointDeControle, StatutHorodatage, colonnes_de_feuille
from .verificateur import (
    FORMAT_ACCUSE,
    PreuveInvalide,
    cle_verification,
    empreinte_cle,
    id_cle,
    lire_point_de_controle,
    verifier_note,
)
from .verificateur import PointDeControle as PointSigne

logger = logging.getLogger(__name__)

VERSION_FEUILLE = 1
_TYPE = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
# Opaque references only (UUIDs, codes): no spaces, no "@", so no names or addresses slip in.
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.\-]{0,99}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class EvenementInvalide(ValueError):
    """The event would put something other than references, hashes and times in the log."""


def _ref(valeur: object, nom: str, *, obligatoire: bool = True) -> str | None:
    if valeur is None or valeur == "":
        if obligatoire:
            raise EvenementInvalide(f"{nom} est obligatoire")
        return None
    texte = str(valeur)
    if not _REF.match(texte):
        raise EvenementInvalide(f"{nom} doit être une référence opaque (UUID ou code), pas {type(valeur).__name__} libre")
    return texte


def json_canonique(valeur: object) -> bytes:
    """Sorted keys, no spaces, UTF-8 (RFC 8785 for the strings, integers and booleans we allow)."""
    return json.dumps(valeur, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _horodatage_iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def enregistrer(
    type: str,  # noqa: A002 (the event's type is the domain word)
    *,
    acteur_ref: object,
    objet_ref: object,
    dossier_ref: object = None,
    document_sha256: str | None = None,
    details: Mapping[str, object] | None = None,
) -> Evenement:
    """Append one event to the log, in the caller's transaction, and return it.

    `acteur_ref`, `objet_ref`, `dossier_ref`: opaque references (UUIDs); `document_sha256`: hex;
    `details`: a few more references or numbers. Nothing else goes in the log (it is kept forever).
    """
    if not _TYPE.match(type or ""):
        raise EvenementInvalide("type d'événement invalide (minuscules, chiffres, « _ » et « . »)")
    evenement: dict[str, object] = {
        "v": VERSION_FEUILLE,
        "id": str(uuid.uuid4()),
        "type": type,
        "acteur": _ref(acteur_ref, "acteur_ref"),
        "objet": _ref(objet_ref, "objet_ref"),
    }
    dossier = _ref(dossier_ref, "dossier_ref", obligatoire=False)
    if dossier:
        evenement["dossier"] = dossier
    if document_sha256 is not None:
        if not _SHA256.match(document_sha256):
            raise EvenementInvalide("document_sha256 doit être 64 caractères hexadécimaux minuscules")
        evenement["document_sha256"] = document_sha256
    if details:
        propres: dict[str, object] = {}
        for cle, valeur in details.items():
            if not _TYPE.match(cle):
                raise EvenementInvalide(f"clé de détail invalide : {cle!r}")
            if isinstance(valeur, bool | int) or valeur is None:
                propres[cle] = valeur
            else:
                propres[cle] = _ref(valeur, f"details[{cle!r}]")
        evenement["details"] = propres

    with transaction.atomic():
        journal = _verrouiller_journal()
        le = maintenant()
        evenement["le"] = _horodatage_iso(le)
        feuille = json_canonique(evenement)
        h = merkle.hash_feuille(feuille)
        frontiere = _frontiere(journal)
        nouveaux = merkle.ajouter_feuille(journal.taille, frontiere, h)
        ligne = Evenement.objects.create(index=journal.taille, feuille=feuille, hash_feuille=h, **colonnes_de_feuille(feuille))
        if nouveaux:
            Noeud.objects.bulk_create([Noeud(cle=merkle.cle_noeud(*n), hash=valeur) for n, valeur in nouveaux])
        journal.taille += 1
        journal.frontiere = b"".join(frontiere)
        journal.save(update_fields=["taille", "frontiere"])
    transaction.on_commit(_apres_validation)
    return ligne


def _verrouiller_journal() -> Journal:
    """Lock the sequencing row (creating it on first use, race-free)."""
    try:
        return Journal.objects.select_for_update().get(pk=1)
    except Journal.DoesNotExist:
        try:
            with transaction.atomic():
                Journal.objects.create(pk=1)
        except IntegrityError:
            pass  # created by a concurrent first append
        return Journal.objects.select_for_update().get(pk=1)


def _frontiere(journal: Journal) -> list[bytes]:
    brut = bytes(journal.frontiere)
    return [brut[i : i + 32] for i in range(0, len(brut), 32)]


def _apres_validation() -> None:
    """Cut and timestamp a checkpoint now; never let a failure reach the caller's response."""
    try:
        # Events committed together each queued this: after the first, there is nothing to do.
        dernier = PointDeControle.objects.order_by("-taille").values_list("taille", "statut").first()
        if dernier is not None and dernier[0] >= taille_journal() and dernier[1] == StatutHorodatage.FAIT:
            return
        point = couper_point_de_controle()
        if point is not None and point.statut == StatutHorodatage.EN_ATTENTE:
            horodater_point(point)
    except repere.SignatureRefusee as exc:
        logger.error("preuves: point de contrôle refusé : %s", exc)
    except Exception:
        logger.exception("preuves: point de contrôle non coupé (repris par la tâche horodater_en_attente)")


# --- Checkpoints ----------------------------------------------------------------------------------


def signer_note(corps: str, nom: str | None = None) -> str:
    """Signed-note format: body, blank line, "— <name> base64(key id ‖ Ed25519 signature)"."""
    cle = conf.cle_journal()
    nom = nom or origine_journal()
    publique = cle.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signature = cle.sign(corps.encode())
    return f"{corps}\n— {nom} {base64.b64encode(id_cle(nom, publique) + signature).decode()}\n"


def couper_point_de_controle() -> PointDeControle | None:
    """Sign the current tree head, unless the latest checkpoint already has this size. Raises
    repere.SignatureRefusee when that would fork the log (see repere.py)."""
    with transaction.atomic():
        journal = _verrouiller_journal()
        if journal.taille == 0:
            return None
        dernier = PointDeControle.objects.order_by("-taille").first()
        if dernier is not None and dernier.taille >= journal.taille:
            return dernier
        origine = _origine_verrouillee(journal)
        tete = merkle.racine_frontiere(_frontiere(journal))
        # Never sign over a history this copy does not have (issue 33 item 3): the mark, outside
        # the database, is checked and moved before the checkpoint can be published.
        repere.avancer(origine, journal.taille, tete, racine)
        le = maintenant()
        corps = f"{origine}\n{journal.taille}\n{base64.b64encode(tete).decode()}\nhorodatage {_horodatage_iso(le)}\n"
        return PointDeControle.objects.create(taille=journal.taille, racine=tete, note=signer_note(corps, origine), cree_le=le)


# --- The log's name (issue 17 item 4) -----------------------------------------------------------

_NOM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/\-]{0,199}$")  # a signed-note key name: no space, no "+"
TYPE_CHANGEMENT_ORIGINE = "preuves.changement_origine"


def origine_journal() -> str:
    """The log's name: the one stored with it; before its first checkpoint, the configured one."""
    return Journal.objects.filter(pk=1).values_list("origine", flat=True).first() or conf.origine()


def _origine_verrouillee(journal: Journal) -> str:
    """Inside the journal lock: the stored name (stored now on first use), and the current key
    recorded under it. A configured name that differs is not followed: renaming is a rotation."""
    if not journal.origine:
        journal.origine = conf.origine()
        journal.save(update_fields=["origine"])
    elif (configuree := conf.origine_configuree()) and configuree != journal.origine:
        logger.warning(
            "preuves: JUSTEXPERT_PREUVES_ORIGINE=%s ignored, the log is named %s (manage.py changer_origine_journal renames it)",
            configuree,
            journal.origine,
        )
    _enregistrer_cle(journal.origine, journal.taille)
    return journal.origine


def _enregistrer_cle(origine: str, taille: int) -> None:
    publique = conf.cle_publique_journal()
    if not CleJournal.objects.filter(origine=origine, cle_publique=publique).exists():
        CleJournal.objects.create(origine=origine, cle_publique=publique, premiere_taille=taille, cree_le=maintenant())


def noms_du_journal() -> set[str]:
    """Every name this log has signed under (stored with the log and its keys)."""
    noms = set(CleJournal.objects.values_list("origine", flat=True))
    noms.add(origine_journal())
    return noms


def verifier_note_du_journal(note: str, noms: set[str] | None = None, cles: list[bytes] | None = None) -> PointSigne:
    """The checkpoint of a note signed by this log: under one of its names, by the current key or a
    retired one (both from the configuration, never from the database). Raises PreuveInvalide."""
    nom = lire_point_de_controle(note).origine
    if nom not in (noms if noms is not None else noms_du_journal()):
        raise PreuveInvalide(f"point de contrôle au nom d'un autre journal (« {nom} »)")
    erreur: PreuveInvalide | None = None
    for cle in cles if cles is not None else conf.cles_publiques_verification():
        try:
            return verifier_note(note, nom, cle)
        except PreuveInvalide as exc:
            erreur = erreur or exc
    assert erreur is not None
    raise erreur


def changer_origine(nouvelle: str) -> Evenement:
    """Rename the log, explicitly (``manage.py changer_origine_journal``). Checkpoints already signed
    keep their name and stay verifiable; the rename is itself an event, whose checkpoint is the
    first under the new name. Returns that event."""
    if not _NOM.match(nouvelle):
        raise EvenementInvalide(
            "nom de journal invalide : un hôte et un chemin, sans espace ni « + » (ex. justexpert.example/preuves)"
        )
    with transaction.atomic():
        journal = _verrouiller_journal()
        ancienne = _origine_verrouillee(journal)
        if nouvelle == ancienne:
            raise EvenementInvalide(f"le journal s'appelle déjà « {nouvelle} »")
        journal.origine = nouvelle
        journal.save(update_fields=["origine"])
        _enregistrer_cle(nouvelle, journal.taille)
        return enregistrer(
            TYPE_CHANGEMENT_ORIGINE,
            acteur_ref="systeme",
            objet_ref=hashlib.sha256(nouvelle.encode()).hexdigest(),
            details={"ancienne": hashlib.sha256(ancienne.encode()).hexdigest()},
        )


def signature_bloquee() -> str | None:
    """Why the next checkpoint would not be signed (it would fork the log: repere.py), or None.
    For the health checks: a copy restored without its log's history says so here."""
    taille = taille_journal()
    if taille == 0:
        return None
    try:
        repere.controler(origine_journal(), taille, racine(taille), racine)
    except repere.SignatureRefusee as exc:
        return str(exc)
    except LookupError:
        return "nœud manquant dans le journal"
    return None


def horodater_point(point: PointDeControle) -> bool:
    """Ask the authority for a token over the note; on failure leave it pending for the retry task."""
    try:
        jeton = horodatage.horodater(point.note.encode(), pas_avant=point.cree_le)
    except horodatage.HorodatageIndisponible as exc:
        PointDeControle.objects.filter(pk=point.pk).update(tentatives=point.tentatives + 1, derniere_erreur=str(exc)[:300])
        logger.warning("preuves: horodatage en attente pour le point de contrôle %s : %s", point.taille, exc)
        return False
    point.jeton = jeton.der
    point.nonce = jeton.nonce
    point.date_horodatage = jeton.date
    point.autorite = jeton.autorite
    point.qualifie = jeton.qualifie
    point.certificats = [base64.b64encode(c).decode() for c in jeton.certificats]
    point.statut = StatutHorodatage.FAIT
    point.tentatives += 1
    point.derniere_erreur = ""
    point.save()
    return True


def horodater_en_attente() -> int:
    """Retry: cut a checkpoint if events are not covered, then timestamp pending checkpoints in
    order, stopping at the first failure. Returns how many were timestamped."""
    try:
        couper_point_de_controle()
    except repere.SignatureRefusee as exc:
        logger.error("preuves: point de contrôle refusé : %s", exc)
    faits = 0
    for point in PointDeControle.objects.filter(statut=StatutHorodatage.EN_ATTENTE).order_by("taille"):
        if not horodater_point(point):
            break
        faits += 1
    return faits


# --- Proofs ---------------------------------------------------------------------------------------


def lire_noeuds(noeuds: Iterable[merkle.Noeud]) -> dict[merkle.Noeud, bytes]:
    """Fetch stored perfect nodes in two queries (leaves from events, the rest from nodes)."""
    noeuds = set(noeuds)
    feuilles = [p for n, p in noeuds if n == 0]
    autres = {merkle.cle_noeud(n, p): (n, p) for n, p in noeuds if n > 0}
    valeurs: dict[merkle.Noeud, bytes] = {}
    if feuilles:
        for index, h in Evenement.objects.filter(index__in=feuilles).values_list("index", "hash_feuille"):
            valeurs[(0, index)] = bytes(h)
    if autres:
        for cle, h in Noeud.objects.filter(cle__in=list(autres)).values_list("cle", "hash"):
            valeurs[autres[cle]] = bytes(h)
    if len(valeurs) != len(noeuds):
        raise LookupError("nœud manquant dans le journal")
    return valeurs


def taille_journal() -> int:
    return Journal.objects.filter(pk=1).values_list("taille", flat=True).first() or 0


def racine(taille: int) -> bytes:
    if taille == 0:
        return merkle.RACINE_VIDE
    noeuds = merkle.noeuds_racine(taille)
    valeurs = lire_noeuds(noeuds)
    return merkle.plier([valeurs[n] for n in noeuds])


def preuve_inclusion(index: int, taille: int) -> list[bytes]:
    return merkle.noeuds_preuve_inclusion(index, taille, lire_noeuds)


def preuve_coherence(taille1: int, taille2: int) -> list[bytes]:
    return merkle.noeuds_preuve_coherence(taille1, taille2, lire_noeuds)


# --- Receipts -------------------------------------------------------------------------------------


def point_pour(evenement: Evenement) -> PointDeControle | None:
    """The first timestamped checkpoint covering the event, else the first pending one."""
    couvrants = PointDeControle.objects.filter(taille__gt=evenement.index).order_by("taille")
    return couvrants.filter(statut=StatutHorodatage.FAIT).first() or couvrants.first()


def taille_horodatee() -> int:
    """Size of the largest timestamped checkpoint: every event below it has a complete receipt."""
    return (
        PointDeControle.objects.filter(statut=StatutHorodatage.FAIT).order_by("-taille").values_list("taille", flat=True).first()
        or 0
    )


def b64(valeur: bytes | memoryview | None) -> str:
    return base64.b64encode(bytes(valeur or b"")).decode()


def description_point(point: PointDeControle) -> dict:
    """The checkpoint as a receipt shows it: its name read from its own note, and the configured
    key (current or retired) that signed it, so a receipt for an old event verifies after a
    rotation of the key or of the name."""
    nom = point.note.split("\n", 1)[0]
    publique = conf.cle_publique_journal()
    for cle in conf.cles_publiques_verification():
        try:
            verifier_note(point.note, nom, cle)
        except PreuveInvalide:
            continue
        publique = cle
        break
    return {
        "taille": point.taille,
        "racine": b64(point.racine),
        "note": point.note,
        "nom_cle": nom,
        "cle_publique": b64(publique),
        "empreinte_cle": empreinte_cle(publique),
        "cle_verification": cle_verification(nom, publique),
    }


def description_horodatage(point: PointDeControle | None) -> dict:
    if point is None or point.statut != StatutHorodatage.FAIT:
        return {"statut": StatutHorodatage.EN_ATTENTE.value, "libelle": StatutHorodatage.EN_ATTENTE.label}
    return {
        "statut": StatutHorodatage.FAIT.value,
        "libelle": "horodaté",
        "jeton": b64(point.jeton),
        "nonce": point.nonce,
        "date": point.date_horodatage.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if point.date_horodatage else None,
        "autorite": point.autorite,
        "qualifie": point.qualifie,
        "certificats": point.certificats,
    }


def accuse(evenement: Evenement) -> dict:
    """The JSON receipt of an event (docs/preuves.md). Serve it only after the owner's checks.
    Everything about the event comes from its leaf bytes (the copied columns are for queries);
    the inclusion proof then shows whether that leaf is the one the log signed."""
    feuille = bytes(evenement.feuille)
    point = point_pour(evenement)
    return {
        "format": FORMAT_ACCUSE,
        "evenement": json.loads(feuille),
        "feuille": b64(feuille),
        "index": evenement.index,
        "hash_feuille": merkle.hash_feuille(feuille).hex(),
        "preuve_inclusion": [b64(p) for p in preuve_inclusion(evenement.index, point.taille)] if point else [],
        "point_de_controle": description_point(point) if point else None,
        "horodatage": description_horodatage(point),
        "ancres": reference_ancres(),
        "verification": "python verifier_accuse.py accuse.pdf --document FICHIER --ancres ADRESSE_DES_ANCRES "
        "(outil : tools/verifier_accuse.py)",
    }


def reference_ancres() -> dict:
    from .ancres import reference

    return reference()


@dataclass(frozen=True)
class Inclusion:
    index: int
    taille: int
    preuve: list[bytes]


def inclusion_par_hash(h: bytes, taille: int | None = None) -> Inclusion | None:
    """Public lookup by leaf hash: the proof against checkpoint `taille` (default: the latest)."""
    index = Evenement.objects.filter(hash_feuille=h).values_list("index", flat=True).first()
    if index is None:
        return None
    points = PointDeControle.objects.all()
    point = points.filter(taille=taille).first() if taille is not None else points.order_by("-taille").first()
    if point is None or point.taille <= index:
        return None
    return Inclusion(index=index, taille=point.taille, preuve=preuve_inclusion(index, point.taille))


def evenements_de(*, objet_ref: str | None = None, dossier_ref: str | None = None):
    """Events about an object or a folder, for owning modules (who filter by their own rights)."""
    filtre = Q()
    if objet_ref:
        filtre &= Q(objet_ref=objet_ref)
    if dossier_ref:
        filtre &= Q(dossier_ref=dossier_ref)
    return Evenement.objects.filter(filtre).order_by("index")


def verifier_accuse_ici(contenu: dict, document_sha256: str | None, ancres=None):  # type: ignore[no-untyped-def]
    """The offline checks, with this platform's published anchors (its current and retired log
    keys, its timestamp roots) as the trusted ones, or the anchors document the person gave, plus
    whether the checkpoint is the one this platform published."""
    from .ancres import document
    from .verificateur import lire_ancres, verifier_accuse

    if ancres is None:
        ancres = lire_ancres(json_canonique(document()), "les ancres de confiance de cette plateforme")
    rapport = verifier_accuse(contenu, document_sha256=document_sha256, ancres=ancres)
    point = contenu.get("point_de_controle") if isinstance(contenu, dict) else None
    if isinstance(point, dict) and isinstance(point.get("taille"), int):
        publie = PointDeControle.objects.filter(taille=point["taille"]).values_list("note", flat=True).first()
        if publie is None:
            rapport.ajouter(False, "Cette plateforme n'a publié aucun point de contrôle de cette taille.", "publication")
        elif publie == point.get("note"):
            rapport.ajouter(True, "Le point de contrôle est bien celui publié par cette plateforme.", "publication")
        else:
            rapport.ajouter(False, "Le point de contrôle diffère de celui publié par cette plateforme.", "publication")
    return rapport


# --- Destruction of document contents -------------------------------------------------------------

TYPE_DESTRUCTION = "coffre.document_detruit"


def journal_destruction(*, dossier_ref: object = None):  # type: ignore[no-untyped-def]
    """The ``journal`` callable that ``coffre.detruire`` requires: it records one uniform
    ``coffre.document_detruit`` event (objet = the document's UUID) in the caller's transaction.

    A restore from an older backup replays exactly these events (``destructions_depuis``), so a
    document purged after the backup stays unreadable after the restore.
    """

    def journal(
        _type: str, *, acteur: object, references: Mapping[str, str], empreintes: Mapping[str, str], details: Mapping[str, object]
    ) -> Evenement:
        motif = details.get("motif") if details else None
        return enregistrer(
            TYPE_DESTRUCTION,
            acteur_ref=getattr(acteur, "uuid", None) or "systeme",
            objet_ref=references["document"],
            dossier_ref=dossier_ref,
            document_sha256=empreintes.get("sha256"),
            details={"motif": motif} if isinstance(motif, str) and _REF.match(motif) else None,
        )

    return journal


# --- Extended copies of sealed PDFs ----------------------------------------------------------------

TYPE_PROLONGATION = "preuves.sceau_prolonge"


def enregistrer_prolongation(*, objet_ref: object, dossier_ref: object, document_sha256: str, depose_sha256: str) -> Evenement:
    """Record, in the caller's transaction, that the platform stored an extended copy of a sealed
    document (``sceau.prolonger``: a document timestamp appended): ``objet_ref`` is the object whose
    deposit event holds ``depose_sha256`` (the deposited bytes, unchanged), ``document_sha256`` the
    extended copy's. The verify page recognises the copy through these events."""
    return enregistrer(
        TYPE_PROLONGATION,
        acteur_ref="systeme",
        objet_ref=objet_ref,
        dossier_ref=dossier_ref,
        document_sha256=document_sha256,
        details={"document_depose": depose_sha256},
    )


@dataclass(frozen=True)
class CopieProlongee:
    """A document given to the verify page that starts with the deposited document (its first
    ``taille_deposee`` bytes hash to the receipt's document hash) and goes on after it."""

    depose_sha256: str
    taille_deposee: int
    depose_le: dt.datetime | None
    ajouts: tuple[dt.datetime, ...]  # when the platform added timestamps (its extension events)
    reconnue: bool  # the whole file is a copy this platform extended and recorded


def _instant(iso: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return None


def copie_prolongee(contenu: object, document_sha256: str | None, revisions: Mapping[str, int] | None) -> CopieProlongee | None:
    """Whether the document given with a receipt is an extended copy of the document deposited:
    one of its revisions (``verificateur.EmpreintesRevisions``) hashes to the receipt's document
    hash while the whole file does not. ``reconnue`` only when the whole file's hash is the one an
    extension event of this platform recorded for the same object (otherwise someone else added
    the later revisions, which may change what a PDF reader shows)."""
    evenement = contenu.get("evenement") if isinstance(contenu, dict) else None
    if not isinstance(evenement, dict) or not document_sha256 or not revisions:
        return None
    attendu, objet = evenement.get("document_sha256"), evenement.get("objet")
    if not isinstance(attendu, str) or attendu == document_sha256 or attendu not in revisions or not isinstance(objet, str):
        return None
    ajouts, reconnue = [], False
    for ligne in Evenement.objects.filter(type=TYPE_PROLONGATION, objet_ref=objet).order_by("index"):
        feuille = json.loads(bytes(ligne.feuille))  # the leaf, not the copied columns
        if (feuille.get("details") or {}).get("document_depose") != attendu:
            continue
        sha = feuille.get("document_sha256")
        if sha == document_sha256 or sha in revisions:
            reconnue = reconnue or sha == document_sha256
            if (le := _instant(feuille.get("le"))) is not None:
                ajouts.append(le)
    return CopieProlongee(
        depose_sha256=attendu,
        taille_deposee=revisions[attendu],
        # The deposit's time when the receipt is the deposit's (an opening receipt has its own).
        depose_le=None if str(evenement.get("type", "")).endswith("ouverture") else _instant(evenement.get("le")),
        ajouts=tuple(ajouts),
        reconnue=reconnue,
    )
