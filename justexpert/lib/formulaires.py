"""Base form of the platform: DSFR rendering, optional fields marked (current DSFR guidance).

django-dsfr 3.x warns on every render until its next major version changes the default; this
class asks for the future behaviour directly, so nothing warns.

Renderer: ``DsfrBaseForm.default_renderer`` returns the *class* ``DsfrDjangoTemplates``, which
Django instantiates for every form; each instance builds its own template engine, so every form
field template was read and compiled again on every request (measured: several milliseconds per
form page). One renderer instance is shared instead: its engine, and the compiled templates in
its cached loader, live as long as the process, as with Django's own ``get_default_renderer``.
"""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

_RENDU = DsfrDjangoTemplates()


class FormulaireDsfr(DsfrBaseForm):
    default_renderer = _RENDU  # type: ignore[assignment]

    def get_context(self) -> dict:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context
