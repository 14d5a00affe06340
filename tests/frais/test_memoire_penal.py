"""Penal case: the expert's mémoire de frais from the time log at the tariff the administrator keeps
(CPP R. 106 s.), certified by the magistrate, sealed, exported as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest

from justexpert.comptes.services import RefusService
from justexpert.frais import remuneration as r
from justexpert.frais.models import MemoireFrais, NatureTemps, RegimeTva, Tarif, TypeDemande

from .conftest import D, aujourd_hui, lire, valide_pdfsig


@pytest.fixture
def tarifs(db):
    return (
        Tarif.objects.create(code="EXP-HEURE", libelle="Vacation horaire", unite="heure", montant=D("70.00"), article="R. 110"),
        Tarif.objects.create(code="KM", libelle="Indemnité kilométrique", unite="km", montant=D("0.35"), article="R. 111"),
        Tarif.objects.create(code="ANCIEN", libelle="Ancien tarif", unite="acte", montant=D("10"), article="R. 117", actif=False),
    )


def test_penal_memoire_from_the_log_certified_and_exported(dossier_penal, expert, magistrat_penal, tarifs):
    e = dossier_penal
    heure, km, ancien = tarifs
    from justexpert.expertises.models import Etat, Expertise

    Expertise.objects.filter(pk=e.pk).update(etat=Etat.EN_COURS)
    e.refresh_from_db()
    # The rate comes from the tariff, whatever is typed; an old tariff line is refused.
    r.ajouter_temps(
        acteur=expert,
        expertise=e,
        nature=NatureTemps.ETUDE,
        jour=aujourd_hui(),
        libelle="=Analyse des scellés",
        quantite="6",
        taux="999",
        tarif=heure,
        tva=RegimeTva.FRANCHISE,
    )
    r.ajouter_temps(
        acteur=expert,
        expertise=e,
        nature=NatureTemps.DEPLACEMENT_KM,
        jour=aujourd_hui(),
        libelle="Laboratoire",
        quantite="80",
        tarif=km,
        tva=RegimeTva.NORMAL,
    )
    with pytest.raises(RefusService, match="plus en vigueur"):
        r.ajouter_temps(
            acteur=expert, expertise=e, nature=NatureTemps.FORFAIT, jour=aujourd_hui(), libelle="x", quantite="1", tarif=ancien
        )
    rv = r.releve(e)
    assert (rv.ht, rv.tva, rv.ttc) == (D("448.00"), D("5.60"), D("453.60"))
    # No provision, no CPC 280 requests in penal cases.
    with pytest.raises(RefusService, match="pénale"):
        r.demander(acteur=expert, expertise=e, type_=TypeDemande.ACOMPTE, montant="100")
    with pytest.raises(RefusService, match="certifié"):
        r.export_memoire(e)
    with pytest.raises(RefusService, match="Seul l'expert"):
        r.etablir_memoire(acteur=magistrat_penal, expertise=e)
    m = r.etablir_memoire(acteur=expert, expertise=e)
    assert m.montant == D("453.60")
    premier = m.document
    assert "Mémoire de frais de justice" in valide_pdfsig(lire(m.document))
    with pytest.raises(RefusService, match="Seul le magistrat"):
        r.certifier_memoire(acteur=expert, expertise=e)
    m = r.certifier_memoire(acteur=magistrat_penal, expertise=e)
    premier.refresh_from_db()
    assert premier.est_detruit and not m.document.est_detruit
    assert "Certifié par" in valide_pdfsig(lire(m.document))
    with pytest.raises(RefusService, match="certifié"):
        r.etablir_memoire(acteur=expert, expertise=e)
    texte_csv, texte_json = r.export_memoire(e)
    lignes = list(csv.DictReader(io.StringIO(texte_csv), delimiter=";"))
    assert [x["code_tarif"] for x in lignes] == ["EXP-HEURE", "KM"]
    assert lignes[0]["libelle"].startswith("'=") and lignes[0]["montant_ttc"] == "420.00"
    document = json.loads(texte_json)
    assert document["format"] == "justexpert.memoire-frais/1" and document["montant_ttc"] == "453.60"
    assert document["lignes"][1]["article_cpp"] == "R. 111"
    assert MemoireFrais.objects.get(expertise=e).certifie_le is not None
