"""manage.py restaurer DOSSIER (--journal EXPORT | --dernier-point TÉMOIN | repère en place)
                      (--journal EXPORT | --destructions FICHIER | --aucune-destruction) [--sans-verification]

Run it with the settings of the *new* location (JUSTEXPERT_DATA_DIR, DATABASE_URL, keys, and the
log's high-water mark JUSTEXPERT_PREUVES_REPERE): it puts the backup in place, brings the evidence
log up to what was published (never signing over a history it does not have: issue 33 item 3),
replays the key destructions logged since the backup (refusing to go on without knowing them:
issue 33 item 4), then runs verifier_journal and verifier_coffre. The procedure is in
docs/fiabilite.md, "Restauration sans fourche du journal".
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from justexpert.portail.sauvegarde import ErreurSauvegarde, lire_manifeste, rejouer_destructions, restaurer_donnees
from justexpert.preuves import repere, restauration, services
from justexpert.preuves.controle import lire_temoins

alertes = logging.getLogger("justexpert.alertes")


class Command(BaseCommand):
    help = "Restaure une sauvegarde dans l'emplacement configuré, remet le journal de preuves à ce qui a été publié, rejoue les destructions, vérifie."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dossier", type=Path)
        parser.add_argument(
            "--journal",
            type=Path,
            help="sortie de exporter_journal --depuis N sur l'instance qui détient le journal (N : manifeste)",
        )
        parser.add_argument(
            "--dernier-point",
            type=Path,
            action="append",
            default=[],
            help="dernier(s) point(s) de contrôle connu(s) des témoins ou des exploitants (JSON de l'API ou notes signées)",
        )
        parser.add_argument("--destructions", type=Path, help="sortie de exporter_destructions sur l'instance d'origine")
        parser.add_argument(
            "--aucune-destruction",
            action="store_true",
            help="l'exploitant déclare qu'aucun document n'a été détruit depuis la sauvegarde (consigné dans le journal applicatif)",
        )
        parser.add_argument("--sans-verification", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        dossier: Path = options["dossier"]  # type: ignore[assignment]
        # Everything is read and checked before anything is restored.
        try:
            manifeste = lire_manifeste(dossier)
        except ErreurSauvegarde as exc:
            raise CommandError(str(exc)) from None
        export = self._lire(options["journal"], restauration.lire_export) if options["journal"] else None
        temoins: list[str] = []
        for chemin in options["dernier_point"]:  # type: ignore[attr-defined]
            temoins += self._lire(chemin, lire_temoins)
        references = self._destructions(options["destructions"]) if options["destructions"] else []
        if export is None and not options["destructions"] and not options["aucune_destruction"]:
            raise CommandError(
                "Restauration refusée : sans la liste des destructions faites depuis la sauvegarde (--journal ou --destructions), "
                "les documents détruits depuis redeviendraient lisibles. Si aucun document n'a été détruit depuis le "
                f"{manifeste['cree_le']}, dites-le avec --aucune-destruction."
            )
        if export is not None and int(export[0].get("depuis", -1)) > int(manifeste["taille_journal"]):
            raise CommandError(
                f"Restauration refusée : l'export du journal commence à l'événement n° {export[0].get('depuis')}, après la "
                f"sauvegarde (taille {manifeste['taille_journal']}) : refaites-le avec --depuis {manifeste['taille_journal']}."
            )
        try:
            repere_present = bool(repere.lire())
        except repere.SignatureRefusee as exc:
            raise CommandError(str(exc)) from None
        if export is None and not temoins and not repere_present:
            raise CommandError(
                "Restauration refusée : rien n'indique ce que le journal de preuves a publié après la sauvegarde. Donnez "
                "l'export du journal (--journal), ou le dernier point de contrôle connu des témoins (--dernier-point), ou "
                "remettez le repère du journal (JUSTEXPERT_PREUVES_REPERE) conservé à côté de sa clé."
            )
        if options["aucune_destruction"]:
            alertes.warning(
                "ALERTE restauration : l'exploitant déclare qu'aucun document n'a été détruit depuis la sauvegarde du %s "
                "(journal de taille %s) ; aucune destruction n'est rejouée",
                manifeste["cree_le"],
                manifeste["taille_journal"],
            )
            self.stdout.write("Aucune destruction rejouée : l'exploitant déclare qu'il n'y en a pas eu (consigné).")

        try:
            restaurer_donnees(dossier)
        except (ErreurSauvegarde, OSError) as exc:
            raise CommandError(str(exc)) from None
        call_command("migrate", verbosity=0, interactive=False)
        try:
            if export is not None:
                importe = restauration.importer_journal(export)
                references += importe.destructions
                self.stdout.write(
                    f"Journal : {importe.ajoutes} événement(s) et {importe.points} point(s) de contrôle repris de l'export."
                )
                if importe.jetons_a_refaire:
                    self.stdout.write(f"Jetons à redemander (tâche horodater_en_attente) : tailles {importe.jetons_a_refaire}.")
            for origine, taille in restauration.relever_repere(temoins):
                self.stdout.write(f"Repère du journal « {origine} » relevé à la taille {taille} (témoin).")
        except (restauration.ImportRefuse, repere.SignatureRefusee) as exc:
            # The data are back: the destructions the export records are replayed all the same, so
            # a failed restore never makes a destroyed document readable again.
            rejouer_destructions(references + (restauration.destructions_dans(export) if export else []))
            raise CommandError(f"Journal de preuves non restauré : {exc}.") from None
        rejouees = rejouer_destructions(references)
        self.stdout.write(f"Restauration de la sauvegarde du {manifeste['cree_le']} : {len(rejouees)} destruction(s) rejouée(s).")
        taille = services.taille_journal()
        publie = restauration.publie(services.origine_journal())
        incomplet = publie is not None and taille < publie.taille
        if not options["sans_verification"]:
            # The witnesses are checked against the restored log when it reaches them (a complete
            # restore); an incomplete one is reported below instead.
            temoins_args = [] if incomplet else [a for c in options["dernier_point"] for a in ("--temoin", str(c))]  # type: ignore[attr-defined]
            call_command("verifier_journal", *temoins_args, stdout=self.stdout, stderr=self.stderr)
            call_command("verifier_coffre", stdout=self.stdout, stderr=self.stderr)
        if incomplet:
            assert publie is not None
            raise CommandError(
                f"Restauration incomplète : le journal restauré a {taille} événement(s), mais un point de contrôle de taille "
                f"{publie.taille} a déjà été signé. Aucun point de contrôle ne sera signé tant que les événements manquants ne "
                "sont pas repris (exporter_journal sur l'instance qui les détient, puis restaurer --journal) ; s'ils sont "
                "perdus, changer_origine_journal ouvre le journal sous un nouveau nom."
            )

    @staticmethod
    def _lire(chemin: object, lire):  # type: ignore[no-untyped-def]
        try:
            return lire(Path(str(chemin)).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError, restauration.ImportRefuse) as exc:
            raise CommandError(f"{chemin} illisible : {exc}") from None

    @staticmethod
    def _destructions(chemin: object) -> list[str]:
        try:
            lignes = Path(str(chemin)).read_text(encoding="utf-8").splitlines()
            return [json.loads(ligne)["document"] for ligne in lignes if ligne.strip()]
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"liste des destructions illisible : {exc}") from None
