"""Add a new key-encryption key (development) and rewrap every data key under the active one.

Production: add the new key to JUSTEXPERT_COFFRE_CLES, point JUSTEXPERT_COFFRE_CLE_ACTIVE at it,
restart, run this command; remove the old key only after it reports 0 documents left on it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from justexpert.coffre import conf, services
from justexpert.coffre.models import Document


class Command(BaseCommand):
    help = "Ajoute une clé de chiffrement de clés (développement) et ré-enveloppe toutes les clés de documents."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--sans-nouvelle-cle", action="store_true", help="Ré-envelopper seulement, sous la clé active.")

    def handle(self, *args, **options) -> None:
        if not options["sans_nouvelle_cle"]:
            if conf.mode_developpement():
                identifiant = conf.nouvelle_cle_developpement()
                self.stdout.write(f"Nouvelle clé active : {identifiant}")
            else:
                self.stdout.write("Clés lues de JUSTEXPERT_COFFRE_CLES : ré-enveloppement sous la clé active.")
        _, active = conf.cles()
        total = services.reenvelopper()
        restants = Document.objects.lisibles().exclude(cle_id=active).count()
        self.stdout.write(f"{total} document(s) ré-enveloppé(s) sous {active} ; {restants} restant(s) sous une autre clé.")
