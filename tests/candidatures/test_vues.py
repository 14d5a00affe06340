"""Pages: permission matrix on every URL, forms keeping what was typed, pieces and receipts,
messages with mail links, decision on the fiche, destruction after the appeal period, reports,
dashboard and exports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from justexpert.annuaire.models import Inscription
from justexpert.candidatures import services, workflow
from justexpert.candidatures.models import Candidature, CompteRenduActivite, Etat, Piece, TypeCandidature
from justexpert.coffre.models import Document
from justexpert.preuves.models import Evenement
from justexpert.preuves.verificateur import lire_accuse
from tests.conftest import MOT_DE_PASSE, texte, texte_pdf

from .conftest import brouillon, deposee


def connecter(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def dossier(candidat):
    return deposee(candidat)


def urls_du_dossier(c: Candidature) -> list[tuple[str, str]]:
    p = c.pieces.first()
    return [
        ("get", reverse("candidatures:detail", args=[c.uuid])),
        ("get", reverse("candidatures:piece_telecharger", args=[c.uuid, p.uuid])),
        ("get", reverse("candidatures:piece_accuse", args=[c.uuid, p.uuid])),
        ("post", reverse("candidatures:message", args=[c.uuid])),
        ("post", reverse("candidatures:action", args=[c.uuid, "passer_en_instruction"])),
        ("post", reverse("candidatures:action", args=[c.uuid, "retirer"])),
        ("get", reverse("candidatures:modifier", args=[c.uuid])),
        ("post", reverse("candidatures:enregistrer", args=[c.uuid])),
        ("post", reverse("candidatures:piece_deposer", args=[c.uuid])),
    ]


# Expected status per actor and URL index (same order as urls_du_dossier). The candidate's
# own file is no longer modifiable once deposited (302 back to the file); the instructor may see
# but not act as the candidate (403); strangers get 404.
ATTENDUS = {
    "candidat": [200, 200, 200, 302, 403, 302, 302, 409, 302],
    "autre_candidat": [404] * 9,
    "instructeur": [200, 200, 200, 302, 302, 403, 403, 403, 403],
    "instructeur_tj": [200, 200, 200, 302, 302, 403, 403, 403, 403],
    "instructeur_lyon": [404] * 9,
    "magistrat": [404] * 9,
    "expert": [404] * 9,
}


@pytest.mark.parametrize("qui", list(ATTENDUS))
def test_permission_matrix_on_every_url_of_a_file(client, request, dossier, qui):
    user = request.getfixturevalue(qui)
    connecter(client, user)
    obtenus = []
    for methode, url in urls_du_dossier(dossier):
        reponse = client.post(url, {"confirme": "oui"}) if methode == "post" else client.get(url)
        obtenus.append(reponse.status_code)
        dossier.refresh_from_db()
    assert obtenus == ATTENDUS[qui]


def test_anonymous_is_sent_to_login_on_every_url(client, dossier):
    for methode, url in urls_du_dossier(dossier):
        reponse = getattr(client, methode)(url)
        assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("comptes:connexion")), url


def test_court_pages_by_role(client, candidat, expert, magistrat, instructeur, instructeur_lyon, dossier):
    pages = [reverse("candidatures:instruction"), reverse("candidatures:comptes_rendus_suivi")]
    for user, statut in ((candidat, 403), (expert, 403), (magistrat, 200), (instructeur, 200), (instructeur_lyon, 200)):
        connecter(client, user)
        for url in pages:
            assert client.get(url).status_code == statut, (user.email, url)
    connecter(client, magistrat)
    assert "aucune liste" in texte(client.get(pages[0]))
    connecter(client, instructeur_lyon)
    assert "Lemaire" not in texte(client.get(pages[0] + f"?annee={dossier.annee_liste}"))
    connecter(client, instructeur)
    assert "Lemaire" in texte(client.get(pages[0] + f"?annee={dossier.annee_liste}"))
    export = reverse("candidatures:export", args=["PARIS", dossier.annee_liste, "csv"])
    assert client.get(export).status_code == 200
    connecter(client, instructeur_lyon)
    assert client.get(export).status_code == 404
    connecter(client, magistrat)
    assert client.get(export).status_code == 404


def test_candidate_pages_by_role(client, candidat, expert, magistrat, instructeur):
    for user, statut in ((candidat, 200), (expert, 200), (magistrat, 403), (instructeur, 403)):
        connecter(client, user)
        assert client.get(reverse("candidatures:mes_candidatures")).status_code == statut
    connecter(client, candidat)
    assert client.get(reverse("candidatures:compte_rendu")).status_code == 403


def test_drafts_are_never_shown_to_the_court(client, candidat, instructeur):
    c = brouillon(candidat)
    connecter(client, instructeur)
    assert client.get(reverse("candidatures:detail", args=[c.uuid])).status_code == 404


def test_candidate_starts_a_draft_and_bad_input_is_kept_and_saved(client, candidat):
    connecter(client, candidat)
    reponse = client.post(reverse("candidatures:nouvelle"), {"type": "initiale"})
    c = Candidature.objects.get(candidat=candidat)
    assert reponse["Location"] == reverse("candidatures:modifier", args=[c.uuid])
    url = reverse("candidatures:modifier", args=[c.uuid])
    donnees = {
        "nom": "Lemaire",
        "prenom": "Claire",
        "date_naissance": "31/02/1980",
        "code_postal_pro": "7501",
        "telephone": "abc",
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "Le code postal compte cinq chiffres" in page and "Numéro de téléphone invalide" in page
    assert 'value="7501"' in page and 'value="abc"' in page and 'value="31/02/1980"' in page
    c.refresh_from_db()
    assert c.nom == "Lemaire" and c.saisie["code_postal_pro"] == "7501"
    # After logging out and in again (an expired session), the draft is there as typed.
    client.logout()
    client.login(email=candidat.email, password=MOT_DE_PASSE)
    page = texte(client.get(url))
    assert 'value="Lemaire"' in page and 'value="7501"' in page


def test_bad_choice_of_kind_never_gives_a_500(client, candidat):
    connecter(client, candidat)
    assert client.post(reverse("candidatures:nouvelle"), {"type": "n'importe quoi"}).status_code == 302
    assert not Candidature.objects.exists()


def test_autosave_endpoint_saves_as_the_candidate_types(client, candidat):
    c = brouillon(candidat, pieces=False)
    connecter(client, candidat)
    reponse = client.post(
        reverse("candidatures:enregistrer", args=[c.uuid]), {"motivation": "En cours de rédaction", "nom": "Lemaire"}
    )
    assert reponse.status_code == 200 and "enregistre_le" in reponse.json()
    c.refresh_from_db()
    assert c.motivation == "En cours de rédaction"


def test_deposit_with_missing_pieces_shows_every_reason(client, candidat):
    c = brouillon(candidat, pieces=False)
    connecter(client, candidat)
    reponse = client.post(
        reverse("candidatures:modifier", args=[c.uuid]), {**c.saisie, "nom": "Lemaire", "deposer": "1"}, follow=True
    )
    assert "Pièces manquantes" in texte(reponse)
    c.refresh_from_db()
    assert c.etat == Etat.BROUILLON


def test_piece_upload_over_http_is_logged_and_its_receipt_downloads(client, candidat):
    c = brouillon(candidat, pieces=False)
    connecter(client, candidat)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fichier = SimpleUploadedFile("lettre.txt", b"Madame, Monsieur,\n", content_type="text/plain")
    reponse = client.post(reverse("candidatures:piece_deposer", args=[c.uuid]), {"type": "lettre_motivation", "fichier": fichier})
    assert reponse.status_code == 302
    piece = Piece.objects.get(candidature=c)
    assert piece.evenement.type == "candidatures.piece_deposee"
    accuse = client.get(reverse("candidatures:piece_accuse", args=[c.uuid, piece.uuid]) + "?format=json")
    contenu = json.loads(accuse.content)
    assert contenu["format"] == "justexpert-accuse/1"
    assert contenu["evenement"]["document_sha256"] == piece.document.sha256
    assert "Lemaire" not in accuse.content.decode() and "lettre" not in contenu["feuille"]
    # The link people click gives the sealed PDF, in words, carrying the same receipt.
    pdf = client.get(reverse("candidatures:piece_accuse", args=[c.uuid, piece.uuid]))
    assert pdf["Content-Type"] == "application/pdf" and lire_accuse(pdf.content) == contenu
    mots = texte_pdf(pdf.content)
    assert "Accusé de dépôt d'une pièce" in mots and "lettre.txt" in mots and "Lettre de motivation" in mots
    telechargement = client.get(reverse("candidatures:piece_telecharger", args=[c.uuid, piece.uuid]))
    assert b"".join(telechargement.streaming_content) == b"Madame, Monsieur,\n"


def test_piece_without_type_is_refused_with_a_message(client, candidat):
    c = brouillon(candidat, pieces=False)
    connecter(client, candidat)
    from django.core.files.uploadedfile import SimpleUploadedFile

    reponse = client.post(
        reverse("candidatures:piece_deposer", args=[c.uuid]),
        {"type": "", "fichier": SimpleUploadedFile("a.txt", b"x\n")},
        follow=True,
    )
    assert "Choisissez le type de la pièce" in texte(reponse)
    assert not Piece.objects.exists()


def test_complement_request_mails_a_link_to_the_message_and_the_answer_reaches_the_instructor(
    client, dossier, candidat, instructeur, django_capture_on_commit_callbacks
):
    connecter(client, instructeur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("candidatures:action", args=[dossier.uuid, "passer_en_instruction"]))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("candidatures:action", args=[dossier.uuid, "demander_complements"]), {"texte": "Joignez votre diplôme."}
        )
    dossier.refresh_from_db()
    assert dossier.etat == Etat.COMPLEMENTS_DEMANDES
    message = dossier.messages.get()
    (courriel,) = mail.outbox
    assert courriel.to == [candidat.email]
    assert f"/candidatures/{dossier.uuid}/#message-{message.uuid}" in courriel.body
    connecter(client, candidat)
    assert client.get(reverse("candidatures:modifier", args=[dossier.uuid])).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("candidatures:action", args=[dossier.uuid, "apporter_complements"]), {"texte": "Diplôme ajouté."})
    dossier.refresh_from_db()
    assert dossier.etat == Etat.COMPLEMENTS_APPORTES
    assert instructeur.email in mail.outbox[0].to


def test_message_of_the_candidate_notifies_the_instructors(
    client, dossier, candidat, instructeur, instructeur_tj, django_capture_on_commit_callbacks
):
    connecter(client, candidat)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("candidatures:message", args=[dossier.uuid]), {"corps": "Une question."})
    assert "#message-" in reponse["Location"]
    assert set(mail.outbox[-1].to) == {instructeur.email, instructeur_tj.email}


def amener_a_la_decision(c, instructeur):
    services.passer_en_instruction(c, acteur=instructeur)
    return services.enregistrer_avis_parquet(c, acteur=instructeur, texte="Avis favorable.")


def test_acceptance_writes_the_inscription_visible_on_the_fiche(
    client, dossier, candidat, instructeur, django_capture_on_commit_callbacks
):
    amener_a_la_decision(dossier, instructeur)
    connecter(client, instructeur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("candidatures:action", args=[dossier.uuid, "accepter"]), {"confirme": "oui"})
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ACCEPTEE and dossier.expert is not None
    inscription = Inscription.objects.get(expert=dossier.expert)
    assert inscription.liste.code == "PARIS" and inscription.statut == "probatoire"
    fiche = texte(client.get(reverse("annuaire:fiche", args=[dossier.expert.uuid])))
    assert "LEMAIRE Claire" in fiche and "C.2.8" in fiche
    corps = "\n".join(m.body for m in mail.outbox if candidat.email in m.to)
    assert "acceptée" in corps and "délai d'un mois" in corps
    assert any("/invitation/" in m.body for m in mail.outbox)


def test_refusal_needs_reasons_and_notifies_with_the_appeal_notice(
    client, dossier, candidat, instructeur, django_capture_on_commit_callbacks
):
    amener_a_la_decision(dossier, instructeur)
    connecter(client, instructeur)
    reponse = client.post(reverse("candidatures:action", args=[dossier.uuid, "refuser"]), {"texte": "  "}, follow=True)
    assert "Un refus doit être motivé" in texte(reponse)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.AVIS_PARQUET
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("candidatures:action", args=[dossier.uuid, "refuser"]), {"texte": "Activité insuffisante.", "confirme": "oui"}
        )
    dossier.refresh_from_db()
    assert dossier.etat == Etat.REFUSEE and dossier.notifie_le is not None
    assert "Activité insuffisante." in mail.outbox[-1].body and "Cour de cassation" in mail.outbox[-1].body


def test_pieces_are_destroyed_after_the_appeal_period_and_receipts_are_kept(client, dossier, candidat, instructeur, settings):
    amener_a_la_decision(dossier, instructeur)
    services.refuser(dossier, acteur=instructeur, motifs="Motifs.")
    assert services.detruire_pieces_echues() == 0  # still within the appeal period
    plus_tard = timezone.now() + dt.timedelta(days=settings.CANDIDATURES_DELAI_DESTRUCTION_JOURS, minutes=1)
    n = services.detruire_pieces_echues(plus_tard)
    assert n == len(dossier.pieces_requises)
    assert not Document.objects.filter(proprietaire=f"candidature:{dossier.uuid}", detruit_le__isnull=True).exists()
    assert Evenement.objects.filter(type="coffre.document_detruit", dossier_ref=str(dossier.uuid)).count() == n
    piece = dossier.pieces.first()
    connecter(client, candidat)
    assert client.get(reverse("candidatures:piece_telecharger", args=[dossier.uuid, piece.uuid])).status_code == 410
    accuse = client.get(reverse("candidatures:piece_accuse", args=[dossier.uuid, piece.uuid]))
    assert accuse.status_code == 200 and lire_accuse(accuse.content)["evenement"]["document_sha256"] == piece.document.sha256
    assert services.detruire_pieces_echues(plus_tard) == 0


def test_destruction_task_is_scheduled(settings):
    assert ("justexpert.candidatures.tasks.detruire_pieces_echues", 24 * 3600) in settings.TACHES_PERIODIQUES


def test_annual_report_is_filed_and_the_court_sees_who_has_not(client, expert, fiche_expert, instructeur):
    connecter(client, instructeur)
    suivi = reverse("candidatures:comptes_rendus_suivi")
    assert "DURAND Alix" in texte(client.get(suivi))
    connecter(client, expert)
    url = reverse("candidatures:compte_rendu")
    annee = timezone.localdate().year - 1
    mauvais = client.post(
        url, {"annee": annee, "nombre_rapports": "douze", "expertises_en_cours": "2", "formations": "Procédure civile"}
    )
    assert mauvais.status_code == 400
    page = texte(mauvais)
    assert "Saisissez un nombre entier" in page and 'value="douze"' in page and "Procédure civile" in page
    client.post(url, {"annee": annee, "nombre_rapports": "12", "expertises_en_cours": "2"})
    cr = CompteRenduActivite.objects.get(expert=fiche_expert)
    assert cr.nombre_rapports == 12 and cr.evenement.type == "candidatures.compte_rendu_depose"
    connecter(client, instructeur)
    assert "DURAND Alix" not in texte(client.get(suivi))


def test_dashboard_counts_and_exports(client, dossier, instructeur):
    connecter(client, instructeur)
    page = texte(client.get(reverse("candidatures:instruction") + f"?annee={dossier.annee_liste}"))
    assert "Déposée" in page and "C.2.8" in page
    csv = client.get(reverse("candidatures:export", args=["PARIS", dossier.annee_liste, "csv"])).content.decode()
    assert "Lemaire" in csv and str(dossier.uuid) in csv
    pdf = client.get(reverse("candidatures:export", args=["PARIS", dossier.annee_liste, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"/ByteRange" in pdf.content  # sealed by the platform (PAdES)
    assert client.get(reverse("candidatures:export", args=["PARIS", dossier.annee_liste, "xls"])).status_code == 404


def test_tableau_de_bord_lists_what_is_waiting(client, candidat, instructeur, dossier):
    from justexpert.candidatures.a_faire import a_faire_candidatures

    brouillon(candidat, pieces=False)
    assert any("non déposée" in i.libelle for i in a_faire_candidatures(candidat))
    assert any("à instruire" in i.libelle for i in a_faire_candidatures(instructeur))


def test_api_lists_only_visible_files(client, dossier, autre_candidat, instructeur):
    connecter(client, instructeur)
    assert [d["uuid"] for d in client.get("/api/v1/candidatures/").json()] == [str(dossier.uuid)]
    connecter(client, autre_candidat)
    assert client.get("/api/v1/candidatures/").json() == []
    assert client.get(f"/api/v1/candidatures/{dossier.uuid}").status_code == 404


def test_national_list_files_go_to_the_cour_de_cassation(expert, fiche_expert, instructeur, instructeur_cassation):
    c = deposee(expert, TypeCandidature.NATIONALE)
    assert c.liste.code == "COUR_CASSATION"
    services.passer_en_instruction(c, acteur=instructeur_cassation)
    with pytest.raises(services.RegleNonRespectee):
        services.enregistrer_avis_parquet(c, acteur=instructeur, texte="x")


@pytest.mark.parametrize(
    ("transition", "qui"),
    [("accepter", "instructeur"), ("refuser", "instructeur"), ("classer_sans_suite", "instructeur"), ("retirer", "candidat")],
)
def test_each_decision_asks_first_with_its_consequence_and_does_nothing_before(
    client, request, dossier, instructeur, transition, qui
):
    amener_a_la_decision(dossier, instructeur)
    connecter(client, request.getfixturevalue(qui))
    url = reverse("candidatures:action", args=[dossier.uuid, transition])
    donnees = {"texte": "Motifs de la décision."}
    reponse = client.post(url, donnees)
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Cette action est définitive" in page and workflow.CONSEQUENCES[transition] in page
    assert 'name="texte" value="Motifs de la décision."' in page  # what was typed goes with the confirmation
    dossier.refresh_from_db()
    assert dossier.etat == Etat.AVIS_PARQUET
    client.post(url, {**donnees, "confirme": "oui"})
    dossier.refresh_from_db()
    assert dossier.etat != Etat.AVIS_PARQUET


def test_refusal_without_reasons_is_told_before_any_confirmation(client, dossier, instructeur):
    amener_a_la_decision(dossier, instructeur)
    connecter(client, instructeur)
    reponse = client.post(reverse("candidatures:action", args=[dossier.uuid, "refuser"]), {"texte": " "}, follow=True)
    assert "Un refus doit être motivé" in texte(reponse) and "Cette action est définitive" not in texte(reponse)


def _saisie_complete(c) -> dict[str, str]:
    from justexpert.candidatures.forms import initial_de

    return {k: ("" if v is None else ("on" if v is True else str(v))) for k, v in initial_de(c).items() if v not in (False, None)}


def test_depositing_asks_first_and_keeps_what_was_typed(client, candidat):
    c = brouillon(candidat)
    connecter(client, candidat)
    url = reverse("candidatures:modifier", args=[c.uuid])
    saisie = {**_saisie_complete(c), "nom": "Lemaire"}
    reponse = client.post(url, {**saisie, "deposer": "1"})
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Cette action est définitive" in page and "vous ne pourrez plus la modifier" in page
    assert 'name="nom" value="Lemaire"' in page
    c.refresh_from_db()
    assert c.etat == Etat.BROUILLON
    client.post(url, {**saisie, "deposer": "1", "confirme": "oui"})
    c.refresh_from_db()
    assert c.etat == Etat.DEPOSEE


def test_a_piece_is_taken_back_from_the_draft_to_be_replaced(client, candidat):
    c = brouillon(candidat)
    piece = c.pieces.first()
    document = piece.document
    connecter(client, candidat)
    page = texte(client.get(reverse("candidatures:modifier", args=[c.uuid])))
    url = reverse("candidatures:piece_retirer", args=[c.uuid, piece.uuid])
    assert url in page
    reponse = client.post(url, follow=True)
    assert "est retirée du brouillon" in texte(reponse)
    assert not Piece.objects.filter(pk=piece.pk).exists()
    document.refresh_from_db()
    assert document.est_detruit
    from justexpert.preuves.models import Evenement

    assert Evenement.objects.filter(type="candidatures.piece_retiree", objet_ref=str(piece.uuid)).exists()


def test_a_piece_of_a_deposited_file_cannot_be_taken_back(client, candidat, autre_candidat):
    c = deposee(candidat)
    piece = c.pieces.first()
    connecter(client, candidat)
    url = reverse("candidatures:piece_retirer", args=[c.uuid, piece.uuid])
    assert url not in texte(client.get(reverse("candidatures:detail", args=[c.uuid])))
    assert "ne peut être retirée que du brouillon" in texte(client.post(url, follow=True))
    assert Piece.objects.filter(pk=piece.pk).exists()
    connecter(client, autre_candidat)
    assert client.post(url).status_code == 404
