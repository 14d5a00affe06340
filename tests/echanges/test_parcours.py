"""The agent / invité journeys through the Django client, with a frozen clock: invitation, enrolment,
deposit both ways with the avis de mise à disposition, download, trace, receipts, expiry, deletion
and the deactivation of invite-only accounts."""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import pyotp
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from justexpert.coffre.models import Document
from justexpert.comptes.models import Invitation, Role, Utilisateur
from justexpert.echanges import services, tasks, trace
from justexpert.echanges.models import Fichier, Matiere, Participant, Qualite, Telechargement
from justexpert.preuves.models import Evenement
from justexpert.preuves.verificateur import lire_accuse
from tests.conftest import MOT_DE_PASSE, creer_utilisateur, texte, texte_pdf

from .conftest import ajouter_invite, avec_totp, depot, pdf

pytestmark = pytest.mark.django_db


def corps(reponse) -> bytes:
    return b"".join(reponse.streaming_content)


def ouvrir(client, lien: str):
    """Open the mail's link; comptes may move the secret to the session and redirect to a page
    without it: return the final page and its path, where the form posts."""
    reponse = client.get(lien, follow=True)
    return reponse, reponse.request["PATH_INFO"]


def lien_invitation(message) -> str:
    return re.search(r"http://[^\s]+/invitation/[^\s]+/", message.body).group(0).split("127.0.0.1:8000")[-1]  # type: ignore[union-attr]


@pytest.fixture
def echange_vide(agent, orgs):
    return services.creer_echange(acteur=agent, titre="Dossier Martin", juridiction=orgs["TJ_PARIS"], matiere=Matiere.CIVILE)


def test_agent_creates_a_folder_and_lands_on_the_invitation_page(client, agent, orgs):
    client.force_login(agent)
    reponse = client.post(
        reverse("echanges:creer"),
        {
            "titre": "Dossier Leroy",
            "juridiction": orgs["TJ_PARIS"].pk,
            "matiere": "penale",
            "reference_procedure": "PARQUET-24/123",
        },
    )
    assert reponse.status_code == 302
    echange = agent.participations_echanges.get().echange
    assert reponse["Location"] == reverse("echanges:inviter", args=[echange.uuid])
    assert (echange.titre, echange.matiere, echange.reference_procedure) == ("Dossier Leroy", "penale", "PARQUET-24/123")
    types = set(Evenement.objects.filter(dossier_ref=str(echange.uuid)).values_list("type", flat=True))
    assert types == {"echanges.echange_cree", "echanges.participant_ajoute"}


def test_invitation_enrolment_then_folder(client, agent, echange_vide, horloge, django_capture_on_commit_callbacks):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("echanges:inviter", args=[echange_vide.uuid]), {"email": "Nouvelle.Personne@Exemple.fr"})
    assert reponse.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["nouvelle.personne@exemple.fr"]
    assert "Dossier Martin" not in message.body  # the title stays on the platform
    lien = lien_invitation(message)
    client.logout()

    horloge.avancer(days=6)
    _page, cible = ouvrir(client, lien)
    reponse = client.post(
        cible,
        {
            "prenom": "Nina",
            "nom": "Personne",
            "mot_de_passe": "Un-mot-de-passe-solide-2026",
            "confirmation": "Un-mot-de-passe-solide-2026",
        },
    )
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("echanges:detail", args=[echange_vide.uuid])
    user = Utilisateur.objects.get(email="nouvelle.personne@exemple.fr")
    assert user.a_role(Role.INVITE)
    assert Participant.objects.filter(echange=echange_vide, utilisateur=user, qualite=Qualite.INVITE).exists()

    # No folder page before the second factor.
    reponse = client.get(reverse("echanges:detail", args=[echange_vide.uuid]))
    assert reponse["Location"].startswith(reverse("comptes:second_facteur_activer"))
    client.get(reverse("comptes:second_facteur_activer"))
    secret = client.session["comptes_totp_secret_en_cours"]
    # pyotp reads the real clock, not Django's frozen one.
    reponse = client.post(reverse("comptes:second_facteur_activer"), {"code": pyotp.TOTP(secret).now()})
    assert reponse.status_code == 200
    reponse = client.get(reverse("echanges:detail", args=[echange_vide.uuid]))
    assert reponse.status_code == 200
    assert "Dossier Martin" in texte(reponse)

    # Single use: the same link again is refused, nothing revealed.
    client.logout()
    reponse, _ = ouvrir(client, lien)
    assert reponse.status_code == 400
    assert "déjà été utilisée" in texte(reponse)


def test_expired_invitation_is_refused_with_a_clear_message(
    client, agent, echange_vide, horloge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.inviter_personne(acteur=agent, echange=echange_vide, email="tard@exemple.fr")
    lien = lien_invitation(mail.outbox[0])
    horloge.avancer(days=7, seconds=1)
    reponse, _ = ouvrir(client, lien)
    assert reponse.status_code == 400
    assert "a expiré" in texte(reponse)
    assert not Utilisateur.objects.filter(email="tard@exemple.fr").exists()


def test_invitation_used_by_another_logged_in_account_is_refused(
    client, agent, echange_vide, autre_invite, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.inviter_personne(acteur=agent, echange=echange_vide, email="destinataire@exemple.fr")
    lien = lien_invitation(mail.outbox[0])
    client.force_login(autre_invite)
    _page, cible = ouvrir(client, lien)
    reponse = client.post(cible)
    assert reponse.status_code == 200
    assert "pas à celle de votre compte" in texte(reponse)
    assert not Participant.objects.filter(echange=echange_vide, utilisateur=autre_invite).exists()
    assert Invitation.objects.get().acceptee_le is None


def test_invite_an_expert_from_the_referential(client, agent, echange_vide, django_capture_on_commit_callbacks):
    from justexpert.annuaire.models import Expert

    expert = Expert.objects.create(nom="Durand", prenom="Alice", email="alice.durand@experts.fr")
    Expert.objects.create(nom="Durand", prenom="Sans-Adresse")
    client.force_login(agent)
    page = client.get(reverse("echanges:inviter", args=[echange_vide.uuid]), {"q": "durand"})
    assert "Inviter DURAND Alice" in texte(page)
    assert "Sans-Adresse" not in texte(page)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("echanges:inviter", args=[echange_vide.uuid]), {"expert": str(expert.uuid)})
    assert reponse.status_code == 302
    assert mail.outbox[0].to == ["alice.durand@experts.fr"]
    assert Invitation.objects.get().objet_ref == str(echange_vide.uuid)


def test_deposit_both_ways_with_notices_download_and_trace(
    client, agent, invite, echange_vide, horloge, django_capture_on_commit_callbacks
):
    ajouter_invite(echange_vide, invite, agent)
    contenu = pdf(os.urandom(30_000))
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("echanges:deposer", args=[echange_vide.uuid]),
            {"fichier": SimpleUploadedFile("Note d'expertise.pdf", contenu), "jours": "5"},
        )
    assert reponse.status_code == 302, texte(reponse)
    fichier = Fichier.objects.get()
    assert fichier.disponible_jusqu_au == horloge.instant + dt.timedelta(days=5)
    (avis,) = mail.outbox
    assert avis.to == [invite.email]
    assert "avis de mise à disposition" in avis.subject
    assert "Note d'expertise.pdf" in avis.body  # civil folder: the name may be given
    assert contenu[:20].decode(errors="ignore") not in avis.body
    assert not avis.attachments

    client.force_login(invite)
    tableau = texte(client.get(reverse("portail:tableau_de_bord")))
    assert "1 fichier(s) à télécharger dans l'échange « Dossier Martin »" in tableau
    reponse = client.get(reverse("echanges:telecharger", args=[fichier.uuid]))
    assert reponse.status_code == 200
    assert corps(reponse) == contenu
    assert "Dossier Martin" not in texte(client.get(reverse("portail:tableau_de_bord")))
    (telechargement,) = Telechargement.objects.all()
    assert telechargement.utilisateur == invite
    assert telechargement.evenement.type == "echanges.telechargement"

    # The invitee answers with a file; the agent is told.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("echanges:deposer", args=[echange_vide.uuid]),
            {"fichier": SimpleUploadedFile("reponse.pdf", pdf(b"r")), "jours": "30"},
        )
    assert reponse.status_code == 302
    assert mail.outbox[0].to == [agent.email]

    client.force_login(agent)
    page = texte(client.get(reverse("echanges:trace", args=[echange_vide.uuid])))
    assert "Note d'expertise.pdf" in page and fichier.sha256 in page
    assert f"<dt>Destinataires</dt><dd>{invite}</dd>" in page
    assert "accusé de téléchargement (PDF)" in page
    pdf_trace = client.get(reverse("echanges:trace_pdf", args=[echange_vide.uuid]))
    assert pdf_trace.status_code == 200
    assert pdf_trace.content.startswith(b"%PDF")
    assert pdf_trace["Content-Type"] == "application/pdf"

    accuse = json.loads(client.get(reverse("echanges:accuse", args=[fichier.evenement_depot.uuid])).content)
    assert accuse["format"] == "justexpert-accuse/1"
    assert accuse["evenement"]["type"] == "echanges.depot"
    assert accuse["evenement"]["document_sha256"] == fichier.sha256
    assert accuse["evenement"]["dossier"] == str(echange_vide.uuid)
    assert accuse["point_de_controle"] is not None  # cut on commit
    feuille = json.dumps(accuse["evenement"], ensure_ascii=False)
    assert "Note" not in feuille and "Martin" not in feuille and "@" not in feuille
    # People get the sealed PDF, in words, carrying the same receipt.
    accuse_pdf = client.get(reverse("echanges:accuse_pdf", args=[fichier.evenement_depot.uuid]))
    assert accuse_pdf["Content-Type"] == "application/pdf" and accuse_pdf["Content-Disposition"].endswith('.pdf"')
    assert lire_accuse(accuse_pdf.content) == accuse
    mots = texte_pdf(accuse_pdf.content)
    assert "Note d'expertise.pdf" in mots and "Accusé de dépôt" in mots


def test_penal_notice_carries_neither_title_nor_file_name(penal, agent, invite, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.deposer(acteur=agent, echange=penal.echange, depot=depot("Audition témoin.pdf"), jours=1)
    (avis,) = mail.outbox
    assert avis.to == [invite.email]
    assert "Audition" not in avis.body and "Scellés" not in avis.body


def test_download_after_expiry_is_refused_and_the_task_destroys_the_content(client, civil, invite, agent, horloge):
    fichier = civil.fichier
    url = reverse("echanges:telecharger", args=[fichier.uuid])
    horloge.avancer(days=6, hours=23)
    client.force_login(invite)  # sessions last hours, not days
    assert services.expirer_fichiers() == 0
    assert client.get(url).status_code == 200

    horloge.avancer(hours=1, seconds=1)
    reponse = client.get(url)
    assert reponse.status_code == 410
    assert "n'est plus disponible" in texte(reponse)
    assert "période de mise à disposition a pris fin" in texte(reponse)
    assert Telechargement.objects.filter(fichier=fichier).count() == 1  # the refused one is not a download

    assert tasks.expirer_fichiers.call() == 1
    fichier.refresh_from_db()
    assert fichier.expire_le == horloge.instant
    assert Document.objects.get(pk=fichier.document_id).est_detruit
    assert fichier.evenement_fin.type == "echanges.fichier_expire"
    assert json.loads(fichier.evenement_fin.feuille)["document_sha256"] == fichier.sha256
    assert services.expirer_fichiers() == 0  # idempotent
    assert client.get(url).status_code == 410

    # The trace stays, with the expiry and its receipt.
    client.force_login(agent)
    page = texte(client.get(reverse("echanges:trace", args=[civil.echange.uuid])))
    assert "rapport-civil.pdf" in page and "expiré le" in page
    assert client.get(reverse("echanges:accuse", args=[fichier.evenement_fin.uuid])).status_code == 200


def test_deleted_file_is_destroyed_and_traced(client, civil, agent, invite):
    client.force_login(agent)
    assert client.post(reverse("echanges:supprimer", args=[civil.fichier.uuid]), {"confirme": "oui"}).status_code == 302
    fichier = Fichier.objects.get(pk=civil.fichier.pk)
    assert fichier.supprime_par == agent and fichier.evenement_fin.type == "echanges.fichier_supprime"
    assert Document.objects.get(pk=fichier.document_id).est_detruit
    client.force_login(invite)
    reponse = client.get(reverse("echanges:telecharger", args=[fichier.uuid]))
    assert reponse.status_code == 410 and "supprimé" in texte(reponse)


def test_invite_only_accounts_without_folder_are_deactivated_after_the_period(
    civil, agent, invite, autre_invite, horloge, expert
):
    ancien = avec_totp(creer_utilisateur("ancien@test.fr", (Role.INVITE, None, [])))
    ajouter_invite(civil.echange, ancien, agent)
    services.retirer_participant(acteur=agent, participant=Participant.objects.get(utilisateur=ancien))
    expert_invite = creer_utilisateur("expert.invite@test.fr", (Role.EXPERT, None, []), (Role.INVITE, None, []))

    horloge.avancer(days=89)
    assert services.desactiver_invites_inactifs() == 0
    horloge.avancer(days=2)
    assert tasks.desactiver_invites_inactifs.call() == 2  # ancien, autre_invite (never in a folder)
    actifs = dict(Utilisateur.objects.values_list("email", "is_active"))
    assert actifs["ancien@test.fr"] is False
    assert actifs[autre_invite.email] is False
    assert actifs[invite.email] is True  # still in a folder
    assert actifs[expert_invite.email] is True  # holds another role
    assert actifs[agent.email] is True


def test_login_of_a_deactivated_invitee_fails(client, autre_invite, horloge):
    horloge.avancer(days=91)
    services.desactiver_invites_inactifs()
    assert not client.login(email=autre_invite.email, password=MOT_DE_PASSE)


def test_exported_trace_is_sealed_and_valid_for_pdfsig(civil, agent):
    from cryptography.hazmat.primitives import serialization

    from justexpert.preuves import sceau, signatures
    from tests.preuves.pdfsig import pdfsig

    brut = trace.pdf_trace(civil.echange)
    assert brut.startswith(b"%PDF")
    scelle = trace.sceller_pdf(brut)
    assert signatures.verifier_pdf(scelle).statut == signatures.Statut.VALIDE
    racine = sceau.sceau().ancres[0].public_bytes(serialization.Encoding.PEM)
    assert "Signature Validation: Signature is Valid." in pdfsig(scelle, racines=[racine])


def test_menu_entry_for_agents_and_invitees_only(client, agent, invite, expert):
    for user, attendu in ((agent, True), (invite, True), (expert, False)):
        client.force_login(user)
        page = texte(client.get(reverse("portail:tableau_de_bord")))
        assert (f'href="{reverse("echanges:liste")}"' in page) is attendu, user


def test_dashboard_asks_an_invitee_without_factor_to_enrol(client, invite):
    invite.totp_actif = False
    invite.save(update_fields=["totp_actif"])
    client.force_login(invite)
    page = texte(client.get(reverse("portail:tableau_de_bord")))
    assert "Activez la double authentification pour accéder à vos échanges" in page


def test_api_detail_lists_files_with_receipts_and_hides_ended_downloads(client, civil, invite, horloge):
    horloge.avancer(days=8)
    services.expirer_fichiers()
    client.force_login(invite)
    donnees = client.get(f"/api/v1/echanges/{civil.echange.uuid}").json()
    assert donnees["titre"] == civil.echange.titre
    assert donnees["fichiers_disponibles"] == 0
    (f,) = donnees["fichiers"]
    assert (f["nom"], f["sha256"], f["disponible"], f["telechargement"]) == (
        "rapport-civil.pdf",
        civil.fichier.sha256,
        False,
        None,
    )
    assert client.get(f["accuse_depot"]).status_code == 200


def test_api_accepts_a_personal_token(client, civil, agent):
    from justexpert.comptes.services import creer_jeton

    _jeton, secret = creer_jeton(acteur=agent, nom="script")
    reponse = client.get("/api/v1/echanges/", headers={"Authorization": f"Bearer {secret}"})
    assert reponse.status_code == 200
    assert [e["uuid"] for e in reponse.json()] == [str(civil.echange.uuid)]


def test_download_receipt_is_served_to_participants(client, civil, invite, agent):
    client.force_login(invite)
    corps(client.get(reverse("echanges:telecharger", args=[civil.fichier.uuid])))
    evenement = Telechargement.objects.get().evenement
    accuse = client.get(reverse("echanges:accuse", args=[evenement.uuid])).json()
    assert accuse["evenement"]["type"] == "echanges.telechargement"
    assert accuse["evenement"]["acteur"] == str(invite.uuid)
    client.force_login(agent)
    assert client.get(reverse("echanges:accuse", args=[evenement.uuid])).status_code == 200


def test_services_refuse_strangers(civil, agent_juridiction, autre_invite):
    with pytest.raises(services.RefusService):
        services.deposer(acteur=agent_juridiction, echange=civil.echange, depot=depot(), jours=3)
    with pytest.raises(services.RefusService):
        services.enregistrer_telechargement(acteur=autre_invite, fichier=civil.fichier)
    with pytest.raises(services.RefusService):
        services.inviter_personne(acteur=agent_juridiction, echange=civil.echange, email="x@exemple.fr")
    with pytest.raises(services.RefusService):
        services.supprimer_fichier(acteur=autre_invite, fichier=civil.fichier)
    assert Document.objects.count() == 1
