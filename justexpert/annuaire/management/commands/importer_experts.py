"""manage.py importer_experts FICHIER.csv [--version-cible 2022] [--acteur EMAIL] (columns: docs/annuaire.md)"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from justexpert.annuaire.importation import ImportInvalide, importer
from justexpert.comptes.models import Utilisateur


class Command(BaseCommand):
    help = "Importe une liste d'experts (fiches et inscriptions) depuis un fichier CSV ; tout ou rien."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fichier", type=Path)
        parser.add_argument(
            "--version-cible", dest="version", default=None, help="nomenclature des inscriptions (par défaut : celle en vigueur)"
        )
        parser.add_argument("--acteur", default=None, help="adresse du compte à qui l'historique attribue l'import")

    def handle(self, *args: object, **options: object) -> None:
        fichier = options["fichier"]
        assert isinstance(fichier, Path)  # noqa: S101 (argparse type)
        acteur = None
        if options["acteur"]:
            acteur = Utilisateur.objects.filter(email__iexact=str(options["acteur"])).first()
            if acteur is None:
                raise CommandError(f"aucun compte pour l'adresse {options['acteur']}")
        try:
            contenu = fichier.read_bytes()
        except OSError as exc:
            raise CommandError(f"{fichier} : {exc.strerror}") from None
        try:
            rapport = importer(contenu, acteur=acteur, version=options["version"])  # type: ignore[arg-type]
        except ImportInvalide as exc:
            for erreur in exc.erreurs:
                self.stderr.write(erreur)
            raise CommandError(f"{len(exc.erreurs)} erreur(s) : rien n'a été importé.") from None
        if rapport.inchange:
            self.stdout.write(f"{rapport.lignes} ligne(s) lue(s) : rien n'a changé.")
            return
        self.stdout.write(
            f"{rapport.lignes} ligne(s) lue(s) : {rapport.fiches_creees} fiche(s) créée(s), {rapport.fiches_modifiees} modifiée(s) ; "
            f"{rapport.inscriptions_creees} inscription(s) créée(s), {rapport.inscriptions_modifiees} modifiée(s) ; "
            f"{rapport.reclassements} spécialité(s) reclassée(s)."
        )
