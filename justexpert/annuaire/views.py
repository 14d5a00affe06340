"""Views of the annuaire: thin, each fetches through permissions.py and calls one service."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from justexpert.comptes.certificats import certificat_courant
from justexpert.comptes.models import Organisation, Role, Utilisateur
from justexpert.comptes.permissions import connecte, public, roles
from justexpert.comptes.services import RefusService

from . import activite, exports, historique, permissions, services
from .forms import (
    DecisionForm,
    FicheCourForm,
    FicheExpertForm,
    InscriptionForm,
    PublicationForm,
    RechercheFicheForm,
    ReglesCourForm,
)
from .models import Expert, Inscription, ListeAnnuelle

STAFF = (Role.MAGISTRAT, Role.GREFFIER, Role.AGENT)
GESTION = (Role.GREFFIER, Role.AGENT)


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


def rechercher(qs, *, q: str = "", specialite: str = "", cour: Organisation | None = None, statut: str = ""):  # type: ignore[no-untyped-def]
    """Filter fiches by name, specialite (code or words of its label), list and status; shared by the
    directory page and the API."""
    for mot in q.split():
        qs = qs.filter(Q(nom__icontains=mot) | Q(prenom__icontains=mot))
    inscriptions = Inscription.objects.all()
    filtre = False
    if specialite:
        code = specialite.strip().upper()
        inscriptions = inscriptions.filter(
            Q(specialite__code=code)
            | Q(specialite__code__startswith=code + ".")
            | Q(specialite__libelle__icontains=specialite.strip())
        )
        filtre = True
    if cour is not None:
        inscriptions = inscriptions.filter(liste=cour)
        filtre = True
    if statut:
        inscriptions = inscriptions.filter(statut=statut)
        filtre = True
    if filtre:
        qs = qs.filter(pk__in=inscriptions.values("expert_id"))
    return qs.select_related("cour_appel").prefetch_related(
        Prefetch("inscriptions", queryset=Inscription.objects.select_related("liste", "specialite"))
    )


@roles(*STAFF)
def repertoire(request: HttpRequest) -> HttpResponse:
    form = RechercheFicheForm(request.GET or None)
    qs = Expert.objects.none()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        qs = rechercher(
            permissions.visibles_par(_user(request)), q=d["q"], specialite=d["specialite"], cour=d["cour"], statut=d["statut"]
        )
    elif not form.is_bound:
        qs = rechercher(permissions.visibles_par(_user(request)))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    requete = request.GET.copy()
    requete.pop("page", None)
    return render(
        request,
        "annuaire/repertoire.html",
        {
            "form": form,
            "page": page,
            "requete": requete.urlencode(),
            "peut_creer": bool(permissions.listes_gerees(_user(request))),
        },
    )


@connecte
def fiche(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    expert = permissions.fiche_pour(user, uuid)
    gerees = permissions.listes_gerees(user)
    inscriptions = list(expert.inscriptions.select_related("liste", "specialite__version"))
    for i in inscriptions:
        i.gerable = i.liste_id in gerees  # type: ignore[attr-defined]
    return render(
        request,
        "annuaire/fiche.html",
        {
            "expert": expert,
            "inscriptions": inscriptions,
            "historique": historique.lisible(list(expert.historique.select_related("inscription__specialite")[:200])),
            "est_titulaire": expert.utilisateur_id == user.pk,
            "peut_gerer": permissions.peut_gerer_fiche(user, expert),
            "est_personnel": permissions.est_personnel_justice(user),
            "certificat": certificat_courant(expert.utilisateur) if expert.utilisateur is not None else None,
        },
    )


@roles(Role.EXPERT)
def ma_fiche(request: HttpRequest) -> HttpResponse:
    expert = Expert.objects.filter(utilisateur=_user(request)).first()
    if expert is None:
        return render(request, "annuaire/ma_fiche_absente.html")
    return redirect("annuaire:fiche", uuid=expert.uuid)


@roles(Role.EXPERT)
def ma_fiche_modifier(request: HttpRequest) -> HttpResponse:
    expert = permissions.fiche_de(_user(request))
    initial = {c: getattr(expert, c) for c in services.CHAMPS_EXPERT}
    form = FicheExpertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_par_expert(expert, acteur=_user(request), **form.cleaned_data)
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Votre fiche est à jour.")
            return redirect("annuaire:fiche", uuid=expert.uuid)
    return render(request, "annuaire/formulaire.html", {"titre": "Tenir ma fiche à jour", "form": form, "expert": expert})


@roles(*GESTION)
def fiche_creer(request: HttpRequest) -> HttpResponse:
    if not permissions.listes_gerees(_user(request)):
        raise PermissionDenied
    form = FicheCourForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.creer_fiche(acteur=_user(request), **form.cleaned_data)
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Fiche créée.")
            return redirect("annuaire:fiche", uuid=expert.uuid)
    return render(request, "annuaire/formulaire.html", {"titre": "Nouvelle fiche d'expert", "form": form})


@roles(*GESTION)
def fiche_modifier(request: HttpRequest, uuid: str) -> HttpResponse:
    expert = permissions.fiche_a_gerer(_user(request), uuid)
    initial = {c: getattr(expert, c) for c in services.CHAMPS_FICHE}
    form = FicheCourForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_fiche(expert, acteur=_user(request), **form.cleaned_data)
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Fiche modifiée.")
            return redirect("annuaire:fiche", uuid=expert.uuid)
    return render(
        request, "annuaire/formulaire.html", {"titre": f"Modifier la fiche de {expert}", "form": form, "expert": expert}
    )


@roles(*GESTION)
@require_POST
def fiche_inviter(request: HttpRequest, uuid: str) -> HttpResponse:
    expert = permissions.fiche_a_gerer(_user(request), uuid)
    try:
        services.inviter_expert(expert, acteur=_user(request))
    except RefusService as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Invitation envoyée à {expert.email}.")
    return redirect("annuaire:fiche", uuid=expert.uuid)


@roles(*GESTION)
def inscription_ajouter(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    expert = permissions.fiche_pour(user, uuid)
    gerees = permissions.listes_gerees(user)
    if not gerees:
        raise PermissionDenied
    form = InscriptionForm(request.POST or None, listes=Organisation.objects.filter(pk__in=gerees).order_by("type", "nom"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.inscrire(
                expert, acteur=user, liste=d["liste"], specialite=d["specialite"], debut=d["debut"], motif=d["motif"]
            )
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Inscription enregistrée.")
            return redirect("annuaire:fiche", uuid=expert.uuid)
    return render(request, "annuaire/formulaire.html", {"titre": f"Inscrire {expert}", "form": form, "expert": expert})


@roles(*GESTION)
def inscription_decider(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    inscription = permissions.inscription_a_gerer(user, uuid)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == "reinscrire":
                services.reinscrire(inscription, acteur=user, debut=d["le"], motif=d["motif"])
            elif d["decision"] == "lever":
                services.lever_suspension(inscription, acteur=user, motif=d["motif"])
            else:
                services.changer_statut(inscription, d["decision"], acteur=user, motif=d["motif"], le=d["le"])
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Décision enregistrée.")
            return redirect("annuaire:fiche", uuid=inscription.expert.uuid)
    return render(
        request,
        "annuaire/formulaire.html",
        {"titre": f"Décision sur l'inscription : {inscription}", "form": form, "expert": inscription.expert},
    )


@roles(*GESTION)
def listes_gestion(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    gerees = permissions.listes_gerees(user)
    if not gerees:
        raise PermissionDenied
    listes = Organisation.objects.filter(pk__in=gerees).order_by("type", "nom")
    form = PublicationForm(request.POST or None, listes=listes)
    if request.method == "POST" and form.is_valid():
        try:
            services.publier_liste(acteur=user, liste=form.cleaned_data["liste"], annee=form.cleaned_data["annee"])
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Liste publiée.")
            return redirect("annuaire:listes_gestion")
    publiees = ListeAnnuelle.objects.filter(liste__in=listes).select_related("liste", "publiee_par")
    deja = {(p.liste_id, p.annee) for p in publiees}
    # Lists whose decisions are recorded (inscriptions starting next year or later) and not published yet.
    prochaines = (
        Inscription.objects.filter(liste__in=listes, debut__year__gt=timezone.localdate().year)
        .annotate(annee=ExtractYear("debut"))
        .values("liste", "liste__nom", "annee")
        .annotate(nombre=Count("id"))
        .order_by("annee", "liste__nom")
    )
    a_preparer = [p for p in prochaines if (p["liste"], p["annee"]) not in deja]
    annee_suivante = timezone.localdate().year + 1
    return render(
        request,
        "annuaire/listes_gestion.html",
        {
            "form": form,
            "publiees": publiees,
            "a_preparer": a_preparer,
            "regle": services.regle_liste(annee_suivante),
            "listes": listes,
        },
    )


@roles(*GESTION)
def reglages_cour(request: HttpRequest, code: str) -> HttpResponse:
    """The settings page of a court's list: hours of training expected per year, the fair-instruction
    rule for réinscriptions and the delay to answer (activite.ReglesCour)."""
    user = _user(request)
    gerees = permissions.listes_gerees(user)
    if not gerees:
        raise PermissionDenied
    cour = get_object_or_404(Organisation.objects.filter(pk__in=gerees), code=code)
    regles = activite.regles_de(cour)
    initial = {
        "heures_formation_annuelles": regles.heures_formation_annuelles,
        "instruction_contradictoire": regles.instruction_contradictoire,
        "delai_reponse_jours": regles.delai_reponse_jours,
    }
    form = ReglesCourForm(request.POST or None, initial=initial)
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            activite.regler_cour(cour, acteur=user, **form.cleaned_data)
            messages.success(request, f"Réglages de {cour} enregistrés.")
            return redirect("annuaire:reglages_cour", code=cour.code)
        statut = 400
    return render(
        request,
        "annuaire/reglages_cour.html",
        {"titre": f"Réglages — {cour}", "cour": cour, "form": form, "regles": regles},
        status=statut,
    )


# --- Public pages: the published annual lists ---------------------------------------------------


@public
def listes_publiques(request: HttpRequest) -> HttpResponse:
    publiees = ListeAnnuelle.objects.select_related("liste").order_by("-annee", "liste__type", "liste__nom")
    return render(request, "annuaire/listes_publiques.html", {"publiees": publiees})


@public
def liste_publique(request: HttpRequest, uuid: str) -> HttpResponse:
    publication = get_object_or_404(ListeAnnuelle.objects.select_related("liste"), uuid=uuid)
    lignes = exports.lignes(publication.liste, publication.annee)
    return render(
        request,
        "annuaire/liste_publique.html",
        {"publication": publication, "lignes": lignes, "titre": exports.titre(publication.liste, publication.annee)},
    )


FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.liste_csv),
    "json": ("application/json", exports.liste_json),
    "pdf": ("application/pdf", exports.liste_pdf),
}


@public
def liste_export(request: HttpRequest, uuid: str, format: str) -> HttpResponse:  # noqa: A002 (URL word)
    if format not in FORMATS:
        raise Http404
    publication = get_object_or_404(ListeAnnuelle.objects.select_related("liste"), uuid=uuid)
    type_mime, fabrique = FORMATS[format]
    reponse = HttpResponse(fabrique(publication.liste, publication.annee), content_type=type_mime)
    reponse["Content-Disposition"] = (
        f'attachment; filename="liste-experts-{publication.liste.code.lower()}-{publication.annee}.{format}"'
    )
    return reponse
