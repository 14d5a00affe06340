"""Deposits by type: who may deposit what and when (the table), what each deposit does to the
procedure, numbering, receipts, convocation, late dires, closure, bad input on the forms."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from justexpert.comptes.services import RefusService
from justexpert.expertises import depots, types_documents
from justexpert.expertises.models import Depot, Etat, Qualite, TypeDocument
from justexpert.lib.temps import maintenant
from justexpert.preuves import signatures
from justexpert.preuves.verificateur import verifier_accuse
from tests.conftest import texte

from .conftest import dans, parties
from .outils_depots import deposer, en_cours, etat, poster

ROLES = {
    Qualite.MAGISTRAT: "magistrat",
    Qualite.GREFFIER: "greffier",
    Qualite.EXPERT: "expert",
    Qualite.AVOCAT: "avocat_partie_a",
    Qualite.PARTIE: "partie_b",
}


def _arguments(type_: str, dossier) -> dict:
    if type_ == TypeDocument.PRE_RAPPORT:
        return {"date_limite": dans(20)}
    if type_ == TypeDocument.ORDONNANCE_TAXE:
        return {"montant": Decimal("1800.00")}
    if type_ == TypeDocument.REPONSE_DIRE:
        return {"repond_a": Depot.objects.filter(expertise=dossier, type=TypeDocument.DIRE).first()}
    return {}


@pytest.mark.parametrize("qualite", sorted(ROLES))
@pytest.mark.parametrize(
    "type_", sorted(t for t in TypeDocument.values if t not in (TypeDocument.CONVOCATION, TypeDocument.RAPPORT))
)
def test_who_may_deposit_each_type_follows_the_table(request, dossier, type_, qualite, avocat_partie_a):
    regle = types_documents.REGLES[type_]
    etat_permis = sorted(regle.etats)[0]
    etat(dossier, Etat.PHASE_DIRES if Etat.PHASE_DIRES in regle.etats else etat_permis)
    if type_ == TypeDocument.REPONSE_DIRE:
        deposer(avocat_partie_a, dossier, TypeDocument.DIRE)
    user = request.getfixturevalue(ROLES[qualite])
    if qualite in regle.deposants:
        d = deposer(user, dossier, type_, **_arguments(type_, dossier))
        assert d.type == type_ and d.qualite == qualite
        assert (
            d.evenement.type == "expertises.depot"
            and json.loads(bytes(d.evenement.feuille))["document_sha256"] == d.document.sha256
        )
    else:
        with pytest.raises(RefusService, match="Vous ne pouvez pas déposer"):
            deposer(user, dossier, type_, **_arguments(type_, dossier))
        assert not Depot.objects.filter(expertise=dossier, type=type_, depose_par=user).exists()


@pytest.mark.parametrize("type_", sorted(TypeDocument.values))
def test_no_type_may_be_deposited_in_a_closed_case(dossier, expert, magistrat, avocat_partie_a, type_):
    etat(dossier, Etat.CLOSE)
    regle = types_documents.REGLES[type_]
    user = {Qualite.EXPERT: expert, Qualite.MAGISTRAT: magistrat}.get(sorted(regle.deposants)[0], avocat_partie_a)
    with pytest.raises(RefusService, match="close"):
        deposer(user, dossier, type_)


def test_deposit_outside_its_states_is_refused_with_the_state(dossier, expert):
    with pytest.raises(RefusService, match="ne peut pas être déposé maintenant"):
        deposer(expert, dossier, TypeDocument.COMPTE_RENDU)  # the case is only « ordonnée »


def test_every_participant_sees_an_ordinary_document_outsiders_get_404(
    client,
    dossier,
    expert,
    magistrat,
    greffier,
    avocat_partie_a,
    avocat_partie_b,
    partie_b,
    juge_controle,
    invitee,
    magistrat_autre_cour,
):
    en_cours(dossier)
    d = deposer(expert, dossier, TypeDocument.NOTE, nom="note-1.pdf")
    url = reverse("expertises:telecharger", args=[dossier.uuid, d.uuid])
    for user in (magistrat, greffier, avocat_partie_a, avocat_partie_b, partie_b, juge_controle):
        client.force_login(user)
        assert "note-1.pdf" in texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
        assert client.get(url).status_code == 200
    for user in (invitee, magistrat_autre_cour):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("expertises:dossier_zip", args=[dossier.uuid])).status_code == 404


def test_pieces_are_numbered_per_party(dossier, avocat_partie_a, avocat_partie_b, partie_b):
    en_cours(dossier)
    a, b = parties(dossier)
    p1 = deposer(avocat_partie_a, dossier, TypeDocument.PIECE)
    p2 = deposer(avocat_partie_a, dossier, TypeDocument.PIECE)
    q1 = deposer(avocat_partie_b, dossier, TypeDocument.PIECE)
    q2 = deposer(partie_b, dossier, TypeDocument.PIECE)
    assert (p1.partie, p1.numero, p2.numero) == (a, 1, 2)
    assert (q1.partie, q1.numero, q2.partie, q2.numero) == (b, 1, b, 2)
    assert p2.libelle == "Pièce n° 2"


def test_pre_rapport_opens_the_dires_with_its_deadline(dossier, expert):
    en_cours(dossier)
    with pytest.raises(RefusService, match="Indiquez la date limite des dires"):
        deposer(expert, dossier, TypeDocument.PRE_RAPPORT)
    assert not Depot.objects.filter(expertise=dossier).exists()  # nothing half-done
    d = deposer(expert, dossier, TypeDocument.PRE_RAPPORT, date_limite=dans(30))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.PHASE_DIRES and dossier.date_limite_dires == dans(30) == d.date_limite
    assert dossier.historique.filter(transition="ouvrir_dires").exists()


def test_late_dire_is_accepted_and_flagged(client, dossier, expert, avocat_partie_a, django_capture_on_commit_callbacks):
    etat(dossier, Etat.PHASE_DIRES, date_limite_dires=dans(-2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        d = deposer(avocat_partie_a, dossier, TypeDocument.DIRE)
    assert d.en_retard
    assert json.loads(bytes(d.evenement.feuille))["details"]["en_retard"] is True
    assert any("après la date limite des dires" in m.body for m in mail.outbox if expert.email in m.to)
    client.force_login(expert)
    assert "tardif (CPC 276)" in texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    # In time: not flagged.
    etat(dossier, Etat.PHASE_DIRES, date_limite_dires=dans(5))
    assert not deposer(avocat_partie_a, dossier, TypeDocument.DIRE).en_retard


def test_expert_answers_each_dire(client, dossier, expert, avocat_partie_a):
    etat(dossier, Etat.PHASE_DIRES, date_limite_dires=dans(5))
    dire = deposer(avocat_partie_a, dossier, TypeDocument.DIRE)
    with pytest.raises(RefusService, match="Choisissez le dire"):
        deposer(expert, dossier, TypeDocument.REPONSE_DIRE)
    reponse = deposer(expert, dossier, TypeDocument.REPONSE_DIRE, repond_a=dire)
    assert reponse.repond_a == dire
    client.force_login(avocat_partie_a)
    assert "répondu" in texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))


def test_fee_request_opens_15_days_and_ordonnance_de_taxe_closes(dossier, expert, magistrat):
    etat(dossier, Etat.RAPPORT_DEPOSE)
    d = deposer(expert, dossier, TypeDocument.DEMANDE_REMUNERATION)
    dossier.refresh_from_db()
    assert dossier.date_limite_observations == d.date_limite
    assert d.date_limite >= (maintenant() + dt.timedelta(days=15)).date() - dt.timedelta(days=1)
    etat(dossier, Etat.TAXATION)
    with pytest.raises(RefusService, match="montant"):
        deposer(magistrat, dossier, TypeDocument.ORDONNANCE_TAXE)
    deposer(magistrat, dossier, TypeDocument.ORDONNANCE_TAXE, montant=Decimal("2100"))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.CLOSE and dossier.montant_taxe == Decimal("2100")


def test_deposit_receipts_json_and_sealed_pdf_verify(client, dossier, avocat_partie_a):
    en_cours(dossier)
    d = deposer(avocat_partie_a, dossier, TypeDocument.PIECE, nom="facture.pdf")
    client.force_login(avocat_partie_a)
    recu = client.get(reverse("expertises:accuse", args=[dossier.uuid, d.evenement.uuid, "json"])).json()
    assert recu["format"] == "justexpert-accuse/1" and recu["evenement"]["document_sha256"] == d.document.sha256
    rapport = verifier_accuse(recu)
    assert "échec" not in json.dumps(rapport, ensure_ascii=False, default=str).lower() or rapport
    pdf = client.get(reverse("expertises:accuse", args=[dossier.uuid, d.evenement.uuid, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert signatures.verifier_pdf(pdf.content).statut == signatures.Statut.VALIDE
    assert client.get(reverse("expertises:accuse", args=[dossier.uuid, d.evenement.uuid, "exe"])).status_code == 404


def test_convocation_is_generated_sealed_and_sent_to_every_participant(
    client, dossier, expert, magistrat, greffier, avocat_partie_a, avocat_partie_b, partie_b, django_capture_on_commit_callbacks
):
    en_cours(dossier)
    client.force_login(expert)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("expertises:convoquer", args=[dossier.uuid]),
            {"reunion_le": (dans(10)).isoformat() + "T14:30", "lieu": "12 rue de la Paix, Paris", "lien": ""},
        )
    assert reponse.status_code == 302
    d = Depot.objects.get(expertise=dossier, type=TypeDocument.CONVOCATION)
    assert d.reunion_lieu.startswith("12 rue") and d.reunion_le.astimezone(dt.UTC).hour in (13, 12)
    contenu = b"".join(depots.coffre.ouvrir(d.document))
    assert signatures.verifier_pdf(contenu).statut == signatures.Statut.VALIDE  # sealed by the platform
    destinataires = {a for m in mail.outbox for a in m.to}
    assert {magistrat.email, greffier.email, avocat_partie_a.email, avocat_partie_b.email, partie_b.email} <= destinataires
    assert expert.email not in destinataires


@pytest.mark.parametrize(
    "donnees,message",
    [
        ({"reunion_le": "", "lieu": "Paris"}, "Indiquez la date et l'heure de la réunion."),
        ({"reunion_le": "32/13/2027 25:00", "lieu": "Paris"}, "Date et heure invalides"),
        ({"reunion_le": "2020-01-01T10:00", "lieu": "Paris"}, "La réunion doit avoir lieu dans le futur."),
        ({"reunion_le": "2030-01-01T10:00", "lieu": ""}, "Indiquez le lieu de la réunion"),
        ({"reunion_le": "2030-01-01T10:00", "lien": "javascript:alert(1)"}, "Adresse invalide"),
    ],
)
def test_convocation_form_bad_input_is_explained_and_kept(client, dossier, expert, donnees, message):
    en_cours(dossier)
    client.force_login(expert)
    reponse = client.post(reverse("expertises:convoquer", args=[dossier.uuid]), donnees)
    assert reponse.status_code == 400
    page = texte(reponse)
    assert message in page
    if donnees.get("lieu"):
        assert donnees["lieu"] in page
    assert not Depot.objects.filter(expertise=dossier).exists()


def test_deposit_through_the_page(client, dossier, avocat_partie_a):
    en_cours(dossier)
    client.force_login(avocat_partie_a)
    reponse = poster(client, dossier, {"type": TypeDocument.PIECE}, nom="contrat.pdf")
    assert reponse.status_code == 302
    d = Depot.objects.get(expertise=dossier)
    assert d.document.nom == "contrat.pdf" and d.numero == 1
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "contrat.pdf" in page and "Accusé de dépôt provisoire (PDF)" in page  # timestamp still pending


@pytest.mark.parametrize(
    "donnees,sans_fichier,message,statut",
    [
        ({"type": "piece"}, True, "Aucun fichier complet", 400),
        ({"type": ""}, False, "Choisissez le type du document.", 400),
        ({"type": "inconnu"}, False, "Choisissez le type du document.", 400),
        ({"type": "dire_recapitulatif"}, False, "Choisissez le type du document.", 400),
        ({"type": "piece", "medical": "on", "autorises": ["999999"]}, False, "Choisissez des participants", 400),
    ],
)
def test_deposit_form_bad_input_never_500_nothing_lost(client, dossier, avocat_partie_a, donnees, sans_fichier, message, statut):
    en_cours(dossier)
    client.force_login(avocat_partie_a)
    reponse = poster(client, dossier, donnees, sans_fichier=sans_fichier)
    assert reponse.status_code == statut, texte(reponse)[:2000]
    page = texte(reponse)
    assert message in page
    assert not Depot.objects.filter(expertise=dossier).exists()


def test_bad_file_type_is_refused_in_french(client, dossier, avocat_partie_a):
    en_cours(dossier)
    client.force_login(avocat_partie_a)
    reponse = poster(client, dossier, {"type": "piece"}, nom="virus.exe", contenu=b"MZ\x90\x00")
    assert reponse.status_code in (400, 415)
    assert "piece" in texte(reponse)  # the chosen type is still selected
    assert not Depot.objects.filter(expertise=dossier).exists()


def test_type_never_allowed_for_the_role_is_403(client, dossier, avocat_partie_a):
    en_cours(dossier)
    client.force_login(avocat_partie_a)
    assert poster(client, dossier, {"type": TypeDocument.NOTE}).status_code == 403
    assert not Depot.objects.filter(expertise=dossier).exists()


def test_same_upload_sent_twice_is_one_deposit(client, dossier, avocat_partie_a):
    en_cours(dossier)
    client.force_login(avocat_partie_a)
    for _ in range(2):
        assert poster(client, dossier, {"type": "piece", "identifiant_envoi": "envoi-1"}).status_code == 302
    assert Depot.objects.filter(expertise=dossier).count() == 1


def test_filing_the_report_without_its_signed_pdf_is_refused(client, dossier, expert):
    etat(dossier, Etat.REDACTION)
    client.force_login(expert)
    reponse = client.post(reverse("expertises:action", args=[dossier.uuid, "deposer_rapport"]))
    assert reponse.status_code == 400 and "Déposez le rapport définitif signé" in texte(reponse)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.REDACTION


def test_database_lost_while_recording_a_deposit_answers_503_in_french(client, dossier, avocat_partie_a, monkeypatch):
    from django.db import DatabaseError

    from justexpert.expertises import depots

    en_cours(dossier)
    client.force_login(avocat_partie_a)

    def panne(**kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(depots, "deposer", panne)
    reponse = poster(client, dossier, {"type": TypeDocument.PIECE}, nom="contrat.pdf")
    assert reponse.status_code == 503 and reponse["Retry-After"] == "60"
    assert "le document n'a pas été enregistré" in texte(reponse)
    assert not Depot.objects.filter(expertise=dossier).exists()
