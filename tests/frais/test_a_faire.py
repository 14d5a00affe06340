"""« À faire » of the provision per capacity, deadlines at the end of the day in the court's time
zone: greffe (payments to record, surplus to refund), expert, lawyers and parties (their own dues
only), magistrate (late)."""

from __future__ import annotations

from justexpert.expertises import services as expertises
from justexpert.frais.models import Echeance
from justexpert.lib.temps import fin_de_journee
from justexpert.portail.services import a_faire

from .conftest import dans, parties, repartir_60_40, verser


def _items(user, mot):
    return [i for i in a_faire(user) if mot in i.libelle]


def test_each_capacity_gets_its_provision_item(dossier, magistrat, greffier, expert, avocat_partie_a, partie_b):
    repartir_60_40(dossier, magistrat)
    e = expertises.notifier(acteur=greffier, expertise=dossier)
    e = expertises.accepter(acteur=expert, expertise=e)
    e = expertises.inviter_consignation(acteur=greffier, expertise=e)
    a, b = parties(e)
    fin = fin_de_journee(dans(10), e.fuseau)
    (g,) = _items(greffier, "versements à enregistrer")
    assert "1\u202f500,00" in g.libelle and g.echeance == fin
    (x,) = _items(expert, "provision incomplète")
    assert x.echeance == fin
    (pa,) = _items(avocat_partie_a, "à verser à la régie")
    assert "450,00" in pa.libelle and "SCI Les Tilleuls" in pa.libelle and pa.echeance == fin
    (pb,) = _items(partie_b, "à verser à la régie")
    assert "300,00" in pb.libelle and "Entreprise Toitures" in pb.libelle and "SCI" not in pb.libelle
    assert not _items(magistrat, "provision en retard")
    Echeance.objects.filter(part__partie=b, rang=1).update(date_limite=dans(-2))
    (m,) = _items(magistrat, "provision en retard")
    assert m.urgent and "300,00" in m.libelle
    (pb,) = _items(partie_b, "à verser à la régie")
    assert "en retard" in pb.libelle and pb.urgent
    verser(greffier, e, "2000", a, reference="R-TROP")
    assert _items(greffier, "à rembourser")
