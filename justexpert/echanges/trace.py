"""The trace of a folder, read from this module's tables: for each file its sender, recipients,
name, size, hash, deposit time, each download, and its deletion or expiry, with the evidence-log
event of each step. Shown on the trace page and exported as a PDF.

Serve it only after ``permissions.echange_a_gerer`` (agents of the folder).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from justexpert.coffre.services import taille_lisible
from justexpert.lib.temps import zone

from .models import Echange, Fichier, Participant, Telechargement
from .services import destinataires


@dataclass
class LigneTrace:
    fichier: Fichier
    destinataires: list[Participant]
    telechargements: list[Telechargement] = field(default_factory=list)


def lignes(echange: Echange) -> list[LigneTrace]:
    fichiers = (
        Fichier.objects.filter(echange=echange)
        .select_related("depose_par", "supprime_par", "evenement_depot", "evenement_fin", "echange")
        .prefetch_related("telechargements__utilisateur", "telechargements__evenement")
        .order_by("depose_le", "id")
    )
    return [LigneTrace(f, destinataires(f), list(f.telechargements.all())) for f in fichiers]


def sceller_pdf(pdf: bytes) -> bytes:
    """Apply the platform seal (PAdES B-T, ``preuves.sceau``) to the exported trace."""
    from justexpert.preuves.sceau import sceller_pdf as sceller

    return sceller(pdf, motif="Trace d'un échange sécurisé, exportée par la plateforme Justexpert")


def _heure(instant, fuseau: str) -> str:  # type: ignore[no-untyped-def]
    return timezone.localtime(instant, zone(fuseau)).strftime("%d/%m/%Y %H:%M:%S") if instant else "—"


def _p(texte: str, style) -> Paragraph:  # type: ignore[no-untyped-def]
    from xml.sax.saxutils import escape

    return Paragraph(escape(texte), style)


def pdf_trace(echange: Echange) -> bytes:
    """The trace of the folder as a PDF (not sealed: see ``sceller_pdf``)."""
    fuseau = echange.juridiction.fuseau
    styles = getSampleStyleSheet()
    normal = styles["BodyText"]
    petit = styles["BodyText"].clone("petit", fontSize=8, leading=10)
    tampon = io.BytesIO()
    doc = SimpleDocTemplate(
        tampon,
        pagesize=A4,
        title="Trace d'un échange sécurisé",
        author="Justexpert",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    contenu: list[Flowable] = [
        _p("Trace de l'échange sécurisé", styles["Title"]),
        _p(f"Échange : {echange.titre}", normal),
        _p(f"Référence : {echange.uuid}", normal),
        _p(f"Juridiction : {echange.juridiction} — matière {echange.get_matiere_display().lower()}", normal),
        _p(f"Référence de la procédure : {echange.reference_procedure or '—'}", normal),
        _p(
            f"Créé le {_heure(echange.cree_le, fuseau)} ; trace éditée le {_heure(timezone.now(), fuseau)} (heure {fuseau})",
            normal,
        ),
        Spacer(1, 6 * mm),
    ]
    for ligne in lignes(echange):
        f = ligne.fichier
        fin = "—"
        if f.supprime_le:
            fin = f"supprimé le {_heure(f.supprime_le, fuseau)} par {f.supprime_par or '—'}"
        elif f.expire_le:
            fin = f"expiré le {_heure(f.expire_le, fuseau)} (contenu détruit)"
        lignes_table = [
            ["Fichier", _p(f.nom, petit)],
            ["Référence", str(f.uuid)],
            ["Taille", f"{taille_lisible(f.taille)} ({f.taille} octets)"],
            ["SHA-256", _p(f.sha256, petit)],
            ["Expéditeur", _p(f"{f.depose_par} <{f.depose_par.email}>", petit)],
            [
                "Destinataires",
                _p(", ".join(f"{p.utilisateur} <{p.utilisateur.email}>" for p in ligne.destinataires) or "—", petit),
            ],
            ["Déposé le", f"{_heure(f.depose_le, fuseau)} — événement n° {f.evenement_depot.index}"],
            ["Disponible jusqu'au", _heure(f.disponible_jusqu_au, fuseau)],
            ["Fin", _p(fin + (f" — événement n° {f.evenement_fin.index}" if f.evenement_fin else ""), petit)],
        ]
        for t in ligne.telechargements:
            lignes_table.append(
                ["Téléchargé", _p(f"le {_heure(t.le, fuseau)} par {t.utilisateur} — événement n° {t.evenement.index}", petit)]
            )
        table = Table(lignes_table, colWidths=[40 * mm, 140 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                ]
            )
        )
        contenu += [table, Spacer(1, 5 * mm)]
    if len(contenu) == 7:
        contenu.append(_p("Aucun fichier n'a été déposé dans cet échange.", normal))
    contenu.append(
        _p(
            "Chaque dépôt, téléchargement, suppression et expiration est aussi inscrit au journal de preuves de la "
            "plateforme ; son accusé (JSON) se télécharge depuis la page de trace et se vérifie hors ligne.",
            petit,
        )
    )
    doc.build(contenu)
    return tampon.getvalue()


def trace_pdf_scellee(echange: Echange) -> bytes:
    return sceller_pdf(pdf_trace(echange))
