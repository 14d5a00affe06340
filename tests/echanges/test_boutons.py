"""Every button of a PLEX folder page, for the agent and the invitee, whatever the state of its
files (available, expired, deleted): each one offered is accepted by the service; none is offered
for what the service refuses."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse

from justexpert.echanges import services
from tests.conftest import texte

from .conftest import depot

SUPPRIMER = re.compile(r'action="/echanges/fichiers/([0-9a-f-]+)/supprimer/"')
RETIRER = re.compile(r'action="/echanges/[0-9a-f-]+/participants/([0-9a-f-]+)/retirer/"')


@pytest.mark.parametrize("etat", ["disponible", "expire", "supprime"])
def test_every_button_of_a_folder_page_is_accepted_by_the_service(client, horloge, civil, agent, invite, etat):
    du_invite = services.deposer(acteur=invite, echange=civil.echange, depot=depot("reponse.pdf"), jours=7)
    if etat == "expire":
        horloge.avancer(days=8)
        assert services.expirer_fichiers() == 2
    elif etat == "supprime":
        for f in (civil.fichier, du_invite):
            services.supprimer_fichier(acteur=f.depose_par, fichier=f)
    for user in (agent, invite):
        client.force_login(user)
        page = texte(client.get(reverse("echanges:detail", args=[civil.echange.uuid])))
        supprimables = set(SUPPRIMER.findall(page))
        attendus = {
            str(f.uuid) for f in (civil.fichier, du_invite) if etat == "disponible" and (user == agent or f.depose_par == user)
        }
        assert supprimables == attendus, (user, etat)
        retirables = set(RETIRER.findall(page))
        assert (retirables != set()) == (user == agent)
        for url, message in [(reverse("echanges:supprimer", args=[u]), "Le fichier est supprimé") for u in supprimables] + [
            (reverse("echanges:retirer", args=[civil.echange.uuid, p]), "ne participe plus à l'échange") for p in retirables
        ]:
            with transaction.atomic():
                reponse = client.post(url, {"confirme": "oui"}, follow=True)
                transaction.set_rollback(True)
            assert message in texte(reponse), (user, etat, url)


def test_a_person_invited_after_a_deposit_who_downloads_it_is_among_its_recipients(client, horloge, agent, autre_invite, civil):
    from justexpert.echanges.trace import lignes

    from .conftest import ajouter_invite

    horloge.avancer(hours=2)
    ajouter_invite(civil.echange, autre_invite, agent)
    services.enregistrer_telechargement(acteur=autre_invite, fichier=civil.fichier)
    ligne = next(ligne for ligne in lignes(civil.echange) if ligne.fichier == civil.fichier)
    assert autre_invite in [p.utilisateur for p in ligne.destinataires]
    client.force_login(agent)
    page = texte(client.get(reverse("echanges:trace", args=[civil.echange.uuid])))
    assert "<dt>Destinataires</dt><dd>—</dd>" not in page
