"""Closure makes the case read-only; after the retention delay the contents are destroyed through
the coffre (one uniform event each); rows, hashes and receipts remain and verify with the tool."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from justexpert.expertises import depots
from justexpert.expertises.models import Depot, Etat, Expertise, TypeDocument
from justexpert.lib.temps import maintenant
from justexpert.preuves.models import Evenement
from justexpert.preuves.services import TYPE_DESTRUCTION
from tests.conftest import texte

from .outils_depots import deposer, en_cours, etat

OUTIL = Path(settings.BASE_DIR) / "tools" / "verifier_accuse.py"


def _clore(dossier, expert, magistrat, avocat_partie_a):
    en_cours(dossier)
    deposer(expert, dossier, TypeDocument.NOTE, nom="note.pdf")
    deposer(avocat_partie_a, dossier, TypeDocument.PIECE, nom="piece.txt", contenu=b"Piece\n")
    etat(dossier, Etat.TAXATION)
    deposer(magistrat, dossier, TypeDocument.ORDONNANCE_TAXE, montant=Decimal("900"))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.CLOSE
    return dossier


def test_closed_case_is_read_only_but_still_readable(client, dossier, expert, magistrat, avocat_partie_a):
    _clore(dossier, expert, magistrat, avocat_partie_a)
    client.force_login(avocat_partie_a)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "lecture seule" in page and "Déposer un document" not in page
    d = Depot.objects.filter(expertise=dossier, type=TypeDocument.NOTE).get()
    assert client.get(reverse("expertises:telecharger", args=[dossier.uuid, d.uuid])).status_code == 200


def test_purge_after_the_delay_destroys_contents_and_receipts_still_verify(
    client, dossier, expert, magistrat, avocat_partie_a, tmp_path
):
    _clore(dossier, expert, magistrat, avocat_partie_a)
    delai = dt.timedelta(days=settings.EXPERTISES_DELAI_CONSERVATION_JOURS)
    assert depots.purger_echues(maintenant()) == 0  # not yet
    Expertise.objects.filter(pk=dossier.pk).update(close_le=maintenant() - delai - dt.timedelta(hours=1))
    assert depots.purger_echues() == 3
    assert depots.purger_echues() == 0  # once
    dossier.refresh_from_db()
    assert dossier.purgee_le is not None
    rows = list(Depot.objects.filter(expertise=dossier).select_related("document", "evenement"))
    assert len(rows) == 3 and all(d.document.detruit_le is not None for d in rows)
    destructions = Evenement.objects.filter(type=TYPE_DESTRUCTION, dossier_ref=str(dossier.uuid))
    assert destructions.count() == 3
    client.force_login(avocat_partie_a)
    note = next(d for d in rows if d.type == TypeDocument.NOTE)
    assert client.get(reverse("expertises:telecharger", args=[dossier.uuid, note.uuid])).status_code == 410
    assert "contenu détruit" in texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    # The deposit receipt verifies offline with the standalone tool.
    recu = client.get(reverse("expertises:accuse", args=[dossier.uuid, note.evenement.uuid, "json"])).json()
    chemin = tmp_path / "accuse.json"
    chemin.write_text(json.dumps(recu))
    resultat = subprocess.run([sys.executable, str(OUTIL), str(chemin)], capture_output=True, text=True, check=False)  # noqa: S603
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    # The ZIP still lists the documents and their receipts.
    contenu = b"".join(client.get(reverse("expertises:dossier_zip", args=[dossier.uuid])).streaming_content)
    assert b"accuses/liste.csv" in contenu and b"note.pdf" in contenu
