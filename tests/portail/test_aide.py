"""The help pages reachable by anyone: signing one's report with the expert's card."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error
from django.urls import reverse

from justexpert.portail.checks import demonstration_eteinte
from tests.conftest import texte


def test_signature_guide_is_a_page_with_three_steps_and_the_whole_guide(client, db):
    reponse = client.get(reverse("portail:aide_signature"))
    assert reponse.status_code == 200
    page = texte(reponse)
    for etape in ("La carte et son pilote", "Enregistrez votre certificat", "Signez le PDF"):
        assert etape in page
    assert "PAdES B-T" in page and "<h3>1. Ce qu'il vous faut</h3>" in page  # the guide, one level down
    assert page.count("<h1>") == 1
    assert reverse("portail:outil_signature") in page


def test_signing_tool_is_downloadable_as_is(client, db):
    reponse = client.get(reverse("portail:outil_signature"))
    assert reponse.status_code == 200 and 'filename="signer.py"' in reponse["Content-Disposition"]
    assert reponse.content == (settings.BASE_DIR / "tools" / "signer.py").read_bytes()


def test_deploy_check_refuses_a_demonstration(settings):
    settings.DEMO = True
    erreurs = demonstration_eteinte(None)
    assert [e.id for e in erreurs] == ["portail.E001"] and isinstance(erreurs[0], Error)
    settings.DEMO = False
    assert demonstration_eteinte(None) == []
