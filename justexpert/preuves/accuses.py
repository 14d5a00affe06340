"""Human PDF receipts ("accusé de dépôt", "accusé d'ouverture"), sealed by the platform.

Protects against: a receipt edited after issue (the platform's seal, PAdES B-T, breaks on any
change) and a receipt that cannot be checked without the platform (the JSON receipt is attached
to the PDF as ``accuse.json``, verifiable offline with tools/verifier_accuse.py).

Does not protect against: showing a field to someone who may not see it. preuves knows events by
opaque references only: the owning module chooses the human lines (``lignes``) after its own
permission checks, and calls ``accuse_pdf`` only for someone allowed to see the event.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from xml.sax.saxutils import escape

from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from justexpert.lib.format import horodatage

from . import sceau, services
from .models import Evenement
from .verificateur import POLITIQUE_INTEGREE, verifier_jeton

TYPES = {"depot": "accusé de dépôt", "ouverture": "accusé d'ouverture"}


def _date(iso: str | None, fuseau: str | None) -> str:
    if not iso:
        return ""
    return horodatage(dt.datetime.fromisoformat(iso.replace("Z", "+00:00")), fuseau)


def _preuve(recu: dict, fuseau: str | None) -> list[tuple[str, str]]:
    evenement = recu["evenement"]
    lignes = [
        ("Référence de l'événement", evenement["id"]),
        ("Enregistré le", _date(evenement["le"], fuseau) + " (heure du serveur)"),
    ]
    if evenement.get("document_sha256"):
        lignes.append(("Empreinte SHA-256 du document", evenement["document_sha256"]))
    lignes.append(("Position dans le journal de preuves", str(recu["index"])))
    lignes.append(("Empreinte de l'événement (feuille)", recu["hash_feuille"]))
    point = recu.get("point_de_controle")
    if point:
        lignes.append(("Point de contrôle", f"{point['taille']} événements, racine {point['racine']}"))
    ts = recu["horodatage"]
    if ts["statut"] == "fait" and point:
        # Read from the token itself (its time, policy and signer), as the offline verifier does;
        # "qualifié" is only the platform's declaration of its configured provider.
        jeton = verifier_jeton(
            base64.b64decode(ts["jeton"]),
            point["note"].encode(),
            certificats=[base64.b64decode(c) for c in ts.get("certificats") or []],
        )
        if jeton.politique == POLITIQUE_INTEGREE:
            qualite = "autorité intégrée de développement, non qualifiée"
        elif ts.get("qualifie"):
            qualite = "prestataire déclaré qualifié eIDAS par la plateforme"
        else:
            qualite = "autorité non qualifiée"
        date = _date(jeton.date.isoformat(), fuseau)
        lignes.append(("Date certaine (RFC 3161)", f"{date} — {jeton.autorite}, politique {jeton.politique} ({qualite})"))
    else:
        lignes.append(("Date certaine (RFC 3161)", "horodatage en attente : l'accusé JSON complet sera disponible plus tard"))
    return lignes


def rendre_pdf(recu: dict, *, titre: str, lignes: list[tuple[str, str]], fuseau: str | None = None) -> bytes:
    """The unsealed PDF of a JSON receipt (``services.accuse``), with the receipt attached."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    normal = styles["BodyText"]
    petit = styles["Normal"].clone("petit", fontSize=8, leading=10)
    tampon = io.BytesIO()
    doc = SimpleDocTemplate(
        tampon,
        pagesize=A4,
        title=titre,
        author="Justexpert",
        subject=f"Accusé {recu['evenement']['id']}",
        creator="Justexpert",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )

    def tableau(donnees: list[tuple[str, str]]) -> Table:
        rangees = [[Paragraph(escape(k), petit), Paragraph(escape(v).replace("\n", "<br/>"), petit)] for k, v in donnees]
        t = Table(rangees, colWidths=[55 * mm, 119 * mm])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#cccccc")]))
        return t

    elements: list = [Paragraph(escape(titre), styles["Title"])]
    if lignes:
        elements += [tableau(lignes), Spacer(1, 6 * mm)]
    elements += [
        Paragraph("Preuve", styles["Heading2"]),
        tableau(_preuve(recu, fuseau)),
        Spacer(1, 6 * mm),
        Paragraph("Vérifier cet accusé", styles["Heading2"]),
        Paragraph(
            "Ce PDF est scellé électroniquement par la plateforme (signature PAdES horodatée) : toute modification "
            "le rend invalide dans un lecteur PDF. L'accusé complet au format JSON est joint au fichier "
            "(pièce jointe « accuse.json ») ; il se vérifie hors ligne, sans faire confiance à la plateforme, avec "
            "l'outil libre verifier_accuse.py : <font face='Courier'>python verifier_accuse.py accuse.json "
            "--document FICHIER</font>, ou en ligne sur la page « Vérifier un accusé ».",
            normal,
        ),
    ]
    doc.build(elements)

    ecrivain = IncrementalPdfFileWriter(io.BytesIO(tampon.getvalue()), strict=False)
    contenu = json.dumps(recu, ensure_ascii=False, indent=1).encode()
    embed.embed_file(
        ecrivain,
        embed.FileSpec(
            file_spec_string="accuse.json",
            file_name="accuse.json",
            embedded_data=embed.EmbeddedFileObject.from_file_data(ecrivain, data=contenu, mime_type="application/json"),
            description="Accusé au format justexpert-accuse/1",
            af_relationship=pdf_name("/Source"),
        ),
    )
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


def accuse_pdf(
    evenement: Evenement, *, titre: str | None = None, lignes: list[tuple[str, str]] | None = None, fuseau: str | None = None
) -> bytes:
    """The sealed human receipt of ``evenement``. Call only after the owner's permission checks.

    ``titre`` defaults to "Accusé de dépôt" / "Accusé d'ouverture" by event type; ``lignes`` are the
    human fields the owning module is allowed to show (e.g. ("Dossier", "RG 24/01234")); ``fuseau``
    is the court's time zone for displayed times.
    """
    recu = services.accuse(evenement)
    titre = titre or TYPES.get(recu["evenement"]["type"], "accusé").capitalize()  # from the leaf, not the column
    return sceau.sceller_pdf(rendre_pdf(recu, titre=titre, lignes=lignes or [], fuseau=fuseau), motif=titre)
