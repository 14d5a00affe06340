"""Forms of operations (DSFR). Choices come from the case; the services check everything again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from justexpert.expertises.forms import HeureLocaleField
from justexpert.expertises.models import Depot, Expertise, TypeDocument
from justexpert.lib.formulaires import FormulaireDsfr
from justexpert.lib.temps import nom_heure, zone

from . import services
from .models import Canal, Convocation, NatureEtape, Reunion, StatutPresence, preavis_par_defaut


def _champ_heure(form: forms.Form, nom: str, fuseau: str, libelle: str) -> None:
    champ = form.fields[nom]
    champ.fuseau = fuseau  # type: ignore[attr-defined]
    champ.label = f"{libelle} ({nom_heure(fuseau)})"
    form[nom].label = champ.label  # the DSFR form built its bound fields already


class _LieuForm(FormulaireDsfr):
    debut = HeureLocaleField(
        label="Date et heure de la réunion",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": "Indiquez la date et l'heure de la réunion."},
    )
    lieu = forms.CharField(label="Lieu", max_length=300, required=False, help_text="Adresse de la réunion sur place (accédit).")
    lien = forms.URLField(
        label="Lien de visioconférence",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Adresse commençant par https://, si la réunion a lieu à distance.",
        error_messages={"invalid": "Adresse invalide : elle doit commencer par https://."},
    )
    ordre_du_jour = forms.CharField(
        label="Ordre du jour", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, expertise: Expertise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _champ_heure(self, "debut", expertise.fuseau, "Date et heure de la réunion")

    def clean(self) -> dict:
        d = super().clean() or {}
        if not (d.get("lieu") or "").strip() and not d.get("lien") and "lien" not in self.errors:
            self.add_error("lieu", "Indiquez le lieu de la réunion ou le lien de la visioconférence.")
        return d


class ReunionForm(_LieuForm):
    preavis_jours = forms.IntegerField(
        label="Délai de convocation minimal (jours)",
        min_value=0,
        max_value=services.PREAVIS_MAX,
        help_text="Vous serez averti si une convocation part moins de jours avant la réunion.",
        error_messages={
            "invalid": "Indiquez un nombre de jours.",
            "min_value": "Au moins 0 jour.",
            "max_value": "Au plus 90 jours.",
        },
    )
    convoques = forms.MultipleChoiceField(
        label="Personnes convoquées",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choisissez au moins une personne à convoquer.",
            "invalid_choice": "Choisissez les personnes convoquées parmi les parties et les avocats de l'expertise.",
        },
    )

    def __init__(self, *args: Any, expertise: Expertise, **kwargs: Any) -> None:
        super().__init__(*args, expertise=expertise, **kwargs)
        tous = services.destinataires(expertise)
        self.fields["convoques"].choices = [(d.cle, f"{d.nom} — {d.qualite} — par {Canal(d.canal).label.lower()}") for d in tous]
        self.fields["convoques"].initial = [d.cle for d in tous]
        self.fields["preavis_jours"].initial = preavis_par_defaut()


class DeplacerForm(_LieuForm):
    pass


class EnvoiForm(FormulaireDsfr):
    numero_suivi = forms.CharField(label="Numéro de suivi (lettre recommandée)", max_length=40, required=False)
    envoyee_le = forms.DateField(
        label="Date d'envoi",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Indiquez la date d'envoi.", "invalid": "Date invalide : utilisez le format JJ/MM/AAAA."},
    )

    def __init__(self, *args: Any, convocation: Convocation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if convocation.canal != Canal.LRAR:
            del self.fields["numero_suivi"]


class AvisForm(FormulaireDsfr):
    issue = forms.ChoiceField(
        label="Issue de la lettre",
        choices=[
            ("remis", "Remise au destinataire (avis de réception signé)"),
            ("non_reclame", "Pli non réclamé (revenu à l'expéditeur)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'issue de la lettre."},
    )
    le = forms.DateField(
        label="Date portée sur l'avis (remise ou présentation)",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Indiquez la date portée sur l'avis.",
            "invalid": "Date invalide : utilisez le format JJ/MM/AAAA.",
        },
    )
    avis = forms.FileField(
        label="Scan de l'avis de réception ou du pli (PDF ou image, 2,5 Mo au plus)",
        error_messages={"required": "Joignez le scan de l'avis de réception (ou du pli revenu « non réclamé »)."},
    )


class PresenceForm(FormulaireDsfr):
    convocation = forms.ChoiceField(
        label="Personne convoquée",
        error_messages={
            "required": "Choisissez la personne.",
            "invalid_choice": "Cette personne n'est pas convoquée à cette réunion : elle ne peut pas signer la feuille de présence.",
        },
    )
    statut = forms.ChoiceField(
        label="Présence", choices=StatutPresence.choices, initial=StatutPresence.PRESENT, widget=forms.RadioSelect
    )
    nom = forms.CharField(label="Nom et prénom (vaut signature)", max_length=200, required=False)
    qualite = forms.CharField(
        label="Qualité", max_length=100, required=False, help_text="Par exemple : gérant, avocat, technicien."
    )
    represente = forms.CharField(
        label="Représente", max_length=200, required=False, help_text="La partie ou la personne représentée."
    )
    arrivee = forms.TimeField(
        label="Heure d'arrivée",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": "Heure invalide (HH:MM)."},
    )
    depart = forms.TimeField(
        label="Heure de départ",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": "Heure invalide (HH:MM)."},
    )
    certifie = forms.BooleanField(
        label="Je certifie être présent(e) à cette réunion d'expertise",
        required=False,
    )

    def __init__(self, *args: Any, reunion: Reunion, convocations: list[Convocation], expert: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reunion = reunion
        self.fields["convocation"].choices = [(str(c.uuid), f"{c.destinataire} ({c.qualite})") for c in convocations]
        if not expert:
            del self.fields["statut"]

    def clean(self) -> dict:
        d = super().clean() or {}
        if d.get("statut", StatutPresence.PRESENT) == StatutPresence.PRESENT and not d.get("certifie"):
            self.add_error("certifie", "La personne présente coche la case : elle certifie sa présence.")
        return d

    def instant(self, heure: dt.time | None) -> dt.datetime | None:
        if heure is None:
            return None
        fuseau = zone(self.reunion.expertise.fuseau)
        jour = self.reunion.debut.astimezone(fuseau).date()
        return dt.datetime.combine(jour, heure, tzinfo=fuseau)


class CompteRenduForm(FormulaireDsfr):
    compte_rendu = forms.ChoiceField(
        label="Compte rendu déposé",
        error_messages={
            "invalid_choice": "Choisissez un compte rendu déposé dans cette expertise.",
            "required": "Choisissez un compte rendu déposé dans cette expertise.",
        },
    )

    def __init__(self, *args: Any, expertise: Expertise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compte_rendu"].choices = [
            (str(d.uuid), f"{d.libelle} du {d.depose_le:%d/%m/%Y}")
            for d in Depot.objects.filter(expertise=expertise, type=TypeDocument.COMPTE_RENDU).order_by("depose_le")
        ]


class EtapeForm(FormulaireDsfr):
    nature = forms.ChoiceField(
        label="Étape", choices=NatureEtape.choices, error_messages={"required": "Choisissez la nature de l'étape."}
    )
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Indiquez la date.", "invalid": "Date invalide : utilisez le format JJ/MM/AAAA."},
    )
    libelle = forms.CharField(label="Précision", max_length=200, required=False)
    du_juge = forms.BooleanField(label="Date fixée par le juge lors d'une conférence (CPC 266)", required=False)

    def __init__(self, *args: Any, juge: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not juge:
            del self.fields["du_juge"]
