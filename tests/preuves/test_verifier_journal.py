"""manage.py verifier_journal detects every raw SQL edit of checkpointed rows."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from justexpert.preuves import controle, services
from justexpert.preuves.models import Evenement, Journal, Noeud, PointDeControle


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
        Evenement.objects.create(index=i, type="depot", objet_ref="y", feuille=f, hash_feuille=h, cree_le="2026-01-01T00:00:00Z")
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
