"""Forms of the annuaire (DSFR rendering, French messages next to each field)."""

from __future__ import annotations

import re

from django import forms
from django.forms.models import fields_for_model
from django.utils import timezone

from justexpert.comptes.models import Organisation, TypeOrganisation
from justexpert.lib.formulaires import FormulaireDsfr

from . import services
from .models import ElementNomenclature, Expert, Niveau, StatutInscription
from .nomenclature import version_courante

TELEPHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{5,24}$")
CODE_POSTAL = re.compile(r"^\d{5}$")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def listes_possibles():  # type: ignore[no-untyped-def]
    return Organisation.objects.filter(type__in=[TypeOrganisation.COUR_APPEL, TypeOrganisation.COUR_CASSATION]).order_by(
        "type", "nom"
    )


class ChampsFicheMixin:
    """Fields of the fiche generated from the model (labels, lengths, e-mail check), with the
    platform's own checks for phones, postal code and dates."""

    champs: tuple[str, ...] = ()
    fields: dict
    cleaned_data: dict

    def ajouter_champs(self) -> None:
        widgets = {"date_naissance": DATE, "date_serment": DATE, "diplomes": forms.Textarea(attrs={"rows": 3})}
        self.fields.update(fields_for_model(Expert, fields=self.champs, widgets=widgets))

    def clean_telephone_fixe(self) -> str:
        return self._telephone("telephone_fixe")

    def clean_telephone_mobile(self) -> str:
        return self._telephone("telephone_mobile")

    def _telephone(self, nom: str) -> str:
        valeur = (self.cleaned_data.get(nom) or "").strip()
        if valeur and not TELEPHONE.match(valeur):
            raise forms.ValidationError(
                "Numéro de téléphone invalide : chiffres, espaces et « + » seulement, par exemple 01 23 45 67 89."
            )
        return valeur

    def clean_code_postal_pro(self) -> str:
        valeur = (self.cleaned_data.get("code_postal_pro") or "").strip()
        if valeur and not CODE_POSTAL.match(valeur):
            raise forms.ValidationError("Le code postal compte cinq chiffres, par exemple 75001.")
        return valeur

    def clean_date_naissance(self):  # type: ignore[no-untyped-def]
        valeur = self.cleaned_data.get("date_naissance")
        if valeur and valeur >= timezone.localdate():
            raise forms.ValidationError("La date de naissance doit être dans le passé.")
        return valeur


class FicheExpertForm(ChampsFicheMixin, FormulaireDsfr):
    """What the expert keeps up to date on their own fiche."""

    champs = services.CHAMPS_EXPERT

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.ajouter_champs()


class FicheCourForm(ChampsFicheMixin, FormulaireDsfr):
    """The whole fiche, as the court keeps it (identity, addresses, contacts)."""

    champs = services.CHAMPS_FICHE

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.ajouter_champs()
        self.fields["nom"].required = True
        self.fields["prenom"].required = True


class RechercheFicheForm(FormulaireDsfr):
    q = forms.CharField(label="Nom", max_length=150, required=False)
    specialite = forms.CharField(
        label="Spécialité", max_length=200, required=False, help_text="Code (par exemple C.2.8) ou mot du libellé."
    )
    cour = forms.ModelChoiceField(
        label="Liste (cour d'appel ou liste nationale)", queryset=Organisation.objects.none(), required=False
    )
    statut = forms.ChoiceField(
        label="Statut d'inscription", choices=[("", "Tous")] + list(StatutInscription.choices), required=False
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["cour"].queryset = listes_possibles()
        self.fields["cour"].to_field_name = "code"


class InscriptionForm(FormulaireDsfr):
    liste = forms.ModelChoiceField(label="Liste", queryset=Organisation.objects.none())
    specialite = forms.CharField(label="Spécialité (code)", max_length=20, help_text="Par exemple C.2.8.")
    debut = forms.DateField(label="Date de début", widget=DATE)
    motif = forms.CharField(
        label="Décision (référence, observations)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, listes=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["liste"].queryset = listes if listes is not None else listes_possibles()

    def clean_specialite(self) -> ElementNomenclature:
        code = (self.cleaned_data.get("specialite") or "").strip().upper()
        version = version_courante()
        element = ElementNomenclature.objects.filter(version=version, code=code).first() if version is not None else None
        if element is None:
            raise forms.ValidationError(f"Aucune spécialité « {code} » dans la nomenclature en vigueur.")
        if element.niveau != Niveau.SPECIALITE:
            raise forms.ValidationError(
                f"« {code} » est une {element.get_niveau_display().lower()} : choisissez une spécialité (par exemple C.2.8)."
            )
        return element


DECISIONS = [
    ("reinscrire", "Réinscrire (5 ans ; 7 ans sur la liste nationale)"),
    (StatutInscription.SUSPENDU, "Suspendre"),
    ("lever", "Lever la suspension"),
    (StatutInscription.RADIE, "Radier"),
    (StatutInscription.RETIRE, "Retirer de la liste"),
    (StatutInscription.HONORAIRE, "Admettre à l'honorariat"),
]


class DecisionForm(FormulaireDsfr):
    decision = forms.ChoiceField(label="Décision", choices=DECISIONS)
    le = forms.DateField(
        label="Date d'effet",
        required=False,
        widget=DATE,
        help_text="Par défaut : aujourd'hui (lendemain de la fin pour une réinscription).",
    )
    motif = forms.CharField(label="Motif", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PublicationForm(FormulaireDsfr):
    liste = forms.ModelChoiceField(label="Liste", queryset=Organisation.objects.none())
    annee = forms.IntegerField(label="Année", min_value=2000, max_value=2100)

    def __init__(self, *args, listes=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["liste"].queryset = listes if listes is not None else listes_possibles()


class ReglesCourForm(FormulaireDsfr):
    heures_formation_annuelles = forms.DecimalField(
        label="Heures de formation attendues par an",
        min_value=0,
        max_value=500,
        decimal_places=1,
        help_text="0 : la cour n'attend pas un nombre d'heures.",
        error_messages={"required": "Indiquez un nombre d'heures (0 si aucun).", "invalid": "Saisissez un nombre."},
    )
    instruction_contradictoire = forms.BooleanField(
        label="Avant de refuser une réinscription, communiquer à l'expert les motifs envisagés et recueillir sa réponse",
        required=False,
        help_text="Règle de bonne pratique de la plateforme (décret n° 2004-1463, art. 14 ; loi du 29 juin 1971, art. 2).",
    )
    delai_reponse_jours = forms.IntegerField(
        label="Délai de réponse de l'expert (jours)",
        min_value=8,
        max_value=90,
        error_messages={"required": "Indiquez le délai de réponse.", "invalid": "Saisissez un nombre entier de jours."},
    )
