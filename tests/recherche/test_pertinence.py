"""Relevance (issue 21): each case quoted at the top of the issue, the share thresholds and the
weaker matches, relevance before proximity and workload, empty and very long missions, the matter
of the mission, the explanation in plain words, the thesaurus, and the freshness of the index
whatever the order of imports and edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import transaction

from justexpert.annuaire import importation
from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import ElementNomenclature, Expert, Niveau
from justexpert.recherche import index, moteur, thesaurus
from justexpert.recherche.models import Disponibilite, DocumentExpert, EntreeThesaurus, EtatDisponibilite
from tests.annuaire.conftest import nomenclature_2022, nouvelle_fiche, spe  # noqa: F401
from tests.annuaire.test_import_export import ENTETE

pytestmark = pytest.mark.django_db


def ajouter_specialite(code: str, libelle: str, rubrique: str, libelle_rubrique: str) -> ElementNomenclature:
    branche = ElementNomenclature.objects.get(version__code="2022", code=code[0])
    parent, _ = ElementNomenclature.objects.get_or_create(
        version=branche.version,
        code=rubrique,
        defaults={"niveau": Niveau.RUBRIQUE, "libelle": libelle_rubrique, "parent": branche, "ordre": rubrique},
    )
    return ElementNomenclature.objects.create(
        version=branche.version, code=code, niveau=Niveau.SPECIALITE, libelle=libelle, parent=parent, ordre=code
    )


def inscrit(acteur, liste, code: str, nom: str, fines: str, code_postal: str = "75011", **champs) -> Expert:
    f = nouvelle_fiche(
        acteur,
        nom=nom,
        prenom="Test",
        email=f"{nom.lower()}@test.fr",
        code_postal_pro=code_postal,
        specialites_fines=fines,
        **champs,
    )
    annuaire.inscrire(f, acteur=acteur, liste=liste, specialite=spe(code), debut=dt.date(2024, 1, 1))
    return f


@pytest.fixture
def referentiel(orgs, nomenclature_2022, greffier_ca):  # noqa: F811
    """Several experts per specialite, with the fine competences that trapped the old ranking."""
    ajouter_specialite("C.2.7", "Bâtiment tous corps d'état (démo)", "C.2", "")
    ajouter_specialite("C.2.3", "Couverture et charpente (démo)", "C.2", "")
    ajouter_specialite("G.2.1", "Médecine légale thanatologique (démo)", "G.2", "Médecine légale (démo)")
    paris = orgs["PARIS"]
    e = {}
    for i in range(3):
        e[f"piscine{i}"] = inscrit(
            greffier_ca, paris, "C.2.8", f"Bassin{i}", "Piscines enterrées, liners, margelles et plages, fissures des bassins"
        )
        e[f"structure{i}"] = inscrit(
            greffier_ca, paris, "C.2.1", f"Structure{i}", "Fondations, reprise en sous-œuvre, murs porteurs"
        )
        e[f"tce{i}"] = inscrit(
            greffier_ca,
            paris,
            "C.2.7",
            f"Tce{i}",
            "Expertise tous corps d'état, pénalités de retard, état des lieux avant travaux",
        )
        e[f"couvreur{i}"] = inscrit(
            greffier_ca, paris, "C.2.3", f"Couvreur{i}", "Charpente, couverture, corps d'état de la couverture"
        )
        e[f"comptable{i}"] = inscrit(
            greffier_ca, paris, "D.1.1", f"Comptable{i}", "Comptes annuels, compte de résultat, évaluation des stocks, audit"
        )
    e["geotech"] = inscrit(
        greffier_ca, paris, "C.2.2", "Geotech", "Sinistres sécheresse, retrait-gonflement des argiles, fissures"
    )
    e["psychiatre"] = inscrit(
        greffier_ca, paris, "F.1.2", "Psy", "Expertise psychiatrique pénale, dangerosité, capacité de tester"
    )
    e["psychiatre_loin"] = inscrit(
        greffier_ca, orgs["VERSAILLES"], "F.1.2", "Psyloin", "Troubles psychotiques", code_postal="78000"
    )
    e["legiste"] = inscrit(greffier_ca, paris, "G.2.1", "Legiste", "Autopsies médico-légales, levées de corps, datation du décès")
    e["medecin"] = inscrit(greffier_ca, paris, "F.1.1", "Medecin", "Dommage corporel, séquelles des accidents de la circulation")
    index.reconstruire()  # and the rarity of the words over this referential
    return e


def premiers(magistrat, texte: str, n: int = 10, **criteres) -> list[moteur.Resultat]:
    c = moteur.Criteres(texte=texte, cour=None, **criteres)
    return moteur.rechercher(c, user=magistrat).resultats[:n]


def noms(resultats: list[moteur.Resultat]) -> list[str]:
    return [r.expert.nom for r in resultats]


# --- the cases quoted at the top of issue 21 ---------------------------------------------------


def test_cracks_after_a_drought_go_to_structure_and_soil_experts_never_to_pools(referentiel, magistrat):
    r = premiers(magistrat, "fissures sur une maison individuelle après une sécheresse")
    assert r[0].expert.nom in {"Geotech", "Structure0", "Structure1", "Structure2"}
    assert not any(n.startswith("Bassin") for n in noms(r) if r[noms(r).index(n)].niveau_competence == 2)
    assert "Geotech" in noms(r[:3])


def test_penal_psychiatric_assessment_goes_to_a_psychiatrist_not_to_a_building_expert(referentiel, magistrat):
    texte = "Expertise psychiatrique pénale : dire si le mis en examen présente un état dangereux."
    r = premiers(magistrat, texte)
    assert r[0].expert.nom in {"Psy", "Psyloin"}
    assert not any(n.startswith("Tce") for n in noms(r))


def test_autopsy_goes_to_a_forensic_pathologist_not_to_a_roofer(referentiel, magistrat):
    r = premiers(magistrat, "autopsie du corps")
    assert noms(r)[0] == "Legiste"
    assert not any(n.startswith("Couvreur") for n in noms(r))


def test_testators_dementia_goes_to_a_psychiatrist_not_to_an_accountant(referentiel, magistrat):
    r = premiers(magistrat, "Dire si, compte tenu de sa démence, la testatrice était saine d'esprit.")
    assert r[0].expert.nom in {"Psy", "Psyloin"}
    assert not any(n.startswith("Comptable") for n in noms(r))


def test_accident_victim_goes_to_a_doctor_not_to_an_accountant_through_evaluer(referentiel, magistrat):
    r = premiers(magistrat, "Examiner la victime de l'accident, décrire ses blessures et évaluer ses préjudices.")
    assert noms(r)[0] == "Medecin"
    assert not any(n.startswith("Comptable") for n in noms(r))


# --- thresholds, order, explanation ---------------------------------------------------------------


def test_a_competent_expert_far_away_comes_before_a_weaker_match_next_door(referentiel, magistrat, greffier_ca):
    annuaire.mettre_a_jour_compteurs(referentiel["psychiatre_loin"], missions_ouvertes=3)
    r = premiers(magistrat, "troubles psychotiques et dangerosité du mis en examen", matiere="")
    # Psyloin: another ressort, three open missions, but competent; Psy: next door, free, weaker.
    assert noms(r)[:2] == ["Psyloin", "Psy"]
    assert [x.niveau_competence for x in r[:2]] == [2, 1]


def test_weaker_matches_come_after_under_their_own_heading(referentiel, magistrat, client):
    r = premiers(magistrat, "fissures des bassins enterrés et des fondations")
    niveaux = [x.niveau_competence for x in r]
    assert niveaux == sorted(niveaux, reverse=True) and 1 in niveaux and 2 in niveaux
    client.force_login(magistrat)
    page = client.get("/recherche/", {"texte": "fissures des bassins enterrés et des fondations", "cour": ""}).content.decode()
    assert page.count("Correspondances plus faibles") == 1


def test_the_explanation_says_which_words_counted_and_how_much(referentiel, magistrat):
    r = premiers(magistrat, "autopsie du corps")[0]
    texte = " | ".join(r.raisons)
    assert "Pertinence : 100 %" in texte
    assert "« autopsie » (" in texte and "%)" in texte and "thésaurus" in texte


def test_an_empty_mission_searches_by_filters_only(referentiel, magistrat):
    r = moteur.rechercher(moteur.Criteres(texte="", cour=None), user=magistrat)
    assert r.total == Expert.objects.count() and {x.niveau_competence for x in r.resultats} == {0}
    seuls_mots_du_metier = moteur.rechercher(
        moteur.Criteres(texte="évaluer le préjudice, dire et décrire", cour=None), user=magistrat
    )
    assert seuls_mots_du_metier.total == r.total
    assert any("seuls filtres" in m for m in seuls_mots_du_metier.messages)


def test_a_very_long_mission_is_cut_to_its_most_distinctive_words_with_a_message(referentiel, magistrat):
    ordonnance = " ".join(e.mot for e in EntreeThesaurus.objects.all()[:200]) + " autopsie"
    r = moteur.rechercher(moteur.Criteres(texte=ordonnance * 5, cour=None), user=magistrat)
    assert r.mots_ignores and any("Texte long" in m for m in r.messages)


def test_the_matter_of_the_mission_filters_civil_and_penal_experts(referentiel, magistrat, greffier_ca):
    annuaire.modifier_fiche(referentiel["psychiatre"], acteur=greffier_ca, matiere_penale=False)
    r = moteur.rechercher(moteur.Criteres(texte="expertise psychiatrique pénale", cour=None), user=magistrat)
    assert "Psy" not in noms(r.resultats) and "Psyloin" in noms(r.resultats)
    assert any("matière pénale" in m for m in r.messages)
    civile = moteur.rechercher(moteur.Criteres(texte="expertise psychiatrique", cour=None), user=magistrat)
    assert "Psy" in noms(civile.resultats)


@pytest.mark.parametrize("saisie", ["DÉGÂTS des eaux", "dégât des eaux", "degats des eaux"])
def test_accents_are_removed_before_stemming_the_same_way_on_both_backends(referentiel, magistrat, greffier_ca, saisie):
    annuaire.modifier_fiche(referentiel["couvreur0"], acteur=greffier_ca, specialites_fines="Dégâts des eaux, recherche de fuite")
    assert noms(premiers(magistrat, saisie))[0] == "Couvreur0"


# --- thesaurus --------------------------------------------------------------------------------------


def test_the_thesaurus_has_at_least_300_entries_pointing_to_specialites():
    entrees = thesaurus.lire()
    assert len(entrees) >= 300
    assert EntreeThesaurus.objects.count() >= 300
    par_mot = {e.mot: e.specialites for e in entrees}
    assert par_mot["ligament"] == ["Chirurgie orthopédique et traumatologie"]
    assert par_mot["encéphalopathie"] == ["Neurologie"]
    assert par_mot["infection nosocomiale"] == ["Infectiologie et hygiène hospitalière"]
    assert par_mot["démence"] == ["Psychiatrie"]
    assert par_mot["mésothéliome"] == ["Pneumologie et maladies professionnelles"]
    assert "Géotechnique" in par_mot["sécheresse"] and "maison" not in par_mot


def test_unknown_codes_and_labels_are_warned_at_start_up_and_at_loading(nomenclature_2022, tmp_path):  # noqa: F811
    EntreeThesaurus.objects.all().delete()
    EntreeThesaurus.objects.create(mot="piscine", codes="C.2.8")
    assert [m for m in checks.run_checks() if m.id == "recherche.W021"] == []
    EntreeThesaurus.objects.create(mot="barrage", codes="Z.9.9", specialites="Barrages imaginaires")
    avertissements = [m for m in checks.run_checks() if m.id == "recherche.W021"]
    assert len(avertissements) == 1 and "Z.9.9" in avertissements[0].msg
    # Labels: the nomenclature here is a fragment, so an unknown label is reported as information.
    informations = [m for m in checks.run_checks() if m.id == "recherche.I021"]
    assert len(informations) == 1 and "Barrages imaginaires" in informations[0].msg
    fichier = tmp_path / "thesaurus.txt"
    fichier.write_text("[Q.1.1] Spécialité inconnue\nmot inconnu\n", encoding="utf-8")
    from io import StringIO

    sortie, erreurs = StringIO(), StringIO()
    call_command("charger_thesaurus", str(fichier), stdout=sortie, stderr=erreurs)
    assert "1 entrées chargées" in sortie.getvalue() and "Q.1.1" in erreurs.getvalue()


def test_the_thesaurus_reaches_specialites_by_label(referentiel, magistrat):
    r = premiers(magistrat, "datation du décès")
    assert noms(r)[0] == "Legiste"


# --- import of fine competences and freshness -------------------------------------------------------

FINES = ENTETE.rstrip("\n") + ",specialites_fines\n"


def declarer(expert: Expert) -> None:
    """What ``services.definir_disponibilite`` writes, in one transaction."""
    with transaction.atomic():
        Disponibilite.objects.create(expert=expert, etat=EtatDisponibilite.DISPONIBLE, max_missions=4)
        index.disponibilite_changee(expert.pk)


def ligne(ref: str, nom: str, code: str, fines: str) -> str:
    return f'{ref},Mme,{nom},Alix,1970-05-01,Ingénieure,12 rue de la Paix,75002,Paris,,,,,,PARIS,{code},,inscrit,2024-01-01,,,"{fines}"\n'


def test_importer_experts_takes_a_fine_competences_column(nomenclature_2022, orgs, magistrat, tmp_path):  # noqa: F811
    fichier = tmp_path / "liste.csv"
    fichier.write_text(
        FINES + ligne("F1", "Bassin", "C.2.8", "Liners et margelles") + ligne("F2", "Drain", "C.4.6", "Eaux pluviales")
    )
    call_command("importer_experts", str(fichier))
    assert Expert.objects.get(reference="F1").specialites_fines == "Liners et margelles"
    assert noms(premiers(magistrat, "liner de la piscine")) == ["Bassin"]


def test_a_bulk_import_followed_by_a_statement_of_availability_leaves_every_fiche_searchable(
    nomenclature_2022,  # noqa: F811
    orgs,
    magistrat,
    settings,  # noqa: F811
):
    settings.RECHERCHE_FRAICHEUR_S = 3600  # the lazy check does not run between the steps
    index.actualiser(force=True)
    importation.importer(FINES + "".join(ligne(f"L{i}", f"Liner{i}", "C.2.8", "Liners de piscines") for i in range(12)))
    dernier = Expert.objects.get(reference="L11")
    declarer(dernier)
    assert len(premiers(magistrat, "liner", n=50)) == 12


def test_a_fiche_edited_before_a_newer_document_is_searchable(referentiel, magistrat, greffier_ca, settings):
    settings.RECHERCHE_FRAICHEUR_S = 3600
    annuaire.modifier_fiche(referentiel["comptable0"], acteur=greffier_ca, specialites_fines="Toitures végétalisées")
    nouvelle = inscrit(greffier_ca, referentiel["comptable0"].cour_appel, "C.2.8", "Nouveau", "Spas")
    declarer(nouvelle)
    assert "Comptable0" in noms(premiers(magistrat, "toitures végétalisées"))


def test_a_fiche_never_indexed_with_a_lower_id_is_found_by_the_lazy_check(referentiel, magistrat):
    cachee = Expert.objects.create(
        nom="Cachee", prenom="X", date_naissance=dt.date(1970, 1, 1), specialites_fines="Autopsies et levées de corps"
    )
    annuaire.inscrire(
        cachee, acteur=None, liste=referentiel["legiste"].cour_appel, specialite=spe("G.2.1"), debut=dt.date(2024, 1, 1)
    )
    DocumentExpert.objects.filter(expert=cachee).delete()  # as if written by a path that bypasses annuaire
    plus_recente = Expert.objects.create(nom="Recente", prenom="Y")
    index.actualiser(force=True)
    assert DocumentExpert.objects.filter(expert__in=[cachee, plus_recente]).count() == 2
    assert "Cachee" in noms(premiers(magistrat, "autopsie"))
