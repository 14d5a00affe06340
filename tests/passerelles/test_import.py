"""The import against a local DS answering recorded pages: pagination, pieces in the vault with
their receipts, a failed download (that file reported, nothing of it kept, the others go on), a
changed file imported again (update, never a duplicate), answers that violate the schema."""

from __future__ import annotations

import json

import pytest

from justexpert.candidatures.models import Candidature, Etat, Piece, TypeCandidature
from justexpert.coffre import services as coffre
from justexpert.coffre.models import Document
from justexpert.coffre.stockage import stockage
from justexpert.comptes.models import Role, Utilisateur
from justexpert.passerelles import schema_ds, services
from justexpert.passerelles.models import DossierDS, EtatImport, ImportDS
from justexpert.preuves.models import Evenement

from .conftest import REPONSES


def importer(instructeur, orgs, type_=TypeCandidature.INITIALE) -> ImportDS:
    imp = services.creer(acteur=instructeur, cour=orgs["PARIS"], type_candidature=type_)
    return services.executer(imp)


def lignes(imp: ImportDS, numero: int) -> list[str]:
    return [ligne for r in imp.rapport if r["numero"] == numero for ligne in r["lignes"]]


def objets_stockes() -> int:
    racine = stockage().racine  # type: ignore[attr-defined]
    return sum(1 for p in racine.rglob("*") if p.is_file())


def test_every_recorded_answer_follows_the_schema_except_the_bad_ones():
    for fichier in sorted(REPONSES.glob("*.json")):
        donnees = json.loads(fichier.read_text(encoding="utf-8").replace("{serveur}", "http://127.0.0.1:1"))["data"]
        violations = schema_ds.verifier_reponse(donnees, {"demarche": 101, "premiers": 2})
        assert bool(violations) == ("non-conforme" in fichier.name), (fichier.name, [str(v) for v in violations])


def test_import_reads_every_page_and_creates_the_candidatures(ds, instructeur, orgs):
    imp = importer(instructeur, orgs)
    assert imp.etat == EtatImport.TERMINE, imp.message
    # Two pages of the recorded answers, asked with the cursor DS gave, page size from settings.
    assert [r["variables"]["apres"] for r in ds.requetes] == [None, "MQ"]
    assert {r["variables"]["premiers"] for r in ds.requetes} == {2}
    assert all(r["query"] == schema_ds.texte_requete() for r in ds.requetes)
    assert (imp.pages, imp.lus, imp.crees, imp.mis_a_jour, imp.inchanges, imp.ecartes) == (2, 5, 3, 0, 0, 2)
    assert set(DossierDS.objects.values_list("numero", flat=True)) == {1001, 1002, 1004}

    c = DossierDS.objects.get(numero=1001).candidature
    assert (c.type, c.etat, c.liste, c.nom, c.prenom, c.civilite) == (
        "initiale",
        Etat.DEPOSEE,
        orgs["PARIS"],
        "Lemaire",
        "Claire",
        "Mme",
    )
    assert c.specialite.code == "C.2.8" and c.declaration_honneur is True and str(c.date_naissance) == "1975-06-01"
    assert c.profession == "Ingénieure hydraulicienne" and c.code_postal_pro == "75019"
    assert c.depose_le.isoformat() == "2026-01-12T08:30:00+00:00"
    # The candidate's account (opened without password) holds the file.
    assert c.candidat.email == "claire.lemaire@exemple.fr" and not c.candidat.has_usable_password()
    assert c.candidat.roles == {Role.CANDIDAT}
    # State and number on DS kept; en_instruction on DS -> en instruction here.
    d2 = DossierDS.objects.get(numero=1002)
    assert d2.etat_ds == "en_instruction" and d2.candidature.etat == Etat.EN_INSTRUCTION and d2.demarche == 101
    assert c.traitements.get().transition == "importer"


def test_pieces_go_to_the_vault_with_hash_and_receipt(ds, instructeur, orgs):
    importer(instructeur, orgs)
    c = DossierDS.objects.get(numero=1001).candidature
    pieces = {p.type: p for p in c.pieces.select_related("document", "evenement")}
    assert set(pieces) == {"lettre_motivation", "identite", "diplomes"}
    lettre = pieces["lettre_motivation"]
    contenu = (REPONSES / "fichiers" / "lettre-1001.txt").read_bytes()
    assert b"".join(coffre.ouvrir(lettre.document)) == contenu
    import hashlib

    assert lettre.document.sha256 == hashlib.sha256(contenu).hexdigest()
    assert lettre.document.proprietaire == f"candidature:{c.uuid}"
    feuille = json.loads(bytes(lettre.evenement.feuille))
    assert lettre.evenement.type == "candidatures.piece_deposee" and feuille["document_sha256"] == lettre.document.sha256
    assert Evenement.objects.filter(type="candidatures.importee").count() == 3


def test_report_says_file_by_file_what_could_not_be_mapped(ds, instructeur, orgs):
    imp = importer(instructeur, orgs)
    l1002 = lignes(imp, 1002)
    assert "Champ « Numéro de compagnie » non repris : il n'est pas dans le fichier de correspondance." in l1002
    assert "Pièce « Photographie » non reprise : ce champ n'est pas dans le fichier de correspondance." in l1002
    assert any("Date de naissance « 31/02/1968 »" in ligne and "illisible" in ligne for ligne in l1002)
    assert lignes(imp, 1001) == []  # everything of 1001 was mapped: nothing to say
    assert any("« accepté » sur Démarches Simplifiées" in ligne for ligne in lignes(imp, 1005))
    assert not DossierDS.objects.filter(numero=1005).exists()


def test_a_file_whose_piece_download_fails_is_reported_and_not_half_imported(ds, instructeur, orgs):
    imp = importer(instructeur, orgs)
    (ligne,) = lignes(imp, 1003)
    assert "Pièce « Pièce d'identité » (absente-1003.txt) : le téléchargement a échoué (HTTP 404)" in ligne
    assert "il le sera au prochain import" in ligne
    # Its first piece was downloaded before the failure: nothing of it stays, neither row nor object.
    assert "/fichiers/lettre-1003.txt" in ds.telechargements
    assert not DossierDS.objects.filter(numero=1003).exists()
    assert not Candidature.objects.filter(nom="Petit").exists()
    assert not Utilisateur.objects.filter(email="jeanne.petit@exemple.fr").exists()
    assert Document.objects.count() == Piece.objects.count() == 5
    assert objets_stockes() == Document.objects.count()
    # The file after it was imported.
    assert DossierDS.objects.filter(numero=1004).exists()


def test_importing_again_duplicates_nothing_and_a_changed_file_updates_its_candidature(ds, instructeur, orgs):
    importer(instructeur, orgs)
    c = DossierDS.objects.get(numero=1001).candidature
    avant = (Candidature.objects.count(), Piece.objects.count(), Document.objects.count())

    imp = importer(instructeur, orgs)  # nothing changed on DS
    assert (imp.crees, imp.mis_a_jour, imp.inchanges) == (0, 0, 3)
    assert (Candidature.objects.count(), Piece.objects.count(), Document.objects.count()) == avant

    ds.scenario = "modifie"  # 1001 changed on DS: new profession, a new piece
    telecharges = len(ds.telechargements)
    imp = importer(instructeur, orgs)
    assert (imp.crees, imp.mis_a_jour, imp.inchanges) == (0, 1, 2), imp.rapport
    c.refresh_from_db()
    assert c.profession == "Ingénieure hydraulicienne, experte en piscines"
    assert Candidature.objects.count() == avant[0]
    assert set(c.pieces.values_list("type", flat=True)) == {"lettre_motivation", "identite", "diplomes", "justificatif_activite"}
    # Only the new piece was fetched again (1003 is retried, and fails again).
    nouveaux = [t for t in ds.telechargements[telecharges:] if "1003" not in t]
    assert nouveaux == ["/fichiers/justificatif-1001-v2.txt"]
    d = DossierDS.objects.get(numero=1001)
    assert d.modifie_ds_le.isoformat() == "2026-01-20T15:45:00+00:00" and d.dernier_import == imp
    assert Evenement.objects.filter(type="candidatures.importee_mise_a_jour").count() == 1


def test_a_changed_file_already_decided_here_is_not_changed(ds, instructeur, orgs):
    importer(instructeur, orgs)
    c = DossierDS.objects.get(numero=1001).candidature
    Candidature.objects.filter(pk=c.pk).update(etat=Etat.CLASSEE)
    ds.scenario = "modifie"
    imp = importer(instructeur, orgs)
    assert imp.mis_a_jour == 0
    assert any("« classée sans suite » ici" in ligne for ligne in lignes(imp, 1001))
    c.refresh_from_db()
    assert c.profession == "Ingénieure hydraulicienne" and c.pieces.count() == 3


def test_a_file_violating_the_schema_is_refused_with_its_place_the_others_go_on(ds, instructeur, orgs):
    ds.scenario = "non-conforme"
    imp = importer(instructeur, orgs)
    assert imp.etat == EtatImport.TERMINE
    (ligne,) = lignes(imp, 2001)
    assert ligne.startswith("demarche.dossiers.nodes.0.state : Enum 'DossierState' cannot represent value: 'archive'")
    titres = [r["titre"] for r in imp.rapport]
    assert "Dossier n° 2001 refusé : la réponse ne respecte pas le schéma de Démarches Simplifiées" in titres
    assert any("nodes.2.dateDepot : Cannot return null for non-nullable field Dossier.dateDepot." in x for x in lignes(imp, 2003))
    assert set(DossierDS.objects.values_list("numero", flat=True)) == {2002}
    assert (imp.crees, imp.ecartes) == (1, 2)


def test_an_answer_violating_the_schema_outside_any_file_stops_the_import(ds, instructeur, orgs):
    ds.scenario = "pagination-non-conforme"
    imp = importer(instructeur, orgs)
    assert imp.etat == EtatImport.ECHEC and "ne respecte pas son schéma" in imp.message
    assert imp.rapport[0]["lignes"] == [
        "demarche.dossiers.pageInfo.hasNextPage : Cannot return null for non-nullable field PageInfo.hasNextPage."
    ]
    assert not DossierDS.objects.exists()


def test_refused_token_stops_with_a_french_message(ds, instructeur, orgs, settings, tmp_path):
    (tmp_path / "autre").write_text("mauvais-jeton")
    settings.DS_JETON_FICHIER = str(tmp_path / "autre")
    imp = importer(instructeur, orgs)
    assert imp.etat == EtatImport.ECHEC
    assert imp.message.startswith("Démarches Simplifiées refuse le jeton d'accès (HTTP 401)")


def test_ds_unreachable_stops_with_a_french_message(ds, instructeur, orgs, settings):
    settings.DS_API_URL = "http://127.0.0.1:9/api/v2/graphql"
    imp = importer(instructeur, orgs)
    assert imp.etat == EtatImport.ECHEC and imp.message.startswith("Démarches Simplifiées ne répond pas")


@pytest.mark.parametrize("contenu", [None, "", "deux mots"])
def test_missing_or_empty_token_file_refuses_to_launch_and_records_nothing(ds, instructeur, orgs, settings, tmp_path, contenu):
    chemin = tmp_path / "jeton-absent"
    if contenu is not None:
        chemin.write_text(contenu)
    settings.DS_JETON_FICHIER = str(chemin)
    from justexpert.comptes.services import RefusService

    with pytest.raises(RefusService, match="jeton d'accès à (l'API de )?Démarches Simplifiées"):
        services.creer(acteur=instructeur, cour=orgs["PARIS"], type_candidature="initiale")
    assert not ImportDS.objects.exists()
