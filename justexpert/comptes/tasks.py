"""Background tasks of comptes (run by `manage.py db_worker`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task


@task()
def envoyer_courriel(sujet: str, corps: str, destinataires: list[str]) -> int:
    return send_mail(sujet, corps, settings.DEFAULT_FROM_EMAIL, destinataires, fail_silently=False)


@task()
def purger_journal_securite() -> int:
    """Delete security-log rows past their retention (12 months by default) and old lockout rows."""
    from .models import EchecConnexion, JournalSecurite

    limite = timezone.now() - dt.timedelta(days=settings.JOURNAL_SECURITE_JOURS)
    supprimes, _ = JournalSecurite.objects.filter(le__lt=limite).delete()
    EchecConnexion.objects.filter(le__lt=timezone.now() - dt.timedelta(days=1)).delete()
    return supprimes
