"""Who sees and does what in the operations of a case (default deny, on top of expertises.permissions).

- The « Opérations » tab, the meetings, the tracking of convocations and the calendar: whoever may
  see the case (``expertises.permissions.expertise_pour``, 404 otherwise). The contradictoire
  requires that everyone knows who was convened and how.
- Planning, moving, cancelling a meeting, recording postal sending and avis de réception, closing
  the attendance sheet, linking a compte rendu: the expert (403, logged, otherwise).
- The calendar: the expert publishes his dates; the magistrat or greffier enters the judge's (CPC 266).
- Signing the attendance sheet: the expert (on his device, for anyone convened) or the person
  convened for themselves; consents: the lawyer or party themselves.
- Documents the module stores: the sealed attendance sheet, to everyone in the case; avis de
  réception and LRE proofs (addresses, signatures of third parties), to the expert and the court.
"""

from __future__ import annotations

from justexpert.expertises.models import Qualite

ORGANISENT = (Qualite.EXPERT,)
CALENDRIER = (Qualite.EXPERT, Qualite.MAGISTRAT, Qualite.GREFFIER)
COUR = frozenset({Qualite.EXPERT, Qualite.MAGISTRAT, Qualite.GREFFIER})
CONSENTENT = frozenset({Qualite.AVOCAT, Qualite.PARTIE})


def voit_preuves_postales(qualites: set[str]) -> bool:
    return bool(COUR & set(qualites))
