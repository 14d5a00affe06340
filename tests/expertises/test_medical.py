"""Medical documents: visible to the expert and the magistrat of the case, the depositor and the
participants the depositor chose; a canary (unique marker in the name and the content) reaches no
page, API answer, e-mail, export or ZIP of anyone else."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from justexpert.expertises import depots, participants
from justexpert.expertises.models import Participant, TypeDocument
from justexpert.portail.services import a_faire

from .outils_depots import deposer, en_cours

CANARI = "CANARI-7f3e9a1c"


@pytest.fixture
def medical(dossier, avocat_partie_a, partie_b, django_capture_on_commit_callbacks):
    en_cours(dossier)
    autorise = Participant.objects.get(expertise=dossier, utilisateur=partie_b)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        d = deposer(
            avocat_partie_a,
            dossier,
            TypeDocument.PIECE,
            nom=f"certificat-{CANARI}.txt",
            contenu=f"Compte rendu médical {CANARI}\n".encode(),
            medical=True,
            autorises=[autorise],
        )
    return d


def _tout_ce_que_voit(client, dossier, user) -> str:
    client.force_login(user)
    morceaux = []
    for url in (
        reverse("expertises:detail", args=[dossier.uuid]),
        reverse("expertises:liste"),
        "/",
        "/api/v1/expertises/",
        f"/api/v1/expertises/{dossier.uuid}",
        f"/api/v1/expertises/{dossier.uuid}/documents",
        reverse("expertises:contradictoire", args=[dossier.uuid]),
    ):
        r = client.get(url)
        morceaux.append(r.content.decode(errors="replace"))
    zip_ = client.get(reverse("expertises:dossier_zip", args=[dossier.uuid]))
    contenu = b"".join(zip_.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(contenu))
    morceaux += archive.namelist()
    morceaux += [archive.read(n).decode("utf-8", errors="replace") for n in archive.namelist()]
    morceaux.append(contenu.decode("latin-1"))
    morceaux.append(json.dumps([str(a) for a in a_faire(user)], ensure_ascii=False))
    morceaux += [m.subject + m.body for m in mail.outbox if user.email in m.to]
    return "\n".join(morceaux)


def test_canary_reaches_no_unauthorised_participant(client, dossier, medical, avocat_partie_b, greffier, juge_controle):
    for user in (avocat_partie_b, greffier, juge_controle):
        assert CANARI not in _tout_ce_que_voit(client, dossier, user), user
        assert client.get(reverse("expertises:telecharger", args=[dossier.uuid, medical.uuid])).status_code == 404
        assert client.get(reverse("expertises:accuse", args=[dossier.uuid, medical.evenement.uuid, "json"])).status_code == 404


def test_canary_reaches_the_expert_the_magistrat_the_depositor_and_the_chosen(
    client, dossier, medical, expert, magistrat, avocat_partie_a, partie_b
):
    for user in (expert, magistrat, avocat_partie_a, partie_b):
        assert CANARI in _tout_ce_que_voit(client, dossier, user), user


def test_medical_deposit_is_announced_only_to_those_who_may_see_it(
    medical, expert, magistrat, partie_b, avocat_partie_b, greffier
):
    destinataires = {a for m in mail.outbox for a in m.to}
    assert {expert.email, magistrat.email, partie_b.email} <= destinataires
    assert not {avocat_partie_b.email, greffier.email} & destinataires
    assert all(CANARI not in m.body + m.subject for m in mail.outbox)


def test_chosen_participant_loses_access_when_removed(client, dossier, medical, partie_b, expert):

    participant = Participant.objects.get(expertise=dossier, utilisateur=partie_b)
    participants.retirer_participant(acteur=expert, participant=participant)
    assert medical not in depots.lecteurs(medical)
    assert partie_b not in depots.lecteurs(medical)


def test_medical_flag_is_in_the_evidence_log_without_names(medical):
    feuille = bytes(medical.evenement.feuille).decode()
    assert '"medical":true' in feuille and CANARI not in feuille and "certificat" not in feuille
