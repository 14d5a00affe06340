"""Views of candidatures: thin, each fetches through permissions.py and calls one service."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from justexpert.annuaire.models import FaitActivite, Formation, NatureFait
from justexpert.coffre import conf as coffre_conf
from justexpert.coffre.services import RefusDepot, taille_lisible
from justexpert.coffre.televersement import RefusCsrf, recevoir_depot, reponse_telechargement
from justexpert.comptes.models import Organisation, Role, Utilisateur
from justexpert.comptes.permissions import connecte, roles
from justexpert.comptes.services import RefusService
from justexpert.lib import envoi
from justexpert.lib.confirmation import confirmation
from justexpert.lib.temps import nom_heure
from justexpert.preuves import accuses

from . import exports, permissions, recus, services, workflow
from .forms import CandidatureForm, CompteRenduForm, MessageForm, NouvelleCandidatureForm, PieceForm, TexteForm, initial_de
from .models import ETATS_DECISION, Candidature, CompteRenduActivite, Etat, TypeCandidature, TypePiece
from .views_releve import contexte_releve

CHAMP_TEXTE = {
    "demander_complements": "Compléments demandés (le candidat les reçoit par courriel)",
    "apporter_complements": "Message joint aux compléments (facultatif)",
    "enregistrer_avis_parquet": "Avis du parquet",
    "enregistrer_avis_commission": "Avis motivé de la commission",
    "accepter": "Observations (facultatif)",
    "refuser": "Motifs du refus (obligatoires)",
    "enoncer_motifs": "Motifs de refus envisagés (le candidat les reçoit et peut y répondre)",
    "repondre_motifs": "Votre réponse aux motifs envisagés",
    "classer_sans_suite": "Motif (facultatif)",
}


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


# --- Candidate ----------------------------------------------------------------------------------


@roles(Role.CANDIDAT, Role.EXPERT)
def mes_candidatures(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "candidatures/mes_candidatures.html",
        {
            "titre": "Mes candidatures",
            "candidatures": Candidature.objects.filter(candidat=user).select_related("liste", "specialite"),
            "form": NouvelleCandidatureForm(),
            "est_expert": services.fiche_de(user) is not None,
        },
    )


@roles(Role.CANDIDAT, Role.EXPERT)
@require_POST
def nouvelle(request: HttpRequest) -> HttpResponse:
    form = NouvelleCandidatureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez la nature de votre demande.")
        return redirect("candidatures:mes_candidatures")
    c = services.creer_brouillon(acteur=_user(request), type_=form.cleaned_data["type"])
    return redirect("candidatures:modifier", uuid=c.uuid)


def _formulaire(c: Candidature, data: object = None) -> CandidatureForm:
    if data is not None:
        return CandidatureForm(data, candidature=c)
    if c.saisie:
        form = CandidatureForm(c.saisie, candidature=c)
        form.is_valid()  # show again, as typed, the values that were wrong
        return form
    return CandidatureForm(initial=initial_de(c), candidature=c)


def _enregistrer(request: HttpRequest, c: Candidature) -> tuple[Candidature, CandidatureForm]:
    form = _formulaire(c, request.POST)
    form.is_valid()
    # NUL cannot be stored in PostgreSQL text or JSON (it answered 500); the form already flags the
    # field, the raw entry is kept without it.
    saisie = {k: (request.POST.get(k) or "").replace("\x00", "") for k in form.fields if k in request.POST}
    c = services.enregistrer_brouillon(c, acteur=_user(request), saisie=saisie, valeurs=form.valeurs())
    return c, form


@connecte
def modifier(request: HttpRequest, uuid: str) -> HttpResponse:
    c = permissions.candidature_du_candidat(_user(request), uuid)
    if c.etat not in services.ETATS_MODIFIABLES:
        messages.info(request, "La candidature n'est plus modifiable dans son état actuel.")
        return redirect("candidatures:detail", uuid=c.uuid)
    statut = 200
    if request.method == "POST":
        # Every POST saves the draft, valid or not: nothing typed is lost.
        c, form = _enregistrer(request, c)
        if form.errors:
            messages.warning(request, "Brouillon enregistré, mais certaines valeurs sont à corriger (voir les champs signalés).")
            statut = 400
        elif "deposer" in request.POST and c.etat == Etat.BROUILLON:
            if not services.erreurs_bloquantes(c):  # what would be refused is said at once, without asking
                demande = confirmation(
                    request,
                    titre="Déposer la candidature",
                    consequence=(
                        "Votre candidature sera transmise au service des experts : vous ne pourrez plus la modifier, "
                        "sauf si des compléments vous sont demandés. Vous pourrez toujours la retirer."
                    ),
                    bouton="Déposer la candidature",
                    retour=reverse("candidatures:modifier", kwargs={"uuid": c.uuid}),
                )
                if demande is not None:
                    return demande
            try:
                services.deposer(c, acteur=_user(request))
            except services.RegleNonRespectee as refus:
                for m in refus.messages:
                    messages.error(request, m)
                return redirect("candidatures:detail", uuid=c.uuid)
            messages.success(request, "Votre candidature est déposée. Téléchargez les accusés de dépôt de vos pièces.")
            return redirect("candidatures:detail", uuid=c.uuid)
        else:
            messages.success(request, f"Brouillon enregistré le {timezone.localtime():%d/%m/%Y à %H:%M}.")
            return redirect("candidatures:modifier", uuid=c.uuid)
    else:
        form = _formulaire(c)
    return render(
        request,
        "candidatures/formulaire.html",
        {
            "titre": c.get_type_display(),
            "c": c,
            "form": form,
            "piece_form": PieceForm(),
            "date_limite": services.date_limite(c.annee_liste),
            **_pieces(c),
        },
        status=statut,
    )


@connecte
@require_POST
def enregistrer(request: HttpRequest, uuid: str) -> JsonResponse:
    """Autosave endpoint of brouillon.js (same saving as the form's POST)."""
    c = permissions.candidature_du_candidat(_user(request), uuid)
    try:
        c, form = _enregistrer(request, c)
    except RefusService as refus:
        return JsonResponse({"erreur": str(refus)}, status=409)
    return JsonResponse(
        {
            "enregistre_le": timezone.localtime(c.modifie_le).strftime("%H:%M:%S"),
            "erreurs": {k: v for k, v in form.errors.items()},
        }
    )


def _pieces(c: Candidature) -> dict[str, object]:
    libelles = dict(TypePiece.choices)
    pieces = list(c.pieces.select_related("document", "evenement"))
    complets = accuses.complets([p.evenement for p in pieces])
    for p in pieces:
        p.accuse_complet = p.evenement_id in complets  # type: ignore[attr-defined]
    return {
        "pieces": pieces,
        "pieces_retirables": c.etat == Etat.BROUILLON,
        "pieces_manquantes": [libelles[p] for p in c.pieces_manquantes()],
        "taille_max": taille_lisible(coffre_conf.taille_max()),
    }


@connecte
@csrf_exempt  # the CSRF check runs inside recevoir_depot, after coffre's upload handler is in place
@require_POST
def piece_deposer(request: HttpRequest, uuid: str) -> HttpResponse:
    c = permissions.candidature_du_candidat(_user(request), uuid)
    retour = "candidatures:modifier" if c.etat in services.ETATS_MODIFIABLES else "candidatures:detail"
    try:
        depot = recevoir_depot(request)
        piece = services.deposer_piece(
            c,
            acteur=_user(request),
            depot=depot,
            type_piece=request.POST.get("type", "") or request.headers.get("X-Type-Piece", ""),
            client_id=request.POST.get("identifiant_envoi", "") or request.headers.get("X-Identifiant-Envoi", ""),
        )
    except RefusCsrf as refus:
        return envoi.echec({envoi.GENERAL: [refus.message]}, 403) if envoi.par_script(request) else refus.reponse
    except RefusDepot as refus:
        if envoi.par_script(request):
            return envoi.echec({"fichier" if refus.statut != 503 else envoi.GENERAL: [refus.message]}, refus.statut)
        messages.error(request, refus.message)
        return redirect(retour, uuid=c.uuid)
    except RefusService as refus:
        if envoi.par_script(request):
            return envoi.echec({envoi.GENERAL: [str(refus)]}, 400)
        messages.error(request, str(refus))
        return redirect(retour, uuid=c.uuid)
    messages.success(request, f"Pièce « {piece.document.nom} » déposée. Son accusé de dépôt est disponible.")
    return envoi.reussite(request, reverse(retour, kwargs={"uuid": c.uuid}))


@connecte
@require_POST
def piece_retirer(request: HttpRequest, uuid: str, piece: str) -> HttpResponse:
    c = permissions.candidature_du_candidat(_user(request), uuid)
    p = get_object_or_404(c.pieces.select_related("document"), uuid=piece)
    try:
        services.retirer_piece(c, acteur=_user(request), piece=p)
    except RefusService as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"La pièce « {p.document.nom} » est retirée du brouillon : déposez la bonne à sa place.")
    return redirect(reverse("candidatures:modifier", kwargs={"uuid": c.uuid}) + "#pieces")


@connecte
@require_GET
def piece_telecharger(request: HttpRequest, uuid: str, piece: str) -> HttpResponse:
    c = permissions.candidature_pour(_user(request), uuid)
    reponse = reponse_telechargement(permissions.piece_pour(_user(request), c, piece).document, request)
    return reponse  # type: ignore[return-value]  # a streaming response (HttpResponseBase)


@connecte
@require_GET
def piece_accuse(request: HttpRequest, uuid: str, piece: str) -> HttpResponse:
    """The sealed PDF accusé of a piece; ``?format=json`` gives the bare receipt to programs."""
    c = permissions.candidature_pour(_user(request), uuid)
    p = permissions.piece_pour(_user(request), c, piece)
    return recus.reponse(c, p, format="json" if request.GET.get("format") == "json" else "pdf")


# --- The file -----------------------------------------------------------------------------------


@connecte
@require_GET
def detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    c = permissions.candidature_pour(user, uuid)
    role = permissions.role_sur(user, c)
    actions = []
    for r in workflow.possibles(c.etat, c.type, role or ""):
        if r.transition == "deposer":
            continue  # deposit goes through the form (it saves first)
        actions.append(
            {
                "transition": r.transition,
                "libelle": r.libelle,
                "champ": CHAMP_TEXTE.get(r.transition),
                "definitive": r.transition in workflow.CONSEQUENCES,
                # Refusing a réinscription waits for the reasons envisaged and the candidate's answer.
                "empechement": services.empechement_refus(c) if r.transition == "refuser" else "",
            }
        )
    releve: dict[str, object] = {}
    if c.type == TypeCandidature.REINSCRIPTION and c.expert_id is not None:
        releve = contexte_releve(c.expert, c.liste, services.annees_du_releve(c))  # type: ignore[arg-type]
    return render(
        request,
        "candidatures/detail.html",
        {
            "titre": f"Candidature — {c.get_type_display()}",
            "c": c,
            "role": role,
            "est_candidat": role == workflow.CANDIDAT,
            "est_instructeur": role == workflow.INSTRUCTEUR,
            "actions": actions,
            "erreurs": services.erreurs_bloquantes(c) if c.etat == Etat.BROUILLON else [],
            "messages_dossier": c.messages.select_related("auteur"),
            "traitements": [
                {
                    "le": t.le,
                    "etape": workflow.HISTORIQUE.get(t.transition, "Étape de l'instruction"),
                    "vers": t.get_vers_display(),
                }
                for t in c.traitements.all()
            ],
            "message_form": MessageForm(),
            "modifiable": role == workflow.CANDIDAT and c.etat in services.ETATS_MODIFIABLES,
            "destruction": services.echeance_destruction(c),
            "date_limite": services.date_limite(c.annee_liste),
            "fuseau": services.fuseau(c),
            "nom_heure": nom_heure(services.fuseau(c)),
            "avis_recours": services.avis_recours(c) if c.notifie_le and c.etat in ETATS_DECISION else "",
            "reponse_possible_jusqu_au": c.date_limite_reponse,
            **releve,
            **_pieces(c),
        },
    )


@connecte
@require_POST
def action(request: HttpRequest, uuid: str, transition: str) -> HttpResponse:
    if transition not in workflow.TRANSITIONS:
        raise Http404
    user = _user(request)
    if workflow.ACTEURS[transition] == workflow.CANDIDAT:
        c = permissions.candidature_du_candidat(user, uuid)
    else:
        c = permissions.candidature_a_instruire(user, uuid)
    form = TexteForm(request.POST)
    texte = form.cleaned_data["texte"] if form.is_valid() else ""
    if transition in workflow.TEXTE_OBLIGATOIRE and not texte.strip():
        messages.error(request, workflow.TEXTE_OBLIGATOIRE[transition])
        return redirect("candidatures:detail", uuid=c.uuid)
    if transition in workflow.CONSEQUENCES and workflow.regle(transition, c.etat, c.type) is not None:
        demande = confirmation(
            request,
            titre=workflow.LIBELLES[transition],
            consequence=workflow.CONSEQUENCES[transition],
            bouton=workflow.LIBELLES[transition],
            retour=reverse("candidatures:detail", kwargs={"uuid": c.uuid}),
        )
        if demande is not None:
            return demande
    try:
        c = services.executer(c, transition, acteur=user, texte=texte)
    except RefusService as refus:
        for m in getattr(refus, "messages", [str(refus)]):
            messages.error(request, m)
        return redirect("candidatures:detail", uuid=c.uuid)
    etape = workflow.HISTORIQUE[transition]
    messages.success(request, f"C'est fait : {etape[0].lower()}{etape[1:]}.")
    return redirect("candidatures:detail", uuid=c.uuid)


@connecte
@require_POST
def message(request: HttpRequest, uuid: str) -> HttpResponse:
    c = permissions.candidature_pour(_user(request), uuid)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Écrivez votre message.")
        return redirect("candidatures:detail", uuid=c.uuid)
    m = services.envoyer_message(c, acteur=_user(request), corps=form.cleaned_data["corps"])
    messages.success(request, "Message envoyé.")
    return redirect(reverse("candidatures:detail", args=[c.uuid]) + f"#message-{m.uuid}")


# --- Court side ---------------------------------------------------------------------------------


STAFF = (Role.MAGISTRAT, Role.GREFFIER, Role.AGENT)


def _cours(request: HttpRequest) -> list[Organisation]:
    ids = permissions.cours_instruites(_user(request))
    return list(Organisation.objects.filter(pk__in=ids).order_by("nom"))


def _sans_habilitation(request: HttpRequest) -> HttpResponse:
    """Justice staff who instruct no list: the page exists for their role, not for them yet."""
    return render(request, "candidatures/sans_habilitation.html", {"titre": "Instruction des candidatures"})


def _cour_choisie(request: HttpRequest, cours: list[Organisation], code: str | None) -> Organisation:
    if code is None:
        return cours[0]
    for cour in cours:
        if cour.code == code:
            return cour
    raise Http404


@roles(*STAFF)
@require_GET
def instruction(request: HttpRequest) -> HttpResponse:
    """Campaign dashboard of a court: files by state, kind and specialite, deadlines, exports."""
    cours = _cours(request)
    if not cours:
        return _sans_habilitation(request)
    cour = _cour_choisie(request, cours, request.GET.get("cour"))
    try:
        annee = int(request.GET.get("annee") or services.annee_ouverte())
    except ValueError:
        annee = services.annee_ouverte()
    qs = Candidature.objects.de_cours({cour.pk}).filter(annee_liste=annee).select_related("specialite", "liste")
    etat = request.GET.get("etat", "")
    type_ = request.GET.get("type", "")
    liste = qs
    if etat in Etat.values:
        liste = liste.filter(etat=etat)
    if type_ in TypeCandidature.values:
        liste = liste.filter(type=type_)
    return render(
        request,
        "candidatures/instruction.html",
        {
            "titre": "Instruction des candidatures",
            "cours": cours,
            "cour": cour,
            "annee": annee,
            "annees": [annee - 1, annee, annee + 1],
            "tableau": exports.tableau(qs),
            "candidatures": liste.order_by("depose_le")[:500],
            "etats": Etat.choices,
            "types": TypeCandidature.choices,
            "etat": etat,
            "type": type_,
            "date_limite": services.date_limite(annee),
        },
    )


@roles(*STAFF)
@require_GET
def export(request: HttpRequest, code: str, annee: int, format: str) -> HttpResponse:  # noqa: A002
    cours = _cours(request)
    if not cours:
        raise Http404
    cour = _cour_choisie(request, cours, code)
    qs = Candidature.objects.de_cours({cour.pk}).filter(annee_liste=annee).select_related("specialite", "liste")
    nom = f"candidatures-{cour.code.lower()}-{annee}"
    if format == "csv":
        reponse = HttpResponse(exports.csv_candidatures(qs), content_type="text/csv; charset=utf-8")
    elif format == "pdf":
        reponse = HttpResponse(exports.pdf_candidatures(qs, cour=cour, annee=annee), content_type="application/pdf")
    else:
        raise Http404
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.{format}"'
    return reponse


# --- Annual activity report ---------------------------------------------------------------------


@roles(Role.EXPERT)
def compte_rendu(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    fiche = services.fiche_de(user)
    if fiche is None:
        raise Http404
    annee = timezone.localdate().year - 1
    existant = CompteRenduActivite.objects.filter(expert=fiche, annee=annee).first()
    if request.method == "POST":
        form = CompteRenduForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            services.deposer_compte_rendu(acteur=user, **d)
            messages.success(request, f"Compte rendu d'activité {d['annee']} déposé.")
            return redirect("candidatures:compte_rendu")
        statut = 400
    else:
        # Prefilled from what the platform knows: open missions, reports filed that year (the
        # record), trainings of the ledger that year.
        initial: dict[str, object] = {
            "annee": annee,
            "expertises_en_cours": fiche.missions_en_cours,
            "nombre_rapports": FaitActivite.objects.filter(
                expert=fiche, nature=NatureFait.RAPPORT_DEPOSE, jour__year=annee
            ).count(),
            "formations": "\n".join(
                f"{f.intitule}, {f.organisme} ({f.heures} h)" for f in Formation.objects.filter(expert=fiche, jour__year=annee)
            ),
        }
        if existant:
            initial.update(
                nombre_rapports=existant.nombre_rapports,
                expertises_en_cours=existant.expertises_en_cours,
                detail_expertises=existant.detail_expertises,
                formations=existant.formations,
            )
        form = CompteRenduForm(initial=initial)
        statut = 200
    return render(
        request,
        "candidatures/compte_rendu.html",
        {
            "titre": "Compte rendu annuel d'activité",
            "form": form,
            "comptes_rendus": CompteRenduActivite.objects.filter(expert=fiche),
            "date_limite": services.date_limite(annee + 2),
        },
        status=statut,
    )


@roles(*STAFF)
@require_GET
def comptes_rendus_suivi(request: HttpRequest) -> HttpResponse:
    cours = _cours(request)
    if not cours:
        return _sans_habilitation(request)
    annee = timezone.localdate().year - 1
    return render(
        request,
        "candidatures/comptes_rendus_suivi.html",
        {
            "titre": f"Comptes rendus d'activité {annee} non déposés",
            "annee": annee,
            "cours": cours,
            "manquants": services.experts_sans_compte_rendu({c.pk for c in cours}, annee),
        },
    )
