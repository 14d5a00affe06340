"""Forms of recherche. The search form never rejects input: odd values fall back to defaults."""

from __future__ import annotations

import datetime as dt
import html

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields

from justexpert.annuaire.models import ElementNomenclature
from justexpert.comptes.models import Organisation, TypeOrganisation
from justexpert.lib.formulaires import FormulaireDsfr

from .models import EtatDisponibilite, TypeProcedure
from .moteur import Liste

MAX_PAGE = 10**6


def choix_nomenclature() -> list[tuple[str, str]]:
    """Every code of the nomenclature (newest label per code), indented by level."""
    vus: dict[str, str] = {}
    for code, libelle, niveau in ElementNomenclature.objects.order_by("ordre", "-version__debut").values_list(
        "code", "libelle", "niveau"
    ):
        if code not in vus:
            retrait = {"branche": "", "rubrique": "— ", "specialite": "— — "}.get(niveau, "")
            vus[code] = f"{retrait}{code} {libelle}".strip()
    return [("", "Toutes")] + list(vus.items())


def _echapper(valeur: object) -> str:
    """``conditional_escape``: safe strings as they are, anything else escaped (& < > " ')."""
    if hasattr(valeur, "__html__"):
        return str(valeur.__html__())
    return html.escape(str(valeur))


class SelectRapide(forms.Select):
    """A select whose options are written in Python: the stock widget renders one template per
    option, which made the search form (about 80 options) cost more than the search itself."""

    def render(self, name: str, value: object, attrs: dict | None = None, renderer: object = None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        choisies = {str(v) for v in self.format_value(value)}
        # The standard library's escape per option (what Django's escape does, without its lazy
        # string check on every call: ~150 options on every search page).
        options = "\n".join(
            f'<option value="{_echapper(v)}"{" selected" if str(v) in choisies else ""}>{_echapper(libelle)}</option>'
            for v, libelle in self.choices
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(attrs), mark_safe(options))  # noqa: S308 (escaped above)


def _attributs(attrs: dict) -> SafeString:
    """Django's ``attrs.html``: ``False`` omitted, ``True`` as a bare attribute."""
    return format_html_join(
        "",
        " {}",
        (
            (nom if valeur is True else format_html('{}="{}"', nom, valeur),)
            for nom, valeur in attrs.items()
            if valeur is not False
        ),
    )


def _widget(bf: forms.BoundField) -> SafeString:
    """The widget of ``bf`` as Django's templates write it (input, textarea, checkbox), or the
    widget's own render (``SelectRapide``)."""
    w = bf.field.widget
    if isinstance(w, SelectRapide):
        return bf.as_widget()
    attrs = bf.build_widget_attrs({}, w)
    if bf.auto_id and "id" not in w.attrs:
        attrs.setdefault("id", bf.auto_id)
    contexte = w.get_context(bf.html_name, bf.value(), attrs)["widget"]
    if isinstance(w, forms.Textarea):
        valeur = contexte["value"] or ""
        return format_html('<textarea name="{}"{}>\n{}</textarea>', contexte["name"], _attributs(contexte["attrs"]), valeur)
    valeur_attr = format_html(' value="{}"', contexte["value"]) if contexte["value"] is not None else ""
    return format_html(
        '<input type="{}" name="{}"{}{}>', contexte["type"], contexte["name"], valeur_attr, _attributs(contexte["attrs"])
    )


def rendu_direct(form: forms.Form) -> SafeString:
    """The DSFR markup of the dsfr field snippets (input, select and checkbox groups), written in
    Python: the search form is rendered on every search, and its 9 fields through their templates
    cost about 1 ms of the ~10 ms of a search page. Only for a form without errors (the snippets
    render errors); ``test_search_form_renders_as_the_dsfr_templates`` keeps the two identical."""
    morceaux = []
    for bf in form.visible_fields():
        w = bf.field.widget
        aide = (
            format_html('<span class="fr-hint-text" id="{}_helptext">{}</span>', bf.id_for_label, mark_safe(bf.help_text))  # noqa: S308 (help texts are ours, as in the snippets)
            if bf.help_text
            else ""
        )
        # The snippets' line breaks are kept: they are the spaces between the label and its hint.
        etiquette = format_html(
            '<label for="{}" class="fr-label">\n{}{}\n{}</label>', bf.id_for_label, bf.label, dsfr_mark_optionnal_fields(bf), aide
        )
        if isinstance(w, forms.CheckboxInput):
            morceaux.append(format_html('<div class="fr-checkbox-group fr-mb-2w">{}{}</div>', _widget(bf), etiquette))
        else:
            groupe = getattr(w, "group_class", "fr-input-group")
            morceaux.append(format_html('<div class="{}">{}{}</div>', groupe, etiquette, _widget(bf)))
    return mark_safe("\n".join(morceaux))  # noqa: S308 (each piece is escaped by format_html)


_COUR = ("id", "code", "nom", "type")


class RechercheForm(FormulaireDsfr):
    texte = forms.CharField(
        label="La mission, en vos mots",
        required=False,
        max_length=100_000,
        help_text="Par exemple : « fissures sur un mur de maison neuve ». Accents, pluriels et majuscules sont indifférents.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    nomenclature = forms.ChoiceField(label="Branche, rubrique ou spécialité", required=False, widget=SelectRapide)
    # The cours d'appel are read once per form (one query whatever the value given): the code
    # chosen is resolved from that list by ``clean_cour``.
    cour = forms.ChoiceField(label="Cour d'appel", required=False, widget=SelectRapide)
    liste = forms.ChoiceField(
        widget=SelectRapide,
        label="Liste",
        required=False,
        choices=[
            (Liste.COUR, "Liste de la cour d'appel"),
            (Liste.NATIONALE, "Liste nationale (Cour de cassation)"),
            (Liste.TOUTES, "Les deux"),
        ],
    )
    departement = forms.CharField(label="Département", required=False, max_length=3, help_text="Par exemple 75 ou 2A.")
    langue = forms.CharField(label="Langue", required=False, max_length=50)
    matiere = forms.ChoiceField(
        widget=SelectRapide, label="Matière", required=False, choices=[("", "Toutes"), ("civile", "Civile"), ("penale", "Pénale")]
    )
    echange_securise = forms.BooleanField(label="Utilise l'échange sécurisé", required=False)
    inclure_indisponibles = forms.BooleanField(label="Afficher aussi les experts indisponibles ou complets", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["nomenclature"].choices = choix_nomenclature()  # type: ignore[attr-defined]
        # Read as values (36 rows, no model instance each); the one chosen becomes an instance.
        self.cours = {
            ligne[1]: ligne
            for ligne in Organisation.objects.filter(type=TypeOrganisation.COUR_APPEL).order_by("nom").values_list(*_COUR)
        }
        self.fields["cour"].choices = [("", "Toutes")] + [(code, ligne[2]) for code, ligne in self.cours.items()]  # type: ignore[attr-defined]

    def render(self, template_name: str | None = None, context: dict | None = None, renderer: object = None) -> SafeString:
        if template_name is None and context is None and not self.errors:
            return rendu_direct(self)
        return super().render(template_name, context, renderer)  # type: ignore[arg-type]

    # Django binds these to its own ``render`` at class creation.
    __str__ = render
    __html__ = render

    def clean_cour(self) -> Organisation | None:
        ligne = self.cours.get(self.cleaned_data.get("cour") or "")
        return Organisation.from_db(Organisation.objects.db, list(_COUR), ligne) if ligne is not None else None


def lire_page(valeur: object) -> int:
    try:
        page = int(str(valeur).strip()[:12])
    except (TypeError, ValueError):
        return 1
    return max(1, min(page, MAX_PAGE))


class SollicitationForm(FormulaireDsfr):
    resume_mission = forms.CharField(
        label="Résumé de la mission",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Sans nom de partie ni donnée de santé : l'expert le lit avant d'accepter.",
    )
    type_procedure = forms.ChoiceField(label="Type de procédure", choices=TypeProcedure.choices)
    delai_mission = forms.DateField(label="Date attendue du dépôt du rapport", widget=forms.DateInput(attrs={"type": "date"}))
    date_limite_reponse = forms.DateField(
        label="Réponse attendue au plus tard le",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Sans réponse à cette date (fin de journée), la sollicitation expire.",
    )

    def clean_date_limite_reponse(self) -> dt.date:
        jour = self.cleaned_data["date_limite_reponse"]
        if jour < timezone.localdate():
            raise forms.ValidationError("Choisissez une date à venir.")
        return jour

    def clean_delai_mission(self) -> dt.date:
        jour = self.cleaned_data["delai_mission"]
        if jour < timezone.localdate():
            raise forms.ValidationError("Choisissez une date à venir.")
        return jour


class ReponseForm(FormulaireDsfr):
    decision = forms.ChoiceField(
        label="Votre réponse",
        choices=[("accepter", "J'accepte la mission"), ("refuser", "Je refuse la mission")],
        widget=forms.RadioSelect,
    )
    conflit_interets = forms.BooleanField(label="Je déclare un conflit d'intérêts possible", required=False)
    conflit_details = forms.CharField(
        label="Précisions sur le conflit d'intérêts", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    motif = forms.CharField(
        label="Motif (obligatoire en cas de refus)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict:
        d = super().clean() or {}
        if d.get("decision") == "refuser" and not (d.get("motif") or "").strip():
            self.add_error("motif", "Indiquez le motif du refus.")
        if d.get("conflit_interets") and not (d.get("conflit_details") or "").strip():
            self.add_error("conflit_details", "Précisez le conflit d'intérêts.")
        return d


class DisponibiliteForm(FormulaireDsfr):
    etat = forms.ChoiceField(label="Disponibilité", choices=EtatDisponibilite.choices, widget=forms.RadioSelect)
    jusqu_au = forms.DateField(
        label="Indisponible jusqu'au (inclus)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    max_missions = forms.IntegerField(
        label="Nombre maximum de missions en cours",
        required=False,
        min_value=1,
        max_value=999,
        help_text="Laissez vide pour ne pas fixer de maximum.",
    )

    def clean(self) -> dict:
        d = super().clean() or {}
        if d.get("etat") == EtatDisponibilite.INDISPONIBLE_JUSQU_AU:
            if not d.get("jusqu_au"):
                self.add_error("jusqu_au", "Indiquez une date.")
            elif d["jusqu_au"] < timezone.localdate():
                self.add_error("jusqu_au", "Choisissez une date à venir.")
        return d
