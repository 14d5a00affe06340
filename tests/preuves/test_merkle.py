"""RFC 9162 arithmetic: the published vectors, and random trees against a naive implementation."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from justexpert.preuves import merkle
from justexpert.preuves.verificateur import PreuveInvalide, verifier_coherence, verifier_inclusion
from tests.conftest import exemples

VECTEURS = Path(__file__).parent / "vectors"


def _cas(dossier: str) -> list[Path]:
    return sorted((VECTEURS / dossier).rglob("*.json"))


def _b(valeur: str | None) -> bytes:
    return base64.b64decode(valeur or "")


@pytest.mark.parametrize("chemin", _cas("inclusion"), ids=lambda p: str(p.relative_to(VECTEURS)))
def test_inclusion_vector_is_accepted_or_rejected_as_published(chemin):
    cas = json.loads(chemin.read_text())
    preuve = [_b(p) for p in cas["proof"] or []]
    try:
        verifier_inclusion(cas["leafIdx"], cas["treeSize"], _b(cas["leafHash"]), preuve, _b(cas["root"]))
        accepte = True
    except PreuveInvalide:
        accepte = False
    assert accepte is not cas["wantErr"], cas["desc"]


@pytest.mark.parametrize("chemin", _cas("consistency"), ids=lambda p: str(p.relative_to(VECTEURS)))
def test_consistency_vector_is_accepted_or_rejected_as_published(chemin):
    cas = json.loads(chemin.read_text())
    preuve = [_b(p) for p in cas["proof"] or []]
    try:
        verifier_coherence(cas["size1"], cas["size2"], _b(cas["root1"]), _b(cas["root2"]), preuve)
        accepte = True
    except PreuveInvalide:
        accepte = False
    assert accepte is not cas["wantErr"], cas["desc"]


def test_every_vector_file_was_run():
    assert len(_cas("inclusion")) + len(_cas("consistency")) >= 190


# --- naive reference (RFC 9162 §2.1.3.1 and §2.1.4.1, recursive over the leaf data) -------------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def chemin_naif(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return chemin_naif(m, d[:k]) + [merkle.mth_naif(d[k:])]
    return chemin_naif(m - k, d[k:]) + [merkle.mth_naif(d[:k])]


def sous_preuve_naive(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [merkle.mth_naif(d)]
    k = _k(len(d))
    if m <= k:
        return sous_preuve_naive(m, d[:k], b) + [merkle.mth_naif(d[k:])]
    return sous_preuve_naive(m - k, d[k:], False) + [merkle.mth_naif(d[:k])]


class Stockage:
    """In-memory stand-in for the node tables, counting reads."""

    def __init__(self, feuilles: list[bytes]):
        self.noeuds: dict[merkle.Noeud, bytes] = {}
        self.frontiere: list[bytes] = []
        self.lectures = 0
        for i, f in enumerate(feuilles):
            h = merkle.hash_feuille(f)
            self.noeuds[(0, i)] = h
            for n, v in merkle.ajouter_feuille(i, self.frontiere, h):
                self.noeuds[n] = v

    def lire(self, noeuds):
        noeuds = set(noeuds)
        self.lectures += len(noeuds)
        return {n: self.noeuds[n] for n in noeuds}


@settings(max_examples=exemples(150), deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70), st.data())
def test_random_trees_match_the_naive_implementation(feuilles, data):
    stock = Stockage(feuilles)
    n = len(feuilles)
    assert merkle.racine_frontiere(stock.frontiere) == merkle.mth_naif(feuilles)
    taille = data.draw(st.integers(1, n))
    index = data.draw(st.integers(0, taille - 1))
    racine = merkle.mth_naif(feuilles[:taille])
    preuve = merkle.noeuds_preuve_inclusion(index, taille, stock.lire)
    assert preuve == chemin_naif(index, feuilles[:taille])
    verifier_inclusion(index, taille, merkle.hash_feuille(feuilles[index]), preuve, racine)
    taille1 = data.draw(st.integers(1, taille))
    coherence = merkle.noeuds_preuve_coherence(taille1, taille, stock.lire)
    assert coherence == (sous_preuve_naive(taille1, feuilles[:taille], True) if taille1 < taille else [])
    verifier_coherence(taille1, taille, merkle.mth_naif(feuilles[:taille1]), racine, coherence)


def test_proofs_read_a_logarithmic_number_of_stored_nodes():
    feuilles = [str(i).encode() for i in range(5000)]
    stock = Stockage(feuilles)
    for index, taille in [(0, 5000), (4999, 5000), (1234, 4097), (2047, 2049), (17, 3333)]:
        stock.lectures = 0
        merkle.noeuds_preuve_inclusion(index, taille, stock.lire)
        assert stock.lectures <= 2 * 13
        stock.lectures = 0
        merkle.noeuds_preuve_coherence(index + 1, taille, stock.lire)
        assert stock.lectures <= 2 * 13


def test_a_flipped_bit_anywhere_in_a_proof_is_rejected():
    feuilles = [bytes([i]) for i in range(11)]
    stock = Stockage(feuilles)
    racine = merkle.mth_naif(feuilles)
    preuve = merkle.noeuds_preuve_inclusion(6, 11, stock.lire)
    for i, p in enumerate(preuve):
        for octet in range(32):
            alteree = list(preuve)
            alteree[i] = p[:octet] + bytes([p[octet] ^ 1]) + p[octet + 1 :]
            with pytest.raises(PreuveInvalide):
                verifier_inclusion(6, 11, merkle.hash_feuille(feuilles[6]), alteree, racine)
