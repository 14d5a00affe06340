"""Canary: the title and file names of a penal folder appear nowhere for civil users — pages, API,
e-mails, counts — while the whole life of the folder (invitations, deposits both ways, downloads,
expiry) happens beside their own civil folders."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from justexpert.echanges import services
from justexpert.echanges.models import Matiere

from .conftest import ajouter_invite, depot

pytestmark = pytest.mark.django_db

TITRE = "CANARI-TITRE-5d1e9b"
NOM = "canari-fichier-5d1e9b.pdf"
REPONSE = "canari-reponse-5d1e9b.pdf"
MARQUEURS = ("5d1e9b", "CANARI", "canari")


def _propre(contenu: str, ou: str) -> None:
    for marqueur in MARQUEURS:
        assert marqueur not in contenu, f"{marqueur} found in {ou}"


def test_penal_canary_never_reaches_civil_users(
    client,
    orgs,
    agent,
    invite,
    agent_juridiction,
    agent_penal,
    agent_lyon,
    autre_invite,
    horloge,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        # Civil folders of the civil users.
        civil = services.creer_echange(acteur=agent, titre="Dossier civil", juridiction=orgs["TJ_PARIS"], matiere=Matiere.CIVILE)
        services.ajouter_agent(acteur=agent, echange=civil, utilisateur=agent_juridiction)
        ajouter_invite(civil, autre_invite, agent)
        services.deposer(acteur=agent, echange=civil, depot=depot("civil.pdf"), jours=3)
        lyon = services.creer_echange(
            acteur=agent_lyon, titre="Dossier Lyon", juridiction=orgs["TJ_LYON"], matiere=Matiere.CIVILE
        )
        services.deposer(acteur=agent_lyon, echange=lyon, depot=depot("lyon.pdf"), jours=3)

        # The penal folder's whole life.
        penal = services.creer_echange(
            acteur=agent, titre=TITRE, juridiction=orgs["TJ_PARIS"], matiere=Matiere.PENALE, reference_procedure="CANARI-5d1e9b"
        )
        ajouter_invite(penal, invite, agent)
        services.inviter_personne(acteur=agent, echange=penal, email="externe@exemple.fr")
        services.ajouter_agent(acteur=agent, echange=penal, utilisateur=agent_penal)
        fichier = services.deposer(acteur=agent, echange=penal, depot=depot(NOM), jours=1)
        services.enregistrer_telechargement(acteur=invite, fichier=fichier)
        services.deposer(acteur=invite, echange=penal, depot=depot(REPONSE), jours=2)

    # Mails: none carries the penal title or file names (penal notices are anonymous), and the
    # civil users got only their own notices.
    assert mail.outbox
    for message in mail.outbox:
        _propre(message.subject + message.body, f"mail to {message.to}")
    civils = {agent_juridiction.email, agent_lyon.email, autre_invite.email}
    assert all(not (set(m.to) & civils) or "civil.pdf" in m.body or "ajouté" in m.body for m in mail.outbox)

    horloge.avancer(days=1, seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.expirer_fichiers()

    attendus = {agent_juridiction: 1, agent_lyon: 1, autre_invite: 1}
    for user, nombre in attendus.items():
        client.force_login(user)
        pages = {
            "liste": client.get(reverse("echanges:liste")),
            "tableau de bord": client.get(reverse("portail:tableau_de_bord")),
            "api liste": client.get("/api/v1/echanges/"),
            "penal detail": client.get(reverse("echanges:detail", args=[penal.uuid])),
            "penal api": client.get(f"/api/v1/echanges/{penal.uuid}"),
            "penal trace": client.get(reverse("echanges:trace", args=[penal.uuid])),
            "penal fichier": client.get(reverse("echanges:telecharger", args=[fichier.uuid])),
            "penal accuse": client.get(reverse("echanges:accuse", args=[fichier.evenement_depot.uuid])),
        }
        mien = civil if user != agent_lyon else lyon
        pages["mon detail"] = client.get(reverse("echanges:detail", args=[mien.uuid]))
        pages["mon api"] = client.get(f"/api/v1/echanges/{mien.uuid}")
        if user != autre_invite:
            pages["ma trace"] = client.get(reverse("echanges:trace", args=[mien.uuid]))
            pages["mon pdf"] = client.get(reverse("echanges:trace_pdf", args=[mien.uuid]))
        for ou, reponse in pages.items():
            if ou.startswith("penal"):
                assert reponse.status_code == 404, (user, ou)
            else:
                assert reponse.status_code == 200, (user, ou)
            _propre(reponse.content.decode("latin-1"), f"{ou} of {user.email}")
        # Counts: only their own folders.
        assert len(pages["api liste"].json()) == nombre
        assert pages["liste"].context["echanges"].count() == nombre
        assert f"Mes échanges ({nombre})" in pages["liste"].content.decode()

    # The entitled see it (the canary is really there).
    client.force_login(agent_penal)
    assert TITRE in client.get(reverse("echanges:liste")).content.decode()
    client.force_login(invite)
    assert TITRE in client.get(reverse("echanges:detail", args=[penal.uuid])).content.decode()
