"""The « Rémunération » page of a case (Frais 2) and its actions. Thin like views.py: the case
through expertises.permissions (404 if not visible, 403 logged outside the capacity), one service
per action, refusals shown at the field, irreversible steps confirmed in words."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from justexpert.coffre import services as coffre
from justexpert.comptes.models import Utilisateur
from justexpert.comptes.permissions import connecte
from justexpert.comptes.services import RefusService
from justexpert.expertises import extensions
from justexpert.expertises import permissions as expertises_permissions
from justexpert.expertises.models import Expertise, Matiere, Qualite
from justexpert.lib.confirmation import confirmation
from justexpert.lib.format import date_longue, euros

from . import forms, permissions, remuneration
from .models import Demande, DemandeRemuneration, MemoireFrais, ObservationRemuneration, Sortie, StatutDemande, Taxe

E, M, G = Qualite.EXPERT, Qualite.MAGISTRAT, Qualite.GREFFIER
PARTIES = (Qualite.AVOCAT, Qualite.PARTIE)


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


def _contexte(user: Utilisateur, e: Expertise, mes: set[str]) -> dict[str, Any]:
    return {"e": e, "onglets": extensions.onglets(user, e, mes), "onglet_actif": "Frais"}


@connecte
@require_GET
def page(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    e = expertises_permissions.expertise_pour(user, reference)
    mes = expertises_permissions.qualites(user, e)
    tout = permissions.voit_tout(mes)
    miennes = permissions.mes_parties(user, e)
    dr = DemandeRemuneration.objects.filter(expertise=e).first()
    taxe = Taxe.objects.filter(expertise=e).select_related("debiteur").first()
    delais = remuneration.delais(e) if dr else []
    observations = list(ObservationRemuneration.objects.filter(demande=dr).select_related("partie")) if dr else []
    if not tout:
        delais = [d for d in delais if d.partie.pk in miennes]
    solde = remuneration.solde(e) if taxe and taxe.rendue_le else None
    demandes = list(Demande.objects.filter(expertise=e)) if tout else []
    for d in demandes:
        d.quoi = f"decision-{d.uuid}"  # type: ignore[attr-defined]
    return render(
        request,
        "frais/remuneration.html",
        {
            **_contexte(user, e, mes),
            "titre": "Rémunération de l'expert" + ("" if e.est_penale else f" — RG {e.numero_rg}"),
            "tout": tout,
            "mes": mes,
            "releve": remuneration.releve(e) if tout else None,
            "demandes": demandes,
            "en_attente": any(d.statut == StatutDemande.EN_ATTENTE for d in demandes),
            "consigne": remuneration.consigne(e) if tout else None,
            "disponible": remuneration.disponible(e) if tout and e.matiere == Matiere.CIVILE else None,
            "suspension": remuneration.suspension_en_cours(e) if e.matiere == Matiere.CIVILE else None,
            "dr": dr,
            "delais": delais,
            "observations": observations if tout else [o for o in observations if o.partie_id in miennes],
            "taxe": taxe,
            "fin_recours": remuneration.fin_recours(taxe) if taxe else None,
            "solde": solde if tout else None,
            "sorties": list(Sortie.objects.filter(expertise=e).select_related("partie")) if tout else [],
            "memoire": MemoireFrais.objects.filter(expertise=e).first() if tout else None,
            "cloture": remuneration.empechement_cloture(e) if taxe and taxe.rendue_le else None,
            "est_expert": E in mes,
            "est_magistrat": M in mes,
            "est_greffier": G in mes,
            "est_partie": bool(mes & set(PARTIES)),
        },
    )


@dataclass(frozen=True)
class Action:
    qualites: tuple[str, ...]
    form: type
    titre: str
    bouton: str
    executer: Callable[[Utilisateur, Expertise, dict[str, Any], HttpRequest], Any]
    succes: str
    matiere: str | None = Matiere.CIVILE  # None: both
    aide: str = ""
    # (titre, consequence) of the confirmation page of an irreversible step.
    confirmer: Callable[[Expertise, dict[str, Any]], tuple[str, str]] | None = None
    fichiers: bool = False


def _demande(e: Expertise, uuid: str) -> Demande:
    d = Demande.objects.filter(expertise=e, uuid=uuid).first()
    if d is None:
        raise RefusService("Choisissez une demande en attente.")
    return d


def _depot_remuneration(user: Utilisateur, e: Expertise, d: dict[str, Any], request: HttpRequest) -> Any:
    fichier = d.get("fichier")
    if fichier is None:
        return remuneration.deposer_demande_remuneration(acteur=user, expertise=e)
    if fichier.size > 20 * 1024 * 1024:
        raise remuneration.RefusChamp("fichier", "Le fichier dépasse 20 Mo.")
    return remuneration.deposer_demande_remuneration(acteur=user, expertise=e, pdf=fichier.read(), montant=d.get("montant"))


def _dr(e: Expertise) -> DemandeRemuneration:
    dr = DemandeRemuneration.objects.filter(expertise=e).first()
    if dr is None:
        raise RefusService("Aucune demande de rémunération n'est déposée.")
    return dr


ACTIONS: dict[str, Action] = {
    "temps": Action(
        (E,),
        forms.TempsForm,
        "Ajouter au relevé du temps et des frais",
        "Ajouter la ligne",
        lambda u, e, d, r: remuneration.ajouter_temps(
            acteur=u,
            expertise=e,
            nature=d["nature"],
            jour=d["jour"],
            libelle=d["libelle"],
            quantite=d["quantite"],
            taux=d.get("taux"),
            tva=d["tva"],
            tarif=d.get("tarif"),
        ),
        "La ligne est ajoutée au relevé.",
        matiere=None,
    ),
    "demande": Action(
        (E,),
        forms.DemandeForm,
        "Demander au juge une provision complémentaire ou un acompte (CPC 280)",
        "Présenter la demande",
        lambda u, e, d, r: remuneration.demander(
            acteur=u,
            expertise=e,
            type_=d["type"],
            montant=d["montant"],
            justification=d.get("justification", ""),
            heures_passees=d.get("heures_passees"),
            heures_a_venir=d.get("heures_a_venir"),
            frais=d.get("frais"),
            sapiteur=d.get("sapiteur"),
            tva=d.get("tva"),
            suspension=d.get("suspension", False),
        ),
        "Votre demande est transmise au juge.",
    ),
    "decision": Action(
        (M,),
        forms.DecisionForm,
        "Décider d'une demande de l'expert",
        "Rendre la décision",
        lambda u, e, d, r: remuneration.decider(
            acteur=u,
            demande=_demande(e, d["demande"]),
            accorder=d["accorder"],
            montant=d.get("montant"),
            date_limite=d.get("date_limite"),
            suspension=d.get("suspension", False),
            motifs=d.get("motifs", ""),
        ),
        "La décision est rendue ; elle est scellée et versée au dossier.",
        confirmer=lambda e, d: (
            "Rendre cette décision ?",
            "La décision sera établie, scellée et versée au dossier ; elle ne pourra pas être modifiée."
            + (" Une consignation complémentaire sera ordonnée." if d.get("accorder") else ""),
        ),
    ),
    "demande_remuneration": Action(
        (E,),
        forms.DemandeRemunerationForm,
        "Déposer la demande de rémunération (CPC 282)",
        "Déposer la demande",
        _depot_remuneration,
        "Votre demande de rémunération est déposée ; chaque partie a quinze jours, depuis sa réception, pour ses observations.",
        fichiers=True,
    ),
    "reception": Action(
        (E,),
        forms.ReceptionForm,
        "Déclarer la réception par courrier d'une partie",
        "Enregistrer la date de réception",
        lambda u, e, d, r: remuneration.declarer_reception_postale(acteur=u, demande=_dr(e), partie=d["partie"], jour=d["jour"]),
        "La date de réception est enregistrée : les quinze jours de cette partie courent.",
    ),
    "observations": Action(
        PARTIES,
        forms.ObservationsForm,
        "Observations sur la demande de rémunération (CPC 282)",
        "Déposer les observations",
        lambda u, e, d, r: remuneration.deposer_observations(acteur=u, expertise=e, partie=d["partie"], texte=d["texte"]),
        "Vos observations sont déposées.",
    ),
    "invitation": Action(
        (M,),
        forms.InvitationForm,
        "Inviter l'expert à présenter ses observations avant de réduire sa rémunération",
        "Inviter l'expert",
        lambda u, e, d, r: remuneration.inviter_expert(
            acteur=u, expertise=e, montant=d["montant"], motifs=d["motifs"], date_limite=d["date_limite"]
        ),
        "L'expert est invité à présenter ses observations.",
    ),
    "observations_expert": Action(
        (E,),
        forms.TexteForm,
        "Vos observations sur la réduction envisagée",
        "Déposer mes observations",
        lambda u, e, d, r: remuneration.observer_taxe(acteur=u, expertise=e, texte=d["texte"]),
        "Vos observations sont transmises au juge.",
    ),
    "taxe": Action(
        (M,),
        forms.TaxeForm,
        "Rendre l'ordonnance de taxe (CPC 284)",
        "Rendre l'ordonnance",
        lambda u, e, d, r: remuneration.taxer(
            acteur=u, expertise=e, montant=d["montant"], motifs=d.get("motifs", ""), debiteur=d.get("debiteur")
        ),
        "L'ordonnance de taxe est rendue ; elle est scellée et versée au dossier. L'expert la notifie aux parties.",
        confirmer=lambda e, d: (
            "Rendre l'ordonnance de taxe ?",
            f"La rémunération de l'expert sera fixée à {d['montant']} €. L'ordonnance, avec l'avis de recours de l'article 724 "
            "du code de procédure civile, sera scellée et versée au dossier ; elle ne pourra plus être modifiée sur la plateforme.",
        ),
    ),
    "notification": Action(
        (E,),
        forms.JourForm,
        "Notification de l'ordonnance de taxe aux parties (CPC 724)",
        "Enregistrer la date",
        lambda u, e, d, r: remuneration.notifier_taxe(acteur=u, expertise=e, jour=d["jour"]),
        "La date de notification est enregistrée : le délai de recours d'un mois court.",
    ),
    "titre_executoire": Action(
        (E,),
        forms.VideForm,
        "Demander le titre exécutoire",
        "Demander le titre exécutoire",
        lambda u, e, d, r: remuneration.demander_titre_executoire(acteur=u, expertise=e),
        "Le titre exécutoire est demandé au greffe.",
    ),
    "sortie": Action(
        (G,),
        forms.SortieForm,
        "Enregistrer un paiement de la régie",
        "Enregistrer le paiement",
        lambda u, e, d, r: remuneration.enregistrer_sortie(
            acteur=u, expertise=e, type_=d["type"], montant=d["montant"], payee_le=d["payee_le"], partie=d.get("partie")
        ),
        "Le paiement est enregistré.",
        confirmer=lambda e, d: (
            "Enregistrer ce paiement ?",
            f"Le paiement de {d['montant']} € du {date_longue(d['payee_le'])} sera inscrit au grand livre et ne pourra pas être supprimé.",
        ),
    ),
    "cloture": Action(
        (M,),
        forms.VideForm,
        "Clore l'expertise",
        "Clore l'expertise",
        lambda u, e, d, r: remuneration.clore(acteur=u, expertise=e),
        "L'expertise est close.",
        confirmer=lambda e, d: ("Clore l'expertise ?", "Plus aucun dépôt ni aucune étape ne sera possible."),
    ),
    "memoire": Action(
        (E,),
        forms.VideForm,
        "Établir le mémoire de frais",
        "Établir le mémoire",
        lambda u, e, d, r: remuneration.etablir_memoire(acteur=u, expertise=e),
        "Le mémoire de frais est établi à partir de votre relevé ; le magistrat le certifie.",
        matiere=Matiere.PENALE,
    ),
    "certification": Action(
        (M,),
        forms.VideForm,
        "Certifier le mémoire de frais",
        "Certifier le mémoire",
        lambda u, e, d, r: remuneration.certifier_memoire(acteur=u, expertise=e),
        "Le mémoire est certifié ; il peut être exporté.",
        matiere=Matiere.PENALE,
        confirmer=lambda e, d: ("Certifier le mémoire ?", "Le mémoire certifié ne pourra plus être modifié par l'expert."),
    ),
}


@connecte
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, reference: str, nom: str) -> HttpResponse:
    user = _user(request)
    a = ACTIONS[nom]
    e = expertises_permissions.expertise_pour(user, reference)
    if a.matiere is not None and e.matiere != a.matiere:
        raise Http404
    mes = expertises_permissions.exiger(request, e, *a.qualites)
    kwargs: dict[str, Any] = {}
    if a.form in (forms.TempsForm, forms.DecisionForm, forms.ReceptionForm, forms.TaxeForm, forms.SortieForm):
        kwargs["expertise"] = e
    if a.form is forms.ObservationsForm:
        kwargs.update(expertise=e, parties=permissions.mes_parties(user, e))
    donnees = request.POST if request.method == "POST" else None
    form = a.form(donnees, request.FILES if a.fichiers and donnees is not None else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if a.confirmer is not None:
            titre, consequence = a.confirmer(e, d)
            demande = confirmation(
                request,
                titre=titre,
                consequence=consequence,
                bouton=a.bouton,
                retour=reverse("frais:remuneration", kwargs={"reference": e.uuid}),
            )
            if demande is not None:
                return demande
        try:
            a.executer(user, e, d, request)
        except RefusService as refus:
            champ = getattr(refus, "champ", None)
            form.add_error(champ if champ in form.fields else None, str(refus))
        else:
            messages.success(request, a.succes)
            return redirect("frais:remuneration", reference=e.uuid)
    return render(
        request,
        "frais/action.html",
        {"titre": a.titre, "form": form, "bouton": a.bouton, "aide": a.aide, "fichiers": a.fichiers, **_contexte(user, e, mes)},
        status=400 if form.errors else 200,
    )


@connecte
@require_GET
def document(request: HttpRequest, reference: str, quoi: str) -> HttpResponse:
    """A document frais drew up: the fee request (its first opening by a party's lawyer or the
    party is that party's receipt, CPC 282), the ordonnance de taxe, a decision, the mémoire."""
    user = _user(request)
    e = expertises_permissions.expertise_pour(user, reference)
    mes = expertises_permissions.qualites(user, e)
    doc = None
    if quoi == "demande-de-remuneration":
        dr = DemandeRemuneration.objects.filter(expertise=e).select_related("document").first()
        if dr is not None:
            doc = dr.document
            if mes & set(PARTIES):
                remuneration.constater_reception(acteur=user, demande=dr)
    elif quoi == "ordonnance-de-taxe":
        t = Taxe.objects.filter(expertise=e, rendue_le__isnull=False).select_related("ordonnance").first()
        doc = t.ordonnance if t else None
    elif quoi == "memoire" and permissions.voit_tout(mes):
        m = MemoireFrais.objects.filter(expertise=e).select_related("document").first()
        doc = m.document if m else None
    elif quoi.startswith("decision-") and permissions.voit_tout(mes):
        try:
            cle = uuid.UUID(quoi[9:])
        except ValueError:
            raise Http404 from None
        d = Demande.objects.filter(expertise=e, decision__isnull=False, uuid=cle).select_related("decision").first()
        doc = d.decision if d else None
    if doc is None or doc.est_detruit:
        raise Http404
    reponse = StreamingHttpResponse(coffre.ouvrir(doc), content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="{quoi[:20]}.pdf"'
    return reponse


@connecte
@require_GET
def export(request: HttpRequest, reference: str, format: str) -> HttpResponse:  # noqa: A002
    user = _user(request)
    e = expertises_permissions.expertise_pour(user, reference)
    if e.matiere != Matiere.PENALE or format not in ("csv", "json"):
        raise Http404
    expertises_permissions.exiger(request, e, E, M, G)
    try:
        texte_csv, texte_json = remuneration.export_memoire(e)
    except RefusService as refus:
        messages.error(request, str(refus))
        return redirect("frais:remuneration", reference=e.uuid)
    if format == "json":
        reponse = HttpResponse(texte_json, content_type="application/json; charset=utf-8")
    else:
        reponse = HttpResponse("\ufeff" + texte_csv, content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="memoire-de-frais.{format}"'
    return reponse


__all__ = ["ACTIONS", "action", "document", "euros", "export", "page"]
