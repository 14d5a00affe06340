"""Réinscription: the training ledger against the court's expectation, the candidature prefilled
from the record, the ledger and the annual reports, and the fair instruction (reasons envisaged →
answer → decision), with the court's settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from justexpert.annuaire import activite
from justexpert.annuaire.models import CommentaireReleve, Formation, NatureFait, ReglesCour
from justexpert.candidatures import services
from justexpert.candidatures.models import Candidature, Etat, TypeCandidature, TypePiece
from justexpert.comptes.services import RefusService
from justexpert.lib import temps
from justexpert.preuves.models import Evenement
from tests.conftest import texte

from .conftest import brouillon, texte_piece

AUJOURD_HUI = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def formation(expert, jour: dt.date, heures: str = "7", nature: str = "specialite", intitule: str = "Hydraulique urbaine"):
    return services.deposer_formation(
        acteur=expert,
        depot=texte_piece("attestation.txt"),
        intitule=intitule,
        organisme="CNEJ",
        jour=jour,
        heures=heures,
        nature=nature,
    )


# --- The ledger ---------------------------------------------------------------------------------


def test_ledger_hours_against_the_court_expectation(expert, fiche_expert, orgs, instructeur):
    annee = AUJOURD_HUI.year
    activite.regler_cour(
        orgs["PARIS"],
        acteur=instructeur,
        heures_formation_annuelles=Decimal("10"),
        instruction_contradictoire=True,
        delai_reponse_jours=15,
    )
    formation(expert, dt.date(annee - 1, 3, 1), "7")
    formation(expert, dt.date(annee - 1, 10, 1), "3,5", nature="procedure")
    formation(expert, dt.date(annee - 2, 5, 1), "14")
    lignes = {a.annee: a for a in activite.heures_contre_attente(fiche_expert, orgs["PARIS"], [annee - 2, annee - 1, annee])}
    assert lignes[annee - 2].heures == Decimal("14.0") and lignes[annee - 2].atteint
    assert lignes[annee - 1].heures == Decimal("10.5") and lignes[annee - 1].atteint
    assert lignes[annee].heures == 0 and lignes[annee].manque == Decimal("10")
    f = Formation.objects.get(heures=Decimal("3.5"))
    assert Evenement.objects.filter(type="annuaire.formation_enregistree", objet_ref=str(f.uuid)).exists()


@pytest.mark.parametrize(
    ("champs", "champ", "message"),
    [
        ({"heures": "0"}, "heures", "supérieur à zéro"),
        ({"heures": "-2"}, "heures", "supérieur à zéro"),
        ({"jour": (AUJOURD_HUI + dt.timedelta(days=3)).isoformat()}, "jour", "dans le futur"),
    ],
)
def test_a_wrong_training_is_refused_at_its_field_and_nothing_is_lost(client, expert, fiche_expert, champs, champ, message):
    client.force_login(expert)
    donnees = {
        "intitule": "Expertise et procédure",
        "organisme": "Compagnie des experts",
        "jour": (AUJOURD_HUI - dt.timedelta(days=30)).isoformat(),
        "heures": "7",
        "nature": "procedure",
        "fichier": SimpleUploadedFile("attestation.pdf", PDF, content_type="application/pdf"),
        **champs,
    }
    reponse = client.post(reverse("candidatures:formations"), donnees)
    assert reponse.status_code == 400
    assert message in reponse.context["form"].errors[champ][0]
    page = texte(reponse)
    assert "Expertise et procédure" in page and "Compagnie des experts" in page  # what was typed stays
    assert not Formation.objects.exists()


def test_a_certificate_of_a_refused_type_is_refused_at_the_file_field(client, expert, fiche_expert):
    client.force_login(expert)
    reponse = client.post(
        reverse("candidatures:formations"),
        {
            "intitule": "Expertise et procédure",
            "organisme": "Compagnie des experts",
            "jour": (AUJOURD_HUI - dt.timedelta(days=30)).isoformat(),
            "heures": "7",
            "nature": "procedure",
            "fichier": SimpleUploadedFile("attestation.exe", b"MZ\x90\x00binaire", content_type="application/octet-stream"),
        },
    )
    assert reponse.status_code == 400
    assert "type de fichier" in reponse.context["form"].errors["fichier"][0]
    assert "Expertise et procédure" in texte(reponse)
    assert not Formation.objects.exists()


def test_a_valid_training_is_recorded_with_its_certificate(client, expert, fiche_expert):
    client.force_login(expert)
    reponse = client.post(
        reverse("candidatures:formations"),
        {
            "intitule": "Expertise et procédure",
            "organisme": "Compagnie des experts",
            "jour": (AUJOURD_HUI - dt.timedelta(days=30)).isoformat(),
            "heures": "3,5",
            "nature": "procedure",
            "fichier": SimpleUploadedFile("attestation.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert reponse.status_code == 302
    f = Formation.objects.get()
    assert f.heures == Decimal("3.5") and f.attestation_nom == "attestation.pdf"
    telechargement = client.get(reverse("candidatures:formation_attestation", args=[f.uuid]))
    assert telechargement.status_code == 200
    assert b"".join(telechargement.streaming_content) == PDF


# --- The prefilled réinscription ------------------------------------------------------------------


def test_reinscription_is_prefilled_from_the_record_the_ledger_and_the_annual_reports(expert, fiche_expert, orgs):
    annee = AUJOURD_HUI.year - 1
    for i, nature in enumerate(
        [NatureFait.MISSION_ACCEPTEE, NatureFait.MISSION_ACCEPTEE, NatureFait.MISSION_REFUSEE, NatureFait.RAPPORT_DEPOSE]
    ):
        activite.consigner_fait(fiche_expert, nature, jour=dt.date(annee, 4, 1 + i), reference=f"cas-{i}")
    activite.consigner_fait(
        fiche_expert, NatureFait.REMUNERATION_TAXEE, jour=dt.date(annee, 6, 1), reference="cas-0", montant=Decimal("1200")
    )
    formation(expert, dt.date(annee, 3, 1), "7", intitule="Hydraulique urbaine")
    services.deposer_compte_rendu(
        acteur=expert, annee=annee, nombre_rapports=1, expertises_en_cours=2, formations="Colloque CNEJ"
    )
    c = services.creer_brouillon(acteur=expert, type_=TypeCandidature.REINSCRIPTION)
    assert c.liste == orgs["PARIS"] and c.specialite.code == "C.2.8"
    assert f"{annee} : 2 mission(s) acceptée(s), 1 refusée(s) ; 1 rapport(s) déposé(s)" in c.experience_judiciaire
    assert "1 taxation(s) pour 1200,00 € ; 7 h de formation" in c.experience_judiciaire
    assert f"Compte rendu annuel {annee} : 1 rapport(s) déposé(s), 2 expertise(s) en cours." in c.experience_judiciaire
    assert "Hydraulique urbaine, CNEJ, le 01/03/" in c.formations and "Colloque CNEJ" in c.formations
    # The ledger's certificates and the annual reports filed here stand for those two pieces.
    assert TypePiece.FORMATIONS not in c.pieces_manquantes()
    assert TypePiece.COMPTES_RENDUS not in c.pieces_manquantes()
    # The candidate corrects and completes: the prefill is a draft like any other.
    c = services.enregistrer_brouillon(c, acteur=expert, saisie={}, valeurs={"experience_judiciaire": "Corrigé par moi."})
    assert Candidature.objects.get(pk=c.pk).experience_judiciaire == "Corrigé par moi."


def test_the_expert_comments_the_record_and_the_commission_reads_it(client, expert, fiche_expert, instructeur):
    annee = AUJOURD_HUI.year
    activite.consigner_fait(fiche_expert, NatureFait.MISSION_REFUSEE, jour=AUJOURD_HUI, reference="x")
    client.force_login(expert)
    reponse = client.post(
        reverse("candidatures:releve"),
        {"nature": NatureFait.MISSION_REFUSEE, "annee": annee, "texte": "Refus pour conflit d'intérêts."},
    )
    assert reponse.status_code == 302
    assert CommentaireReleve.objects.get().texte == "Refus pour conflit d'intérêts."
    c = en_commission(expert, instructeur)
    client.force_login(instructeur)
    page = texte(client.get(reverse("candidatures:detail", args=[c.uuid])))
    assert "Refus pour conflit d'intérêts." in page and "Missions refusées" in page


# --- Fair instruction -----------------------------------------------------------------------------


def en_commission(expert, instructeur) -> Candidature:
    c = services.deposer(brouillon(expert, TypeCandidature.REINSCRIPTION), acteur=expert)
    for transition, texte_ in (
        ("passer_en_instruction", ""),
        ("enregistrer_avis_parquet", "Avis favorable."),
        ("enregistrer_avis_commission", "Formation insuffisante."),
    ):
        c = services.executer(c, transition, acteur=instructeur, texte=texte_)
    return c


def test_reasons_then_answer_then_refusal_with_the_recourse_notice(
    expert, fiche_expert, instructeur, orgs, django_capture_on_commit_callbacks
):
    c = en_commission(expert, instructeur)
    with pytest.raises(RefusService, match="communiquez au candidat les motifs"):
        services.refuser(c, acteur=instructeur, motifs="Formation insuffisante.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        c = services.enoncer_motifs(c, acteur=instructeur, texte="Aucune formation en procédure depuis 2022.")
    assert c.etat == Etat.MOTIFS_ENVISAGES
    assert c.date_limite_reponse == temps.echeance_en_jours(temps.maintenant(), 15, "Europe/Paris")
    (courriel,) = mail.outbox
    assert "Aucune formation en procédure" in courriel.body and "heure de Paris" in courriel.body
    with pytest.raises(RefusService, match="peut répondre aux motifs envisagés jusqu'au"):
        services.refuser(c, acteur=instructeur, motifs="Formation insuffisante.")
    c = services.repondre_motifs(c, acteur=expert, texte="J'ai suivi deux formations, attestations jointes.")
    assert c.etat == Etat.REPONSE_APPORTEE and not c.reponse_en_retard
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        c = services.refuser(c, acteur=instructeur, motifs="Formation en procédure insuffisante malgré la réponse.")
    assert c.etat == Etat.REFUSEE
    (avis,) = mail.outbox
    assert "Cour de cassation" in avis.body and "délai d'un mois" in avis.body
    assert f"le délai expire le {services.date_longue(services.echeance_recours(c))}" in avis.body
    types = set(Evenement.objects.filter(dossier_ref=str(c.uuid)).values_list("type", flat=True))
    assert {"candidatures.enoncer_motifs", "candidatures.repondre_motifs", "candidatures.refuser"} <= types


def test_an_answer_after_the_deadline_is_taken_and_flagged_late(client, expert, fiche_expert, instructeur):
    c = services.enoncer_motifs(en_commission(expert, instructeur), acteur=instructeur, texte="Motifs envisagés.")
    Candidature.objects.filter(pk=c.pk).update(date_limite_reponse=AUJOURD_HUI - dt.timedelta(days=1))
    c = services.repondre_motifs(c, acteur=expert, texte="Réponse tardive.")
    assert c.etat == Etat.REPONSE_APPORTEE and c.reponse_en_retard and c.reponse_motifs == "Réponse tardive."
    client.force_login(instructeur)
    assert "reçue après la date limite" in texte(client.get(reverse("candidatures:detail", args=[c.uuid])))


def test_after_the_deadline_without_answer_the_commission_decides(expert, fiche_expert, instructeur):
    c = services.enoncer_motifs(en_commission(expert, instructeur), acteur=instructeur, texte="Motifs envisagés.")
    Candidature.objects.filter(pk=c.pk).update(date_limite_reponse=AUJOURD_HUI - dt.timedelta(days=1))
    assert services.refuser(c, acteur=instructeur, motifs="Motifs de la décision.").etat == Etat.REFUSEE


def test_the_commission_may_still_accept_after_the_reasons(expert, fiche_expert, instructeur):
    c = services.enoncer_motifs(en_commission(expert, instructeur), acteur=instructeur, texte="Motifs envisagés.")
    c = services.repondre_motifs(c, acteur=expert, texte="Voici mes attestations.")
    assert services.accepter(c, acteur=instructeur).etat == Etat.ACCEPTEE


def test_a_court_that_disables_the_rule_refuses_directly(client, expert, fiche_expert, instructeur, orgs):
    client.force_login(instructeur)
    reponse = client.post(
        reverse("annuaire:reglages_cour", args=["PARIS"]),
        {"heures_formation_annuelles": "12", "delai_reponse_jours": "21"},
    )
    assert reponse.status_code == 302
    regles = ReglesCour.objects.get(cour=orgs["PARIS"])
    assert not regles.instruction_contradictoire and regles.delai_reponse_jours == 21
    assert regles.heures_formation_annuelles == Decimal("12")
    c = en_commission(expert, instructeur)
    assert services.refuser(c, acteur=instructeur, motifs="Motifs de la décision.").etat == Etat.REFUSEE


def test_court_settings_refuse_a_too_short_delay_in_french(client, instructeur):
    client.force_login(instructeur)
    reponse = client.post(
        reverse("annuaire:reglages_cour", args=["PARIS"]),
        {"heures_formation_annuelles": "-1", "instruction_contradictoire": "on", "delai_reponse_jours": "3"},
    )
    assert reponse.status_code == 400
    erreurs = reponse.context["form"].errors
    assert "supérieure ou égale à 0" in erreurs["heures_formation_annuelles"][0]
    assert "supérieure ou égale à 8" in erreurs["delai_reponse_jours"][0]
    assert not ReglesCour.objects.exists()


def test_refusal_through_the_page_is_confirmed_and_the_answer_too(client, expert, fiche_expert, instructeur):
    c = services.enoncer_motifs(en_commission(expert, instructeur), acteur=instructeur, texte="Motifs envisagés.")
    client.force_login(expert)
    url = reverse("candidatures:action", args=[c.uuid, "repondre_motifs"])
    demande = client.post(url, {"texte": "Ma réponse."})
    assert demande.status_code == 200 and "confirm" in texte(demande).lower()
    assert Candidature.objects.get(pk=c.pk).etat == Etat.MOTIFS_ENVISAGES


def test_the_annual_report_is_prefilled_from_the_record_and_the_ledger(client, expert, fiche_expert):
    annee = AUJOURD_HUI.year - 1
    for i in range(3):
        activite.consigner_fait(fiche_expert, NatureFait.RAPPORT_DEPOSE, jour=dt.date(annee, 2, 1 + i), reference=f"r-{i}")
    activite.consigner_fait(fiche_expert, NatureFait.RAPPORT_DEPOSE, jour=dt.date(annee - 1, 2, 1), reference="ancien")
    formation(expert, dt.date(annee, 5, 4), "6", intitule="Rédiger le rapport")
    client.force_login(expert)
    form = client.get(reverse("candidatures:compte_rendu")).context["form"]
    assert form.initial["nombre_rapports"] == 3
    assert "Rédiger le rapport, CNEJ" in form.initial["formations"]


def test_the_dashboard_asks_the_expert_to_answer_before_the_deadline(client, expert, fiche_expert, instructeur):
    from justexpert.candidatures.a_faire import a_faire_candidatures

    c = services.enoncer_motifs(en_commission(expert, instructeur), acteur=instructeur, texte="Motifs envisagés.")
    (item,) = [i for i in a_faire_candidatures(expert) if "motifs" in i.libelle]
    assert item.urgent and item.url.endswith("#motifs-envisages") and item.echeance is not None
    services.repondre_motifs(c, acteur=expert, texte="Réponse.")
    assert not [i for i in a_faire_candidatures(expert) if "motifs" in i.libelle]
    assert any("à instruire" in i.libelle for i in a_faire_candidatures(instructeur))
