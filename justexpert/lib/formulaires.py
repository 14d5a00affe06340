"""Base form of the platform: DSFR rendering, optional fields marked (current DSFR guidance).

django-dsfr 3.x warns on every render until its next major version changes the default; this
class asks for the future behaviour directly, so nothing warns.
"""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm


class FormulaireDsfr(DsfrBaseForm):
    def get_context(self) -> dict:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context
