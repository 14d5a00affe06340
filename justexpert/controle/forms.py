"""Forms of controle: the dashboard's filters, the batch reminder, the statistics' period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import forms
from django.conf import settings

from justexpert.expertises.models import Etat

from .tableau import TRIS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ERREUR_DATE = {"invalid": "Date invalide : utilisez le format JJ/MM/AAAA."}
ETATS_OUVERTS = [(v, lib) for v, lib in Etat.choices if v not in (Etat.CLOSE, Etat.CADUQUE)]
LIBELLES_TRI = {
    "echeance": "Date limite du rapport (la plus proche d'abord)",
    "-echeance": "Date limite du rapport (la plus lointaine d'abord)",
    "activite": "Dernière activité (la plus ancienne d'abord)",
    "-activite": "Dernière activité (la plus récente d'abord)",
    "etat": "État",
    "rg": "Numéro RG",
}


class FiltreTableauForm(forms.Form):
    en_retard = forms.BooleanField(label="Rapport en retard", required=False)
    provision_non_versee = forms.BooleanField(label="Provision non versée", required=False)
    inactif_jours = forms.IntegerField(
        label="Sans activité depuis (jours)",
        min_value=1,
        max_value=3650,
        required=False,
        error_messages={
            "invalid": "Indiquez un nombre de jours.",
            "min_value": "Indiquez au moins 1 jour.",
            "max_value": "Indiquez au plus 3650 jours.",
        },
    )
    etat = forms.ChoiceField(label="État", choices=[("", "Tous"), *ETATS_OUVERTS], required=False)
    expert = forms.UUIDField(
        label="Expert", required=False, widget=forms.HiddenInput, error_messages={"invalid": "Expert inconnu."}
    )
    tri = forms.ChoiceField(label="Trier par", choices=[(k, LIBELLES_TRI[k]) for k in TRIS], required=False)

    def __init__(self, *args: object, expert_de: Callable[[object], object], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.expert_de = expert_de
        self.fields["etat"].error_messages["invalid_choice"] = "État inconnu ou expertise qui n'est plus en cours."
        self.fields["tri"].error_messages["invalid_choice"] = "Tri inconnu."

    def clean_expert(self) -> object:
        """The expert fiche (its name is shown above the list), or an error at the field."""
        reference = self.cleaned_data.get("expert")
        if reference is None:
            return None
        fiche = self.expert_de(reference)
        if fiche is None:
            raise forms.ValidationError("Cet expert n'a aucune expertise en cours dans cette juridiction.")
        return fiche


class RelanceForm(forms.Form):
    expertises = forms.TypedMultipleChoiceField(
        label="Expertises à relancer",
        required=True,
        choices=[],
        error_messages={"required": "Cochez au moins une expertise à relancer."},
    )
    message = forms.CharField(
        label="Message de la relance",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Écrivez le message de la relance.", "max_length": "2000 caractères au plus."},
    )

    def __init__(self, *args: object, references: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["expertises"].choices = [(r, r) for r in (references or [])]  # type: ignore[attr-defined]
        self.fields["expertises"].error_messages["invalid_choice"] = (
            "Une expertise cochée n'est pas en cours dans cette juridiction."
        )


def duree_max_export() -> int:
    return int(getattr(settings, "CONTROLE_EXPORT_JOURS_MAX", 731))


class PeriodeForm(forms.Form):
    debut = forms.DateField(label="Du", widget=DATE, required=False, error_messages=ERREUR_DATE)
    fin = forms.DateField(label="Au", widget=DATE, required=False, error_messages=ERREUR_DATE)
    rubrique = forms.ChoiceField(label="Spécialité (rubrique)", required=False)

    def __init__(self, *args: object, rubriques: list[str], aujourd_hui: dt.date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.aujourd_hui = aujourd_hui
        self.fields["rubrique"].choices = [("", "Toutes"), *[(r, r) for r in rubriques]]  # type: ignore[attr-defined]
        self.fields["rubrique"].error_messages["invalid_choice"] = "Spécialité inconnue dans ce périmètre."

    def clean(self) -> dict:
        d = super().clean() or {}
        fin = d.get("fin") or self.aujourd_hui
        debut = d.get("debut") or (fin.replace(day=1) - dt.timedelta(days=334)).replace(day=1)
        if "debut" in self.errors or "fin" in self.errors:
            return d
        if debut > fin:
            self.add_error("fin", "La fin de la période doit suivre son début.")
        d["debut"], d["fin"] = debut, fin
        return d

    def periode_trop_longue(self) -> bool:
        d = self.cleaned_data
        return (d["fin"] - d["debut"]).days + 1 > duree_max_export()
