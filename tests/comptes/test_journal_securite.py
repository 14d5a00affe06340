"""The security log never shows a link's secret, and filters by person, kind and period."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from justexpert.comptes.models import EvenementSecurite, JournalSecurite
from justexpert.comptes.services import chemin_sans_secret, jeton_verification, journaliser
from tests.conftest import creer_utilisateur, texte


def test_link_secrets_are_masked_before_they_reach_the_log():
    assert chemin_sans_secret("/verifier-adresse/abc.DEF-123/") == "/verifier-adresse/…/"
    assert chemin_sans_secret("/mot-de-passe/nouveau/MQ/ck2-abc/") == "/mot-de-passe/nouveau/…/"
    assert chemin_sans_secret("/invitation/Zk9secret/") == "/invitation/…/"
    assert chemin_sans_secret("/invitation/") == "/invitation/"
    assert chemin_sans_secret("/expertises/12/") == "/expertises/12/"


def test_visiting_a_verification_link_logs_no_token(client, db):
    user = creer_utilisateur("nouveau@test.fr")
    user.email_verifie = False
    user.save()
    jeton = jeton_verification(user)
    client.get(reverse("comptes:verifier_adresse", args=[jeton]))
    entree = JournalSecurite.objects.get(evenement=EvenementSecurite.ADRESSE_VERIFIEE)
    assert jeton not in entree.chemin and entree.chemin == "/verifier-adresse/…/"


def test_administrator_filters_the_log_by_person_kind_and_period(client, administrateur, expert, magistrat):
    journaliser(EvenementSecurite.ECHEC_CONNEXION, email=expert.email)
    ancien = journaliser(EvenementSecurite.CONNEXION, utilisateur=magistrat)
    JournalSecurite.objects.filter(pk=ancien.pk).update(le=timezone.now() - dt.timedelta(days=40))
    client.force_login(administrateur)
    url = reverse("comptes:admin_journal")
    page = texte(client.get(url, {"personne": "expert@"}))
    assert expert.email in page and magistrat.email not in page
    page = texte(client.get(url, {"evenement": EvenementSecurite.CONNEXION}))
    assert magistrat.email in page and "Échec de connexion" not in page.split("<tbody>")[1]
    depuis = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert (
        magistrat.email
        not in texte(client.get(url, {"du": depuis, "evenement": EvenementSecurite.CONNEXION})).split("<tbody>")[1]
    )
    reponse = client.get(url, {"du": "2026-02-10", "au": "2026-02-01"})
    assert reponse.status_code == 400 and "La fin de la période doit suivre son début." in texte(reponse)
