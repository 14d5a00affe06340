"""The documents frais draws up, as sealed PDFs (PAdES, ``preuves.sceau``): the judge's decision on a
request of the expert (CPC 280), the fee request (CPC 282) from the time log, the ordonnance de
taxe (CPC 284) with the recourse notice of CPC 724, and the penal mémoire de frais.

The texts of the code are reproduced from ``ARTICLES`` (docs/frais.md says where they were checked).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from xml.sax.saxutils import escape

from justexpert.expertises.models import Expertise
from justexpert.lib.format import date_longue, euros
from justexpert.preuves import sceau

# Articles of the code de procédure civile the ordonnance de taxe reproduces. CPC 725: the
# notification must state, on pain of nullity, the text of article 724 and of articles 714 (al. 2)
# and 715; 724 sends to 714 al. 2 and 715 to 718, so 716 to 718 (the procedure before the premier
# président) are reproduced too. Texts in force since 1 January 1986 (724, 725) and 1976 (714 to
# 718), checked against a Légifrance export (docs/frais.md, « The recourse notice »).
ARTICLES_724 = {
    "Article 724": (
        "Les décisions mentionnées aux articles 255, 262 et 284, émanant d'un magistrat d'une juridiction de "
        "première instance ou de la cour d'appel, peuvent être frappées de recours devant le premier président "
        "de la cour d'appel dans les conditions prévues aux articles 714 (alinéa 2) et 715 à 718. Si la décision "
        "émane du premier président de la cour d'appel, elle peut être modifiée dans les mêmes conditions par "
        "celui-ci. Le délai court, à l'égard de chacune des parties, du jour de la notification qui lui est faite "
        "par le technicien. Le recours et le délai pour l'exercer ne sont pas suspensifs d'exécution. Le recours "
        "doit, à peine d'irrecevabilité, être dirigé contre toutes les parties et contre le technicien s'il n'est "
        "pas formé par celui-ci."
    ),
    "Article 714, alinéa 2": "Le délai de recours est d'un mois : il n'est pas augmenté en raison des distances.",
    "Article 715": (
        "Le recours est formé par la remise ou l'envoi au greffe de la cour d'appel d'une note exposant les motifs "
        "du recours. A peine d'irrecevabilité du recours, copie de cette note est simultanément envoyée à toutes "
        "les parties au litige principal."
    ),
    "Article 716": (
        "Les parties sont convoquées quinze jours au moins à l'avance par le greffier de la cour d'appel. Le premier "
        "président ou son délégué les entend contradictoirement. Il procède ou fait procéder, s'il y a lieu, à toutes "
        "investigations utiles."
    ),
    "Article 717": (
        "Le premier président ou son délégué a la faculté de renvoyer la demande en l'état à une audience de la cour "
        "dont il fixe la date."
    ),
    "Article 718": (
        "Les notifications ou convocations sont faites par lettre recommandée avec demande d'avis de réception. "
        "Lorsqu'elles sont faites par le greffier de la juridiction, elles peuvent l'être par simple bulletin si elles "
        "sont adressées aux avocats."
    ),
}


def _ligne_tableau(cellules: Iterable[str]) -> list[str]:
    return [escape(c) for c in cellules]


def rendre(
    e: Expertise,
    *,
    titre: str,
    paragraphes: list[str],
    tableau: list[list[str]] | None = None,
    annexes: dict[str, str] | None = None,
    motif: str,
) -> bytes:
    """A sober A4 document: title, court and case, paragraphs, an optional table, annexed texts; sealed."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    normal = styles["BodyText"]
    tampon = io.BytesIO()
    doc = SimpleDocTemplate(
        tampon,
        pagesize=A4,
        title=titre,
        author="Justexpert",
        creator="Justexpert",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    reference = "Affaire pénale" if e.est_penale else f"RG {e.numero_rg}"
    elements: list = [
        Paragraph(escape(titre), styles["Title"]),
        Paragraph(escape(f"{e.juridiction} — {reference}"), styles["Heading3"]),
        Spacer(1, 4 * mm),
    ]
    elements += [Paragraph(escape(p), normal) for p in paragraphes]
    if tableau:
        t = Table([[Paragraph(c, normal) for c in _ligne_tableau(r)] for r in tableau], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        elements += [Spacer(1, 3 * mm), t]
    for intitule, texte in (annexes or {}).items():
        elements += [Spacer(1, 3 * mm), Paragraph(escape(intitule), styles["Heading4"]), Paragraph(escape(texte), normal)]
    doc.build(elements)
    return sceau.sceller_pdf(tampon.getvalue(), motif=motif)


def montant_texte(m: Decimal | None) -> str:
    return euros(m).replace("\u202f", " ").replace("\u00a0", " ")


def jour_texte(jour) -> str:  # type: ignore[no-untyped-def]
    return date_longue(jour)
