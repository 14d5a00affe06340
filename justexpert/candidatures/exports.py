"""Campaign figures and exports for the assemblée générale (CSV, PDF sealed by the platform)."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from django.utils import timezone

from justexpert.comptes.models import Organisation
from justexpert.lib.tableur import csv_texte

from .models import Candidature, Etat, TypeCandidature

COLONNES = (
    "reference",
    "nature",
    "etat",
    "nom",
    "prenom",
    "specialite",
    "depose_le",
    "alertes",
    "avis_parquet",
    "avis_commission",
    "decision_le",
)


def tableau(qs: Any) -> dict[str, list[tuple[str, int]]]:
    """Counts by state, kind and specialite (labels in French)."""
    etats = Counter(c.etat for c in qs)
    types = Counter(c.type for c in qs)
    specialites = Counter(f"{c.specialite.code} {c.specialite.libelle_affiche}" if c.specialite else "—" for c in qs)
    return {
        "etats": [(label, etats[v]) for v, label in Etat.choices if etats[v]],
        "types": [(label, types[v]) for v, label in TypeCandidature.choices if types[v]],
        "specialites": sorted(specialites.items()),
        "total": [("Total", sum(etats.values()))],
    }


def _ligne(c: Candidature) -> list[str]:
    return [
        str(c.uuid),
        c.get_type_display(),
        c.get_etat_display(),
        c.nom,
        c.prenom,
        c.specialite.code if c.specialite else "",
        timezone.localtime(c.depose_le).strftime("%d/%m/%Y") if c.depose_le else "",
        " | ".join(c.alertes),
        c.avis_parquet,
        c.avis_commission,
        timezone.localtime(c.decide_le).strftime("%d/%m/%Y") if c.decide_le else "",
    ]


def csv_candidatures(qs: Any) -> str:
    """Names and texts come from candidates: cells are neutralised against formulas (lib.tableur)."""
    return csv_texte(COLONNES, (_ligne(c) for c in qs.order_by("specialite__code", "nom", "prenom")))


def sceller_pdf(pdf: bytes) -> bytes:
    """The platform seal on the campaign export (PAdES, ``justexpert.preuves.sceau``): the single
    place where generated exports of candidatures are sealed."""
    from justexpert.preuves.sceau import sceller_pdf as sceller

    return sceller(pdf, motif="Candidatures pour l'assemblée générale")


def pdf_candidatures(qs: Any, *, cour: Organisation, annee: int) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    tampon = io.BytesIO()
    doc = SimpleDocTemplate(
        tampon,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Candidatures {annee} — {cour}",
        author="Justexpert",
    )
    styles = getSampleStyleSheet()
    petit = styles["BodyText"].clone("petit", fontSize=8, leading=10)
    elements: list[Any] = [
        Paragraph(f"{cour} — candidatures pour la liste {annee}", styles["Title"]),
        Paragraph(f"État au {timezone.localtime():%d/%m/%Y à %H:%M}, pour l'assemblée générale.", styles["BodyText"]),
        Spacer(1, 4 * mm),
    ]
    figures = tableau(qs)
    for titre, cle in (("Par état", "etats"), ("Par nature", "types"), ("Par spécialité", "specialites")):
        elements.append(Paragraph(titre, styles["Heading3"]))
        lignes = figures[cle] or [("—", 0)]
        elements.append(Paragraph(" ; ".join(f"{libelle} : {n}" for libelle, n in lignes), petit))
    elements.append(Spacer(1, 4 * mm))
    entetes = ["Nature", "État", "Nom", "Prénom", "Spécialité", "Déposée le", "Points d'attention"]
    donnees = [[Paragraph(e, petit) for e in entetes]]
    for c in qs.order_by("specialite__code", "nom", "prenom"):
        ligne = _ligne(c)
        donnees.append([Paragraph(v.replace("&", "&amp;").replace("<", "&lt;"), petit) for v in (ligne[1:7] + [ligne[7]])])
    table = Table(donnees, repeatRows=1, colWidths=[45 * mm, 30 * mm, 30 * mm, 25 * mm, 20 * mm, 22 * mm, 95 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, "#888888"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    elements.append(table)
    doc.build(elements)
    return sceller_pdf(tampon.getvalue())
