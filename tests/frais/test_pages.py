"""The « Frais » tab and its forms: who sees which money, what the greffe and the judge may do,
and bad input refused at the field with nothing recorded."""

from __future__ import annotations

from django.urls import reverse

from justexpert.expertises import services as expertises
from justexpert.expertises.models import Partie
from justexpert.frais import services
from justexpert.frais.models import Versement
from justexpert.preuves.models import Evenement
from tests.conftest import creer_utilisateur, texte

from .conftest import D, aujourd_hui, dans, livre, parties, repartir_60_40, verser


def _url(nom, e, **kw):
    return reverse(f"frais:{nom}", kwargs={"reference": e.uuid, **kw})


def _prete(dossier, magistrat, greffier, expert):
    repartir_60_40(dossier, magistrat)
    e = expertises.notifier(acteur=greffier, expertise=dossier)
    e = expertises.accepter(acteur=expert, expertise=e)
    return expertises.inviter_consignation(acteur=greffier, expertise=e)


def test_case_page_shows_the_frais_tab_to_the_case_people(client, dossier, expert, partie_b):
    for user in (expert, partie_b):
        client.force_login(user)
        page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
        assert _url("frais", dossier) in page and ">Frais</a>" in page


def test_expert_greffe_and_magistrate_see_the_whole_ledger(client, dossier, magistrat, greffier, expert, juge_controle):
    e = _prete(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    verser(greffier, e, "450", a)
    for user in (expert, greffier, magistrat, juge_controle):
        client.force_login(user)
        page = texte(client.get(_url("frais", e)))
        assert "SCI Les Tilleuls" in page and "Entreprise Toitures" in page
        assert "reste à verser : 1\u202f050,00\u00a0€" in page and "R-1" in page


def test_a_party_sees_only_its_own_dues_and_payments(client, dossier, magistrat, greffier, expert, partie_b, avocat_partie_a):
    e = _prete(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    verser(greffier, e, "450", a, reference="REGIE-A-1")
    client.force_login(partie_b)
    page = texte(client.get(_url("frais", e)))
    assert "Ce que vous devez" in page and "Entreprise Toitures" in page and "600,00" in page
    assert "900,00" not in page and "REGIE-A-1" not in page and "reste à verser" not in page
    # A pays for B: B sees that payment (it is for B), A's lawyer sees it too (A paid it).
    verser(greffier, e, "300", a, pour=b, reference="REGIE-A-POUR-B")
    page = texte(client.get(_url("frais", e)))
    assert "REGIE-A-POUR-B" in page and "REGIE-A-1" not in page
    client.force_login(avocat_partie_a)
    page = texte(client.get(_url("frais", e)))
    assert "REGIE-A-POUR-B" in page and "REGIE-A-1" in page and "900,00" in page


def test_nobody_sees_another_cases_money(client, dossier, orgs):
    etranger = creer_utilisateur("avocat.autre@test.fr", ("avocat", None, []))
    client.force_login(etranger)
    for nom in ("frais", "versement", "provision_nouvelle"):
        assert client.get(_url(nom, dossier)).status_code == 404
    assert client.get(_url("provision", dossier, provision=dossier.provisions.get().uuid)).status_code == 404


def test_only_the_greffe_records_payments_and_only_the_court_fixes_provisions(
    client, dossier, expert, partie_b, magistrat, greffier
):
    for user in (expert, partie_b, magistrat):
        client.force_login(user)
        assert client.post(_url("versement", dossier), {}).status_code == 403
    for user in (expert, partie_b):
        client.force_login(user)
        assert client.post(_url("provision_nouvelle", dossier), {}).status_code == 403
    client.force_login(greffier)
    assert client.get(_url("versement", dossier)).status_code == 200
    assert client.get(_url("provision_nouvelle", dossier)).status_code == 200


def _versement(client, e, **champs):
    a, _b = parties(e)
    donnees = {
        "montant": "450,00",
        "verse_le": aujourd_hui().isoformat(),
        "payeur": a.pk,
        "reference_regie": "R-1",
        "confirme": "oui",
    }
    donnees.update(champs)
    return client.post(_url("versement", e), donnees)


def test_greffe_records_a_payment_through_the_form_after_confirming_it(client, dossier, magistrat, greffier, expert):
    e = _prete(dossier, magistrat, greffier, expert)
    client.force_login(greffier)
    reponse = _versement(client, e, montant="1 200,50", confirme="")
    assert reponse.status_code == 200 and not Versement.objects.exists()
    page = texte(reponse)
    assert "1 200,50 €" in page and "ne pourra pas être supprimé" in page and "Confirmer : enregistrer le versement" in page
    reponse = _versement(client, e, montant="1 200,50")
    assert reponse.status_code == 302
    assert livre(e).verse == D("1200.50")


def test_bad_input_is_refused_at_the_field_and_nothing_is_recorded(
    client, dossier, magistrat, greffier, expert, orgs, fiche_expert
):
    e = _prete(dossier, magistrat, greffier, expert)
    autre = expertises.designer(
        acteur=magistrat,
        juridiction=orgs["TJ_PARIS"],
        numero_rg="26/00999",
        matiere="civile",
        type_procedure="refere",
        fiche_expert=fiche_expert,
        mission="Autre",
        questions=[],
        date_ordonnance=aujourd_hui(),
        date_limite_rapport=dans(100),
        greffiers=[greffier],
        parties=[("Étranger SA", "demandeur")],
    )
    etranger = Partie.objects.get(expertise=autre)
    client.force_login(greffier)
    evenements = Evenement.objects.count()
    cas = [
        ({"montant": "-5"}, "montant", "positif"),
        ({"montant": "abc"}, "montant", "Montant invalide"),
        ({"montant": "12,345"}, "montant", "Deux décimales"),
        ({"verse_le": dans(1).isoformat()}, "verse_le", "futur"),
        ({"payeur": etranger.pk}, "payeur", "Choisissez une partie de l'expertise"),
        ({"reference_regie": ""}, "reference_regie", "référence"),
    ]
    for champs, champ, message in cas:
        reponse = _versement(client, e, **champs)
        assert reponse.status_code == 400, champs
        assert message in reponse.context["form"].errors[champ][0], (champs, reponse.context["form"].errors)
    assert Versement.objects.count() == 0 and Evenement.objects.count() == evenements
    # The service refuses the same things by itself (a payer of another case, a future date).
    a, _b = parties(e)
    for kwargs, champ in (
        ({"payeur": etranger}, "payeur"),
        ({"verse_le": dans(1)}, "verse_le"),
        ({"montant": D("-1")}, "montant"),
    ):
        arguments = {"montant": D("10"), "verse_le": aujourd_hui(), "payeur": a, "pour": a, "reference_regie": "X", **kwargs}
        try:
            services.enregistrer_versement(acteur=greffier, expertise=e, **arguments)
        except services.RefusChamp as refus:
            assert refus.champ == champ
        else:
            raise AssertionError(f"accepted: {kwargs}")
    assert Versement.objects.count() == 0


def test_overpayment_is_recorded_and_its_surplus_flagged_for_refund(client, dossier, magistrat, greffier, expert):
    e = _prete(dossier, magistrat, greffier, expert)
    client.force_login(greffier)
    assert _versement(client, e, montant="1000").status_code == 302
    lv = livre(e)
    assert lv.ligne(parties(e)[0]).excedent == D("100.00") and lv.excedent == D("100.00")
    assert "versé en trop, à rembourser : 100,00" in texte(client.get(_url("frais", e)))
    assert Evenement.objects.filter(dossier_ref=str(e.uuid), type="frais.excedent").exists()


def test_same_regie_reference_twice_is_one_payment(client, dossier, magistrat, greffier, expert):
    e = _prete(dossier, magistrat, greffier, expert)
    client.force_login(greffier)
    assert _versement(client, e).status_code == 302
    reponse = _versement(client, e)
    assert reponse.status_code == 400 and "déjà enregistré" in reponse.context["form"].errors["reference_regie"][0]
    assert Versement.objects.filter(expertise=e).count() == 1


def test_two_greffiers_at_once_give_one_payment(dossier, magistrat, greffier, expert, monkeypatch):
    """The second greffier's check ran before the first one's row existed: the database's unique
    constraint refuses the second row, in French, and the ledger counts one payment."""
    e = _prete(dossier, magistrat, greffier, expert)
    a, _b = parties(e)
    verser(greffier, e, "450", a, reference="R-1")

    reel = Versement.objects

    class _PasEncoreVu:
        """The manager as the second greffier's transaction saw it: the reference not there yet."""

        def filter(self, **kw):
            return reel.none() if "reference_regie" in kw else reel.filter(**kw)

        def create(self, **kw):
            return reel.create(**kw)

    monkeypatch.setattr(services.Versement, "objects", _PasEncoreVu(), raising=False)
    try:
        verser(greffier, e, "450", a, reference="R-1")
    except services.RefusChamp as refus:
        assert refus.champ == "reference_regie" and "qu'une fois" in str(refus)
    else:
        raise AssertionError("recorded twice")
    monkeypatch.undo()
    assert Versement.objects.filter(expertise=e).count() == 1 and livre(e).verse == D("450.00")


def test_judge_splits_a_provision_through_the_form(client, dossier, magistrat):
    client.force_login(magistrat)
    provision = dossier.provisions.get()
    reponse = client.post(
        _url("provision", dossier, provision=provision.uuid),
        {
            "part_0": "60 %",
            "part_1": "40 %",
            "echeance_1_date": dans(10).isoformat(),
            "echeance_1_pourcentage": "50",
            "echeance_2_date": dans(30).isoformat(),
            "echeance_2_pourcentage": "50",
        },
    )
    assert reponse.status_code == 302
    a, b = parties(dossier)
    assert (livre(dossier).ligne(a).du, livre(dossier).ligne(b).du) == (D("900.00"), D("600.00"))


def test_bad_split_is_refused_in_words(client, dossier, magistrat):
    client.force_login(magistrat)
    provision = dossier.provisions.get()
    url = _url("provision", dossier, provision=provision.uuid)
    base = {"echeance_1_date": dans(10).isoformat(), "echeance_1_pourcentage": "100"}
    reponse = client.post(url, {**base, "part_0": "1000", "part_1": "100"})
    assert reponse.status_code == 400 and "doivent faire le montant de la provision" in texte(reponse)
    reponse = client.post(url, {**base, "part_0": "-3", "part_1": "100"})
    assert reponse.status_code == 400 and "Montant invalide" in reponse.context["form"].errors["part_0"][0]
    reponse = client.post(url, {"part_0": "1500", "echeance_1_date": aujourd_hui().isoformat(), "echeance_1_pourcentage": "100"})
    assert reponse.status_code == 400 and "postérieure à aujourd'hui" in texte(reponse)
    assert livre(dossier).ligne(None) is not None  # unchanged: still « non précisé »


def test_expert_sees_vous_pouvez_commencer_once_complete(client, dossier, magistrat, greffier, expert):
    e = _prete(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    verser(greffier, e, "900", a, reference="R-1")
    verser(greffier, e, "600", b, reference="R-2")
    client.force_login(expert)
    assert "vous pouvez commencer" in texte(client.get(_url("frais", e)))
    assert "vous pouvez commencer" in texte(client.get(reverse("portail:tableau_de_bord")))


def test_penal_case_has_no_provision(client, dossier_penal, expert):
    client.force_login(expert)
    page = texte(client.get(_url("frais", dossier_penal)))
    assert "pas de provision" in page
