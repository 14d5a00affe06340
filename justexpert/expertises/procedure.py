"""The procedure of an expertise as an explicit transition table (CPC 232-284-1, CPP 156-169).

Each transition names the states it leaves, the state it reaches (``None``: an incident that keeps
the state, such as a prorogation), the capacities allowed to fire it in the case (``Qualite``, or
``SYSTEME`` for the periodic task) and the matters it applies to. Guards that depend on dates or
on the case's data (a deadline passed, a consignation made) live in ``services.py``, next to the
writes. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Etat, Matiere, Qualite

SYSTEME = "systeme"
CIVILE = frozenset({Matiere.CIVILE})
PENALE = frozenset({Matiere.PENALE})
TOUTES = frozenset({Matiere.CIVILE, Matiere.PENALE})

# States in which a designated expert holds the mission (annuaire counts them as open missions).
ETATS_MISSION = frozenset(
    {
        Etat.ORDONNEE,
        Etat.NOTIFIEE,
        Etat.ACCEPTEE,
        Etat.ATTENTE_CONSIGNATION,
        Etat.EN_COURS,
        Etat.PHASE_DIRES,
        Etat.RAPPORT_PROVISOIRE,
        Etat.REDACTION,
    }
)
ETATS_OPERATIONS = frozenset({Etat.EN_COURS, Etat.PHASE_DIRES, Etat.RAPPORT_PROVISOIRE, Etat.REDACTION})
ETATS_FINAUX = frozenset({Etat.CLOSE})


@dataclass(frozen=True)
class Transition:
    nom: str
    libelle: str
    sources: frozenset[str]
    cible: str | None  # None: incident, the state stays
    qualites: frozenset[str]
    matieres: frozenset[str]
    reference: str  # the article it applies

    def possible_depuis(self, etat: str, matiere: str) -> bool:
        return etat in self.sources and matiere in self.matieres


def _t(nom: str, libelle: str, sources, cible, qualites, matieres, reference: str) -> Transition:  # type: ignore[no-untyped-def]
    return Transition(nom, libelle, frozenset(sources), cible, frozenset(qualites), matieres, reference)


M, G, E = Qualite.MAGISTRAT, Qualite.GREFFIER, Qualite.EXPERT

TRANSITIONS: dict[str, Transition] = {
    t.nom: t
    for t in (
        _t(
            "notifier", "Notifier la désignation à l'expert", {Etat.ORDONNEE}, Etat.NOTIFIEE, {G, M}, TOUTES, "CPC 267, CPP 161-1"
        ),
        _t("accepter", "Accepter la mission", {Etat.NOTIFIEE}, Etat.ACCEPTEE, {E}, TOUTES, "CPC 267"),
        _t("refuser", "Refuser la mission", {Etat.NOTIFIEE}, Etat.REFUSEE, {E}, TOUTES, "CPC 235"),
        _t(
            "recuser",
            "Admettre la récusation de l'expert",
            ETATS_MISSION - {Etat.ORDONNEE, Etat.RAPPORT_PROVISOIRE},
            Etat.RECUSEE,
            {M},
            CIVILE,
            "CPC 234",
        ),
        _t(
            "remplacer",
            "Remplacer l'expert",
            ETATS_MISSION | {Etat.REFUSEE, Etat.RECUSEE},
            Etat.ORDONNEE,
            {M},
            TOUTES,
            "CPC 235, CPP 161",
        ),
        _t(
            "inviter_consignation",
            "Inviter les parties à consigner",
            {Etat.ACCEPTEE},
            Etat.ATTENTE_CONSIGNATION,
            {G},
            CIVILE,
            "CPC 270",
        ),
        _t(
            "constater_consignation",
            "Constater la consignation",
            {Etat.ATTENTE_CONSIGNATION},
            Etat.EN_COURS,
            {G},
            CIVILE,
            "CPC 270, 267",
        ),
        _t("demarrer", "Commencer les opérations", {Etat.ACCEPTEE}, Etat.EN_COURS, {E}, TOUTES, "CPC 267, CPP 161-1"),
        _t(
            "constater_caducite",
            "Constater la caducité (consignation non faite)",
            {Etat.ATTENTE_CONSIGNATION},
            Etat.CADUQUE,
            {M, G, SYSTEME},
            CIVILE,
            "CPC 271",
        ),
        _t(
            "relever_caducite",
            "Proroger le délai de consignation ou relever de la caducité",
            {Etat.ATTENTE_CONSIGNATION, Etat.CADUQUE},
            Etat.ATTENTE_CONSIGNATION,
            {M},
            CIVILE,
            "CPC 271",
        ),
        _t(
            "ouvrir_dires",
            "Ouvrir la phase des dires (pré-rapport)",
            {Etat.EN_COURS},
            Etat.PHASE_DIRES,
            {E},
            CIVILE,
            "CPC 276",
        ),
        _t("clore_dires", "Clore la phase des dires", {Etat.PHASE_DIRES}, Etat.REDACTION, {E}, CIVILE, "CPC 276"),
        _t(
            "deposer_rapport_provisoire",
            "Déposer un rapport provisoire",
            {Etat.EN_COURS},
            Etat.RAPPORT_PROVISOIRE,
            {E},
            PENALE,
            "CPP 167-2",
        ),
        _t(
            "clore_observations",
            "Clore les observations sur le rapport provisoire",
            {Etat.RAPPORT_PROVISOIRE},
            Etat.REDACTION,
            {E},
            PENALE,
            "CPP 167-2",
        ),
        _t(
            "deposer_rapport",
            "Déposer le rapport",
            {Etat.EN_COURS, Etat.REDACTION},
            Etat.RAPPORT_DEPOSE,
            {E},
            TOUTES,
            "CPC 282, CPP 166",
        ),
        _t(
            "constater_conciliation",
            "Constater la conciliation des parties",
            {Etat.ACCEPTEE, Etat.ATTENTE_CONSIGNATION, Etat.EN_COURS, Etat.PHASE_DIRES, Etat.REDACTION},
            Etat.SANS_OBJET,
            {E, M},
            CIVILE,
            "CPC 281",
        ),
        _t(
            "ouvrir_taxation",
            "Passer à la taxation",
            {Etat.RAPPORT_DEPOSE, Etat.SANS_OBJET},
            Etat.TAXATION,
            {M, G},
            CIVILE,
            "CPC 284",
        ),
        _t("taxer", "Rendre l'ordonnance de taxe", {Etat.TAXATION}, Etat.CLOSE, {M}, CIVILE, "CPC 284"),
        _t(
            "notifier_conclusions",
            "Notifier les conclusions aux parties",
            {Etat.RAPPORT_DEPOSE},
            Etat.CONCLUSIONS_NOTIFIEES,
            {M},
            PENALE,
            "CPP 167",
        ),
        _t(
            "clore",
            "Clore l'expertise",
            {Etat.CONCLUSIONS_NOTIFIEES, Etat.CADUQUE, Etat.SANS_OBJET},
            Etat.CLOSE,
            {M, G},
            TOUTES,
            "CPC 271, 281, CPP 167",
        ),
        # Incidents: the state stays.
        _t("proroger_delai", "Proroger le délai du rapport", ETATS_MISSION, None, {M}, TOUTES, "CPC 279, CPP 161"),
        _t("modifier_mission", "Étendre ou restreindre la mission", ETATS_MISSION, None, {M}, TOUTES, "CPC 236, CPP 161-1"),
        _t(
            "ordonner_complement",
            "Ordonner une consignation complémentaire",
            {Etat.EN_COURS, Etat.PHASE_DIRES, Etat.REDACTION},
            None,
            {M},
            CIVILE,
            "CPC 280",
        ),
        _t(
            "constater_complement",
            "Constater la consignation complémentaire",
            {Etat.EN_COURS, Etat.PHASE_DIRES, Etat.REDACTION},
            None,
            {G},
            CIVILE,
            "CPC 280",
        ),
    )
}

# Transitions fired by depositing their document (views_depots): the pré-rapport opens the dires,
# the signed rapport files the report, the ordonnance de taxe closes the case.
PAR_DEPOT = {"ouvrir_dires": "le pré-rapport", "deposer_rapport": "le rapport définitif signé", "taxer": "l'ordonnance de taxe"}
# Outcomes off the normal path of a case (a step towards them is not "moving the case forward").
ISSUES_ANORMALES = frozenset({Etat.REFUSEE, Etat.RECUSEE, Etat.SANS_OBJET, Etat.CADUQUE})


def en_avant(t: Transition) -> bool:
    """A step that moves the case along its normal path (not an incident, a refusal, an end)."""
    return t.cible is not None and t.cible not in ISSUES_ANORMALES and t.nom != "remplacer"


# Steps that cannot be undone: the page asks for a confirmation that states the consequence.
CONSEQUENCES: dict[str, str] = {
    "refuser": "Vous ne pourrez pas revenir sur ce refus : le magistrat désignera un autre expert.",
    "recuser": "L'expert perd la mission et l'accès à l'expertise ; un autre expert devra être désigné.",
    "remplacer": "L'expert actuel perd aussitôt l'accès à l'expertise ; le nouvel expert devra être notifié et accepter la mission.",
    "constater_caducite": (
        "La désignation de l'expert devient caduque (CPC 271) : les opérations ne pourront pas commencer, "
        "sauf si le magistrat relève la caducité."
    ),
    "constater_conciliation": (
        "L'expertise devient sans objet (CPC 281) : les opérations s'arrêtent définitivement ; "
        "il ne restera qu'à fixer la rémunération de l'expert."
    ),
    "clore_dires": "Plus aucun dire ne pourra être déposé ; l'expert rédige ensuite son rapport définitif.",
    "clore_observations": "Plus aucune observation ne pourra être déposée ; l'expert rédige ensuite son rapport définitif.",
    "clore": (
        "L'expertise sera close : plus aucun dépôt ni aucune étape ne sera possible, et le contenu de ses documents "
        "sera détruit à la fin du délai de conservation (les preuves restent)."
    ),
}

# Who is expected to act in each state, in plain words, for the case page and the lists.
ATTENTE: dict[str, tuple[frozenset[str], str]] = {
    Etat.ORDONNEE: (frozenset({G, M}), "Le greffe notifie la désignation à l'expert."),
    Etat.NOTIFIEE: (frozenset({E}), "L'expert fait connaître sans délai s'il accepte la mission."),
    Etat.ACCEPTEE: (frozenset({G, E}), "Le greffe invite les parties à consigner, ou l'expert commence les opérations."),
    Etat.REFUSEE: (frozenset({M}), "Le magistrat désigne un autre expert."),
    Etat.RECUSEE: (frozenset({M}), "Le magistrat désigne un autre expert."),
    Etat.ATTENTE_CONSIGNATION: (
        frozenset({G, Qualite.AVOCAT, Qualite.PARTIE}),
        "Les parties consignent la provision au greffe avant la date limite ; le greffe le constate.",
    ),
    Etat.CADUQUE: (frozenset({M}), "Le magistrat peut relever la caducité ou clore l'expertise."),
    Etat.EN_COURS: (frozenset({E}), "L'expert conduit les opérations, puis ouvre la phase des dires ou dépose son rapport."),
    Etat.PHASE_DIRES: (frozenset({Qualite.AVOCAT, Qualite.PARTIE, E}), "Les parties adressent leurs dires avant la date limite."),
    Etat.RAPPORT_PROVISOIRE: (
        frozenset({Qualite.AVOCAT, Qualite.PARTIE, E}),
        "Les parties présentent leurs observations sur le rapport provisoire avant la date limite.",
    ),
    Etat.REDACTION: (frozenset({E}), "L'expert rédige et dépose son rapport."),
    Etat.RAPPORT_DEPOSE: (frozenset({M, G}), "Le juge statue sur la rémunération après le délai d'observations des parties."),
    Etat.CONCLUSIONS_NOTIFIEES: (
        frozenset({Qualite.AVOCAT, Qualite.PARTIE, M}),
        "Les parties peuvent demander un complément ou une contre-expertise avant la date limite.",
    ),
    Etat.SANS_OBJET: (frozenset({M, G}), "Le juge fixe la rémunération ou clôt l'expertise."),
    Etat.TAXATION: (frozenset({M}), "Le juge rend l'ordonnance de taxe."),
    Etat.CLOSE: (frozenset(), "L'expertise est close."),
}


def transition(nom: str) -> Transition:
    try:
        return TRANSITIONS[nom]
    except KeyError:
        raise KeyError(f"unknown transition {nom!r}") from None


def possibles(etat: str, matiere: str, qualites: set[str] | frozenset[str]) -> list[Transition]:
    """Transitions the holder of these capacities may fire from this state (guards aside)."""
    return [t for t in TRANSITIONS.values() if t.possible_depuis(etat, matiere) and t.qualites & set(qualites)]
