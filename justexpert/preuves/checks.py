"""`manage.py check --deploy`: the trust settings of preuves (log key, timestamp authority and its
roots) are errors when missing, whatever the settings module (production's refuses to load)."""

from __future__ import annotations

from django.core.checks import Error, Tags, register

from . import conf


@register(Tags.security, deploy=True)
def configuration_production(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    return [Error(probleme, id=f"preuves.E{n:03d}") for n, probleme in enumerate(conf.problemes_production(), start=1)]
