"""manage.py changer_origine_journal NOUVEAU_NOM — rename the evidence log, explicitly.

The log's name (checkpoint origin, key name) is stored with it the first time a checkpoint is cut;
changing JUSTEXPERT_SITE_URL or JUSTEXPERT_PREUVES_ORIGINE afterwards does not rename it. This
command does: checkpoints already signed keep their name and stay verifiable (the names and keys
are kept in preuves.CleJournal), the rename is an event of the log, and its checkpoint is the
first under the new name. Publish the new verification key it prints.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from justexpert.preuves import conf, services
from justexpert.preuves.verificateur import cle_verification


class Command(BaseCommand):
    help = "Change le nom du journal de preuves (origine des points de contrôle) : rotation explicite."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nom", help="nouveau nom, un hôte et un chemin (ex. justexpert.example/preuves)")

    def handle(self, *args: object, **options: object) -> None:
        nouveau = str(options["nom"])
        ancien = services.origine_journal()
        try:
            with transaction.atomic():
                evenement = services.changer_origine(nouveau)
        except services.EvenementInvalide as exc:
            raise CommandError(str(exc)) from None
        point = services.couper_point_de_controle()
        if point is not None:
            services.horodater_point(point)
        self.stdout.write(
            f"Le journal « {ancien} » s'appelle désormais « {nouveau} » (événement n° {evenement.index}). "
            "Les points de contrôle déjà signés gardent leur nom et restent vérifiables."
        )
        self.stdout.write(f"Nouvelle clé de vérification à publier : {cle_verification(nouveau, conf.cle_publique_journal())}")
        if conf.origine_configuree() not in (None, nouveau):
            self.stdout.write(f"Mettez JUSTEXPERT_PREUVES_ORIGINE={nouveau} (ou retirez-la) : l'ancienne valeur est ignorée.")
