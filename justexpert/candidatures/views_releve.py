"""The expert's side of a réinscription: their record of activity (with a comment on each line)
and their training ledger (each training with its certificate, stored in the coffre). The
commission sees the same record and ledger inside the candidature (views.detail)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from justexpert.annuaire import activite
from justexpert.annuaire.models import Expert, Formation
from justexpert.coffre import conf as coffre_conf
from justexpert.coffre.models import Document
from justexpert.coffre.services import RefusDepot, taille_lisible
from justexpert.coffre.televersement import RefusCsrf, recevoir_depot, reponse_telechargement
from justexpert.comptes.models import Organisation, Role, Utilisateur
from justexpert.comptes.permissions import connecte, roles
from justexpert.comptes.services import RefusService

from . import permissions, services
from .forms import CommentaireForm, FormationForm
from .models import Candidature


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


def _fiche(request: HttpRequest) -> Expert:
    fiche = services.fiche_de(_user(request))
    if fiche is None:
        raise Http404
    return fiche


def _cour(fiche: Expert) -> Organisation | None:
    inscription = services.inscription_a_renouveler(fiche)
    return inscription.liste if inscription is not None else fiche.cour_appel


def contexte_releve(fiche: Expert, cour: Organisation | None, annees: list[int]) -> dict[str, object]:
    """What the expert and the commission both see: the record, the hours against the court's
    expectation, the ledger."""
    return {
        "releve_lignes": activite.releve(fiche, annees),
        "releve_annees": annees,
        "heures_attente": activite.heures_contre_attente(fiche, cour, annees),
        "regles_cour": activite.regles_de(cour) if cour is not None else None,
        "cour_releve": cour,
        "registre": list(Formation.objects.filter(expert=fiche, jour__year__in=annees)),
    }


@roles(Role.EXPERT)
def releve(request: HttpRequest) -> HttpResponse:
    """My record: the same lines as the commission's, with my comment on each."""
    fiche = _fiche(request)
    statut = 200
    if request.method == "POST":
        form = CommentaireForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                activite.commenter(fiche, acteur=_user(request), nature=d["nature"], annee=d["annee"], texte=d["texte"])
            except RefusService as refus:
                messages.error(request, str(refus))
                statut = 400
            else:
                messages.success(request, "Commentaire enregistré : la commission le lira à côté du chiffre.")
                return redirect(reverse("candidatures:releve") + f"#releve-{d['nature']}")
        else:
            messages.error(
                request, "Le commentaire n'a pas pu être enregistré : " + " ".join(e for es in form.errors.values() for e in es)
            )
            statut = 400
    return render(
        request,
        "candidatures/releve.html",
        {
            "titre": "Mon relevé d'activité",
            "commentable": True,
            **contexte_releve(fiche, _cour(fiche), activite.annees_par_defaut()),
        },
        status=statut,
    )


@roles(Role.EXPERT)
@csrf_exempt  # the CSRF check runs inside recevoir_depot, after coffre's upload handler is in place
def formations(request: HttpRequest) -> HttpResponse:
    """My training ledger: the list, and a form to add a training with its certificate."""
    fiche = _fiche(request)
    statut = 200
    form = FormationForm()
    if request.method == "POST":
        depot = None
        erreur_fichier = ""
        try:
            depot = recevoir_depot(request)
        except RefusCsrf as refus:
            return refus.reponse
        except RefusDepot as refus:
            erreur_fichier = refus.message
        form = FormationForm(request.POST)
        valide = form.is_valid()
        if valide:
            champs = {k: form.cleaned_data[k] for k in ("intitule", "organisme", "jour", "heures", "nature")}
            try:
                activite.verifier_formation(**champs)
            except activite.SaisieInvalide as refus:
                for champ, message in refus.erreurs.items():
                    form.add_error(champ, message)
                valide = False
        if erreur_fichier:
            form.add_error("fichier", erreur_fichier)
        elif depot is None:
            form.add_error("fichier", "Joignez l'attestation de formation.")
        if not valide or depot is None or erreur_fichier:
            if depot is not None:
                depot.abandonner()
            statut = 400
        else:
            try:
                f = services.deposer_formation(
                    acteur=_user(request), depot=depot, client_id=request.POST.get("identifiant_envoi", ""), **champs
                )
            except RefusService as refus:
                form.add_error(None, str(refus))
                statut = 400
            else:
                messages.success(request, f"Formation « {f.intitule} » enregistrée avec son attestation.")
                return redirect("candidatures:formations")
    cour = _cour(fiche)
    annees = activite.annees_par_defaut()
    return render(
        request,
        "candidatures/formations.html",
        {
            "titre": "Mes formations",
            "form": form,
            "formations": Formation.objects.filter(expert=fiche),
            "heures_attente": activite.heures_contre_attente(fiche, cour, annees),
            "regles_cour": activite.regles_de(cour) if cour is not None else None,
            "cour_releve": cour,
            "taille_max": taille_lisible(coffre_conf.taille_max()),
        },
        status=statut,
    )


def _attestation(formation: Formation, request: HttpRequest) -> HttpResponse:
    document = get_object_or_404(Document, uuid=formation.attestation_ref)
    return reponse_telechargement(document, request)  # type: ignore[return-value]  # streaming response


@roles(Role.EXPERT)
@require_GET
def formation_attestation(request: HttpRequest, uuid: str) -> HttpResponse:
    formation = get_object_or_404(Formation, uuid=uuid, expert=_fiche(request))
    return _attestation(formation, request)


@connecte
@require_GET
def candidature_attestation(request: HttpRequest, uuid: str, formation: str) -> HttpResponse:
    """A certificate of the candidate's ledger, from the file (the candidate and its instructors)."""
    c: Candidature = permissions.candidature_pour(_user(request), uuid)
    if c.expert_id is None:
        raise Http404
    return _attestation(get_object_or_404(Formation, uuid=formation, expert_id=c.expert_id), request)
