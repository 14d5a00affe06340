"""Forms of frais (French messages at each field; what was typed is kept on error)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms

from justexpert.expertises.forms import ERREUR_MONTANT, MontantField, _date
from justexpert.expertises.models import Expertise, Partie
from justexpert.lib.formulaires import FormulaireDsfr

from .models import Provision
from .services import PartDemandee

NB_ECHEANCES = 3
# People type « 1 200,50 » (comma, spaces): a number input would refuse it in the browser.
SAISIE_MONTANT = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
_POURCENTAGE = re.compile(r"^\s*(\d+(?:[.,]\d{1,2})?)\s*%\s*$")


class PartieChoix(forms.ModelChoiceField):
    def label_from_instance(self, obj: Partie) -> str:  # type: ignore[override]
        return str(obj)


def _part(valeur: str) -> tuple[Decimal | None, Decimal | None]:
    """« 1 200,50 » (euros) or « 40 % » (a share): (montant, pourcentage); ValueError otherwise."""
    texte = (valeur or "").strip()
    if not texte:
        return None, None
    m = _POURCENTAGE.match(texte)
    try:
        if m:
            return None, Decimal(m.group(1).replace(",", "."))
        propre = texte.replace("€", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
        montant = Decimal(propre)
    except InvalidOperation:
        raise ValueError from None
    if not montant.is_finite() or montant < 0 or montant != montant.quantize(Decimal("0.01")):
        raise ValueError
    return montant, None


class ProvisionForm(FormulaireDsfr):
    """A provision (new, or split again): the amount, each party's share, the instalments."""

    def __init__(self, *args: object, expertise: Expertise, provision: Provision | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.expertise = expertise
        self.provision = provision
        self.parties = list(expertise.parties.order_by("id"))
        if provision is None:
            self.fields["montant"] = MontantField(
                label="Montant de la provision (€)",
                min_value=Decimal("0.01"),
                max_digits=10,
                decimal_places=2,
                error_messages=ERREUR_MONTANT,
                widget=SAISIE_MONTANT,
            )
            self.fields["libelle"] = forms.CharField(
                label="Libellé", required=False, max_length=100, help_text="Par exemple « Provision initiale »."
            )
        for i, partie in enumerate(self.parties):
            self.fields[f"part_{i}"] = forms.CharField(
                label=f"Part de {partie}",
                required=False,
                max_length=30,
                help_text="En euros (1 200,00) ou en pourcentage (40 %). Vide : cette partie ne consigne pas.",
            )
            self.fields[f"aj_{i}"] = forms.CharField(
                label=f"Aide juridictionnelle de {partie.designation} : référence de la décision",
                required=False,
                max_length=60,
                help_text="Si cette part est avancée par l'État ; sinon laisser vide.",
                error_messages={"max_length": "60 caractères au plus."},
            )
        for n in range(1, NB_ECHEANCES + 1):
            self.fields[f"echeance_{n}_date"] = _date(f"Échéance {n} : date limite", required=n == 1)
            self.fields[f"echeance_{n}_pourcentage"] = forms.DecimalField(
                label=f"Échéance {n} : part de chaque montant à verser (%)",
                required=False,
                min_value=Decimal("0.01"),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                initial=Decimal(100) if n == 1 else None,
                error_messages={
                    "invalid": "Pourcentage invalide : un nombre entre 0 et 100.",
                    "min_value": "Le pourcentage doit être positif.",
                    "max_value": "100 % au plus.",
                    "max_decimal_places": "Deux décimales au plus.",
                    "max_digits": "Pourcentage invalide : un nombre entre 0 et 100.",
                },
            )

    def clean(self) -> dict:
        data = super().clean()
        parts: list[PartDemandee] = []
        for i, partie in enumerate(self.parties):
            try:
                montant, pourcentage = _part(data.get(f"part_{i}", ""))
            except ValueError:
                self.add_error(f"part_{i}", "Montant invalide : un montant positif (1 200,00) ou un pourcentage (40 %).")
                continue
            parts.append(PartDemandee(partie, montant, pourcentage, (data.get(f"aj_{i}") or "").strip()))
        data["parts"] = parts
        echeances = []
        for n in range(1, NB_ECHEANCES + 1):
            jour, pourcentage = data.get(f"echeance_{n}_date"), data.get(f"echeance_{n}_pourcentage")
            if jour is None and pourcentage is None:
                continue
            if jour is None:
                self.add_error(f"echeance_{n}_date", "Indiquez la date limite de cette échéance.")
            elif pourcentage is None:
                self.add_error(f"echeance_{n}_pourcentage", "Indiquez la part à verser à cette échéance (en %).")
            else:
                echeances.append((jour, pourcentage))
        data["echeances"] = echeances
        return data


class VersementForm(FormulaireDsfr):
    montant = MontantField(
        label="Montant reçu par la régie (€)",
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        error_messages=ERREUR_MONTANT,
        widget=SAISIE_MONTANT,
    )
    verse_le = _date("Date du versement")
    payeur = PartieChoix(
        label="Versé par",
        queryset=Partie.objects.none(),
        empty_label="Choisissez la partie qui a versé",
        error_messages={"required": "Indiquez la partie qui a versé.", "invalid_choice": "Choisissez une partie de l'expertise."},
    )
    pour = PartieChoix(
        label="Pour le compte de",
        queryset=Partie.objects.none(),
        required=False,
        empty_label="La même partie",
        help_text="Une partie peut verser à la place d'une autre.",
        error_messages={"invalid_choice": "Choisissez une partie de l'expertise."},
    )
    reference_regie = forms.CharField(
        label="Référence du versement à la régie",
        max_length=60,
        error_messages={"required": "Indiquez la référence donnée par la régie.", "max_length": "60 caractères au plus."},
    )
    observations = forms.CharField(
        label="Observations", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, expertise: Expertise, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["payeur"].queryset = expertise.parties.order_by("id")  # type: ignore[attr-defined]
        self.fields["pour"].queryset = expertise.parties.order_by("id")  # type: ignore[attr-defined]
