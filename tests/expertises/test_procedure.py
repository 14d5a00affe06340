"""The transition table, walked: every transition from every state, by every capacity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from justexpert.annuaire.models import Expert
from justexpert.expertises import procedure, services
from justexpert.expertises.models import Etat, Expertise, Historique, Matiere, Participant, Qualite, StatutConsignation
from justexpert.expertises.services import RefusTransition
from justexpert.preuves.models import Evenement

from .conftest import aujourd_hui, dans, nouvelle_expertise

PASSE = dt.date(2020, 1, 1)


def preparer(e: Expertise, nom: str, etat: str) -> Expertise:
    """Put the case in ``etat`` with the data the transition's guards need (deadlines passed where
    the transition waits for them, a consignation due, a complement due...)."""
    champs: dict[str, object] = {
        "etat": etat,
        "date_limite_dires": PASSE,
        "date_limite_observations": PASSE,
        "date_limite_rapport": dans(90),
        "consignation_montant": Decimal(1000) if e.matiere == Matiere.CIVILE else None,
        "consignation_date_limite": PASSE if nom == "constater_caducite" else dans(20),
        "consignation_statut": StatutConsignation.A_CONSIGNER,
    }
    if nom == "demarrer":
        champs["consignation_statut"] = StatutConsignation.CONSIGNEE
    if nom == "constater_complement":
        champs["consignation_statut"] = StatutConsignation.COMPLEMENT_A_CONSIGNER
    Expertise.objects.filter(pk=e.pk).update(**champs)
    # The designated expert stays the original one (a replacement earlier in the walk is undone).
    experts = Participant.objects.filter(expertise=e, qualite=Qualite.EXPERT).order_by("id")
    experts.exclude(pk=experts[0].pk).delete()
    experts.update(retire_le=None, retire_par=None)
    e.refresh_from_db()
    return e


def arguments(nom: str, e: Expertise) -> dict[str, object]:
    if nom in ("refuser", "recuser", "constater_conciliation"):
        return {"motif": "Motif de test"}
    if nom in ("relever_caducite", "ouvrir_dires"):
        return {"jour": dans(30)}
    if nom in ("deposer_rapport_provisoire", "notifier_conclusions"):
        return {"jour": dans(40)}
    if nom == "proroger_delai":
        return {"jour": dans(200), "motif": "Complexité"}
    if nom == "taxer":
        return {"montant": Decimal("1800.00")}
    if nom == "ordonner_complement":
        return {"montant": Decimal(500), "jour": dans(30)}
    if nom == "modifier_mission":
        return {"mission": "Mission étendue", "questions": ["Q1", "Q2", "Q3"]}
    if nom == "remplacer":
        actuels = Participant.objects.filter(expertise=e, qualite=Qualite.EXPERT, retire_le__isnull=True).values("fiche_expert")
        return {"fiche_expert": Expert.objects.exclude(pk__in=actuels).filter(utilisateur__isnull=False).first()}
    return {}


@pytest.fixture
def acteurs(expert, magistrat, greffier, avocat_partie_a, partie_b, juge_controle, autre_expert):
    return {
        "expert": (expert, {Qualite.EXPERT}),
        "magistrat": (magistrat, {Qualite.MAGISTRAT}),
        "greffier": (greffier, {Qualite.GREFFIER}),
        "avocat": (avocat_partie_a, {Qualite.AVOCAT}),
        "partie": (partie_b, {Qualite.PARTIE}),
        "juge_controle": (juge_controle, {Qualite.MAGISTRAT}),
        "autre_expert": (autre_expert, set()),
    }


@pytest.fixture
def acteurs_penaux(expert, magistrat_penal, greffier_penal, avocat_partie_a, magistrat, autre_expert):
    return {
        "expert": (expert, {Qualite.EXPERT}),
        "magistrat": (magistrat_penal, {Qualite.MAGISTRAT}),
        "greffier": (greffier_penal, {Qualite.GREFFIER}),
        "avocat": (avocat_partie_a, {Qualite.AVOCAT}),
        "magistrat_sans_habilitation_penale": (magistrat, set()),
        "autre_expert": (autre_expert, set()),
    }


def _walk(e: Expertise, acteurs: dict, matiere: str) -> int:
    franchies = 0
    for nom, t in procedure.TRANSITIONS.items():
        fonction = services.SERVICES[nom]
        if matiere not in t.matieres:
            e = preparer(e, nom, next(iter(t.sources)))
            user = next(u for u, q in acteurs.values() if q & t.qualites)
            with pytest.raises(RefusTransition, match="ne s'applique pas"):
                fonction(acteur=user, expertise=e, **arguments(nom, e))
            continue
        for etat in Etat.values:
            for cle, (user, qualites) in acteurs.items():
                e = preparer(e, nom, etat)
                avant = Historique.objects.filter(expertise=e).count()
                autorise = bool(qualites & t.qualites) and etat in t.sources
                if autorise:
                    resultat = fonction(acteur=user, expertise=e, **arguments(nom, e))
                    assert resultat.etat == (t.cible or etat), (nom, etat, cle)
                    assert Historique.objects.filter(expertise=e).count() == avant + 1
                    dernier = Historique.objects.filter(expertise=e).select_related("evenement").last()
                    assert dernier is not None and dernier.evenement.type == f"expertises.{nom}"
                    franchies += 1
                else:
                    with pytest.raises(RefusTransition):
                        fonction(acteur=user, expertise=e, **arguments(nom, e))
                    assert Historique.objects.filter(expertise=e).count() == avant, (nom, etat, cle)
                    e.refresh_from_db()
                    assert e.etat == etat
    return franchies


def test_every_civil_transition_from_every_state_by_every_capacity(
    acteurs, fiche_expert, fiche_autre_expert, magistrat, greffier, orgs, dossier
):
    e = dossier
    franchies = _walk(e, acteurs, Matiere.CIVILE)
    attendues = sum(
        len(t.sources) * sum(1 for _u, q in acteurs.values() if q & t.qualites)
        for t in procedure.TRANSITIONS.values()
        if Matiere.CIVILE in t.matieres
    )
    assert franchies == attendues


def test_every_penal_transition_from_every_state_by_every_capacity(acteurs_penaux, fiche_autre_expert, dossier_penal):
    franchies = _walk(dossier_penal, acteurs_penaux, Matiere.PENALE)
    assert franchies > 20


def test_the_platform_may_only_declare_caducite(dossier):
    for nom, t in procedure.TRANSITIONS.items():
        if Matiere.CIVILE not in t.matieres:
            continue
        e = preparer(dossier, nom, next(iter(t.sources)))
        if nom == "constater_caducite":
            assert services.constater_caducite(acteur=None, expertise=e).etat == Etat.CADUQUE
        else:
            with pytest.raises(RefusTransition, match="par une personne"):
                services.SERVICES[nom](acteur=None, expertise=e, **arguments(nom, e))


def test_every_transition_has_a_service_and_an_awaited_actor_per_state():
    assert set(services.SERVICES) == set(procedure.TRANSITIONS)
    assert set(procedure.ATTENTE) == set(Etat.values)
    for t in procedure.TRANSITIONS.values():
        assert t.sources <= set(Etat.values)
        assert t.cible is None or t.cible in Etat.values
        assert t.qualites and t.libelle and t.reference


def test_civil_case_from_designation_to_taxation(
    dossier, expert, magistrat, greffier, fiche_expert, django_capture_on_commit_callbacks, mailoutbox
):
    e = dossier
    fiche_expert.refresh_from_db()
    assert fiche_expert.missions_en_cours == 1
    assert fiche_expert.derniere_designation == aujourd_hui() - dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        e = services.notifier(acteur=greffier, expertise=e)
    assert [m.to for m in mailoutbox] == [[expert.email]]
    assert "Toitures" not in mailoutbox[0].body and "toiture" not in mailoutbox[0].body  # no party, no mission
    e = services.accepter(acteur=expert, expertise=e)
    e = services.inviter_consignation(acteur=greffier, expertise=e)
    with pytest.raises(RefusTransition, match="après la date limite de consignation"):
        services.constater_caducite(acteur=greffier, expertise=e)
    e = services.constater_consignation(acteur=greffier, expertise=e)
    assert e.etat == Etat.EN_COURS and e.consignation_statut == StatutConsignation.CONSIGNEE
    e = services.proroger_delai(acteur=magistrat, expertise=e, jour=dans(365), motif="Sapiteur nécessaire")
    assert e.date_limite_rapport == dans(365)
    with pytest.raises(RefusTransition, match="postérieure"):
        services.proroger_delai(acteur=magistrat, expertise=e, jour=dans(300))
    e = services.ordonner_complement(acteur=magistrat, expertise=e, montant=Decimal(500), jour=dans(20))
    assert e.consignation_montant == Decimal(2000)
    e = services.constater_complement(acteur=greffier, expertise=e)
    e = services.ouvrir_dires(acteur=expert, expertise=e, jour=dans(30))
    with pytest.raises(RefusTransition, match="dires jusqu'au"):
        services.clore_dires(acteur=expert, expertise=e)
    Expertise.objects.filter(pk=e.pk).update(date_limite_dires=PASSE)
    e = services.clore_dires(acteur=expert, expertise=e)
    e = services.deposer_rapport(acteur=expert, expertise=e)
    assert e.etat == Etat.RAPPORT_DEPOSE and e.date_limite_observations is not None
    fiche_expert.refresh_from_db()
    assert fiche_expert.missions_en_cours == 0
    with pytest.raises(RefusTransition, match="observations jusqu'au"):
        services.ouvrir_taxation(acteur=greffier, expertise=e)
    Expertise.objects.filter(pk=e.pk).update(date_limite_observations=PASSE)
    e = services.ouvrir_taxation(acteur=greffier, expertise=e)
    e = services.taxer(acteur=magistrat, expertise=e, montant=Decimal("1950.00"))
    assert e.etat == Etat.CLOSE and e.close_le is not None and e.montant_taxe == Decimal("1950.00")
    types = list(Evenement.objects.filter(dossier_ref=str(e.uuid)).values_list("type", flat=True))
    for nom in ("designation", "notifier", "accepter", "constater_consignation", "proroger_delai", "taxer"):
        assert f"expertises.{nom}" in types
    # Only references in the log: no RG number, no party, no mission text.
    for feuille in Evenement.objects.filter(dossier_ref=str(e.uuid)).values_list("feuille", flat=True):
        contenu = bytes(feuille).decode()
        assert "26/00001" not in contenu and "Tilleuls" not in contenu and "toiture" not in contenu


def test_refusal_then_replacement_moves_both_counters(
    dossier, expert, autre_expert, magistrat, greffier, fiche_expert, fiche_autre_expert
):
    e = services.notifier(acteur=greffier, expertise=dossier)
    e = services.refuser(acteur=expert, expertise=e, motif="Conflit d'intérêts")
    fiche_expert.refresh_from_db()
    assert e.etat == Etat.REFUSEE and fiche_expert.missions_en_cours == 0
    e = services.remplacer(acteur=magistrat, expertise=e, fiche_expert=fiche_autre_expert, motif="Refus")
    fiche_autre_expert.refresh_from_db()
    assert e.etat == Etat.ORDONNEE and fiche_autre_expert.missions_en_cours == 1
    # The former expert's access ends at once.
    from justexpert.expertises.permissions import expertises_visibles

    assert not expertises_visibles(expert).filter(pk=e.pk).exists()
    assert expertises_visibles(autre_expert).filter(pk=e.pk).exists()


def test_replacement_during_operations(dossier, expert, magistrat, greffier, fiche_expert, fiche_autre_expert):
    e = preparer(dossier, "remplacer", Etat.EN_COURS)
    services.remplacer(acteur=magistrat, expertise=e, fiche_expert=fiche_autre_expert)
    fiche_expert.refresh_from_db()
    fiche_autre_expert.refresh_from_db()
    assert (fiche_expert.missions_en_cours, fiche_autre_expert.missions_en_cours) == (0, 1)
    with pytest.raises(RefusTransition, match="déjà désigné"):
        services.remplacer(acteur=magistrat, expertise=e, fiche_expert=fiche_autre_expert)


def test_conciliation_ends_the_mission(dossier, expert, magistrat, fiche_expert):
    e = preparer(dossier, "constater_conciliation", Etat.EN_COURS)
    with pytest.raises(RefusTransition, match="motif"):
        services.constater_conciliation(acteur=expert, expertise=e, motif=" ")
    e = services.constater_conciliation(acteur=expert, expertise=e, motif="Protocole transactionnel signé")
    fiche_expert.refresh_from_db()
    assert e.etat == Etat.SANS_OBJET and fiche_expert.missions_en_cours == 0
    assert services.clore(acteur=magistrat, expertise=e).etat == Etat.CLOSE


def test_relief_from_caducite_reopens_the_mission(dossier, magistrat, fiche_expert):
    e = preparer(dossier, "constater_caducite", Etat.ATTENTE_CONSIGNATION)
    e = services.constater_caducite(acteur=None, expertise=e)
    fiche_expert.refresh_from_db()
    assert fiche_expert.missions_en_cours == 0
    e = services.relever_caducite(acteur=magistrat, expertise=e, jour=dans(15), motif="Aide juridictionnelle en cours")
    fiche_expert.refresh_from_db()
    assert e.etat == Etat.ATTENTE_CONSIGNATION and fiche_expert.missions_en_cours == 1
    with pytest.raises(RefusTransition, match="postérieure"):
        services.relever_caducite(acteur=magistrat, expertise=e, jour=aujourd_hui())


def test_no_consignation_lets_the_expert_start(magistrat, greffier, expert, fiche_expert, orgs):
    e = nouvelle_expertise(
        acteur=magistrat, fiche=fiche_expert, juridiction=orgs["TJ_PARIS"], greffiers=[greffier], consignation=False
    )
    e = services.notifier(acteur=greffier, expertise=e)
    e = services.accepter(acteur=expert, expertise=e)
    with pytest.raises(RefusTransition, match="Aucune provision"):
        services.inviter_consignation(acteur=greffier, expertise=e)
    assert services.demarrer(acteur=expert, expertise=e).etat == Etat.EN_COURS


def test_expert_cannot_start_before_consignation(dossier, expert, greffier):
    e = services.accepter(acteur=expert, expertise=services.notifier(acteur=greffier, expertise=dossier))
    with pytest.raises(RefusTransition, match="pas consignée"):
        services.demarrer(acteur=expert, expertise=e)


def test_penal_case_waits_for_observations_on_the_order(dossier_penal, expert, magistrat_penal, greffier_penal, avocat_partie_a):
    e = services.notifier(acteur=greffier_penal, expertise=dossier_penal)
    assert e.date_limite_observations is not None and e.date_limite_observations >= dans(10)
    e = services.accepter(acteur=expert, expertise=e)
    with pytest.raises(RefusTransition, match="CPP 161-1"):
        services.demarrer(acteur=expert, expertise=e)
    Expertise.objects.filter(pk=e.pk).update(date_limite_observations=PASSE)
    e = services.demarrer(acteur=expert, expertise=e)
    with pytest.raises(RefusTransition, match="au moins 15 jours"):
        services.deposer_rapport_provisoire(acteur=expert, expertise=e, jour=dans(5))
    e = services.deposer_rapport_provisoire(acteur=expert, expertise=e, jour=dans(20))
    with pytest.raises(RefusTransition, match="restent ouvertes"):
        services.clore_observations(acteur=expert, expertise=e)
    Expertise.objects.filter(pk=e.pk).update(date_limite_observations=PASSE)
    e = services.clore_observations(acteur=expert, expertise=e)
    e = services.deposer_rapport(acteur=expert, expertise=e)
    e = services.notifier_conclusions(acteur=magistrat_penal, expertise=e, jour=services.minimum_observations(e))
    assert e.etat == Etat.CONCLUSIONS_NOTIFIEES
    with pytest.raises(RefusTransition, match="contre-expertise"):
        services.clore(acteur=magistrat_penal, expertise=e)


def test_penal_financial_expertise_leaves_a_month(dossier_penal, magistrat_penal):
    Expertise.objects.filter(pk=dossier_penal.pk).update(matiere_financiere=True, etat=Etat.RAPPORT_DEPOSE)
    dossier_penal.refresh_from_db()
    with pytest.raises(RefusTransition, match="un mois"):
        services.notifier_conclusions(acteur=magistrat_penal, expertise=dossier_penal, jour=dans(20))


def test_urgent_penal_expertise_starts_at_once(dossier_penal, expert, greffier_penal):
    Expertise.objects.filter(pk=dossier_penal.pk).update(urgence=True)
    e = services.accepter(acteur=expert, expertise=services.notifier(acteur=greffier_penal, expertise=dossier_penal))
    assert services.demarrer(acteur=expert, expertise=e).etat == Etat.EN_COURS
