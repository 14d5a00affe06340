"""Forms of preuves: the public page "Vérifier un accusé"."""

from __future__ import annotations

from django import forms

from justexpert.lib.formulaires import FormulaireDsfr

from .televersement import TAILLE_MAX_ACCUSE
from .verificateur import PreuveInvalide, lire_accuse, lire_ancres

TAILLE_MAX_ANCRES = 1 << 20


class VerificationForm(FormulaireDsfr):
    accuse = forms.FileField(
        label="Accusé (PDF ou JSON)",
        help_text="L'accusé de dépôt ou d'ouverture téléchargé sur la plateforme : le fichier PDF, ou son contenu JSON.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.json,application/pdf,application/json"}),
    )
    document = forms.FileField(
        label="Document concerné",
        required=False,
        help_text="Facultatif : le document est lu pour calculer son empreinte, il n'est pas conservé.",
    )

    ancres = forms.FileField(
        label="Ancres de confiance (facultatif)",
        required=False,
        help_text="Une copie du document « ancres.json » que vous avez gardée (par exemple avec l'accusé) : "
        "l'accusé est alors vérifié avec ces clés et ces autorités, et non celles que la plateforme publie aujourd'hui.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_ancres(self):  # type: ignore[no-untyped-def]
        fichier = self.cleaned_data.get("ancres")
        if not fichier:
            return None
        if fichier.size > TAILLE_MAX_ANCRES:
            raise forms.ValidationError("Ce fichier est trop volumineux pour être un document d'ancres (1 Mo au plus).")
        try:
            return lire_ancres(fichier.read(), f"le document d'ancres que vous avez fourni (« {fichier.name} »)")
        except PreuveInvalide as exc:
            raise forms.ValidationError(f"Ancres illisibles : {exc}.") from None

    def clean_accuse(self) -> dict:
        fichier = self.cleaned_data["accuse"]
        if fichier.size > TAILLE_MAX_ACCUSE:
            raise forms.ValidationError("Ce fichier est trop volumineux pour être un accusé (5 Mo au plus).")
        try:
            return lire_accuse(fichier.read())
        except PreuveInvalide as exc:
            raise forms.ValidationError(f"Accusé illisible : {exc}.") from None
