"""Hostile input (plan BI2, BI3, BI4, FH5): hypothesis sends Unicode edge cases (bidi overrides, NUL,
combining marks, right-to-left scripts, emoji, zero-width), very long strings, huge numbers,
impossible dates and wrong types (several values for one field) to the forms of every module, each
as the actor who may use it: never a 500, and a candidate's draft keeps everything already saved."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from justexpert.candidatures import services as candidatures
from justexpert.candidatures.models import Candidature, TypeCandidature
from tests.conftest import exemples

from . import acces
from .politique import POLITIQUE

EXEMPLES = exemples(15)
REGLAGES = settings(max_examples=EXEMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))

PIEGES = [
    "\u202eexe.fdp",  # right-to-left override
    "rapport\u202efdp.exe",
    "a\x00b",  # NUL: PostgreSQL refuses it in text
    "\x00",
    "e\u0301" * 60,  # combining acute accents
    "Z\u0351\u0352\u0353\u0354" * 30,
    "محكمة الاستئناف",
    "בית משפט",
    "👩‍⚖️🧑🏽‍🔬" * 30,
    "\u200b\u200c\u200d\ufeff",
    "x" * 100_000,
    "1" * 400,
    "-1",
    "1e309",
    "99999999999999999999999999",
    "NaN",
    "2026-02-31",
    "0000-00-00",
    "31/02/2026",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
    "%s%n%x",
    "../../etc/passwd",
    "\r\nBcc: x@exemple.fr",
    "a@b",
    "@" * 300 + ".fr",
    "PARIS",
    "C.2.8",
    "",
    " ",
]
HOSTILE = st.one_of(
    st.sampled_from(PIEGES),
    st.text(max_size=200),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.lists(st.sampled_from(PIEGES), min_size=2, max_size=3),  # wrong type: a list where one value is due
)


def _champs(session: acces.Session, chemin: str, defaut: list[str]) -> list[str]:
    """The form's field names, read from the page when it renders a form."""
    page = session.requete("get", chemin)
    form = page.context.get("form") if page.context is not None and page.status_code == 200 else None
    return list(form.fields) if form is not None else defaut


# (policy key, actor, field names when the page has no GET form, method)
SURFACES = [
    ("candidatures:message", "candidat", ["corps"], "post"),
    ("echanges:creer", "agent", [], "post"),
    ("echanges:inviter@civil", "agent", [], "post"),
    ("echanges:ajouter_agent@civil", "agent", ["agent"], "post"),
    ("expertises:inviter@civil", "expert", [], "post"),
    ("expertises:ajouter_partie@civil", "expert", [], "post"),
    ("expertises:ajouter_greffier@civil", "magistrat", [], "post"),
    ("expertises:nouvelle", "magistrat", [], "post"),
    ("recherche:recherche", "magistrat", [], "get"),
    ("recherche:solliciter", "magistrat", [], "post"),
    ("recherche:disponibilite", "expert", [], "post"),
    ("annuaire:repertoire", "greffier", [], "get"),
    ("annuaire:ma_fiche_modifier", "expert", [], "post"),
    ("annuaire:fiche_creer", "instructeur", [], "post"),
    ("comptes:connexion", "anonyme", [], "post"),
    ("comptes:inscription", "anonyme", [], "post"),
    ("comptes:reinitialisation", "anonyme", [], "post"),
    ("comptes:mon_compte", "expert", [], "post"),
    ("comptes:admin_creer", "administrateur", [], "post"),
    ("preuves:verifier", "anonyme", [], "post"),
    ("operations:reunion_nouvelle@civil", "expert", [], "post"),
    ("operations:deplacer", "expert", [], "post"),
    ("operations:envoi", "expert", [], "post"),
    ("operations:etape_nouvelle", "magistrat", [], "post"),
    (
        "operations:presence",
        "expert",
        ["convocation", "statut", "nom", "qualite", "represente", "arrivee", "depart", "certifie"],
        "post",
    ),
]


def _essayer(session: acces.Session, cle: str, chemin: str, methode: str, noms: list[str], erreurs: list[str]) -> None:
    @REGLAGES
    @given(donnees=st.dictionaries(st.sampled_from(noms), HOSTILE, min_size=1, max_size=len(noms)))
    def essai(donnees) -> None:
        reponse = session.requete(methode, chemin, donnees)
        if reponse.status_code >= 500:
            erreurs.append(f"{cle}: {reponse.status_code} with {str(donnees)[:300]}")

    essai()


def test_hostile_values_in_every_form_never_cause_a_server_error(monde):
    erreurs = []
    for cle, acteur, defaut, methode in SURFACES:
        session = acces.Session(acteur, monde.acteurs.get(acteur))
        _m, chemin = acces.url_de(cle, monde.objets[POLITIQUE[cle].objet])
        noms = _champs(session, chemin, defaut) + ["page", "q"]
        assert noms, cle

        _essayer(session, cle, chemin, methode, noms, erreurs)
    assert not erreurs, "\n".join(erreurs[:20])


def test_a_draft_keeps_what_was_saved_whatever_is_typed_in_one_field(monde):
    """A candidate types hostile text in one field of a saved draft: no 500, the other fields keep
    their saved values, and the typed text is kept as typed (the draft saves raw entries)."""
    from tests.candidatures.conftest import CHAMPS

    candidat = monde.acteurs["autre_candidat"]
    c = candidatures.creer_brouillon(acteur=candidat, type_=TypeCandidature.INITIALE)
    session = acces.Session("autre_candidat", candidat)
    chemin = f"/candidatures/{c.uuid}/modifier/"
    valides = {k: v for k, v in CHAMPS.items() if k != "declaration_honneur"} | {"liste": "PARIS", "specialite": "C.2.8"}
    premiere = session.client.post(chemin, valides)
    assert premiere.status_code == 302, premiere.status_code
    sauve = Candidature.objects.get(pk=c.pk)
    texte = ["nom", "prenom", "profession", "adresse_pro", "ville_pro", "diplomes", "activites", "motivation"]
    reference = {k: getattr(sauve, k) for k in texte}

    @REGLAGES
    @given(champ=st.sampled_from([*texte, "telephone", "code_postal_pro", "date_naissance", "liste"]), valeur=HOSTILE)
    def essai(champ, valeur) -> None:
        reponse = session.client.post(chemin, valides | {champ: valeur})
        assert reponse.status_code in (200, 302, 400), (champ, reponse.status_code)
        apres = Candidature.objects.get(pk=c.pk)
        for k in texte:
            if k != champ:
                assert getattr(apres, k) == reference[k], (champ, k)
        # restore the valid draft for the next example
        assert session.client.post(chemin, valides).status_code == 302

    essai()


# Django's File.name setter refuses an empty name client-side: not sent.
PIEGES_NOMS = [
    "../../x.pdf",
    "..\\..\\x.pdf",
    "/etc/passwd",
    "rapport\u202efdp.exe",
    "a\x00b.pdf",
    "CON",
    "NUL.pdf",
    "\u2215etc\u2215passwd",
    "\uff0e\uff0e/x.pdf",
    "é" * 300 + ".pdf",
    "%2e%2e%2fx.pdf",
    ".pdf",
]


def test_hostile_file_names_are_refused_or_stored_under_a_generated_id(monde, coffre_isole):
    """FH5: a deposit with a hostile file name never errs, and nothing is written outside the
    storage folder (the storage path is a generated id)."""
    import os

    avant = set(os.listdir("/tmp"))
    session = acces.Session("agent", monde.acteurs["agent"])
    _m, chemin = acces.url_de("echanges:deposer@civil", monde.objets["echange_civil"])

    def envoyer(nom: str) -> None:
        fichier = SimpleUploadedFile("x", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
        fichier.name = nom  # bypass Django's own sanitising of the client-side name
        reponse = session.requete("post", chemin, {"fichier": fichier, "jours": "3"})
        assert reponse.status_code < 500, (nom, reponse.status_code)

    for nom in PIEGES_NOMS:
        envoyer(nom)

    @REGLAGES
    @given(nom=st.text(min_size=1, max_size=300).map(lambda s: s + ".pdf"))
    def essai(nom) -> None:
        envoyer(nom)

    essai()
    racine = os.path.realpath(coffre_isole)
    for dossier, _sous, fichiers in os.walk(racine):
        for f in fichiers:
            assert os.path.realpath(os.path.join(dossier, f)).startswith(racine)
    assert not {n for n in set(os.listdir("/tmp")) - avant if "passwd" in n or n.endswith(".pdf")}


def test_nul_in_a_draft_is_a_field_error_not_a_500(monde):
    """Regression (PostgreSQL): the raw entry with NUL went into the draft's JSON and answered 500."""
    candidat = monde.acteurs["autre_candidat"]
    c = candidatures.creer_brouillon(acteur=candidat, type_=TypeCandidature.INITIALE)
    session = acces.Session("autre_candidat", candidat)
    reponse = session.client.post(f"/candidatures/{c.uuid}/modifier/", {"nom": "Le\x00maire", "prenom": "Claire"})
    assert reponse.status_code == 400
    assert Candidature.objects.get(pk=c.pk).prenom == "Claire"
