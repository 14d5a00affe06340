"""Every transition of the table, from every state, for every kind and every role: allowed ones
succeed and log an event, all others are refused and change nothing."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from justexpert.candidatures import services, workflow
from justexpert.candidatures.models import Candidature, Etat, Traitement, TypeCandidature
from justexpert.comptes.services import RefusService
from justexpert.preuves.models import Evenement

from .conftest import brouillon, spe

SPECIALITE = {
    TypeCandidature.INITIALE: "A.1.6",
    TypeCandidature.REINSCRIPTION: "C.2.8",
    TypeCandidature.EXTENSION: "A.1.6",
    TypeCandidature.NATIONALE: "C.2.8",
}

# The court's fair-instruction rule is off here: these walks check the table itself.
pytestmark = pytest.mark.usefixtures("sans_instruction_contradictoire")


def essayer(c: Candidature, etat: str, transition: str, acteur) -> tuple[bool, str]:
    """Put the file in ``etat``, fire ``transition``, report (succeeded, resulting state); rolled back."""
    with transaction.atomic():
        Candidature.objects.filter(pk=c.pk).update(
            etat=etat, depose_le=None if etat == Etat.BROUILLON else timezone.now(), motifs_decision="Motifs."
        )
        avant = Evenement.objects.count()
        try:
            resultat = services.executer(c, transition, acteur=acteur, texte="Motifs et observations.")
        except RefusService:
            assert Candidature.objects.get(pk=c.pk).etat == etat
            assert Evenement.objects.count() == avant
            transaction.set_rollback(True)
            return False, etat
        assert Evenement.objects.filter(type=f"candidatures.{transition}", dossier_ref=str(c.uuid)).exists()
        assert Traitement.objects.filter(candidature=c, transition=transition, de=etat, vers=resultat.etat).exists()
        transaction.set_rollback(True)
        return True, resultat.etat


@pytest.fixture
def dossiers(expert, fiche_expert, orgs):
    """One complete draft of each kind, filed by the inscribed expert."""
    return {t: brouillon(expert, t, specialite=spe(SPECIALITE[t])) for t in TypeCandidature.values}


def test_every_transition_from_every_state_for_the_candidate_and_the_instructor(
    dossiers, expert, instructeur, instructeur_cassation, subtests
):
    vus = set()
    for type_, c in dossiers.items():
        acteurs = {
            workflow.CANDIDAT: expert,
            workflow.INSTRUCTEUR: instructeur_cassation if type_ == TypeCandidature.NATIONALE else instructeur,
        }
        for etat in Etat.values:
            for transition in workflow.TRANSITIONS:
                for role, acteur in acteurs.items():
                    regle = workflow.regle(transition, etat, type_)
                    attendu = regle is not None and regle.acteur == role
                    with subtests.test(type=type_, etat=etat, transition=transition, role=role):
                        ok, apres = essayer(c, etat, transition, acteur)
                        assert ok == attendu
                        if attendu:
                            assert apres == regle.cible
                            vus.add((transition, etat, type_))
    assert vus == set(workflow.TABLE)


def test_nobody_else_fires_any_transition(
    dossiers, autre_candidat, instructeur_lyon, magistrat, autre_expert, instructeur_cassation, subtests
):
    c = dossiers[TypeCandidature.INITIALE]
    for etat in Etat.values:
        for transition in workflow.TRANSITIONS:
            for acteur in (autre_candidat, instructeur_lyon, magistrat, autre_expert, instructeur_cassation):
                with subtests.test(etat=etat, transition=transition, acteur=acteur.email):
                    assert essayer(c, etat, transition, acteur) == (False, etat)


def test_reinscription_is_decided_only_after_the_commission(dossiers, instructeur):
    c = dossiers[TypeCandidature.REINSCRIPTION]
    assert essayer(c, Etat.AVIS_PARQUET, "accepter", instructeur) == (False, Etat.AVIS_PARQUET)
    assert essayer(c, Etat.AVIS_COMMISSION, "accepter", instructeur) == (True, Etat.ACCEPTEE)
    autre = dossiers[TypeCandidature.INITIALE]
    assert essayer(autre, Etat.AVIS_PARQUET, "enregistrer_avis_commission", instructeur) == (False, Etat.AVIS_PARQUET)


def test_labels_are_french_and_every_state_is_reachable():
    cibles = {r.cible for r in workflow.TABLE.values()} | {Etat.BROUILLON}
    assert cibles == set(Etat.values)
    assert workflow.LIBELLES["demander_complements"] == "Demander des compléments"
    assert Etat.COMPLEMENTS_DEMANDES.label == "Compléments demandés"
