"""Issue 28: the sealed PDFs a case keeps (convocations) get a new document timestamp before the
last one's certificate expires, as an archive version beside the deposited bytes; the download
serves the newest copy, the verify page recognises it as the deposited document.

The convocation to extend is sealed by a short-lived certificate of the built-in authority (issued
by its own CA, so the roots and CRL are the platform's), then the ordinary certificate (10 years)
extends it: the same situation as a real authority renewing its certificate."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import json
import subprocess
import sys
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation import ades, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from justexpert.coffre import services as coffre
from justexpert.coffre.models import Document
from justexpert.coffre.stockage import stockage
from justexpert.expertises import depots, prolongation
from justexpert.expertises.models import Depot, Etat
from justexpert.lib.temps import maintenant
from justexpert.preuves import conf, sceau
from justexpert.preuves import services as preuves
from justexpert.preuves.models import Evenement
from justexpert.preuves.televersement import EmpreintesRevisions
from tests.conftest import texte
from tests.preuves.pdfsig import pdfsig
from tests.preuves.test_ancres import DANS_VINGT_ANS, OUTIL, _specification

from .outils_depots import en_cours, etat

COURTE_JOURS = 365  # the first timestamp's certificate: well within the 2-year margin


def tsa_courte(jours: int = COURTE_JOURS) -> conf.TsaIntegree:
    """A certificate of the built-in authority valid ``jours`` days, issued by its CA."""
    tsa = conf.tsa_integree()
    cle_ac = serialization.load_pem_private_key((conf._secrets() / "tsa-integree-ac-cle.pem").read_bytes(), None)
    assert isinstance(cle_ac, ec.EllipticCurvePrivateKey)
    cle = ec.generate_private_key(ec.SECP256R1())
    debut = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(tsa.certificat.subject)
        .issuer_name(tsa.ac.subject)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(debut - dt.timedelta(days=1))
        .not_valid_after(debut + dt.timedelta(days=jours))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(cle.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(cle_ac.public_key()), critical=False)
        .add_extension(conf.point_de_distribution(conf.CHEMIN_CRL_TSA), critical=False)
        .sign(cle_ac, hashes.SHA256())
    )
    return conf.TsaIntegree(cle=cle, certificat=cert, ac=tsa.ac)


def convoquer(dossier, expert, capture, *, jours: int = 8) -> Depot:
    with capture(execute=True):  # the checkpoint is cut and timestamped: receipts are complete
        return depots.convoquer(
            acteur=expert, expertise=dossier, reunion_le=maintenant() + dt.timedelta(days=jours), lieu="Cabinet, Paris"
        )


@pytest.fixture
def convocations(dossier, expert, monkeypatch, django_capture_on_commit_callbacks):
    """(one sealed under the short-lived certificate, one under the ordinary one)."""
    en_cours(dossier)
    ordinaire = conf.tsa_integree()
    courte = tsa_courte()
    monkeypatch.setattr(conf, "tsa_integree", lambda: courte)
    proche = convoquer(dossier, expert, django_capture_on_commit_callbacks)
    monkeypatch.setattr(conf, "tsa_integree", lambda: ordinaire)
    lointaine = convoquer(dossier, expert, django_capture_on_commit_callbacks, jours=9)
    return proche, lointaine


def contenu(document: Document) -> bytes:
    return b"".join(coffre.ouvrir(document))


def prolonger(capture) -> dict[str, int]:
    with capture(execute=True):
        return prolongation.prolonger_sceaux()


def test_the_task_is_scheduled_daily_and_runs_through_the_tasks_api(convocations, settings):
    from django.utils.module_loading import import_string

    assert ("justexpert.expertises.tasks.prolonger_sceaux", 24 * 3600) in settings.TACHES_PERIODIQUES
    tache = import_string("justexpert.expertises.tasks.prolonger_sceaux")
    assert tache.enqueue().return_value == {"prolonges": 1, "inchanges": 0, "erreurs": 0}


def test_the_task_extends_what_expires_within_the_margin_only_and_once(
    convocations, django_capture_on_commit_callbacks, settings
):
    assert settings.PREUVES_MARGE_PROLONGATION_JOURS == 730
    proche, lointaine = convocations
    depose = contenu(proche.document)
    assert proche.fin_horodatage < maintenant() + dt.timedelta(days=730) < lointaine.fin_horodatage

    assert prolonger(django_capture_on_commit_callbacks) == {"prolonges": 1, "inchanges": 0, "erreurs": 0}
    proche.refresh_from_db()
    [version] = proche.document.versions.all()
    copie = contenu(version)
    # The deposited document is untouched, its hash is still the one of the deposit's event.
    assert contenu(proche.document) == depose and hashlib.sha256(depose).hexdigest() == proche.document.sha256
    assert json.loads(bytes(proche.evenement.feuille))["document_sha256"] == proche.document.sha256
    # The copy appends a document timestamp of the ordinary certificate; the old revisions stay.
    assert copie.startswith(depose) and len(copie) > len(depose)
    assert version.proprietaire == proche.document.proprietaire and version.nom == proche.document.nom
    assert proche.fin_horodatage == conf.tsa_integree().certificat.not_valid_after_utc
    assert coffre.version_courante(proche.document) == version
    # The extension is an event of the evidence log: the copy's hash, the deposited one in details.
    [ev] = Evenement.objects.filter(type=preuves.TYPE_PROLONGATION)
    feuille = json.loads(bytes(ev.feuille))
    assert feuille["objet"] == str(proche.uuid) and feuille["dossier"] == str(proche.expertise.uuid)
    assert feuille["document_sha256"] == version.sha256 == hashlib.sha256(copie).hexdigest()
    assert feuille["details"] == {"document_depose": proche.document.sha256}
    assert not lointaine.document.versions.exists()

    # Idempotent: nothing is left within the margin.
    assert prolonger(django_capture_on_commit_callbacks) == {"prolonges": 0, "inchanges": 0, "erreurs": 0}
    assert Document.objects.filter(version_de__isnull=False).count() == 1
    assert Evenement.objects.filter(type=preuves.TYPE_PROLONGATION).count() == 1


def test_an_authority_certificate_that_brings_nothing_stops_the_run(convocations, django_capture_on_commit_callbacks, caplog):
    """Simulated clock nine years on: every document is within the margin, but the authority's
    certificate is the one they already carry: nothing is stored, the error is logged."""
    prolonger(django_capture_on_commit_callbacks)
    avant = Document.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        compte = prolongation.prolonger_sceaux(maintenant() + dt.timedelta(days=9 * 365))
    assert compte == {"prolonges": 0, "inchanges": 0, "erreurs": 1}
    assert Document.objects.count() == avant
    assert "renew its certificate" in caplog.text


def _dernier_horodatage_valide_le(document: bytes, quand: dt.datetime) -> bool:
    """The newest document timestamp validated at ``quand`` (no simulation: its certificate must
    still be valid then; revocation as the platform checks it today)."""
    dernier = PdfFileReader(io.BytesIO(document)).embedded_timestamp_signatures[-1]
    contexte = ValidationContext(
        trust_roots=sceau.ancres_horodatage(),
        moment=quand,
        allow_fetching=False,
        revocation_mode="soft-fail",
        retroactive_revinfo=True,
    )
    statut = validate_pdf_timestamp(dernier, validation_context=contexte)
    return statut.intact and statut.valid and statut.trusted


def test_the_extended_copy_validates_after_the_first_timestamp_certificate_expired(
    convocations, django_capture_on_commit_callbacks
):
    proche, _ = convocations
    prolonger(django_capture_on_commit_callbacks)
    proche.refresh_from_db()
    depose, copie = contenu(proche.document), contenu(coffre.version_courante(proche.document))
    premier = PdfFileReader(io.BytesIO(copie)).embedded_timestamp_signatures[0].signer_cert
    quand = maintenant() + dt.timedelta(days=3 * 365)
    assert premier.not_valid_after < quand < conf.tsa_integree().certificat.not_valid_after_utc

    # pyHanko's PAdES long-term validation at that date: the seal is valid.
    sceau_pdf = PdfFileReader(io.BytesIO(copie)).embedded_signatures[0]
    resultat = asyncio.run(ades.simulate_future_ades_lta_validation(sceau_pdf, _specification(), future_validation_time=quand))
    assert resultat.ades_subindic == AdESPassed.OK, resultat.failure_msg
    # And in 2046, after every certificate expired (the seal's, both timestamps').
    vingt_ans = asyncio.run(
        ades.simulate_future_ades_lta_validation(sceau_pdf, _specification(), future_validation_time=DANS_VINGT_ANS)
    )
    assert vingt_ans.ades_subindic == AdESPassed.OK, vingt_ans.failure_msg
    # What the extension changes: the newest timestamp can still be validated then; the
    # deposited copy's newest one cannot (its certificate expired).
    assert _dernier_horodatage_valide_le(copie, quand)
    assert not _dernier_horodatage_valide_le(depose, quand)

    # poppler's pdfsig accepts today's extended copy: the seal valid and trusted.
    sortie = pdfsig(copie, racines=[sceau.sceau().ancres[0].public_bytes(serialization.Encoding.PEM)])
    assert "Signature Validation: Signature is Valid." in sortie.split("Signature #2")[0]
    assert "Certificate Validation: Certificate is Trusted." in sortie.split("Signature #2")[0]
    assert "Invalid" not in sortie and "Mismatch" not in sortie


def _verifier(client, recu: dict, document: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/preuves/verifier/",
        {
            "accuse": SimpleUploadedFile("accuse.json", json.dumps(recu).encode(), "application/json"),
            "document": SimpleUploadedFile("convocation.pdf", document, "application/pdf"),
        },
    )


def test_the_verify_page_recognises_the_extended_copy_as_the_deposited_document(
    client, convocations, django_capture_on_commit_callbacks, avocat_partie_a
):
    proche, _ = convocations
    prolonger(django_capture_on_commit_callbacks)
    recu = preuves.accuse(proche.evenement)
    depose, copie = contenu(proche.document), contenu(coffre.version_courante(proche.document))

    bonne = _verifier(client, recu, copie)
    assert bonne.context["resume"].verdict == "valide"
    mots = texte(bonne)
    assert "copie prolongée du document déposé le" in mots and "ajouté des horodatages, le" in mots
    assert f"ses {len(depose)} premiers octets sont exactement ce document" in mots
    assert "une copie déjà téléchargée ne peut pas l'être" in mots and "Z" not in mots.split("copie prolongée")[1][:80]

    # The deposited bytes themselves: exactly the document.
    assert "exactement celui de cet accusé" in texte(_verifier(client, recu, depose))
    # A lawyer's opening receipt (same document): the copy is recognised too.
    with django_capture_on_commit_callbacks(execute=True):
        ouverture = depots.ouvrir(acteur=avocat_partie_a, depot=proche)
    assert ouverture is not None
    ouvert = _verifier(client, preuves.accuse(ouverture.evenement), copie)
    assert "une copie prolongée du document de cet accusé" in texte(ouvert)

    # The first revision altered (one byte of the deposited part): not the document.
    alteree = bytearray(copie)
    position = alteree.index(b"/Producer")
    alteree[position + 2] = ord("x")
    mauvaise = _verifier(client, recu, bytes(alteree))
    assert mauvaise.context["resume"].verdict == "invalide"
    assert "n'est pas celui de cet accusé" in texte(mauvaise)

    # The deposited bytes followed by a revision nobody recorded: the start is recognised, the
    # whole is not accepted as the document.
    ajout = depose + b"1 0 obj\n(autre chose)\nendobj\ntrailer\n<<>>\n%%EOF\n"
    etrangere = _verifier(client, recu, ajout)
    assert etrangere.context["resume"].verdict == "invalide"
    assert "la suite n'a pas été ajoutée par cette plateforme" in texte(etrangere)


def test_the_offline_tool_recognises_the_extended_copy_too(client, convocations, django_capture_on_commit_callbacks, tmp_path):
    """What a lawyer keeps for twenty years (docs/preuves.md): the receipt, the anchors, the copy."""
    proche, _ = convocations
    prolonger(django_capture_on_commit_callbacks)
    copie = contenu(coffre.version_courante(proche.document))
    (tmp_path / "accuse.json").write_text(json.dumps(preuves.accuse(proche.evenement)))
    (tmp_path / "ancres.json").write_bytes(client.get("/preuves/ancres.json").content)

    def outil(document: bytes) -> subprocess.CompletedProcess:
        (tmp_path / "convocation.pdf").write_bytes(document)
        arguments = ["--document", str(tmp_path / "convocation.pdf"), "--ancres", str(tmp_path / "ancres.json")]
        return subprocess.run(
            [sys.executable, "-I", str(OUTIL), str(tmp_path / "accuse.json"), *arguments], capture_output=True, text=True
        )

    bonne = outil(copie)
    assert bonne.returncode == 0, bonne.stdout + bonne.stderr
    assert f"Les {proche.document.taille} premiers octets du document fourni sont exactement le document" in bonne.stdout
    assert "copie prolongée" in bonne.stdout
    alteree = bytearray(copie)
    alteree[alteree.index(b"/Producer") + 2] = ord("x")
    mauvaise = outil(bytes(alteree))
    assert mauvaise.returncode == 1 and "n'est PAS celui de l'événement" in mauvaise.stdout


def test_a_fault_while_storing_leaves_no_orphan_and_the_original_served(
    client, convocations, django_capture_on_commit_callbacks, monkeypatch, expert
):
    proche, _ = convocations
    objets = {nom for nom, _ in stockage().lister()}
    en_attente = set(stockage().staging.glob("*"))
    lignes = Document.objects.count()

    def panne(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("le journal tombe au milieu de l'enregistrement")

    # 1. The evidence event fails after the encrypted copy was made durable under its id.
    monkeypatch.setattr(preuves, "enregistrer_prolongation", panne)
    assert prolonger(django_capture_on_commit_callbacks)["erreurs"] == 1
    # 2. The storage fails in the middle of writing the copy.
    monkeypatch.undo()
    from justexpert.coffre import stockage as module_stockage

    monkeypatch.setattr(module_stockage.EcrivainLocal, "ecrire", panne)
    assert prolonger(django_capture_on_commit_callbacks)["erreurs"] == 1

    assert Document.objects.count() == lignes and not proche.document.versions.exists()
    assert {nom for nom, _ in stockage().lister()} == objets  # no object without its row
    assert set(stockage().staging.glob("*")) == en_attente  # no staging file left
    assert not Evenement.objects.filter(type=preuves.TYPE_PROLONGATION).exists()
    proche.refresh_from_db()
    assert proche.fin_horodatage < maintenant() + dt.timedelta(days=730)  # still due: the next run retries
    client.force_login(expert)
    reponse = client.get(reverse("expertises:telecharger", args=[proche.expertise.uuid, proche.uuid]))
    assert b"".join(reponse.streaming_content) == contenu(proche.document)


def test_the_extended_copy_follows_the_access_rules_of_the_document(
    client, convocations, django_capture_on_commit_callbacks, expert, avocat_partie_a, magistrat, invitee, magistrat_autre_cour
):
    proche, _ = convocations
    prolonger(django_capture_on_commit_callbacks)
    e = proche.expertise
    url = reverse("expertises:telecharger", args=[e.uuid, proche.uuid])
    copie, depose = contenu(coffre.version_courante(proche.document)), contenu(proche.document)
    for user in (expert, avocat_partie_a, magistrat):
        client.force_login(user)
        assert b"".join(client.get(url).streaming_content) == copie
        assert b"".join(client.get(url + "?version=deposee").streaming_content) == depose
        page = texte(client.get(reverse("expertises:detail", args=[e.uuid])))
        assert "horodatage prolongé le" in page and "Une copie déjà téléchargée ne peut pas être prolongée" in page
        assert "Le document tel que déposé" in page
        [api] = [d for d in client.get(f"/api/v1/expertises/{e.uuid}/documents").json() if d["uuid"] == str(proche.uuid)]
        assert api["prolonge_le"] is not None and api["sha256"] == proche.document.sha256
    for user in (invitee, magistrat_autre_cour):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(url + "?version=deposee").status_code == 404


def test_the_purge_destroys_the_extended_copies_with_the_document(convocations, django_capture_on_commit_callbacks):
    proche, _ = convocations
    prolonger(django_capture_on_commit_callbacks)
    version = coffre.version_courante(proche.document)
    e = etat(proche.expertise, Etat.CLOSE, close_le=maintenant() - dt.timedelta(days=400))
    depots.purger(e)
    version.refresh_from_db()
    assert version.est_detruit
    assert not prolongation.a_prolonger().exists()  # nothing served, nothing to extend


@pytest.mark.parametrize("morceau", [1, 2, 3, 5, 6, 7, 64, 1 << 20])
def test_revision_hashes_are_found_across_chunk_boundaries(morceau):
    document = b"%PDF-1.7\n%%EOF\nA%%EOF\r\nB" * 3 + b"%%EOF\rC%%EOF"
    empreintes = EmpreintesRevisions()
    for i in range(0, len(document), morceau):
        empreintes.update(document[i : i + morceau])
    assert empreintes.hexdigest() == hashlib.sha256(document).hexdigest()
    attendues = {
        hashlib.sha256(document[:n]).hexdigest(): n
        for n in range(len(document) + 1)
        if document[:n].endswith((b"%%EOF", b"%%EOF\n", b"%%EOF\r", b"%%EOF\r\n"))
    }
    assert empreintes.revisions == attendues


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a database that waits for locks")
@pytest.mark.django_db(transaction=True)
def test_two_workers_extending_the_same_convocation_store_one_copy_on_postgresql(convocations, monkeypatch):
    proche, _ = convocations
    objets = {nom for nom, _ in stockage().lister()}
    ensemble = threading.Barrier(2)
    prolonger_vraiment = sceau.prolonger

    def prolonger_ensemble(pdf: bytes) -> bytes:  # both have read the same copy and extended it
        copie = prolonger_vraiment(pdf)
        ensemble.wait(timeout=30)
        return copie

    monkeypatch.setattr(sceau, "prolonger", prolonger_ensemble)
    resultats: list[object] = []

    def travailler() -> None:
        try:
            resultats.append(prolongation.prolonger(Depot.objects.get(pk=proche.pk)))
        except BaseException as exc:  # noqa: B036 (reported by the main thread)
            resultats.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=travailler) for _ in range(2)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert sorted(type(r).__name__ for r in resultats) == ["Document", "NoneType"], resultats
    assert proche.document.versions.count() == 1
    assert Evenement.objects.filter(type=preuves.TYPE_PROLONGATION).count() == 1
    [version] = proche.document.versions.all()
    assert {nom for nom, _ in stockage().lister()} == objets | {version.nom_objet}  # the loser's copy is gone
