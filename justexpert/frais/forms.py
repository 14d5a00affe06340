"""Forms of frais (French messages at each field; what was typed is kept on error)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms

from justexpert.expertises.forms import ERREUR_MONTANT, MontantField, _date
from justexpert.expertises.models import Expertise, Partie
from justexpert.lib.formulaires import FormulaireDsfr

from .models import Demande, NatureTemps, Provision, RegimeTva, StatutDemande, Tarif, TypeDemande, TypeSortie
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


# --- Frais (2): amounts are typed as text; the services check them (RefusChamp at the field) --------


def _texte_montant(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=30,
        widget=SAISIE_MONTANT,
        help_text=help_text,
        error_messages={"required": "Indiquez le montant.", "max_length": "Montant invalide."},
    )


class _MontantVerifie:
    """The amount is checked before the confirmation page (same rule and words as the services)."""

    def clean_montant(self) -> str:
        from .services import RefusChamp, montant_valide

        valeur = self.cleaned_data.get("montant")  # type: ignore[attr-defined]
        if valeur in (None, ""):
            return valeur
        try:
            montant_valide(valeur, zero=isinstance(self, TaxeForm))
        except RefusChamp as refus:
            raise forms.ValidationError(str(refus)) from None
        return valeur


class TempsForm(FormulaireDsfr):
    nature = forms.ChoiceField(label="Nature", choices=NatureTemps.choices)
    jour = _date("Date")
    libelle = forms.CharField(label="Libellé", max_length=200, error_messages={"required": "Décrivez la ligne."})
    quantite = _texte_montant("Quantité (heures, km, pages…)", help_text="Deux décimales au plus, par exemple 1,5.")
    taux = _texte_montant(
        "Taux unitaire hors taxe (€)", required=False, help_text="En matière pénale, le tarif choisi s'applique."
    )
    tva = forms.ChoiceField(label="Régime de TVA", choices=RegimeTva.choices)
    tarif = forms.ModelChoiceField(
        label="Ligne du tarif (matière pénale)", queryset=Tarif.objects.none(), required=False, empty_label="Sans tarif"
    )

    def __init__(self, *args: object, expertise: Expertise, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if expertise.est_penale:
            self.fields["tarif"].queryset = Tarif.objects.filter(actif=True)  # type: ignore[attr-defined]
        else:
            del self.fields["tarif"]


class DemandeForm(FormulaireDsfr):
    type = forms.ChoiceField(label="Demande", choices=TypeDemande.choices)
    montant = _texte_montant("Montant demandé (€)")
    heures_passees = _texte_montant("Heures passées", required=False)
    heures_a_venir = _texte_montant("Heures à venir", required=False)
    frais = _texte_montant("Frais (€)", required=False)
    sapiteur = _texte_montant("Sapiteur (€)", required=False)
    tva = _texte_montant("TVA (€)", required=False)
    justification = forms.CharField(
        label="Justification", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    suspension = forms.BooleanField(label="Je demande la suspension des opérations jusqu'à la consignation", required=False)


class DecisionForm(_MontantVerifie, FormulaireDsfr):
    demande = forms.ChoiceField(label="Demande")
    accorder = forms.TypedChoiceField(
        label="Décision", choices=[("oui", "Accorder"), ("non", "Rejeter")], coerce=lambda v: v == "oui", widget=forms.RadioSelect
    )
    montant = _texte_montant("Montant accordé (€)", required=False, help_text="Vide : le montant demandé.")
    date_limite = _date("Date limite de la consignation complémentaire", required=False)
    suspension = forms.BooleanField(label="Suspendre les opérations jusqu'à la consignation", required=False)
    motifs = forms.CharField(label="Motifs", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, expertise: Expertise, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["demande"].choices = [  # type: ignore[attr-defined]
            (str(d.uuid), f"{d.get_type_display()} : {d.montant} €")
            for d in Demande.objects.filter(expertise=expertise, statut=StatutDemande.EN_ATTENTE)
        ]


class DemandeRemunerationForm(FormulaireDsfr):
    fichier = forms.FileField(
        label="Votre demande en PDF (facultatif)",
        required=False,
        help_text="Sans fichier, la plateforme établit la demande à partir de votre relevé et la scelle.",
    )
    montant = _texte_montant("Montant demandé TTC (€), si vous déposez votre PDF", required=False)


class ReceptionForm(FormulaireDsfr):
    partie = forms.ModelChoiceField(label="Partie jointe par courrier", queryset=Partie.objects.none())
    jour = _date("Date de réception")

    def __init__(self, *args: object, expertise: Expertise, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["partie"].queryset = expertise.parties.order_by("id")  # type: ignore[attr-defined]


class ObservationsForm(FormulaireDsfr):
    partie = forms.ModelChoiceField(label="Pour la partie", queryset=Partie.objects.none())
    texte = forms.CharField(label="Observations", max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: object, expertise: Expertise, parties: set[int] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        qs = expertise.parties.order_by("id")
        self.fields["partie"].queryset = qs.filter(pk__in=parties or set())  # type: ignore[attr-defined]


class InvitationForm(FormulaireDsfr):
    montant = _texte_montant("Montant envisagé (€)")
    motifs = forms.CharField(label="Raisons de la réduction envisagée", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    date_limite = _date("Date limite des observations de l'expert")


class TexteForm(FormulaireDsfr):
    texte = forms.CharField(label="Vos observations", max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))


class TaxeForm(_MontantVerifie, FormulaireDsfr):
    montant = _texte_montant("Rémunération fixée (€)")
    motifs = forms.CharField(label="Motifs", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    debiteur = forms.ModelChoiceField(
        label="Partie qui doit le complément (si la rémunération dépasse les sommes consignées)",
        queryset=Partie.objects.none(),
        required=False,
        empty_label="Aucune",
    )

    def __init__(self, *args: object, expertise: Expertise, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["debiteur"].queryset = expertise.parties.order_by("id")  # type: ignore[attr-defined]


class JourForm(FormulaireDsfr):
    jour = _date("Date de la notification aux parties")


class SortieForm(_MontantVerifie, FormulaireDsfr):
    type = forms.ChoiceField(label="Paiement", choices=TypeSortie.choices)
    montant = _texte_montant("Montant (€)")
    payee_le = _date("Date du paiement")
    partie = forms.ModelChoiceField(
        label="Partie remboursée", queryset=Partie.objects.none(), required=False, empty_label="— (paiement à l'expert)"
    )

    def __init__(self, *args: object, expertise: Expertise, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["partie"].queryset = expertise.parties.order_by("id")  # type: ignore[attr-defined]


class VideForm(FormulaireDsfr):
    """An action without field (the confirmation page states what it does)."""
