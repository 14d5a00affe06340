"""Forms of expertises (French messages next to each field; what was typed is kept on error)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django import forms

from justexpert.annuaire.models import Expert
from justexpert.comptes.models import Organisation, Role, Utilisateur
from justexpert.lib.formulaires import FormulaireDsfr
from justexpert.lib.temps import zone

from . import greffes, permissions, portalis
from .models import (
    Depot,
    Etat,
    Expertise,
    Matiere,
    ModeNotification,
    Participant,
    Partie,
    Qualite,
    QualitePartie,
    TypeDocument,
    TypeProcedure,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ERREUR_DATE = {"required": "Indiquez la date.", "invalid": "Date invalide : utilisez le format JJ/MM/AAAA."}
ERREUR_MONTANT = {
    "required": "Indiquez le montant.",
    "invalid": "Montant invalide : chiffres et virgule, par exemple 1500,00.",
    "min_value": "Le montant doit être positif.",
    "max_digits": "Montant trop élevé.",
    "max_decimal_places": "Deux décimales au plus.",
    "max_whole_digits": "Montant trop élevé.",
}


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=help_text,
        error_messages=ERREUR_DATE,
    )


class MontantField(forms.DecimalField):
    """Accepts what people type: « 1 200,50 », « 1200.50 », « 1 200 € »."""

    def to_python(self, value: object) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.replace("€", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


def _montant(label: str, *, required: bool = True) -> forms.DecimalField:
    return MontantField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        error_messages=ERREUR_MONTANT,
    )


def _lignes(texte: str) -> list[str]:
    return [ligne.strip() for ligne in (texte or "").splitlines() if ligne.strip()]


class ExpertChoix(forms.ModelChoiceField):
    def label_from_instance(self, obj: Expert) -> str:  # type: ignore[override]
        lieu = f" — {obj.ville_pro}" if obj.ville_pro else ""
        return f"{obj.nom_complet}{lieu}"


def experts_designables():  # type: ignore[no-untyped-def]
    return Expert.objects.designables().filter(utilisateur__isnull=False, utilisateur__is_active=True).order_by("nom", "prenom")


class DesignationForm(FormulaireDsfr):
    juridiction = forms.ModelChoiceField(
        label="Juridiction",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Choisissez la juridiction.", "invalid_choice": "Choisissez une de vos juridictions."},
    )
    matiere = forms.ChoiceField(
        label="Matière",
        choices=Matiere.choices,
        initial=Matiere.CIVILE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la matière.", "invalid_choice": "Choisissez civile ou pénale."},
    )
    type_procedure = forms.ChoiceField(
        label="Type de procédure",
        choices=TypeProcedure.choices,
        error_messages={"required": "Choisissez le type de procédure.", "invalid_choice": "Type de procédure inconnu."},
    )
    numero_rg = forms.CharField(
        label="Numéro RG (ou numéro de parquet)",
        max_length=40,
        error_messages={"required": "Indiquez le numéro RG.", "max_length": "40 caractères au plus."},
    )
    numero_portalis = forms.CharField(
        label="Numéro Portalis (facultatif, affaires civiles)",
        max_length=60,
        required=False,
        help_text="Le numéro national de l'affaire quand la juridiction en a un, par exemple DBVB-V-B7G-BJA4Z.",
        error_messages={"max_length": "40 caractères au plus."},
    )
    magistrat = forms.ModelChoiceField(
        label="Magistrat qui ordonne l'expertise",
        queryset=Utilisateur.objects.none(),
        required=False,
        help_text="À indiquer par le greffe ; un magistrat qui désigne est lui-même le magistrat de l'expertise.",
        error_messages={"invalid_choice": "Choisissez un magistrat de la juridiction."},
    )
    greffiers = forms.ModelMultipleChoiceField(
        label="Greffier(s) chargé(s) du suivi",
        queryset=Utilisateur.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choisissez des greffiers de la juridiction.", "invalid_pk_value": "Choix invalide."},
    )
    fiche_expert = ExpertChoix(
        label="Expert désigné",
        queryset=Expert.objects.none(),
        error_messages={
            "required": "Choisissez l'expert.",
            "invalid_choice": "Choisissez un expert inscrit et relié à un compte.",
        },
    )
    date_ordonnance = _date("Date de la décision")
    mission = forms.CharField(
        label="Mission",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": "Indiquez la mission.", "max_length": "20 000 caractères au plus."},
    )
    questions = forms.CharField(
        label="Questions (une par ligne)",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20000,
        error_messages={"max_length": "20 000 caractères au plus."},
    )
    date_limite_rapport = _date("Date limite du rapport")
    consignation_montant = _montant("Provision à consigner (€)", required=False)
    consignation_date_limite = _date("Date limite de consignation", required=False)
    demandeurs = forms.CharField(
        label="Demandeur(s) ou parties civiles (un par ligne)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    defendeurs = forms.CharField(
        label="Défendeur(s) ou mis en examen (un par ligne)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    matiere_financiere = forms.BooleanField(label="Expertise comptable ou financière (délais d'un mois, CPP 167)", required=False)
    urgence = forms.BooleanField(label="Urgence : opérations sans attendre les observations (CPP 161-1)", required=False)

    def __init__(self, *args: object, user: Utilisateur, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        ids = permissions.juridictions(user, Role.MAGISTRAT) | permissions.juridictions(user, Role.GREFFIER)
        self.fields["juridiction"].queryset = Organisation.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
        membres = Utilisateur.objects.filter(is_active=True, appartenances__organisation_id__in=ids).distinct()
        self.fields["magistrat"].queryset = membres.filter(appartenances__role=Role.MAGISTRAT)  # type: ignore[attr-defined]
        self.fields["greffiers"].queryset = membres.filter(appartenances__role=Role.GREFFIER)  # type: ignore[attr-defined]
        # Shown above the form (the DSFR checkbox group has no help text).
        self.aide_greffe = aide_greffe(Organisation.objects.filter(pk__in=ids).order_by("nom"))
        self.fields["fiche_expert"].queryset = experts_designables()  # type: ignore[attr-defined]

    def clean_numero_rg(self) -> str:
        rg = self.cleaned_data["numero_rg"].strip()
        if not rg:
            raise forms.ValidationError("Indiquez le numéro RG.")
        return rg

    def clean_numero_portalis(self) -> str:
        try:
            return portalis.valider(self.cleaned_data.get("numero_portalis") or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_mission(self) -> str:
        mission = self.cleaned_data["mission"].strip()
        if not mission:
            raise forms.ValidationError("Indiquez la mission.")
        return mission

    def clean(self) -> dict:
        data = super().clean() or {}
        matiere, type_procedure = data.get("matiere"), data.get("type_procedure")
        civils = {TypeProcedure.REFERE, TypeProcedure.FOND, TypeProcedure.MISE_EN_ETAT}
        if matiere and type_procedure and (type_procedure in civils) != (matiere == Matiere.CIVILE):
            self.add_error("type_procedure", "Ce type de procédure ne correspond pas à la matière choisie.")
        if data.get("consignation_montant") is not None and not data.get("consignation_date_limite"):
            self.add_error("consignation_date_limite", "Indiquez la date limite de consignation (CPC 269).")
        if data.get("numero_portalis") and matiere == Matiere.PENALE:
            self.add_error(
                "numero_portalis", "Le numéro Portalis concerne les affaires civiles : laissez-le vide en matière pénale."
            )
        if data.get("consignation_montant") is not None and matiere == Matiere.PENALE:
            self.add_error("consignation_montant", "Pas de consignation en matière pénale (frais de justice).")
        data["questions_liste"] = _lignes(data.get("questions", ""))
        data["parties"] = [
            (d, QualitePartie.DEMANDEUR if matiere == Matiere.CIVILE else QualitePartie.PARTIE_CIVILE)
            for d in _lignes(data.get("demandeurs", ""))
        ] + [
            (d, QualitePartie.DEFENDEUR if matiere == Matiere.CIVILE else QualitePartie.MIS_EN_EXAMEN)
            for d in _lignes(data.get("defendeurs", ""))
        ]
        return data


# --- One small form per kind of transition (procedure.TRANSITIONS) ---------------------------------


class SansChampForm(FormulaireDsfr):
    pass


class MotifForm(FormulaireDsfr):
    motif = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        error_messages={"required": "Indiquez le motif.", "max_length": "4 000 caractères au plus."},
    )


class DateForm(FormulaireDsfr):
    jour = _date("Date limite")
    motif = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
        error_messages={"max_length": "4 000 caractères au plus."},
    )


class MontantForm(FormulaireDsfr):
    montant = _montant("Montant (€)")


class ComplementForm(FormulaireDsfr):
    montant = _montant("Montant complémentaire à consigner (€)")
    jour = _date("Date limite de consignation")
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False)


class MissionForm(FormulaireDsfr):
    mission = forms.CharField(
        label="Mission",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": "Indiquez la mission.", "max_length": "20 000 caractères au plus."},
    )
    questions = forms.CharField(
        label="Questions (une par ligne)", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=20000
    )
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        data["questions_liste"] = _lignes(data.get("questions", ""))
        return data


class RemplacementForm(FormulaireDsfr):
    fiche_expert = ExpertChoix(
        label="Nouvel expert",
        queryset=Expert.objects.none(),
        error_messages={
            "required": "Choisissez l'expert.",
            "invalid_choice": "Choisissez un expert inscrit et relié à un compte.",
        },
    )
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["fiche_expert"].queryset = experts_designables()  # type: ignore[attr-defined]


FORMULAIRES: dict[str, type[FormulaireDsfr]] = {
    "refuser": MotifForm,
    "recuser": MotifForm,
    "constater_conciliation": MotifForm,
    "remplacer": RemplacementForm,
    "relever_caducite": DateForm,
    "ouvrir_dires": DateForm,
    "deposer_rapport_provisoire": DateForm,
    "notifier_conclusions": DateForm,
    "proroger_delai": DateForm,
    "taxer": MontantForm,
    "ordonner_complement": ComplementForm,
    "modifier_mission": MissionForm,
}


def aide_greffe(juridictions: Iterable[Organisation]) -> str:
    """Says, before the form is sent, who follows the case if no greffier is ticked."""
    parties = []
    for j in juridictions:
        noms = ", ".join(str(g) for g in greffes.par_defaut(j))
        parties.append(f"{j} : {noms}" if noms else f"{j} : aucun greffe par défaut, cochez au moins un greffier")
    return "Si vous n'en cochez aucun, le greffe par défaut de la juridiction suit l'expertise — " + " ; ".join(parties) + "."


class GreffeParDefautForm(FormulaireDsfr):
    greffiers = forms.ModelMultipleChoiceField(
        label="Greffiers qui suivent par défaut les nouvelles expertises",
        queryset=Utilisateur.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ils sont nommés sur chaque expertise ouverte sans greffier choisi ; en matière pénale, seuls ceux qui sont habilités.",
        error_messages={"invalid_choice": "Choisissez des greffiers de la juridiction.", "invalid_pk_value": "Choix invalide."},
    )

    def __init__(self, *args: object, juridiction: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["greffiers"].queryset = greffes.greffiers_de(juridiction)  # type: ignore[attr-defined]


def formulaire(nom: str, expertise: Expertise, data: object = None) -> FormulaireDsfr:
    classe = FORMULAIRES.get(nom, SansChampForm)
    initial: dict[str, object] = {}
    if nom == "modifier_mission":
        initial = {"mission": expertise.mission, "questions": "\n".join(expertise.questions)}
    elif nom == "proroger_delai":
        initial = {"jour": expertise.date_limite_rapport}
    return classe(data, prefix=nom, initial=initial)  # type: ignore[arg-type]


def arguments(nom: str, form: FormulaireDsfr) -> dict[str, object]:
    """Keyword arguments of the service function from a valid form."""
    d = form.cleaned_data
    args: dict[str, object] = {}
    if "motif" in d:
        args["motif"] = d["motif"] or ""
    if "jour" in d:
        args["jour"] = d["jour"]
    if "montant" in d:
        args["montant"] = d["montant"]
    if nom == "remplacer":
        args["fiche_expert"] = d["fiche_expert"]
    if nom == "modifier_mission":
        args["mission"] = d["mission"]
        args["questions"] = d["questions_liste"]
    if nom in ("deposer_rapport_provisoire", "notifier_conclusions", "ouvrir_dires"):
        args.pop("motif", None)
    return args


# --- Participants --------------------------------------------------------------------------------


class InvitationForm(FormulaireDsfr):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        error_messages={
            "required": "Indiquez l'adresse électronique.",
            "invalid": "Adresse électronique invalide (exemple : nom@domaine.fr).",
        },
    )
    qualite = forms.ChoiceField(
        label="Qualité",
        choices=[(Qualite.AVOCAT, "Avocat"), (Qualite.PARTIE, "Partie")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez avocat ou partie.", "invalid_choice": "Choisissez avocat ou partie."},
    )
    partie = forms.ModelChoiceField(
        label="Partie concernée",
        queryset=Partie.objects.none(),
        error_messages={"required": "Choisissez la partie.", "invalid_choice": "Choisissez une partie de l'expertise."},
    )

    def __init__(self, *args: object, expertise: Expertise, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["partie"].queryset = expertise.parties.all()  # type: ignore[attr-defined]
        if expertise.est_penale:
            self.fields["qualite"].choices = [(Qualite.AVOCAT, "Avocat")]  # type: ignore[attr-defined]


class PartieForm(FormulaireDsfr):
    designation = forms.CharField(
        label="Désignation (nom de la personne ou de la société)",
        max_length=200,
        error_messages={"required": "Indiquez la désignation.", "max_length": "200 caractères au plus."},
    )
    qualite = forms.ChoiceField(
        label="Qualité",
        choices=QualitePartie.choices,
        error_messages={"required": "Choisissez la qualité.", "invalid_choice": "Qualité inconnue."},
    )

    def clean_designation(self) -> str:
        valeur = self.cleaned_data["designation"].strip()
        if not valeur:
            raise forms.ValidationError("Indiquez la désignation.")
        return valeur


class PortalisForm(FormulaireDsfr):
    numero_portalis = forms.CharField(
        label="Numéro Portalis",
        max_length=60,
        required=False,
        help_text="Le numéro national de l'affaire, par exemple DBVB-V-B7G-BJA4Z ; laissez vide pour l'effacer.",
        error_messages={"max_length": "40 caractères au plus."},
    )

    def clean_numero_portalis(self) -> str:
        try:
            return portalis.valider(self.cleaned_data.get("numero_portalis") or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class GreffierForm(FormulaireDsfr):
    greffier = forms.ModelChoiceField(
        label="Greffier",
        queryset=Utilisateur.objects.none(),
        error_messages={"required": "Choisissez le greffier.", "invalid_choice": "Choisissez un greffier de la juridiction."},
    )

    def __init__(self, *args: object, expertise: Expertise, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["greffier"].queryset = (  # type: ignore[attr-defined]
            Utilisateur.objects.filter(
                is_active=True, appartenances__role=Role.GREFFIER, appartenances__organisation=expertise.juridiction
            )
            .exclude(participations_expertises__expertise=expertise, participations_expertises__retire_le__isnull=True)
            .distinct()
        )


class FiltreForm(forms.Form):
    ECHEANCES = [("", "Toutes"), ("depassee", "Échéance dépassée"), ("proche", "Échéance dans les 15 jours")]
    etat = forms.ChoiceField(label="État", choices=[("", "Tous"), *Etat.choices], required=False)
    echeance = forms.ChoiceField(label="Échéance", choices=ECHEANCES, required=False)
    q = forms.CharField(label="Numéro RG ou Portalis", max_length=40, required=False)


# --- Documents (part 2) ------------------------------------------------------------------------------


class ParticipantChoix(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Participant) -> str:  # type: ignore[override]
        pour = f" — {obj.partie.designation}" if obj.partie is not None else ""
        return f"{obj.utilisateur} ({obj.get_qualite_display().lower()}{pour})"


class DepotForm(FormulaireDsfr):
    """The fields of a deposit besides the file (the file itself streams into the coffre)."""

    type = forms.ChoiceField(
        label="Type de document",
        choices=[],
        error_messages={"required": "Choisissez le type du document.", "invalid_choice": "Choisissez le type du document."},
    )
    fichier = forms.FileField(
        label="Fichier",
        required=False,
        help_text="PDF, image, document bureautique, texte ou ZIP ; 1 Gio au plus.",
    )
    partie = forms.ModelChoiceField(
        label="Pour la partie",
        queryset=Partie.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choisissez une partie que vous représentez."},
    )
    repond_a = forms.ModelChoiceField(
        label="Dire auquel vous répondez (réponse à un dire)",
        queryset=Depot.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choisissez un dire de l'expertise."},
    )
    date_limite = _date(
        "Date limite des dires (pré-rapport)",
        required=False,
        help_text="Fin de journée, heure de la juridiction. Obligatoire pour un pré-rapport.",
    )
    montant = _montant("Montant taxé en euros (ordonnance de taxe)", required=False)
    medical = forms.BooleanField(
        label="Document médical",
        required=False,
        help_text="Visible seulement de l'expert, du magistrat de l'expertise et des participants cochés ci-dessous.",
    )
    autorises = ParticipantChoix(
        label="Participants autorisés à voir ce document médical",
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choisissez des participants de l'expertise.", "invalid_pk_value": "Choix invalide."},
    )
    identifiant_envoi = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(
        self, *args: object, expertise: Expertise, user: Utilisateur, types: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["type"].choices = [("", "— choisir —"), *types]  # type: ignore[attr-defined]
        # Only the fields of the kinds this person may deposit now (a lawyer never sees the
        # deadline of the dires nor the taxed amount).
        offerts = {t for t, _ in types}
        if TypeDocument.PRE_RAPPORT not in offerts:
            del self.fields["date_limite"]
        if TypeDocument.ORDONNANCE_TAXE not in offerts:
            del self.fields["montant"]
        if TypeDocument.REPONSE_DIRE not in offerts:
            del self.fields["repond_a"]
        miennes = Participant.objects.filter(
            expertise=expertise, utilisateur=user, retire_le__isnull=True, qualite__in=[Qualite.AVOCAT, Qualite.PARTIE]
        ).values("partie")
        self.fields["partie"].queryset = Partie.objects.filter(pk__in=miennes)  # type: ignore[attr-defined]
        if self.fields["partie"].queryset.count() < 2:  # type: ignore[attr-defined]
            del self.fields["partie"]
        if "repond_a" in self.fields:
            self.fields["repond_a"].queryset = permissions.depots_visibles(user, expertise).filter(  # type: ignore[attr-defined]
                type__in=[TypeDocument.DIRE, TypeDocument.DIRE_RECAPITULATIF]
            )
        self.fields["autorises"].queryset = (  # type: ignore[attr-defined]
            Participant.objects.filter(expertise=expertise, retire_le__isnull=True)
            .exclude(utilisateur=user)
            .exclude(qualite__in=[Qualite.EXPERT, Qualite.MAGISTRAT])
            .select_related("utilisateur", "partie")
        )


class HeureLocaleField(forms.CharField):
    """A date and time typed in the court's time zone (datetime-local input)."""

    def __init__(self, *args: object, fuseau: str = "Europe/Paris", **kwargs: object) -> None:
        self.fuseau = fuseau
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> dt.datetime | None:  # type: ignore[override]
        texte = (str(value) if value is not None else "").strip()
        if not texte:
            return None
        for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S"):
            try:
                return dt.datetime.strptime(texte, fmt).replace(tzinfo=zone(self.fuseau))  # noqa: DTZ007 (zone set here)
            except ValueError:
                continue
        raise forms.ValidationError("Date et heure invalides : utilisez le format JJ/MM/AAAA HH:MM.")


class ConvocationForm(FormulaireDsfr):
    reunion_le = HeureLocaleField(
        label="Date et heure de la réunion",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": "Indiquez la date et l'heure de la réunion."},
    )
    lieu = forms.CharField(label="Lieu", max_length=300, required=False, help_text="Adresse de la réunion sur place.")
    lien = forms.URLField(
        label="Lien de visioconférence",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Adresse commençant par https://, si la réunion a lieu à distance.",
        error_messages={"invalid": "Adresse invalide : elle doit commencer par https://."},
    )

    def __init__(self, *args: object, expertise: Expertise, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        champ = self.fields["reunion_le"]
        champ.fuseau = expertise.fuseau  # type: ignore[attr-defined]
        champ.label = f"Date et heure de la réunion (heure de {expertise.fuseau})"

    def clean(self) -> dict:
        d = super().clean() or {}
        if not (d.get("lieu") or "").strip() and not d.get("lien") and "lien" not in self.errors:
            self.add_error("lieu", "Indiquez le lieu de la réunion ou le lien de la visioconférence.")
        return d


class NotificationForm(FormulaireDsfr):
    mode = forms.ChoiceField(
        label="Être prévenu des nouveaux documents de mes expertises",
        choices=ModeNotification.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une option.", "invalid_choice": "Choisissez une option."},
    )
