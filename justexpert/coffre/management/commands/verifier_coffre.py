"""Decrypt and rehash every live document; report mismatches and missing objects; exit 1 if any."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from justexpert.coffre import services
from justexpert.coffre.models import Document
from justexpert.coffre.stockage import stockage


class Command(BaseCommand):
    help = "Vérifie chaque document du coffre (déchiffrement et empreinte SHA-256) ; code de sortie 1 en cas d'anomalie."

    def handle(self, *args, **options) -> None:
        s = stockage()
        verifies = anomalies = 0
        for document in Document.objects.lisibles().order_by("pk").iterator(chunk_size=200):
            verifies += 1
            if not s.existe(document.nom_objet):
                anomalies += 1
                self.stderr.write(f"MANQUANT {document.uuid}")
                continue
            try:
                services.verifier(document)
            except services.DocumentIndisponible as exc:
                anomalies += 1
                self.stderr.write(f"INVALIDE {document.uuid} ({exc})")
        self.stdout.write(f"{verifies} document(s) vérifié(s), {anomalies} anomalie(s).")
        if anomalies:
            raise CommandError(f"{anomalies} anomalie(s) dans le coffre.", returncode=1)
