"""Deploy checks of the platform as a whole (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def demonstration_eteinte(app_configs: object, **kwargs: object) -> list[checks.CheckMessage]:
    """The demonstration shows its passwords on the home page, has a demo mailbox, and signs PDFs
    with the demo expert's card (preuves/carte_demo.py): none of it may be reachable in production."""
    if settings.DEMO:
        return [
            checks.Error(
                "JUSTEXPERT_DEMO est activé : comptes de démonstration, boîte de réception de démonstration et signature "
                "avec la carte de démonstration sont accessibles.",
                hint="Retirez JUSTEXPERT_DEMO (ou mettez-le à 0) dans l'environnement de production.",
                id="portail.E001",
            )
        ]
    return []
