"""Once per period across every server: the first process to take a (key, slot) row acts, the
others see the row and do nothing. Slots are numbered from the wall clock (seconds since the epoch
divided by the period), so schedulers started at different moments on different machines agree on
them; the database's unique constraint settles a race (PostgreSQL makes the second insert wait for
the first transaction, then fail)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Creneau

CONSERVATION = dt.timedelta(days=7)


def numero(periode: float, maintenant: float | None = None) -> int:
    return int((time.time() if maintenant is None else maintenant) // periode)


def prendre(cle: str, creneau: int, action: Callable[[], object] | None = None) -> bool:
    """Take the slot and run ``action`` in the same transaction; False if another process took it
    (then nothing runs). If ``action`` raises, the slot stays free."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                Creneau.objects.create(cle=cle, creneau=creneau)
        except IntegrityError:
            return False
        if action is not None:
            action()
    return True


def purger() -> int:
    supprimes, _ = Creneau.objects.filter(pris_le__lt=timezone.now() - CONSERVATION).delete()
    return supprimes
