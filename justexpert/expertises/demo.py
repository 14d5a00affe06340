"""Demo cases (manage.py charger_demo): three civil expertises of the TJ of Paris involving the demo
magistrat, greffier, expert, avocat and partie, each at a different step, built through the real
services (designation, invitations accepted, transitions) so their history and proofs are real.

Idempotent: a case whose RG number exists is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from justexpert.annuaire.models import Expert
from justexpert.coffre import services as coffre
from justexpert.comptes import invitations
from justexpert.comptes.models import Organisation, Utilisateur
from justexpert.lib.temps import date_locale, maintenant

from . import depots, greffes, participants, services
from .models import Expertise, GreffeParDefaut, Qualite, QualitePartie, TypeDocument


def _secret(lien: str) -> str:
    return lien.rstrip("/").rsplit("/", 1)[1]


def _enroler(e: Expertise, expert: Utilisateur, user: Utilisateur, qualite: str, index_partie: int) -> None:
    partie = list(e.parties.order_by("id"))[index_partie]
    _inv, lien = participants.inviter_participant(acteur=expert, expertise=e, email=user.email, qualite=qualite, partie=partie)
    invitations.accepter(None, secret=_secret(lien), utilisateur=user)


def _fichier(nom: str, texte: str) -> coffre.Depot:
    d = coffre.Depot(nom)
    d.ecrire(texte.encode())
    d.terminer()
    return d


def _deposer(user: Utilisateur, e: Expertise, type_: str, nom: str, texte: str, **kw: object) -> None:
    e.refresh_from_db()
    depots.deposer(acteur=user, expertise=e, type_=type_, fichier=_fichier(nom, texte), **kw)  # type: ignore[arg-type]


def charger(domaine: str = "demo.justexpert.fr") -> int:
    def compte(nom: str) -> Utilisateur:
        return Utilisateur.objects.get(email=f"{nom}@{domaine}")

    magistrat, greffier, expert = compte("magistrat"), compte("greffier"), compte("expert")
    avocat, partie = compte("avocat"), compte("partie")
    fiche = Expert.objects.get(utilisateur=expert)
    tj = Organisation.objects.get(code="TJ_PARIS")
    aujourd_hui = date_locale(maintenant(), tj.fuseau)
    if not GreffeParDefaut.objects.filter(juridiction=tj).exists():
        # The court's greffe follows the cases a magistrate opens without choosing a greffier.
        greffes.definir(acteur=compte("admin"), juridiction=tj, greffiers=[greffier])
    crees = 0
    dossiers = [
        (
            "26/00101",
            "Décrire les fissures affectant le pavillon, en rechercher les causes, chiffrer les travaux de reprise.",
            "en_cours",
        ),
        ("26/00102", "Examiner l'installation de chauffage collectif et dire si elle est conforme au marché.", "notifiee"),
        ("26/00103", "Évaluer le préjudice d'exploitation du fonds de commerce après le sinistre.", "dires"),
    ]
    for rg, mission, etape in dossiers:
        if Expertise.objects.filter(juridiction=tj, numero_rg=rg).exists():
            continue
        e = services.designer(
            acteur=magistrat,
            juridiction=tj,
            numero_rg=rg,
            matiere="civile",
            type_procedure="refere",
            fiche_expert=fiche,
            mission=mission,
            questions=["Décrire", "Rechercher les causes", "Chiffrer"],
            date_ordonnance=aujourd_hui - dt.timedelta(days=20),
            date_limite_rapport=aujourd_hui + dt.timedelta(days=150),
            greffiers=[greffier],
            consignation_montant=Decimal("2500.00"),
            consignation_date_limite=aujourd_hui + dt.timedelta(days=25),
            parties=[("SCI Les Tilleuls", QualitePartie.DEMANDEUR), ("Entreprise Bâti Plus", QualitePartie.DEFENDEUR)],
        )
        crees += 1
        e = services.notifier(acteur=greffier, expertise=e)
        if etape == "notifiee":
            continue
        e = services.accepter(acteur=expert, expertise=e)
        e = services.inviter_consignation(acteur=greffier, expertise=e)
        e = services.constater_consignation(acteur=greffier, expertise=e)
        _enroler(e, expert, avocat, Qualite.AVOCAT, 0)
        _enroler(e, expert, partie, Qualite.PARTIE, 1)
        _deposer(expert, e, TypeDocument.NOTE, "note-1-aux-parties.txt", "Note n° 1 : déroulement des opérations.\n")
        _deposer(avocat, e, TypeDocument.PIECE, "constat-huissier.txt", "Constat du 3 mars : fissures en façade.\n")
        if etape == "dires":
            _deposer(
                expert,
                e,
                TypeDocument.PRE_RAPPORT,
                "note-de-synthese.txt",
                "Note de synthèse : conclusions provisoires.\n",
                date_limite=aujourd_hui + dt.timedelta(days=10),
            )
            _deposer(avocat, e, TypeDocument.DIRE, "dire-1.txt", "Dire n° 1 sur la note de synthèse.\n")
    return crees
