"""RFC 9162 Merkle tree arithmetic over stored perfect subtrees (no database access here).

The log stores the hash of every *perfect* subtree: node (niveau, position) covers leaves
[position·2^niveau, (position+1)·2^niveau). Level 0 are the leaf hashes. Any subtree hash of a
tree of size m (RFC 9162 §2.1.1 MTH) is then the fold of at most log2(m) stored perfect nodes, so
an inclusion or consistency proof needs O(log n) stored-node reads and never rehashes the log.

Appending keeps the "frontier": the hashes of the perfect subtrees that make up the current tree,
largest first (their levels are the set bits of the size). Verification of proofs lives in
verificateur.py, shared with the standalone offline verifier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .verificateur import TAILLE_HASH, hash_feuille, hash_noeud

__all__ = [
    "RACINE_VIDE",
    "TAILLE_HASH",
    "ajouter_feuille",
    "cle_noeud",
    "hash_feuille",
    "hash_noeud",
    "mth_naif",
    "noeuds_preuve_coherence",
    "noeuds_preuve_inclusion",
    "noeuds_racine",
    "plier",
    "racine_frontiere",
]

RACINE_VIDE = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")  # SHA-256("")
Noeud = tuple[int, int]  # (niveau, position)
Plage = tuple[int, int]  # leaves [debut, fin)

BITS_POSITION = 48


def cle_noeud(niveau: int, position: int) -> int:
    """The single integer key a node is stored under (level in the high bits)."""
    return (niveau << BITS_POSITION) | position


def _plus_grande_puissance_inferieure(n: int) -> int:
    """Largest power of two strictly below n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def mth_naif(feuilles: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH over leaf *data*, recursively (reference implementation for tests)."""
    if not feuilles:
        return RACINE_VIDE
    if len(feuilles) == 1:
        return hash_feuille(feuilles[0])
    k = _plus_grande_puissance_inferieure(len(feuilles))
    return hash_noeud(mth_naif(feuilles[:k]), mth_naif(feuilles[k:]))


def decomposer(plage: Plage) -> list[Noeud]:
    """The perfect subtrees covering [debut, fin), left to right, where debut is aligned on a power
    of two at least as large as the range (true of every range RFC 9162 proofs ask for)."""
    debut, fin = plage
    noeuds = []
    while debut < fin:
        niveau = (fin - debut).bit_length() - 1
        while debut % (1 << niveau):
            niveau -= 1
        noeuds.append((niveau, debut >> niveau))
        debut += 1 << niveau
    return noeuds


def plier(hashes: list[bytes]) -> bytes:
    """Fold perfect-subtree hashes (left to right) into the MTH of their union."""
    resultat = hashes[-1]
    for h in reversed(hashes[:-1]):
        resultat = hash_noeud(h, resultat)
    return resultat


def _chemin(m: int, debut: int, fin: int) -> list[Plage]:
    """RFC 9162 §2.1.3.1 PATH(m, D[debut:fin]) as the ranges whose MTH make up the proof."""
    plages: list[Plage] = []
    while fin - debut > 1:
        k = _plus_grande_puissance_inferieure(fin - debut)
        if m < debut + k:
            plages.append((debut + k, fin))
            fin = debut + k
        else:
            plages.append((debut, debut + k))
            debut += k
    plages.reverse()
    return plages


def _sous_preuve(m: int, debut: int, fin: int, complet: bool) -> list[Plage]:
    """RFC 9162 §2.1.4.1 SUBPROOF(m, D[debut:fin], b) as ranges."""
    plages: list[Plage] = []
    while True:
        n = fin - debut
        if m == n:
            if not complet:
                plages.append((debut, fin))
            break
        k = _plus_grande_puissance_inferieure(n)
        if m <= k:
            plages.append((debut + k, fin))
            fin = debut + k
        else:
            plages.append((debut, debut + k))
            m -= k
            debut += k
            complet = False
    plages.reverse()
    return plages


def _resoudre(plages: list[Plage], lire: Callable[[Iterable[Noeud]], dict[Noeud, bytes]]) -> list[bytes]:
    decompositions = [decomposer(p) for p in plages]
    valeurs = lire({n for d in decompositions for n in d})
    return [plier([valeurs[n] for n in d]) for d in decompositions]


def noeuds_preuve_inclusion(index: int, taille: int, lire: Callable[[Iterable[Noeud]], dict[Noeud, bytes]]) -> list[bytes]:
    """Inclusion proof of leaf `index` in the tree of `taille` leaves; `lire` fetches stored nodes
    in one go (O(log n) of them)."""
    if not 0 <= index < taille:
        raise ValueError("index hors de l'arbre")
    return _resoudre(_chemin(index, 0, taille), lire)


def noeuds_preuve_coherence(taille1: int, taille2: int, lire: Callable[[Iterable[Noeud]], dict[Noeud, bytes]]) -> list[bytes]:
    if not 0 < taille1 <= taille2:
        raise ValueError("tailles incohérentes")
    if taille1 == taille2:
        return []
    return _resoudre(_sous_preuve(taille1, 0, taille2, True), lire)


def noeuds_racine(taille: int) -> list[Noeud]:
    return decomposer((0, taille))


def racine_frontiere(frontiere: list[bytes]) -> bytes:
    return plier(frontiere) if frontiere else RACINE_VIDE


def ajouter_feuille(taille: int, frontiere: list[bytes], h: bytes) -> list[tuple[Noeud, bytes]]:
    """Append leaf hash `h` as leaf number `taille`: update `frontiere` in place and return the new
    perfect nodes (level ≥ 1) completed by this leaf, to be stored."""
    nouveaux = []
    niveau = 0
    while taille >> niveau & 1:
        gauche = frontiere.pop()
        h = hash_noeud(gauche, h)
        niveau += 1
        nouveaux.append(((niveau, taille >> niveau), h))
    frontiere.append(h)
    return nouveaux
