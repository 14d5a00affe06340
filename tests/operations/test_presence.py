"""Attendance sheet and minutes: each person present signs on the expert's device or confirms from
their own session, absent and excused noted, the sheet sealed (pdfsig); the compte rendu linked to
its meeting; the consent to a video meeting recorded beforehand; a signature for someone not
convened refused with nothing recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization

from justexpert.coffre import services as coffre
from justexpert.comptes.services import RefusService
from justexpert.expertises.models import TypeDocument
from justexpert.operations import services
from justexpert.operations.models import Canal, ModeSignature, Presence, StatutPresence, StatutReunion
from justexpert.preuves import sceau, signatures
from justexpert.preuves.models import Evenement
from tests.conftest import texte_pdf

from .conftest import dans_jours, pdfsig


def _convocation(r, nom):
    trouvees = [c for c in r.convocations.all() if nom in c.destinataire] or [c for c in r.convocations.all() if nom in c.qualite]
    return trouvees[0]


@pytest.fixture
def sur_place(acceptee, expert, partie_b, avocat_partie_a, horloge):
    services.consentir_echange(acteur=partie_b, expertise=acceptee)
    services.consentir_echange(acteur=avocat_partie_a, expertise=acceptee)
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(10, heure=10), lieu="12 rue des Tilleuls, Paris")
    horloge.instant = r.debut + dt.timedelta(minutes=5)
    return r


def test_the_sheet_is_signed_on_the_experts_device_and_from_a_session_then_sealed(sur_place, expert, partie_b, avocat_partie_a):
    r = sur_place
    debut = r.debut
    services.signer_presence(
        acteur=expert,
        reunion=r,
        convocation=_convocation(r, "Avocat.a"),
        nom="Maître Avocat A",
        qualite="avocat",
        represente="SCI Les Tilleuls",
        arrivee=debut,
        depart=debut + dt.timedelta(hours=2),
    )
    services.signer_presence(
        acteur=partie_b, reunion=r, convocation=_convocation(r, "Entreprise Toitures"), nom="Paul Toitures", qualite="gérant"
    )
    services.signer_presence(
        acteur=expert, reunion=r, convocation=_convocation(r, "avocat de Entreprise"), nom="", statut=StatutPresence.EXCUSE
    )
    modes = {p.nom: p.mode for p in r.presences.all()}
    assert modes["Maître Avocat A"] == ModeSignature.APPAREIL_EXPERT and modes["Paul Toitures"] == ModeSignature.SESSION
    r = services.sceller_feuille(acteur=expert, reunion=r)
    assert r.statut == StatutReunion.TENUE
    # The one not signed (party A, by post) is noted absent.
    assert Presence.objects.get(reunion=r, convocation__canal=Canal.LRAR).statut == StatutPresence.ABSENT
    with coffre.lecteur(r.feuille) as lecteur:
        pdf = lecteur.read()
    assert signatures.verifier_pdf(pdf).statut == signatures.Statut.VALIDE
    racine = sceau.sceau().ancres[0].public_bytes(serialization.Encoding.PEM)
    assert "Signature Validation: Signature is Valid." in pdfsig(pdf, racines=[racine])
    contenu = texte_pdf(pdf)
    assert "Paul Toitures" in contenu and "Maître Avocat A" in contenu and "excusé" in contenu and "absent" in contenu
    assert Evenement.objects.filter(type="operations.feuille_presence", objet_ref=str(r.uuid)).exists()
    with pytest.raises(RefusService, match="close"):
        services.signer_presence(acteur=partie_b, reunion=r, convocation=_convocation(r, "Entreprise Toitures"), nom="x")


def test_a_signature_for_someone_not_convened_is_refused(sur_place, expert, acceptee):
    autre = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(30), lieu="Ailleurs")
    c_autre = autre.convocations.first()
    avant = (Presence.objects.count(), Evenement.objects.count())
    with pytest.raises(RefusService, match="n'est pas convoquée"):
        services.signer_presence(acteur=expert, reunion=sur_place, convocation=c_autre, nom="Intrus")
    with pytest.raises(RefusService, match="n'est pas convoquée"):
        services.signer_presence(acteur=expert, reunion=sur_place, convocation=None, nom="Intrus")
    assert avant == (Presence.objects.count(), Evenement.objects.count())


def test_a_person_signs_only_for_themselves(sur_place, partie_b):
    with pytest.raises(RefusService, match="pour vous-même"):
        services.signer_presence(acteur=partie_b, reunion=sur_place, convocation=_convocation(sur_place, "Avocat.a"), nom="Faux")
    assert not Presence.objects.exists()


def test_the_sheet_opens_on_the_day_of_the_meeting(acceptee, expert, partie_b):
    services.consentir_echange(acteur=partie_b, expertise=acceptee)
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(10), lieu="x")
    with pytest.raises(RefusService, match="deux heures avant"):
        services.signer_presence(acteur=partie_b, reunion=r, convocation=_convocation(r, "Entreprise Toitures"), nom="Paul")


def test_the_compte_rendu_is_linked_to_its_meeting(sur_place, expert, acceptee):
    from tests.expertises.outils_depots import deposer, en_cours

    cr = deposer(expert, en_cours(acceptee), TypeDocument.COMPTE_RENDU, nom="compte-rendu.pdf")
    with pytest.raises(RefusService, match="compte rendu déposé"):
        services.lier_compte_rendu(acteur=expert, reunion=sur_place, depot=None)
    services.lier_compte_rendu(acteur=expert, reunion=sur_place, depot=cr)
    assert list(sur_place.comptes_rendus.all()) == [cr]


def test_video_meeting_consent_is_recorded_beforehand(acceptee, expert, partie_b, avocat_partie_a, horloge):
    services.consentir_echange(acteur=partie_b, expertise=acceptee)
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(12), lien="https://visio.example.fr/reunion-42")
    assert any(
        "Entreprise Toitures n'a pas encore consenti à la réunion par visioconférence" in a for a in services.avertissements(r)
    )
    v = services.consentir_visio(acteur=partie_b, reunion=r)
    assert v.evenement.type == "operations.consentement_visio"
    assert not any("Entreprise Toitures n'a pas encore consenti" in a for a in services.avertissements(r))
    horloge.instant = r.debut + dt.timedelta(minutes=1)
    with pytest.raises(RefusService, match="avant la réunion"):
        services.consentir_visio(acteur=avocat_partie_a, reunion=r)
