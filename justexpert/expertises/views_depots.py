"""Pages of the documents of a case: deposit, convocation, download (first opening proven),
receipts, the contradictoire table, the folder as a ZIP, the notification preference.

Thin like views.py: fetch through permissions (404 for a hidden case or document), call one
service of depots.py, render.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.db import DatabaseError, InterfaceError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from justexpert.coffre import conf as coffre_conf
from justexpert.coffre import services as coffre_services
from justexpert.coffre.noms import content_disposition
from justexpert.coffre.services import MESSAGE_BASE, RefusDepot, taille_lisible
from justexpert.coffre.televersement import RefusCsrf, recevoir_depot, reponse_telechargement, verifier_csrf
from justexpert.comptes.models import Utilisateur
from justexpert.comptes.permissions import connecte
from justexpert.comptes.services import RefusService
from justexpert.lib import envoi
from justexpert.lib.reponses import service_indisponible
from justexpert.preuves import accuses, carte_demo
from justexpert.preuves.models import Evenement

from . import depots, extensions, permissions, prolongation, recus, types_documents
from .forms import ConvocationForm, DepotForm, NotificationForm
from .models import (
    Depot,
    Etat,
    Expertise,
    ModeNotification,
    Ouverture,
    Participant,
    PreferenceNotification,
    Qualite,
    TypeDocument,
)

COUR = {Qualite.EXPERT, Qualite.MAGISTRAT, Qualite.GREFFIER}

logger = logging.getLogger(__name__)


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


def _types(e: Expertise, mes: set[str]) -> list[tuple[str, str]]:
    return [
        (r.type, TypeDocument(r.type).label)
        for r in types_documents.deposables(e.etat, mes, matiere_penale=e.est_penale)
        if not r.genere
    ]


def documents_visibles(user: Utilisateur, e: Expertise, mes: set[str]) -> list[Depot]:
    """The documents of the page, with what the user needs, in a constant number of queries."""
    rows: list[Depot] = list(
        permissions.depots_visibles(user, e, mes)
        .select_related("document", "depose_par", "partie", "evenement")
        .prefetch_related(
            Prefetch(
                "ouvertures", queryset=Ouverture.objects.filter(utilisateur=user).select_related("evenement"), to_attr="miennes"
            )
        )
        .order_by("depose_le", "id")
    )
    repondus = {d.repond_a_id for d in rows if d.repond_a_id}
    complets = accuses.complets([d.evenement for d in rows])
    scelles = [d for d in rows if d.type in prolongation.SCELLES and d.document.detruit_le is None]
    prolonges = coffre_services.dates_versions([d.document_id for d in scelles])
    for d in scelles:
        d.scelle = True  # type: ignore[attr-defined]
        d.prolonge_le = prolonges.get(d.document_id)  # type: ignore[attr-defined]
    for d in rows:
        d.repondu = d.pk in repondus  # type: ignore[attr-defined]
        d.accuse_complet = d.evenement_id in complets  # type: ignore[attr-defined]
        d.non_lu = d.depose_par_id != user.pk and not d.miennes  # type: ignore[attr-defined]
    return rows


def contexte_documents(
    request: HttpRequest,
    e: Expertise,
    mes: set[str],
    *,
    depot_form: DepotForm | None = None,
    convocation_form: ConvocationForm | None = None,
) -> dict[str, Any]:
    user = _user(request)
    types = _types(e, mes)
    peut_convoquer = any(r.genere for r in types_documents.deposables(e.etat, mes, matiere_penale=e.est_penale))
    rows = documents_visibles(user, e, mes)
    return {
        "documents": rows,
        "non_lus": len([d for d in rows if d.non_lu]),  # type: ignore[attr-defined]
        "depot_form": depot_form or (DepotForm(expertise=e, user=user, types=types) if types else None),
        "aides_types": [(TypeDocument(t).label, types_documents.REGLES[t].aide) for t, _ in types],
        "convocation_form": convocation_form or (ConvocationForm(expertise=e) if peut_convoquer else None),
        "voit_contradictoire": bool(mes & COUR),
        "taille_max": taille_lisible(coffre_conf.taille_max()),
        "lecture_seule": e.etat == Etat.CLOSE,
        # The signed report: the three steps and the guide next to the form; in demonstration, the
        # demo card signs the PDF (preuves/carte_demo.py).
        "signe_rapport": any(t == TypeDocument.RAPPORT for t, _ in types),
        "carte_demo": settings.DEMO,
    }


def _erreur(request: HttpRequest, e: Expertise, status: int, **formulaires: Any) -> HttpResponse:
    from .views import _detail

    return _detail(request, e, status=status, documents=formulaires)


def _donnees(request: HttpRequest) -> Any:
    try:
        return request.POST
    except Exception:  # the body could not be parsed (interrupted upload): show an empty form
        return {}


@connecte
@csrf_exempt  # the CSRF check runs inside recevoir_depot, after coffre's upload handler is in place
@require_POST
def deposer(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    mes = permissions.qualites(user, e)
    deposants = {q for r in types_documents.REGLES.values() for q in r.deposants}
    if not mes & deposants:
        permissions.exiger(request, e, *deposants)
    types = _types(e, mes)
    try:
        fichier = recevoir_depot(request)
    except RefusCsrf as refus:
        return envoi.echec({envoi.GENERAL: [refus.message]}, 403) if envoi.par_script(request) else refus.reponse
    except RefusDepot as refus:
        if envoi.par_script(request):
            return envoi.echec({"fichier" if refus.statut != 503 else envoi.GENERAL: [refus.message]}, refus.statut)
        if refus.statut == 503:
            return service_indisponible(refus.message)
        form = DepotForm(_donnees(request), expertise=e, user=user, types=types)
        form.is_valid()
        form.add_error("fichier", refus.message)
        return _erreur(request, e, refus.statut, depot_form=form)
    try:
        # The form reads the case's parties and documents: the database may have gone away while
        # the file streamed in. Nothing is recorded yet, so the stored object goes at once.
        form = DepotForm(request.POST, expertise=e, user=user, types=types)
        valide = form.is_valid()
    except (DatabaseError, InterfaceError):
        fichier.abandonner()
        logger.exception("expertises: database unavailable while checking a deposit")
        return (
            envoi.echec({envoi.GENERAL: [MESSAGE_BASE]}, 503) if envoi.par_script(request) else service_indisponible(MESSAGE_BASE)
        )
    type_demande = request.POST.get("type", "")
    regle = types_documents.regle(type_demande)
    if regle is not None and not mes & regle.deposants:
        fichier.abandonner()
        permissions.exiger(request, e, *regle.deposants)  # 403, logged
    if not valide:
        fichier.abandonner()
        if envoi.par_script(request):
            return envoi.echec(envoi.erreurs_de(form), 400)
        return _erreur(request, e, 400, depot_form=form)
    d = form.cleaned_data
    try:
        depot = depots.deposer(
            acteur=user,
            expertise=e,
            type_=d["type"],
            fichier=fichier,
            client_id=d.get("identifiant_envoi") or "",
            medical=d.get("medical", False),
            autorises=d.get("autorises") or [],
            partie=d.get("partie"),
            repond_a=d.get("repond_a"),
            date_limite=d.get("date_limite"),
            montant=d.get("montant"),
        )
    except RefusDepot as refus:
        if envoi.par_script(request):
            return envoi.echec({"fichier" if refus.statut != 503 else envoi.GENERAL: [refus.message]}, refus.statut)
        if refus.statut == 503:  # the database is unavailable: the case page cannot be rendered
            return service_indisponible(refus.message)
        form.add_error("fichier", refus.message)
        return _erreur(request, e, refus.statut, depot_form=form)
    except RefusService as refus:
        if envoi.par_script(request):
            return envoi.echec({envoi.GENERAL: [str(refus)]}, 400)
        form.add_error(None, str(refus))
        e.refresh_from_db()
        return _erreur(request, e, 400, depot_form=form)
    except DatabaseError:
        # Lost before or during the commit: coffre's cleanup task removes an object no row names.
        logger.exception("expertises: database unavailable while recording a deposit")
        return (
            envoi.echec({envoi.GENERAL: [MESSAGE_BASE]}, 503) if envoi.par_script(request) else service_indisponible(MESSAGE_BASE)
        )
    suite = " Il est signalé comme reçu après la date limite des dires (CPC 276)." if depot.en_retard else ""
    messages.success(
        request, f"« {depot.libelle} » déposé. Son accusé de dépôt est disponible dans la liste des documents.{suite}"
    )
    return envoi.reussite(request, reverse("expertises:detail", args=[e.uuid]) + "#documents")


@connecte
@require_POST
def convoquer(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    permissions.exiger(request, e, Qualite.EXPERT)
    form = ConvocationForm(request.POST, expertise=e)
    if form.is_valid():
        d = form.cleaned_data
        try:
            depots.convoquer(acteur=user, expertise=e, reunion_le=d["reunion_le"], lieu=d.get("lieu", ""), lien=d.get("lien", ""))
        except RefusService as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(request, "La convocation est déposée et chaque participant en est prévenu.")
            return redirect(reverse("expertises:detail", args=[e.uuid]) + "#documents")
    return _erreur(request, e, 400, convocation_form=form)


@connecte
@require_GET
def telecharger(request: HttpRequest, reference: str, document: str) -> HttpResponse:
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    d = permissions.depot_pour(user, e, document)
    d.expertise = e
    # A sealed PDF the platform extended (prolongation.py): the newest copy, unless the deposited
    # bytes themselves are asked for (the extended copy starts with them).
    servi = d.document if request.GET.get("version") == "deposee" else coffre_services.version_courante(d.document)
    reponse = reponse_telechargement(servi, request)
    if reponse.status_code in (200, 206):
        depots.ouvrir(acteur=user, depot=d)
    return reponse  # type: ignore[return-value]  # a streaming response


def _evenement_visible(
    user: Utilisateur, e: Expertise, mes: set[str], reference: str
) -> tuple[Evenement, Depot, Ouverture | None]:
    """A deposit event of a visible document, or an opening event the user may see (their own;
    anyone's for the expert and the court, who follow the contradictoire)."""
    visibles = permissions.depots_visibles(user, e, mes)
    try:
        d = visibles.select_related("evenement", "document").filter(evenement__uuid=reference).first()
        if d is not None:
            return d.evenement, d, None
        o = (
            Ouverture.objects.select_related("evenement", "depot__document", "utilisateur")
            .filter(evenement__uuid=reference, depot__in=visibles)
            .first()
        )
    except (ValueError, Exception) as exc:  # a malformed reference is a missing one
        if isinstance(exc, Http404):
            raise
        raise Http404 from None
    if o is None or (o.utilisateur_id != user.pk and not mes & COUR):
        raise Http404
    return o.evenement, o.depot, o


@connecte
@require_GET
def accuse(request: HttpRequest, reference: str, evenement: str, format: str) -> HttpResponse:  # noqa: A002
    if format not in ("json", "pdf"):
        raise Http404
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    mes = permissions.qualites(user, e)
    _, d, ouverture = _evenement_visible(user, e, mes, evenement)
    return recus.reponse(e, d, ouverture, format=format)


@connecte
@require_GET
def contradictoire(request: HttpRequest, reference: str) -> HttpResponse:
    """Document by document, who opened it and when (the expert and the court)."""
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    mes = permissions.exiger(request, e, *COUR)
    participants = list(
        Participant.objects.filter(expertise=e, retire_le__isnull=True)
        .exclude(qualite=Qualite.PARTIE if e.est_penale else "")
        .select_related("utilisateur", "partie")
        .order_by("qualite", "id")
    )
    rows = list(
        permissions.depots_visibles(user, e, mes)
        .select_related("document", "depose_par")
        .prefetch_related("ouvertures__evenement", "autorises")
        .order_by("depose_le", "id")
    )
    lignes = []
    for d in rows:
        ouvertures = {o.utilisateur_id: o for o in d.ouvertures.all()}
        autorises = {p.pk for p in d.autorises.all()}
        cellules: list[dict[str, Any]] = []
        for p in participants:
            if p.utilisateur_id == d.depose_par_id:
                cellules.append({"etat": "deposant"})
            elif d.medical and p.qualite not in (Qualite.EXPERT, Qualite.MAGISTRAT) and p.pk not in autorises:
                cellules.append({"etat": "non_destinataire"})
            elif p.utilisateur_id in ouvertures:
                cellules.append({"etat": "ouvert", "ouverture": ouvertures[p.utilisateur_id]})
            else:
                cellules.append({"etat": "non_ouvert"})
        lignes.append({"depot": d, "cellules": cellules})
    return render(
        request,
        "expertises/contradictoire.html",
        {
            "titre": "Contradictoire : qui a ouvert quoi",
            "e": e,
            "participants": participants,
            "lignes": lignes,
            "autres": extensions.contradictoire(user, e, participants),
        },
    )


def nom_zip(e: Expertise) -> str:
    return recus.nom_dossier(e) + ".zip"


@connecte
@require_GET
def dossier_zip(request: HttpRequest, reference: str) -> HttpResponse:
    from .archive import flux_zip

    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    mes = permissions.qualites(user, e)
    rows = list(
        permissions.depots_visibles(user, e, mes)
        .select_related("document", "evenement", "depose_par", "partie")
        .order_by("depose_le", "id")
    )
    for d in rows:
        d.expertise = e
    depots.ouvrir_plusieurs(acteur=user, depots=rows)  # the contents go to this person: first openings
    autres = extensions.documents(user, e, mes)
    reponse = StreamingHttpResponse(flux_zip(rows, e.fuseau, autres), content_type="application/zip")
    reponse["Content-Disposition"] = content_disposition(nom_zip(e))
    reponse["Cache-Control"] = "no-store"
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse  # type: ignore[return-value]  # a streaming response


@connecte
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    actuel = PreferenceNotification.objects.filter(utilisateur=user).values_list("mode", flat=True).first()
    form = NotificationForm(
        request.POST if request.method == "POST" else None, initial={"mode": actuel or ModeNotification.IMMEDIAT}
    )
    if request.method == "POST" and form.is_valid():
        try:
            depots.choisir_notification(acteur=user, mode=form.cleaned_data["mode"])
        except RefusService as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(request, "Votre choix est enregistré.")
            return redirect("expertises:notifications")
    return render(
        request,
        "expertises/formulaire.html",
        {"titre": "Notifications des expertises", "form": form, "bouton": "Enregistrer", "retour": None},
        status=400 if form.errors else 200,
    )


class _EnMemoire(MemoryFileUploadHandler):
    """Keeps the PDF to sign in memory up to the demo card's limit (never on disk)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: ANN001, N803 (Django API)
        self.activated = content_length <= carte_demo.TAILLE_MAX + 64 * 1024


@connecte
@csrf_exempt  # checked below, once the in-memory upload handler is in place
@require_POST
def signer_demo(request: HttpRequest, reference: str) -> HttpResponse:
    """Demonstration only: return the uploaded PDF signed with the demo expert's card."""
    if not settings.DEMO:
        raise Http404
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    permissions.exiger(request, e, Qualite.EXPERT)
    request.upload_handlers = [_EnMemoire(request)]
    refus_csrf = verifier_csrf(request)
    if refus_csrf is not None:
        return refus_csrf
    fichier = request.FILES.get("pdf")
    try:
        if fichier is None:
            raise carte_demo.RefusCarteDemo("Choisissez le PDF du rapport à signer.")
        if fichier.size > carte_demo.TAILLE_MAX:
            raise carte_demo.RefusCarteDemo("Ce PDF dépasse 20 Mo : la carte de démonstration ne signe que des PDF plus petits.")
        signe = carte_demo.signer_pdf(fichier.read())
    except carte_demo.RefusCarteDemo as refus:
        messages.error(request, str(refus))
        return redirect(reverse("expertises:detail", args=[e.uuid]) + "#signature-rapport")
    nom = (fichier.name or "rapport.pdf").rsplit(".", 1)[0] + "-signe.pdf"
    reponse = HttpResponse(signe, content_type="application/pdf")
    reponse["Content-Disposition"] = content_disposition(nom)
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse
