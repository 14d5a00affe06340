"""Tasks of operations: electronic registered mail sent after the commit, retried periodically
while the provider is down (settings.TACHES_PERIODIQUES)."""

from __future__ import annotations

from django_tasks import task


@task()
def envoyer_lre(reference: str) -> str:
    from .services import envoyer_lre as envoyer

    return envoyer(reference)


@task()
def relancer_lre() -> int:
    """Retry the LRE convocations « en attente »; follow the ones sent (proof of delivery)."""
    from .services import relancer_lre as relancer

    return relancer()
