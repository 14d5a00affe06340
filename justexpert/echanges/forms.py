"""Forms of echanges (French messages next to each field; what was typed is kept on error)."""

from __future__ import annotations

from django import forms

from justexpert.comptes.models import Organisation, Utilisateur
from justexpert.lib.formulaires import FormulaireDsfr

from . import permissions
from .models import Matiere
from .services import DUREE_MAX_JOURS, DUREE_MIN_JOURS


class EchangeForm(FormulaireDsfr):
    titre = forms.CharField(
        label="Titre de l'échange",
        max_length=200,
        help_text="Visible des seuls participants.",
        error_messages={"required": "Indiquez un titre.", "max_length": "200 caractères au plus."},
    )
    juridiction = forms.ModelChoiceField(
        label="Juridiction",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Choisissez la juridiction.", "invalid_choice": "Choisissez une de vos juridictions."},
    )
    matiere = forms.ChoiceField(
        label="Matière",
        choices=Matiere.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la matière.", "invalid_choice": "Choisissez civile ou pénale."},
    )
    reference_procedure = forms.CharField(
        label="Référence de la procédure",
        max_length=100,
        required=False,
        error_messages={"max_length": "100 caractères au plus."},
    )

    def __init__(self, *args: object, user: Utilisateur, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        self.fields["juridiction"].queryset = Organisation.objects.filter(pk__in=permissions.juridictions_agent(user))  # type: ignore[attr-defined]

    def clean_titre(self) -> str:
        titre = self.cleaned_data["titre"].strip()
        if not titre:
            raise forms.ValidationError("Indiquez un titre.")
        return titre

    def clean(self) -> dict:
        data = super().clean() or {}
        juridiction = data.get("juridiction")
        if (
            juridiction is not None
            and data.get("matiere") == Matiere.PENALE
            and not permissions.peut_voir_penal(self.user, juridiction.pk)
        ):
            self.add_error("matiere", "Vous n'êtes pas habilité en matière pénale pour cette juridiction.")
        return data


class InvitationForm(FormulaireDsfr):
    email = forms.EmailField(
        label="Adresse électronique de la personne invitée",
        max_length=254,
        help_text="Le lien d'invitation ne sert qu'une fois, expire dans 7 jours et ne fonctionne que pour cette adresse.",
        error_messages={
            "required": "Indiquez l'adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
        },
    )


class RechercheExpertForm(FormulaireDsfr):
    q = forms.CharField(
        label="Rechercher un expert dans l'annuaire (nom)",
        max_length=100,
        required=False,
        error_messages={"max_length": "100 caractères au plus."},
    )


class AgentForm(FormulaireDsfr):
    agent = forms.ModelChoiceField(
        label="Agent de la juridiction",
        queryset=Utilisateur.objects.none(),
        error_messages={"required": "Choisissez un agent.", "invalid_choice": "Choisissez un agent de la liste."},
    )

    def __init__(self, *args: object, agents: list[Utilisateur], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agent"].queryset = Utilisateur.objects.filter(pk__in=[a.pk for a in agents])  # type: ignore[attr-defined]


class DepotForm(FormulaireDsfr):
    """Rendered as the deposit form; the file itself is received by coffre's streaming handler, so
    only ``jours`` is validated here."""

    fichier = forms.FileField(
        label="Fichier",
        required=False,
        help_text="Tout type accepté par la plateforme, 1 Gio au plus.",
    )
    # A list of the allowed durations: the page cannot offer a value the service refuses.
    jours = forms.TypedChoiceField(
        label="Disponible pendant",
        choices=[(n, f"{n} jour" + ("s" if n > 1 else "")) for n in range(DUREE_MIN_JOURS, DUREE_MAX_JOURS + 1)],
        coerce=int,
        initial=7,
        help_text=f"De {DUREE_MIN_JOURS} à {DUREE_MAX_JOURS} jours ; ensuite le contenu est détruit, la trace reste.",
        error_messages={
            "required": "Indiquez combien de jours le fichier reste disponible.",
            "invalid_choice": f"Choisissez une durée de {DUREE_MIN_JOURS} à {DUREE_MAX_JOURS} jours.",
        },
    )
