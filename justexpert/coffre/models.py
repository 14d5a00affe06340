"""Documents of coffre: metadata and the wrapped data key. The content lives in the storage backend,
encrypted, under the document id (``uuid.hex``)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q


class DocumentQuerySet(models.QuerySet):
    def de(self, proprietaire: str) -> DocumentQuerySet:
        """Documents deposited under this opaque owner reference (the owning module chooses it)."""
        return self.filter(proprietaire=proprietaire)

    def lisibles(self) -> DocumentQuerySet:
        return self.filter(detruit_le__isnull=True)


class Document(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Opaque reference chosen by the owning module (e.g. "utilisateur:<uuid>", "piece:<uuid>").
    proprietaire = models.CharField(max_length=100, db_index=True)
    # Idempotency key sent by the client: the same upload sent twice gives one document.
    client_id = models.CharField(max_length=64, blank=True)
    nom = models.CharField("nom affiché", max_length=255)
    type_mime = models.CharField(max_length=100)
    taille = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    backend = models.CharField(max_length=10)
    taille_segment = models.PositiveIntegerField()
    cle_id = models.CharField(max_length=32, blank=True)
    # Data key wrapped by the key-encryption key ``cle_id``; NULL once destroyed.
    cle_chiffree = models.BinaryField(null=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    # An archive version of another document (a sealed PDF extended with a new timestamp): the
    # original stays as deposited (its hash is in the evidence log); the newest version is served.
    version_de = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="versions", verbose_name="version de"
    )
    detruit_le = models.DateTimeField(null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proprietaire", "client_id"], condition=~Q(client_id=""), name="coffre_document_client_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(detruit_le__isnull=True, cle_chiffree__isnull=False)
                | Q(detruit_le__isnull=False, cle_chiffree__isnull=True),
                name="coffre_document_cle_ou_destruction",
            ),
            models.CheckConstraint(condition=Q(taille__gte=0), name="coffre_document_taille_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.uuid})"

    @property
    def nom_objet(self) -> str:
        return self.uuid.hex

    @property
    def est_detruit(self) -> bool:
        return self.detruit_le is not None
