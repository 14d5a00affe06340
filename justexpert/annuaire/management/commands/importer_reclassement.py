"""manage.py importer_reclassement FICHIER.csv --de 2005 --vers 2022 (colonnes ancien_code,nouveau_code)"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from justexpert.annuaire.nomenclature import ImportInvalide, importer_reclassement


class Command(BaseCommand):
    help = "Importe une table de reclassement entre deux versions de la nomenclature."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fichier", type=Path)
        parser.add_argument("--de", required=True)
        parser.add_argument("--vers", required=True)

    def handle(self, *args: object, **options: object) -> None:
        fichier = options["fichier"]
        assert isinstance(fichier, Path)
        try:
            contenu = fichier.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{fichier} : {exc}") from None
        try:
            n = importer_reclassement(contenu, de=str(options["de"]), vers=str(options["vers"]))
        except ImportInvalide as exc:
            for erreur in exc.erreurs:
                self.stderr.write(erreur)
            raise CommandError(f"{len(exc.erreurs)} erreur(s) : rien n'a été importé.") from None
        self.stdout.write(f"{n} correspondance(s) ajoutée(s).")
