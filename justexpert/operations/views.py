"""The « Opérations » tab of a case: meetings, convocations and their proofs, attendance sheet,
calendar; the person's iCalendar feed. Thin: fetch through permissions (404 for a case the person
may not see, 403 logged for an action outside their capacity), call one service, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from justexpert.coffre.televersement import reponse_telechargement
from justexpert.comptes.models import Utilisateur
from justexpert.comptes.permissions import connecte, public
from justexpert.comptes.services import RefusService, lien_absolu
from justexpert.expertises import extensions, types_documents
from justexpert.expertises import permissions as expertises_permissions
from justexpert.expertises.models import Depot, Expertise, Participant, Qualite, TypeDocument
from justexpert.lib.confirmation import confirmation
from justexpert.lib.temps import maintenant

from . import calendrier, permissions, services
from .forms import AvisForm, CompteRenduForm, DeplacerForm, EnvoiForm, EtapeForm, PresenceForm, ReunionForm
from .models import Canal, Convocation, EtapeCalendrier, Reunion, StatutConvocation, StatutReunion


def _etats_convocation() -> frozenset[str]:
    regle = types_documents.regle(TypeDocument.CONVOCATION)
    return frozenset(regle.etats) if regle is not None else frozenset()


_ETATS_CONVOCATION = _etats_convocation()


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


def _case(request: HttpRequest, reference: str) -> tuple[Expertise, set[str]]:
    user = _user(request)
    e = expertises_permissions.expertise_pour(user, reference)
    return e, expertises_permissions.qualites(user, e)


def _contexte(request: HttpRequest, e: Expertise, mes: set[str], **extra: Any) -> dict[str, Any]:
    titre = "Opérations — " + ("expertise pénale" if e.est_penale else f"expertise RG {e.numero_rg}")
    return {
        "titre": titre,
        "e": e,
        "mes": mes,
        "onglets": extensions.onglets(_user(request), e, mes),
        "onglet_actif": "Opérations",
        **extra,
    }


def _reunion(e: Expertise, reference: str) -> Reunion:
    r = Reunion.objects.filter(expertise=e, uuid=reference).first()
    if r is None:
        raise Http404
    r.expertise = e
    return r


def _convocation(e: Expertise, reference: str) -> Convocation:
    c = (
        Convocation.objects.select_related("reunion", "participant", "partie")
        .filter(reunion__expertise=e, uuid=reference)
        .first()
    )
    if c is None:
        raise Http404
    c.reunion.expertise = e
    return c


def _refus(form: Any, refus: RefusService) -> None:
    champ = getattr(refus, "champ", None)
    form.add_error(champ if champ in form.fields else None, str(refus))


def _formulaire(
    request: HttpRequest,
    e: Expertise,
    mes: set[str],
    form: Any,
    titre: str,
    bouton: str,
    aide: str = "",
    retour: str = "",
    multipart: bool = False,
) -> HttpResponse:
    return render(
        request,
        "operations/formulaire.html",
        _contexte(
            request,
            e,
            mes,
            titre=titre,
            form=form,
            bouton=bouton,
            aide=aide,
            retour=retour or reverse("operations:operations", kwargs={"reference": e.uuid}),
            multipart=multipart,
        ),
        status=400 if form.errors else 200,
    )


def _mon_participant(user: Utilisateur, e: Expertise) -> Participant | None:
    return (
        Participant.objects.filter(
            expertise=e, utilisateur=user, retire_le__isnull=True, qualite__in=[Qualite.AVOCAT, Qualite.PARTIE]
        )
        .order_by("id")
        .first()
    )


def _agir(request: HttpRequest, action: Callable[[], object], succes: str) -> bool:
    """Run a service call: its refusal (French) as an error message, else ``succes``."""
    try:
        action()
    except RefusService as refus:
        messages.error(request, str(refus))
        return False
    messages.success(request, succes)
    return True


@connecte
@require_GET
def operations(request: HttpRequest, reference: str) -> HttpResponse:
    e, mes = _case(request, reference)
    reunions = list(Reunion.objects.filter(expertise=e).prefetch_related("convocations"))
    for r in reunions:
        r.expertise = e
        services.constater_ouvertures(r)
        courantes = [c for c in r.convocations.all() if c.en_cours]
        r.resume = {  # type: ignore[attr-defined]
            "prouvees": sum(1 for c in courantes if services.synthese(c) in ("prouvée", "envoyée (lettre simple)")),
            "non_reclamees": sum(1 for c in courantes if c.statut == StatutConvocation.NON_RECLAMEE),
            "total": len(courantes),
        }
        r.alertes = services.avertissements(r) if Qualite.EXPERT in mes else []  # type: ignore[attr-defined]
    moi = _mon_participant(_user(request), e)
    if moi is not None and e.est_penale and moi.qualite == Qualite.PARTIE:
        moi = None
    return render(
        request,
        "operations/operations.html",
        _contexte(
            request,
            e,
            mes,
            reunions=reunions,
            entrees=calendrier.entrees(e),
            etapes={x.uuid: x for x in EtapeCalendrier.objects.filter(expertise=e)},
            peut_organiser=Qualite.EXPERT in mes and e.etat in _ETATS_CONVOCATION,
            expert=Qualite.EXPERT in mes,
            peut_calendrier=bool(mes & set(permissions.CALENDRIER)) and e.etat != "close",
            moi=moi,
            consentement=services.consentement_actif(moi) if moi else None,
        ),
    )


@connecte
@require_http_methods(["GET", "POST"])
def reunion_nouvelle(request: HttpRequest, reference: str) -> HttpResponse:
    e, _ = _case(request, reference)
    mes = expertises_permissions.exiger(request, e, *permissions.ORGANISENT)
    form = ReunionForm(request.POST if request.method == "POST" else None, expertise=e)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            r = services.planifier(
                acteur=_user(request),
                expertise=e,
                debut=d["debut"],
                lieu=d.get("lieu", ""),
                lien=d.get("lien", ""),
                ordre_du_jour=d.get("ordre_du_jour", ""),
                preavis_jours=d["preavis_jours"],
                convoques=d["convoques"],
            )
        except RefusService as refus:
            _refus(form, refus)
        else:
            messages.success(
                request,
                "La réunion est prévue : la convocation scellée est déposée et chaque participant en est prévenu. Envoyez les lettres indiquées.",
            )
            return redirect("operations:reunion", reference=e.uuid, reunion=r.uuid)
    aide = (
        "Chaque personne est convoquée par la voie que la loi exige (CPC 160) : avis sur la plateforme si elle a consenti "
        "aux échanges électroniques (CPC 748-1), sinon lettre recommandée avec avis de réception pour les parties et lettre simple pour les avocats."
    )
    return _formulaire(request, e, mes, form, "Prévoir une réunion d'expertise", "Prévoir la réunion et convoquer", aide)


@connecte
@require_GET
def reunion(request: HttpRequest, reference: str, reunion: str) -> HttpResponse:
    e, mes = _case(request, reference)
    r = _reunion(e, reunion)
    services.constater_ouvertures(r)
    user = _user(request)
    convocations = list(r.convocations.select_related("participant__utilisateur", "partie").order_by("id"))
    for c in convocations:
        c.etat = services.synthese(c)  # type: ignore[attr-defined]
        c.ouverture = services.ouverture_de(c)  # type: ignore[attr-defined]
    courantes = [c for c in convocations if c.en_cours]
    expert = Qualite.EXPERT in mes
    presences = {p.convocation_id: p for p in r.presences.all()}
    mien = [c for c in courantes if c.participant is not None and c.participant.utilisateur_id == user.pk]
    a_signer = [c for c in courantes if c.pk not in presences and (expert or c in mien)]
    ouverte = r.statut == StatutReunion.PREVUE and maintenant() >= r.debut - dt.timedelta(hours=2)
    visio_donnes = set(r.consentements_visio.values_list("participant_id", flat=True))
    return render(
        request,
        "operations/reunion.html",
        _contexte(
            request,
            e,
            mes,
            r=r,
            courantes=courantes,
            remplacees=[c for c in convocations if not c.en_cours],
            alertes=services.avertissements(r) if expert else [],
            expert=expert,
            preuves_postales=permissions.voit_preuves_postales(mes),
            presences=list(r.presences.select_related("convocation")),
            presence_form=PresenceForm(reunion=r, convocations=a_signer, expert=expert) if ouverte and a_signer else None,
            presence_ouverte=ouverte,
            peut_sceller=expert and ouverte and r.debut <= maintenant(),
            peut_modifier=expert and r.statut == StatutReunion.PREVUE,
            visio_a_donner=r.visio
            and r.statut == StatutReunion.PREVUE
            and r.debut > maintenant()
            and any(c.participant_id not in visio_donnes for c in mien),
            visio_donnes=visio_donnes,
            compte_rendu_form=CompteRenduForm(expertise=e) if expert else None,
            debut_local=services.heure_locale(r.debut, e.fuseau),
        ),
    )


@connecte
@require_http_methods(["GET", "POST"])
def deplacer(request: HttpRequest, reference: str, reunion: str) -> HttpResponse:
    e, _ = _case(request, reference)
    mes = expertises_permissions.exiger(request, e, *permissions.ORGANISENT)
    r = _reunion(e, reunion)
    initial = {"lieu": r.lieu, "lien": r.lien, "ordre_du_jour": r.ordre_du_jour}
    form = DeplacerForm(request.POST if request.method == "POST" else None, expertise=e, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.deplacer(
                acteur=_user(request),
                reunion=r,
                debut=d["debut"],
                lieu=d.get("lieu", ""),
                lien=d.get("lien", ""),
                ordre_du_jour=d.get("ordre_du_jour", ""),
            )
        except RefusService as refus:
            _refus(form, refus)
        else:
            messages.success(
                request,
                "La réunion est déplacée : de nouvelles convocations partent, les précédentes sont marquées « remplacée ».",
            )
            return redirect("operations:reunion", reference=e.uuid, reunion=r.uuid)
    retour = reverse("operations:reunion", kwargs={"reference": e.uuid, "reunion": r.uuid})
    return _formulaire(
        request,
        e,
        mes,
        form,
        "Déplacer la réunion",
        "Déplacer et convoquer de nouveau",
        "Les personnes convoquées reçoivent une nouvelle convocation, par la même voie.",
        retour,
    )


@connecte
@require_POST
def annuler(request: HttpRequest, reference: str, reunion: str) -> HttpResponse:
    e, _ = _case(request, reference)
    expertises_permissions.exiger(request, e, *permissions.ORGANISENT)
    r = _reunion(e, reunion)
    retour = reverse("operations:reunion", kwargs={"reference": e.uuid, "reunion": r.uuid})
    demande = confirmation(
        request,
        titre="Annuler cette réunion ?",
        consequence=f"La réunion du {services.heure_locale(r.debut, e.fuseau)} sera annulée, ses convocations marquées « remplacée », et chaque participant prévenu. Cette annulation ne peut pas être défaite.",
        bouton="Annuler la réunion",
        retour=retour,
    )
    if demande is not None:
        return demande
    _agir(
        request,
        lambda: services.annuler(acteur=_user(request), reunion=r),
        "La réunion est annulée et chaque participant en est prévenu.",
    )
    return redirect(retour)


@connecte
@require_http_methods(["GET", "POST"])
def envoi(request: HttpRequest, reference: str, convocation: str) -> HttpResponse:
    e, _ = _case(request, reference)
    mes = expertises_permissions.exiger(request, e, *permissions.ORGANISENT)
    c = _convocation(e, convocation)
    form = EnvoiForm(request.POST if request.method == "POST" else None, convocation=c)
    retour = reverse("operations:reunion", kwargs={"reference": e.uuid, "reunion": c.reunion.uuid})
    if request.method == "POST" and form.is_valid():
        try:
            services.declarer_envoi(
                acteur=_user(request),
                convocation=c,
                numero_suivi=form.cleaned_data.get("numero_suivi", ""),
                envoyee_le=form.cleaned_data["envoyee_le"],
            )
        except RefusService as refus:
            _refus(form, refus)
        else:
            messages.success(request, f"L'envoi de la lettre à {c.destinataire} est enregistré.")
            return redirect(retour)
    titre = f"Envoi par {Canal(c.canal).label.lower()} à {c.destinataire}"
    return _formulaire(
        request,
        e,
        mes,
        form,
        titre,
        "Enregistrer l'envoi",
        "Imprimez la convocation scellée et postez-la, puis indiquez la date d'envoi.",
        retour,
    )


@connecte
@require_http_methods(["GET", "POST"])
def avis(request: HttpRequest, reference: str, convocation: str) -> HttpResponse:
    e, _ = _case(request, reference)
    mes = expertises_permissions.exiger(request, e, *permissions.ORGANISENT)
    c = _convocation(e, convocation)
    form = AvisForm(request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None)
    retour = reverse("operations:reunion", kwargs={"reference": e.uuid, "reunion": c.reunion.uuid})
    if request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data["avis"]
        try:
            services.deposer_avis(
                acteur=_user(request),
                convocation=c,
                non_reclame=form.cleaned_data["issue"] == "non_reclame",
                le=form.cleaned_data["le"],
                scan=fichier.read(services.TAILLE_MAX_AVIS + 1),
                nom=fichier.name or "",
            )
        except RefusService as refus:
            _refus(form, refus)
        else:
            messages.success(request, f"L'issue de la lettre recommandée à {c.destinataire} est enregistrée.")
            return redirect(retour)
    return _formulaire(
        request, e, mes, form, f"Avis de réception — {c.destinataire}", "Déposer l'avis", "", retour, multipart=True
    )


@connecte
@require_POST
def presence(request: HttpRequest, reference: str, reunion: str) -> HttpResponse:
    e, mes = _case(request, reference)
    r = _reunion(e, reunion)
    user = _user(request)
    expert = Qualite.EXPERT in mes
    courantes = list(r.convocations.exclude(statut=StatutConvocation.REMPLACEE).select_related("participant"))
    if not expert and not any(c.participant is not None and c.participant.utilisateur_id == user.pk for c in courantes):
        expertises_permissions.exiger(request, e, Qualite.EXPERT)  # 403, logged
    form = PresenceForm(request.POST, reunion=r, convocations=courantes, expert=expert)
    retour = reverse("operations:reunion", kwargs={"reference": e.uuid, "reunion": r.uuid})
    if form.is_valid():
        d = form.cleaned_data
        c = next(x for x in courantes if str(x.uuid) == d["convocation"])
        try:
            services.signer_presence(
                acteur=user,
                reunion=r,
                convocation=c,
                nom=d.get("nom", ""),
                qualite=d.get("qualite", ""),
                represente=d.get("represente", ""),
                arrivee=form.instant(d.get("arrivee")),
                depart=form.instant(d.get("depart")),
                statut=d.get("statut") or "present",
            )
        except RefusService as refus:
            _refus(form, refus)
        else:
            messages.success(request, "La feuille de présence est signée pour cette personne.")
            return redirect(retour)
    return _formulaire(request, e, mes, form, "Feuille de présence", "Signer", "", retour)


@connecte
@require_POST
def sceller(request: HttpRequest, reference: str, reunion: str) -> HttpResponse:
    e, _ = _case(request, reference)
    expertises_permissions.exiger(request, e, *permissions.ORGANISENT)
    r = _reunion(e, reunion)
    retour = reverse("operations:reunion", kwargs={"reference": e.uuid, "reunion": r.uuid})
    demande = confirmation(
        request,
        titre="Clore et sceller la feuille de présence ?",
        consequence="Les personnes convoquées qui n'ont pas signé seront notées absentes ; la feuille sera scellée et ne pourra plus changer.",
        bouton="Sceller la feuille",
        retour=retour,
    )
    if demande is not None:
        return demande
    _agir(request, lambda: services.sceller_feuille(acteur=_user(request), reunion=r), "La feuille de présence est scellée.")
    return redirect(retour)


@connecte
@require_GET
def feuille(request: HttpRequest, reference: str, reunion: str) -> HttpResponse:
    e, _ = _case(request, reference)
    r = _reunion(e, reunion)
    if r.feuille is None:
        raise Http404
    return reponse_telechargement(r.feuille, request)  # type: ignore[return-value]


@connecte
@require_GET
def preuve(request: HttpRequest, reference: str, convocation: str) -> HttpResponse:
    e, mes = _case(request, reference)
    c = _convocation(e, convocation)
    if not permissions.voit_preuves_postales(mes):
        expertises_permissions.exiger(request, e, *permissions.COUR)
    document = c.avis_reception or c.preuve_lre
    if document is None:
        raise Http404
    return reponse_telechargement(document, request)  # type: ignore[return-value]


@connecte
@require_POST
def compte_rendu(request: HttpRequest, reference: str, reunion: str) -> HttpResponse:
    e, _ = _case(request, reference)
    expertises_permissions.exiger(request, e, *permissions.ORGANISENT)
    r = _reunion(e, reunion)
    depot = Depot.objects.filter(
        expertise=e, type=TypeDocument.COMPTE_RENDU, uuid__in=[x for x in request.POST.getlist("compte_rendu") if len(x) == 36]
    ).first()
    _agir(
        request,
        lambda: services.lier_compte_rendu(acteur=_user(request), reunion=r, depot=depot),
        "Le compte rendu est rattaché à la réunion.",
    )
    return redirect("operations:reunion", reference=e.uuid, reunion=r.uuid)


@connecte
@require_POST
def consentement(request: HttpRequest, reference: str) -> HttpResponse:
    e, mes = _case(request, reference)
    if not mes & permissions.CONSENTENT:
        expertises_permissions.exiger(request, e, *permissions.CONSENTENT)
    try:
        if request.POST.get("retirer") == "oui":
            services.retirer_consentement(acteur=_user(request), expertise=e)
            messages.success(
                request, "Votre consentement est retiré : les prochaines convocations vous parviendront par courrier."
            )
        else:
            services.consentir_echange(acteur=_user(request), expertise=e)
            messages.success(request, "Votre consentement aux échanges électroniques est enregistré (CPC 748-1).")
    except RefusService as refus:
        messages.error(request, str(refus))
    return redirect("operations:operations", reference=e.uuid)


@connecte
@require_POST
def consentement_visio(request: HttpRequest, reference: str, reunion: str) -> HttpResponse:
    e, mes = _case(request, reference)
    if not mes & permissions.CONSENTENT:
        expertises_permissions.exiger(request, e, *permissions.CONSENTENT)
    r = _reunion(e, reunion)
    _agir(
        request,
        lambda: services.consentir_visio(acteur=_user(request), reunion=r),
        "Votre consentement à la réunion par visioconférence est enregistré.",
    )
    return redirect("operations:reunion", reference=e.uuid, reunion=r.uuid)


@connecte
@require_http_methods(["GET", "POST"])
def etape(request: HttpRequest, reference: str, etape: str | None = None) -> HttpResponse:
    e, _ = _case(request, reference)
    mes = expertises_permissions.exiger(request, e, *permissions.CALENDRIER)
    existante = None
    if etape is not None:
        existante = EtapeCalendrier.objects.filter(expertise=e, uuid=etape).first()
        if existante is None:
            raise Http404
    juge = bool(mes & {Qualite.MAGISTRAT, Qualite.GREFFIER})
    initial = (
        {"nature": existante.nature, "date": existante.date, "libelle": existante.libelle, "du_juge": existante.du_juge}
        if existante
        else {}
    )
    form = EtapeForm(request.POST if request.method == "POST" else None, juge=juge, initial=initial)
    if request.method == "POST" and request.POST.get("supprimer") == "oui" and existante is not None:
        _agir(
            request,
            lambda: services.supprimer_etape(acteur=_user(request), etape=existante),
            "La date est retirée du calendrier ; chaque participant en est prévenu.",
        )
        return redirect("operations:operations", reference=e.uuid)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.enregistrer_etape(
                acteur=_user(request),
                expertise=e,
                nature=d["nature"],
                date=d["date"],
                libelle=d.get("libelle", ""),
                du_juge=bool(d.get("du_juge")),
                etape=existante,
            )
        except RefusService as refus:
            _refus(form, refus)
        else:
            messages.success(request, "Le calendrier est publié ; chaque participant est prévenu du changement.")
            return redirect(reverse("operations:operations", kwargs={"reference": e.uuid}) + "#calendrier")
    return _formulaire(request, e, mes, form, "Date du calendrier des opérations", "Publier la date")


@connecte
@require_http_methods(["GET", "POST"])
def mon_calendrier(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    adresse = None
    if request.method == "POST":
        secret = services.renouveler_jeton(acteur=user)
        adresse = lien_absolu(reverse("operations:flux", kwargs={"secret": secret}))
        messages.success(request, "Votre nouvelle adresse d'abonnement est prête ; l'ancienne ne fonctionne plus.")
    return render(
        request,
        "operations/mon_calendrier.html",
        {
            "titre": "Mon calendrier des opérations",
            "adresse": adresse,
            "existe": hasattr(user, "jeton_calendrier") and adresse is None,
        },
    )


@public
@require_GET
def flux(request: HttpRequest, secret: str) -> HttpResponse:
    """The secret iCalendar feed (no session: calendar applications cannot log in). Unknown or
    renewed secret: 404."""
    user = services.utilisateur_du_jeton(secret)
    if user is None:
        raise Http404
    reponse = HttpResponse(calendrier.flux(user), content_type="text/calendar; charset=utf-8")
    reponse["Cache-Control"] = "private, no-store"
    reponse["X-Robots-Tag"] = "noindex"
    return reponse
