"""Pages of controle: the judge's dashboard and batch reminder, the statistics and their CSV, the
open-data file. Read only, except the reminder, written by ``expertises.relances``."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from justexpert.comptes.models import Organisation, Utilisateur
from justexpert.comptes.permissions import connecte
from justexpert.comptes.services import RefusService
from justexpert.expertises import relances
from justexpert.expertises.models import Expertise
from justexpert.lib.confirmation import confirmation
from justexpert.lib.tableur import csv_texte
from justexpert.lib.temps import date_locale, maintenant

from . import diffusion, faits, graphiques, permissions, statistiques, tableau
from .forms import FiltreTableauForm, PeriodeForm, RelanceForm, duree_max_export
from .models import FaitExpertise


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


@connecte
@require_GET
def accueil(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    juridictions = permissions.juridictions_du_controle(user)
    perimetres = permissions.perimetres(user)
    if not juridictions and not perimetres:
        permissions.refuser(request, "controle_expertises")
    return render(request, "controle/accueil.html", {"juridictions": juridictions, "statistiques": bool(perimetres)})


def _contexte_tableau(request: HttpRequest, juridiction: Organisation) -> dict[str, Any]:
    user = _user(request)
    base = tableau.ouvertes(permissions.expertises_du_controle(user, juridiction))
    matieres = permissions.matieres_du_controle(user, juridiction)
    filtre = FiltreTableauForm(request.GET or None, expert_de=lambda ref: tableau.expert_de(juridiction, matieres, ref))
    criteres: dict[str, Any] = filtre.cleaned_data if filtre.is_valid() else {}
    qs = tableau.filtrer(base, juridiction, criteres)
    tri = criteres.get("tri") or "echeance"
    # Page the narrow list of ids first (the sort runs over a few bytes per case, not whole rows),
    # then read the page's 50 cases.
    page = Paginator(qs.order_by(*tableau.TRIS[tri]).values_list("pk", flat=True), tableau.PAR_PAGE).get_page(
        request.GET.get("page")
    )
    par_id = Expertise.objects.only(*tableau.CHAMPS_LIGNE).in_bulk(list(page.object_list))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return {
        "juridiction": juridiction,
        "filtre": filtre,
        "page": page,
        "lignes": tableau.lignes([par_id[pk] for pk in page.object_list], juridiction),
        "synthese": tableau.synthese(base, juridiction, matieres),
        "nombre": page.paginator.count,
        "parametres": parametres.urlencode(),
        "aujourd_hui": tableau.aujourd_hui(juridiction),
        "expert": criteres.get("expert"),
    }


@connecte
@require_GET
def tableau_de_bord(request: HttpRequest, juridiction: str) -> HttpResponse:
    org = permissions.juridiction_pour(request, juridiction)
    contexte = _contexte_tableau(request, org)
    contexte["relance"] = RelanceForm()
    return render(request, "controle/tableau.html", contexte, status=400 if contexte["filtre"].errors else 200)


@connecte
@require_GET
def experts(request: HttpRequest, juridiction: str) -> HttpResponse:
    org = permissions.juridiction_pour(request, juridiction)
    base = tableau.ouvertes(permissions.expertises_du_controle(_user(request), org))
    lignes = tableau.par_expert(base, org)
    lien = reverse("controle:tableau", args=[org.uuid])
    for ligne in lignes:
        ligne["lien"] = f"{lien}?expert={ligne['uuid']}"
        ligne["retard"] = f"{ligne['retard_moyen']:.1f} j".replace(".", ",") if ligne["retard_moyen"] is not None else "—"
    return render(request, "controle/experts.html", {"juridiction": org, "experts": lignes})


@connecte
@require_POST
def relancer(request: HttpRequest, juridiction: str) -> HttpResponse:
    user = _user(request)
    org = permissions.juridiction_pour(request, juridiction)
    base = tableau.ouvertes(permissions.expertises_du_controle(user, org))
    choisies = request.POST.getlist("expertises")
    connues = {str(u): u for u in base.filter(uuid__in=[c for c in choisies if _est_uuid(c)]).values_list("uuid", flat=True)}
    form = RelanceForm(request.POST, references=list(connues))
    if form.is_valid():
        cibles = list(base.filter(uuid__in=form.cleaned_data["expertises"]))
        demande = confirmation(
            request,
            titre="Relancer les experts",
            consequence=(
                f"Une relance datée sera écrite dans {len(cibles)} expertise(s) et envoyée à leur(s) expert(s), "
                "qui devront en accuser réception. Elle restera dans chaque expertise et ne pourra pas être retirée."
            ),
            bouton="Envoyer la relance",
            retour=reverse("controle:tableau", args=[org.uuid]),
        )
        if demande is not None:
            return demande
        try:
            faites = relances.relancer(acteur=user, expertises=cibles, message=form.cleaned_data["message"])
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Relance envoyée : {len(faites)} message(s) écrit(s) dans {len(cibles)} expertise(s).")
            return redirect("controle:tableau", org.uuid)
    contexte = _contexte_tableau(request, org)
    contexte["relance"] = form
    return render(request, "controle/tableau.html", contexte, status=400)


def _est_uuid(valeur: str) -> bool:
    import uuid

    try:
        uuid.UUID(valeur)
    except ValueError:
        return False
    return True


# --- Statistics ---------------------------------------------------------------------------------


@connecte
@require_GET
def statistiques_accueil(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perimetres = permissions.perimetres(user)
    if not perimetres:
        permissions.refuser(request, "statistiques")
    return render(
        request,
        "controle/statistiques_accueil.html",
        {"perimetres": perimetres, "ministere": permissions.est_ministere(user)},
    )


def _statistiques(request: HttpRequest, reference: str | None, *, csv: bool) -> HttpResponse:
    org = permissions.perimetre_pour(request, reference)
    perimetre = statistiques.Perimetre(org)
    rubriques = sorted(set(FaitExpertise.objects.filter(perimetre.filtre()).values_list("rubrique", flat=True).distinct()))
    form = PeriodeForm(request.GET or None, rubriques=rubriques, aujourd_hui=date_locale(maintenant(), perimetre.fuseau))
    if not request.GET:
        form = PeriodeForm({}, rubriques=rubriques, aujourd_hui=date_locale(maintenant(), perimetre.fuseau))
    arrete = faits.dernier_arrete()
    contexte: dict[str, Any] = {
        "perimetre": perimetre,
        "organisation": org,
        "form": form,
        "arrete": arrete,
        "duree_max": duree_max_export(),
        "resultat": None,
    }
    statut = 200
    if form.is_valid() and "debut" in form.cleaned_data:
        contexte["periode"] = (form.cleaned_data["debut"], form.cleaned_data["fin"])
    if not form.is_valid():
        statut = 400
    elif form.periode_trop_longue():
        form.add_error(
            None,
            f"La période demandée est trop longue : choisissez au plus {duree_max_export()} jours "
            "(par exemple une ou deux années civiles), puis relancez.",
        )
        statut = 400
    else:
        d = form.cleaned_data
        resultat = statistiques.calculer(perimetre, d["debut"], d["fin"], d.get("rubrique") or "")
        if csv:
            return _csv(resultat, arrete)
        contexte["resultat"] = resultat
        contexte["graphiques"] = {
            "comptes": graphiques.barres("g-comptes", "Expertises par étape", [(c.libelle, c.valeur) for c in resultat.comptes]),  # type: ignore[misc]
            "durees": graphiques.barres(
                "g-durees", "Durées médianes (jours)", [(x.libelle, x.mediane) for x in resultat.durees], "j"
            ),
            "mois": graphiques.barres("g-mois", "Expertises ordonnées par mois", [(m, n) for m, n in resultat.par_mois]),
        }
        contexte["export"] = request.GET.urlencode()
    return render(request, "controle/statistiques.html", contexte, status=statut)


def _nombre(v: object) -> str:
    if v is None:
        return "pas de donnée"
    if isinstance(v, float):
        return f"{v:.1f}".replace(".", ",")
    return str(v).replace(".", ",")


def _csv(r: statistiques.Resultat, arrete: Any) -> HttpResponse:
    lignes: list[list[object]] = []
    for section, chiffres in (
        ("Étapes", r.comptes),
        ("Rapports", r.retard),
        ("Sollicitations", r.sollicitations),
        ("Frais", r.frais),
    ):
        for c in chiffres:
            lignes.append([section, c.libelle, _nombre(c.valeur), c.unite, c.definition])
    for section, durees in (("Durées", r.durees), ("Sollicitations", r.delais_reponse)):
        for x in durees:
            lignes.append([section, f"{x.libelle} — nombre", x.n, "", x.definition])
            lignes.append(
                [
                    section,
                    f"{x.libelle} — médiane",
                    _nombre(x.mediane),
                    "jours" if section == "Durées" else "heures",
                    x.definition,
                ]
            )
            lignes.append(
                [
                    section,
                    f"{x.libelle} — 90e centile",
                    _nombre(x.p90),
                    "jours" if section == "Durées" else "heures",
                    x.definition,
                ]
            )
    for mois, n in r.par_mois:
        lignes.append(["Par mois", f"Expertises ordonnées — {mois}", n, "", "Désignations enregistrées ce mois-là."])
    for ligne in r.par_rubrique:
        for cle, libelle in (("ordonnees", "ordonnées"), ("rapports", "rapports déposés"), ("retard", "rapports en retard")):
            lignes.append(["Par spécialité", f"{ligne['rubrique']} — {libelle}", ligne[cle], "", ""])
    entete = [
        f"Statistiques — {r.perimetre.libelle} — du {r.debut:%d/%m/%Y} au {r.fin:%d/%m/%Y}"
        + (f" — {r.rubrique}" if r.rubrique else "")
        + (f" — chiffres arrêtés au {arrete.calcule_le:%d/%m/%Y %H:%M} UTC" if arrete else " — chiffres pas encore calculés"),
    ]
    corps = csv_texte(["section", "indicateur", "valeur", "unite", "definition"], [entete + [""] * 4, *lignes], separateur=";")
    reponse = HttpResponse(corps.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="statistiques-{r.debut:%Y%m%d}-{r.fin:%Y%m%d}.csv"'
    return reponse


@connecte
@require_GET
def statistiques_nationales(request: HttpRequest) -> HttpResponse:
    return _statistiques(request, None, csv=False)


@connecte
@require_GET
def statistiques_nationales_csv(request: HttpRequest) -> HttpResponse:
    return _statistiques(request, None, csv=True)


@connecte
@require_GET
def statistiques_de(request: HttpRequest, organisation: str) -> HttpResponse:
    return _statistiques(request, organisation, csv=False)


@connecte
@require_GET
def statistiques_de_csv(request: HttpRequest, organisation: str) -> HttpResponse:
    return _statistiques(request, organisation, csv=True)


@connecte
@require_GET
def donnees_ouvertes(request: HttpRequest) -> HttpResponse:
    permissions.exiger_ministere(request)
    annee_courante = maintenant().year
    valeur = request.GET.get("annee") or str(annee_courante - 1)
    if not valeur.isdigit() or not 2000 <= int(valeur) <= annee_courante:
        return render(
            request,
            "controle/donnees_ouvertes.html",
            {
                "erreur": f"Indiquez une année entre 2000 et {annee_courante}.",
                "annee": annee_courante - 1,
                "seuil": diffusion.seuil(),
            },
            status=400,
        )
    annee = int(valeur)
    if request.GET.get("format") != "csv":
        return render(
            request,
            "controle/donnees_ouvertes.html",
            {
                "annee": annee,
                "seuil": diffusion.seuil(),
                "lignes": diffusion.lignes_ouvertes(annee),
                "arrete": faits.dernier_arrete(),
            },
        )
    reponse = HttpResponse(diffusion.csv_ouvert(annee).encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="expertises-judiciaires-{annee}.csv"'
    return reponse
