"""operations through the case's registry: the sealed attendance sheets in the case ZIP, the
« à faire » of the expert and of a person convened by video, and the purge hook."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.conf import settings
from django.urls import reverse

from justexpert.expertises import depots
from justexpert.expertises.models import Etat
from justexpert.lib.temps import maintenant
from justexpert.operations import services
from justexpert.operations.extension import a_faire
from justexpert.operations.models import Canal, Presence
from tests.expertises.outils_depots import etat

from .conftest import dans_jours

SCAN = b"%PDF-1.4\n% avis\n%%EOF\n"


def _tenue(e, expert, horloge):
    r = services.planifier(acteur=expert, expertise=e, debut=dans_jours(10), lieu="Sur place")
    c = r.convocations.filter(canal=Canal.LRAR).first()
    c = services.declarer_envoi(acteur=expert, convocation=c, numero_suivi="1A12345678901")
    services.deposer_avis(acteur=expert, convocation=c, le=c.envoyee_le.date(), scan=SCAN)
    horloge.instant = r.debut + dt.timedelta(minutes=10)
    services.signer_presence(acteur=expert, reunion=r, convocation=c, nom="Jean Tilleuls", represente="SCI Les Tilleuls")
    return services.sceller_feuille(acteur=expert, reunion=r)


def test_the_sealed_sheet_goes_into_the_case_zip(client, acceptee, expert, partie_b, horloge):
    r = _tenue(acceptee, expert, horloge)
    client.force_login(partie_b)
    contenu = b"".join(client.get(reverse("expertises:dossier_zip", args=[acceptee.uuid])).streaming_content)
    with zipfile.ZipFile(io.BytesIO(contenu)) as z:
        assert z.read(f"operations/feuille-de-presence-{r.uuid}.pdf").startswith(b"%PDF")


def test_a_faire_warns_the_expert_and_asks_video_consent(acceptee, expert, partie_b):
    services.consentir_echange(acteur=partie_b, expertise=acceptee)
    services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(12), lien="https://visio.example.fr/r")
    assert any("point(s) de convocation à régulariser" in x.libelle and x.urgent for x in a_faire(expert))
    assert any("donnez votre consentement" in x.libelle for x in a_faire(partie_b))


def test_purge_destroys_the_sheets_and_scans_and_blanks_the_names(acceptee, expert, horloge):
    r = _tenue(acceptee, expert, horloge)
    etat(acceptee, Etat.CLOSE, close_le=maintenant() - dt.timedelta(days=settings.EXPERTISES_DELAI_CONSERVATION_JOURS + 1))
    depots.purger_echues()
    r.refresh_from_db()
    assert r.feuille.detruit_le is not None
    assert r.convocations.filter(canal=Canal.LRAR).exclude(avis_reception=None).first().avis_reception.detruit_le is not None
    assert not Presence.objects.filter(reunion=r).exclude(nom="").exists()
