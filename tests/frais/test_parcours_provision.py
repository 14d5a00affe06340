"""A civil case through its provision (CPC 269-271), the ledger's totals checked at each step:
split between two parties in two instalments, one party late then paid by the other, the expert
told to start; and a case made caduque by an unpaid provision, then relieved."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from justexpert.expertises import services as expertises
from justexpert.expertises.models import Etat, Expertise, StatutConsignation
from justexpert.frais.models import Echeance, Provision, Versement
from justexpert.lib.temps import fin_de_journee
from justexpert.portail.services import a_faire
from justexpert.preuves.models import Evenement

from .conftest import D, dans, livre, parties, repartir_60_40, verser


def _totaux(lv):
    return {"du": lv.du, "verse": lv.verse, "reste": lv.reste, "retard": lv.en_retard, "excedent": lv.excedent}


def test_provision_split_in_two_instalments_late_party_paid_by_the_other_then_expert_told_to_start(
    dossier, magistrat, greffier, expert, avocat_partie_a, partie_b, django_capture_on_commit_callbacks
):
    e = dossier
    a, b = parties(e)
    # The designation's amount is in the ledger, split « non précisé ».
    lv = livre(e)
    assert lv.ordonne == D("1500.00") and [ligne.libelle for ligne in lv.lignes] == ["Non précisé"]
    assert _totaux(lv) == {"du": D("1500"), "verse": 0, "reste": D("1500"), "retard": 0, "excedent": 0}
    # The judge's order splits it: A 60 %, B 40 %, half now, half in a month.
    repartir_60_40(e, magistrat)
    lv = livre(e)
    la, lb = lv.ligne(a), lv.ligne(b)
    assert (la.du, lb.du) == (D("900.00"), D("600.00"))
    assert [x.montant for x in la.echeances] == [D("450.00"), D("450.00")]
    assert [x.montant for x in lb.echeances] == [D("300.00"), D("300.00")]
    assert lv.ligne(None) is None and lv.prochaine_date == dans(10)
    e.refresh_from_db()
    assert e.consignation_montant == D("1500.00") and e.consignation_date_limite == dans(10)
    e = expertises.notifier(acteur=greffier, expertise=e)
    e = expertises.accepter(acteur=expert, expertise=e)
    e = expertises.inviter_consignation(acteur=greffier, expertise=e)
    assert e.etat == Etat.ATTENTE_CONSIGNATION
    # A pays its first instalment.
    verser(greffier, e, "450", a, reference="R-1")
    lv = livre(e)
    assert _totaux(lv) == {"du": D("1500"), "verse": D("450"), "reste": D("1050"), "retard": 0, "excedent": 0}
    # B's first instalment falls due unpaid: B is late, the magistrate's « à faire » says so.
    Echeance.objects.filter(part__partie=b, rang=1).update(date_limite=dans(-1))
    lv = livre(e)
    assert lv.ligne(b).en_retard == D("300.00") and lv.en_retard == D("300.00")
    assert any("provision en retard" in i.libelle and "300,00" in i.libelle for i in a_faire(magistrat))
    # The greffe cannot record the consignation by hand: the ledger says what is missing.
    e.refresh_from_db()
    raison = expertises.conditions.empechement("constater_consignation", e)
    assert raison and "Provision incomplète" in raison and "1\u202f050,00" in raison
    # A pays B's whole share in its place.
    verser(greffier, e, "600", a, pour=b, reference="R-2")
    lv = livre(e)
    assert lv.ligne(b).reste == 0 and lv.ligne(b).en_retard == 0 and lv.ligne(a).reste == D("450.00")
    assert _totaux(lv) == {"du": D("1500"), "verse": D("1050"), "reste": D("450"), "retard": 0, "excedent": 0}
    assert livre(e).ligne(a).versements[-1].payeur == a  # A sees what it paid for B
    e.refresh_from_db()
    assert e.etat == Etat.ATTENTE_CONSIGNATION and e.consignation_date_limite == dans(30)
    # A's second instalment completes the provision: the consignation is recorded, the expert told.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        verser(greffier, e, "450", a, reference="R-3")
    lv = livre(e)
    assert lv.complet and _totaux(lv) == {"du": D("1500"), "verse": D("1500"), "reste": 0, "retard": 0, "excedent": 0}
    e.refresh_from_db()
    assert e.etat == Etat.EN_COURS and e.consignation_statut == StatutConsignation.CONSIGNEE
    assert any(expert.email in m.to and "Opérations en cours" in m.body or "opérations en cours" in m.body for m in mail.outbox)
    assert any("vous pouvez commencer" in i.libelle for i in a_faire(expert))
    # Every change of the ledger is an event with references and amounts only.
    feuilles = list(
        Evenement.objects.filter(dossier_ref=str(e.uuid), type__startswith="frais.").values_list("feuille", flat=True)
    )
    assert len(feuilles) == 5  # provision, répartition, three payments
    for f in feuilles:
        texte = bytes(f).decode()
        assert "SCI" not in texte and "Toitures" not in texte and "R-1" not in texte and "26/00001" not in texte
    assert Versement.objects.filter(expertise=e).count() == 3


def test_unpaid_provision_makes_the_designation_caduque_then_the_judge_relieves_it(dossier, magistrat, greffier, expert):
    e = dossier
    a, b = parties(e)
    repartir_60_40(e, magistrat, echeances=[(dans(10), D("100"))])
    e = expertises.notifier(acteur=greffier, expertise=e)
    e = expertises.accepter(acteur=expert, expertise=e)
    e = expertises.inviter_consignation(acteur=greffier, expertise=e)
    verser(greffier, e, "900", a)
    lv = livre(e)
    assert _totaux(lv) == {"du": D("1500"), "verse": D("900"), "reste": D("600"), "retard": 0, "excedent": 0}
    # The deadline passes with B's share unpaid: the hourly task declares the designation caduque.
    # (Time passes: the deadline is moved into the past, as expertises' own tests do.)
    Echeance.objects.filter(part__provision__expertise=e).update(date_limite=dans(-1))
    Expertise.objects.filter(pk=e.pk).update(consignation_date_limite=dans(-1))
    apres = fin_de_journee(dans(-1), e.fuseau) + dt.timedelta(hours=1)
    assert expertises.traiter_echeances()["caduques"] == 1
    e.refresh_from_db()
    assert e.etat == Etat.CADUQUE and e.consignation_statut == StatutConsignation.NON_CONSIGNEE
    from justexpert.frais import grand_livre

    lv = grand_livre.calculer(e, apres)
    assert lv.en_retard == D("600.00") and lv.ligne(b).en_retard == D("600.00") and lv.ligne(a).en_retard == 0
    # The judge relieves the caducité (CPC 271): B's instalment moves to the new deadline.
    e = expertises.relever_caducite(acteur=magistrat, expertise=e, jour=dans(20), motif="Motif légitime")
    assert e.etat == Etat.ATTENTE_CONSIGNATION
    lv = livre(e)
    assert lv.en_retard == 0 and lv.prochaine_date == dans(20) and lv.reste == D("600.00")
    assert Evenement.objects.filter(dossier_ref=str(e.uuid), type="frais.echeances_reportees").exists()
    verser(greffier, e, "600", b, reference="R-2")
    lv = livre(e)
    assert lv.complet and _totaux(lv) == {"du": D("1500"), "verse": D("1500"), "reste": 0, "retard": 0, "excedent": 0}
    e.refresh_from_db()
    assert e.etat == Etat.EN_COURS


def test_complement_ordered_from_the_case_page_becomes_a_provision_non_precise(dossier, magistrat, greffier):
    from tests.expertises.outils_depots import en_cours

    e = en_cours(dossier)
    expertises.ordonner_complement(acteur=magistrat, expertise=e, montant=D("500"), jour=dans(20))
    provisions = list(Provision.objects.filter(expertise=e).order_by("id"))
    assert [p.montant for p in provisions] == [D("1500.00"), D("500.00")]
    assert livre(e).ordonne == D("2000.00")


def test_aide_juridictionnelle_share_is_advanced_by_the_state(dossier, magistrat, greffier, expert):
    from justexpert.frais import services
    from justexpert.frais.services import PartDemandee

    e = dossier
    a, b = parties(e)
    services.repartir_provision(
        acteur=magistrat,
        provision=e.provisions.get(),
        parts=[PartDemandee(a, montant=D("1000")), PartDemandee(b, montant=D("500"), decision_aj="BAJ 2026/123")],
        echeances=[(dans(10), D("100"))],
    )
    lv = livre(e)
    assert lv.ligne(b).avance_etat == D("500.00") and lv.ligne(b).du == 0 and lv.ligne(b).decisions_aj == ["BAJ 2026/123"]
    assert lv.reste == D("1000.00")
    e = expertises.notifier(acteur=greffier, expertise=e)
    e = expertises.accepter(acteur=expert, expertise=e)
    verser(greffier, e, "1000", a)
    assert livre(e).complet
    e.refresh_from_db()
    # Paid before the consignation step: the expert may start as soon as they accepted (CPC 267).
    assert e.etat == Etat.ACCEPTEE and e.consignation_statut == StatutConsignation.CONSIGNEE
    expertises.demarrer(acteur=expert, expertise=e)
