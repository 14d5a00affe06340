"""The convocation to an expertise meeting (CPC 160) drawn up by the platform, then sealed.

It names the court, the case number, the expert, the meeting (date and time in court time, place
or video link) and the persons convened; never the mission, never a document of the case.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from justexpert.comptes.models import Utilisateur
from justexpert.lib.format import date_longue
from justexpert.lib.temps import zone
from justexpert.preuves import sceau

from .models import Expertise, Participant, Qualite

MOTIF = "Convocation établie par Justexpert"


def convocation_pdf(e: Expertise, *, acteur: Utilisateur, reunion_le: dt.datetime, lieu: str, lien: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    normal = styles["BodyText"]
    tampon = io.BytesIO()
    doc = SimpleDocTemplate(
        tampon,
        pagesize=A4,
        title="Convocation à une réunion d'expertise",
        author="Justexpert",
        creator="Justexpert",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )
    local = reunion_le.astimezone(zone(e.fuseau))
    convoques = [
        p
        for p in Participant.objects.filter(expertise=e, retire_le__isnull=True)
        .select_related("utilisateur", "partie")
        .order_by("qualite", "id")
        if p.qualite in (Qualite.AVOCAT, Qualite.PARTIE) and not (e.est_penale and p.qualite == Qualite.PARTIE)
    ]
    reference = "Affaire pénale" if e.est_penale else e.reference_civile
    elements: list = [
        Paragraph("Convocation à une réunion d'expertise", styles["Title"]),
        Paragraph(escape(f"{e.juridiction} — {reference}"), styles["Heading3"]),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                f"{acteur}, expert désigné par décision du {date_longue(e.date_ordonnance)}, convoque les parties "
                "et leurs conseils à la réunion d'expertise suivante (article 160 du code de procédure civile)."
            ),
            normal,
        ),
        Spacer(1, 4 * mm),
        Paragraph(escape(f"Date : {date_longue(local.date())} à {local:%H:%M} (heure de {e.fuseau})"), styles["Heading4"]),
    ]
    if lieu:
        elements.append(Paragraph(escape(f"Lieu : {lieu}"), normal))
    if lien:
        elements.append(Paragraph(escape(f"Visioconférence : {lien}"), normal))
    elements += [Spacer(1, 4 * mm), Paragraph("Personnes convoquées :", normal)]
    for p in convoques:
        qualite = "avocat" if p.qualite == Qualite.AVOCAT else "partie"
        pour = f" de {p.partie.designation}" if p.partie else ""
        elements.append(Paragraph(escape(f"• {p.utilisateur} ({qualite}{pour})"), normal))
    if not convoques:
        elements.append(Paragraph("Les parties, par les soins de leurs conseils.", normal))
    elements += [
        Spacer(1, 6 * mm),
        Paragraph(
            "Cette convocation est déposée dans le dossier de l'expertise sur Justexpert : la date de son dépôt "
            "et celle de sa première ouverture par chaque participant sont établies par des accusés vérifiables.",
            normal,
        ),
    ]
    doc.build(elements)
    return sceau.sceller_pdf(tampon.getvalue(), motif=MOTIF)
