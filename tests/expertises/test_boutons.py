"""Every step button a case page offers, in every state and for every person of the case: an
enabled one is accepted by the service when clicked; a disabled one states its reason in words, and
is refused with those same words if posted anyway. An irreversible step asks for a confirmation
that states its consequence, and nothing is done until it is confirmed."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from justexpert.expertises import conditions, permissions, procedure
from justexpert.expertises.models import Etat, Expertise, Matiere, StatutConsignation
from justexpert.expertises.procedure import PAR_DEPOT
from tests.conftest import texte

from .conftest import dans

PASSE = dt.date(2020, 1, 1)
BOUTON_ACTIF = re.compile(r'action="/expertises/[0-9a-f-]+/actions/(\w+)/"')
BOUTON_INACTIF = re.compile(r'<button[^>]*disabled aria-describedby="raison-(\w+)"')
RAISON = re.compile(r'id="raison-(\w+)">Pas encore possible : ([^<]+)</p>')

# The data a case needs in each variant: deadlines to come or passed, the consignation due or made.
VARIANTES = {
    "a_venir": {"dates": 10, "consignation": StatutConsignation.A_CONSIGNER},
    "echue": {"dates": None, "consignation": StatutConsignation.A_CONSIGNER},
    "consignee": {"dates": None, "consignation": StatutConsignation.CONSIGNEE},
    "complement": {"dates": None, "consignation": StatutConsignation.COMPLEMENT_A_CONSIGNER},
}


def _preparer(e: Expertise, etat: str, variante: str) -> None:
    v = VARIANTES[variante]
    jour = dans(v["dates"]) if v["dates"] else PASSE
    civile = e.matiere == Matiere.CIVILE
    Expertise.objects.filter(pk=e.pk).update(
        etat=etat,
        date_limite_dires=jour,
        date_limite_observations=jour,
        consignation_date_limite=jour,
        consignation_montant=Decimal(1000) if civile else None,
        consignation_statut=v["consignation"] if civile else StatutConsignation.SANS_OBJET,
    )


def _donnees(nom: str, e: Expertise, fiche_remplacante) -> dict[str, str]:
    loin = (dans(60)).isoformat()
    d = {
        "refuser": {"motif": "Conflit d'intérêts"},
        "recuser": {"motif": "Partialité établie"},
        "constater_conciliation": {"motif": "Accord des parties"},
        "remplacer": {"fiche_expert": str(fiche_remplacante.pk), "motif": "Empêchement"},
        "relever_caducite": {"jour": loin},
        "ouvrir_dires": {"jour": loin},
        "deposer_rapport_provisoire": {"jour": loin},
        "notifier_conclusions": {"jour": loin},
        "proroger_delai": {"jour": (e.date_limite_rapport + dt.timedelta(days=30)).isoformat()},
        "taxer": {"montant": "1200"},
        "ordonner_complement": {"montant": "500", "jour": loin},
        "modifier_mission": {"mission": "Décrire les désordres et chiffrer.", "questions": "Décrire"},
    }.get(nom, {})
    return {f"{nom}-{cle}": valeur for cle, valeur in d.items()}


def _cas(matiere: str) -> list[tuple[str, str]]:
    etats = [
        etat
        for etat in Etat.values
        if any(t.possible_depuis(etat, matiere) for t in procedure.TRANSITIONS.values()) and etat != Etat.CLOSE
    ]
    toutes = list(VARIANTES) if matiere == Matiere.CIVILE else ["a_venir", "echue"]
    cas = []
    for etat in etats:
        # Dates and consignation matter only where a step of that state has a guard on them.
        gardes = any(
            t.possible_depuis(etat, matiere) and t.nom in conditions.EMPECHEMENTS for t in procedure.TRANSITIONS.values()
        )
        cas += [(etat, variante) for variante in (toutes if gardes else ["a_venir"])]
    return cas


def _verifier_page(client, e: Expertise, personnes: dict, fiche_remplacante) -> int:
    """Returns how many enabled buttons were clicked."""
    cliques = 0
    for qui, user in personnes.items():
        client.force_login(user)
        page = texte(client.get(reverse("expertises:detail", args=[e.uuid])))
        actifs = set(BOUTON_ACTIF.findall(page))
        inactifs = set(BOUTON_INACTIF.findall(page))
        raisons = dict(RAISON.findall(page))
        mes = permissions.qualites(user, e)
        attendus = {t.nom for t in procedure.possibles(e.etat, e.matiere, mes)} - set(PAR_DEPOT)
        assert actifs | inactifs == attendus, (qui, e.etat, actifs, inactifs, attendus)
        assert not actifs & inactifs
        for nom in inactifs:
            raison = raisons.get(nom, "").strip()
            assert len(raison) > 20, (qui, e.etat, nom, raison)
            with transaction.atomic():
                reponse = client.post(
                    reverse("expertises:action", args=[e.uuid, nom]), {**_donnees(nom, e, fiche_remplacante), "confirme": "oui"}
                )
                transaction.set_rollback(True)
            assert reponse.status_code == 400, (qui, e.etat, nom)
            assert raison in texte(reponse)
        for nom in actifs:
            with transaction.atomic():
                reponse = client.post(
                    reverse("expertises:action", args=[e.uuid, nom]), {**_donnees(nom, e, fiche_remplacante), "confirme": "oui"}
                )
                transaction.set_rollback(True)
            assert reponse.status_code == 302, (qui, e.etat, nom, texte(reponse)[-3000:])
            cliques += 1
        e.refresh_from_db()
    return cliques


@pytest.mark.parametrize(("etat", "variante"), _cas(Matiere.CIVILE))
def test_every_step_button_of_a_civil_case_works_or_says_why_not(
    client, dossier, magistrat, greffier, expert, avocat_partie_a, partie_b, fiche_autre_expert, etat, variante
):
    _preparer(dossier, etat, variante)
    dossier.refresh_from_db()
    personnes = {"magistrat": magistrat, "greffier": greffier, "expert": expert, "avocat": avocat_partie_a, "partie": partie_b}
    _verifier_page(client, dossier, personnes, fiche_autre_expert)


@pytest.mark.parametrize(("etat", "variante"), _cas(Matiere.PENALE))
def test_every_step_button_of_a_penal_case_works_or_says_why_not(
    client, dossier_penal, magistrat_penal, greffier_penal, expert, avocat_partie_a, fiche_autre_expert, etat, variante
):
    _preparer(dossier_penal, etat, variante)
    dossier_penal.refresh_from_db()
    personnes = {"magistrat": magistrat_penal, "greffier": greffier_penal, "expert": expert, "avocat": avocat_partie_a}
    _verifier_page(client, dossier_penal, personnes, fiche_autre_expert)


def test_start_is_shown_disabled_with_who_must_act_until_the_consignation_is_recorded(client, dossier, expert, greffier):
    _preparer(dossier, Etat.ACCEPTEE, "a_venir")
    client.force_login(expert)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "demarrer" in BOUTON_INACTIF.findall(page)
    assert "La provision n'est pas consignée : les opérations commencent après la consignation (CPC 267). Le greffe" in page


def test_irreversible_step_asks_for_confirmation_with_its_consequence_and_does_nothing_before(client, dossier, expert):
    _preparer(dossier, Etat.EN_COURS, "consignee")
    client.force_login(expert)
    url = reverse("expertises:action", args=[dossier.uuid, "constater_conciliation"])
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "Étape définitive : une confirmation vous sera demandée." in page
    reponse = client.post(url, {"constater_conciliation-motif": "Accord des parties"})
    assert reponse.status_code == 200
    confirmation = texte(reponse)
    assert "Cette action est définitive" in confirmation
    assert procedure.CONSEQUENCES["constater_conciliation"] in confirmation
    assert 'name="constater_conciliation-motif" value="Accord des parties"' in confirmation  # what was typed is kept
    assert reverse("expertises:detail", args=[dossier.uuid]) in confirmation  # the way back
    dossier.refresh_from_db()
    assert dossier.etat == Etat.EN_COURS
    reponse = client.post(url, {"constater_conciliation-motif": "Accord des parties", "confirme": "oui"})
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.etat == Etat.SANS_OBJET


def test_caducite_is_not_offered_before_the_deadline(client, dossier, greffier):
    _preparer(dossier, Etat.ATTENTE_CONSIGNATION, "a_venir")
    client.force_login(greffier)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "constater_caducite" in BOUTON_INACTIF.findall(page)
    assert "constater_caducite" not in BOUTON_ACTIF.findall(page)


def test_a_faire_says_what_blocks_the_case_and_who_must_act(dossier, expert, greffier):
    from justexpert.expertises.a_faire import a_faire_expertises

    _preparer(dossier, Etat.ACCEPTEE, "a_venir")
    rg = f"Expertise RG {dossier.numero_rg} (acceptée par l'expert)"
    pour_expert = [i.libelle for i in a_faire_expertises(expert) if i.libelle.startswith(rg)]
    assert pour_expert == [
        f"{rg} : en attente — La provision n'est pas consignée : les opérations commencent après la consignation "
        "(CPC 267). Le greffe invite les parties à consigner, puis constate la consignation."
    ]
    pour_greffe = [i.libelle for i in a_faire_expertises(greffier) if i.libelle.startswith(rg)]
    assert pour_greffe == [f"{rg} : {procedure.ATTENTE[Etat.ACCEPTEE][1]}"]
