"""Forms of comptes (DSFR rendering, French messages next to each field)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

from justexpert.lib.formulaires import FormulaireDsfr

from .models import EvenementSecurite, Habilitation, Organisation, Role


class ConnexionForm(FormulaireDsfr):
    email = forms.EmailField(
        label="Adresse électronique", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "username"})
    )
    mot_de_passe = forms.CharField(
        label="Mot de passe", max_length=4096, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(FormulaireDsfr):
    code = forms.CharField(
        label="Code à 6 chiffres de votre application, ou un code de secours",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class NouveauMotDePasseForm(FormulaireDsfr):
    """A new password typed twice, checked against the password validators (field-level errors)."""

    mot_de_passe = forms.CharField(
        label="Mot de passe",
        max_length=4096,
        strip=False,
        help_text="Au moins 12 caractères ; évitez un mot de passe courant.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirmation = forms.CharField(
        label="Confirmez le mot de passe",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        mdp, conf = data.get("mot_de_passe"), data.get("confirmation")
        if mdp and conf and mdp != conf:
            self.add_error("confirmation", "Les deux mots de passe ne sont pas identiques.")
        if mdp:
            try:
                password_validation.validate_password(mdp)
            except forms.ValidationError as exc:
                self.add_error("mot_de_passe", exc)
        return data


class InscriptionForm(NouveauMotDePasseForm):
    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(
        label="Adresse électronique", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    field_order = ["prenom", "nom", "email", "mot_de_passe", "confirmation"]


class ActivationTotpForm(FormulaireDsfr):
    code = forms.CharField(
        label="Code affiché par votre application",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


ROLES_AVEC_ORGANISATION = {Role.MAGISTRAT, Role.GREFFIER, Role.AGENT}


class CompteForm(FormulaireDsfr):
    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique", max_length=254)
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Obligatoire pour les magistrats, greffiers et agents.",
    )
    habilitations = forms.MultipleChoiceField(
        label="Habilitations", choices=Habilitation.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("role") in ROLES_AVEC_ORGANISATION and not data.get("organisation"):
            self.add_error("organisation", "Choisissez l'organisation de rattachement pour ce rôle.")
        return data


class AppartenanceForm(FormulaireDsfr):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.all(), required=False)
    habilitations = forms.MultipleChoiceField(
        label="Habilitations", choices=Habilitation.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("role") in ROLES_AVEC_ORGANISATION and not data.get("organisation"):
            self.add_error("organisation", "Choisissez l'organisation de rattachement pour ce rôle.")
        return data


class RechercheUtilisateurForm(FormulaireDsfr):
    q = forms.CharField(label="Nom ou adresse", max_length=200, required=False)


class CompteInviteForm(NouveauMotDePasseForm):
    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)
    field_order = ["prenom", "nom", "mot_de_passe", "confirmation"]


class CertificatForm(FormulaireDsfr):
    fichier = forms.FileField(
        label="Certificat de votre carte",
        help_text="Fichier .pem, .crt ou .cer exporté depuis votre carte (le certificat seul, jamais la clé privée).",
    )

    TAILLE_MAX = 64 * 1024

    def clean_fichier(self) -> bytes:
        fichier = self.cleaned_data["fichier"]
        if fichier.size > self.TAILLE_MAX:
            raise forms.ValidationError("Ce fichier est trop gros pour un certificat (64 Kio au plus).")
        return fichier.read()


class JetonForm(FormulaireDsfr):
    nom = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître dans la liste, par exemple le logiciel qui l'utilisera.",
        error_messages={"required": "Donnez un nom au jeton.", "max_length": "100 caractères au plus."},
    )
    jours = forms.TypedChoiceField(
        label="Durée de validité",
        coerce=int,
        choices=[(30, "30 jours"), (90, "90 jours"), (365, "1 an")],
        initial=90,
        error_messages={"invalid_choice": "Choisissez une des durées proposées."},
    )


class JournalFiltreForm(FormulaireDsfr):
    personne = forms.CharField(label="Personne (adresse électronique ou partie de l'adresse)", max_length=254, required=False)
    evenement = forms.ChoiceField(label="Type d'événement", required=False)
    du = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}), input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )
    au = forms.DateField(
        label="Au (inclus)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["evenement"].choices = [("", "Tous"), *EvenementSecurite.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict:
        d = super().clean() or {}
        if d.get("du") and d.get("au") and d["au"] < d["du"]:
            self.add_error("au", "La fin de la période doit suivre son début.")
        return d
