"""Demo world, home page, dashboards, legal and error pages, organisations."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from justexpert.annuaire.models import ElementNomenclature
from justexpert.comptes import organisations
from justexpert.comptes.models import Organisation, Role, TypeOrganisation, Utilisateur
from justexpert.portail.views import COMPTES_DEMO, MOT_DE_PASSE_DEMO
from tests.conftest import texte

pytestmark = pytest.mark.django_db


def test_demo_world_loads_twice_and_has_one_account_per_role():
    call_command("charger_demo", stdout=StringIO())
    call_command("charger_demo", stdout=StringIO())
    roles = set()
    for email, _ in COMPTES_DEMO:
        user = Utilisateur.objects.get(email=email)
        assert user.check_password(MOT_DE_PASSE_DEMO)
        roles |= user.roles
    assert roles == set(Role.values)
    assert Organisation.objects.filter(type=TypeOrganisation.COUR_APPEL).count() == 36
    assert ElementNomenclature.objects.filter(libelle__endswith="(démo)").exists()
    # Every invented label is marked "(démo)"; real ones come from the shared fragment.
    assert ElementNomenclature.objects.get(code="C.2.8").libelle.startswith("Piscines")


@override_settings(DEMO=False)
def test_demo_loader_refuses_outside_demo_mode():
    with pytest.raises(CommandError):
        call_command("charger_demo")


def test_home_page_shows_demo_logins_only_in_demo_mode(client):
    assert "magistrat@demo.justexpert.fr" in texte(client.get("/"))
    with override_settings(DEMO=False):
        contenu = texte(client.get("/"))
        assert "magistrat@demo.justexpert.fr" not in contenu
        assert MOT_DE_PASSE_DEMO not in contenu
        assert client.get(reverse("comptes:boite_demo")).status_code == 404


@pytest.mark.parametrize("email", [e for e, _ in COMPTES_DEMO])
def test_each_demo_role_gets_its_dashboard(client, email):
    call_command("charger_demo", stdout=StringIO())
    client.post(reverse("comptes:connexion"), {"email": email, "mot_de_passe": MOT_DE_PASSE_DEMO})
    reponse = client.get(reverse("portail:tableau_de_bord"))
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "À faire" in contenu
    user = Utilisateur.objects.get(email=email)
    for a in user.appartenances.all():
        assert a.get_role_display() in contenu
    assert f'href="{reverse("preuves:verifier")}"' in reponse.content.decode().split("<footer")[0]


def test_demo_mailbox_shows_sent_mail(client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "justexpert.comptes.courriel.BoiteDemoBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("comptes:reinitialisation"), {"email": "personne@test.fr"})
        call_command("charger_demo", stdout=StringIO())
        client.post(reverse("comptes:reinitialisation"), {"email": "expert@demo.justexpert.fr"})
    contenu = texte(client.get(reverse("comptes:boite_demo")))
    assert "choisir un nouveau mot de passe" in contenu
    assert "/mot-de-passe/nouveau/" in contenu


@pytest.mark.parametrize("nom", ["portail:mentions_legales", "portail:donnees_personnelles", "portail:accessibilite"])
def test_legal_pages_are_public_and_linked_from_the_footer(client, nom):
    assert client.get(reverse(nom)).status_code == 200
    assert f'href="{reverse(nom)}"' in texte(client.get("/"))


def test_error_pages_are_dsfr_pages_without_stack_traces(client, expert):
    r404 = client.get("/nulle-part/")
    assert r404.status_code == 404 and "Page introuvable" in texte(r404) and "fr-header" in texte(r404)
    client.force_login(expert)
    r403 = client.get(reverse("comptes:admin_utilisateurs"))
    assert r403.status_code == 403 and "Accès refusé" in texte(r403)


def test_500_page_renders_without_database_or_request(client):
    from justexpert.portail.views import erreur_500

    reponse = erreur_500(None)
    assert reponse.status_code == 500
    assert "Erreur inattendue" in texte(reponse)
    assert "Traceback" not in texte(reponse)


def test_security_headers_and_csp_without_inline_scripts(client):
    reponse = client.get("/")
    csp = reponse["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["X-Content-Type-Options"] == "nosniff"
    # Every script tag carries the nonce; no inline script without it.
    import re

    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    for tag in re.findall(r"<script[^>]*>", texte(reponse)):
        assert f'nonce="{nonce}"' in tag, tag


def test_cours_appel_have_departements_and_time_zones(orgs):
    assert orgs["NOUMEA"].fuseau == "Pacific/Noumea"
    assert orgs["PARIS"].fuseau == "Europe/Paris"
    assert "75" in orgs["PARIS"].departements
    assert orgs["TJ_PARIS"].ressort == orgs["PARIS"]
    assert orgs["PARIS"].ressort == orgs["PARIS"]


def test_tribunal_import_refuses_bad_rows_atomically(orgs):
    with pytest.raises(organisations.ImportInvalide) as exc:
        organisations.importer_tribunaux(
            "code,nom,cour_appel,departement\nTJ_A,Tribunal A,PARIS,75\nTJ_B,Tribunal B,NULLEPART,75\nTJ_C,Tribunal C,LYON,75\n"
        )
    assert exc.value.erreurs == [
        "ligne 3 : cour d'appel « NULLEPART » inconnue",
        "ligne 4 : le département 75 n'est pas dans le ressort de Cour d'appel de Lyon",
    ]
    assert not Organisation.objects.filter(code="TJ_A").exists()


def test_demo_inscriptions_tell_one_story():
    """A probationary inscription is where the expert's time on the list starts (3 years at most), and
    the oath follows the first inscription."""
    from justexpert.annuaire.models import Inscription

    call_command("charger_demo", stdout=StringIO())
    inscriptions = list(Inscription.objects.select_related("expert"))
    assert {i.statut for i in inscriptions} >= {"probatoire", "inscrit"}
    for i in inscriptions:
        assert i.inscrit_depuis <= i.debut and i.fin is not None and i.debut < i.fin
        assert i.expert.date_serment is not None and i.expert.date_serment >= i.inscrit_depuis
        if i.statut == "probatoire":
            assert i.inscrit_depuis == i.debut and (i.fin - i.debut).days < 3 * 366
