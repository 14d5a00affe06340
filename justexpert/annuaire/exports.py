"""Annual lists of experts (a cour d'appel's, or the national list) as CSV, JSON and PDF.

A published list is public (D2004 art. 21: kept at the disposal of the public): it carries only
what the lists print — name, specialites, professional address and phone. Nothing else of the
fiche (birth date, e-mail, postal address, figures, history) ever goes into an export.
Rows are ordered by branche, rubrique, specialite (natural order of the codes), then name.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass
from xml.sax.saxutils import escape

from django.utils import timezone

from justexpert.comptes.models import Organisation
from justexpert.lib.format import date_longue
from justexpert.lib.tableur import csv_texte

from .models import Inscription

COLONNES = [
    "branche_code",
    "branche",
    "rubrique_code",
    "rubrique",
    "specialite_code",
    "specialite",
    "nom",
    "prenom",
    "adresse_professionnelle",
    "code_postal",
    "ville",
    "telephone",
]


@dataclass(frozen=True)
class Ligne:
    branche_code: str
    branche: str
    rubrique_code: str
    rubrique: str
    specialite_code: str
    specialite: str
    nom: str
    prenom: str
    adresse_professionnelle: str
    code_postal: str
    ville: str
    telephone: str


def lignes(liste: Organisation, annee: int) -> list[Ligne]:
    """One row per inscription in force during ``annee`` on ``liste`` (radiated and suspended
    experts are left out at once)."""
    qs = (
        Inscription.objects.de_l_annee(annee)
        .filter(liste=liste)
        .select_related("expert", "specialite__parent__parent")
        .order_by("specialite__ordre", "expert__nom", "expert__prenom", "expert__id")
    )
    resultat = []
    for i in qs:
        spe, e = i.specialite, i.expert
        rubrique = spe.parent
        branche = rubrique.parent if rubrique else None
        resultat.append(
            Ligne(
                branche_code=branche.code if branche else "",
                branche=branche.libelle if branche else "",
                rubrique_code=rubrique.code if rubrique else "",
                rubrique=rubrique.libelle if rubrique else "",
                specialite_code=spe.code,
                specialite=spe.libelle,
                nom=e.nom.upper(),
                prenom=e.prenom,
                adresse_professionnelle=e.adresse_pro,
                code_postal=e.code_postal_pro,
                ville=e.ville_pro,
                telephone=e.telephone_fixe or e.telephone_mobile,
            )
        )
    return resultat


def titre(liste: Organisation, annee: int) -> str:
    if liste.type == "cour_cassation":
        return f"Liste nationale des experts judiciaires pour {annee}"
    return f"Liste des experts judiciaires de la {liste.nom[0].lower()}{liste.nom[1:]} pour {annee}"


def liste_csv(liste: Organisation, annee: int) -> str:
    """The public list as CSV; names come from candidates, so cells are neutralised (lib.tableur)."""
    return csv_texte(COLONNES, ([getattr(ligne, c) for c in COLONNES] for ligne in lignes(liste, annee)), fin_de_ligne="\n")


def liste_json(liste: Organisation, annee: int) -> str:
    contenu = {
        "liste": {"code": liste.code, "nom": liste.nom, "type": liste.type},
        "annee": annee,
        "generee_le": timezone.now().isoformat(),
        "experts": [asdict(ligne) for ligne in lignes(liste, annee)],
    }
    return json.dumps(contenu, ensure_ascii=False, indent=1)


def sceller_pdf(pdf: bytes) -> bytes:
    """Apply the platform seal (PAdES B-T, preuves.sceau) to a generated list."""
    from justexpert.preuves.sceau import sceller_pdf as sceller

    return sceller(pdf, motif="Liste officielle publiée par la plateforme Justexpert")


def liste_pdf(liste: Organisation, annee: int) -> bytes:
    """The annual list as a PDF (A4), grouped by branche, rubrique and specialite, then sealed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    tampon = io.BytesIO()
    intitule = titre(liste, annee)
    doc = SimpleDocTemplate(
        tampon,
        pagesize=A4,
        title=intitule,
        author=liste.nom,
        subject="Liste des experts judiciaires (décret n° 2004-1463 du 23 décembre 2004)",
        creator="Justexpert",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    elements: list = [
        Paragraph(escape(intitule), styles["Title"]),
        Paragraph(f"Mise à jour : {date_longue(timezone.localdate())}", styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    branche = rubrique = specialite = None
    contenu = lignes(liste, annee)
    if not contenu:
        elements.append(Paragraph("Aucun expert inscrit sur cette liste pour cette année.", styles["Normal"]))
    for ligne in contenu:
        if ligne.branche_code != branche:
            branche = ligne.branche_code
            elements.append(Paragraph(escape(f"{ligne.branche_code} — {ligne.branche}"), styles["Heading1"]))
        if ligne.rubrique_code != rubrique:
            rubrique = ligne.rubrique_code
            elements.append(Paragraph(escape(f"{ligne.rubrique_code} — {ligne.rubrique}"), styles["Heading2"]))
        if ligne.specialite_code != specialite:
            specialite = ligne.specialite_code
            elements.append(Paragraph(escape(f"{ligne.specialite_code} — {ligne.specialite}"), styles["Heading3"]))
        adresse = ", ".join(p for p in (ligne.adresse_professionnelle, f"{ligne.code_postal} {ligne.ville}".strip()) if p)
        details = " — ".join(p for p in (adresse, f"Tél. {ligne.telephone}" if ligne.telephone else "") if p)
        elements.append(
            Paragraph(
                f"<b>{escape(ligne.nom)}</b> {escape(ligne.prenom)}" + (f" — {escape(details)}" if details else ""),
                styles["Normal"],
            )
        )

    def pied(canvas, document) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(18 * mm, 10 * mm, f"{intitule} — page {document.page}")
        canvas.restoreState()

    doc.build(elements, onFirstPage=pied, onLaterPages=pied)
    return sceller_pdf(tampon.getvalue())
