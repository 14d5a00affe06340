"""The case of the ticket's « done when », in one story: a civil case with two meetings (one on
site, one by video with consent), convocations by platform notice, by registered letter (one avis
de réception deposited, one « pli non réclamé ») and by the fake LRE channel, a moved meeting, the
warning for an irregular convocation, the sealed attendance sheet (pdfsig), and the calendar feed
parsed by icalendar then revoked."""

from __future__ import annotations

import datetime as dt

import icalendar
from cryptography.hazmat.primitives import serialization
from django.urls import reverse

from justexpert.coffre import services as coffre
from justexpert.expertises import depots
from justexpert.operations import services
from justexpert.operations.models import Canal, StatutConvocation
from justexpert.operations.tasks import relancer_lre
from justexpert.preuves import sceau

from .conftest import dans_jours, pdfsig

SCAN = b"%PDF-1.4\n% avis\n%%EOF\n"


def _courante(r, canal):
    return r.convocations.exclude(statut=StatutConvocation.REMPLACEE).get(canal=canal)


def test_two_meetings_every_channel_a_move_the_sheet_and_the_feed(
    client, acceptee, expert, avocat_partie_a, partie_b, lre_faux, horloge, django_capture_on_commit_callbacks
):
    e = acceptee
    services.consentir_echange(acteur=avocat_partie_a, expertise=e)  # lawyer A: platform
    with django_capture_on_commit_callbacks(execute=True):
        sur_place = services.planifier(acteur=expert, expertise=e, debut=dans_jours(4), lieu="12 rue des Tilleuls, Paris")
        visio = services.planifier(acteur=expert, expertise=e, debut=dans_jours(30), lien="https://visio.example.fr/expertise")
    canaux = {c.canal for c in sur_place.convocations.all()}
    assert canaux == {Canal.PLATEFORME, Canal.LRAR, Canal.LRE, Canal.LETTRE_SIMPLE}
    # Irregular: the registered letter is not sent, and 4 days is less than the 8-day minimum.
    alertes = " ".join(services.avertissements(sur_place))
    assert "n'est pas encore régulièrement convoqué(e)" in alertes and "délai minimal de 8 jours" in alertes
    # The meeting moves to a later date: new convocations, the old ones superseded.
    with django_capture_on_commit_callbacks(execute=True):
        sur_place = services.deplacer(acteur=expert, reunion=sur_place, debut=dans_jours(15), lieu="12 rue des Tilleuls, Paris")
    assert sur_place.convocations.filter(statut=StatutConvocation.REMPLACEE).count() == 4
    # Platform: proven by lawyer A's opening; LRE: proven by the provider; simple letter: sent.
    depots.ouvrir(acteur=avocat_partie_a, depot=sur_place.convocation)
    relancer_lre.call()
    c = services.declarer_envoi(acteur=expert, convocation=_courante(sur_place, Canal.LRAR), numero_suivi="1A12345678901")
    services.deposer_avis(acteur=expert, convocation=c, le=c.envoyee_le.date(), scan=SCAN)
    services.declarer_envoi(acteur=expert, convocation=_courante(sur_place, Canal.LETTRE_SIMPLE))
    services.constater_ouvertures(sur_place)
    assert {services.synthese(x) for x in sur_place.convocations.exclude(statut=StatutConvocation.REMPLACEE)} == {
        "prouvée",
        "envoyée (lettre simple)",
    }
    assert services.avertissements(sur_place) == []
    # The video meeting: the registered letter comes back unclaimed; party B consents to the video.
    c = services.declarer_envoi(acteur=expert, convocation=_courante(visio, Canal.LRAR), numero_suivi="1A12345678902")
    services.deposer_avis(acteur=expert, convocation=c, le=c.envoyee_le.date(), scan=SCAN, non_reclame=True)
    assert _courante(visio, Canal.LRAR).statut == StatutConvocation.NON_RECLAMEE
    services.consentir_visio(acteur=partie_b, reunion=visio)
    services.consentir_visio(acteur=avocat_partie_a, reunion=visio)
    assert not [a for a in services.avertissements(visio) if "Entreprise Toitures n'a pas encore consenti" in a]
    # The on-site meeting is held: attendance signed, sheet sealed and valid for pdfsig.
    horloge.instant = sur_place.debut + dt.timedelta(minutes=15)
    services.signer_presence(
        acteur=avocat_partie_a, reunion=sur_place, convocation=_courante(sur_place, Canal.PLATEFORME), nom="Me A"
    )
    sur_place = services.sceller_feuille(acteur=expert, reunion=sur_place)
    with coffre.lecteur(sur_place.feuille) as lecteur:
        pdf = lecteur.read()
    racine = sceau.sceau().ancres[0].public_bytes(serialization.Encoding.PEM)
    assert "Signature Validation: Signature is Valid." in pdfsig(pdf, racines=[racine])
    # The calendar feed, parsed by icalendar, then revoked.
    secret = services.renouveler_jeton(acteur=partie_b)
    reponse = client.get(reverse("operations:flux", kwargs={"secret": secret}))
    resumes = [str(ev["summary"]) for ev in icalendar.Calendar.from_ical(reponse.content).walk("VEVENT")]
    assert "Réunion d'expertise — Expertise RG 26/00001" in resumes
    assert "Réunion d'expertise (visioconférence) — Expertise RG 26/00001" in resumes
    services.renouveler_jeton(acteur=partie_b)
    assert client.get(reverse("operations:flux", kwargs={"secret": secret})).status_code == 404
