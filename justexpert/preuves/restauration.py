"""Restoring the evidence log without forking it (issue 33 item 3), and reading proven leaves.

A restored database holds the log as it was at the dump. What the live log signed since was
published (receipts, witnesses) and cannot be taken back; a copy that signed on from the dump's
size would fork the log. So:

- ``exporter_journal(depuis)`` (``manage.py exporter_journal``), on whatever still holds the log,
  writes the leaves after the dump and every checkpoint since, all proven against the latest
  signed checkpoint (``feuilles_verifiees``);
- ``importer_journal(lignes)`` (``manage.py restaurer --journal``) appends those exact leaves to
  the restored log, checks that every imported checkpoint is signed by this log and has the root
  its leaves give, stores them with their timestamp tokens (receipts issued after the dump come
  back), and raises the high-water mark (repere.py) to the latest one;
- ``relever_repere(notes)`` raises the mark to the latest checkpoint known to witnesses or to the
  operators when the live log is lost (``restaurer --dernier-point``): the copy then refuses to
  sign until its log reaches and extends that checkpoint; if the missing events are lost for
  good, ``changer_origine_journal`` opens the log under a new name, explicitly.

Destruction replay and exports read proven leaves only (``destructions_depuis``): a row edited
in the database can neither hide a destruction nor make a restore destroy a live document's key.

These functions change state (the log, the mark); they live here rather than in services.py
only to keep that module readable.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction

from . import conf, merkle, repere, services
from .models import Evenement, Noeud, PointDeControle, StatutHorodatage, colonnes_de_feuille
from .verificateur import PointDeControle as PointSigne
from .verificateur import PreuveInvalide, verifier_jeton

FORMAT_EXPORT = "justexpert-journal/1"
LOT = 2000


class JournalNonVerifiable(Exception):
    """The leaves asked for cannot be proven against a signed checkpoint; the message is French."""


def feuilles_verifiees(depuis: int) -> list[tuple[int, bytes]]:
    """The leaves from index ``depuis`` to the latest signed checkpoint, proven: the checkpoint's
    signature is checked, then its root is recomputed from these leaves' bytes and the stored
    perfect subtrees before ``depuis`` (O(k + log n) reads). Nothing is returned unless the root
    matches, so a consumer (destruction replay, export) never acts on an edited row.

    Raises JournalNonVerifiable when a leaf, a stored node or the checkpoint does not match, or when
    events exist after the latest checkpoint (not yet signed: cut one first)."""
    point = PointDeControle.objects.order_by("-taille").first()
    total = services.taille_journal()
    if point is None:
        if total:
            raise JournalNonVerifiable("aucun point de contrôle signé ne couvre le journal : rien n'est prouvable")
        return []
    try:
        signe = services.verifier_note_du_journal(point.note)
    except PreuveInvalide as exc:
        raise JournalNonVerifiable(f"le dernier point de contrôle n'est pas signé par la clé du journal ({exc})") from None
    if signe.taille != point.taille or signe.racine != bytes(point.racine):
        raise JournalNonVerifiable("le dernier point de contrôle ne correspond pas à sa note signée")
    if total > signe.taille:
        raise JournalNonVerifiable(
            f"{total - signe.taille} événement(s) ne sont couverts par aucun point de contrôle signé : "
            "lancez la tâche horodater_en_attente (elle en coupe un) puis recommencez"
        )
    depuis = max(0, depuis)
    if depuis >= signe.taille:
        return []
    try:
        noeuds = merkle.noeuds_racine(depuis)
        valeurs = services.lire_noeuds(noeuds)
        frontiere = [bytes(valeurs[n]) for n in noeuds]
    except LookupError:
        raise JournalNonVerifiable("nœud manquant dans le journal") from None
    feuilles: list[tuple[int, bytes]] = []
    taille = depuis
    lignes = Evenement.objects.filter(index__gte=depuis, index__lt=signe.taille).order_by("index")
    for index, brute in lignes.values_list("index", "feuille").iterator(chunk_size=2000):
        feuille = brute if isinstance(brute, bytes) else bytes(brute) if isinstance(brute, memoryview) else None
        if index != taille or feuille is None:
            raise JournalNonVerifiable(f"événement n° {taille} absent, déplacé ou illisible")
        merkle.ajouter_feuille(taille, frontiere, merkle.hash_feuille(feuille))
        feuilles.append((index, feuille))
        taille += 1
    if taille != signe.taille or merkle.racine_frontiere(frontiere) != signe.racine:
        raise JournalNonVerifiable(
            f"les événements {depuis} à {signe.taille - 1} ne correspondent pas au point de contrôle signé de taille "
            f"{signe.taille} : journal modifié (lancez verifier_journal)"
        )
    return feuilles


def destructions_depuis(index: int) -> list[str]:
    """UUIDs of the documents whose destruction was logged at or after leaf ``index``, read from the
    proven leaves (feuilles_verifiees), never from the copied columns: an edited row can neither
    hide a destruction nor make a restore destroy a live document's key."""
    detruits = []
    for _, feuille in feuilles_verifiees(index):
        evenement = json.loads(feuille)
        if evenement.get("type") == services.TYPE_DESTRUCTION:
            detruits.append(str(evenement["objet"]))
    return detruits


# --- Export and import of the log after a dump ------------------------------------------------------


def _iso(instant: dt.datetime | None) -> str | None:
    return instant.astimezone(dt.UTC).isoformat() if instant else None


def exporter_journal(depuis: int) -> Iterator[dict]:
    """The export's lines (JSON objects): a header, the proven leaves from ``depuis`` to the latest
    signed checkpoint, then every checkpoint of size ≥ ``depuis`` with its timestamp token."""
    feuilles = feuilles_verifiees(depuis)
    dernier = PointDeControle.objects.order_by("-taille").values_list("taille", flat=True).first() or 0
    yield {"format": FORMAT_EXPORT, "depuis": depuis, "taille": dernier, "origine": services.origine_journal()}
    for index, feuille in feuilles:
        yield {"index": index, "feuille": base64.b64encode(feuille).decode()}
    for point in PointDeControle.objects.filter(taille__gte=depuis, taille__lte=dernier).order_by("taille"):
        yield {
            "point": {
                "taille": point.taille,
                "racine": base64.b64encode(bytes(point.racine)).decode(),
                "note": point.note,
                "cree_le": _iso(point.cree_le),
                "statut": point.statut,
                "jeton": base64.b64encode(bytes(point.jeton)).decode() if point.jeton else None,
                "nonce": point.nonce,
                "date_horodatage": _iso(point.date_horodatage),
                "autorite": point.autorite,
                "qualifie": point.qualifie,
                "certificats": point.certificats,
            }
        }


class ImportRefuse(Exception):
    """The export does not continue this log; nothing was imported. The message is French."""


@dataclass
class Import:
    ajoutes: int = 0
    points: int = 0
    taille: int = 0
    destructions: list[str] = field(default_factory=list)
    jetons_a_refaire: list[int] = field(default_factory=list)


def lire_export(texte: str) -> list[dict]:
    try:
        lignes = [json.loads(ligne) for ligne in texte.splitlines() if ligne.strip()]
    except ValueError as exc:
        raise ImportRefuse(f"export du journal illisible ({exc})") from None
    if not lignes or not isinstance(lignes[0], dict) or lignes[0].get("format") != FORMAT_EXPORT:
        raise ImportRefuse(f"ce fichier n'est pas un export du journal ({FORMAT_EXPORT})")
    return lignes


def destructions_dans(lignes: list[dict]) -> list[str]:
    """The documents whose destruction an export's leaves record, read without proof: for a restore
    whose import failed, which must still not bring those documents back (destroying too much in a
    copy that failed is the safe side)."""
    detruits = []
    for ligne in lignes:
        try:
            evenement = json.loads(base64.b64decode(ligne["feuille"]))
        except (KeyError, TypeError, ValueError, binascii.Error):
            continue
        if isinstance(evenement, dict) and evenement.get("type") == services.TYPE_DESTRUCTION:
            detruits.append(str(evenement.get("objet")))
    return detruits


def importer_journal(lignes: list[dict]) -> Import:
    """Append an export's leaves and checkpoints to this (restored) log, in one transaction, then
    raise the high-water mark to its latest checkpoint. Raises ImportRefuse (nothing changed)."""
    try:
        feuilles = [
            (int(ligne["index"]), base64.b64decode(ligne["feuille"], validate=True)) for ligne in lignes if "index" in ligne
        ]
        points = [ligne["point"] for ligne in lignes if "point" in ligne]
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise ImportRefuse("export du journal mal formé") from None
    noms, cles = services.noms_du_journal(), conf.cles_publiques_verification()
    signes: list[tuple[PointSigne, dict]] = []
    for point in points:
        try:
            cp = services.verifier_note_du_journal(str(point.get("note")), noms, cles)
        except PreuveInvalide as exc:
            raise ImportRefuse(f"point de contrôle {point.get('taille')} de l'export non signé par ce journal ({exc})") from None
        signes.append((cp, point))
    resultat = Import()
    with transaction.atomic():
        journal = services._verrouiller_journal()
        taille = journal.taille
        frontiere = services._frontiere(journal)
        voulues = {cp.taille for cp, _ in signes}
        racines: dict[int, bytes] = {}
        nouvelles: list[Evenement] = []
        noeuds: list[Noeud] = []
        for index, feuille in feuilles:
            if index < journal.taille:
                stockee = Evenement.objects.filter(index=index).values_list("feuille", flat=True).first()
                if stockee is None or bytes(stockee) != feuille:
                    raise ImportRefuse(f"l'événement n° {index} de l'export diffère de celui restauré : deux historiques")
                continue
            if index != taille:
                raise ImportRefuse(f"l'export saute de l'événement n° {taille} au n° {index}")
            try:
                colonnes = colonnes_de_feuille(feuille)
            except (ValueError, KeyError, TypeError):
                raise ImportRefuse(f"l'événement n° {index} de l'export n'est pas un événement lisible") from None
            h = merkle.hash_feuille(feuille)
            noeuds += [Noeud(cle=merkle.cle_noeud(*n), hash=v) for n, v in merkle.ajouter_feuille(taille, frontiere, h)]
            nouvelles.append(Evenement(index=index, feuille=feuille, hash_feuille=h, **colonnes))
            if colonnes["type"] == services.TYPE_DESTRUCTION:
                resultat.destructions.append(str(colonnes["objet_ref"]))
            taille += 1
            if taille in voulues:
                racines[taille] = merkle.racine_frontiere(frontiere)
        Evenement.objects.bulk_create(nouvelles, batch_size=LOT)
        Noeud.objects.bulk_create(noeuds, batch_size=LOT)
        resultat.ajoutes = len(nouvelles)
        journal.taille = taille
        journal.frontiere = b"".join(frontiere)
        journal.save(update_fields=["taille", "frontiere"])
        for cp, point in signes:
            _importer_point(cp, point, racines, taille, resultat)
        # What the mark says was signed must be in what the log now holds.
        reperes = repere.lire()
        for origine in {cp.origine for cp, _ in signes}:
            marque = reperes.get(origine)
            if marque is not None and taille >= marque.taille and services.racine(marque.taille) != marque.racine:
                raise ImportRefuse(
                    f"l'export ne contient pas le point de contrôle de taille {marque.taille} que ce journal a déjà signé : "
                    "deux historiques"
                )
    resultat.taille = taille
    for cp, _ in sorted(signes, key=lambda s: s[0].taille):
        repere.relever(cp.origine, cp.taille, cp.racine)
    return resultat


def _importer_point(cp: PointSigne, point: dict, racines: dict[int, bytes], taille: int, resultat: Import) -> None:
    if cp.taille > taille:
        raise ImportRefuse(f"le point de contrôle {cp.taille} de l'export dépasse ses événements ({taille})")
    attendue = racines.get(cp.taille) or services.racine(cp.taille)
    if cp.racine != attendue:
        raise ImportRefuse(f"le point de contrôle {cp.taille} de l'export ne correspond pas aux événements : deux historiques")
    existant = PointDeControle.objects.filter(taille=cp.taille).first()
    if existant is not None:
        if existant.note != point["note"]:
            raise ImportRefuse(f"le point de contrôle {cp.taille} restauré diffère de celui de l'export : deux historiques")
        if existant.statut == StatutHorodatage.FAIT or not point.get("jeton"):
            return
    ligne = existant or PointDeControle(taille=cp.taille, racine=cp.racine, note=point["note"])
    ligne.cree_le = dt.datetime.fromisoformat(point["cree_le"])
    jeton = base64.b64decode(point["jeton"]) if point.get("jeton") else None
    if jeton is not None:
        try:  # checked again here (path at the token's time): the export crossed hands
            verifier_jeton(
                jeton,
                point["note"].encode(),
                nonce=point.get("nonce"),
                certificats=[base64.b64decode(c) for c in point.get("certificats") or []],
                ac=conf.tsa_racines(),
            )
        except (PreuveInvalide, binascii.Error, TypeError):
            jeton = None
            resultat.jetons_a_refaire.append(cp.taille)
    if jeton is not None:
        ligne.jeton, ligne.nonce, ligne.statut = jeton, point.get("nonce"), StatutHorodatage.FAIT
        ligne.date_horodatage = dt.datetime.fromisoformat(point["date_horodatage"]) if point.get("date_horodatage") else None
        ligne.autorite, ligne.qualifie = point.get("autorite") or "", bool(point.get("qualifie"))
        ligne.certificats = point.get("certificats") or []
    ligne.save()
    resultat.points += 1


def relever_repere(notes: Iterable[str]) -> list[tuple[str, int]]:
    """Raise the high-water mark to checkpoints known to have been published (witness notes),
    each checked as signed by this log. Returns the (name, size) marks raised."""
    noms, cles = services.noms_du_journal(), conf.cles_publiques_verification()
    releves = []
    signes = []
    for note in notes:
        try:
            signes.append(services.verifier_note_du_journal(note, noms, cles))
        except PreuveInvalide as exc:
            raise ImportRefuse(f"point de contrôle témoin non signé par ce journal ({exc})") from None
    for cp in sorted(signes, key=lambda c: c.taille):
        if repere.relever(cp.origine, cp.taille, cp.racine):
            releves.append((cp.origine, cp.taille))
    return releves


def publie(origine: str) -> repere.Repere | None:
    """The highest checkpoint known to have been signed under this name (the mark)."""
    return repere.lire().get(origine)
