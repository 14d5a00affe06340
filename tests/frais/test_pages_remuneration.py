"""The « Rémunération » page and its forms: who sees what, who may act, bad input at the field
with nothing recorded, and the magistrate's taxation through the pages (confirmation, sealed PDF)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from justexpert.expertises import services as expertises
from justexpert.frais import remuneration as r
from justexpert.frais.models import LigneTemps, NatureTemps, Reception, Taxe
from justexpert.lib.temps import maintenant
from tests.conftest import texte

from .conftest import D, aujourd_hui, dans, en_cours_consigne, parties, valide_pdfsig


def _url(nom, e, **kw):
    return reverse(f"frais:{nom}", kwargs={"reference": e.uuid, **kw})


def test_expert_adds_a_line_bad_input_refused_at_the_field(client, dossier, magistrat, greffier, expert):
    e = en_cours_consigne(dossier, magistrat, greffier, expert)
    client.force_login(expert)
    donnees = {
        "nature": NatureTemps.ETUDE,
        "jour": aujourd_hui().isoformat(),
        "libelle": "Étude",
        "quantite": "2,5",
        "taux": "90",
        "tva": "20",
    }
    reponse = client.post(_url("remuneration_temps", e), {**donnees, "quantite": "2,555"})
    assert reponse.status_code == 400 and "Deux décimales au plus" in texte(reponse)
    assert not LigneTemps.objects.exists()
    assert client.post(_url("remuneration_temps", e), donnees).status_code == 302
    page = texte(client.get(_url("remuneration", e)))
    assert "Total général" in page and "270,00" in page


def test_parties_see_only_their_deadlines_not_the_log(client, dossier, magistrat, greffier, expert, partie_b):
    e = en_cours_consigne(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    r.ajouter_temps(acteur=expert, expertise=e, nature="etude", jour=aujourd_hui(), libelle="Étude", quantite="2", taux="90")
    e = expertises.deposer_rapport(acteur=expert, expertise=e)
    r.deposer_demande_remuneration(acteur=expert, expertise=e)
    client.force_login(partie_b)
    page = texte(client.get(_url("remuneration", e)))
    assert "Relevé du temps" not in page and "Entreprise Toitures" in page and "SCI Les Tilleuls" not in page
    assert "pas encore reçue" in page
    # Opening the fee request is B's receipt: its 15 days run.
    reponse = client.get(_url("remuneration_document", e, quoi="demande-de-remuneration"))
    assert reponse.status_code == 200 and b"".join(reponse.streaming_content).startswith(b"%PDF")
    assert Reception.objects.get().partie == b
    # Only the court sees the decisions and the mémoire; the taxation forms are the magistrate's.
    assert client.get(_url("remuneration_document", e, quoi="memoire")).status_code == 404
    assert client.get(_url("remuneration_taxe", e)).status_code == 403
    assert client.post(_url("remuneration_sortie", e), {}).status_code == 403


def test_magistrate_taxes_through_the_pages(client, dossier, magistrat, greffier, expert):
    e = en_cours_consigne(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    r.ajouter_temps(acteur=expert, expertise=e, nature="etude", jour=aujourd_hui(), libelle="Étude", quantite="10", taux="120")
    e = expertises.deposer_rapport(acteur=expert, expertise=e)
    dr = r.deposer_demande_remuneration(acteur=expert, expertise=e)
    assert dr.montant == D("1440.00")
    client.force_login(magistrat)
    # Before the parties' 15 days: refused with the names, nothing recorded.
    reponse = client.post(_url("remuneration_taxe", e), {"montant": "1440", "confirme": "oui"})
    assert reponse.status_code == 400 and "n'a pas couru pour" in texte(reponse)
    for partie in (a, b):
        r.declarer_reception_postale(acteur=expert, demande=dr, partie=partie, jour=aujourd_hui())
    Reception.objects.update(recue_le=maintenant() - dt.timedelta(days=16))
    type(e).objects.filter(pk=e.pk).update(date_limite_observations=dans(-1))
    page = texte(client.get(_url("remuneration", e)))
    assert "délai écoulé" in page and "Demandé" in page and "Consigné" in page
    reponse = client.post(_url("remuneration_taxe", e), {"montant": "1440,001"})
    assert reponse.status_code == 400 and "Deux décimales" in texte(reponse)
    # The confirmation states the amount; then the ordonnance is rendered and sealed.
    reponse = client.post(_url("remuneration_taxe", e), {"montant": "1440"})
    assert "Rendre l'ordonnance de taxe ?" in texte(reponse) and not Taxe.objects.exists()
    reponse = client.post(_url("remuneration_taxe", e), {"montant": "1440", "confirme": "oui"})
    assert reponse.status_code == 302
    pdf = b"".join(client.get(_url("remuneration_document", e, quoi="ordonnance-de-taxe")).streaming_content)
    assert "Article 724" in valide_pdfsig(pdf)
    page = texte(client.get(_url("remuneration", e)))
    assert "1\u202f440,00" in page and "n'est pas soldé" in page


def test_case_zip_carries_the_documents_each_person_may_read(client, dossier, magistrat, greffier, expert, partie_b):
    import io
    import zipfile

    e = en_cours_consigne(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    d = r.demander(acteur=expert, expertise=e, type_="acompte", montant="100")
    r.decider(acteur=magistrat, demande=d, accorder=True)
    r.ajouter_temps(acteur=expert, expertise=e, nature="etude", jour=aujourd_hui(), libelle="Étude", quantite="2", taux="90")
    e = expertises.deposer_rapport(acteur=expert, expertise=e)
    r.deposer_demande_remuneration(acteur=expert, expertise=e)

    def noms(user):
        client.force_login(user)
        reponse = client.get(reverse("expertises:dossier_zip", args=[e.uuid]))
        return zipfile.ZipFile(io.BytesIO(b"".join(reponse.streaming_content))).namelist()

    tous = noms(expert)
    assert "frais/demande-de-remuneration.pdf" in tous and "frais/decision-1-acompte.pdf" in tous
    assert "frais/releve-du-temps-et-des-frais.csv" in tous
    partie = noms(partie_b)
    assert "frais/demande-de-remuneration.pdf" in partie
    assert not any("decision" in n or "releve-du-temps" in n for n in partie)


def test_penal_memoire_through_the_pages(client, dossier_penal, expert, magistrat_penal, avocat_partie_a):
    import json

    from justexpert.expertises.models import Etat, Expertise
    from justexpert.frais.models import Tarif

    e = dossier_penal
    Expertise.objects.filter(pk=e.pk).update(etat=Etat.EN_COURS)
    tarif = Tarif.objects.create(code="H", libelle="Vacation", unite="heure", montant=D("70"), article="R. 110")
    client.force_login(expert)
    donnees = {
        "nature": "etude",
        "jour": aujourd_hui().isoformat(),
        "libelle": "Analyse",
        "quantite": "3",
        "tva": "0",
        "tarif": tarif.pk,
    }
    assert client.post(_url("remuneration_temps", e), donnees).status_code == 302
    assert client.get(_url("remuneration_export", e, format="csv")).status_code == 302  # not certified yet
    assert client.post(_url("remuneration_memoire", e), {}).status_code == 302
    assert "à certifier par le magistrat" in texte(client.get(_url("remuneration", e)))
    client.force_login(magistrat_penal)
    reponse = client.post(_url("remuneration_certification", e), {})
    assert "Certifier le mémoire ?" in texte(reponse)
    assert client.post(_url("remuneration_certification", e), {"confirme": "oui"}).status_code == 302
    page = texte(client.get(_url("remuneration", e)))
    assert "certifié par le magistrat" in page and "210,00" in page
    assert json.loads(client.get(_url("remuneration_export", e, format="json")).content)["montant_ttc"] == "210.00"
    assert "montant_ttc" in client.get(_url("remuneration_export", e, format="csv")).content.decode()
