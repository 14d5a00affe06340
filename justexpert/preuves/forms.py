"""Forms of preuves: the public page "Vérifier un accusé"."""

from __future__ import annotations

from django import forms

from justexpert.lib.formulaires import FormulaireDsfr

from .verificateur import PreuveInvalide, lire_accuse

TAILLE_MAX_ACCUSE = 1024 * 1024


class VerificationForm(FormulaireDsfr):
    accuse = forms.FileField(
        label="Accusé (fichier JSON)",
        help_text="Le fichier d'accusé remis par la plateforme, au format JSON.",
    )
    document = forms.FileField(
        label="Document concerné",
        required=False,
        help_text="Facultatif : le document est lu pour calculer son empreinte, il n'est pas conservé.",
    )

    def clean_accuse(self) -> dict:
        fichier = self.cleaned_data["accuse"]
        if fichier.size > TAILLE_MAX_ACCUSE:
            raise forms.ValidationError("Ce fichier est trop volumineux pour être un accusé (1 Mo au plus).")
        try:
            return lire_accuse(fichier.read())
        except PreuveInvalide as exc:
            raise forms.ValidationError(f"Accusé illisible : {exc}.") from None
