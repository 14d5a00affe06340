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
RG_TAXE = "26/00202"


def charger(domaine: str = "demo.justexpert.fr") -> int:
    tj = Organisation.objects.get(code="TJ_PARIS")
    n = charger_taxation(domaine)
    if Expertise.objects.filter(juridiction=tj, numero_rg=RG).exists():
        return n

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
    return n + 1


def charger_taxation(domaine: str = "demo.justexpert.fr") -> int:
    """Case 26/00202: report filed, the fee request drawn up from the expert's log, received by both
    parties more than fifteen days ago (dates moved back, as the tests do): the magistrate may tax."""
    from . import remuneration

    tj = Organisation.objects.get(code="TJ_PARIS")
    if Expertise.objects.filter(juridiction=tj, numero_rg=RG_TAXE).exists():
        return 0

    def compte(nom: str) -> Utilisateur:
        return Utilisateur.objects.get(email=f"{nom}@{domaine}")

    magistrat, greffier, expert = compte("magistrat"), compte("greffier"), compte("expert")
    aujourd_hui = date_locale(maintenant(), tj.fuseau)
    e = expertises.designer(
        acteur=magistrat,
        juridiction=tj,
        numero_rg=RG_TAXE,
        matiere="civile",
        type_procedure="refere",
        fiche_expert=expert.fiche_expert,  # type: ignore[attr-defined]
        mission="Décrire les fissures de la façade et chiffrer leur reprise.",
        questions=["Décrire", "Chiffrer"],
        date_ordonnance=aujourd_hui - dt.timedelta(days=120),
        date_limite_rapport=aujourd_hui + dt.timedelta(days=60),
        greffiers=[greffier],
        consignation_montant=Decimal("2000.00"),
        consignation_date_limite=aujourd_hui + dt.timedelta(days=30),
        parties=[("Madame Lenoir", QualitePartie.DEMANDEUR), ("SCI Façades", QualitePartie.DEFENDEUR)],
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
        parts=[PartDemandee(a, pourcentage=Decimal(50)), PartDemandee(b, pourcentage=Decimal(50))],
        echeances=[(aujourd_hui + dt.timedelta(days=30), Decimal(100))],
    )
    e = expertises.notifier(acteur=greffier, expertise=e)
    e = expertises.accepter(acteur=expert, expertise=e)
    e = expertises.inviter_consignation(acteur=greffier, expertise=e)
    for partie, reference in ((a, "REGIE-2026-0101"), (b, "REGIE-2026-0102")):
        services.enregistrer_versement(
            acteur=greffier,
            expertise=e,
            montant=Decimal("1000.00"),
            verse_le=aujourd_hui,
            payeur=partie,
            pour=partie,
            reference_regie=reference,
        )
    for nature, libelle, quantite, taux in (
        ("reunion", "Réunion contradictoire sur place", "3", "95"),
        ("deplacement_km", "Paris – Vincennes aller-retour", "24", "0.60"),
        ("etude", "Étude des pièces", "6", "95"),
        ("redaction", "Rédaction du rapport", "8", "95"),
        ("affranchissement", "Envois recommandés", "4", "7.50"),
    ):
        remuneration.ajouter_temps(
            acteur=expert, expertise=e, nature=nature, jour=aujourd_hui, libelle=libelle, quantite=quantite, taux=taux
        )
    e.refresh_from_db()
    e = expertises.deposer_rapport(acteur=expert, expertise=e)
    dr = remuneration.deposer_demande_remuneration(acteur=expert, expertise=e)
    # Time passes: the request was deposited twenty days ago, received by post eighteen days ago.
    type(dr).objects.filter(pk=dr.pk).update(deposee_le=maintenant() - dt.timedelta(days=20))
    dr.refresh_from_db()
    for partie in (a, b):
        remuneration.declarer_reception_postale(
            acteur=expert, demande=dr, partie=partie, jour=aujourd_hui - dt.timedelta(days=18)
        )
    Expertise.objects.filter(pk=e.pk).update(date_limite_observations=aujourd_hui - dt.timedelta(days=2))
    return 1
