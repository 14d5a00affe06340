"""manage.py charger_demo: the demo world (organisations, nomenclature, one account per role).

Idempotent: running it again changes nothing. Refuses to run outside demo mode.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from justexpert.annuaire import nomenclature
from justexpert.comptes import organisations
from justexpert.comptes.models import Habilitation, Organisation, Role, Utilisateur
from justexpert.comptes.services import ajouter_appartenance
from justexpert.portail.views import MOT_DE_PASSE_DEMO

ANNUAIRE_DATA = Path(nomenclature.__file__).resolve().parent / "data"

# email, prénom, nom, [(role, organisation code, habilitations)]
COMPTES = [
    ("magistrat@demo.justexpert.fr", "Camille", "Martin", [(Role.MAGISTRAT, "TJ_PARIS", [Habilitation.CONTROLE_EXPERTISES])]),
    ("greffier@demo.justexpert.fr", "Dominique", "Bernard", [(Role.GREFFIER, "TJ_PARIS", [])]),
    ("agent@demo.justexpert.fr", "Claude", "Petit", [(Role.AGENT, "TJ_PARIS", [Habilitation.MATIERE_PENALE])]),
    ("expert@demo.justexpert.fr", "Alix", "Durand", [(Role.EXPERT, None, [])]),
    ("candidat@demo.justexpert.fr", "Sacha", "Leroy", [(Role.CANDIDAT, None, [])]),
    ("avocat@demo.justexpert.fr", "Maël", "Moreau", [(Role.AVOCAT, None, [])]),
    ("partie@demo.justexpert.fr", "Noa", "Simon", [(Role.PARTIE, None, [])]),
    ("invite@demo.justexpert.fr", "Eden", "Laurent", [(Role.INVITE, None, [])]),
    ("admin@demo.justexpert.fr", "Ange", "Michel", [(Role.ADMINISTRATEUR, "MINISTERE", [])]),
    ("instructeur@demo.justexpert.fr", "Morgan", "Garcia", [(Role.GREFFIER, "PARIS", [Habilitation.INSTRUCTEUR_CANDIDATURES])]),
]


class Command(BaseCommand):
    help = "Charge le monde de démonstration (organisations, nomenclature, un compte par rôle)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO:
            raise CommandError("Le monde de démonstration ne se charge qu'en mode démo (JUSTEXPERT_DEMO=1).")
        with transaction.atomic():
            organisations.charger_reference()
            organisations.importer_tribunaux((Path(organisations.DATA) / "tribunaux_demo.csv").read_text(encoding="utf-8"))
            for fichier in ("nomenclature-2022-fragment.csv", "nomenclature-demo-complement.csv"):
                nomenclature.importer(
                    (ANNUAIRE_DATA / fichier).read_bytes(),
                    version="2022",
                    libelle="Nomenclature 2022 (fragment et spécialités de démonstration)",
                    reference="arrêté du 5 décembre 2022",
                )
            crees = 0
            for email, prenom, nom, roles in COMPTES:
                user = Utilisateur.objects.filter(email=email).first()
                if user is None:
                    user = Utilisateur.objects.create_user(email, MOT_DE_PASSE_DEMO, prenom=prenom, nom=nom, email_verifie=True)
                    crees += 1
                for role, code_org, habilitations in roles:
                    org = Organisation.objects.get(code=code_org) if code_org else None
                    if not user.appartenances.filter(role=role, organisation=org).exists():
                        ajouter_appartenance(
                            None, acteur=None, utilisateur=user, role=role, organisation=org, habilitations=habilitations
                        )
        self.stdout.write(f"Monde de démonstration prêt ({crees} compte(s) créé(s)).")
