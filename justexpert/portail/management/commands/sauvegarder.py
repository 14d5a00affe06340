"""manage.py sauvegarder DOSSIER — database + encrypted objects + manifest (see portail/sauvegarde.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from justexpert.portail.sauvegarde import ErreurSauvegarde, sauvegarder


class Command(BaseCommand):
    help = "Sauvegarde la base et les objets chiffrés dans un dossier neuf."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dossier", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        try:
            manifeste = sauvegarder(options["dossier"])  # type: ignore[arg-type]
        except (ErreurSauvegarde, FileExistsError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Sauvegarde faite : journal de {manifeste['taille_journal']} événement(s), {manifeste['objets']} objet(s)."
        )
