"""manage.py verifier_journal detects every raw SQL edit of checkpointed rows."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from justexpert.preuves import controle, services
from justexpert.preuves.models import Evenement, Journal, Noeud, PointDeControle, colonnes_de_feuille


def _sql(requete: str, *params) -> None:
    requete = requete.replace("{e}", connection.ops.quote_name(Evenement._meta.db_table))
    requete = requete.replace("{n}", connection.ops.quote_name(Noeud._meta.db_table))
    requete = requete.replace("{p}", connection.ops.quote_name(PointDeControle._meta.db_table))
    requete = requete.replace("{index}", connection.ops.quote_name("index"))
    with connection.cursor() as curseur:
        curseur.execute(requete, params)


@pytest.fixture
def journal(consigner):
    for _ in range(3):
        consigner(4)
    return list(Evenement.objects.order_by("index"))


def _echoue(*args) -> str:
    with pytest.raises(CommandError) as erreur:
        call_command("verifier_journal", *args)
    return str(erreur.value)


def test_intact_log_passes(journal, capsys):
    call_command("verifier_journal")
    assert "Journal de preuves intact" in capsys.readouterr().out


def test_edited_leaf_is_detected(journal):
    feuille = bytes(journal[5].feuille).replace(b"depot", b"retrait")
    _sql("UPDATE {e} SET feuille = %s WHERE {index} = 5", feuille)
    assert "altéré" in _echoue()


def test_edited_leaf_with_recomputed_hash_is_detected(journal):
    from justexpert.preuves.merkle import hash_feuille

    feuille = bytes(journal[5].feuille).replace(b"depot", b"retrait")
    _sql("UPDATE {e} SET feuille = %s, hash_feuille = %s WHERE {index} = 5", feuille, hash_feuille(feuille))
    assert "altéré" in _echoue()


def test_deleted_row_is_detected(journal):
    _sql("DELETE FROM {e} WHERE {index} = 7")
    assert "altéré" in _echoue()


def test_deleted_last_rows_are_detected(journal):
    _sql("DELETE FROM {e} WHERE {index} >= 10")
    assert "altéré" in _echoue()


def test_inserted_row_is_detected(journal):
    _sql("UPDATE {e} SET {index} = {index} + 100 WHERE {index} >= 6")
    _sql("UPDATE {e} SET {index} = {index} - 99 WHERE {index} >= 106")
    e = journal[0]
    _sql(
        "INSERT INTO {e} ({index}, uuid, type, objet_ref, dossier_ref, feuille, hash_feuille, cree_le) "
        "VALUES (6, %s, 'depot', 'x', '', %s, %s, %s)",
        "0" * 32 if connection.vendor == "sqlite" else "00000000-0000-0000-0000-000000000000",
        bytes(e.feuille),
        bytes(e.hash_feuille),
        e.cree_le,
    )
    assert "altéré" in _echoue()


def test_reordered_rows_are_detected(journal):
    _sql("UPDATE {e} SET {index} = -1 WHERE {index} = 2")
    _sql("UPDATE {e} SET {index} = 2 WHERE {index} = 3")
    _sql("UPDATE {e} SET {index} = 3 WHERE {index} = -1")
    assert "altéré" in _echoue()


def test_edited_node_is_detected(journal):
    _sql("UPDATE {n} SET hash = %s WHERE cle = (SELECT MIN(cle) FROM {n})", b"\x00" * 32)
    assert "altéré" in _echoue()


def test_edited_checkpoint_is_detected(journal):
    _sql("UPDATE {p} SET racine = %s WHERE taille = 8", b"\x01" * 32)
    assert "altéré" in _echoue()


def test_rewrite_of_log_and_checkpoints_is_caught_by_a_witness(journal, tmp_path, consigner):
    temoin = tmp_path / "temoin.txt"
    temoin.write_text(controle.texte_temoin())
    call_command("verifier_journal", "--temoin", str(temoin))
    # The attacker (holding the key) rewrites event 1, then every node, row and checkpoint.
    feuilles = [bytes(e.feuille) for e in journal]
    feuilles[1] = feuilles[1].replace(b"depot", b"retrait")
    _sql("DELETE FROM {n}")
    _sql("DELETE FROM {p}")
    Journal.objects.all().delete()
    _reconstruire(feuilles)
    for taille in (4, 8, 12):
        _couper(taille)
    call_command("verifier_journal")  # consistent on its own…
    assert "altéré" in _echoue("--temoin", str(temoin))  # …but not with the witness


def _reconstruire(feuilles: list[bytes]) -> None:
    """Rebuild nodes and the sequencing row from leaf data, as a key-holding attacker would."""
    from justexpert.preuves import merkle

    _sql("DELETE FROM {e}")  # raw SQL, as an attacker would (and no cascade collection)
    frontiere: list[bytes] = []
    noeuds = []
    for i, f in enumerate(feuilles):
        h = merkle.hash_feuille(f)
        Evenement.objects.create(index=i, feuille=f, hash_feuille=h, **colonnes_de_feuille(f))
        noeuds += [Noeud(cle=merkle.cle_noeud(*n), hash=v) for n, v in merkle.ajouter_feuille(i, frontiere, h)]
    Noeud.objects.bulk_create(noeuds)
    Journal.objects.create(pk=1, taille=len(feuilles), frontiere=b"".join(frontiere))


def _couper(taille: int) -> None:
    import base64

    from justexpert.preuves import conf

    racine = services.racine(taille)
    corps = f"{conf.origine()}\n{taille}\n{base64.b64encode(racine).decode()}\nhorodatage 2026-01-01T00:00:00.000000Z\n"
    PointDeControle.objects.create(taille=taille, racine=racine, note=services.signer_note(corps), cree_le="2026-01-01T00:00:00Z")


def test_altered_timestamp_token_is_detected_with_jetons(journal):
    point = PointDeControle.objects.get(taille=8)
    jeton = bytearray(bytes(point.jeton))
    jeton[-5] ^= 0x01
    _sql("UPDATE {p} SET jeton = %s WHERE taille = 8", bytes(jeton))
    call_command("verifier_journal")  # tokens are checked on receipt; the default audit skips them
    assert "altéré" in _echoue("--jetons")


def test_log_key_rotation_keeps_old_checkpoints_verifiable(journal, consigner, monkeypatch, capsys):
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from justexpert.preuves import conf

    ancienne = base64.b64encode(conf.cle_publique_journal()).decode()
    nouvelle = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    monkeypatch.setenv("JUSTEXPERT_PREUVES_CLE", nouvelle.decode())
    consigner(2)  # checkpoints now signed by the new key
    # Without the retired key, the old checkpoints no longer verify: rotation needs it listed.
    assert "altéré" in _echoue()
    monkeypatch.setenv("JUSTEXPERT_PREUVES_CLES_RETIREES", ancienne)
    call_command("verifier_journal")
    assert "Journal de preuves intact" in capsys.readouterr().out
    monkeypatch.setenv("JUSTEXPERT_PREUVES_CLES_RETIREES", "pas-une-cle")
    with pytest.raises(Exception, match="JUSTEXPERT_PREUVES_CLES_RETIREES"):
        call_command("verifier_journal")


# --- Issue 17 items 5 and 7: columns outside the hash, leaves of the wrong type ------------------


def _uuid_sql(valeur) -> str:
    return valeur.hex if connection.vendor == "sqlite" else str(valeur)


@pytest.mark.parametrize("colonne", ["type", "objet_ref", "dossier_ref", "cree_le", "uuid"])
def test_edited_column_derived_from_the_leaf_is_detected(journal, colonne):
    import datetime as dt
    import uuid

    valeurs = {
        "type": services.TYPE_DESTRUCTION,
        "objet_ref": str(uuid.uuid4()),
        "dossier_ref": "",
        "cree_le": journal[5].cree_le - dt.timedelta(days=400),
        "uuid": _uuid_sql(uuid.uuid4()),
    }
    _sql(f"UPDATE {{e}} SET {connection.ops.quote_name(colonne)} = %s WHERE {{index}} = 5", valeurs[colonne])  # noqa: S608 (a column name from the list above)
    message = _echoue()
    assert "altéré" in message


def test_the_anomaly_names_the_edited_column(journal, capsys):
    _sql("UPDATE {e} SET objet_ref = %s WHERE {index} = 2", "un-autre-objet")
    _echoue()
    assert "événement n° 2 : la colonne objet_ref ne correspond pas à la feuille" in capsys.readouterr().err


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL's bytea column cannot hold text")
def test_a_leaf_stored_as_text_is_an_anomaly_not_a_crash(journal, capsys):
    _sql("UPDATE {e} SET feuille = CAST(feuille AS TEXT) WHERE {index} = 5")
    _sql("UPDATE {e} SET hash_feuille = lower(hex(hash_feuille)) WHERE {index} = 7")
    assert "altéré" in _echoue()
    erreurs = capsys.readouterr().err
    assert "événement n° 5 : feuille stockée sous un autre type que des octets" in erreurs
    assert "événement n° 7 : empreinte stockée sous un autre type que des octets" in erreurs
    # Everything else was still checked: the other rows are not reported.
    assert "n° 6" not in erreurs and "racine" not in erreurs


@pytest.fixture
def destructions(db, django_capture_on_commit_callbacks):
    """Two destruction events among ordinary ones, recorded through the service."""
    import uuid

    from justexpert.preuves.services import TYPE_DESTRUCTION, enregistrer

    detruits, vivants = [str(uuid.uuid4()), str(uuid.uuid4())], [str(uuid.uuid4()), str(uuid.uuid4())]
    with django_capture_on_commit_callbacks(execute=True):
        for detruit, vivant in zip(detruits, vivants, strict=True):
            enregistrer("depot", acteur_ref="systeme", objet_ref=vivant)
            enregistrer(TYPE_DESTRUCTION, acteur_ref="systeme", objet_ref=detruit)
    return detruits, vivants


def _exporter(*args) -> list[str]:
    import io
    import json

    sortie = io.StringIO()
    call_command("exporter_destructions", *args, stdout=sortie)
    return [json.loads(ligne)["document"] for ligne in sortie.getvalue().splitlines()]


def test_destruction_export_reads_the_leaf_not_the_columns(destructions):
    detruits, vivants = destructions
    assert _exporter("--depuis", "0") == detruits
    # An edited row would otherwise make a restore destroy a live document's key…
    _sql("UPDATE {e} SET objet_ref = %s WHERE objet_ref = %s", vivants[0], detruits[0])
    # …or hide a destruction, or invent one.
    _sql("UPDATE {e} SET type = 'depot' WHERE objet_ref = %s", detruits[1])
    _sql("UPDATE {e} SET type = %s WHERE objet_ref = %s", services.TYPE_DESTRUCTION, vivants[1])
    assert _exporter("--depuis", "0") == detruits
    assert _exporter("--depuis", "2") == detruits[1:]


def test_destruction_export_refuses_a_log_whose_leaves_do_not_match_the_signed_checkpoint(destructions):
    from justexpert.preuves.merkle import hash_feuille

    detruits, vivants = destructions
    evenement = Evenement.objects.get(index=1)
    feuille = bytes(evenement.feuille).replace(detruits[0].encode(), vivants[0].encode())
    _sql("UPDATE {e} SET feuille = %s, hash_feuille = %s WHERE {index} = 1", feuille, hash_feuille(feuille))
    with pytest.raises(CommandError, match="point de contrôle signé"):
        _exporter("--depuis", "0")


def test_receipt_reads_the_leaf_not_the_columns(journal):
    from justexpert.preuves.verificateur import verifier_accuse

    _sql("UPDATE {e} SET type = %s, hash_feuille = %s WHERE {index} = 3", services.TYPE_DESTRUCTION, b"\x00" * 32)
    accuse = services.accuse(Evenement.objects.get(index=3))
    assert accuse["evenement"]["type"] == "depot"
    assert accuse["hash_feuille"] == services.merkle.hash_feuille(bytes(journal[3].feuille)).hex()
    assert verifier_accuse(accuse).valide


def test_unusual_but_genuine_leaves_pass_and_their_edited_columns_are_caught(db, monkeypatch, capsys):
    """The fast column test relies on the canonical leaf's tail; leaves it cannot clear (a detail
    named "dossier", a time with zero microseconds) go through the field-by-field comparison."""
    import datetime as dt

    monkeypatch.setattr(services, "maintenant", lambda: dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC))
    services.enregistrer("depot", acteur_ref="a", objet_ref="o-1", details={"dossier": "d-1"})
    services.enregistrer("depot", acteur_ref="a", objet_ref="o-2", dossier_ref="d-2")
    services.couper_point_de_controle()
    call_command("verifier_journal")
    _sql("UPDATE {e} SET dossier_ref = %s WHERE {index} = 0", "d-1")
    _sql("UPDATE {e} SET type = %s WHERE {index} = 1", 'depot","type":"depot')
    _echoue()
    erreurs = capsys.readouterr().err
    assert "événement n° 0 : la colonne dossier_ref ne correspond pas à la feuille" in erreurs
    assert "événement n° 1 : la colonne type ne correspond pas à la feuille" in erreurs


def test_two_signed_checkpoints_of_one_size_with_different_roots_are_a_fork(journal, tmp_path, capsys):
    """Issue 33 item 3: a witness holds checkpoint 8 as signed by another copy of the log."""
    import base64

    from justexpert.preuves import conf

    racine = base64.b64encode(bytes([7]) * 32).decode()
    autre = f"{conf.origine()}\n8\n{racine}\nhorodatage 2026-01-01T00:00:00.000000Z\n"
    temoin = tmp_path / "temoin.txt"
    temoin.write_text(controle.texte_temoin() + "\n" + services.signer_note(autre))
    _echoue("--temoin", str(temoin))
    assert "FOURCHE : 2 points de contrôle signés de taille 8 ont des racines différentes" in capsys.readouterr().err


def test_the_log_refuses_to_sign_below_or_beside_its_high_water_mark(consigner, caplog):
    """Issue 33 item 3, at the service: a log reset below the highest checkpoint it signed (a
    restore from an older dump) records its events but signs nothing until it extends it."""
    from justexpert.preuves import repere

    consigner(3)
    assert repere.lire()[services.origine_journal()].taille == 3
    # The database goes back (as restored from a dump at size 0); the mark, outside it, does not.
    _sql("DELETE FROM {p}")
    _sql("DELETE FROM {n}")
    _sql("DELETE FROM {e}")
    Journal.objects.update(taille=0, frontiere=b"")
    consigner(2)
    assert "a déjà signé un point de contrôle de taille 3 ; celui-ci n'en a que 2" in caplog.text
    consigner(2)  # past the mark, but not over the history it marks
    assert "ne prolonge pas le point de contrôle de taille 3 déjà signé : signer créerait une fourche" in caplog.text
    assert PointDeControle.objects.count() == 0 and services.taille_journal() == 4
    with pytest.raises(repere.SignatureRefusee):
        services.couper_point_de_controle()


def test_the_fast_column_test_clears_every_genuine_row(consigner, monkeypatch):
    """Genuine rows never need the field-by-field comparison (it is there for edited ones): the
    audit stays near the cost of rehashing (bench/preuves)."""

    def interdit(*args, **kwargs):
        raise AssertionError("field-by-field comparison of a genuine row")

    consigner(3)
    for i in range(3):
        services.enregistrer("depot", acteur_ref="a", objet_ref=f"o-{i}", details={"n": i, "motif": "purge"})
    services.couper_point_de_controle()
    monkeypatch.setattr(controle, "_comparer_colonnes", interdit)
    assert controle.verifier_journal().ok
