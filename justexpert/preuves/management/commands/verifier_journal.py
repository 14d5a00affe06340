"""manage.py verifier_journal [--temoin FILE]: recompute the whole evidence log; non-zero on tampering."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from justexpert.preuves.controle import lire_temoins, verifier_journal


class Command(BaseCommand):
    help = (
        "Recalcule chaque feuille et chaque nœud du journal de preuves et les compare aux points de contrôle "
        "(et aux points de contrôle témoins conservés hors de la plateforme). Code de sortie non nul en cas d'altération."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--temoin",
            action="append",
            default=[],
            metavar="FICHIER",
            help="points de contrôle conservés à l'extérieur (JSON de l'API ou notes signées)",
        )
        parser.add_argument(
            "--jetons", action="store_true", help="revérifier aussi chaque jeton d'horodatage (déjà vérifiés à leur réception)"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        temoins: list[str] = []
        for chemin in options["temoin"]:
            try:
                temoins += lire_temoins(Path(chemin).read_text(encoding="utf-8"))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"Fichier témoin illisible {chemin} : {exc}") from None
        debut = time.perf_counter()
        resultat = verifier_journal(temoins, jetons=options["jetons"])
        duree = time.perf_counter() - debut
        self.stdout.write(
            f"{resultat.evenements} événements, {resultat.noeuds} nœuds, {resultat.points} points de contrôle, "
            f"{resultat.temoins} témoins vérifiés en {duree:.2f} s."
        )
        if not resultat.ok:
            for anomalie in resultat.anomalies:
                self.stderr.write(f"ANOMALIE : {anomalie}")
            raise CommandError(f"Journal de preuves altéré : {len(resultat.anomalies)} anomalie(s).")
        self.stdout.write(self.style.SUCCESS("Journal de preuves intact."))
