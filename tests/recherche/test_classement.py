"""The ranking query (classement.py) against a plain Python statement of the same rules, on random
worlds: lists (cour, national, both), dates and statuses of inscriptions, availability, workload,
filters, text. The SQL is written by hand for speed (two limited parts, a packed order key); this
is what keeps it equal to the rules stated in moteur's docstring."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from django.utils import timezone

from justexpert.annuaire.models import STATUTS_ACTIFS, ElementNomenclature, Expert, Inscription, StatutInscription
from justexpert.comptes.models import Organisation, TypeOrganisation
from justexpert.recherche import classement, index, moteur
from justexpert.recherche.models import Disponibilite, DocumentExpert, EtatDisponibilite

pytestmark = pytest.mark.django_db

MOTS = ["fissures maisons neuves", "toiture infiltrations", "comptabilité audit", "séquelles accident", "traduction anglais"]


def monde_aleatoire(graine: int, orgs) -> None:
    rng = random.Random(graine)
    jour = timezone.localdate()
    specialites = list(ElementNomenclature.objects.filter(niveau="specialite", version__code="2022"))
    cours = [orgs["PARIS"], orgs["PARIS"], orgs["VERSAILLES"]]
    nationale = Organisation.objects.get(type=TypeOrganisation.COUR_CASSATION)
    for n in range(120):
        cour = rng.choice(cours)
        e = Expert.objects.create(
            nom=rng.choice(["Martin", "Bernard", "Petit"]),
            prenom=rng.choice(["Ana", "Luc"]),
            departement=rng.choice([*cour.departements[:2], "75"]),
            cour_appel=cour,
            langues=rng.choice(["", "anglais", "allemand, espagnol"]),
            matiere_civile=rng.random() > 0.2,
            matiere_penale=rng.random() > 0.2,
            echange_securise=rng.random() > 0.5,
            specialites_fines=" ; ".join(rng.sample(MOTS, 2)),
            missions_en_cours=rng.randint(0, 3),
            derniere_designation=rng.choice([None, dt.date(2025, 3, 1), dt.date(2025, 3, 1) + dt.timedelta(days=n)]),
        )
        for liste in rng.sample([cour, nationale, rng.choice(cours)], rng.randint(1, 2)):
            if Inscription.objects.filter(expert=e, liste=liste).exists():
                continue
            debut = rng.choice([dt.date(2024, 1, 1)] * 4 + [jour + dt.timedelta(days=30)])
            Inscription.objects.create(
                expert=e,
                liste=liste,
                specialite=rng.choice(specialites),
                statut=rng.choice([StatutInscription.INSCRIT] * 4 + [StatutInscription.RADIE]),
                debut=debut,
                fin=rng.choice([None, None, max(debut, jour - dt.timedelta(days=1)), debut + dt.timedelta(days=2000)]),
                inscrit_depuis=debut,
            )
        etat = rng.choice([None, None, EtatDisponibilite.INDISPONIBLE, EtatDisponibilite.INDISPONIBLE_JUSQU_AU])
        if etat is not None or rng.random() < 0.3:
            Disponibilite.objects.create(
                expert=e,
                etat=etat or EtatDisponibilite.DISPONIBLE,
                jusqu_au=jour + dt.timedelta(days=rng.choice([0, 5]))
                if etat == EtatDisponibilite.INDISPONIBLE_JUSQU_AU
                else None,
                max_missions=rng.choice([None, 2]),
            )
    index.reconstruire()


def reference(d: classement.Demande) -> list[tuple]:
    """The rules, row by row: (key, expert_id, level, score, unavailable, full) in order."""
    lignes = []
    for doc in DocumentExpert.objects.select_related("expert"):
        e = doc.expert
        sur_listes = []
        for i in Inscription.objects.filter(expert=e).select_related("liste"):
            if not (i.statut in STATUTS_ACTIFS and i.debut <= d.jour and (i.fin is None or i.fin >= d.jour)):
                continue
            nationale = i.liste.type == TypeOrganisation.COUR_CASSATION
            if d.liste == classement.Liste.NATIONALE:
                ok = nationale
            elif d.liste == classement.Liste.TOUTES:
                ok = d.cour_id is None or i.liste_id == d.cour_id or (nationale and e.cour_appel_id == d.cour_id)
            else:
                ok = i.liste_id == d.cour_id if d.cour_id is not None else i.liste.type == TypeOrganisation.COUR_APPEL
            if ok and (d.specialites_filtre is None or i.specialite_id in d.specialites_filtre):
                sur_listes.append(i)
        if not sur_listes:
            continue
        # Relevance: one row per candidate inscription (in a specialite the mission reaches, or
        # any inscription of a fiche whose fine competences hold a word), kept above the weaker
        # threshold; the fiche is ranked by its best row (see classement's docstring).
        spe = {sid: (ml, mr, sc) for sid, ml, mr, sc in d.specialites}
        mf = sum(1 << k for k, st in enumerate(d.stems) if f" {st} " in doc.texte_normalise)
        fines = sum(classement.POIDS_FINES * r for k, r in enumerate(d.poids) if mf & (1 << k))
        rangs = []  # (score, share) per row
        for i in sur_listes:
            if not d.stems:
                rangs = [(0, 0)]
                break
            if i.specialite_id not in spe and not mf:
                continue
            ml, mr, sc = spe.get(i.specialite_id, (0, 0, 0))
            p = sum(2 * r if (ml | mf) & (1 << k) else r if mr & (1 << k) else 0 for k, r in enumerate(d.poids))
            if p >= d.part_faible:
                rangs.append((sc + fines, p))
        if not rangs:
            continue
        if d.liste == classement.Liste.NATIONALE and d.cour_id is not None and e.cour_appel_id != d.cour_id:
            continue
        if d.departement and e.departement != d.departement:
            continue
        if d.langue and d.langue.lower() not in e.langues.lower():
            continue
        if (d.matiere == "civile" and not e.matiere_civile) or (d.matiere == "penale" and not e.matiere_penale):
            continue
        if d.echange_securise and not e.echange_securise:
            continue
        dispo = Disponibilite.objects.filter(expert=e).first()
        indisponible = dispo is not None and (
            dispo.etat == EtatDisponibilite.INDISPONIBLE
            or (dispo.etat == EtatDisponibilite.INDISPONIBLE_JUSQU_AU and dispo.jusqu_au >= d.jour)
        )
        complet = dispo is not None and dispo.max_missions is not None and dispo.max_missions <= e.missions_en_cours
        if not d.inclure_indisponibles and (indisponible or complet):
            continue
        proximite = 0 if e.departement in d.departements_demandeur else 1 if e.cour_appel_id == d.ressort_demandeur_id else 2
        lignes.append([rangs, int(indisponible) + int(complet), proximite, e, indisponible, complet])
    # Bands: fractions of the best score the mission allows (best reached specialite, every word
    # in the fine competences).
    meilleur = max(1, max([sc for _, _, _, sc in d.specialites], default=0) + classement.POIDS_FINES * sum(d.poids))
    resultat = []
    for rangs, dispo_cle, proximite, e, indisponible, complet in lignes:
        cles = []
        for score, part in rangs:
            niveau = (2 if part >= d.part_competent else 1) if d.stems else 0
            tranche = score * d.tranches // meilleur if d.stems else 0
            cle = (
                -niveau,
                -tranche,
                dispo_cle,
                proximite,
                e.missions_en_cours,
                e.derniere_designation or dt.date.min,
                -score,
                e.nom,
                e.prenom,
                e.pk,
            )
            cles.append((cle, e.pk, niveau, float(score), int(indisponible), int(complet)))
        resultat.append(min(cles))
    return sorted(resultat)


CRITERES = list(
    itertools.product(
        ["", "fissures maison", "audit comptable séquelles", "infiltrations en toiture et fissures des maisons neuves"],
        [classement.Liste.COUR, classement.Liste.NATIONALE, classement.Liste.TOUTES],
        ["PARIS", None],
        [False, True],
    )
)


@pytest.mark.parametrize("graine", [1, 2, 3])
def test_the_ranking_query_follows_the_rules(graine, orgs, nomenclature_2022, magistrat, monkeypatch):
    monde_aleatoire(graine, orgs)
    demandes = []
    classer = classement.classer
    monkeypatch.setattr(classement, "classer", lambda d, limite: demandes.append(d) or classer(d, limite))
    for texte, liste, cour, indisponibles in CRITERES:
        c = moteur.Criteres(
            texte=texte, liste=liste, cour=orgs[cour] if cour else None, inclure_indisponibles=indisponibles, matiere="civile"
        )
        moteur.rechercher(c, user=magistrat)
    assert len(demandes) == len(CRITERES)
    variantes = [replace_demande(d, i) for i, d in enumerate(demandes)]
    tailles = []
    for d in [*demandes, *variantes]:
        attendu = reference(d)
        tailles.append(len(attendu))
        for limite in (401, 3):
            obtenu = [classement.ligne(r) for r in classer(d, limite)]
            # Integer arithmetic: the same order to the row on both backends.
            assert obtenu == [ligne[1:] for ligne in attendu[:limite]], (d, limite)
    # The worlds are not empty: most requests rank several experts.
    assert sum(1 for t in tailles if t > 3) > len(tailles) // 3, tailles


def replace_demande(d: classement.Demande, i: int) -> classement.Demande:
    """The same request with one more filter (département, language, secure exchange, or a
    nomenclature filter that keeps half the specialites)."""
    specialites = sorted(ElementNomenclature.objects.filter(niveau="specialite").values_list("pk", flat=True))
    filtres = [
        {"departement": "75"},
        {"langue": "ANGLAIS"},
        {"echange_securise": True},
        {"specialites_filtre": specialites[::2]},
        {"matiere": "penale"},
    ]
    return classement.Demande(**{**d.__dict__, **filtres[i % len(filtres)]})


def test_cle_charge_sorts_like_workload_then_last_designation():
    valeurs = [(m, j) for m in (0, 1, 7) for j in (None, dt.date(1999, 12, 31), dt.date(2025, 1, 1), dt.date(2025, 1, 2))]
    attendu = sorted(valeurs, key=lambda v: (v[0], v[1] or dt.date.min))
    assert sorted(valeurs, key=lambda v: index.cle_charge(*v)) == attendu
