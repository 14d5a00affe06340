"""The Portalis number beside the RG: validated loosely, searchable by whoever sees the case, shown
on the case page, in the list and on the receipts (docs/expertises.md lists the known examples)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from justexpert.comptes.services import RefusService
from justexpert.expertises import portalis, recus
from justexpert.expertises.models import Etat, Expertise, Matiere, TypeDocument
from tests.conftest import texte

from .conftest import dans, nouvelle_expertise
from .outils_depots import deposer, etat

# Numbers printed on public decisions of cours d'appel (sources in docs/expertises.md).
EXEMPLES = ["DBVB-V-B7G-BJA4Z", "35L7-V-B7B-B4QZT", "DBVV-V-B7F-HX7U", "35L7-V-B7I-CI5DT", "DBVV-V-B7H-IOZX"]


@pytest.mark.parametrize("numero", EXEMPLES)
def test_known_examples_are_accepted_unchanged(numero):
    assert portalis.valider(numero) == numero


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("N° Portalis DBVB-V-B7G-BJA4Z", "DBVB-V-B7G-BJA4Z"),
        (" dbvv – v – b7f – hx7u ", "DBVV-V-B7F-HX7U"),
        ("35L7 - V - B7I - CI5DT", "35L7-V-B7I-CI5DT"),
        ("", ""),
    ],
)
def test_typing_variants_are_normalised(saisie, attendu):
    assert portalis.valider(saisie) == attendu


@pytest.mark.parametrize(
    "saisie", ["22/03700", "portalis", "AAAA-BBBB", "DBVB V B7G", "A" * 41, "DBVB-V-B7G-<script>", "1234-5678-9012"]
)
def test_garbage_is_refused_in_french(saisie):
    with pytest.raises(ValueError, match="forme attendue"):
        portalis.valider(saisie)


def _poster(client, orgs, fiche_expert, magistrat, **valeurs):
    donnees = {
        "juridiction": orgs["TJ_PARIS"].pk,
        "matiere": "civile",
        "type_procedure": "fond",
        "numero_rg": "26/901",
        "magistrat": magistrat.pk,
        "fiche_expert": fiche_expert.pk,
        "date_ordonnance": "2026-01-05",
        "mission": "Chiffrer le préjudice",
        "date_limite_rapport": dans(100).isoformat(),
    }
    donnees.update(valeurs)
    return client.post(reverse("expertises:nouvelle"), donnees)


def test_designation_form_records_the_normalised_number(client, greffier, magistrat, fiche_expert, orgs):
    client.force_login(greffier)
    reponse = _poster(client, orgs, fiche_expert, magistrat, numero_portalis="n° portalis dbvb-v-b7g-bja4z")
    assert reponse.status_code == 302, texte(reponse)
    assert Expertise.objects.get(numero_rg="26/901").numero_portalis == "DBVB-V-B7G-BJA4Z"


def test_designation_form_refuses_a_bad_number_at_the_field_and_records_nothing(client, greffier, magistrat, fiche_expert, orgs):
    client.force_login(greffier)
    reponse = _poster(client, orgs, fiche_expert, magistrat, numero_portalis="22/03700")
    assert reponse.status_code == 400
    assert "forme attendue" in texte(reponse)
    assert 'value="22/03700"' in reponse.content.decode()
    assert not Expertise.objects.filter(numero_rg="26/901").exists()


def test_no_portalis_number_in_penal_matters(magistrat_penal, greffier_penal, fiche_expert, orgs):
    with pytest.raises(RefusService, match="affaires civiles"):
        nouvelle_expertise(
            acteur=magistrat_penal,
            fiche=fiche_expert,
            juridiction=orgs["TJ_PARIS"],
            greffiers=[greffier_penal],
            matiere=Matiere.PENALE,
            numero_portalis=EXEMPLES[0],
        )
    with pytest.raises(RefusService, match="forme attendue"):
        nouvelle_expertise(
            acteur=magistrat_penal,
            fiche=fiche_expert,
            juridiction=orgs["TJ_PARIS"],
            greffiers=[greffier_penal],
            numero_portalis="xx",
        )
    assert not Expertise.objects.exists()


@pytest.fixture
def avec_portalis(dossier):
    Expertise.objects.filter(pk=dossier.pk).update(numero_portalis="DBVB-V-B7G-BJA4Z")
    dossier.refresh_from_db()
    return dossier


def test_case_page_and_list_show_it(client, avec_portalis, greffier):
    client.force_login(greffier)
    page = texte(client.get(reverse("expertises:detail", args=[avec_portalis.uuid])))
    assert "Numéro Portalis : <strong>DBVB-V-B7G-BJA4Z</strong>" in page
    liste = texte(client.get(reverse("expertises:liste")))
    assert "Portalis DBVB-V-B7G-BJA4Z" in liste


@pytest.mark.parametrize("q", ["DBVB-V-B7G-BJA4Z", "bja4z", "dbvb - v", "26/00001"])
def test_staff_who_see_the_case_find_it_by_either_number(client, avec_portalis, greffier, q):
    client.force_login(greffier)
    page = texte(client.get(reverse("expertises:liste"), {"q": q}))
    assert "Mes expertises (1)" in page


def test_search_by_portalis_shows_nothing_to_someone_who_does_not_see_the_case(client, avec_portalis, greffier_autre_cour):
    client.force_login(greffier_autre_cour)
    page = texte(client.get(reverse("expertises:liste"), {"q": "DBVB-V-B7G-BJA4Z"}))
    assert "Mes expertises (0)" in page and "DBVB" not in page.split("Mes expertises")[1]


def test_receipts_carry_the_number_beside_the_rg(avec_portalis, avocat_partie_a):
    etat(avec_portalis, Etat.PHASE_DIRES)
    depot = deposer(avocat_partie_a, avec_portalis, TypeDocument.DIRE)
    lignes = dict(recus.lignes(avec_portalis, depot))
    assert lignes["Dossier"] == "RG 26/00001 — Portalis DBVB-V-B7G-BJA4Z"


def test_api_gives_it(client, avec_portalis, greffier):
    client.force_login(greffier)
    donnees = client.get("/api/v1/expertises/").json()
    assert any(
        r.get("numero_portalis") == "DBVB-V-B7G-BJA4Z" for r in (donnees if isinstance(donnees, list) else donnees["items"])
    )


def test_convocation_pdf_carries_the_number_beside_the_rg(avec_portalis, expert):
    import datetime as dt

    from justexpert.expertises.convocation import convocation_pdf
    from justexpert.lib.temps import maintenant
    from tests.conftest import texte_pdf

    pdf = convocation_pdf(
        avec_portalis, acteur=expert, reunion_le=maintenant() + dt.timedelta(days=20), lieu="Sur place", lien="https://exemple.fr"
    )
    assert "RG 26/00001 — Portalis DBVB-V-B7G-BJA4Z" in texte_pdf(pdf)


def test_the_greffe_enters_the_number_of_a_case_opened_without_it(client, dossier, greffier):
    from justexpert.preuves.models import Evenement

    client.force_login(greffier)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    url = reverse("expertises:portalis", args=[dossier.uuid])
    assert f'href="{url}">Indiquer le numéro Portalis de l\'affaire</a>' in page
    reponse = client.post(url, {"numero_portalis": "dbvb-v-b7g-bja4z"})
    assert reponse.status_code == 302 and reponse["Location"] == reverse("expertises:detail", args=[dossier.uuid])
    dossier.refresh_from_db()
    assert dossier.numero_portalis == "DBVB-V-B7G-BJA4Z"
    evenement = Evenement.objects.filter(type="expertises.portalis_modifie").get()
    assert b"BJA4Z" not in bytes(evenement.feuille)  # the log keeps references only, never the number
    assert "corriger</a>" in texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))


def test_bad_number_on_the_edit_form_is_refused_at_the_field_and_nothing_changes(client, avec_portalis, greffier):
    client.force_login(greffier)
    reponse = client.post(reverse("expertises:portalis", args=[avec_portalis.uuid]), {"numero_portalis": "RG 26/00001"})
    assert reponse.status_code == 400 and "forme attendue" in texte(reponse)
    avec_portalis.refresh_from_db()
    assert avec_portalis.numero_portalis == "DBVB-V-B7G-BJA4Z"


def test_only_the_juridiction_edits_it(client, avec_portalis, expert, avocat_partie_a):
    for user in (expert, avocat_partie_a):
        client.force_login(user)
        assert client.post(reverse("expertises:portalis", args=[avec_portalis.uuid]), {"numero_portalis": ""}).status_code == 403
        assert "Indiquer le numéro Portalis" not in texte(client.get(reverse("expertises:detail", args=[avec_portalis.uuid])))
    with pytest.raises(RefusService, match="Seule la juridiction"):
        from justexpert.expertises import services

        services.modifier_portalis(acteur=expert, expertise=avec_portalis, numero="")
    avec_portalis.refresh_from_db()
    assert avec_portalis.numero_portalis == "DBVB-V-B7G-BJA4Z"


def test_no_edit_on_a_penal_case(client, dossier_penal, greffier_penal):
    client.force_login(greffier_penal)
    assert client.get(reverse("expertises:portalis", args=[dossier_penal.uuid])).status_code == 403
    assert "Portalis" not in texte(client.get(reverse("expertises:detail", args=[dossier_penal.uuid])))
