"""Demo case of frais (manage.py charger_demo): a civil expertise of the TJ of Paris waiting for
its provision, split 60/40 between the two parties in two instalments, the first instalment of
party A already received by the régie. Built through the real services; idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from justexpert.comptes import invitations
from justexpert.comptes.models import Organisation, Utilisateur
from justexpert.expertises import participants
from justexpert.expertises import services as expertises
from justexpert.expertises.models import Expertise, Qualite, QualitePartie
from justexpert.lib.temps import date_locale, maintenant

from . import services
from .services import PartDemandee

RG = "26/00201"


def charger(domaine: str = "demo.justexpert.fr") -> int:
    tj = Organisation.objects.get(code="TJ_PARIS")
    if Expertise.objects.filter(juridiction=tj, numero_rg=RG).exists():
        return 0

    def compte(nom: str) -> Utilisateur:
        return Utilisateur.objects.get(email=f"{nom}@{domaine}")

    magistrat, greffier, expert = compte("magistrat"), compte("greffier"), compte("expert")
    aujourd_hui = date_locale(maintenant(), tj.fuseau)
    e = expertises.designer(
        acteur=magistrat,
        juridiction=tj,
        numero_rg=RG,
        matiere="civile",
        type_procedure="refere",
        fiche_expert=expert.fiche_expert,  # type: ignore[attr-defined]  # the demo expert's annuaire fiche
        mission="Rechercher l'origine des infiltrations en sous-sol et chiffrer les travaux de reprise.",
        questions=["Décrire", "Rechercher les causes", "Chiffrer"],
        date_ordonnance=aujourd_hui - dt.timedelta(days=5),
        date_limite_rapport=aujourd_hui + dt.timedelta(days=180),
        greffiers=[greffier],
        consignation_montant=Decimal("3000.00"),
        consignation_date_limite=aujourd_hui + dt.timedelta(days=45),
        parties=[
            ("Syndicat des copropriétaires du 8 rue Oberkampf", QualitePartie.DEMANDEUR),
            ("SARL Étanche", QualitePartie.DEFENDEUR),
        ],
    )
    a, b = list(e.parties.order_by("id"))
    for user, qualite, partie in ((compte("avocat"), Qualite.AVOCAT, a), (compte("partie"), Qualite.PARTIE, b)):
        _inv, lien = participants.inviter_participant(
            acteur=expert, expertise=e, email=user.email, qualite=qualite, partie=partie
        )
        invitations.accepter(None, secret=lien.rstrip("/").rsplit("/", 1)[1], utilisateur=user)
    services.repartir_provision(
        acteur=magistrat,
        provision=e.provisions.get(),
        parts=[PartDemandee(a, pourcentage=Decimal(60)), PartDemandee(b, pourcentage=Decimal(40))],
        echeances=[(aujourd_hui + dt.timedelta(days=15), Decimal(50)), (aujourd_hui + dt.timedelta(days=45), Decimal(50))],
    )
    e = expertises.notifier(acteur=greffier, expertise=e)
    e = expertises.accepter(acteur=expert, expertise=e)
    e = expertises.inviter_consignation(acteur=greffier, expertise=e)
    services.enregistrer_versement(
        acteur=greffier,
        expertise=e,
        montant=Decimal("900.00"),
        verse_le=aujourd_hui,
        payeur=a,
        pour=a,
        reference_regie="REGIE-2026-0001",
    )
    return 1
