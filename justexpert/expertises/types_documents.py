"""Who may deposit which kind of document, and when (an explicit table, like procedure.py).

Every participant who sees the case sees every document of it (the contradictoire, CPC 16 and
160 ff.), except medical documents (permissions.depots_visibles). What differs by kind is who
deposits it, in which states of the case, and what the deposit does to the procedure:

- the pré-rapport opens the phase des dires with its deadline (transition ``ouvrir_dires``);
- a dire (or dire récapitulatif) after that deadline is accepted and flagged late (CPC 276: the
  expert may disregard it);
- the rapport définitif must be a PDF signed with the certificate registered to the expert, and
  files the report (transition ``deposer_rapport``);
- the demande de rémunération opens 15 days for the parties' observations (CPC 282);
- the ordonnance de taxe fixes the fees and closes the case (transition ``taxer``, CPC 284).

A closed case is read-only: no state allows a deposit once it is ``close``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Etat, Qualite, TypeDocument

M, G, E, A, P = Qualite.MAGISTRAT, Qualite.GREFFIER, Qualite.EXPERT, Qualite.AVOCAT, Qualite.PARTIE
OPERATIONS = frozenset({Etat.EN_COURS, Etat.PHASE_DIRES, Etat.RAPPORT_PROVISOIRE, Etat.REDACTION})
AVANT_OPERATIONS = frozenset({Etat.ACCEPTEE, Etat.ATTENTE_CONSIGNATION})
APRES_RAPPORT = frozenset({Etat.RAPPORT_DEPOSE, Etat.CONCLUSIONS_NOTIFIEES, Etat.TAXATION})


@dataclass(frozen=True)
class RegleDepot:
    type: str
    deposants: frozenset[str]
    etats: frozenset[str]
    aide: str
    par_partie: bool = False  # deposited on behalf of a party (lawyer or party): numbered per party
    genere: bool = False  # produced by the platform from a form (convocation), not uploaded


def _r(type_: str, deposants, etats, aide: str, **kw) -> RegleDepot:  # type: ignore[no-untyped-def]
    return RegleDepot(type_, frozenset(deposants), frozenset(etats), aide, **kw)


REGLES: dict[str, RegleDepot] = {
    r.type: r
    for r in (
        _r(
            TypeDocument.CONVOCATION,
            {E},
            OPERATIONS | {Etat.ACCEPTEE},
            "La plateforme établit la convocation (PDF scellé) et prévient chaque participant (CPC 160).",
            genere=True,
        ),
        _r(TypeDocument.COMPTE_RENDU, {E}, OPERATIONS, "Compte rendu d'une réunion d'expertise."),
        _r(TypeDocument.NOTE, {E}, OPERATIONS | AVANT_OPERATIONS, "Note de l'expert aux parties."),
        _r(TypeDocument.DEMANDE_PIECES, {E}, OPERATIONS, "Liste des pièces que l'expert demande (CPC 275)."),
        _r(
            TypeDocument.PIECE,
            {A, P},
            OPERATIONS | AVANT_OPERATIONS,
            "Pièce communiquée par une partie, numérotée par partie.",
            par_partie=True,
        ),
        _r(
            TypeDocument.PRE_RAPPORT,
            {E},
            {Etat.EN_COURS},
            "Note de synthèse : ouvre la phase des dires jusqu'à la date limite choisie (CPC 276).",
        ),
        _r(
            TypeDocument.DIRE,
            {A, P},
            OPERATIONS,
            "Observations écrites à l'expert ; après la date limite, le dire est reçu mais signalé tardif (CPC 276).",
            par_partie=True,
        ),
        _r(TypeDocument.REPONSE_DIRE, {E}, OPERATIONS, "Réponse de l'expert à un dire."),
        _r(
            TypeDocument.DIRE_RECAPITULATIF,
            {A, P},
            {Etat.PHASE_DIRES, Etat.REDACTION},
            "Dernier dire, qui reprend les précédents (CPC 276).",
            par_partie=True,
        ),
        _r(
            TypeDocument.RAPPORT,
            {E},
            {Etat.EN_COURS, Etat.REDACTION},
            "PDF signé avec le certificat de votre carte enregistré sur la plateforme ; dépose le rapport (CPC 282).",
        ),
        _r(TypeDocument.ANNEXE, {E}, OPERATIONS | APRES_RAPPORT, "Annexe du rapport ou d'une note."),
        _r(
            TypeDocument.DEMANDE_REMUNERATION,
            {E},
            {Etat.RAPPORT_DEPOSE},
            "Ouvre 15 jours aux parties pour leurs observations (CPC 282).",
        ),
        _r(
            TypeDocument.OBSERVATIONS,
            {A, P},
            {Etat.RAPPORT_DEPOSE},
            "Observations d'une partie sur la demande de rémunération (CPC 282).",
            par_partie=True,
        ),
        _r(
            TypeDocument.ORDONNANCE_TAXE,
            {M},
            {Etat.TAXATION},
            "Ordonnance fixant la rémunération de l'expert : clôt l'expertise (CPC 284).",
        ),
    )
}
assert set(REGLES) == set(TypeDocument.values), "every document type needs its rule"


def regle(type_: str) -> RegleDepot | None:
    return REGLES.get(type_)


def deposables(etat: str, qualites: set[str] | frozenset[str], *, matiere_penale: bool = False) -> list[RegleDepot]:
    """Kinds this person may deposit now (penal cases: lawyers and the expert, no fee procedure)."""
    result = [r for r in REGLES.values() if etat in r.etats and r.deposants & set(qualites)]
    if matiere_penale:
        result = [r for r in result if r.type not in PROPRES_AU_CIVIL]
    return result


# The fee procedure of CPC 282-284 and the pré-rapport/dires of CPC 276 are civil.
PROPRES_AU_CIVIL = frozenset(
    {
        TypeDocument.PRE_RAPPORT,
        TypeDocument.DIRE_RECAPITULATIF,
        TypeDocument.DEMANDE_REMUNERATION,
        TypeDocument.OBSERVATIONS,
        TypeDocument.ORDONNANCE_TAXE,
    }
)
