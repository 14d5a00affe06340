"""French typography in generated sentences (elision, spaces before « ; »)."""

from __future__ import annotations

import html

from django.template import Context, Template

from justexpert.comptes.models import Invitation, Role
from justexpert.lib.format import elision


def test_elision_before_a_vowel_or_a_mute_h():
    assert elision("Alix Durand", "de") == "d'"
    assert elision("Hélène", "de") == "d'"
    assert elision("Émile", "de") == "d'"
    assert elision("Bernard", "de") == "de "
    assert elision("avocat", "que") == "qu'"
    assert elision("greffier", "que") == "que "


def test_invitation_says_en_tant_qu_avocat():
    assert Invitation(role=Role.AVOCAT).en_tant_que == "en tant qu'avocat"
    assert Invitation(role=Role.GREFFIER).en_tant_que == "en tant que greffier"


def test_signature_line_elides_de_before_a_vowel():
    rendu = Template("{% load signatures %}Signature {{ nom|de }}{{ nom }}").render(Context({"nom": "Alix Durand"}))
    assert html.unescape(rendu) == "Signature d'Alix Durand"
