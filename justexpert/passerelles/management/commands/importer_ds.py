"""manage.py importer_ds --cour PARIS --type initiale --par greffier@cour.fr

Runs an import from Démarches Simplifiées now, in this process (the page of the court offers the
same through the background worker), and prints its report. The import is recorded in the name of
``--par``, who must instruct that court's candidatures (as on the page)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from justexpert.comptes.models import Utilisateur
from justexpert.comptes.services import RefusService
from justexpert.passerelles import permissions, services
from justexpert.passerelles.models import EtatImport


class Command(BaseCommand):
    help = "Importe les dossiers d'une démarche Démarches Simplifiées en candidatures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cour", required=True, help="code de la cour d'appel (ex. PARIS)")
        parser.add_argument("--type", required=True, choices=sorted(services.TYPES), help="nature des candidatures")
        parser.add_argument("--par", required=True, help="adresse de l'instructeur au nom duquel l'import est fait")

    def handle(self, *args: Any, **options: Any) -> None:
        acteur = Utilisateur.objects.filter(email__iexact=options["par"], is_active=True).first()
        if acteur is None:
            raise CommandError(f"Aucun compte actif pour {options['par']}.")
        cour = next((c for c in permissions.cours_importables(acteur) if c.code == options["cour"]), None)
        if cour is None:
            raise CommandError(
                f"{acteur.email} n'instruit pas les candidatures de la cour « {options['cour']} » (ou elle n'existe pas)."
            )
        try:
            imp = services.creer(acteur=acteur, cour=cour, type_candidature=options["type"])
        except RefusService as exc:
            raise CommandError(str(exc)) from None
        imp = services.executer(imp)
        self.stdout.write(
            f"{imp.get_etat_display()} : {imp.lus} dossier(s) lu(s), {imp.crees} créé(s), {imp.mis_a_jour} mis à jour, "
            f"{imp.inchanges} inchangé(s), {imp.ecartes} non importé(s)."
        )
        for r in imp.rapport:
            self.stdout.write(f"- {r['titre']}")
            for ligne in r["lignes"]:
                self.stdout.write(f"    {ligne}")
        if imp.etat == EtatImport.ECHEC:
            raise CommandError(imp.message)
