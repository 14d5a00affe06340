"""manage.py charger_demo: the demo world (organisations, nomenclature, one account per role).

Idempotent: running it again changes nothing. Refuses to run outside demo mode.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from justexpert.annuaire import importation, nomenclature
from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import Expert, ListeAnnuelle
from justexpert.candidatures import demo as candidatures_demo
from justexpert.comptes import certificats, invitations, organisations
from justexpert.comptes.models import Habilitation, Organisation, Role, Utilisateur
from justexpert.comptes.services import ajouter_appartenance
from justexpert.expertises import demo as expertises_demo
from justexpert.frais import demo as frais_demo
from justexpert.lib import pki_demo
from justexpert.portail.views import MOT_DE_PASSE_DEMO
from justexpert.recherche import demo as recherche_demo

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

# Demo experts (importer_experts columns, see docs/annuaire.md); D0001 is the demo expert account's fiche.
NOMS = [
    ("Durand", "Alix"),
    ("Lefebvre", "Camille"),
    ("Roux", "Ana"),
    ("Fournier", "Jules"),
    ("Girard", "Léa"),
    ("Bonnet", "Hugo"),
    ("Dupont", "Inès"),
    ("Lambert", "Louis"),
    ("Fontaine", "Chloé"),
    ("Rousseau", "Nathan"),
    ("Vincent", "Manon"),
    ("Muller", "Théo"),
    ("Faure", "Jade"),
    ("André", "Paul"),
    ("Mercier", "Lina"),
    ("Blanc", "Noé"),
    ("Guerin", "Zoé"),
    ("Boyer", "Adam"),
    ("Garnier", "Emma"),
    ("Chevalier", "Gabriel"),
]
COURS_DEMO = [("PARIS", "75008", "Paris"), ("LYON", "69003", "Lyon"), ("VERSAILLES", "78000", "Versailles")]
SPECIALITES_DEMO = ["C.2.8", "C.4.3", "A.1.6", "C.10.2", "C.2.1", "C.4.6"]


def experts_demo_csv() -> str:
    lignes = [",".join(importation.COLONNES)]
    for n, (nom, prenom) in enumerate(NOMS):
        cour, cp, ville = COURS_DEMO[n % 3]
        email = (
            "expert@demo.justexpert.fr"
            if n == 0
            else f"{prenom.lower().replace('é', 'e').replace('è', 'e')}.{nom.lower().replace('é', 'e')}@demo.justexpert.fr"
        )
        # A probationary inscription (3 years, art. 2 of loi 71-498) starts the expert's time on the list;
        # the others were probationary from 2020 and reinscribed for five years in 2024.
        if n % 4 == 0:
            statut, serment, fin, depuis = "probatoire", "2024-01-15", "2026-12-31", "2024-01-01"
        else:
            statut, serment, fin, depuis = "inscrit", "2020-01-15", "2028-12-31", "2020-01-01"
        lignes.append(
            f"D{n + 1:04d},{'Mme' if n % 2 else 'M.'},{nom},{prenom},{1960 + n}-03-15,Ingénieur,{n + 1} rue du Palais,{cp},{ville},"
            f"{email},01 23 45 67 {n:02d},,,{serment},{cour},{SPECIALITES_DEMO[n % len(SPECIALITES_DEMO)]},,{statut},2024-01-01,{fin},{depuis}"
        )
    return "\n".join(lignes) + "\n"


def lier_fiche_demo(email: str) -> None:
    """Link the demo expert's fiche to its account the only way there is: an invitation, accepted."""
    user = Utilisateur.objects.get(email=email)
    fiche = Expert.objects.get(reference="D0001")
    if fiche.utilisateur_id is not None:
        return
    greffier = Utilisateur.objects.get(email="instructeur@demo.justexpert.fr")
    lien = annuaire.inviter_expert(fiche, acteur=greffier)
    invitations.accepter(None, secret=lien.rstrip("/").rsplit("/", 1)[1], utilisateur=user)


def enregistrer_carte_demo(email: str) -> None:
    """Generate the demo PKI (once, under the data folder) and register the demo expert's card."""
    pki = pki_demo.generer(settings.PKI_DIR)
    user = Utilisateur.objects.get(email=email)
    if certificats.certificat_courant(user) is None:
        certificats.enregistrer_certificat(None, acteur=user, donnees=pki.experts["valide"].pem)


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
            importation.importer(experts_demo_csv().encode(), acteur=None)
            lier_fiche_demo("expert@demo.justexpert.fr")
            enregistrer_carte_demo("expert@demo.justexpert.fr")
            instructeur = Utilisateur.objects.get(email="instructeur@demo.justexpert.fr")
            annee = timezone.localdate().year
            for code in ("PARIS", "LYON", "VERSAILLES"):
                liste = Organisation.objects.get(code=code)
                if not ListeAnnuelle.objects.filter(liste=liste, annee=annee).exists():
                    annuaire.publier_liste(acteur=instructeur, liste=liste, annee=annee)
            recherche_demo.charger(magistrat_email="magistrat@demo.justexpert.fr", expert_email="expert@demo.justexpert.fr")
            expertises_demo.charger()
            frais_demo.charger()
            candidatures_demo.charger(instructeur=instructeur, mot_de_passe=MOT_DE_PASSE_DEMO)
        self.stdout.write(f"Monde de démonstration prêt ({crees} compte(s) créé(s)).")
