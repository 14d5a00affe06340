"""A civil case from the expert's time to the ordonnance de taxe and the refunds (CPC 280-284, 724),
totals checked at each step; a case where a party owes a complement; bad input refused with
nothing recorded. Every PDF the platform draws up validates in pdfsig."""

from __future__ import annotations

import datetime as dt

import pytest

from justexpert.comptes.services import RefusService
from justexpert.expertises import services as expertises
from justexpert.expertises.models import Etat
from justexpert.frais import remuneration as r
from justexpert.frais.models import (
    Demande,
    LigneTemps,
    NatureTemps,
    Provision,
    Reception,
    RegimeTva,
    Sortie,
    StatutDemande,
    Taxe,
    TypeDemande,
    TypeSortie,
)
from justexpert.frais.services import PartDemandee, repartir_provision
from justexpert.lib.temps import maintenant
from justexpert.preuves.models import Evenement

from .conftest import D, aujourd_hui, dans, en_cours_consigne, lire, livre, parties, valide_pdfsig, verser


def _temps(expert, e, nature, quantite, taux, tva=RegimeTva.NORMAL, libelle="Ligne"):
    return r.ajouter_temps(
        acteur=expert, expertise=e, nature=nature, jour=aujourd_hui(), libelle=libelle, quantite=quantite, taux=taux, tva=tva
    )


def _recu_il_y_a(e, jours):
    """Time passes: the receipts (and the case's own 15 days from the report) are moved back."""
    from justexpert.expertises.models import Expertise

    Reception.objects.filter(demande__expertise=e).update(recue_le=maintenant() - dt.timedelta(days=jours))
    Expertise.objects.filter(pk=e.pk).update(date_limite_observations=dans(-1))
    e.refresh_from_db()


def _refus(fonction, *args, message, **kwargs):
    with pytest.raises(RefusService) as exc:
        fonction(*args, **kwargs)
    assert message in str(exc.value), str(exc.value)


def test_civil_case_from_the_time_log_to_the_refunds(
    dossier, magistrat, greffier, expert, avocat_partie_a, partie_b, django_capture_on_commit_callbacks
):
    e = en_cours_consigne(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    assert e.etat == Etat.EN_COURS and r.consigne(e) == D("1500.00")

    # (2) The time and expense log, totals per kind and overall.
    _temps(expert, e, NatureTemps.REUNION, "3", "90", libelle="Réunion sur place")
    _temps(expert, e, NatureTemps.DEPLACEMENT_KM, "120", "0,60")
    _temps(expert, e, NatureTemps.ETUDE, "5", "90")
    _temps(expert, e, NatureTemps.SAPITEUR, "1", "400")
    _temps(expert, e, NatureTemps.AFFRANCHISSEMENT, "2", "5.50", tva=RegimeTva.FRANCHISE)
    rv = r.releve(e)
    assert (rv.ht, rv.tva, rv.ttc) == (D("1203.00"), D("238.40"), D("1441.40"))
    assert [(t.nature, t.quantite, t.ttc) for t in rv.par_nature] == [
        ("reunion", D("3"), D("324.00")),
        ("deplacement_km", D("120"), D("86.40")),
        ("etude", D("5"), D("540.00")),
        ("sapiteur", D("1"), D("480.00")),
        ("affranchissement", D("2"), D("11.00")),
    ]
    # Bad input: nothing recorded.
    avant = LigneTemps.objects.count()
    _refus(_temps, expert, e, NatureTemps.ETUDE, "1,234", "90", message="Deux décimales au plus")
    _refus(_temps, expert, e, NatureTemps.ETUDE, "1", "90,001", message="Deux décimales au plus")
    _refus(
        r.ajouter_temps,
        acteur=expert,
        expertise=e,
        nature="etude",
        jour=dans(1),
        libelle="x",
        quantite="1",
        taux="1",
        message="futur",
    )
    _refus(_temps, avocat_partie_a, e, NatureTemps.ETUDE, "1", "90", message="Seul l'expert")
    assert LigneTemps.objects.count() == avant

    # (1) A provision complémentaire with its justification, ordered with suspension.
    _refus(r.demander, acteur=expert, expertise=e, type_=TypeDemande.COMPLEMENT, montant="1000", message="Justifiez")
    _refus(r.demander, acteur=expert, expertise=e, type_=TypeDemande.COMPLEMENT, montant="1000,005", message="Deux décimales")
    d = r.demander(
        acteur=expert,
        expertise=e,
        type_=TypeDemande.COMPLEMENT,
        montant="1000",
        justification="Investigations destructives nécessaires",
        heures_passees="8",
        heures_a_venir="6",
        frais="120",
        sapiteur="400",
        tva="166,67",
        suspension=True,
    )
    assert d.statut == StatutDemande.EN_ATTENTE and d.suspension_demandee
    _refus(r.decider, acteur=expert, demande=d, accorder=True, montant="800", date_limite=dans(20), message="Seul le magistrat")
    d = r.decider(
        acteur=magistrat, demande=d, accorder=True, montant="800", date_limite=dans(20), suspension=True, motifs="Justifié"
    )
    assert d.statut == StatutDemande.ACCORDEE and d.montant_accorde == D("800.00")
    texte = valide_pdfsig(lire(d.decision))
    assert "Ordonnons la consignation d'une provision complémentaire de 800,00" in texte and "suspendues" in texte
    lv = livre(e)
    assert lv.ordonne == D("2300.00") and lv.reste == D("800.00")
    # Suspended: the report cannot be filed while the complement is unpaid.
    e.refresh_from_db()
    raison = expertises.conditions.empechement("deposer_rapport", e)
    assert raison and "Opérations suspendues" in raison
    complement = Provision.objects.filter(expertise=e).order_by("id").last()
    repartir_provision(
        acteur=magistrat,
        provision=complement,
        parts=[PartDemandee(a, pourcentage=D("50")), PartDemandee(b, pourcentage=D("50"))],
        echeances=[(dans(20), D("100"))],
    )
    verser(greffier, e, "400", a, reference="R-A2")
    verser(greffier, e, "400", b, reference="R-B2")
    assert livre(e).complet and r.consigne(e) == D("2300.00") and r.suspension_en_cours(e) is None
    e.refresh_from_db()
    assert expertises.conditions.empechement("deposer_rapport", e) is None

    # An advance: not above the consigned sum; granted, then paid by the régie.
    _refus(
        r.demander,
        acteur=expert,
        expertise=e,
        type_=TypeDemande.ACOMPTE,
        montant="2300,01",
        message="dépasse les sommes consignées",
    )
    assert not Demande.objects.filter(type=TypeDemande.ACOMPTE).exists()
    acompte = r.demander(acteur=expert, expertise=e, type_=TypeDemande.ACOMPTE, montant="500")
    acompte = r.decider(acteur=magistrat, demande=acompte, accorder=True)
    assert "acompte de 500,00" in valide_pdfsig(lire(acompte.decision))
    assert r.acomptes_a_payer(e) == D("500.00") and r.disponible(e) == D("1800.00")
    _refus(
        r.enregistrer_sortie,
        acteur=greffier,
        expertise=e,
        type_=TypeSortie.ACOMPTE,
        montant="600",
        payee_le=aujourd_hui(),
        message="500,00",
    )
    r.enregistrer_sortie(acteur=greffier, expertise=e, type_=TypeSortie.ACOMPTE, montant="500", payee_le=aujourd_hui())
    assert r.paye_expert(e) == D("500.00") and r.acomptes_a_payer(e) == 0

    # The report is filed: no more requests, except the fee request.
    e = expertises.deposer_rapport(acteur=expert, expertise=e)
    _refus(
        r.demander,
        acteur=expert,
        expertise=e,
        type_=TypeDemande.ACOMPTE,
        montant="100",
        message="seule la demande de rémunération",
    )

    # (3) The fee request drawn up from the log, sealed.
    dr = r.deposer_demande_remuneration(acteur=expert, expertise=e)
    assert dr.generee and dr.montant == D("1441.40")
    texte = valide_pdfsig(lire(dr.document))
    assert "1 441,40" in texte and "Total général" in texte and "Réunion" in texte
    _refus(_temps, expert, e, NatureTemps.ETUDE, "1", "90", message="relevé est arrêté")
    # Receipts: B opens it on the platform; A was reached by post (date declared by the expert).
    assert [x.partie for x in r.constater_reception(acteur=partie_b, demande=dr)] == [b]
    assert r.constater_reception(acteur=partie_b, demande=dr) == []  # the first opening counts
    _refus(r.declarer_reception_postale, acteur=expert, demande=dr, partie=a, jour=dans(1), message="futur")
    r.declarer_reception_postale(acteur=expert, demande=dr, partie=a, jour=aujourd_hui())
    # 15 days from the receipt, to the next working day if the last falls on a weekend (CPC 642).
    fins = {d_.partie: d_.fin for d_ in r.delais(e)}
    assert set(fins) == {a, b} and fins[a] == fins[b] and dans(15) <= fins[a] <= dans(17)
    r.deposer_observations(acteur=avocat_partie_a, expertise=e, partie=a, texte="Le temps d'étude paraît excessif.")
    _refus(
        r.deposer_observations, acteur=avocat_partie_a, expertise=e, partie=b, texte="x", message="partie que vous représentez"
    )

    # (4) No taxation before every party's 15 days.
    _refus(r.taxer, acteur=magistrat, expertise=e, montant="1300", motifs="x", message="n'a pas couru pour")
    assert not Taxe.objects.filter(expertise=e, rendue_le__isnull=False).exists()
    _recu_il_y_a(e, 16)
    # Less than asked: the expert is invited first, with a deadline.
    _refus(r.taxer, acteur=magistrat, expertise=e, montant="1300", motifs="x", message="invitez l'expert")
    _refus(r.taxer, acteur=magistrat, expertise=e, montant="1300,555", message="Deux décimales")
    r.inviter_expert(acteur=magistrat, expertise=e, montant="1300", motifs="Temps d'étude réduit", date_limite=dans(8))
    _refus(r.taxer, acteur=magistrat, expertise=e, montant="1300", motifs="x", message="attendez-les")
    r.observer_taxe(acteur=expert, expertise=e, texte="Le dossier comptait 40 pièces.")
    _refus(r.taxer, acteur=magistrat, expertise=e, montant="1300", message="Motivez")
    t = r.taxer(acteur=magistrat, expertise=e, montant="1300", motifs="Temps d'étude ramené à quatre heures")
    e.refresh_from_db()
    assert e.etat == Etat.TAXATION and t.montant == D("1300.00")
    texte = valide_pdfsig(lire(t.ordonnance))
    for attendu in (
        "Fixons la rémunération de l'expert à 1 300,00",
        "Ordonnons la restitution",
        "Article 724",
        "Article 714, alinéa 2",
        "Le délai de recours est d'un mois",
        "Article 715",
        "note exposant les motifs du recours",
        "Article 716",
        "entend contradictoirement",
        "Article 717",
        "Article 718",
        "lettre recommandée avec demande d'avis de réception",
        "article 725 du code de procédure civile",
    ):
        assert attendu in texte, attendu
    _refus(r.deposer_observations, acteur=avocat_partie_a, expertise=e, partie=a, texte="x", message="closes")
    r.notifier_taxe(acteur=expert, expertise=e, jour=aujourd_hui())
    fin = r.fin_recours(Taxe.objects.get(expertise=e))
    assert fin.weekday() < 5 and dt.timedelta(days=28) <= fin - aujourd_hui() <= dt.timedelta(days=35)
    t31 = Taxe(notifiee_le=dt.date(2027, 1, 31))
    assert r.fin_recours(t31) == dt.date(2027, 3, 1)  # 28 February 2027 is a Sunday: next working day
    _refus(r.demander_titre_executoire, acteur=expert, expertise=e, message="Aucun complément")

    # (5) After the taxation: the régie owes the expert 1 300 - 500 (advance); 1 000 go back to the
    # parties in proportion to what each paid (A 1 300, B 1 000).
    s = r.solde(e)
    assert (s.du_par_regie, s.reste_expert, s.complement, s.excedent) == (D("1300.00"), D("800.00"), 0, D("1000.00"))
    assert [(x.partie, x.du) for x in s.remboursements] == [(a, D("565.22")), (b, D("434.78"))]
    raison = expertises.conditions.empechement("taxer", e)
    assert raison and "n'est pas soldé" in raison and "800,00" in raison
    _refus(r.clore, acteur=magistrat, expertise=e, message="n'est pas soldé")
    r.enregistrer_sortie(acteur=greffier, expertise=e, type_=TypeSortie.REMUNERATION, montant="800", payee_le=aujourd_hui())
    r.enregistrer_sortie(
        acteur=greffier, expertise=e, type_=TypeSortie.REMBOURSEMENT, montant="565,22", payee_le=aujourd_hui(), partie=a
    )
    _refus(
        r.enregistrer_sortie,
        acteur=greffier,
        expertise=e,
        type_=TypeSortie.REMBOURSEMENT,
        montant="500",
        payee_le=aujourd_hui(),
        partie=b,
        message="434,78",
    )
    assert Sortie.objects.filter(expertise=e).count() == 3
    r.enregistrer_sortie(
        acteur=greffier, expertise=e, type_=TypeSortie.REMBOURSEMENT, montant="434,78", payee_le=aujourd_hui(), partie=b
    )
    s = r.solde(e)
    assert s.regle and s.reste_expert == 0 and s.reste_a_rembourser == 0 and s.paye_expert == D("1300.00")
    # Closed from the case page with another amount: refused, nothing recorded.
    _refus(expertises.taxer, acteur=magistrat, expertise=e, montant=D("1400"), message="1\u202f300,00")
    e.refresh_from_db()
    assert e.etat == Etat.TAXATION and e.montant_taxe is None
    e = r.clore(acteur=magistrat, expertise=e)
    assert e.etat == Etat.CLOSE and e.montant_taxe == D("1300.00")

    # One event per step, with references and amounts only.
    types = list(Evenement.objects.filter(dossier_ref=str(e.uuid), type__startswith="frais.").values_list("type", flat=True))
    for attendu in (
        "frais.temps",
        "frais.demande",
        "frais.decision",
        "frais.sortie",
        "frais.demande_remuneration",
        "frais.reception",
        "frais.observations",
        "frais.invitation_expert",
        "frais.observations_expert",
        "frais.taxe",
        "frais.taxe_notifiee",
    ):
        assert attendu in types, attendu
    for f in Evenement.objects.filter(dossier_ref=str(e.uuid), type__startswith="frais.").values_list("feuille", flat=True):
        assert "SCI" not in bytes(f).decode() and "excessif" not in bytes(f).decode()


def test_a_party_owes_a_complement_and_the_expert_requests_the_titre_executoire(dossier, magistrat, greffier, expert):
    from tests.preuves.outils_signature import pdf

    e = en_cours_consigne(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    e = expertises.deposer_rapport(acteur=expert, expertise=e)
    _refus(r.deposer_demande_remuneration, acteur=expert, expertise=e, message="relevé du temps et des frais est vide")
    # An uploaded fee request is still accepted, with the amount it asks.
    dr = r.deposer_demande_remuneration(acteur=expert, expertise=e, pdf=pdf("demande.pdf"), montant="2000")
    assert not dr.generee and dr.montant == D("2000.00")
    for partie in (a, b):
        r.declarer_reception_postale(acteur=expert, demande=dr, partie=partie, jour=aujourd_hui())
    _recu_il_y_a(e, 16)
    _refus(r.taxer, acteur=magistrat, expertise=e, montant="2000", message="indiquez la partie qui doit le complément")
    t = r.taxer(acteur=magistrat, expertise=e, montant="2000", debiteur=b)
    s = r.solde(e)
    assert (s.du_par_regie, s.complement, s.excedent, s.remboursements) == (D("1500.00"), D("500.00"), 0, [])
    texte = valide_pdfsig(lire(t.ordonnance))
    assert "complément de 500,00" in texte and "Entreprise Toitures" in texte
    r.demander_titre_executoire(acteur=expert, expertise=e)
    assert Taxe.objects.get(expertise=e).titre_executoire_le is not None
    r.enregistrer_sortie(acteur=greffier, expertise=e, type_=TypeSortie.REMUNERATION, montant="1500", payee_le=aujourd_hui())
    # The complement is assigned to B by the ordonnance: the case may close.
    assert r.solde(e).regle
    assert r.clore(acteur=magistrat, expertise=e).etat == Etat.CLOSE


def test_dashboards_say_who_must_act(dossier, magistrat, greffier, expert, avocat_partie_a, partie_b):
    from justexpert.portail.services import a_faire

    def libelles(user):
        return [i.libelle for i in a_faire(user)]

    e = en_cours_consigne(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    acompte = r.demander(acteur=expert, expertise=e, type_=TypeDemande.ACOMPTE, montant="300")
    assert any("demande de l'expert à décider" in x and "300,00" in x for x in libelles(magistrat))
    r.decider(acteur=magistrat, demande=acompte, accorder=True)
    assert any("est accordée" in x for x in libelles(expert))
    assert any("acompte de 300,00" in x for x in libelles(greffier))
    r.enregistrer_sortie(acteur=greffier, expertise=e, type_=TypeSortie.ACOMPTE, montant="300", payee_le=aujourd_hui())
    assert not any("acompte de" in x for x in libelles(greffier))
    e = expertises.deposer_rapport(acteur=expert, expertise=e)
    assert any("demande de rémunération à déposer" in x for x in libelles(expert))
    _temps(expert, e, NatureTemps.ETUDE, "10", "100", tva=RegimeTva.FRANCHISE)
    dr = r.deposer_demande_remuneration(acteur=expert, expertise=e)
    r.constater_reception(acteur=partie_b, demande=dr)
    assert any("observations sur la demande de rémunération" in x and "Entreprise Toitures" in x for x in libelles(partie_b))
    assert not any("observations sur la demande" in x for x in libelles(avocat_partie_a))  # A has not received it
    r.declarer_reception_postale(acteur=expert, demande=dr, partie=a, jour=aujourd_hui())
    assert not any("ordonnance de taxe à rendre" in x for x in libelles(magistrat))
    _recu_il_y_a(e, 16)
    assert any("ordonnance de taxe à rendre" in x for x in libelles(magistrat))
    assert not any("observations sur la demande" in x for x in libelles(partie_b))
    r.taxer(acteur=magistrat, expertise=e, montant="1000")
    assert any("notifiez l'ordonnance" in x for x in libelles(expert))
    greffe = libelles(greffier)
    assert any("700,00 € à verser à l'expert" in x.replace("\u202f", " ").replace("\u00a0", " ") for x in greffe)
    assert any("à rembourser à SCI Les Tilleuls" in x for x in greffe) and any(
        "à rembourser à Entreprise Toitures" in x for x in greffe
    )


def test_the_documents_of_frais_are_destroyed_with_the_case(dossier, magistrat, greffier, expert):
    from justexpert.coffre import services as coffre
    from justexpert.expertises import depots
    from justexpert.frais.models import DemandeRemuneration, ObservationRemuneration

    e = en_cours_consigne(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    acompte = r.decider(
        acteur=magistrat, demande=r.demander(acteur=expert, expertise=e, type_=TypeDemande.ACOMPTE, montant="100"), accorder=True
    )
    r.enregistrer_sortie(acteur=greffier, expertise=e, type_=TypeSortie.ACOMPTE, montant="100", payee_le=aujourd_hui())
    _temps(expert, e, NatureTemps.ETUDE, "10", "150", tva=RegimeTva.FRANCHISE)
    e = expertises.deposer_rapport(acteur=expert, expertise=e)
    dr = r.deposer_demande_remuneration(acteur=expert, expertise=e)
    for partie in (a, b):
        r.declarer_reception_postale(acteur=expert, demande=dr, partie=partie, jour=aujourd_hui())
    _recu_il_y_a(e, 16)
    t = r.taxer(acteur=magistrat, expertise=e, montant="1500")
    r.enregistrer_sortie(acteur=greffier, expertise=e, type_=TypeSortie.REMUNERATION, montant="1400", payee_le=aujourd_hui())
    e = r.clore(acteur=magistrat, expertise=e)
    depots.purger(e)
    for document in (
        acompte.decision,
        DemandeRemuneration.objects.get(expertise=e).document,
        Taxe.objects.get(pk=t.pk).ordonnance,
    ):
        document.refresh_from_db()
        assert document.est_detruit
        with pytest.raises(coffre.DocumentIndisponible):
            b"".join(coffre.ouvrir(document))
    assert not ObservationRemuneration.objects.exclude(texte="").exists()
