"""manage.py exporter_journal --depuis N [--sortie FICHIER] — the evidence log after leaf N, for a
restore that must not fork it (see preuves/restauration.py and docs/fiabilite.md).

Run it on whatever still holds the log (the live instance, a replica), with N the log size in the
backup's manifest. The leaves are proven against the latest signed checkpoint before anything is
written; the export holds references and hashes only, like the log itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from justexpert.preuves.restauration import JournalNonVerifiable, exporter_journal


class Command(BaseCommand):
    help = "Exporte (JSON, une ligne par objet) les événements et points de contrôle du journal de preuves depuis l'index donné."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--depuis", type=int, required=True, help="taille du journal dans le manifeste de la sauvegarde")
        parser.add_argument("--sortie", type=Path, help="fichier à écrire (défaut : sortie standard)")

    def handle(self, *args: object, **options: object) -> None:
        try:
            lignes = list(exporter_journal(int(options["depuis"])))  # type: ignore[call-overload]
        except JournalNonVerifiable as exc:
            raise CommandError(f"Journal non exporté : {exc}.") from None
        texte = "".join(json.dumps(ligne, ensure_ascii=False) + "\n" for ligne in lignes)
        if options["sortie"]:
            Path(options["sortie"]).write_text(texte, encoding="utf-8")  # type: ignore[arg-type]
            entete = lignes[0]
            self.stdout.write(
                f"Journal exporté : événements {entete['depuis']} à {entete['taille'] - 1}, "
                f"{sum(1 for ligne in lignes if 'point' in ligne)} point(s) de contrôle."
            )
        else:
            self.stdout.write(texte, ending="")
