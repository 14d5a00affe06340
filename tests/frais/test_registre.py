"""frais through the case's registry: the ledger in the case ZIP and the contradictoire view, the
purge hook, and the data taken over from the single consignation of before the ledger."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import zipfile
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.urls import reverse

from justexpert.expertises import depots
from justexpert.expertises import services as expertises
from justexpert.expertises.models import Etat, Expertise, StatutConsignation
from justexpert.frais.models import Part, Provision, Versement
from justexpert.lib.temps import maintenant
from tests.conftest import texte
from tests.expertises.outils_depots import etat

from .conftest import D, livre, parties, repartir_60_40, verser


def _zip(client, e) -> dict[str, bytes]:
    contenu = b"".join(client.get(reverse("expertises:dossier_zip", args=[e.uuid])).streaming_content)
    with zipfile.ZipFile(io.BytesIO(contenu)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _paye(dossier, magistrat, greffier, expert):
    repartir_60_40(dossier, magistrat)
    e = expertises.notifier(acteur=greffier, expertise=dossier)
    e = expertises.accepter(acteur=expert, expertise=e)
    e = expertises.inviter_consignation(acteur=greffier, expertise=e)
    a, b = parties(e)
    verser(greffier, e, "900", a, reference="REGIE-A")
    return e


def test_the_ledger_goes_into_the_case_zip_as_each_person_may_see_it(client, dossier, magistrat, greffier, expert, partie_b):
    e = _paye(dossier, magistrat, greffier, expert)
    client.force_login(expert)
    releve = _zip(client, e)["frais/releve-des-provisions.csv"].decode("utf-8-sig")
    assert "SCI Les Tilleuls" in releve and "Entreprise Toitures" in releve and "Total" in releve and "REGIE-A" in releve
    client.force_login(partie_b)
    releve = _zip(client, e)["frais/releve-des-provisions.csv"].decode("utf-8-sig")
    assert (
        "Entreprise Toitures" in releve and "SCI Les Tilleuls" not in releve and "REGIE-A" not in releve and "Total" not in releve
    )


def test_the_contradictoire_shows_where_each_party_stands(client, dossier, magistrat, greffier, expert):
    e = _paye(dossier, magistrat, greffier, expert)
    client.force_login(expert)
    page = texte(client.get(reverse("expertises:contradictoire", args=[e.uuid])))
    assert "Provision (CPC 269)" in page and "versé 900,00\u00a0€ sur 900,00\u00a0€" in page


def test_frais_free_text_is_purged_with_the_case_and_the_ledger_still_adds_up(dossier, magistrat, greffier, expert):
    e = _paye(dossier, magistrat, greffier, expert)
    Versement.objects.filter(expertise=e).update(observations="Chèque de M. Dupont")
    etat(e, Etat.CLOSE, close_le=maintenant() - dt.timedelta(days=settings.EXPERTISES_DELAI_CONSERVATION_JOURS + 1))
    depots.purger_echues()
    assert not Versement.objects.filter(expertise=e).exclude(observations="").exists()
    assert livre(e).verse == D("900.00")


def test_the_single_consignation_of_before_is_taken_over_as_one_provision_non_precise(dossier, greffier, expert):
    e = expertises.notifier(acteur=greffier, expertise=dossier)
    e = expertises.accepter(acteur=expert, expertise=e)
    e = expertises.inviter_consignation(acteur=greffier, expertise=e)
    e = expertises.constater_consignation(acteur=greffier, expertise=e)  # by hand, as before the ledger
    Provision.objects.filter(expertise=e).delete()  # as the database was before frais
    reprise = importlib.import_module("justexpert.frais.migrations.0002_reprise_consignations")
    reprise.reprendre(apps, None)
    reprise.reprendre(apps, None)  # once only
    provision = Provision.objects.get(expertise=e)
    assert provision.montant == D("1500.00") and Part.objects.get(provision=provision).partie is None
    lv = livre(e)
    assert lv.complet and lv.lignes[0].libelle == "Non précisé" and lv.verse == D("1500.00")
    assert Versement.objects.get(expertise=e).reference_regie == "reprise"
    e.refresh_from_db()
    assert e.consignation_montant == Decimal("1500.00") and e.consignation_statut == StatutConsignation.CONSIGNEE
    assert Expertise.objects.get(pk=e.pk).etat == Etat.EN_COURS
