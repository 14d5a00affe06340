"""manage.py restaurer DOSSIER [--destructions FICHIER.jsonl] [--sans-verification]

Run it with the settings of the *new* location (JUSTEXPERT_DATA_DIR, DATABASE_URL, keys): it puts
the backup in place, replays the key destructions logged since the backup, then runs
verifier_journal and verifier_coffre on the restored copy.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from justexpert.portail.sauvegarde import ErreurSauvegarde, rejouer_destructions, restaurer_donnees


class Command(BaseCommand):
    help = "Restaure une sauvegarde dans l'emplacement configuré, rejoue les destructions, vérifie."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dossier", type=Path)
        parser.add_argument("--destructions", type=Path, help="sortie de exporter_destructions sur l'instance d'origine")
        parser.add_argument("--sans-verification", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        try:
            manifeste = restaurer_donnees(options["dossier"])  # type: ignore[arg-type]
        except (ErreurSauvegarde, OSError) as exc:
            raise CommandError(str(exc)) from None
        call_command("migrate", verbosity=0, interactive=False)
        references: list[str] = []
        if options["destructions"]:
            try:
                lignes = Path(options["destructions"]).read_text(encoding="utf-8").splitlines()  # type: ignore[arg-type]
                references = [json.loads(ligne)["document"] for ligne in lignes if ligne.strip()]
            except (OSError, ValueError, KeyError) as exc:
                raise CommandError(f"liste des destructions illisible : {exc}") from None
        rejouees = rejouer_destructions(references)
        self.stdout.write(f"Restauration de la sauvegarde du {manifeste['cree_le']} : {len(rejouees)} destruction(s) rejouée(s).")
        if not options["sans_verification"]:
            call_command("verifier_journal", stdout=self.stdout, stderr=self.stderr)
            call_command("verifier_coffre", stdout=self.stdout, stderr=self.stderr)
