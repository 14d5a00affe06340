"""Evidence log tables: events (leaves), perfect subtree nodes, checkpoints, and the sequencing row.

Rows are only ever inserted (and a checkpoint's timestamp filled in once); `manage.py
verifier_journal` detects any other change. Integer keys stay inside: the public references are
the leaf hash and the event's UUID.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.db import models


def colonnes_de_feuille(feuille: bytes) -> dict[str, object]:
    """The columns of an Evenement row that copy its leaf, for queries: `uuid`, `type`, `objet_ref`,
    `dossier_ref`, `cree_le`. They are derived here only (on append, on import) and checked against
    the leaf by verifier_journal; anything that must be true (a destruction to replay, a receipt)
    reads the leaf itself. Raises ValueError (or KeyError) on a leaf that is not an event."""
    evenement = json.loads(feuille)
    return {
        "uuid": uuid.UUID(evenement["id"]),
        "type": evenement["type"],
        "objet_ref": evenement["objet"],
        "dossier_ref": evenement.get("dossier") or "",
        "cree_le": dt.datetime.fromisoformat(evenement["le"]),
    }


class Journal(models.Model):
    """The single sequencing row: locked by every append, so leaf numbers have no gap."""

    taille = models.BigIntegerField(default=0)
    # Hashes (32 bytes each, largest subtree first) of the perfect subtrees making up the tree.
    frontiere = models.BinaryField(default=b"")
    # The log's name (checkpoint origin and key name), stored when the first checkpoint is cut and
    # changed only by `manage.py changer_origine_journal`: never re-derived from the site's URL.
    origine = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="preuves_journal_unique")]


class CleJournal(models.Model):
    """A name under which a key signed checkpoints of this log (one row per name and key, kept
    forever): the first time a key signs under a name, and at each rotation of the name. Which
    keys are trusted comes from the configuration only (current and retired keys); these rows say
    under which names the log has signed, so old checkpoints stay verifiable after a rotation."""

    origine = models.CharField(max_length=200)
    cle_publique = models.BinaryField(max_length=32)
    premiere_taille = models.BigIntegerField()  # the first checkpoint size signed under this name with this key
    cree_le = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["origine", "cle_publique"], name="preuves_cle_journal_unique")]
        verbose_name = "clé du journal"

    def __str__(self) -> str:
        return f"{self.origine} (depuis {self.premiere_taille})"


class Evenement(models.Model):
    """One leaf: `feuille` holds the exact canonical JSON bytes that were hashed; the other columns
    are copies for queries (colonnes_de_feuille), never a source of truth."""

    index = models.BigIntegerField(unique=True)
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=64, db_index=True)
    objet_ref = models.CharField(max_length=100, db_index=True)
    dossier_ref = models.CharField(max_length=100, blank=True, db_index=True)
    feuille = models.BinaryField()
    hash_feuille = models.BinaryField(max_length=32, db_index=True)
    cree_le = models.DateTimeField()

    class Meta:
        ordering = ["index"]
        verbose_name = "événement"

    def __str__(self) -> str:
        return f"{self.type} n° {self.index}"


class Noeud(models.Model):
    """Hash of the perfect subtree (niveau ≥ 1, position); `cle` = niveau << 48 | position."""

    cle = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)


class StatutHorodatage(models.TextChoices):
    EN_ATTENTE = "en_attente", "horodatage en attente"
    FAIT = "fait", "horodaté"


class PointDeControle(models.Model):
    """A signed tree head (signed note) and its RFC 3161 timestamp token over the note's bytes."""

    taille = models.BigIntegerField(unique=True)
    racine = models.BinaryField(max_length=32)
    note = models.TextField()
    cree_le = models.DateTimeField()
    statut = models.CharField(max_length=16, choices=StatutHorodatage.choices, default=StatutHorodatage.EN_ATTENTE)
    jeton = models.BinaryField(null=True)
    nonce = models.BigIntegerField(null=True)
    date_horodatage = models.DateTimeField(null=True)
    autorite = models.CharField(max_length=200, blank=True)
    qualifie = models.BooleanField(default=False)
    certificats = models.JSONField(default=list)  # base64 DER certificates given with the token
    tentatives = models.PositiveIntegerField(default=0)
    derniere_erreur = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["taille"]
        verbose_name = "point de contrôle"
        indexes = [models.Index(fields=["statut", "taille"])]

    def __str__(self) -> str:
        return f"point de contrôle {self.taille}"
