"""Load the search thesaurus from its data file (or another file of the same format) and report
the codes and labels the imported nomenclature does not know."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from justexpert.recherche import thesaurus


class Command(BaseCommand):
    help = "Charge le thésaurus de la recherche (data/thesaurus.txt par défaut) et signale les codes ou libellés inconnus."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("fichier", nargs="?", default=str(thesaurus.FICHIER))

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        chemin = Path(options["fichier"])
        if not chemin.is_file():
            raise CommandError(f"Fichier introuvable : {chemin}")
        try:
            entrees = thesaurus.lire(chemin)
        except (ValueError, UnicodeDecodeError) as e:
            raise CommandError(f"Fichier illisible : {e}") from e
        with transaction.atomic():
            n = thesaurus.charger(entrees)
        self.stdout.write(f"{n} entrées chargées.")
        for message in (thesaurus.avertissement(), thesaurus.information()):
            if message:
                self.stderr.write(self.style.WARNING("Attention : " + message))
