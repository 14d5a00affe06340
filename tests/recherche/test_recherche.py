"""Search: relevance in French, filters, explained ordering, bad input, permissions, API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import Expert
from justexpert.recherche import moteur
from justexpert.recherche.models import EntreeThesaurus
from tests.conftest import exemples, texte

pytestmark = pytest.mark.django_db


def noms(magistrat, **criteres) -> list[str]:
    c = moteur.Criteres(**criteres)
    return [r.expert.nom for r in moteur.rechercher(c, user=magistrat).resultats]


def cour(orgs, code="PARIS"):
    return orgs[code]


def test_cracked_wall_in_a_new_house_finds_building_experts_before_accountants(monde, magistrat, orgs):
    resultat = noms(magistrat, texte="Un mur fissuré dans une maison neuve", cour=cour(orgs))
    assert resultat[0] == "Maçon"
    assert "Toit" in resultat
    assert "Chiffre" not in resultat[: resultat.index("Toit") + 1]


@pytest.mark.parametrize("texte_saisi", ["FISSURES", "fissuré", "fissure", "Fissurées", "lezardes", "LÉZARDE"])
def test_accents_plurals_case_and_word_forms_do_not_matter(monde, magistrat, orgs, texte_saisi):
    assert noms(magistrat, texte=texte_saisi, cour=cour(orgs))[0] == "Maçon"


def test_fine_specialities_match_in_other_domains(monde, magistrat, orgs):
    assert noms(magistrat, texte="séquelle d'une blessure", cour=cour(orgs))[0] == "Soin"
    assert noms(magistrat, texte="audit comptable", cour=cour(orgs))[0] == "Chiffre"


def test_thesaurus_bridges_everyday_words_to_specialites(monde, magistrat, orgs):
    # « bâche » appears nowhere; an administrator bridges it to building specialites.
    assert noms(magistrat, texte="bâche", cour=cour(orgs)) == []
    EntreeThesaurus.objects.create(mot="bâche", codes="C.2")
    resultat = noms(magistrat, texte="bâches", cour=cour(orgs))
    assert set(resultat) == {"Maçon", "Toit"}


def test_radiated_and_suspended_experts_are_never_shown(monde, magistrat, orgs):
    for criteres in ({"texte": "fissures maisons neuves"}, {}, {"inclure_indisponibles": True}):
        resultat = noms(magistrat, cour=cour(orgs), **criteres)
        assert "Radié" not in resultat and "Suspendu" not in resultat


def test_default_court_is_the_users_and_other_ressorts_come_after(monde, magistrat, orgs):
    assert "Loin" not in noms(magistrat, texte="fissure", cour=cour(orgs))
    toutes = noms(magistrat, texte="fissure maison", cour=None)
    assert toutes.index("Maçon") < toutes.index("Loin")


def test_same_departement_before_same_ressort(monde, magistrat, orgs):
    # Toit (93) is in the Paris ressort, Maçon (75) in the magistrate's département: same competence level.
    resultat = noms(magistrat, cour=cour(orgs), nomenclature="C.2")
    assert resultat.index("Maçon") < resultat.index("Toit")


def test_workload_and_recent_designation_share_work_out(monde, magistrat, orgs):
    import datetime as dt

    annuaire.mettre_a_jour_compteurs(monde["batisseur"], missions_ouvertes=3)
    resultat = noms(magistrat, nomenclature="C.2.1", cour=cour(orgs))
    assert resultat == ["Maçon"]  # alone in its specialite: still proposed
    annuaire.mettre_a_jour_compteurs(monde["couvreur"], designation_le=dt.date(2026, 1, 1))
    annuaire.mettre_a_jour_compteurs(monde["medecin"], missions_ouvertes=0)
    tous = noms(magistrat, cour=cour(orgs), departement="75")
    assert tous[-1] == "Maçon"  # the busiest comes last among equals


def test_filters_language_matter_secure_exchange_and_list(monde, magistrat, orgs, greffier_ca):
    assert noms(magistrat, cour=cour(orgs), langue="Allemand") == ["Langue"]
    annuaire.modifier_fiche(monde["comptable"], acteur=greffier_ca, matiere_penale=False, echange_securise=True)
    assert "Chiffre" not in noms(magistrat, cour=cour(orgs), matiere="penale")
    assert noms(magistrat, cour=cour(orgs), echange_securise=True) == ["Chiffre"]
    assert noms(magistrat, cour=cour(orgs), liste=moteur.Liste.NATIONALE) == []
    assert noms(magistrat, cour=cour(orgs), nomenclature="D") == ["Chiffre"]


def test_fiche_changes_are_searchable_at_once(monde, magistrat, orgs, greffier_ca):
    assert noms(magistrat, texte="piscine enterrée", cour=cour(orgs)) == []
    annuaire.modifier_fiche(monde["comptable"], acteur=greffier_ca, specialites_fines="Piscines enterrées et leurs bassins")
    assert noms(magistrat, texte="piscine enterrée", cour=cour(orgs))[0] == "Chiffre"


def test_each_result_explains_its_rank(monde, magistrat, orgs):
    r = moteur.rechercher(moteur.Criteres(texte="fissures maison", cour=cour(orgs)), user=magistrat).resultats[0]
    raisons = " | ".join(r.raisons)
    assert "Pertinence" in raisons and "Spécialité C.2" in raisons and "Compétences déclarées" in raisons
    assert "Disponible" in raisons and "même département (75)" in raisons
    assert "Charge : 0 mission" in raisons and "Jamais désigné" in raisons


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "requete",
    [
        {"texte": "fissure & | ! ( ) :* <-> ' \" \\ % _"},
        {"texte": " ".join(["fissure", "maison"] * 2500)},
        {"texte": "\x00\u202e𝕱𝖎𝖘𝖘𝖚𝖗𝖊 🏚️"},
        {"page": "1000000000"},
        {"page": "-5"},
        {"page": "abc"},
        {"nomenclature": "ZZZ' OR 1=1 --"},
        {"cour": "INEXISTANTE"},
        {"departement": "%%%%"},
        {"liste": "n'importe quoi"},
        {"matiere": "x" * 500},
    ],
)
def test_any_input_gives_a_page_never_an_error(monde, client, magistrat, requete):
    client.force_login(magistrat)
    reponse = client.get(reverse("recherche:recherche"), requete)
    assert reponse.status_code == 200


def test_page_beyond_the_last_shows_the_last_page_with_a_message(monde, client, magistrat):
    client.force_login(magistrat)
    page = texte(client.get(reverse("recherche:recherche"), {"page": "1000000000"}))
    assert "voici la dernière page" in page


@settings(max_examples=exemples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_free_text_is_accepted(monde, magistrat, orgs, saisie):
    moteur.rechercher(moteur.Criteres(texte=saisie, cour=cour(orgs)), user=magistrat)


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "acteur,statut",
    [("magistrat", 200), ("greffier", 200), ("agent", 200), ("expert", 403), ("candidat", 403), ("avocat_partie_a", 403)],
)
def test_only_justice_staff_search(monde, client, request, acteur, statut):
    client.force_login(request.getfixturevalue(acteur))
    assert client.get(reverse("recherche:recherche")).status_code == statut
    assert client.get("/api/v1/experts/recherche").status_code == statut


def test_anonymous_is_sent_to_login_and_api_says_401(client):
    assert client.get(reverse("recherche:recherche")).status_code == 302
    assert client.get("/api/v1/experts/recherche").status_code == 401


def test_api_returns_ranked_explained_results(monde, client, magistrat):
    client.force_login(magistrat)
    donnees = client.get("/api/v1/experts/recherche", {"texte": "Fissures MAISON", "page": "999999999999"}).json()
    assert donnees["resultats"][0]["nom"] == "Maçon"
    assert any("Compétence" in r for r in donnees["resultats"][0]["raisons"])
    assert donnees["page"] == donnees["pages"] == 1


def test_queries_per_request_do_not_grow_with_results(monde, client, magistrat, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(magistrat)
    client.get(reverse("recherche:recherche"))
    with CaptureQueriesContext(connection) as un:
        client.get(reverse("recherche:recherche"), {"texte": "fissure", "cour": ""})
    with CaptureQueriesContext(connection) as tous:
        client.get(reverse("recherche:recherche"), {"cour": "", "inclure_indisponibles": "on"})
    assert len(tous) <= len(un) + 1


def test_fiche_changed_by_a_csv_import_is_searchable(tmp_path, nomenclature_2022, orgs, magistrat):
    from justexpert.annuaire import importation
    from justexpert.recherche import index
    from tests.annuaire.test_import_export import BON

    importation.importer(BON)
    index.actualiser(force=True)
    assert noms(magistrat, texte="géotechnicienne", cour=cour(orgs)) == []
    importation.importer(BON.replace("Ingénieure", "Géotechnicienne"))
    assert noms(magistrat, texte="géotechnicienne", cour=cour(orgs)) == ["Durand"]


def test_bulk_rebuild_and_lazy_refresh(monde, magistrat, orgs, greffier_ca, django_assert_num_queries):
    from justexpert.recherche import index
    from justexpert.recherche.models import DocumentExpert

    index.actualiser(force=True)
    avant = dict(DocumentExpert.objects.values_list("expert_id", "texte_normalise"))
    DocumentExpert.objects.all().delete()
    assert index.reconstruire(lot=2) == len(avant)
    assert dict(DocumentExpert.objects.values_list("expert_id", "texte_normalise")) == avant
    # Nothing changed: the check reads two values from the end of their indexes and one empty
    # list, and writes nothing.
    with django_assert_num_queries(4):
        assert index.actualiser(force=True) == 0
    # A change through annuaire's services is indexed in its own transaction (issue 21): the lazy
    # check then finds nothing to do.
    annuaire.modifier_fiche(monde["comptable"], acteur=greffier_ca, specialites_fines="Piscines enterrées")
    assert " piscin " in DocumentExpert.objects.get(expert=monde["comptable"]).texte_normalise
    assert index.actualiser(force=True) == 0
    # A write that bypasses the services is still caught by the lazy check.
    Expert.objects.filter(pk=monde["comptable"].pk).update(
        specialites_fines="Piscines enterrées, vérandas", modifie_le=timezone.now()
    )
    assert index.actualiser(force=True) >= 1
    assert " verand " in DocumentExpert.objects.get(expert=monde["comptable"]).texte_normalise
    # An empty index is rebuilt in bulk by the first search.
    DocumentExpert.objects.all().delete()
    assert noms(magistrat, texte="piscine", cour=cour(orgs)) == ["Chiffre"]


def test_queries_per_search_are_the_same_whatever_the_filters(monde, client, magistrat):
    """Text or none, cour given, empty or defaulted, invalid values, an empty page, a late page:
    every search runs the same number of SQL queries (the index freshness check aside)."""
    from django.conf import settings as reglages
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from justexpert.recherche import index

    reglages.RECHERCHE_FRAICHEUR_S = 3600
    index.actualiser(force=True)
    client.force_login(magistrat)
    url = reverse("recherche:recherche")
    client.get(url)
    combinaisons = [
        {},
        {"texte": "fissures maison"},
        {"texte": "fissures maison", "cour": ""},
        {"texte": "fissures", "nomenclature": "C.2", "departement": "75"},
        {"nomenclature": "C.2", "cour": "VERSAILLES", "inclure_indisponibles": "on"},
        {"cour": "", "liste": "toutes", "langue": "anglais", "matiere": "penale", "echange_securise": "on"},
        {"texte": "le la les", "cour": "INCONNUE", "liste": "nationale"},
        {"texte": "zzzzzz aucun résultat"},
        {"texte": "comptabilité", "page": "999"},
    ]
    comptes = []
    for donnees in combinaisons:
        with CaptureQueriesContext(connection) as q:
            assert client.get(url, donnees).status_code == 200
        comptes.append(len(q))
    assert len(set(comptes)) == 1, list(zip(comptes, combinaisons, strict=True))


def test_both_lists_of_a_cour_and_the_capped_total(monde, magistrat, orgs):
    # « Toutes les listes » with a cour: the cour's list and the national one (one UNION).
    sur_la_cour = noms(magistrat, cour=cour(orgs), texte="fissure maison")
    assert noms(magistrat, cour=cour(orgs), texte="fissure maison", liste=moteur.Liste.TOUTES) == sur_la_cour
    assert set(noms(magistrat, cour=cour(orgs), liste=moteur.Liste.TOUTES)) >= set(sur_la_cour)
    r = moteur.rechercher(moteur.Criteres(cour=cour(orgs)), user=magistrat)
    assert not r.tronque and r.total == len(r.resultats) and r.titre.startswith(f"{r.total} expert")
    assert moteur.Resultats([], moteur.MAX_RESULTATS + 1, 1, moteur.MAX_PAGES).titre == "Plus de 400 experts correspondent"


@pytest.mark.parametrize(
    "donnees",
    [
        {},
        {"texte": "fissures <b>& « maison »", "cour": "PARIS", "departement": "75", "langue": "anglais"},
        {"nomenclature": "C.2", "liste": "toutes", "matiere": "penale", "echange_securise": "on", "inclure_indisponibles": "on"},
    ],
)
def test_search_form_renders_as_the_dsfr_templates(donnees, monde, magistrat):
    """The search form is written in Python for speed (forms.rendu_direct): the same markup as the
    dsfr field snippets, escaping included."""
    import re

    from justexpert.lib.formulaires import FormulaireDsfr
    from justexpert.recherche.views import criteres_depuis

    form, _, _ = criteres_depuis(donnees, magistrat)
    assert not form.errors

    def normal(html: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()

    direct = str(form)
    assert "&lt;b&gt;&amp;" in direct or not donnees.get("texte")
    assert normal(direct) == normal(FormulaireDsfr.render(form))


def test_search_form_with_an_error_keeps_the_dsfr_error_markup(monde, magistrat):
    from justexpert.recherche.views import criteres_depuis

    form, _, avertissements = criteres_depuis({"liste": "aucune"}, magistrat)
    assert form.errors and avertissements
    assert "id_liste-desc-error" in str(form)


def test_fast_select_renders_as_djangos_select():
    import re

    from django import forms

    from justexpert.recherche.forms import SelectRapide

    choix = [("", "Toutes"), ("C.2", "— C.2 Bâtiment <b> & « ' » \""), ('a"b', "x")]
    for valeur in ("", "C.2", 'a"b', None):
        attendu, obtenu = (
            w(choices=choix, attrs={"class": "fr-select", "id": "id_n"}).render("n", valeur) for w in (forms.Select, SelectRapide)
        )
        assert re.sub(r">\s+<", "><", obtenu).strip() == re.sub(r">\s+<", "><", attendu).strip()


def test_a_relabelled_specialite_is_matched_by_its_new_label(monde, magistrat, orgs):
    """The specialite labels are cached per process; the key follows a relabelling import."""
    from justexpert.annuaire import nomenclature

    assert "Maçon" not in noms(magistrat, texte="géobéton", cour=cour(orgs))
    nomenclature.importer(
        "code,branch_code,branch_label,rubric_code,rubric_label,specialty_label\n" + "C.2.1,C,,C.2,Bâtiment,Géobéton\n",
        version="2022",
    )
    assert noms(magistrat, texte="géobéton", cour=cour(orgs))[0] == "Maçon"


def test_result_cards_render_as_their_template(monde, magistrat, orgs, expert):
    """The cards are written in Python (views.carte) for speed: the same markup as
    recherche/_carte.html, for an available and an unavailable expert, names with characters to escape."""
    import re

    from django.template.loader import render_to_string

    from justexpert.recherche import services
    from justexpert.recherche.models import EtatDisponibilite
    from justexpert.recherche.views import carte
    from tests.annuaire.conftest import lier

    annuaire.modifier_fiche(monde["couvreur"], acteur=None, nom="Toit <b>& « ' »")
    lier(monde["batisseur"], None, expert)
    services.definir_disponibilite(monde["batisseur"], acteur=expert, etat=EtatDisponibilite.INDISPONIBLE)
    r = moteur.rechercher(moteur.Criteres(texte="fissures toiture", cour=cour(orgs), inclure_indisponibles=True), user=magistrat)
    assert {x.disponible for x in r.resultats} == {True, False}
    assert any("TOIT &lt;B&gt;&amp; « &#x27; »" in carte(x) for x in r.resultats)

    def normal(html: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()

    for x in r.resultats:
        assert normal(carte(x)) == normal(render_to_string("recherche/_carte.html", {"x": x}))
