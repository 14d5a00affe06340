"""The « Frais » tab of a case and its forms. Thin: fetch through permissions (404 for a case the
person may not see, 403 logged for an action outside their capacity), call one service, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from justexpert.comptes.models import Utilisateur
from justexpert.comptes.permissions import connecte
from justexpert.comptes.services import RefusService
from justexpert.expertises import extensions
from justexpert.expertises import permissions as expertises_permissions
from justexpert.expertises.models import Expertise, Matiere, Qualite
from justexpert.expertises.procedure import ETATS_OPERATIONS
from justexpert.lib.confirmation import confirmation
from justexpert.lib.format import date_longue, euros
from justexpert.lib.temps import fin_de_journee

from . import grand_livre, permissions, services
from .forms import ProvisionForm, VersementForm
from .models import Part, Provision


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


def _contexte_case(user: Utilisateur, e: Expertise, mes: set[str]) -> dict[str, Any]:
    return {"e": e, "onglets": extensions.onglets(user, e, mes), "onglet_actif": "Frais"}


@connecte
@require_GET
def frais(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    e = expertises_permissions.expertise_pour(user, reference)
    mes = expertises_permissions.qualites(user, e)
    livre = grand_livre.calculer(e) if e.matiere == Matiere.CIVILE else None
    tout = permissions.voit_tout(mes)
    lignes = permissions.lignes_visibles(user, e, livre, mes) if livre else []
    for ligne in lignes:
        ligne.fin = fin_de_journee(ligne.prochaine.date_limite, e.fuseau) if ligne.prochaine else None  # type: ignore[attr-defined]
    cles = {ligne.cle for ligne in lignes}
    provisions = []
    if livre is not None:
        parts = list(Part.objects.filter(provision__expertise=e).select_related("partie").prefetch_related("echeances"))
        for p in livre.provisions:
            p.parts_visibles = [x for x in parts if x.provision_id == p.pk and (tout or x.partie_id in cles)]  # type: ignore[attr-defined]
        provisions = [p for p in livre.provisions if tout or p.parts_visibles]  # type: ignore[attr-defined]
    versements = (
        livre.versements
        if tout and livre
        else sorted({id(v): v for ligne in lignes for v in ligne.versements}.values(), key=lambda v: (v.verse_le, v.pk))
    )
    peut_fixer = (
        bool(mes & set(permissions.FIXENT))
        and e.matiere == Matiere.CIVILE
        and e.etat in services.ETATS_PROVISION | ETATS_OPERATIONS
    )
    return render(
        request,
        "frais/frais.html",
        {
            "titre": f"Frais — expertise RG {e.numero_rg}" if not e.est_penale else "Frais — expertise pénale",
            **_contexte_case(user, e, mes),
            "livre": livre,
            "tout": tout,
            "lignes": lignes,
            "provisions": provisions,
            "versements": versements,
            "peut_fixer": peut_fixer,
            "peut_enregistrer": Qualite.GREFFIER in mes and livre is not None and livre.existe,
            "peut_commencer": livre is not None and livre.complet and Qualite.EXPERT in mes,
        },
    )


def _formulaire(
    request: HttpRequest, e: Expertise, mes: set[str], form: Any, titre: str, bouton: str, aide: str = ""
) -> HttpResponse:
    return render(
        request,
        "frais/formulaire.html",
        {"titre": titre, "form": form, "bouton": bouton, "aide": aide, **_contexte_case(_user(request), e, mes)},
        status=400 if form.errors else 200,
    )


def _refus(form: Any, refus: RefusService) -> None:
    champ = getattr(refus, "champ", None)
    form.add_error(champ if champ in form.fields else None, str(refus))


@connecte
@require_http_methods(["GET", "POST"])
def provision(request: HttpRequest, reference: str, provision: str | None = None) -> HttpResponse:
    user = _user(request)
    e = expertises_permissions.expertise_pour(user, reference)
    if e.matiere != Matiere.CIVILE:  # no provision in penal cases (frais de justice)
        raise Http404
    mes = expertises_permissions.exiger(request, e, *permissions.FIXENT)
    existante = None
    if provision is not None:
        existante = Provision.objects.filter(expertise=e, uuid=provision).first()
        if existante is None:
            raise Http404
    form = ProvisionForm(request.POST if request.method == "POST" else None, expertise=e, provision=existante)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if existante is None:
                services.fixer_provision(
                    acteur=user,
                    expertise=e,
                    montant=d["montant"],
                    libelle=d.get("libelle", ""),
                    parts=d["parts"],
                    echeances=d["echeances"],
                )
            else:
                services.repartir_provision(acteur=user, provision=existante, parts=d["parts"], echeances=d["echeances"])
        except RefusService as refus:
            _refus(form, refus)
        else:
            messages.success(request, "La provision est enregistrée ; chaque partie voit ce qu'elle doit verser et quand.")
            return redirect("frais:frais", reference=e.uuid)
    titre = "Fixer une provision" if existante is None else f"Répartir : {existante.libelle} ({existante.montant} €)"
    aide = (
        "Indiquez la part de chaque partie (en euros ou en pourcentage) et les échéances : "
        "chaque échéance porte sur le même pourcentage de chaque part (CPC 269)."
    )
    return _formulaire(request, e, mes, form, titre, "Enregistrer la provision", aide)


@connecte
@require_http_methods(["GET", "POST"])
def versement(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    e = expertises_permissions.expertise_pour(user, reference)
    if e.matiere != Matiere.CIVILE:
        raise Http404
    mes = expertises_permissions.exiger(request, e, *permissions.ENREGISTRENT)
    form = VersementForm(request.POST if request.method == "POST" else None, expertise=e)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        # A payment recorded cannot be deleted (the ledger and its events are the régie's trace):
        # the greffier confirms what will be written, in words.
        pour = d.get("pour") or d["payeur"]
        demande = confirmation(
            request,
            titre="Enregistrer ce versement ?",
            consequence=(
                f"Le versement de {euros(d['montant'])} reçu le {date_longue(d['verse_le'])}, versé par "
                f"{d['payeur'].designation} pour le compte de {pour.designation} (référence de la régie "
                f"« {d['reference_regie'].strip()} »), sera inscrit au grand livre de l'expertise et ne pourra pas être "
                "supprimé. S'il complète la provision, la consignation sera constatée et l'expert invité à commencer."
            ),
            bouton="Enregistrer le versement",
            retour=reverse("frais:versement", kwargs={"reference": e.uuid}),
        )
        if demande is not None:
            return demande
        try:
            services.enregistrer_versement(
                acteur=user,
                expertise=e,
                montant=d["montant"],
                verse_le=d["verse_le"],
                payeur=d["payeur"],
                pour=d.get("pour") or d["payeur"],
                reference_regie=d["reference_regie"],
                observations=d.get("observations", ""),
            )
        except RefusService as refus:
            _refus(form, refus)
        else:
            livre = grand_livre.calculer(e)
            suite = " La provision est complète : la consignation est constatée." if livre.complet else ""
            if livre.excedent:
                suite += " Un excédent est à rembourser par la régie."
            messages.success(request, "Le versement est enregistré." + suite)
            return redirect("frais:frais", reference=e.uuid)
    return _formulaire(
        request,
        e,
        mes,
        form,
        "Enregistrer un versement reçu par la régie",
        "Enregistrer le versement",
        "Le versement est compté une seule fois par référence de la régie.",
    )
