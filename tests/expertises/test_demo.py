"""The demo world holds three expertises around the demo accounts, at different steps."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from justexpert.comptes.models import Utilisateur
from justexpert.expertises.a_faire import a_faire_expertises
from justexpert.expertises.models import Etat, Expertise
from justexpert.expertises.permissions import expertises_visibles

pytestmark = pytest.mark.django_db


def test_demo_cases_load_twice_and_involve_every_demo_role(client):
    call_command("charger_demo", stdout=StringIO())
    call_command("charger_demo", stdout=StringIO())
    cas = Expertise.objects.filter(numero_rg__startswith="26/001")
    assert sorted(cas.values_list("etat", flat=True)) == sorted([Etat.EN_COURS, Etat.NOTIFIEE, Etat.PHASE_DIRES])
    for nom, nombre in (("magistrat", 3), ("greffier", 3), ("expert", 3), ("avocat", 2), ("partie", 2)):
        user = Utilisateur.objects.get(email=f"{nom}@demo.justexpert.fr")
        assert expertises_visibles(user).filter(numero_rg__startswith="26/001").count() == nombre, nom
    expert = Utilisateur.objects.get(email="expert@demo.justexpert.fr")
    assert a_faire_expertises(expert)  # the notified case waits for the expert's acceptance
    avocat = Utilisateur.objects.get(email="avocat@demo.justexpert.fr")
    assert a_faire_expertises(avocat)  # dires due
    client.force_login(avocat)
    assert client.get(reverse("expertises:liste")).status_code == 200
    for e in cas:
        assert client.get(reverse("expertises:detail", args=[e.uuid])).status_code in (200, 404)
