"""A small world with known dates for the statistics (every figure is checked against numbers
worked out by hand in test_statistiques.py), and the dashboard's fixtures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from justexpert.annuaire.models import ElementNomenclature, Niveau
from justexpert.coffre.models import Document
from justexpert.expertises.models import (
    Depot,
    Etat,
    Expertise,
    Historique,
    Participant,
    Qualite,
    StatutConsignation,
    TypeDocument,
)
from justexpert.frais.models import DemandeRemuneration, Provision, Taxe, Versement
from justexpert.preuves import services as preuves
from justexpert.recherche.models import Demande, Sollicitation
from tests.expertises.conftest import fiche_autre_expert, fiche_expert, fiche_pour, greffier_ca, nomenclature_2022  # noqa: F401

UTC = dt.UTC


def t(jour: str, heure: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(jour).replace(hour=heure, tzinfo=UTC)


def rubrique_de(specialite: ElementNomenclature) -> str:
    e = specialite
    while e.niveau != Niveau.RUBRIQUE:
        e = e.parent
    return f"{e.code} {e.libelle}".strip()


def expertise(juridiction, magistrat, fiche, rg, cree, limite, etat=Etat.EN_COURS, **champs) -> Expertise:
    e = Expertise.objects.create(
        juridiction=juridiction,
        numero_rg=rg,
        type_procedure="fond",
        magistrat=magistrat,
        date_ordonnance=cree.date(),
        mission="Mission",
        date_limite_rapport=dt.date.fromisoformat(limite),
        etat=etat,
        cree_le=cree,
        **champs,
    )
    Participant.objects.create(
        expertise=e, utilisateur=fiche.utilisateur, qualite=Qualite.EXPERT, fiche_expert=fiche, ajoute_le=cree
    )
    Historique.objects.create(expertise=e, transition="designer", etat_avant=Etat.ORDONNEE, etat_apres=Etat.ORDONNEE, le=cree)
    return e


def _document() -> Document:
    return Document.objects.create(
        proprietaire="test",
        nom="x.pdf",
        type_mime="application/pdf",
        taille=1,
        sha256="0" * 64,
        backend="local",
        taille_segment=1,
        cle_chiffree=b"k",
    )


def demande_remuneration(e: Expertise, montant: str) -> DemandeRemuneration:
    """The expert's fee request of « Frais » (only its amount counts in the statistics)."""
    m = Decimal(montant)
    return DemandeRemuneration.objects.create(expertise=e, montant_ht=m, montant_tva=Decimal(0), montant=m, document=_document())


def etape(e: Expertise, transition: str, le: dt.datetime) -> None:
    Historique.objects.create(expertise=e, transition=transition, etat_avant=e.etat, etat_apres=e.etat, le=le)


def depot(e: Expertise, type_: str, le: dt.datetime, user, **champs) -> Depot:
    doc = Document.objects.create(
        proprietaire="test",
        nom="x.pdf",
        type_mime="application/pdf",
        taille=1,
        sha256="0" * 64,
        backend="local",
        taille_segment=1,
        cle_chiffree=b"k",
    )
    ev = preuves.enregistrer("test.depot", acteur_ref="test", objet_ref=str(doc.uuid))
    return Depot.objects.create(
        expertise=e, type=type_, document=doc, depose_par=user, qualite=Qualite.EXPERT, depose_le=le, evenement=ev, **champs
    )


@pytest.fixture
def monde_stats(orgs, magistrat, expert, autre_expert, fiche_expert, greffier_ca):  # noqa: F811
    """Cases A, B, C, E at TJ Paris and D at TJ Lyon; solicitations S1-S4 of TJ Paris (see
    test_statistiques.py for the figures each one gives)."""
    paris, lyon = orgs["TJ_PARIS"], orgs["TJ_LYON"]
    specialites = list(ElementNomenclature.objects.filter(version__code="2022", niveau=Niveau.SPECIALITE).order_by("ordre"))
    r1 = rubrique_de(fiche_expert.inscriptions.get().specialite)
    autre_spe = next(s for s in specialites if rubrique_de(s) != r1)
    fiche2 = fiche_pour(autre_expert, orgs, "Martin", greffier_ca)
    fiche2.inscriptions.update(specialite=autre_spe)
    r2 = rubrique_de(autre_spe)

    a = expertise(paris, magistrat, fiche_expert, "26/A", t("2026-01-05"), "2026-04-30", Etat.CLOSE, montant_taxe=Decimal("2700"))
    etape(a, "accepter", t("2026-01-07"))
    etape(a, "constater_consignation", t("2026-01-17"))
    depot(a, TypeDocument.CONVOCATION, t("2026-01-20"), expert, reunion_le=t("2026-01-27"))
    depot(a, TypeDocument.PRE_RAPPORT, t("2026-03-28"), expert)
    etape(a, "deposer_rapport", t("2026-04-27"))
    etape(a, "taxer", t("2026-05-07"))
    Expertise.objects.filter(pk=a.pk).update(rapport_depose_le=t("2026-04-27"), close_le=t("2026-05-07"))
    Provision.objects.create(expertise=a, libelle="Provision", montant=Decimal("3000"))

    demande_remuneration(a, "3000")  # taxed 2,700: 0.90 of the request

    # B's ordonnance was rendered through « Frais » (its date and amount count, not the case's).
    b = expertise(paris, magistrat, fiche_expert, "26/B", t("2026-02-01"), "2026-03-01", Etat.CLOSE, montant_taxe=None)
    etape(b, "refuser", t("2026-02-03"))
    etape(b, "accepter", t("2026-02-05"))
    Provision.objects.create(expertise=b, libelle="Provision", montant=Decimal("1000"))
    Versement.objects.create(
        expertise=b, montant=Decimal("1000"), verse_le=dt.date(2026, 2, 4), reference_regie="R1", enregistre_le=t("2026-02-04")
    )
    etape(b, "taxer", t("2026-03-20"))  # the close, after the ordonnance of 13 March
    Taxe.objects.create(expertise=b, montant=Decimal("1500"), motifs="Taxé comme demandé", rendue_le=t("2026-03-13"))
    demande_remuneration(b, "1500")
    Expertise.objects.filter(pk=b.pk).update(rapport_depose_le=t("2026-03-03"), close_le=t("2026-03-13"))

    c = expertise(
        paris,
        magistrat,
        fiche2,
        "26/C",
        t("2026-03-10"),
        "2026-09-30",
        Etat.CADUQUE,
        consignation_statut=StatutConsignation.NON_CONSIGNEE,
    )
    etape(c, "accepter", t("2026-03-12"))
    etape(c, "constater_caducite", t("2026-04-10"))

    d = expertise(lyon, magistrat, fiche_expert, "26/D", t("2026-01-10"), "2026-12-31")
    etape(d, "accepter", t("2026-01-20"))

    e = expertise(paris, magistrat, fiche_expert, "25/E", t("2025-12-20"), "2026-12-31")
    etape(e, "accepter", t("2026-01-02"))

    def solliciter(envoi, etat, reponse=None, conflit=False):
        demande = Demande.objects.create(
            demandeur=magistrat,
            organisation=paris,
            resume_mission="m",
            type_procedure="civile",
            delai_mission=dt.date(2026, 12, 31),
            date_limite_reponse=envoi + dt.timedelta(days=7),
            cree_le=envoi,
        )
        Sollicitation.objects.create(
            demande=demande, expert=fiche_expert, etat=etat, repondu_le=reponse, conflit_interets=conflit
        )

    solliciter(t("2026-01-03"), "acceptee", t("2026-01-03", 16))
    solliciter(t("2026-01-04"), "refusee", t("2026-01-05"), conflit=True)
    solliciter(t("2026-02-01"), "expiree")
    solliciter(t("2025-12-01"), "acceptee", t("2025-12-02"))
    return {"r1": r1, "r2": r2, "cases": {"A": a, "B": b, "C": c, "D": d, "E": e}}
