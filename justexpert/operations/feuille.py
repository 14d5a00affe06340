"""The attendance sheet (feuille de présence) of a meeting, drawn up as a PDF, then sealed by the
platform (preuves.sceau: PAdES B-LTA). Names the court, the case number, the meeting (court time),
and each person convened: present (name, quality, representing whom, arrival and departure, how
they signed), absent or excused. Never the mission, never a document of the case."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from justexpert.comptes.models import Utilisateur
from justexpert.lib.format import date_longue
from justexpert.lib.temps import nom_heure, zone
from justexpert.preuves import sceau

from .models import ModeSignature, Reunion, StatutPresence

MOTIF = "Feuille de présence établie par Justexpert"


def feuille_pdf(reunion: Reunion, *, acteur: Utilisateur) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    e = reunion.expertise
    fuseau = e.fuseau
    styles = getSampleStyleSheet()
    normal = styles["BodyText"]
    tampon = io.BytesIO()
    doc = SimpleDocTemplate(
        tampon,
        pagesize=A4,
        title="Feuille de présence",
        author="Justexpert",
        creator="Justexpert",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )

    def heure(instant):  # type: ignore[no-untyped-def]
        return instant.astimezone(zone(fuseau)).strftime("%H:%M") if instant else "—"

    local = reunion.debut.astimezone(zone(fuseau))
    reference = "Affaire pénale" if e.est_penale else f"RG {e.numero_rg}"
    elements: list = [
        Paragraph("Feuille de présence — réunion d'expertise", styles["Title"]),
        Paragraph(escape(f"{e.juridiction} — {reference}"), styles["Heading3"]),
        Paragraph(escape(f"Réunion du {date_longue(local.date())} à {local:%H:%M} ({nom_heure(fuseau)})"), styles["Heading4"]),
    ]
    if reunion.lieu:
        elements.append(Paragraph(escape(f"Lieu : {reunion.lieu}"), normal))
    if reunion.lien:
        elements.append(Paragraph("Réunion tenue par visioconférence, avec le consentement des participants.", normal))
    elements.append(Paragraph(escape(f"Expert : {acteur}"), normal))
    elements.append(Spacer(1, 5 * mm))
    lignes = [["Nom", "Qualité", "Représente", "Arrivée", "Départ", "Présence"]]
    for p in reunion.presences.select_related("convocation").order_by("id"):
        if p.statut == StatutPresence.PRESENT:
            presence = "présent, " + (
                "signé sur l'appareil de l'expert" if p.mode == ModeSignature.APPAREIL_EXPERT else "confirmé depuis son compte"
            )
        else:
            presence = p.get_statut_display().lower()
        lignes.append(
            [
                Paragraph(escape(p.nom), normal),
                Paragraph(escape(p.qualite), normal),
                Paragraph(escape(p.represente or "—"), normal),
                heure(p.arrivee),
                heure(p.depart),
                Paragraph(escape(presence), normal),
            ]
        )
    elements.append(Table(lignes, colWidths=[40 * mm, 32 * mm, 32 * mm, 16 * mm, 16 * mm, 44 * mm], repeatRows=1))
    elements += [
        Spacer(1, 6 * mm),
        Paragraph(
            "Chaque inscription sur cette feuille est un événement horodaté du journal de preuves de Justexpert ; "
            "la feuille est scellée par la plateforme.",
            normal,
        ),
    ]
    doc.build(elements)
    return sceau.sceller_pdf(tampon.getvalue(), motif=MOTIF)
