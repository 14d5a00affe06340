"""Forms of candidatures (DSFR rendering, French messages next to each field).

The candidate's form has no required field: a draft is saved whatever its state (what is missing
is listed before deposit, by the services' rules). Only formats are checked here, and a value that
fails keeps being shown as typed (the raw entry is saved with the draft).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone

from justexpert.annuaire.models import Civilite, ElementNomenclature, NatureFormation, Niveau
from justexpert.annuaire.nomenclature import version_courante
from justexpert.comptes.models import Organisation, TypeOrganisation
from justexpert.lib.formulaires import FormulaireDsfr

from .models import Candidature, TypeCandidature, TypePiece

TELEPHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{5,24}$")
CODE_POSTAL = re.compile(r"^\d{5}$")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTE = forms.Textarea(attrs={"rows": 4})


class NouvelleCandidatureForm(FormulaireDsfr):
    type = forms.ChoiceField(label="Nature de votre demande", choices=TypeCandidature.choices, widget=forms.RadioSelect)


def specialites():  # type: ignore[no-untyped-def]
    version = version_courante()
    qs = ElementNomenclature.objects.filter(niveau=Niveau.SPECIALITE)
    return (qs.filter(version=version) if version else qs.none()).order_by("ordre", "code")


class ChoixSpecialite(forms.ModelChoiceField):
    def label_from_instance(self, obj: ElementNomenclature) -> str:  # type: ignore[override]
        return f"{obj.code} — {obj.libelle_affiche}"


class CandidatureForm(FormulaireDsfr):
    liste = forms.ModelChoiceField(
        label="Cour d'appel dont vous demandez l'inscription sur la liste",
        queryset=Organisation.objects.filter(type=TypeOrganisation.COUR_APPEL).order_by("nom"),
        to_field_name="code",
        required=False,
        empty_label="— choisir —",
    )
    specialite = ChoixSpecialite(
        label="Spécialité demandée (nomenclature)",
        queryset=ElementNomenclature.objects.none(),
        to_field_name="code",
        required=False,
    )
    annee_liste = forms.TypedChoiceField(label="Liste de l'année", coerce=int, required=False)
    civilite = forms.ChoiceField(label="Civilité", choices=[("", "—"), *Civilite.choices], required=False)
    nom = forms.CharField(label="Nom", max_length=150, required=False)
    prenom = forms.CharField(label="Prénom", max_length=150, required=False)
    date_naissance = forms.DateField(
        label="Date de naissance",
        required=False,
        widget=DATE,
        help_text="Format : jj/mm/aaaa.",
        error_messages={"invalid": "Date invalide : saisissez-la au format jj/mm/aaaa, par exemple 14/07/1975."},
    )
    profession = forms.CharField(label="Profession exercée", max_length=200, required=False)
    retraite = forms.BooleanField(label="Je suis retraité (mon domicile remplace le lieu d'activité)", required=False)
    adresse_pro = forms.CharField(label="Adresse de l'activité principale", max_length=300, required=False)
    code_postal_pro = forms.CharField(label="Code postal de l'activité principale", max_length=10, required=False)
    ville_pro = forms.CharField(label="Ville de l'activité principale", max_length=150, required=False)
    adresse_domicile = forms.CharField(label="Adresse du domicile", max_length=300, required=False)
    code_postal_domicile = forms.CharField(label="Code postal du domicile", max_length=10, required=False)
    ville_domicile = forms.CharField(label="Ville du domicile", max_length=150, required=False)
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False)
    diplomes = forms.CharField(label="Diplômes et titres", required=False, widget=TEXTE)
    travaux = forms.CharField(label="Travaux scientifiques, techniques ou professionnels", required=False, widget=TEXTE)
    activites = forms.CharField(
        label="Activités professionnelles exercées (employeurs, fonctions, dates)", required=False, widget=TEXTE
    )
    moyens = forms.CharField(label="Moyens et installations dont vous disposez", required=False, widget=TEXTE)
    formations = forms.CharField(label="Formations suivies (intitulé, organisme, date)", required=False, widget=TEXTE)
    experience_judiciaire = forms.CharField(label="Expérience judiciaire (expertises réalisées)", required=False, widget=TEXTE)
    motivation = forms.CharField(label="Motivation (résumé)", required=False, widget=TEXTE)
    declaration_honneur = forms.BooleanField(
        label="Je déclare sur l'honneur l'exactitude des renseignements fournis et ne faire l'objet d'aucune "
        "condamnation ni sanction visée à l'article 2 du décret n° 2004-1463",
        required=False,
    )

    def __init__(self, *args: Any, candidature: Candidature, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialite"].queryset = specialites()  # type: ignore[attr-defined]
        annee = timezone.localdate().year
        annees = sorted({annee + 1, annee + 2, candidature.annee_liste})
        self.fields["annee_liste"].choices = [(a, str(a)) for a in annees]  # type: ignore[attr-defined]
        if candidature.type == TypeCandidature.NATIONALE:
            del self.fields["liste"]

    def clean_code_postal_pro(self) -> str:
        return self._code_postal("code_postal_pro")

    def clean_code_postal_domicile(self) -> str:
        return self._code_postal("code_postal_domicile")

    def _code_postal(self, nom: str) -> str:
        valeur = (self.cleaned_data.get(nom) or "").strip()
        if valeur and not CODE_POSTAL.match(valeur):
            raise forms.ValidationError("Le code postal compte cinq chiffres, par exemple 75001.")
        return valeur

    def clean_telephone(self) -> str:
        valeur = (self.cleaned_data.get("telephone") or "").strip()
        if valeur and not TELEPHONE.match(valeur):
            raise forms.ValidationError(
                "Numéro de téléphone invalide : chiffres, espaces et « + » seulement, par exemple 06 12 34 56 78."
            )
        return valeur

    def clean_date_naissance(self):  # type: ignore[no-untyped-def]
        valeur = self.cleaned_data.get("date_naissance")
        if valeur and not (1900 <= valeur.year and valeur <= timezone.localdate()):
            raise forms.ValidationError("Date de naissance invalide.")
        return valeur

    def valeurs(self) -> dict[str, Any]:
        """The fields that passed validation (call after is_valid(), valid or not)."""
        propres = dict(getattr(self, "cleaned_data", {}))
        return {k: v for k, v in propres.items() if k not in self.errors}


def initial_de(candidature: Candidature) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for nom in CandidatureForm.base_fields:
        valeur = getattr(candidature, nom)
        if nom in ("liste", "specialite"):
            valeur = valeur.code if valeur is not None else ""
        initial[nom] = valeur
    return initial


class PieceForm(FormulaireDsfr):
    type = forms.ChoiceField(label="Type de pièce", choices=[("", "— choisir —"), *TypePiece.choices])
    fichier = forms.FileField(
        label="Fichier", help_text="PDF, image ou document bureautique ; 1 Gio au plus. Le fichier est chiffré dès sa réception."
    )


class TexteForm(FormulaireDsfr):
    texte = forms.CharField(label="Texte", required=False, widget=TEXTE)


class MessageForm(FormulaireDsfr):
    corps = forms.CharField(label="Votre message", widget=TEXTE, error_messages={"required": "Écrivez votre message."})


class CompteRenduForm(FormulaireDsfr):
    annee = forms.TypedChoiceField(label="Année d'activité", coerce=int)
    nombre_rapports = forms.IntegerField(
        label="Nombre de rapports déposés dans l'année",
        min_value=0,
        max_value=10_000,
        error_messages={"required": "Indiquez le nombre de rapports (0 si aucun).", "invalid": "Saisissez un nombre entier."},
    )
    expertises_en_cours = forms.IntegerField(
        label="Nombre d'expertises en cours",
        min_value=0,
        max_value=10_000,
        error_messages={
            "required": "Indiquez le nombre d'expertises en cours (0 si aucune).",
            "invalid": "Saisissez un nombre entier.",
        },
    )
    detail_expertises = forms.CharField(
        label="Expertises en cours : date de la décision de désignation, juridiction, délai imparti", required=False, widget=TEXTE
    )
    formations = forms.CharField(label="Formations suivies dans l'année (intitulé, organisme)", required=False, widget=TEXTE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        annee = timezone.localdate().year
        self.fields["annee"].choices = [(annee - 1, str(annee - 1)), (annee, str(annee))]  # type: ignore[attr-defined]


class FormationForm(FormulaireDsfr):
    """A training of the ledger (annuaire.activite checks the values: hours > 0, not in the future)."""

    intitule = forms.CharField(label="Intitulé de la formation", max_length=300, required=False)
    organisme = forms.CharField(label="Organisme de formation", max_length=300, required=False)
    jour = forms.DateField(
        label="Date de la formation",
        required=False,
        widget=DATE,
        error_messages={"invalid": "Saisissez une date valide (jour/mois/année)."},
    )
    heures = forms.CharField(label="Nombre d'heures", required=False, help_text="Par exemple 7 ou 3,5.", max_length=12)
    nature = forms.ChoiceField(
        label="Nature de la formation", choices=[("", "— choisir —"), *NatureFormation.choices], required=False
    )
    fichier = forms.FileField(
        label="Attestation de formation",
        required=False,
        help_text="PDF, image ou document bureautique. Le fichier est chiffré dès sa réception.",
    )


class CommentaireForm(FormulaireDsfr):
    nature = forms.CharField(widget=forms.HiddenInput)
    annee = forms.IntegerField(widget=forms.HiddenInput)
    texte = forms.CharField(label="Votre commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
