"""Display names: hostile names are cleaned and sent back in a correct RFC 6266 header."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from justexpert.coffre.noms import LONGUEUR_MAX, OCTETS_MAX, content_disposition, nettoyer_nom

HOSTILES = st.one_of(
    st.text(),
    st.text(
        alphabet=st.sampled_from(list("/\\..\x00\r\n\t\u202e\u202d\u2066\u2069\u200b\u200f\ufeff\u2028\"';:%* aé€😀CON.")),
        max_size=400,
    ),
    st.builds(lambda a, b: a + "\u202e" + b + ".pdf", st.text(max_size=50), st.text(max_size=50)),
)
INTERDITS = set("/\\\r\n\x00\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f\u2028\u2029\ufeff")


@given(HOSTILES)
def test_cleaned_names_are_safe(nom):
    propre = nettoyer_nom(nom)
    assert propre
    assert not (set(propre) & INTERDITS)
    assert all(unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Zl", "Zp"} for c in propre)
    assert len(propre) <= LONGUEUR_MAX and len(propre.encode("utf-8")) <= OCTETS_MAX
    assert not propre.startswith(".") and propre == propre.strip()
    assert nettoyer_nom(propre) == propre  # idempotent


@given(HOSTILES)
def test_content_disposition_is_a_valid_rfc6266_header(nom):
    valeur = content_disposition(nom)
    valeur.encode("latin-1")  # header values must be latin-1; ours are pure ASCII
    assert valeur.isascii() and "\r" not in valeur and "\n" not in valeur
    assert valeur.startswith('attachment; filename="')
    fallback, _, etendu = valeur.partition("; filename*=UTF-8''")
    repli = fallback[len('attachment; filename="') : -1]
    assert '"' not in repli and "\\" not in repli and repli
    assert all(c.isalnum() or c in "!#$&+-.^_`|~*'%" for c in etendu)
    assert unquote(etendu, encoding="utf-8", errors="strict") == nettoyer_nom(nom)


def test_examples():
    assert "/" not in nettoyer_nom("../../etc/passwd") and not nettoyer_nom("../x").startswith(".")
    assert nettoyer_nom("facture\u202efdp.exe") == "facturefdp.exe"
    assert nettoyer_nom("  .cache ") == "cache"
    assert nettoyer_nom("CON.txt") == "_CON.txt"
    assert nettoyer_nom("") == "document"
    assert nettoyer_nom("a" * 1000 + ".pdf").endswith("a.pdf")
    assert content_disposition("Rapport d'expertise n°3.pdf") == (
        "attachment; filename=\"Rapport d_expertise n3.pdf\"; filename*=UTF-8''Rapport%20d%27expertise%20n%C2%B03.pdf"
    )
