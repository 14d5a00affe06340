"""Permission matrix: who reaches which case URL (404 for hidden, 403 for visible but not allowed)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from justexpert.comptes.models import Habilitation, Role
from justexpert.expertises.models import Participant, Qualite
from tests.conftest import MOT_DE_PASSE, creer_utilisateur

from .conftest import parties

CACHE = 404
# actor fixture -> expected status per URL key (anonymous handled apart)
E, M, G, AV, P = "E", "M", "G", "AV", "P"
ACTEURS = {
    "expert": {E},
    "autre_expert": None,
    "magistrat": {M},
    "greffier": {G},
    "juge_controle": {M},
    "magistrat_sans_habilitation": None,
    "magistrat_autre_cour": None,
    "greffier_juridiction": None,
    "greffier_autre_cour": None,
    "avocat_partie_a": {AV},
    "avocat_partie_b": {AV},
    "partie_b": {P},
    "invitee": None,
    "agent": None,
}


def attendu(qualites: set[str] | None, autorisees: set[str], succes: int) -> int:
    if qualites is None:
        return CACHE
    return succes if qualites & autorisees else 403


def urls(e, cible, partie_a) -> list[tuple[str, str, str, set[str], int]]:
    """(key, method, url, capacities allowed, status when allowed), in an order where earlier
    requests do not change what later ones see."""
    return [
        ("detail", "get", reverse("expertises:detail", args=[e.uuid]), {E, M, G, AV, P}, 200),
        ("api_detail", "get", f"/api/v1/expertises/{e.uuid}", {E, M, G, AV, P}, 200),
        ("inviter", "get", reverse("expertises:inviter", args=[e.uuid]), {E, G}, 200),
        ("inviter_post", "post", reverse("expertises:inviter", args=[e.uuid]), {E, G}, 400),
        ("ajouter_partie", "get", reverse("expertises:ajouter_partie", args=[e.uuid]), {E, G, M}, 200),
        ("ajouter_greffier", "get", reverse("expertises:ajouter_greffier", args=[e.uuid]), {G, M}, 200),
        ("ne_pas_inscrire", "post", reverse("expertises:ne_pas_inscrire", args=[e.uuid, partie_a.uuid]), {AV}, 302),
        ("retirer", "post", reverse("expertises:retirer", args=[e.uuid, cible.uuid]), {E, G, M}, 302),
        ("notifier", "post", reverse("expertises:action", args=[e.uuid, "notifier"]), {G, M}, 302),
    ]


@pytest.mark.parametrize("acteur", list(ACTEURS))
def test_permission_matrix_on_every_case_url(client, request, dossier, acteur, partie_b):
    user = request.getfixturevalue(acteur)
    client.force_login(user)
    e = dossier
    partie_a, _b = parties(e)
    cible = Participant.objects.get(expertise=e, utilisateur=partie_b, qualite=Qualite.PARTIE)
    qualites = ACTEURS[acteur]
    for cle, methode, url, autorisees, succes in urls(e, cible, partie_a):
        reponse = getattr(client, methode)(url, {})
        assert reponse.status_code == attendu(qualites, autorisees, succes), (acteur, cle, reponse.status_code)
    liste = client.get("/api/v1/expertises/")
    assert liste.status_code == 200
    assert (str(e.uuid) in liste.content.decode()) == (qualites is not None)
    page = client.get(reverse("expertises:liste"))
    assert page.status_code == 200
    assert (str(e.uuid) in page.content.decode()) == (qualites is not None)


def test_unknown_case_and_unknown_action_are_404(client, expert, dossier):
    client.force_login(expert)
    assert client.get(reverse("expertises:detail", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404
    assert client.post(reverse("expertises:action", args=[dossier.uuid, "inexistante"])).status_code == 404
    assert client.post(reverse("expertises:retirer", args=[dossier.uuid, dossier.uuid])).status_code == 404


def test_anonymous_is_sent_to_login_and_api_answers_401(client, dossier):
    partie_a, _b = parties(dossier)
    cible = Participant.objects.filter(expertise=dossier).first()
    for _cle, methode, url, _a, _s in urls(dossier, cible, partie_a):
        reponse = getattr(client, methode)(url)
        if url.startswith("/api/"):
            assert reponse.status_code == 401
        else:
            assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("comptes:connexion"))
    assert client.get("/api/v1/expertises/").status_code == 401


def test_token_holder_sees_the_same_cases(client, expert, dossier, autre_expert):
    from justexpert.comptes.services import creer_jeton

    _jeton, secret = creer_jeton(acteur=autre_expert, nom="test")
    reponse = client.get(f"/api/v1/expertises/{dossier.uuid}", headers={"authorization": f"Bearer {secret}"})
    assert reponse.status_code == 404


def test_removed_participant_loses_access_at_once(client, dossier, expert, partie_b):
    client.force_login(partie_b)
    url = reverse("expertises:detail", args=[dossier.uuid])
    assert client.get(url).status_code == 200
    cible = Participant.objects.get(expertise=dossier, utilisateur=partie_b)
    client.force_login(expert)
    assert client.post(reverse("expertises:retirer", args=[dossier.uuid, cible.uuid])).status_code == 302
    client.force_login(partie_b)
    assert client.get(url).status_code == 404


def test_lawyer_cannot_remove_anyone_nor_act(client, dossier, avocat_partie_a, expert):
    client.force_login(avocat_partie_a)
    cible = Participant.objects.get(expertise=dossier, utilisateur=expert)
    assert client.post(reverse("expertises:retirer", args=[dossier.uuid, cible.uuid])).status_code == 403
    assert client.post(reverse("expertises:action", args=[dossier.uuid, "accepter"])).status_code == 403


# --- Penal cases ----------------------------------------------------------------------------------------


@pytest.fixture
def juge_penal_controle(orgs):
    return creer_utilisateur(
        "juge.penal.controle@test.fr",
        (Role.MAGISTRAT, orgs["TJ_PARIS"], [Habilitation.MATIERE_PENALE, Habilitation.CONTROLE_EXPERTISES]),
    )


@pytest.fixture
def magistrat_penal_non_nomme(orgs):
    return creer_utilisateur("juge.penal@test.fr", (Role.MAGISTRAT, orgs["TJ_PARIS"], [Habilitation.MATIERE_PENALE]))


@pytest.mark.parametrize(
    ("acteur", "statut"),
    [
        ("expert", 200),
        ("avocat_partie_a", 200),
        ("magistrat_penal", 200),
        ("greffier_penal", 200),
        ("juge_penal_controle", 200),
        ("magistrat", 404),  # contrôle des expertises, no penal habilitation
        ("greffier", 404),
        ("magistrat_penal_non_nomme", 404),
        ("agent", 404),
        ("partie_b", 404),
        ("autre_expert", 404),
        ("magistrat_autre_cour", 404),
    ],
)
def test_penal_case_is_seen_only_by_habilitated_staff_expert_and_lawyers(client, request, dossier_penal, acteur, statut):
    client.force_login(request.getfixturevalue(acteur))
    assert client.get(reverse("expertises:detail", args=[dossier_penal.uuid])).status_code == statut
    assert client.get(f"/api/v1/expertises/{dossier_penal.uuid}").status_code == statut


def test_named_staff_losing_the_penal_habilitation_lose_the_case(client, dossier_penal, greffier_penal):
    from justexpert.comptes.models import HabilitationAppartenance

    client.force_login(greffier_penal)
    url = reverse("expertises:detail", args=[dossier_penal.uuid])
    assert client.get(url).status_code == 200
    HabilitationAppartenance.objects.filter(appartenance__utilisateur=greffier_penal).delete()
    client.logout()
    assert client.login(email=greffier_penal.email, password=MOT_DE_PASSE) or client.force_login(greffier_penal) is None
    assert client.get(url).status_code == 404
