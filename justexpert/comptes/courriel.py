"""Outgoing mail: always sent from a background task after the transaction commits.

In development the ``BoiteDemoBackend`` keeps each message in the database so the
"boîte de réception de démonstration" page can show it (invitation and reset links can be followed
in the browser). Messages never carry document contents.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class BoiteDemoBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from .models import CourrielDemo

        for message in email_messages:
            CourrielDemo.objects.create(
                destinataires=list(message.to) + list(message.cc) + list(message.bcc),
                sujet=str(message.subject),
                corps=str(message.body),
            )
        return len(email_messages)
