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
from collections.abc import Mapping
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from justexpert.lib.format import horodatage

from . import sceau, services
from .models import Evenement
from .verificateur import POLITIQUE_INTEGREE, verifier_jeton

# What each kind of event is, in words, registered by the module that records it (AppConfig.ready):
# preuves stores types as opaque strings; the verify page and the PDF name them for people.
_LIBELLES: dict[str, str] = {}


def nommer_evenements(libelles: Mapping[str, str]) -> None:
    """Register the words for event types: {"expertises.depot": "dépôt d'un document…"}."""
    _LIBELLES.update(libelles)


def libelle_evenement(type_: object) -> str:
    if isinstance(type_, str) and type_ in _LIBELLES:
        return _LIBELLES[type_]
    return "opération enregistrée par la plateforme"


def url_verification() -> str:
    """The public page where anyone checks an accusé (absolute: the PDF leaves the platform)."""
    return f"{settings.SITE_URL}{reverse('preuves:verifier')}"


def _date(iso: str | None, fuseau: str | None) -> str:
    if not iso:
        return ""
    return horodatage(dt.datetime.fromisoformat(iso.replace("Z", "+00:00")), fuseau)


def complet(recu: dict) -> bool:
    """Whether the receipt carries its timestamp (else the PDF says it is provisional)."""
    return recu["horodatage"]["statut"] == "fait" and bool(recu.get("point_de_controle"))


def _preuve(recu: dict, fuseau: str | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(what is proven, in words; the technical details) of a receipt."""
    evenement = recu["evenement"]
    point = recu.get("point_de_controle")
    lignes = [
        ("Événement", libelle_evenement(evenement.get("type")).capitalize()),
        ("Enregistré le", _date(evenement["le"], fuseau) + ", selon l'horloge de la plateforme"),
    ]
    ts = recu["horodatage"]
    if complet(recu) and point:
        # Read from the token itself (its time, policy and signer), as the offline verifier does;
        # "qualifié" is only the platform's declaration of its configured provider.
        jeton = verifier_jeton(
            base64.b64decode(ts["jeton"]),
            point["note"].encode(),
            certificats=[base64.b64decode(c) for c in ts.get("certificats") or []],
        )
        if jeton.politique == POLITIQUE_INTEGREE:
            qualite = "autorité intégrée de démonstration, non qualifiée"
        elif ts.get("qualifie"):
            qualite = "prestataire déclaré qualifié eIDAS par la plateforme"
        else:
            qualite = "autorité non qualifiée"
        lignes.append(
            (
                "Date certaine",
                f"au plus tard le {_date(jeton.date.isoformat(), fuseau)}, attestée par l'autorité d'horodatage "
                f"« {jeton.autorite} » ({qualite})",
            )
        )
    else:
        lignes.append(
            (
                "Date certaine",
                "EN ATTENTE — l'autorité d'horodatage n'a pas encore daté cet événement (en général quelques minutes). "
                "Cet accusé est provisoire : téléchargez-le de nouveau sur la plateforme, au même endroit, pour "
                "obtenir l'accusé complet.",
            )
        )
    if point:
        journal = point["note"].split("\n", 1)[0]
        lignes.append(
            (
                "Journal de preuves",
                f"inscrit sous le n° {recu['index'] + 1} au journal de preuves « {journal} », dont le point de contrôle "
                f"de {point['taille']} événements est signé par la plateforme",
            )
        )
    else:
        lignes.append(("Journal de preuves", f"inscrit sous le n° {recu['index'] + 1} ; point de contrôle en attente"))
    details = [("Référence de l'événement", evenement["id"])]
    if evenement.get("document_sha256"):
        details.append(("Empreinte SHA-256 du document", evenement["document_sha256"]))
    details.append(("Empreinte de l'événement (feuille)", recu["hash_feuille"]))
    if point:
        details.append(("Racine du point de contrôle", point["racine"]))
        details.append(("Empreinte de la clé du journal", point.get("empreinte_cle", "")))
    return lignes, details


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

    preuve, details = _preuve(recu, fuseau)
    elements: list = [Paragraph(escape(titre), styles["Title"])]
    if not complet(recu):
        elements += [
            Paragraph(
                "<b>Accusé provisoire : horodatage en attente.</b> Téléchargez-le de nouveau dans quelques minutes "
                "pour obtenir l'accusé complet, qui porte la date certaine.",
                normal,
            ),
            Spacer(1, 4 * mm),
        ]
    if lignes:
        elements += [tableau(lignes), Spacer(1, 6 * mm)]
    adresse = url_verification()
    elements += [
        Paragraph("Ce que prouve cet accusé", styles["Heading2"]),
        tableau(preuve),
        Spacer(1, 6 * mm),
        Paragraph("Vérifier cet accusé", styles["Heading2"]),
        Paragraph(
            f"Déposez ce fichier PDF sur la page « Vérifier un accusé » : <link href='{escape(adresse)}' color='blue'>"
            f"{escape(adresse)}</link>, avec le document concerné si vous l'avez. Aucun compte n'est nécessaire.",
            normal,
        ),
        Paragraph(
            "Ce PDF est scellé électroniquement par la plateforme (signature PAdES horodatée) : toute modification "
            "le rend invalide dans un lecteur PDF. Il contient aussi l'accusé lisible par une machine (pièce jointe "
            "« accuse.json »), que l'outil libre verifier_accuse.py vérifie hors ligne, sans faire confiance à la "
            "plateforme : <font face='Courier'>python verifier_accuse.py CET-ACCUSE.pdf --document FICHIER</font>.",
            normal,
        ),
        Spacer(1, 6 * mm),
        Paragraph("Détails techniques", styles["Heading3"]),
        tableau(details),
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
    evenement: Evenement, *, titre: str, lignes: list[tuple[str, str]] | None = None, fuseau: str | None = None
) -> bytes:
    """The sealed human receipt of ``evenement``. Call only after the owner's permission checks.

    ``lignes`` are the human fields the owning module is allowed to show (who deposited or opened
    what, in which case: ("Dossier", "RG 24/01234")); ``fuseau`` is the court's time zone.
    """
    recu = services.accuse(evenement)
    return sceau.sceller_pdf(rendre_pdf(recu, titre=titre, lignes=lignes or [], fuseau=fuseau), motif=titre)


def reponse(
    evenement: Evenement,
    *,
    nom: str,
    titre: str,
    lignes: list[tuple[str, str]] | None = None,
    fuseau: str | None = None,
    format: str = "pdf",  # noqa: A002
) -> HttpResponse:
    """The download of an accusé, as every module serves it: the sealed PDF (default) or the bare
    JSON receipt (``format="json"``, for programs). ``nom`` is the file name without extension."""
    if format == "json":
        contenu = json.dumps(services.accuse(evenement), ensure_ascii=False, indent=1).encode()
        reponse_http = HttpResponse(contenu, content_type="application/json; charset=utf-8")
    else:
        reponse_http = HttpResponse(
            accuse_pdf(evenement, titre=titre, lignes=lignes, fuseau=fuseau), content_type="application/pdf"
        )
    reponse_http["Content-Disposition"] = f'attachment; filename="{nom}.{"json" if format == "json" else "pdf"}"'
    reponse_http["Cache-Control"] = "no-store"  # a pending receipt is completed later: never cached
    return reponse_http


def complets(evenements: list[Evenement]) -> set[int]:
    """Primary keys of the events whose receipt is already complete (timestamped), in one query:
    the pages show the others as "provisoire" until the authority answers."""
    taille = services.taille_horodatee()
    return {e.pk for e in evenements if e.index < taille}
