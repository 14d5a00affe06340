"""manage.py importer_nomenclature FICHIER.csv --code-version 2022 [--libelle …] [--reference …] [--debut AAAA-MM-JJ] [--fin …]"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from justexpert.annuaire.nomenclature import ImportInvalide, importer


def _date(valeur: str) -> dt.date:
    try:
        return dt.date.fromisoformat(valeur)
    except ValueError:
        raise CommandError(f"date « {valeur} » invalide : attendu AAAA-MM-JJ") from None


class Command(BaseCommand):
    help = "Importe (ou met à jour) une version de la nomenclature depuis un fichier CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fichier", type=Path)
        parser.add_argument("--code-version", dest="code_version", required=True, help="code de la version, ex. 2022")
        parser.add_argument("--libelle", default="")
        parser.add_argument("--reference", default="", help="référence juridique, ex. « arrêté du 5 décembre 2022 »")
        parser.add_argument("--debut", type=_date, default=None)
        parser.add_argument("--fin", type=_date, default=None)

    def handle(self, *args: object, **options: object) -> None:
        fichier = options["fichier"]
        assert isinstance(fichier, Path)
        try:
            contenu = fichier.read_bytes()
        except OSError as exc:
            raise CommandError(f"{fichier} : {exc.strerror}") from None
        try:
            rapport = importer(
                contenu,
                version=str(options["code_version"]),
                libelle=str(options["libelle"]),
                reference=str(options["reference"]),
                debut=options["debut"],
                fin=options["fin"],  # type: ignore[arg-type]
            )
        except ImportInvalide as exc:
            for erreur in exc.erreurs:
                self.stderr.write(erreur)
            raise CommandError(f"{len(exc.erreurs)} erreur(s) : rien n'a été importé.") from None
        self.stdout.write(
            f"Nomenclature {options['code_version']} : {rapport.crees} élément(s) créé(s), "
            f"{rapport.modifies} modifié(s), {rapport.inchanges} inchangé(s)"
            + (f" ; parents créés d'après les codes : {', '.join(rapport.parents_crees)}" if rapport.parents_crees else "")
        )
