"""The instruction workflow of a candidature as one explicit table.

Each row: transition name, French label, source state, target state, who may fire it (the
candidate or an instructor of the file's court), and the kinds of candidature it applies to.
A réinscription goes through the commission's reasoned opinion (L1971 art. 2-II) before the
decision; the other kinds are decided after the parquet's opinion. ``services.py`` fires the
transitions; tests/candidatures/test_workflow.py walks every allowed and forbidden one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Etat, TypeCandidature

CANDIDAT = "candidat"
INSTRUCTEUR = "instructeur"

TOUS_TYPES = frozenset(TypeCandidature.values)
SANS_COMMISSION = TOUS_TYPES - {TypeCandidature.REINSCRIPTION}
AVEC_COMMISSION = frozenset({TypeCandidature.REINSCRIPTION})


@dataclass(frozen=True)
class Regle:
    transition: str
    libelle: str
    source: str
    cible: str
    acteur: str
    types: frozenset[str] = TOUS_TYPES


AVANT_DECISION = (
    Etat.DEPOSEE,
    Etat.EN_INSTRUCTION,
    Etat.COMPLEMENTS_DEMANDES,
    Etat.COMPLEMENTS_APPORTES,
    Etat.AVIS_PARQUET,
    Etat.AVIS_COMMISSION,
    Etat.MOTIFS_ENVISAGES,
    Etat.REPONSE_APPORTEE,
)

_REGLES: list[Regle] = [
    Regle("deposer", "Déposer la candidature", Etat.BROUILLON, Etat.DEPOSEE, CANDIDAT),
    Regle("passer_en_instruction", "Passer en instruction", Etat.DEPOSEE, Etat.EN_INSTRUCTION, INSTRUCTEUR),
    Regle("demander_complements", "Demander des compléments", Etat.EN_INSTRUCTION, Etat.COMPLEMENTS_DEMANDES, INSTRUCTEUR),
    Regle("demander_complements", "Demander des compléments", Etat.COMPLEMENTS_APPORTES, Etat.COMPLEMENTS_DEMANDES, INSTRUCTEUR),
    Regle("apporter_complements", "Envoyer les compléments", Etat.COMPLEMENTS_DEMANDES, Etat.COMPLEMENTS_APPORTES, CANDIDAT),
    Regle("enregistrer_avis_parquet", "Enregistrer l'avis du parquet", Etat.EN_INSTRUCTION, Etat.AVIS_PARQUET, INSTRUCTEUR),
    Regle(
        "enregistrer_avis_parquet",
        "Enregistrer l'avis du parquet",
        Etat.COMPLEMENTS_APPORTES,
        Etat.AVIS_PARQUET,
        INSTRUCTEUR,
    ),
    Regle(
        "enregistrer_avis_commission",
        "Enregistrer l'avis de la commission",
        Etat.AVIS_PARQUET,
        Etat.AVIS_COMMISSION,
        INSTRUCTEUR,
        AVEC_COMMISSION,
    ),
    # Fair instruction (réinscription): the reasons envisaged go to the candidate, who may answer
    # before the commission decides (services.refuser checks the court's rule and the deadline).
    Regle(
        "enoncer_motifs",
        "Communiquer les motifs de refus envisagés",
        Etat.AVIS_COMMISSION,
        Etat.MOTIFS_ENVISAGES,
        INSTRUCTEUR,
        AVEC_COMMISSION,
    ),
    Regle(
        "repondre_motifs",
        "Répondre aux motifs envisagés",
        Etat.MOTIFS_ENVISAGES,
        Etat.REPONSE_APPORTEE,
        CANDIDAT,
        AVEC_COMMISSION,
    ),
    *[
        Regle("accepter", "Enregistrer la décision : acceptée", e, Etat.ACCEPTEE, INSTRUCTEUR, AVEC_COMMISSION)
        for e in (Etat.MOTIFS_ENVISAGES, Etat.REPONSE_APPORTEE)
    ],
    *[
        Regle("refuser", "Enregistrer la décision : refusée", e, Etat.REFUSEE, INSTRUCTEUR, AVEC_COMMISSION)
        for e in (Etat.MOTIFS_ENVISAGES, Etat.REPONSE_APPORTEE)
    ],
    Regle("accepter", "Enregistrer la décision : acceptée", Etat.AVIS_PARQUET, Etat.ACCEPTEE, INSTRUCTEUR, SANS_COMMISSION),
    Regle("accepter", "Enregistrer la décision : acceptée", Etat.AVIS_COMMISSION, Etat.ACCEPTEE, INSTRUCTEUR, AVEC_COMMISSION),
    Regle("refuser", "Enregistrer la décision : refusée", Etat.AVIS_PARQUET, Etat.REFUSEE, INSTRUCTEUR, SANS_COMMISSION),
    Regle("refuser", "Enregistrer la décision : refusée", Etat.AVIS_COMMISSION, Etat.REFUSEE, INSTRUCTEUR, AVEC_COMMISSION),
    *[Regle("classer_sans_suite", "Classer sans suite", e, Etat.CLASSEE, INSTRUCTEUR) for e in AVANT_DECISION],
    *[Regle("retirer", "Retirer ma candidature", e, Etat.RETIREE, CANDIDAT) for e in (Etat.BROUILLON, *AVANT_DECISION)],
]

# Decisions that cannot be undone here: the page asks for a confirmation that states the consequence.
CONSEQUENCES: dict[str, str] = {
    "accepter": (
        "L'inscription sera écrite sur la liste et le candidat notifié, avec les voies de recours : "
        "la décision ne pourra plus être modifiée ici."
    ),
    "refuser": (
        "Le candidat sera notifié du refus et de ses motifs, avec les voies de recours : la décision ne pourra plus être modifiée ici."
    ),
    "enoncer_motifs": (
        "Les motifs seront envoyés au candidat, qui pourra y répondre dans le délai fixé par la cour ; "
        "ils ne pourront plus être modifiés ici. La commission décidera ensuite."
    ),
    "repondre_motifs": (
        "Votre réponse sera versée au dossier et transmise au service des experts avant la décision : "
        "elle ne pourra plus être modifiée ici."
    ),
    "classer_sans_suite": "La candidature sera close sans décision et le candidat notifié : elle ne pourra plus être instruite.",
    "retirer": (
        "Votre candidature sera retirée : elle ne pourra plus être instruite ni reprise. "
        "Pour vous porter candidat à nouveau, il faudra en créer une nouvelle."
    ),
}

# Transitions that need their text (the refusal's reasons, the opinion...): checked before anything,
# including the confirmation.
TEXTE_OBLIGATOIRE: dict[str, str] = {
    "demander_complements": "Précisez les compléments demandés.",
    "enregistrer_avis_parquet": "Saisissez l'avis du parquet.",
    "enregistrer_avis_commission": "Saisissez l'avis motivé de la commission.",
    "refuser": "Un refus doit être motivé : saisissez les motifs de la décision.",
    "enoncer_motifs": "Saisissez les motifs de refus envisagés : le candidat y répondra.",
    "repondre_motifs": "Écrivez votre réponse aux motifs envisagés.",
}

# How each step reads in the file's history (what happened, in words).
HISTORIQUE: dict[str, str] = {
    "deposer": "Candidature déposée",
    "passer_en_instruction": "Mise en instruction",
    "demander_complements": "Compléments demandés",
    "apporter_complements": "Compléments apportés",
    "enregistrer_avis_parquet": "Avis du parquet enregistré",
    "enregistrer_avis_commission": "Avis de la commission enregistré",
    "enoncer_motifs": "Motifs de refus envisagés communiqués au candidat",
    "repondre_motifs": "Réponse du candidat aux motifs envisagés",
    "accepter": "Candidature acceptée (décision enregistrée)",
    "refuser": "Candidature refusée (décision enregistrée)",
    "classer_sans_suite": "Candidature classée sans suite",
    "retirer": "Candidature retirée par le candidat",
}

TABLE: dict[tuple[str, str, str], Regle] = {}
for _r in _REGLES:
    for _t in _r.types:
        TABLE[(_r.transition, _r.source, _t)] = _r

TRANSITIONS: tuple[str, ...] = tuple(dict.fromkeys(r.transition for r in _REGLES))
LIBELLES: dict[str, str] = {r.transition: r.libelle for r in _REGLES}
ACTEURS: dict[str, str] = {r.transition: r.acteur for r in _REGLES}
TRANSITIONS_INSTRUCTEUR = tuple(t for t in TRANSITIONS if ACTEURS[t] == INSTRUCTEUR)


def regle(transition: str, etat: str, type_: str) -> Regle | None:
    return TABLE.get((transition, etat, type_))


def possibles(etat: str, type_: str, acteur: str) -> list[Regle]:
    """Transitions this kind of actor may fire from this state, in table order."""
    return [r for r in _REGLES if r.source == etat and type_ in r.types and r.acteur == acteur]
