"""French text of the search (issue 21): the stop list of the judge's trade (data), accents removed
before stemming, derived forms that meet and forms that must stay apart."""

from __future__ import annotations

import pytest

from justexpert.recherche import texte, thesaurus


def test_every_word_of_the_trade_list_is_dropped_from_a_mission():
    for mot in texte.MOTS_DU_METIER:
        assert texte.analyser(mot).informatives == {}, mot
    for expression in texte.EXPRESSIONS_DU_METIER:
        assert texte.analyser(expression).informatives == {}, expression


@pytest.mark.parametrize(
    ("mission", "gardes"),
    [
        ("évaluer le préjudice", set()),
        ("dire et décrire l'état des lieux", set()),
        ("compte tenu de sa démence", {"demence"}),
        ("évaluer ses préjudices après l'accident", {"accident"}),
        ("dommage corporel", {"corporel"}),
        ("expertise psychiatrique pénale", {"psychiatrique"}),
        ("les comptes annuels de la société", {"comptes", "annuels"}),
    ],
)
def test_trade_words_go_and_competence_words_stay(mission, gardes):
    assert {texte.sans_accents(m) for m in texte.analyser(mission).informatives.values()} == gardes


def test_trade_words_still_count_inside_a_thesaurus_expression():
    m = texte.analyser("un dommage corporel grave")
    assert {texte.racine("dommage"), texte.racine("corporel")} <= m.toutes
    assert texte.racine("dommage") not in m.informatives


def test_no_single_word_entry_of_the_thesaurus_is_a_word_of_the_trade():
    simples = [e.mot for e in thesaurus.lire() if len(texte.mots(e.mot)) == 1]
    assert [m for m in simples if texte.racine(texte.mots(m)[0]) in texte.RACINES_DU_METIER] == []


@pytest.mark.parametrize(
    "famille",
    [
        ("dégât", "dégâts", "DEGATS", "degat"),
        ("travaux", "travail"),
        ("chauffe", "chauffage"),
        ("traduire", "traduction", "traducteur"),
        ("fissure", "fissures", "fissurées", "Fissurée"),
        ("psychiatrie", "psychiatrique", "psychiatre"),
        ("danger", "dangereux", "dangerosité"),
        ("comptable", "comptabilité"),
        ("électricité", "électrique"),
        ("ligament", "ligamentaire"),
    ],
)
def test_derived_forms_meet(famille):
    assert len({texte.racine(m) for m in famille}) == 1, {m: texte.racine(m) for m in famille}


@pytest.mark.parametrize(
    ("un", "autre"),
    [("données", "donner"), ("audition", "audit"), ("informatique", "information"), ("pénale", "pénalités")],
)
def test_unrelated_forms_stay_apart(un, autre):
    assert texte.racine(un) != texte.racine(autre)


def test_accents_are_removed_before_stemming():
    # Snowball on the accented word gave « deg » for « dégât » and « degat » for « dégâts ».
    assert texte.racine("dégât") == texte.racine("degat") == "degat"
    assert texte.normaliser("Dégâts des eaux") == texte.normaliser("degats des EAUX")


@pytest.mark.parametrize(
    ("mission", "matiere"),
    [
        ("expertise psychiatrique du mis en examen", "penale"),
        ("ordonnance de référé : fissures", "civile"),
        ("fissures de la maison", ""),
        ("pénalités de retard du chantier", ""),
    ],
)
def test_the_matter_is_read_from_the_mission(mission, matiere):
    assert texte.matiere_du_texte(mission) == matiere


def test_stemming_from_many_threads_at_once_gives_the_same_stems():
    """The application server's threads search at the same time (issue 32: a shared Snowball
    stemmer raised IndexError, a 500 on the search page under load)."""
    import threading

    from justexpert.recherche.texte import _racine_snowball

    mots = [
        f"{base}{fin}"
        for base in ("fissur", "expertis", "comptabil", "informatiqu", "medecin")
        for fin in ("e", "ees", "ations", "ement", "ites", "eraient")
    ]
    attendus = {mot: _racine_snowball.__wrapped__(mot) for mot in mots}
    erreurs: list[BaseException] = []
    resultats: list[dict[str, str]] = []
    depart = threading.Barrier(8)

    def fil() -> None:
        try:
            depart.wait()
            resultats.append({mot: _racine_snowball.__wrapped__(mot) for _ in range(200) for mot in mots})
        except BaseException as exc:  # noqa: B036 (reported by the main thread)
            erreurs.append(exc)

    fils = [threading.Thread(target=fil) for _ in range(8)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert not erreurs, erreurs[:1]
    assert resultats == [attendus] * 8
