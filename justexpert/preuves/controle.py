"""Full audit of the evidence log (`manage.py verifier_journal`).

Protects against: an edited, deleted, inserted or reordered row of the log (the leaf, its hash,
or any column copied from the leaf: type, references, time, uuid), a stored node that does not
match the leaves, a checkpoint whose signature, root or token does not match, and (given
checkpoints kept outside, "témoins") a rewrite of both the log and its checkpoint table, and a
fork: two checkpoints of the same size signed with different roots (a restored copy that signed
on from its dump while the live log had signed other roots).

Does not protect against: a rewrite of everything *after* the newest checkpoint a witness holds
when the attacker also holds the signing key. Hence checkpoints are public: keep copies.

It recomputes every leaf hash from the stored bytes and every node from the leaves, in one pass
over the tables (raw cursor reads, no model instances), keeping only the frontier and the roots
that some checkpoint or witness needs.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from . import conf, merkle, services
from .models import Evenement, Journal, Noeud, PointDeControle, StatutHorodatage, colonnes_de_feuille
from .verificateur import PreuveInvalide, verifier_jeton

TAILLE_LOT = 5000


@dataclass
class Resultat:
    anomalies: list[str] = field(default_factory=list)
    evenements: int = 0
    noeuds: int = 0
    points: int = 0
    temoins: int = 0

    @property
    def ok(self) -> bool:
        return not self.anomalies

    def signaler(self, texte: str) -> None:
        if len(self.anomalies) < 1000:
            self.anomalies.append(texte)


def lire_temoins(contenu: str) -> list[str]:
    """Witness file: the JSON of /api/v1/preuves/checkpoints (a list, or {"items": [...]}, each
    with a "note"), or signed notes as text, separated by blank lines after their signatures."""
    try:
        donnees = json.loads(contenu)
    except ValueError:
        donnees = None
    if donnees is not None:
        if isinstance(donnees, dict):
            donnees = donnees.get("items", [donnees])
        if not isinstance(donnees, list):
            raise ValueError("fichier témoin JSON mal formé")
        return [d["note"] if isinstance(d, dict) else str(d) for d in donnees]
    notes, courante = [], []
    for ligne in contenu.splitlines(keepends=True):
        courante.append(ligne)
        if ligne.startswith("— "):
            continue
        if ligne.strip() == "" and any(x.startswith("— ") for x in courante):
            notes.append("".join(courante[:-1]))
            courante = []
    if any(x.startswith("— ") for x in courante):
        notes.append("".join(courante))
    return notes


def verifier_journal(temoins: list[str] | None = None, *, jetons: bool = False) -> Resultat:
    """Audit the whole log; `jetons` also re-checks every timestamp token (checked on receipt already)."""
    resultat = Resultat()
    cles = conf.cles_publiques_verification()
    noms = services.noms_du_journal()
    taille_annoncee = Journal.objects.filter(pk=1).values_list("taille", flat=True).first() or 0

    points = {}
    # Every root signed by this log, by size: stored checkpoints and witnesses alike. Two signed
    # roots for one size are a fork (a restore that signed on from its dump, or a rewrite).
    signees: dict[int, set[bytes]] = {}
    for point in PointDeControle.objects.order_by("taille"):
        resultat.points += 1
        points[point.taille] = bytes(point.racine)
        if _verifier_point(point, noms, cles, resultat, jetons):
            signees.setdefault(point.taille, set()).add(bytes(point.racine))

    attendus: dict[int, list[tuple[str, bytes]]] = {}
    for note in temoins or []:
        resultat.temoins += 1
        try:
            cp = services.verifier_note_du_journal(note, noms, cles)
        except PreuveInvalide as exc:
            resultat.signaler(f"témoin illisible ou non signé par la clé du journal : {exc}")
            continue
        attendus.setdefault(cp.taille, []).append(("témoin", cp.racine))
        signees.setdefault(cp.taille, set()).add(cp.racine)
        if cp.taille not in points:
            resultat.signaler(f"le point de contrôle {cp.taille} du témoin a disparu de la table")
    for taille, racines in sorted(signees.items()):
        if len(racines) > 1:
            resultat.signaler(
                f"FOURCHE : {len(racines)} points de contrôle signés de taille {taille} ont des racines différentes "
                f"({', '.join(sorted(base64.b64encode(r).decode()[:12] + '…' for r in racines))}) : deux historiques signés "
                "par le journal (restauration qui a signé sur une sauvegarde, ou réécriture)"
            )
    for taille, r in points.items():
        attendus.setdefault(taille, []).append(("point de contrôle", r))

    calcules = _parcourir_feuilles(resultat, attendus)
    taille = resultat.evenements
    if taille != taille_annoncee:
        resultat.signaler(f"le journal annonce {taille_annoncee} événements, la table en contient {taille}")
    for t in sorted(attendus):
        if t > taille:
            resultat.signaler(f"un point de contrôle de taille {t} dépasse le journal ({taille} événements) : lignes supprimées")
    _comparer_noeuds(resultat, calcules)
    return resultat


def _verifier_point(point: PointDeControle, noms: set[str], cles: list[bytes], resultat: Resultat, jetons: bool) -> bool:
    """Check a stored checkpoint; True when its row is exactly its signed note."""
    try:
        cp = services.verifier_note_du_journal(point.note, noms, cles)
    except PreuveInvalide as exc:
        resultat.signaler(f"point de contrôle {point.taille} : {exc}")
        return False
    conforme = cp.taille == point.taille and cp.racine == bytes(point.racine)
    if not conforme:
        resultat.signaler(f"point de contrôle {point.taille} : la note signée ne correspond pas à la ligne")
    if jetons and point.statut == StatutHorodatage.FAIT:
        try:
            certificats = [base64.b64decode(c) for c in point.certificats]
            # The path is checked at the token's time: certificates expire, proofs stay.
            verifier_jeton(
                bytes(point.jeton or b""), point.note.encode(), nonce=point.nonce, certificats=certificats, ac=conf.tsa_racines()
            )
        except (PreuveInvalide, binascii.Error, TypeError) as exc:
            resultat.signaler(f"point de contrôle {point.taille} : jeton d'horodatage invalide ({exc})")
    return conforme


def _octets(valeur: object) -> bytes | None:
    """A binary column's value as bytes, or None when the row holds something else (text written
    by hand in SQLite, say): an anomaly to report, never a crash."""
    if isinstance(valeur, bytes):
        return valeur
    if isinstance(valeur, memoryview | bytearray):
        return bytes(valeur)
    return None


def _copies_sql() -> str:
    """The columns copied from the leaf, as bytes in the leaf's own spelling: the uuid as 32 hex
    digits, the type and references, the UTC time as "YYYY-MM-DDTHH:MM:SS[.ffffff]" (the leaf adds
    "Z"; SQLite drops ".000000"). Bytes, so no text decoding per row: the audit must stay near the
    cost of rehashing (bench/preuves)."""
    q = connection.ops.quote_name
    if connection.vendor == "postgresql":
        heure = f"""to_char({q("cree_le")} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
        colonnes = [f"replace(CAST({q('uuid')} AS text), '-', '')", q("type"), q("objet_ref"), q("dossier_ref"), heure]
        return ", ".join(f"convert_to({c}, 'UTF8')" for c in colonnes)
    if connection.vendor == "sqlite":
        # Django stores a UUID as 32 hex digits and a datetime as str(UTC datetime).
        colonnes = [q("uuid"), q("type"), q("objet_ref"), q("dossier_ref"), f"replace({q('cree_le')}, ' ', 'T')"]
        return ", ".join(f"CAST({c} AS BLOB)" for c in colonnes)
    raise NotImplementedError(f"verifier_journal : base {connection.vendor} non prise en charge")


QUEUE = b'","le":"%s%s","objet":"%s","type":"%s","v":1}'
GUILLEMETS_QUEUE = QUEUE.count(b'"')


def _conformes(feuille: bytes, identifiant: bytes, type_: bytes, objet: bytes, dossier: bytes, le: bytes) -> bool:
    """Fast test that the copied columns equal a canonical version-1 leaf. Such a leaf's sorted keys
    always end with [dossier,] id, le, objet, type, v, and no reference in it holds a quote, so
    quote-free columns rebuild its exact tail: "the leaf ends with that tail, the 36 bytes before
    it are the dashed uuid, and before them the dossier (or no top-level dossier at all)" is then
    equality. False means "look closer": _comparer_colonnes compares field by field and names the
    column."""
    queue = QUEUE % (le, b".000000Z" if len(le) == 19 else b"Z", objet, type_)
    fin = len(queue)
    if queue.count(b'"') != GUILLEMETS_QUEUE or not feuille.endswith(queue):
        return False
    if feuille[-fin - 36 : -fin].replace(b"-", b"") != identifiant or feuille[-fin - 42 : -fin - 36] != b'"id":"':
        return False
    if dossier:
        return b'"' not in dossier and feuille[: -fin - 42].endswith(b',"dossier":"' + dossier + b'",')
    return b'"dossier":' not in feuille


def _comparer_colonnes(resultat: Resultat, index: int, feuille: bytes, copies: tuple[Any, ...]) -> None:
    """The columns copied from the leaf (models.colonnes_de_feuille) must still equal it: queries
    and consumers that filter on them would otherwise act on an edited row. Names each column."""
    try:
        attendues = colonnes_de_feuille(feuille)
    except (ValueError, KeyError, TypeError):
        resultat.signaler(f"événement n° {index} : la feuille n'est pas un événement lisible")
        return
    identifiant, type_, objet, dossier, le = (bytes(c).decode("utf-8", "replace") if c is not None else "" for c in copies)
    instant: dt.datetime | None
    try:
        instant = dt.datetime.fromisoformat(le)
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=dt.UTC)  # stored in UTC without the offset
    except ValueError:
        instant = None
    uid: uuid.UUID | None
    try:
        uid = uuid.UUID(identifiant)
    except ValueError:
        uid = None
    trouvees = {"uuid": uid, "type": type_, "objet_ref": objet, "dossier_ref": dossier, "cree_le": instant}
    for nom, attendue in attendues.items():
        if trouvees[nom] != attendue:
            resultat.signaler(f"événement n° {index} : la colonne {nom} ne correspond pas à la feuille (ligne modifiée)")


def _parcourir_feuilles(resultat: Resultat, attendus: dict[int, list[tuple[str, bytes]]]) -> dict[int, bytes]:
    """One pass over the leaves: recompute leaf hashes and nodes, check the columns copied from
    each leaf, compare roots at checked sizes."""
    table = connection.ops.quote_name(Evenement._meta.db_table)
    calcules: dict[int, bytes] = {}
    frontiere: list[bytes] = []
    taille = 0
    a_comparer: list[tuple[int, bytes, tuple[Any, ...]]] = []
    hash_feuille, ajouter, cle_noeud = merkle.hash_feuille, merkle.ajouter_feuille, merkle.cle_noeud
    q = connection.ops.quote_name
    with connection.cursor() as curseur:
        curseur.execute(
            f"SELECT {q('index')}, {q('feuille')}, {q('hash_feuille')}, {_copies_sql()} FROM {table} ORDER BY {q('index')}"  # noqa: S608 (names from the model)
        )
        while lignes := curseur.fetchmany(TAILLE_LOT):
            for index, brute, stocke_brut, *copies in lignes:
                if index != taille:
                    resultat.signaler(
                        f"événement n° {index} trouvé à la place n° {taille} (suppression, insertion ou renumérotation)"
                    )
                feuille = brute if type(brute) is bytes else _octets(brute)
                stocke = stocke_brut if type(stocke_brut) is bytes else _octets(stocke_brut)
                if stocke is None:
                    resultat.signaler(f"événement n° {index} : empreinte stockée sous un autre type que des octets")
                if feuille is None:
                    resultat.signaler(f"événement n° {index} : feuille stockée sous un autre type que des octets")
                    # Go on with the stored hash, so the rest of the log is still checked.
                    h = stocke if stocke is not None and len(stocke) == merkle.TAILLE_HASH else bytes(merkle.TAILLE_HASH)
                else:
                    h = hash_feuille(feuille)
                    if h != stocke and stocke is not None:
                        resultat.signaler(f"événement n° {index} : la feuille ne correspond plus à son empreinte (modification)")
                    try:
                        conforme = _conformes(feuille, *copies)
                    except TypeError:  # a NULL or non-binary copy: look closer
                        conforme = False
                    if not conforme and len(a_comparer) < 1000:
                        a_comparer.append((index, feuille, tuple(copies)))
                for (niveau, position), valeur in ajouter(taille, frontiere, h):
                    calcules[cle_noeud(niveau, position)] = valeur
                taille += 1
                if taille in attendus:
                    racine = merkle.racine_frontiere(frontiere)
                    for origine, attendue in attendus[taille]:
                        if racine != attendue:
                            resultat.signaler(f"racine recalculée à la taille {taille} différente du {origine} (journal modifié)")
    resultat.evenements = taille
    for index, feuille, copies in a_comparer:
        _comparer_colonnes(resultat, index, feuille, copies)
    return calcules


def _comparer_noeuds(resultat: Resultat, calcules: dict[int, bytes]) -> None:
    """Compare stored nodes with the recomputed ones: one dict equality in the common case."""
    table = connection.ops.quote_name(Noeud._meta.db_table)
    with connection.cursor() as curseur:
        curseur.execute(f"SELECT cle, hash FROM {table}")  # noqa: S608 (table name from the model)
        stockes = dict(curseur.fetchall())
    resultat.noeuds = len(stockes)
    if stockes == calcules:
        return
    masque = (1 << merkle.BITS_POSITION) - 1
    for cle, h in stockes.items():
        attendu = calcules.get(cle)
        if attendu is None:
            resultat.signaler(f"nœud {cle >> merkle.BITS_POSITION}/{cle & masque} en trop")
        elif attendu != _octets(h):
            resultat.signaler(f"nœud {cle >> merkle.BITS_POSITION}/{cle & masque} modifié")
    manquants = len(set(calcules) - set(stockes))
    if manquants:
        resultat.signaler(f"{manquants} nœud(s) supprimé(s)")


def texte_temoin() -> str:
    """All checkpoints as signed notes separated by blank lines (a witness file)."""
    return "\n".join(p.note for p in PointDeControle.objects.order_by("taille"))
