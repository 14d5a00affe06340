"""Views of recherche: thin, each fetches through permissions.py and calls one service."""

from __future__ import annotations

import html
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from justexpert.annuaire.models import Expert
from justexpert.comptes.models import Role, Utilisateur
from justexpert.comptes.permissions import roles
from justexpert.comptes.services import RefusService
from justexpert.lib.format import horodatage
from justexpert.lib.temps import fin_de_journee

from . import moteur, permissions, services
from .forms import DisponibiliteForm, RechercheForm, ReponseForm, SollicitationForm, lire_page
from .models import EtatSollicitation, Sollicitation

STAFF = permissions.STAFF


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


def criteres_depuis(donnees: dict, user: Utilisateur) -> tuple[RechercheForm, moteur.Criteres, list[str]]:
    """Criteria from any query string: invalid filters are ignored with a message, never an error."""
    _, ressort = moteur.lieu_du_demandeur(user)
    donnees = {k: v for k, v in donnees.items() if k != "page"}
    if "cour" not in donnees and ressort is not None:
        donnees["cour"] = ressort.code  # default: the requester's cour d'appel
    form = RechercheForm(donnees)
    form.is_valid()
    d = form.cleaned_data
    avertissements = [
        f"Le filtre « {form.fields[nom].label} » a une valeur invalide : il a été ignoré."
        for nom in form.errors
        if nom in form.fields
    ]
    c = moteur.Criteres(
        texte=d.get("texte") or "",
        nomenclature=d.get("nomenclature") or "",
        cour=d.get("cour"),
        liste=d.get("liste") or moteur.Liste.COUR,
        departement=d.get("departement") or "",
        langue=d.get("langue") or "",
        matiere=d.get("matiere") or "",
        echange_securise=bool(d.get("echange_securise")),
        inclure_indisponibles=bool(d.get("inclure_indisponibles")),
    )
    return form, c, avertissements


def carte(x: moteur.Resultat) -> str:
    """The markup of ``recherche/_carte.html`` for one result, written in Python: twenty cards are
    rendered on every search (the template loop was 0.7 ms of a ~10 ms page). The test
    ``test_result_cards_render_as_their_template`` keeps both identical."""
    e = html.escape
    marque = f' <span class="fr-badge fr-badge--warning fr-badge--sm">{e(x.marque)}</span>' if x.marque else ""
    raisons = "".join(f"<li>{e(r)}</li>" for r in x.raisons)
    case = (
        f'\n      <div class="fr-checkbox-group">\n'
        f'        <input type="checkbox" name="experts" value="{e(x.uuid)}" id="exp-{e(x.uuid)}">\n'
        f'        <label class="fr-label" for="exp-{e(x.uuid)}">Solliciter {e(x.nom_complet)}</label>\n'
        f"      </div>"
        if x.disponible
        else ""
    )
    return (
        '  <div class="fr-fieldset__element">\n'
        '    <div class="fr-card fr-card--no-arrow fr-mb-2w"><div class="fr-card__body"><div class="fr-card__content">\n'
        f'      <h3 class="fr-card__title">{e(x.nom_complet)}{marque}</h3>\n'
        f'      <p class="fr-card__desc">{e(x.inscriptions)}</p>\n'
        f'      <div class="fr-card__end"><ul class="fr-text--sm">{raisons}</ul>{case}</div>\n'
        "    </div></div></div>\n"
        "  </div>\n"
    )


TITRE_FAIBLES = (
    '  <div class="fr-fieldset__element">\n'
    '    <h3 class="fr-h6 fr-mt-2w">Correspondances plus faibles</h3>\n'
    '    <p class="fr-text--sm">Ces experts ne correspondent qu\'à une partie des mots distinctifs de la mission.</p>\n'
    "  </div>\n"
)


def cartes(resultats: list[moteur.Resultat]) -> str:
    """The cards of a page, the weaker matches under their own heading (issue 21)."""
    morceaux = []
    for i, x in enumerate(resultats):
        if x.niveau_competence == 1 and (i == 0 or resultats[i - 1].niveau_competence != 1):
            morceaux.append(TITRE_FAIBLES)
        morceaux.append(carte(x))
    return "".join(morceaux)


@roles(*STAFF)
def recherche(request: HttpRequest) -> HttpResponse:
    form, criteres, avertissements = criteres_depuis(request.GET.dict(), _user(request))
    criteres.page = lire_page(request.GET.get("page", "1"))
    resultats = moteur.rechercher(criteres, user=_user(request))
    requete = request.GET.copy()
    requete.pop("page", None)
    return render(
        request,
        "recherche/recherche.html",
        {
            "form": form,
            "r": resultats,
            # Escaped piece by piece in ``carte``.
            "cartes": mark_safe(cartes(resultats.resultats)),  # noqa: S308
            "avertissements": avertissements,
            "requete": requete.urlencode(),
        },
    )


@roles(*STAFF)
@require_http_methods(["GET", "POST"])
def solliciter(request: HttpRequest) -> HttpResponse:
    uuids = request.POST.getlist("experts") if request.method == "POST" else request.GET.getlist("experts")
    experts = list(Expert.objects.designables().filter(uuid__in=_uuids(uuids)[: services.MAX_EXPERTS_PAR_DEMANDE]))
    if not experts:
        messages.error(request, "Cochez au moins un expert dans les résultats pour le solliciter.")
        return redirect("recherche:recherche")
    # The mission typed in the search becomes the request's summary (the magistrate edits it).
    form = SollicitationForm(request.POST or None, initial={"resume_mission": request.GET.get("texte", "")[:5000]})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        org = services.organisation_du(_user(request))
        try:
            demande = services.solliciter(
                acteur=_user(request),
                experts=experts,
                resume_mission=d["resume_mission"],
                type_procedure=d["type_procedure"],
                delai_mission=d["delai_mission"],
                date_limite_reponse=fin_de_journee(d["date_limite_reponse"], org.fuseau if org else None),
            )
        except RefusService as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "Votre demande a été envoyée aux experts choisis.")
            return redirect("recherche:demande", demande.uuid)
    return render(request, "recherche/solliciter.html", {"form": form, "experts": experts})


def _uuids(valeurs: list[str]) -> list[str]:
    import uuid

    resultat = []
    for v in valeurs:
        try:
            resultat.append(str(uuid.UUID(v)))
        except (ValueError, AttributeError):
            continue
    return resultat


@roles(*STAFF)
def demandes(request: HttpRequest) -> HttpResponse:
    qs = permissions.demandes_visibles(_user(request)).select_related("organisation").prefetch_related("sollicitations")[:100]
    return render(request, "recherche/demandes.html", {"demandes": qs})


def _etat(demande) -> dict:  # type: ignore[no-untyped-def]
    fuseau = demande.organisation.fuseau if demande.organisation else None
    lignes = []
    for s in demande.sollicitations.select_related("expert").order_by("expert__nom", "id"):
        lignes.append(
            {
                "uuid": str(s.uuid),
                "expert": s.expert.nom_complet,
                "etat": s.etat,
                "etat_libelle": s.get_etat_display(),
                "repondu_le": horodatage(s.repondu_le, fuseau) if s.repondu_le else "",
                "motif": s.motif,
                "conflit_interets": s.conflit_interets,
                "conflit_details": s.conflit_details,
            }
        )
    en_attente = any(ligne["etat"] == EtatSollicitation.EN_ATTENTE for ligne in lignes)
    return {"sollicitations": lignes, "en_attente": en_attente}


@roles(*STAFF)
def demande(request: HttpRequest, uuid: str) -> HttpResponse:
    d = permissions.demande_pour(_user(request), uuid)
    # Magistrates and greffiers go on to the designation of an expert who accepted.
    peut_designer = _user(request).a_role(Role.MAGISTRAT, Role.GREFFIER)
    return render(request, "recherche/demande.html", {"demande": d, "etat": _etat(d), "peut_designer": peut_designer})


@roles(*STAFF)
def demande_etat(request: HttpRequest, uuid: str) -> JsonResponse:
    d = permissions.demande_pour(_user(request), uuid)
    return JsonResponse(_etat(d))


@roles(Role.EXPERT)
def sollicitations(request: HttpRequest) -> HttpResponse:
    qs = permissions.sollicitations_de_l_expert(_user(request)).select_related("demande", "demande__organisation")
    return render(
        request,
        "recherche/sollicitations.html",
        {"sollicitations": qs.order_by("-demande__cree_le")[:100], "maintenant": timezone.now()},
    )


@roles(Role.EXPERT)
@require_http_methods(["GET", "POST"])
def sollicitation(request: HttpRequest, uuid: str) -> HttpResponse:
    s: Sollicitation = permissions.sollicitation_pour_expert(_user(request), uuid)
    form = ReponseForm(request.POST or None)
    if request.method == "POST" and s.etat == EtatSollicitation.EN_ATTENTE and form.is_valid():
        d = form.cleaned_data
        try:
            services.repondre(
                s,
                acteur=_user(request),
                accepte=d["decision"] == "accepter",
                motif=d["motif"],
                conflit_interets=d["conflit_interets"],
                conflit_details=d["conflit_details"],
            )
        except RefusService as e:
            messages.error(request, str(e))
        else:
            messages.success(request, "Votre réponse a été transmise à la juridiction.")
        return redirect("recherche:sollicitation", s.uuid)
    fuseau = s.demande.organisation.fuseau if s.demande.organisation else None
    return render(
        request,
        "recherche/sollicitation.html",
        {"s": s, "form": form, "limite": horodatage(s.demande.date_limite_reponse, fuseau)},
    )


@roles(Role.EXPERT)
@require_http_methods(["GET", "POST"])
def disponibilite(request: HttpRequest) -> HttpResponse:
    fiche = permissions.fiche_de(_user(request))
    if fiche is None:
        return render(request, "recherche/sans_fiche.html", status=404)
    actuelle = services.disponibilite_de(fiche)
    form = DisponibiliteForm(
        request.POST or None,
        initial={"etat": actuelle.etat, "jusqu_au": actuelle.jusqu_au, "max_missions": actuelle.max_missions},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.definir_disponibilite(
                fiche, acteur=_user(request), etat=d["etat"], jusqu_au=d.get("jusqu_au"), max_missions=d.get("max_missions")
            )
        except RefusService as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "Votre disponibilité est enregistrée : les juridictions la voient dès maintenant.")
            return redirect("recherche:disponibilite")
    return render(
        request,
        "recherche/disponibilite.html",
        {"form": form, "fiche": fiche, "actuelle": actuelle, "aujourd_hui": timezone.localdate()},
    )
