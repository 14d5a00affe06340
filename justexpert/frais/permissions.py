"""Who sees which money of a case (default deny, on top of expertises.permissions).

- The case itself: whoever may see it (``expertises.permissions.expertise_pour``, 404 otherwise),
  so nobody sees another case's money.
- The whole ledger: the expert, the greffe and the magistrates of the case (including the judges
  of the control, who hold the magistrate's capacity there).
- A lawyer or a party: only the lines of the parties they belong to in the case (their dues, the
  payments made for them or by them), never another party's, nor the totals.
- Fixing or splitting a provision: magistrat or greffier of the case; recording a payment: the
  greffe only (403, logged, otherwise).
"""

from __future__ import annotations

from justexpert.comptes.models import Utilisateur
from justexpert.expertises.models import Expertise, Participant, Qualite

from .grand_livre import GrandLivre, LignePartie

COUR = frozenset({Qualite.EXPERT, Qualite.GREFFIER, Qualite.MAGISTRAT})
FIXENT = (Qualite.MAGISTRAT, Qualite.GREFFIER)
ENREGISTRENT = (Qualite.GREFFIER,)


def voit_tout(qualites: set[str] | frozenset[str]) -> bool:
    return bool(COUR & set(qualites))


def mes_parties(user: Utilisateur, e: Expertise) -> set[int]:
    """The parties this person belongs to in the case (as their lawyer or as the party)."""
    return set(
        Participant.objects.filter(
            expertise=e,
            utilisateur=user,
            retire_le__isnull=True,
            qualite__in=[Qualite.AVOCAT, Qualite.PARTIE],
            partie__isnull=False,
        ).values_list("partie_id", flat=True)
    )


def lignes_visibles(user: Utilisateur, e: Expertise, livre: GrandLivre, qualites: set[str]) -> list[LignePartie]:
    if voit_tout(qualites):
        return livre.lignes
    if not qualites:
        return []
    miennes = mes_parties(user, e)
    return [ligne for ligne in livre.lignes if ligne.cle is not None and ligne.cle in miennes]
