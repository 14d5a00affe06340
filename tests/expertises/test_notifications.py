"""Notifications per deposit or a daily digest, unread items on the tableau de bord, reminders,
and the case page with 500 documents in a constant number of queries."""

from __future__ import annotations

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from justexpert.coffre import services as coffre
from justexpert.expertises import depots
from justexpert.expertises.a_faire import a_faire_expertises
from justexpert.expertises.models import AvisEnAttente, Depot, Etat, ModeNotification, Qualite, TypeDocument
from justexpert.preuves import services as preuves
from tests.conftest import texte

from .outils_depots import deposer, en_cours, etat


def test_immediate_mail_names_the_kind_never_the_file(
    dossier, expert, avocat_partie_a, avocat_partie_b, django_capture_on_commit_callbacks
):
    en_cours(dossier)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deposer(avocat_partie_a, dossier, TypeDocument.PIECE, nom="secret-de-famille.pdf")
    destinataires = {a for m in mail.outbox for a in m.to}
    assert expert.email in destinataires and avocat_partie_b.email in destinataires
    assert avocat_partie_a.email not in destinataires
    assert all("secret-de-famille" not in m.body + m.subject for m in mail.outbox)
    assert any("pièce n° 1" in m.body for m in mail.outbox)


def test_daily_digest_replaces_the_immediate_mail_for_those_who_chose_it(
    client, dossier, expert, avocat_partie_a, avocat_partie_b, django_capture_on_commit_callbacks
):
    client.force_login(avocat_partie_b)
    assert client.post(reverse("expertises:notifications"), {"mode": ModeNotification.QUOTIDIEN}).status_code == 302
    assert client.post(reverse("expertises:notifications"), {"mode": "jamais"}).status_code == 400
    en_cours(dossier)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deposer(expert, dossier, TypeDocument.NOTE)
        deposer(avocat_partie_a, dossier, TypeDocument.PIECE)
    assert all(avocat_partie_b.email not in m.to for m in mail.outbox)
    assert AvisEnAttente.objects.filter(utilisateur=avocat_partie_b).count() == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert depots.envoyer_recapitulatifs() == 1
    [recap] = [m for m in mail.outbox if avocat_partie_b.email in m.to]
    assert "note aux parties" in recap.body and "pièce n° 1" in recap.body and dossier.numero_rg in recap.body
    assert not AvisEnAttente.objects.exists()
    assert depots.envoyer_recapitulatifs() == 0


def test_convocation_is_sent_at_once_even_to_digest_readers(dossier, expert, avocat_partie_b, django_capture_on_commit_callbacks):
    import datetime as dt

    from justexpert.lib.temps import maintenant

    depots.choisir_notification(acteur=avocat_partie_b, mode=ModeNotification.QUOTIDIEN)
    en_cours(dossier)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        depots.convoquer(
            acteur=expert, expertise=dossier, reunion_le=maintenant() + dt.timedelta(days=8), lien="https://visio.example/r"
        )
    assert any(avocat_partie_b.email in m.to and "Réunion d'expertise le" in m.body for m in mail.outbox)


def test_unread_documents_are_on_the_dashboard_until_opened(client, dossier, expert, avocat_partie_a):
    en_cours(dossier)
    d = deposer(expert, dossier, TypeDocument.NOTE)
    assert any("1 document non lu" in i.libelle for i in a_faire_expertises(avocat_partie_a))
    assert not any("non lu" in i.libelle for i in a_faire_expertises(expert))
    client.force_login(avocat_partie_a)
    assert "1 non lu" in texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    client.get(reverse("expertises:telecharger", args=[dossier.uuid, d.uuid]))
    assert not any("non lu" in i.libelle for i in a_faire_expertises(avocat_partie_a))


def test_reminders_before_dires_report_and_consignation_deadlines(dossier, avocat_partie_a, django_capture_on_commit_callbacks):
    """The hourly part-1 task warns 7 days and 1 day before the dires, report and consignation deadlines."""
    from justexpert.expertises import services

    from .conftest import dans

    etat(dossier, Etat.PHASE_DIRES, date_limite_dires=dans(1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.traiter_echeances()
    assert any("Dires des parties" in m.body and avocat_partie_a.email in m.to for m in mail.outbox)


def _masse(dossier, expert, n: int) -> None:
    """n deposits written directly (the page is what is measured, not the deposit)."""
    documents = [coffre.deposer(__import__("io").BytesIO(b"Note\n"), nom=f"note-{i}.txt", proprietaire="test") for i in range(n)]
    evenement = preuves.enregistrer("expertises.depot", acteur_ref=str(expert.uuid), objet_ref=str(dossier.uuid))
    Depot.objects.bulk_create(
        [
            Depot(
                expertise=dossier,
                type=TypeDocument.NOTE if i % 3 else TypeDocument.PIECE,
                document=doc,
                depose_par=expert,
                qualite=Qualite.EXPERT,
                evenement=evenement,
                medical=i % 7 == 0,
            )
            for i, doc in enumerate(documents)
        ]
    )


def test_case_page_with_500_documents_runs_a_constant_number_of_queries(
    client, dossier, expert, avocat_partie_a, django_assert_max_num_queries
):
    en_cours(dossier)
    _masse(dossier, expert, 5)
    for user in (expert, avocat_partie_a):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("expertises:detail", args=[dossier.uuid])).status_code == 200
        peu = len(ctx.captured_queries)
        if user == expert:
            _masse(dossier, expert, 495)
        with django_assert_max_num_queries(peu):
            page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
        assert "note-494.txt" in page
        # note-0.txt is medical (i % 7 == 0): the lawyer, who deposited none, does not see it.
        assert ("note-0.txt" in page) == (user == expert)
        with django_assert_max_num_queries(peu + 2):
            assert client.get(reverse("expertises:contradictoire", args=[dossier.uuid])).status_code in (200, 403)
