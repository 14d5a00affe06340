"""Every button of a candidature page, in every state of the workflow, for the candidate and the
instructor: each one offered is accepted by the service (the file moves to the state of the table),
and nothing the table forbids is offered."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.urls import reverse

from justexpert.candidatures import workflow
from justexpert.candidatures.models import Candidature, Etat, TypeCandidature
from tests.conftest import texte

from .conftest import annee, deposee, fiche_inscrite_depuis

BOUTON = re.compile(r'action="/candidatures/[0-9a-f-]+/actions/(\w+)/"')
ETATS = [e for e in Etat.values if e != Etat.BROUILLON]

# The court's fair-instruction rule is off here: these walks check the table itself.
pytestmark = pytest.mark.usefixtures("sans_instruction_contradictoire")


@pytest.mark.parametrize("type_", [TypeCandidature.INITIALE, TypeCandidature.REINSCRIPTION])
@pytest.mark.parametrize("etat", ETATS)
def test_every_button_of_a_candidature_is_accepted_by_the_service(client, request, candidat, instructeur, etat, type_):
    if type_ == TypeCandidature.REINSCRIPTION:
        request.getfixturevalue("fiche_candidat")
    c = deposee(candidat, type_)
    Candidature.objects.filter(pk=c.pk).update(etat=etat, motifs_decision="Motifs de la décision.")
    for acteur, user in ((workflow.CANDIDAT, candidat), (workflow.INSTRUCTEUR, instructeur)):
        client.force_login(user)
        page = texte(client.get(reverse("candidatures:detail", args=[c.uuid])))
        offerts = set(BOUTON.findall(page))
        attendus = {r.transition for r in workflow.possibles(etat, type_, acteur)} - {"deposer"}
        assert offerts == attendus, (acteur, etat, offerts, attendus)
        for transition in offerts:
            with transaction.atomic():
                reponse = client.post(
                    reverse("candidatures:action", args=[c.uuid, transition]),
                    {"texte": "Texte motivé.", "confirme": "oui"},
                    follow=True,
                )
                c.refresh_from_db()
                apres = c.etat
                transaction.set_rollback(True)
            regle = workflow.regle(transition, etat, type_)
            assert apres == regle.cible, (
                acteur,
                etat,
                transition,
                re.findall(r"fr-alert--(?:error|success)[^>]*><p>([^<]*)", texte(reponse)),
            )
            c.refresh_from_db()


@pytest.fixture
def fiche_candidat(instructeur, candidat, orgs):
    """A réinscription needs the candidate's current inscription (accepting it renews that one)."""
    return fiche_inscrite_depuis(instructeur, candidat, orgs, dt.date(annee() - 7, 1, 1))
