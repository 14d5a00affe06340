"""Pages of the expertise cases. Thin: fetch through permissions, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from justexpert.comptes.models import Role, Utilisateur
from justexpert.comptes.permissions import connecte, refuser, roles
from justexpert.comptes.services import RefusService
from justexpert.lib.confirmation import confirmation
from justexpert.lib.temps import date_locale, fin_de_journee, jours_restants, maintenant
from justexpert.recherche.lecture import sollicitations_acceptees

from . import conditions, extensions, greffes, participants, permissions, portalis, procedure, relances, services
from .forms import (
    DesignationForm,
    FiltreForm,
    GreffeParDefautForm,
    GreffierForm,
    InvitationForm,
    PartieForm,
    PortalisForm,
    arguments,
    formulaire,
)
from .models import Etat, Expertise, Historique, Participant, Qualite

PROCHE_JOURS = 15
PAR_PAGE = 200


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


def _libelles_qualites(qualites: frozenset[str] | set[str], mes: set[str] | frozenset[str] = frozenset()) -> str:
    """« greffier, expert (vous) »: « (vous) » follows each capacity the reader holds, not the list."""
    libelles = [Qualite(q).label.lower() + (" (vous)" if q in mes else "") for q in sorted(qualites) if q in Qualite.values]
    return ", ".join(libelles) or "personne"


def _echeance(e: Expertise, ech: services.Echeance | None) -> dict[str, Any] | None:
    if ech is None:
        return None
    restant = jours_restants(ech.jour, e.fuseau)
    return {
        "nature": ech.nature,
        "libelle": ech.libelle,
        "jour": ech.jour,
        "fin": fin_de_journee(ech.jour, e.fuseau),
        "restant": restant,
        "depassee": restant < 0,
        "proche": 0 <= restant <= PROCHE_JOURS,
        "qui": _libelles_qualites(ech.qualites),
    }


def _avec_participants(qs: QuerySet[Expertise]) -> QuerySet[Expertise]:
    return qs.select_related("juridiction").prefetch_related(
        Prefetch(
            "participants",
            queryset=Participant.objects.filter(retire_le__isnull=True).select_related("utilisateur"),
            to_attr="actifs",
        )
    )


def lignes(user: Utilisateur, qs: QuerySet[Expertise]) -> list[dict[str, Any]]:
    """One row per case with its nearest deadline and who must act (constant number of queries)."""
    result = []
    for e in _avec_participants(qs):
        actifs: list[Participant] = e.actifs  # type: ignore[attr-defined]
        mes = permissions.qualites(user, e, participations=[p for p in actifs if p.utilisateur_id == user.pk])
        attendues, phrase = procedure.ATTENTE[Etat(e.etat)]
        result.append(
            {
                "expertise": e,
                "experts": [p.utilisateur for p in actifs if p.qualite == Qualite.EXPERT],
                "echeance": _echeance(e, services.prochaine_echeance(e)),
                "attente": _libelles_qualites(attendues),
                "phrase": phrase,
                "a_moi": bool(mes & attendues),
                "qualites": _libelles_qualites(mes),
            }
        )
    return result


@connecte
@require_GET
def liste(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filtre = FiltreForm(request.GET or None)
    qs = permissions.expertises_visibles(user)
    critere = {}
    if filtre.is_valid():
        critere = filtre.cleaned_data
        if critere.get("etat"):
            qs = qs.filter(etat=critere["etat"])
        if critere.get("q"):
            q = critere["q"].strip()
            qs = qs.filter(Q(numero_rg__icontains=q) | Q(numero_portalis__icontains=portalis.normaliser(q) or q))
    rows = lignes(user, qs.order_by("date_limite_rapport", "id"))
    if critere.get("echeance") == "depassee":
        rows = [r for r in rows if r["echeance"] and r["echeance"]["depassee"]]
    elif critere.get("echeance") == "proche":
        rows = [r for r in rows if r["echeance"] and r["echeance"]["proche"]]
    page = Paginator(rows, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "expertises/liste.html",
        {
            "titre": "Expertises",
            "page": page,
            "filtre": filtre,
            "nombre": len(rows),
            "depassees": sum(1 for r in rows if r["echeance"] and r["echeance"]["depassee"]),
            "peut_designer": user.a_role(Role.MAGISTRAT, Role.GREFFIER),
        },
    )


@roles(Role.MAGISTRAT, Role.GREFFIER)
@require_http_methods(["GET", "POST"])
def nouvelle(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial: dict[str, object] = {"date_ordonnance": date_locale(maintenant(), None)}
    sollicitation = None
    if request.GET.get("sollicitation"):
        try:
            sollicitation = sollicitations_acceptees(user).filter(uuid=request.GET["sollicitation"]).first()
        except ValidationError:
            sollicitation = None
        if sollicitation is None:
            raise Http404
        initial.update(services.depuis_sollicitation(sollicitation))
    form = DesignationForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            e = services.designer(
                acteur=user,
                juridiction=d["juridiction"],
                numero_rg=d["numero_rg"],
                numero_portalis=d.get("numero_portalis", ""),
                matiere=d["matiere"],
                type_procedure=d["type_procedure"],
                fiche_expert=d["fiche_expert"],
                mission=d["mission"],
                questions=d["questions_liste"],
                date_ordonnance=d["date_ordonnance"],
                date_limite_rapport=d["date_limite_rapport"],
                magistrat=d.get("magistrat"),
                greffiers=d.get("greffiers") or [],
                consignation_montant=d.get("consignation_montant"),
                consignation_date_limite=d.get("consignation_date_limite"),
                parties=d["parties"],
                matiere_financiere=d.get("matiere_financiere", False),
                urgence=d.get("urgence", False),
                sollicitation=sollicitation,
            )
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "L'expertise est ouverte. Le greffe notifie maintenant la désignation à l'expert.")
            return redirect("expertises:detail", e.uuid)
    return render(
        request,
        "expertises/formulaire.html",
        {
            "titre": "Désigner un expert",
            "form": form,
            "bouton": "Ouvrir l'expertise",
            "retour": None,
            "sollicitation": sollicitation,
            "acceptees": [] if sollicitation else list(sollicitations_acceptees(user)[:20]),
        },
        status=400 if form.errors else 200,
    )


PAR_DEPOT = procedure.PAR_DEPOT


def _detail(
    request: HttpRequest,
    e: Expertise,
    *,
    formulaires: dict[str, object] | None = None,
    status: int = 200,
    documents: dict[str, Any] | None = None,
) -> HttpResponse:
    from .views_depots import contexte_documents

    user = _user(request)
    mes = permissions.qualites(user, e)
    formulaires = formulaires or {}
    # Every step offered is shown usable, or disabled with the reason the service would give.
    actions = [
        {
            "transition": t,
            "form": formulaires.get(t.nom) or formulaire(t.nom, e),
            "empechement": conditions.empechement(t.nom, e),
            "definitive": t.nom in procedure.CONSEQUENCES,
        }
        for t in procedure.possibles(e.etat, e.matiere, mes)
        if t.nom not in PAR_DEPOT
    ]
    # A form that failed stays on the page with what was typed, even if the state moved meanwhile.
    actions += [
        {"transition": procedure.TRANSITIONS[nom], "form": form, "empechement": None, "definitive": False}
        for nom, form in formulaires.items()
        if nom not in {a["transition"].nom for a in actions}  # type: ignore[attr-defined]
    ]
    attendues, phrase = procedure.ATTENTE[Etat(e.etat)]
    actifs = list(e.participants.filter(retire_le__isnull=True).select_related("utilisateur", "partie"))
    for p in actifs:
        p.retirable = p.utilisateur_id != user.pk and p.qualite != Qualite.EXPERT and permissions.peut_retirer(mes, p)  # type: ignore[attr-defined]
    mes_parties = {p.partie_id for p in actifs if p.utilisateur_id == user.pk and p.qualite == Qualite.AVOCAT}
    parties = list(e.parties.all())
    for partie in parties:
        partie.est_mon_client = partie.pk in mes_parties  # type: ignore[attr-defined]
    gere = bool(mes & {Qualite.EXPERT, Qualite.GREFFIER}) and e.etat != Etat.CLOSE
    # Reminders of the judge of the control: seen by the court and the expert, not by the parties.
    relances_du_dossier = (
        list(e.relances.select_related("expert", "auteur").order_by("-envoyee_le", "-id"))
        if mes & {Qualite.EXPERT, Qualite.MAGISTRAT, Qualite.GREFFIER}
        else []
    )
    return render(
        request,
        "expertises/detail.html",
        {
            "relances": relances_du_dossier,
            "titre": "Expertise pénale" if e.est_penale else f"Expertise RG {e.numero_rg}",
            "e": e,
            "mes_qualites": _libelles_qualites(mes),
            "onglets": extensions.onglets(user, e, mes),
            "actions": actions,
            "attente": _libelles_qualites(attendues, mes),
            "phrase": phrase,
            "a_moi": bool(mes & attendues),
            "echeances": [_echeance(e, ech) for ech in services.echeances(e)],
            "participants": actifs,
            "parties": parties,
            "invitations": participants.invitations_en_cours(e) if gere else [],
            "peut_inviter": gere,
            "peut_ajouter_greffier": bool(mes & {Qualite.MAGISTRAT, Qualite.GREFFIER}) and e.etat != Etat.CLOSE,
            "peut_modifier_portalis": bool(mes & {Qualite.MAGISTRAT, Qualite.GREFFIER})
            and e.etat != Etat.CLOSE
            and not e.est_penale,
            "peut_ajouter_partie": bool(mes & {Qualite.EXPERT, Qualite.GREFFIER, Qualite.MAGISTRAT}) and e.etat != Etat.CLOSE,
            "historique": historique(e),
            "par_depot": [
                f"{procedure.TRANSITIONS[nom].libelle} : déposez {quoi} dans « Documents »."
                for nom, quoi in PAR_DEPOT.items()
                if nom in {t.nom for t in procedure.possibles(e.etat, e.matiere, mes)}
            ],
            **contexte_documents(request, e, mes, **(documents or {})),
        },
        status=status,
    )


def historique(e: Expertise) -> list[Historique]:
    rows = list(e.historique.select_related("acteur", "evenement"))
    for h in rows:
        t = procedure.TRANSITIONS.get(h.transition)
        h.libelle = t.libelle if t else "Désignation de l'expert"  # type: ignore[attr-defined]
        h.qualite_libelle = Qualite(h.qualite).label.lower() if h.qualite in Qualite.values else h.qualite  # type: ignore[attr-defined]
    return rows


@connecte
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _detail(request, permissions.expertise_pour(_user(request), reference))


@connecte
@require_POST
def accuser_relance(request: HttpRequest, reference: str, relance: str) -> HttpResponse:
    """The expert acknowledges a reminder of the judge of the control."""
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    permissions.exiger(request, e, Qualite.EXPERT)
    r = e.relances.filter(uuid=relance).first()
    if r is None:
        raise Http404
    try:
        relances.accuser_reception(acteur=user, relance=r)
    except RefusService as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Vous avez accusé réception de la relance.")
    return redirect(reverse("expertises:detail", args=[e.uuid]) + "#relances")


@connecte
@require_POST
def action(request: HttpRequest, reference: str, nom: str) -> HttpResponse:
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    if nom not in procedure.TRANSITIONS:
        raise Http404
    t = procedure.TRANSITIONS[nom]
    permissions.exiger(request, e, *t.qualites)
    form = formulaire(nom, e, request.POST)
    if nom == "deposer_rapport":
        # The report is filed only with its signed PDF (views_depots.deposer checks the signature).
        form.add_error(None, "Déposez le rapport définitif signé dans « Documents » : le dépôt vaut dépôt du rapport.")
    elif form.is_valid():
        if nom in procedure.CONSEQUENCES and not conditions.empechement(nom, e):
            demande = confirmation(
                request,
                titre=t.libelle,
                consequence=procedure.CONSEQUENCES[nom],
                bouton=t.libelle,
                retour=reverse("expertises:detail", args=[e.uuid]) + f"#action-{nom}",
            )
            if demande is not None:
                return demande
        try:
            services.SERVICES[nom](acteur=user, expertise=e, **arguments(nom, form))
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"« {t.libelle} » : c'est fait.")
            return redirect("expertises:detail", e.uuid)
    e.refresh_from_db()
    return _detail(request, e, formulaires={nom: form}, status=400)


def _formulaire_participant(
    request: HttpRequest,
    e: Expertise,
    form: Any,
    action: Callable[[dict[str, Any]], object],
    *,
    succes: str,
    titre: str,
    bouton: str,
) -> HttpResponse:
    """The shape shared by the participant forms of a case: validate, call one service, show the
    French refusal at the form level, or go back to the case."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, succes)
            return redirect("expertises:detail", e.uuid)
    return render(
        request,
        "expertises/formulaire.html",
        {"titre": titre, "form": form, "bouton": bouton, "retour": e},
        status=400 if form.errors else 200,
    )


@connecte
@require_http_methods(["GET", "POST"])
def inviter(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    permissions.exiger(request, e, Qualite.EXPERT, Qualite.GREFFIER)
    form = InvitationForm(request.POST if request.method == "POST" else None, expertise=e)
    return _formulaire_participant(
        request,
        e,
        form,
        lambda d: participants.inviter_participant(
            acteur=user, expertise=e, email=d["email"], qualite=d["qualite"], partie=d["partie"]
        ),
        succes="L'invitation est envoyée. Le lien ne sert qu'une fois et expire dans 14 jours.",
        titre="Inviter un avocat ou une partie",
        bouton="Envoyer l'invitation",
    )


@connecte
@require_http_methods(["GET", "POST"])
def ajouter_partie(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    permissions.exiger(request, e, Qualite.EXPERT, Qualite.GREFFIER, Qualite.MAGISTRAT)
    form = PartieForm(request.POST if request.method == "POST" else None)
    return _formulaire_participant(
        request,
        e,
        form,
        lambda d: participants.ajouter_partie(acteur=user, expertise=e, designation=d["designation"], qualite=d["qualite"]),
        succes="La partie est ajoutée.",
        titre="Ajouter une partie",
        bouton="Ajouter la partie",
    )


@connecte
@require_POST
def retirer(request: HttpRequest, reference: str, participant: str) -> HttpResponse:
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    mes = permissions.exiger(request, e, Qualite.EXPERT, Qualite.GREFFIER, Qualite.MAGISTRAT)
    p = permissions.participant_de(e, participant)
    if not permissions.peut_retirer(mes, p):
        permissions.exiger(request, e, Qualite.MAGISTRAT, Qualite.GREFFIER)
    try:
        participants.retirer_participant(acteur=user, participant=p)
    except RefusService as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{p.utilisateur} n'a plus accès à l'expertise.")
    return redirect("expertises:detail", e.uuid)


@connecte
@require_POST
def ne_pas_inscrire(request: HttpRequest, reference: str, partie: str) -> HttpResponse:
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    permissions.exiger(request, e, Qualite.AVOCAT)
    p = permissions.partie_de(e, partie)
    try:
        participants.refuser_inscription_client(acteur=user, expertise=e, partie=p)
    except RefusService as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Votre client ne sera pas inscrit dans l'expertise ; l'expert en est informé.")
    return redirect("expertises:detail", e.uuid)


@connecte
@require_http_methods(["GET", "POST"])
def portalis_modifier(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    permissions.exiger(request, e, Qualite.MAGISTRAT, Qualite.GREFFIER)
    if e.est_penale:
        refuser(request, "portalis_penal", expertise=str(e.uuid))
    form = PortalisForm(request.POST if request.method == "POST" else None, initial={"numero_portalis": e.numero_portalis})
    return _formulaire_participant(
        request,
        e,
        form,
        lambda d: services.modifier_portalis(acteur=user, expertise=e, numero=d["numero_portalis"]),
        succes="Le numéro Portalis est enregistré.",
        titre="Numéro Portalis de l'affaire",
        bouton="Enregistrer",
    )


@connecte
@require_http_methods(["GET", "POST"])
def ajouter_greffier(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    e = permissions.expertise_pour(user, reference)
    permissions.exiger(request, e, Qualite.MAGISTRAT, Qualite.GREFFIER)
    form = GreffierForm(request.POST if request.method == "POST" else None, expertise=e)
    return _formulaire_participant(
        request,
        e,
        form,
        lambda d: participants.ajouter_greffier(acteur=user, expertise=e, utilisateur=d["greffier"]),
        succes="Le greffier suit désormais l'expertise.",
        titre="Ajouter un greffier",
        bouton="Ajouter le greffier",
    )


# --- Default greffe of each juridiction (its administrator) -----------------------------------------


@roles(Role.ADMINISTRATEUR)
@require_GET
def greffes_liste(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    juridictions = list(greffes.juridictions_administrees(user).order_by("type", "nom"))
    lignes = [{"juridiction": j, "greffiers": greffes.par_defaut(j)} for j in juridictions]
    return render(
        request,
        "expertises/greffes.html",
        {
            "titre": "Greffes des expertises",
            "lignes": lignes,
            "sans_greffe": sum(1 for ligne in lignes if not ligne["greffiers"]),
        },
    )


@roles(Role.ADMINISTRATEUR)
@require_http_methods(["GET", "POST"])
def greffe_modifier(request: HttpRequest, juridiction: str) -> HttpResponse:
    user = _user(request)
    j = greffes.juridictions_administrees(user).filter(uuid=juridiction).first()
    if j is None:
        raise Http404
    actuels = greffes.par_defaut(j)
    form = GreffeParDefautForm(
        request.POST if request.method == "POST" else None, juridiction=j, initial={"greffiers": [g.pk for g in actuels]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            greffes.definir(acteur=user, juridiction=j, greffiers=list(form.cleaned_data["greffiers"]))
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Le greffe par défaut des expertises de {j} est enregistré.")
            return redirect("expertises:greffes")
    return render(
        request,
        "expertises/greffe_modifier.html",
        {"titre": f"Greffe des expertises — {j}", "juridiction": j, "form": form},
        status=400 if form.errors else 200,
    )
