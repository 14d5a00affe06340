"""The « Opérations » tab and its forms over HTTP: who sees and does what, bad input refused at
the field with a French message and nothing recorded, the person's subscription page."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from justexpert.operations import services
from justexpert.operations.models import Canal, Convocation, Presence, Reunion, StatutConvocation
from tests.conftest import creer_utilisateur, texte

from .conftest import dans_jours


def _url(nom, e, **kw):
    return reverse(f"operations:{nom}", kwargs={"reference": e.uuid, **kw})


def _saisie(debut: dt.datetime) -> str:
    return debut.astimezone(dt.timezone(dt.timedelta(hours=1))).strftime("%Y-%m-%dT%H:%M")


def test_the_case_shows_the_operations_tab(client, acceptee, expert, partie_b):
    for user in (expert, partie_b):
        client.force_login(user)
        page = texte(client.get(reverse("expertises:detail", args=[acceptee.uuid])))
        assert _url("operations", acceptee) in page and ">Opérations</a>" in page


def test_the_expert_plans_a_meeting_through_the_form(client, acceptee, expert):
    client.force_login(expert)
    page = texte(client.get(_url("reunion_nouvelle", acceptee)))
    assert "par lettre recommandée avec avis de réception" in page and "heure de Paris" in page
    cles = [d.cle for d in services.destinataires(acceptee)]
    debut = dans_jours(15).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
    reponse = client.post(
        _url("reunion_nouvelle", acceptee), {"debut": debut, "lieu": "Sur place", "preavis_jours": 8, "convoques": cles}
    )
    r = Reunion.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == _url("reunion", acceptee, reunion=r.uuid)
    page = texte(client.get(reponse["Location"]))
    assert "Convocations à régulariser" in page and "Enregistrer l'envoi" in page and "à 14:00" in page


def test_a_meeting_in_the_past_is_refused_at_the_field(client, acceptee, expert):
    client.force_login(expert)
    hier = dans_jours(-1).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
    reponse = client.post(
        _url("reunion_nouvelle", acceptee),
        {"debut": hier, "lieu": "Sur place", "preavis_jours": 8, "convoques": [services.destinataires(acceptee)[0].cle]},
    )
    assert reponse.status_code == 400 and "La réunion doit avoir lieu dans le futur." in texte(reponse)
    assert not Reunion.objects.exists()


def test_a_stranger_to_the_case_convened_through_the_form_is_refused(client, acceptee, expert):
    client.force_login(expert)
    debut = dans_jours(15).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
    reponse = client.post(
        _url("reunion_nouvelle", acceptee),
        {"debut": debut, "lieu": "x", "preavis_jours": 8, "convoques": ["avocat:00000000-0000-4000-8000-000000000000"]},
    )
    assert reponse.status_code == 400 and "parmi les parties et les avocats" in texte(reponse)
    assert not Reunion.objects.exists()


def test_permissions(client, acceptee, expert, avocat_partie_a, greffier):
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(15), lieu="Sur place")
    c = r.convocations.first()
    etranger = creer_utilisateur("avocat.autre@test.fr", ("avocat", None, []))
    client.force_login(etranger)
    for nom, kw in (
        ("operations", {}),
        ("reunion", {"reunion": r.uuid}),
        ("envoi", {"convocation": c.uuid}),
        ("reunion_nouvelle", {}),
    ):
        assert client.get(_url(nom, acceptee, **kw)).status_code == 404
    for user in (avocat_partie_a, greffier):
        client.force_login(user)
        assert client.get(_url("operations", acceptee)).status_code == 200
        assert client.get(_url("reunion_nouvelle", acceptee)).status_code == 403
        assert client.post(_url("annuler", acceptee, reunion=r.uuid), {"confirme": "oui"}).status_code == 403
        assert client.get(_url("avis", acceptee, convocation=c.uuid)).status_code == 403


def test_avis_de_reception_through_the_form_and_on_a_letter_never_sent(client, acceptee, expert):
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(15), lieu="Sur place")
    c = r.convocations.filter(canal=Canal.LRAR).first()
    client.force_login(expert)
    aujourd_hui = dans_jours(0).date().isoformat()
    scan = SimpleUploadedFile("ar.pdf", b"%PDF-1.4\n%ar\n%%EOF\n", content_type="application/pdf")
    reponse = client.post(_url("avis", acceptee, convocation=c.uuid), {"issue": "remis", "le": aujourd_hui, "avis": scan})
    assert reponse.status_code == 400 and "n'a pas été envoyée" in texte(reponse)
    c.refresh_from_db()
    assert c.statut == StatutConvocation.EN_ATTENTE and c.avis_reception is None
    reponse = client.post(
        _url("envoi", acceptee, convocation=c.uuid), {"numero_suivi": "1A12345678901", "envoyee_le": aujourd_hui}
    )
    assert reponse.status_code == 302
    scan.seek(0)
    reponse = client.post(_url("avis", acceptee, convocation=c.uuid), {"issue": "non_reclame", "le": aujourd_hui, "avis": scan})
    assert reponse.status_code == 302
    c.refresh_from_db()
    assert c.statut == StatutConvocation.NON_RECLAMEE
    page = texte(client.get(_url("reunion", acceptee, reunion=r.uuid)))
    assert "pli non réclamé" in page and "1A12345678901" in page
    assert client.get(_url("preuve", acceptee, convocation=c.uuid)).status_code == 200


def test_presence_for_someone_not_convened_is_refused_over_http(client, acceptee, expert, horloge):
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(10), lieu="Sur place")
    autre = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(30), lieu="Ailleurs")
    horloge.instant = r.debut
    client.force_login(expert)
    donnees = {"convocation": str(autre.convocations.first().uuid), "statut": "present", "nom": "Intrus", "certifie": "on"}
    reponse = client.post(_url("presence", acceptee, reunion=r.uuid), donnees)
    assert reponse.status_code == 400 and "n'est pas convoquée à cette réunion" in texte(reponse)
    assert not Presence.objects.exists()
    donnees["convocation"] = str(r.convocations.first().uuid)
    assert client.post(_url("presence", acceptee, reunion=r.uuid), donnees).status_code == 302
    assert client.post(_url("sceller", acceptee, reunion=r.uuid), {"confirme": "oui"}).status_code == 302
    assert client.get(_url("feuille", acceptee, reunion=r.uuid)).status_code == 200


def test_consent_from_the_persons_own_session(client, acceptee, partie_b, expert):
    client.force_login(partie_b)
    assert "Je consens aux échanges électroniques" in texte(client.get(_url("operations", acceptee)))
    assert client.post(_url("consentement", acceptee)).status_code == 302
    assert "Vous avez consenti le" in texte(client.get(_url("operations", acceptee)))
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(15), lieu="x")
    assert Convocation.objects.get(reunion=r, participant__utilisateur=partie_b).canal == Canal.PLATEFORME
    client.force_login(expert)
    assert client.post(_url("consentement", acceptee)).status_code == 403


def test_the_subscription_page_shows_the_address_once_and_renews(client, partie_b):
    client.force_login(partie_b)
    assert "Créer mon adresse d'abonnement" in texte(client.get(reverse("operations:mon_calendrier")))
    page = texte(client.post(reverse("operations:mon_calendrier")))
    adresse = page.split('id="adresse-calendrier">')[1].split("<")[0]
    chemin = adresse.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    assert client.get("/" + chemin).status_code == 200
    assert "Créer une nouvelle adresse" in texte(
        (client.force_login(partie_b), client.get(reverse("operations:mon_calendrier")))[1]
    )


def test_the_planning_button_is_disabled_with_its_reason_before_acceptance(client, dossier, expert):
    client.force_login(expert)
    page = texte(client.get(_url("operations", dossier)))
    assert "Les réunions se prévoient une fois la mission acceptée" in page
    assert _url("reunion_nouvelle", dossier) not in page
