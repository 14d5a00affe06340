"""Pages of the exchange folders. Thin: fetch through permissions, call one service, render."""

from __future__ import annotations

import logging
import uuid
from typing import Any, cast

from django.contrib import messages
from django.db import DatabaseError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from justexpert.annuaire import permissions as annuaire_permissions
from justexpert.coffre.services import MESSAGE_BASE, RefusDepot
from justexpert.coffre.televersement import RefusCsrf, recevoir_depot, reponse_telechargement
from justexpert.comptes.models import Role, Utilisateur
from justexpert.comptes.permissions import connecte, refuser, roles
from justexpert.comptes.services import RefusService
from justexpert.lib import envoi
from justexpert.lib.confirmation import confirmation
from justexpert.lib.reponses import service_indisponible
from justexpert.preuves import accuses
from justexpert.preuves.models import Evenement

from . import permissions, recus, services, trace
from .forms import AgentForm, DepotForm, EchangeForm, InvitationForm, RechercheExpertForm
from .models import Echange, Fichier, Telechargement

logger = logging.getLogger(__name__)

MESSAGE_SECOND_FACTEUR = "Activez la double authentification pour accéder à vos échanges sécurisés."


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


def _second_facteur(request: HttpRequest) -> HttpResponse | None:
    """Invited persons must enrol a TOTP factor first (checked before any lookup: reveals nothing)."""
    if permissions.second_facteur_manquant(_user(request)):
        messages.warning(request, MESSAGE_SECOND_FACTEUR)
        return redirect(f"{reverse('comptes:second_facteur_activer')}?next={request.path}")
    return None


@connecte
@require_GET
def liste(request: HttpRequest) -> HttpResponse:
    if (refus := _second_facteur(request)) is not None:
        return refus
    maintenant = timezone.now()
    echanges = (
        permissions.echanges_visibles(_user(request))
        .select_related("juridiction")
        .annotate(
            nb_disponibles=Count(
                "fichiers",
                filter=Q(
                    fichiers__expire_le__isnull=True,
                    fichiers__supprime_le__isnull=True,
                    fichiers__disponible_jusqu_au__gt=maintenant,
                ),
            )
        )
    )
    return render(
        request,
        "echanges/liste.html",
        {"titre": "Échanges sécurisés", "echanges": echanges, "peut_creer": _user(request).a_role(Role.AGENT)},
    )


@roles(Role.AGENT)
@require_http_methods(["GET", "POST"])
def creer(request: HttpRequest) -> HttpResponse:
    form = EchangeForm(request.POST or None, user=_user(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            echange = services.creer_echange(
                acteur=_user(request),
                titre=data["titre"],
                juridiction=data["juridiction"],
                matiere=data["matiere"],
                reference_procedure=data["reference_procedure"],
            )
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "L'échange est créé. Invitez maintenant les personnes avec qui échanger.")
            return redirect("echanges:inviter", echange.uuid)
    return render(
        request,
        "echanges/formulaire.html",
        {"titre": "Nouvel échange sécurisé", "form": form},
        status=400 if form.errors else 200,
    )


def _detail(request: HttpRequest, echange: Echange, *, form: DepotForm | None = None, status: int = 200) -> HttpResponse:
    user = _user(request)
    maintenant = timezone.now()
    fichiers = list(
        Fichier.objects.filter(echange=echange)
        .select_related("depose_par", "evenement_depot")
        .annotate(nb_telechargements=Count("telechargements"))
    )
    mes_telechargements: dict[int, Any] = {}  # file -> my first download's event (its accusé)
    for fichier_id, evenement in (
        Telechargement.objects.filter(fichier__echange=echange, utilisateur=user)
        .order_by("-le")
        .values_list("fichier_id", "evenement__uuid")
    ):
        mes_telechargements[fichier_id] = evenement
    complets = accuses.complets([f.evenement_depot for f in fichiers])
    for f in fichiers:
        f.disponible = f.est_disponible(maintenant)  # type: ignore[attr-defined]
        f.deja_telecharge = f.pk in mes_telechargements  # type: ignore[attr-defined]
        f.mon_telechargement = mes_telechargements.get(f.pk)  # type: ignore[attr-defined]
        f.accuse_complet = f.evenement_depot_id in complets  # type: ignore[attr-defined]
        f.supprimable = f.disponible and permissions.peut_supprimer(user, f)  # type: ignore[attr-defined]
    return render(
        request,
        "echanges/detail.html",
        {
            "titre": echange.titre,
            "echange": echange,
            "est_agent": permissions.est_agent_de(user, echange),
            "participants": echange.participants.filter(retire_le__isnull=True).select_related("utilisateur"),
            "fichiers": fichiers,
            "form": form or DepotForm(),
        },
        status=status,
    )


@connecte
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    if (refus := _second_facteur(request)) is not None:
        return refus
    return _detail(request, permissions.echange_pour(_user(request), reference))


def _post_recu(request: HttpRequest) -> QueryDict:
    try:
        return request.POST
    except Exception:  # the body could not be parsed: nothing more to keep
        return QueryDict()


@connecte
@csrf_exempt  # the CSRF check runs inside recevoir_depot, once coffre's upload handler is in place
@require_POST
def deposer(request: HttpRequest, reference: str) -> HttpResponse:
    if (refus := _second_facteur(request)) is not None:
        return refus
    echange = permissions.echange_pour(_user(request), reference)  # 404 before reading the body
    try:
        depot = recevoir_depot(request)
    except RefusCsrf as exc:
        return envoi.echec({envoi.GENERAL: [exc.message]}, 403) if envoi.par_script(request) else exc.reponse
    except RefusDepot as exc:
        if envoi.par_script(request):
            return envoi.echec({"fichier" if exc.statut != 503 else envoi.GENERAL: [exc.message]}, exc.statut)
        form = DepotForm(data=_post_recu(request))
        form.is_valid()
        form.add_error("fichier", exc.message)
        return _detail(request, echange, form=form, status=exc.statut)
    form = DepotForm(data=request.POST)
    if not form.is_valid():
        depot.abandonner()
        if envoi.par_script(request):
            return envoi.echec(envoi.erreurs_de(form), 400)
        form.add_error("fichier", "Le fichier n'a pas été enregistré : corrigez la durée puis choisissez-le de nouveau.")
        return _detail(request, echange, form=form, status=400)
    try:
        fichier = services.deposer(acteur=_user(request), echange=echange, depot=depot, jours=form.cleaned_data["jours"])
    except RefusService as exc:
        if envoi.par_script(request):
            return envoi.echec({envoi.GENERAL: [str(exc)]}, 400)
        form.add_error(None, str(exc))
        return _detail(request, echange, form=form, status=400)
    except RefusDepot as exc:
        if envoi.par_script(request):
            return envoi.echec({"fichier" if exc.statut != 503 else envoi.GENERAL: [exc.message]}, exc.statut)
        if exc.statut == 503:  # the database is unavailable: the folder page cannot be rendered
            return _service_indisponible(exc.message)
        form.add_error("fichier", exc.message)
        return _detail(request, echange, form=form, status=exc.statut)
    except DatabaseError:
        # Lost before or during the commit: the stored object, if any, is removed by coffre's
        # cleanup task once no row names it (docs/coffre.md).
        logger.exception("echanges: database unavailable while recording a deposit")
        if envoi.par_script(request):
            return envoi.echec({envoi.GENERAL: [MESSAGE_BASE]}, 503)
        return _service_indisponible(MESSAGE_BASE)
    messages.success(request, f"« {fichier.nom} » est déposé ; les autres participants sont avisés par courriel.")
    return envoi.reussite(request, reverse("echanges:detail", kwargs={"reference": echange.uuid}))


_service_indisponible = service_indisponible


def _indisponible(request: HttpRequest, fichier: Fichier, message: str) -> HttpResponse:
    return render(
        request,
        "echanges/message.html",
        {"titre": "Fichier indisponible", "message": message, "echange": fichier.echange},
        status=410,
    )


@connecte  # type: ignore[type-var]  # a streamed response is an HttpResponseBase
@require_GET
def telecharger(request: HttpRequest, reference: str) -> HttpResponseBase:
    if (refus := _second_facteur(request)) is not None:
        return refus
    fichier = permissions.fichier_pour(_user(request), reference)
    if not fichier.est_disponible():
        return _indisponible(request, fichier, services.message_indisponible(fichier))
    plage = request.headers.get("Range", "")
    if not plage or plage.replace(" ", "").startswith("bytes=0-"):
        # One download per transfer started from the first byte (resumed ranges are not new downloads).
        try:
            services.enregistrer_telechargement(acteur=_user(request), fichier=fichier)
        except services.FichierIndisponible as exc:
            return _indisponible(request, fichier, str(exc))
    return reponse_telechargement(fichier.document, request)


@connecte
@require_POST
def supprimer(request: HttpRequest, reference: str) -> HttpResponse:
    if (refus := _second_facteur(request)) is not None:
        return refus
    fichier = permissions.fichier_pour(_user(request), reference)
    if not permissions.peut_supprimer(_user(request), fichier):
        refuser(request, "echange_supprimer", fichier=str(fichier.uuid))
    if not fichier.termine:
        demande = confirmation(
            request,
            titre=f"Supprimer « {fichier.nom} »",
            consequence=(
                "Son contenu sera détruit aussitôt : personne ne pourra plus le télécharger. "
                "La trace du dépôt et des téléchargements reste dans l'échange."
            ),
            bouton="Supprimer le fichier",
            retour=reverse("echanges:detail", kwargs={"reference": fichier.echange.uuid}),
        )
        if demande is not None:
            return demande
    try:
        services.supprimer_fichier(acteur=_user(request), fichier=fichier)
    except RefusService as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Le fichier est supprimé : son contenu est détruit, la trace reste.")
    return redirect("echanges:detail", fichier.echange.uuid)


def _page_inviter(
    request: HttpRequest,
    echange: Echange,
    *,
    form: InvitationForm | None = None,
    form_agent: AgentForm | None = None,
    erreur_expert: str = "",
    status: int = 200,
) -> HttpResponse:
    recherche = RechercheExpertForm(request.GET or None)
    experts = []
    if recherche.is_valid() and recherche.cleaned_data["q"].strip():
        q = recherche.cleaned_data["q"].strip()
        experts = list(
            annuaire_permissions.visibles_par(_user(request))
            .filter(Q(nom__icontains=q) | Q(prenom__icontains=q))
            .exclude(email="")
            .select_related("cour_appel")[:20]
        )
    return render(
        request,
        "echanges/inviter.html",
        {
            "titre": "Inviter dans l'échange",
            "echange": echange,
            "form": form or InvitationForm(),
            "form_agent": form_agent or AgentForm(agents=services.agents_ajoutables(echange)),
            "recherche": recherche,
            "experts": experts,
            "erreur_expert": erreur_expert,
            "invitations": services.invitations_en_cours(echange),
        },
        status=status,
    )


@connecte
@require_http_methods(["GET", "POST"])
def inviter(request: HttpRequest, reference: str) -> HttpResponse:
    if (refus := _second_facteur(request)) is not None:
        return refus
    echange = permissions.echange_a_gerer(request, reference)
    if request.method != "POST":
        return _page_inviter(request, echange)
    form = InvitationForm(request.POST)
    expert_ref = request.POST.get("expert", "")
    if expert_ref:
        try:
            expert = annuaire_permissions.fiche_pour(_user(request), uuid.UUID(expert_ref))
        except (Http404, ValueError):
            return _page_inviter(request, echange, erreur_expert="Cet expert n'a pas été trouvé dans l'annuaire.", status=400)
        form = InvitationForm({"email": expert.email})
    if not form.is_valid():
        return _page_inviter(request, echange, form=form, status=400)
    try:
        services.inviter_personne(acteur=_user(request), echange=echange, email=form.cleaned_data["email"])
    except RefusService as exc:
        form.add_error("email", str(exc))
        return _page_inviter(request, echange, form=form, status=400)
    messages.success(request, f"Invitation envoyée à {form.cleaned_data['email']}.")
    return redirect("echanges:inviter", echange.uuid)


@connecte
@require_POST
def ajouter_agent(request: HttpRequest, reference: str) -> HttpResponse:
    if (refus := _second_facteur(request)) is not None:
        return refus
    echange = permissions.echange_a_gerer(request, reference)
    form = AgentForm(request.POST, agents=services.agents_ajoutables(echange))
    if form.is_valid():
        try:
            services.ajouter_agent(acteur=_user(request), echange=echange, utilisateur=form.cleaned_data["agent"])
        except RefusService as exc:
            form.add_error("agent", str(exc))
        else:
            messages.success(request, f"{form.cleaned_data['agent']} participe maintenant à l'échange.")
            return redirect("echanges:detail", echange.uuid)
    return _page_inviter(request, echange, form_agent=form, status=400)


@connecte
@require_POST
def retirer(request: HttpRequest, reference: str, participant: str) -> HttpResponse:
    if (refus := _second_facteur(request)) is not None:
        return refus
    echange = permissions.echange_a_gerer(request, reference)
    cible = permissions.participant_a_gerer(request, echange, participant)
    try:
        services.retirer_participant(acteur=_user(request), participant=cible)
    except RefusService as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{cible.utilisateur} ne participe plus à l'échange.")
    return redirect("echanges:detail", echange.uuid)


@connecte
@require_GET
def trace_echange(request: HttpRequest, reference: str) -> HttpResponse:
    if (refus := _second_facteur(request)) is not None:
        return refus
    echange = permissions.echange_a_gerer(request, reference)
    return render(
        request,
        "echanges/trace.html",
        {"titre": f"Trace — {echange.titre}", "echange": echange, "lignes": trace.lignes(echange)},
    )


@connecte
@require_GET
def trace_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    if (refus := _second_facteur(request)) is not None:
        return refus
    echange = permissions.echange_a_gerer(request, reference)
    reponse = HttpResponse(trace.trace_pdf_scellee(echange), content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="trace-echange-{echange.uuid}.pdf"'
    reponse["Cache-Control"] = "no-store"
    return reponse


@connecte
@require_GET
def accuse(request: HttpRequest, reference: str, format: str = "json") -> HttpResponse:  # noqa: A002
    """The accusé of a deposit, download, deletion or expiry of a file of a visible folder: the
    sealed PDF for people (``accuse_pdf``), the bare JSON receipt for programs (``accuse``)."""
    if (refus := _second_facteur(request)) is not None:
        return refus
    visibles = permissions.echanges_visibles(_user(request))
    try:
        evenement = Evenement.objects.get(uuid=reference)
    except (Evenement.DoesNotExist, ValueError):
        raise Http404 from None
    fichier = (
        Fichier.objects.filter(echange__in=visibles)
        .filter(Q(evenement_depot=evenement) | Q(evenement_fin=evenement) | Q(telechargements__evenement=evenement))
        .select_related("echange__juridiction", "depose_par", "supprime_par")
        .first()
    )
    if fichier is None:
        raise Http404
    telechargement = Telechargement.objects.filter(fichier=fichier, evenement=evenement).select_related("utilisateur").first()
    return recus.reponse(fichier.echange, fichier, evenement, telechargement, format=format)
