"""A fiche's history reads in words: field labels, choice labels, court names, dates."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from justexpert.annuaire import services
from justexpert.annuaire.models import Civilite
from tests.conftest import texte


def test_history_shows_labels_not_field_names_or_codes(client, greffier_paris, orgs, magistrat):
    fiche = services.creer_fiche(acteur=greffier_paris, nom="Durand", prenom="Alix", date_naissance=dt.date(1970, 5, 1))
    services.modifier_fiche(fiche, acteur=greffier_paris, civilite=Civilite.MADAME, code_postal_pro="75002")
    client.force_login(magistrat)
    page = texte(client.get(reverse("annuaire:fiche", args=[fiche.uuid])))
    historique = page[page.index("Modifications de la fiche") :]
    for technique in ("date_naissance", "code_postal_pro", "civilite", "cour_appel", ": PARIS"):
        assert technique not in historique, technique
    assert "Date de naissance : — → 01/05/1970" in historique
    assert "Civilité : — → Madame" in historique
    assert "Code postal professionnel : — → 75002" in historique
    assert f"Cour d'appel : — → {orgs['PARIS'].nom}" in historique
