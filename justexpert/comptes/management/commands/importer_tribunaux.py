"""manage.py importer_tribunaux FICHIER.csv (colonnes code,nom,cour_appel,departement)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from justexpert.comptes.organisations import ImportInvalide, importer_tribunaux


class Command(BaseCommand):
    help = "Importe des tribunaux judiciaires rattachés à leur cour d'appel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fichier", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        fichier = options["fichier"]
        assert isinstance(fichier, Path)
        try:
            contenu = fichier.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{fichier} : {exc}") from None
        try:
            n = importer_tribunaux(contenu)
        except ImportInvalide as exc:
            for erreur in exc.erreurs:
                self.stderr.write(erreur)
            raise CommandError(f"{len(exc.erreurs)} erreur(s) : rien n'a été importé.") from None
        self.stdout.write(f"{n} tribunal(aux) créé(s).")
