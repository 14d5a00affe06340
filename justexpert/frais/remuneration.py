"""Frais (2): from the expert's time to the ordonnance de taxe and the refunds.

- the time and expense log (``ajouter_temps``, ``releve``): quantities at unit rates, VAT per line;
- the expert's requests about money (CPC 280: provision complémentaire, acompte) decided by the
  judge in a sealed decision that updates the ledger (``demander``, ``decider``);
- the fee request (CPC 282) drawn up from the log or uploaded, each party's receipt, the parties'
  observations and their 15 days (``deposer_demande_remuneration``, ``constater_reception``,
  ``declarer_reception_postale``, ``deposer_observations``);
- the taxation (CPC 284): the invitation of the expert's observations before fixing less than
  asked, the ordonnance with its reasons and the recourse notice of CPC 724, its notification by
  the expert, the titre exécutoire (``inviter_expert``, ``observer_taxe``, ``taxer``,
  ``notifier_taxe``, ``demander_titre_executoire``);
- after it, what the régie pays the expert and refunds each party (``solde``, ``enregistrer_sortie``),
  and the close once settled (``clore``);
- penal cases: the mémoire de frais from the same log, certified by the magistrate, exported.

Same rules as services.py: one transaction, the case row locked, an evidence-log event per change
(references and amounts only), French refusals with nothing recorded, amounts ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from justexpert.coffre import services as coffre
from justexpert.comptes.models import Utilisateur
from justexpert.comptes.services import RefusService
from justexpert.expertises import permissions
from justexpert.expertises import services as expertises
from justexpert.expertises.depots import proprietaire
from justexpert.expertises.extensions import Empechement
from justexpert.expertises.models import Etat, Expertise, Matiere, Participant, Partie, Qualite
from justexpert.expertises.procedure import ETATS_OPERATIONS
from justexpert.lib import tableur
from justexpert.lib.format import date_longue, euros
from justexpert.lib.temps import date_locale, echeance_en_jours, est_echu, maintenant
from justexpert.preuves import services as preuves

from . import documents, grand_livre
from .grand_livre import ZERO, arrondir, repartir
from .models import (
    UNITES,
    Demande,
    DemandeRemuneration,
    LigneTemps,
    MemoireFrais,
    ModeReception,
    NatureTemps,
    ObservationRemuneration,
    Reception,
    RegimeTva,
    Sortie,
    StatutDemande,
    Tarif,
    Taxe,
    TypeDemande,
    TypeSortie,
    Versement,
)
from .services import RefusChamp, _civile, _euros, _evenement, _verrouiller, montant_valide

JOURS_OBSERVATIONS = expertises.JOURS_OBSERVATIONS_REMUNERATION  # CPC 282
QUANTITE_MAX = Decimal("9999999.99")
# After the report is filed, only the fee request may still be made (CPC 282).
ETATS_APRES_RAPPORT = frozenset({Etat.RAPPORT_DEPOSE, Etat.CONCLUSIONS_NOTIFIEES, Etat.SANS_OBJET, Etat.TAXATION, Etat.CLOSE})
ETATS_DEMANDE_REMUNERATION = frozenset({Etat.REDACTION, Etat.RAPPORT_DEPOSE, Etat.SANS_OBJET, Etat.TAXATION})


def _qualites(acteur: Utilisateur, e: Expertise) -> set[str]:
    return permissions.qualites(acteur, e)


def _exiger(acteur: Utilisateur, e: Expertise, qualite: str, message: str) -> None:
    if qualite not in _qualites(acteur, e):
        raise RefusService(message)


def _aujourd_hui(e: Expertise) -> dt.date:
    return date_locale(maintenant(), e.fuseau)


def _deposer_pdf(e: Expertise, pdf: bytes, nom: str) -> Any:
    return coffre.deposer(io.BytesIO(pdf), nom=nom, proprietaire=proprietaire(e))


def _remplacer(ancien: Any, e: Expertise, acteur: Utilisateur) -> None:
    """A document drawn up again (the mémoire certified): the former version is destroyed."""
    if ancien is not None and not ancien.est_detruit:
        coffre.detruire(ancien, acteur=acteur, journal=preuves.journal_destruction(dossier_ref=e.uuid), motif="remplace")


# --- (2) The time and expense log -----------------------------------------------------------------


def valeurs(ligne: LigneTemps) -> tuple[Decimal, Decimal, Decimal]:
    """(hors taxe, TVA, TTC) of a line, each rounded to the cent half up."""
    ht = arrondir(ligne.quantite * ligne.taux)
    tva = arrondir(ht * Decimal(ligne.tva) / 100)
    return ht, tva, ht + tva


@dataclass
class TotalNature:
    nature: str
    libelle: str
    unite: str
    quantite: Decimal = ZERO
    ht: Decimal = ZERO
    tva: Decimal = ZERO

    @property
    def ttc(self) -> Decimal:
        return self.ht + self.tva


@dataclass
class Releve:
    lignes: list[tuple[LigneTemps, Decimal, Decimal, Decimal]]
    par_nature: list[TotalNature]
    ht: Decimal = ZERO
    tva: Decimal = ZERO

    @property
    def ttc(self) -> Decimal:
        return self.ht + self.tva


def releve(e: Expertise) -> Releve:
    """The log of ``e`` with its totals per kind (in the order of the choices) and overall."""
    lignes = [(ligne, *valeurs(ligne)) for ligne in LigneTemps.objects.filter(expertise=e).select_related("tarif")]
    totaux: dict[str, TotalNature] = {}
    for ligne, ht, tva, _ in lignes:
        t = totaux.setdefault(
            ligne.nature, TotalNature(ligne.nature, NatureTemps(ligne.nature).label, UNITES[NatureTemps(ligne.nature)])
        )
        t.quantite += ligne.quantite
        t.ht += ht
        t.tva += tva
    ordre = [c for c, _ in NatureTemps.choices]
    par_nature = sorted(totaux.values(), key=lambda t: ordre.index(t.nature))
    return Releve(lignes, par_nature, sum((t.ht for t in par_nature), ZERO), sum((t.tva for t in par_nature), ZERO))


def _quantite(valeur: object) -> Decimal:
    q = montant_valide(valeur, "quantite")
    if q > QUANTITE_MAX:
        raise RefusChamp("quantite", "Quantité trop élevée.")
    return q


def ajouter_temps(
    *,
    acteur: Utilisateur,
    expertise: Expertise,
    nature: str,
    jour: dt.date | None,
    libelle: str,
    quantite: object,
    taux: object = None,
    tva: str = RegimeTva.NORMAL,
    tarif: Tarif | None = None,
) -> LigneTemps:
    """The expert records time or an expense. Penal: the rate comes from the tariff line chosen."""
    if nature not in NatureTemps.values:
        raise RefusChamp("nature", "Choisissez la nature de la ligne.")
    if tva not in RegimeTva.values:
        raise RefusChamp("tva", "Choisissez le régime de TVA.")
    libelle = " ".join((libelle or "").split())
    if not libelle:
        raise RefusChamp("libelle", "Décrivez la ligne (par exemple « Réunion sur place »).")
    q = _quantite(quantite)
    with transaction.atomic():
        e = _verrouiller(expertise)
        _exiger(acteur, e, Qualite.EXPERT, "Seul l'expert de la mission tient le relevé de son temps et de ses frais.")
        if e.etat in (Etat.CLOSE, Etat.CADUQUE):
            raise RefusService("L'expertise est close : le relevé ne peut plus être complété.")
        if jour is None:
            raise RefusChamp("jour", "Indiquez la date.")
        if jour > _aujourd_hui(e):
            raise RefusChamp("jour", "La date ne peut pas être dans le futur.")
        if e.matiere == Matiere.PENALE and tarif is not None:
            if not tarif.actif:
                raise RefusChamp("tarif", "Cette ligne du tarif n'est plus en vigueur.")
            t = tarif.montant
        else:
            tarif = None
            if taux is None or taux == "":
                raise RefusChamp("taux", "Indiquez le taux unitaire hors taxe.")
            t = montant_valide(taux, "taux", zero=True)
        if hasattr(e, "demande_remuneration") and e.matiere == Matiere.CIVILE:
            raise RefusService("La demande de rémunération est déposée : le relevé est arrêté.")
        ligne = LigneTemps.objects.create(
            expertise=e,
            nature=nature,
            jour=jour,
            libelle=libelle[:200],
            quantite=q,
            taux=t,
            tva=tva,
            tarif=tarif,
            cree_par=acteur,
        )
        ht, montant_tva, ttc = valeurs(ligne)
        ligne.evenement = _evenement(
            "temps", acteur=acteur, e=e, objet=ligne.uuid, nature=nature, ht=_euros(ht), tva=_euros(montant_tva)
        )
        ligne.save(update_fields=["evenement"])
    return ligne


# --- (1) Requests of the expert about money (CPC 280) ----------------------------------------------


def consigne(e: Expertise) -> Decimal:
    """What the parties paid into the régie for the case."""
    return Versement.objects.filter(expertise=e).aggregate(s=Sum("montant"))["s"] or ZERO


def paye_expert(e: Expertise) -> Decimal:
    return (
        Sortie.objects.filter(expertise=e, type__in=[TypeSortie.ACOMPTE, TypeSortie.REMUNERATION]).aggregate(s=Sum("montant"))[
            "s"
        ]
        or ZERO
    )


def acomptes_a_payer(e: Expertise) -> Decimal:
    """Advances granted and not paid yet by the régie."""
    accordes = (
        Demande.objects.filter(expertise=e, type=TypeDemande.ACOMPTE, statut=StatutDemande.ACCORDEE).aggregate(
            s=Sum("montant_accorde")
        )["s"]
        or ZERO
    )
    payes = Sortie.objects.filter(expertise=e, type=TypeSortie.ACOMPTE).aggregate(s=Sum("montant"))["s"] or ZERO
    return max(accordes - payes, ZERO)


def disponible(e: Expertise) -> Decimal:
    """The consigned sum still available for an advance: paid in, minus what the expert received
    or was granted."""
    return max(consigne(e) - paye_expert(e) - acomptes_a_payer(e), ZERO)


def _apres_rapport(e: Expertise) -> None:
    if e.etat in ETATS_APRES_RAPPORT or e.rapport_depose_le is not None:
        raise RefusService("Le rapport est déposé : seule la demande de rémunération (CPC 282) peut encore être présentée.")


def demander(
    *,
    acteur: Utilisateur,
    expertise: Expertise,
    type_: str,
    montant: object,
    justification: str = "",
    heures_passees: object = 0,
    heures_a_venir: object = 0,
    frais: object = 0,
    sapiteur: object = 0,
    tva: object = 0,
    suspension: bool = False,
) -> Demande:
    """The expert asks the judge for a provision complémentaire (with its justification and,
    if wished, the suspension of the operations while it is pending) or an advance."""
    if type_ not in TypeDemande.values:
        raise RefusChamp("type", "Choisissez le type de demande.")
    somme = montant_valide(montant)
    details = {
        "heures_passees": montant_valide(heures_passees or 0, "heures_passees", zero=True),
        "heures_a_venir": montant_valide(heures_a_venir or 0, "heures_a_venir", zero=True),
        "frais": montant_valide(frais or 0, "frais", zero=True),
        "sapiteur": montant_valide(sapiteur or 0, "sapiteur", zero=True),
        "tva": montant_valide(tva or 0, "tva", zero=True),
    }
    justification = (justification or "").strip()
    if type_ == TypeDemande.COMPLEMENT and not justification:
        raise RefusChamp("justification", "Justifiez la demande : le temps passé et à venir, les frais, le sapiteur.")
    with transaction.atomic():
        e = _verrouiller(expertise)
        _civile(e)
        _exiger(acteur, e, Qualite.EXPERT, "Seul l'expert de la mission présente une demande au juge.")
        _apres_rapport(e)
        if e.etat not in ETATS_OPERATIONS:
            raise RefusService("Une demande au juge se présente pendant les opérations d'expertise.")
        if Demande.objects.filter(expertise=e, type=type_, statut=StatutDemande.EN_ATTENTE).exists():
            raise RefusService("Une demande de ce type attend déjà la décision du juge.")
        if type_ == TypeDemande.ACOMPTE:
            reste = disponible(e)
            if somme > reste:
                raise RefusChamp(
                    "montant",
                    f"L'acompte demandé ({euros(somme)}) dépasse les sommes consignées disponibles ({euros(reste)}).",
                )
        d = Demande.objects.create(
            expertise=e,
            type=type_,
            montant=somme,
            justification=justification[:5000],
            suspension_demandee=bool(suspension) and type_ == TypeDemande.COMPLEMENT,
            demandee_par=acteur,
            **details,
        )
        d.evenement = _evenement(
            "demande",
            acteur=acteur,
            e=e,
            objet=d.uuid,
            type=type_,
            montant=_euros(somme),
            suspension=d.suspension_demandee or None,
        )
        d.save(update_fields=["evenement"])
    return d


def _decision_pdf(e: Expertise, d: Demande, acteur: Utilisateur) -> bytes:
    accordee = d.statut == StatutDemande.ACCORDEE
    if d.type == TypeDemande.COMPLEMENT:
        objet = "consignation complémentaire (article 280 du code de procédure civile)"
    else:
        objet = "acompte sur la provision consignée (article 280 du code de procédure civile)"
    paragraphes = [
        f"Saisi le {date_longue(date_locale(d.demandee_le, e.fuseau))} par l'expert d'une demande de {objet}, "
        f"d'un montant de {documents.montant_texte(d.montant)},",
    ]
    if d.type == TypeDemande.COMPLEMENT:
        paragraphes.append(
            f"justifiée par {d.heures_passees} heures passées, {d.heures_a_venir} heures à venir, des frais de "
            f"{documents.montant_texte(d.frais)}, un sapiteur pour {documents.montant_texte(d.sapiteur)} et une TVA de "
            f"{documents.montant_texte(d.tva)} : {d.justification}"
        )
    if accordee and d.type == TypeDemande.COMPLEMENT:
        paragraphes.append(
            f"Ordonnons la consignation d'une provision complémentaire de {documents.montant_texte(d.montant_accorde)} "
            f"au plus tard le {date_longue(d.date_limite)}"
            + (", les opérations étant suspendues jusqu'à cette consignation." if d.suspension else ".")
            if d.date_limite
            else ""
        )
    elif accordee:
        paragraphes.append(
            f"Autorisons la régie à verser à l'expert un acompte de {documents.montant_texte(d.montant_accorde)} "
            "à valoir sur la provision consignée."
        )
    else:
        paragraphes.append("Rejetons la demande.")
    if d.motifs:
        paragraphes.append(f"Motifs : {d.motifs}")
    paragraphes.append(f"Fait le {date_longue(_aujourd_hui(e))} par {acteur}, magistrat chargé du contrôle de l'expertise.")
    return documents.rendre(e, titre="Décision sur une demande de l'expert", paragraphes=paragraphes, motif="Décision du juge")


def decider(
    *,
    acteur: Utilisateur,
    demande: Demande,
    accorder: bool,
    montant: object = None,
    date_limite: dt.date | None = None,
    suspension: bool = False,
    motifs: str = "",
) -> Demande:
    """The judge decides: a complement becomes a new provision to split and pay (and the operations
    may be suspended until it is paid); an advance is to be paid by the régie. Sealed decision."""
    motifs = (motifs or "").strip()[:5000]
    with transaction.atomic():
        e = _verrouiller(demande.expertise)
        d = Demande.objects.select_for_update().get(pk=demande.pk)
        _exiger(acteur, e, Qualite.MAGISTRAT, "Seul le magistrat de l'expertise décide des demandes de l'expert.")
        if d.statut != StatutDemande.EN_ATTENTE:
            raise RefusService("Cette demande est déjà décidée.")
        if accorder:
            accorde = montant_valide(montant if montant not in (None, "") else d.montant)
            if d.type == TypeDemande.ACOMPTE and accorde > disponible(e):
                raise RefusChamp(
                    "montant",
                    f"L'acompte ({euros(accorde)}) dépasse les sommes consignées disponibles ({euros(disponible(e))}).",
                )
            if d.type == TypeDemande.COMPLEMENT:
                if date_limite is None:
                    raise RefusChamp("date_limite", "Indiquez la date limite de la consignation complémentaire.")
                # The order of complement: the case's procedure step, which the ledger follows
                # (a new provision « non précisé » the judge or the greffe then splits).
                expertises.ordonner_complement(acteur=acteur, expertise=e, montant=accorde, jour=date_limite, motif=motifs)
                d.date_limite = date_limite
                d.suspension = bool(suspension)
            d.statut, d.montant_accorde = StatutDemande.ACCORDEE, accorde
        else:
            if not motifs:
                raise RefusChamp("motifs", "Indiquez les motifs du rejet.")
            d.statut = StatutDemande.REJETEE
        d.motifs, d.decidee_par, d.decidee_le = motifs, acteur, maintenant()
        pdf = _decision_pdf(e, d, acteur)
        d.decision = _deposer_pdf(e, pdf, f"decision-{d.type}-{_aujourd_hui(e).isoformat()}.pdf")
        d.save()
        _evenement(
            "decision",
            acteur=acteur,
            e=e,
            objet=d.uuid,
            statut=d.statut,
            montant=_euros(d.montant_accorde) if d.montant_accorde is not None else None,
            suspension=d.suspension or None,
            document_sha256=d.decision.sha256,
        )
    return d


def suspension_en_cours(e: Expertise) -> Demande | None:
    """A complement ordered with suspension of the operations, while the ledger is not complete."""
    d = (
        Demande.objects.filter(expertise=e, type=TypeDemande.COMPLEMENT, statut=StatutDemande.ACCORDEE, suspension=True)
        .order_by("-decidee_le")
        .first()
    )
    if d is None or grand_livre.calculer(e).complet:
        return None
    return d


def empechement_suspension(e: Expertise) -> Empechement | None:
    d = suspension_en_cours(e) if e.matiere == Matiere.CIVILE else None
    if d is None:
        return None
    return Empechement(
        f"Opérations suspendues par la décision du {date_longue(date_locale(d.decidee_le, e.fuseau))} "
        "jusqu'à la consignation complémentaire (CPC 280).",
        qui="les parties consignent, le greffe enregistre les versements",
    )


# --- (3) The fee request (CPC 282) ----------------------------------------------------------------


def _demande_pdf(e: Expertise, r: Releve, acteur: Utilisateur) -> bytes:
    tableau = [["Date", "Nature", "Libellé", "Quantité", "Taux HT", "HT", "TVA", "TTC"]]
    for ligne, ht, tva, ttc in r.lignes:
        tableau.append(
            [
                ligne.jour.strftime("%d/%m/%Y"),
                NatureTemps(ligne.nature).label,
                ligne.libelle,
                f"{ligne.quantite} {UNITES[NatureTemps(ligne.nature)]}",
                documents.montant_texte(ligne.taux),
                documents.montant_texte(ht),
                documents.montant_texte(tva),
                documents.montant_texte(ttc),
            ]
        )
    for t in r.par_nature:
        tableau.append(
            [
                "",
                f"Total {t.libelle.lower()}",
                "",
                f"{t.quantite} {t.unite}",
                "",
                *map(documents.montant_texte, (t.ht, t.tva, t.ttc)),
            ]
        )
    tableau.append(["", "Total général", "", "", "", *map(documents.montant_texte, (r.ht, r.tva, r.ttc))])
    return documents.rendre(
        e,
        titre="Demande de rémunération de l'expert",
        paragraphes=[
            f"{acteur}, expert désigné, présente sa demande de rémunération (article 282 du code de procédure civile), "
            f"établie à partir du relevé de son temps et de ses frais : {documents.montant_texte(r.ttc)} TTC "
            f"({documents.montant_texte(r.ht)} hors taxe, TVA {documents.montant_texte(r.tva)}).",
            "Les parties peuvent adresser leurs observations écrites à l'expert et à la juridiction dans un délai de "
            "quinze jours à compter de sa réception (article 282, alinéa 5, du code de procédure civile).",
        ],
        tableau=tableau,
        motif="Demande de rémunération établie par Justexpert",
    )


def deposer_demande_remuneration(
    *, acteur: Utilisateur, expertise: Expertise, pdf: bytes | None = None, montant: object = None
) -> DemandeRemuneration:
    """The fee request, drawn up from the log as a sealed PDF; or the expert's own PDF with the
    amount it asks. Allowed after the report is filed (it is the one request still allowed)."""
    with transaction.atomic():
        e = _verrouiller(expertise)
        _civile(e)
        _exiger(acteur, e, Qualite.EXPERT, "Seul l'expert de la mission dépose sa demande de rémunération.")
        if e.etat not in ETATS_DEMANDE_REMUNERATION:
            raise RefusService("La demande de rémunération accompagne le rapport (CPC 282) : elle se dépose avec lui.")
        if DemandeRemuneration.objects.filter(expertise=e).exists():
            raise RefusService("La demande de rémunération est déjà déposée.")
        if pdf is None:
            r = releve(e)
            if not r.lignes:
                raise RefusService("Le relevé du temps et des frais est vide : complétez-le ou déposez votre demande en PDF.")
            ht, tva, total, genere = r.ht, r.tva, r.ttc, True
            contenu = _demande_pdf(e, r, acteur)
        else:
            if not pdf.startswith(b"%PDF"):
                raise RefusChamp("fichier", "Déposez la demande au format PDF.")
            total = montant_valide(montant)
            ht, tva, genere, contenu = total, ZERO, False, pdf
        doc = _deposer_pdf(e, contenu, f"demande-de-remuneration-{_aujourd_hui(e).isoformat()}.pdf")
        dr = DemandeRemuneration.objects.create(
            expertise=e, montant_ht=ht, montant_tva=tva, montant=total, generee=genere, document=doc, deposee_par=acteur
        )
        dr.evenement = _evenement(
            "demande_remuneration",
            acteur=acteur,
            e=e,
            objet=dr.uuid,
            montant=_euros(total),
            generee=genere,
            document_sha256=doc.sha256,
        )
        dr.save(update_fields=["evenement"])
    return dr


def parties_de(e: Expertise) -> list[Partie]:
    return list(Partie.objects.filter(expertise=e).order_by("id"))


def constater_reception(*, acteur: Utilisateur, demande: DemandeRemuneration) -> list[Reception]:
    """A lawyer or a party opens the fee request on the platform: the opening is the receipt of
    each party they belong to (once per party: the first opening counts)."""
    nouvelles = []
    with transaction.atomic():
        e = _verrouiller(demande.expertise)
        miennes = Participant.objects.filter(
            expertise=e,
            utilisateur=acteur,
            retire_le__isnull=True,
            qualite__in=[Qualite.AVOCAT, Qualite.PARTIE],
            partie__isnull=False,
        ).values_list("partie_id", flat=True)
        deja = set(Reception.objects.filter(demande=demande).values_list("partie_id", flat=True))
        for partie in Partie.objects.filter(pk__in=set(miennes) - deja):
            r = Reception.objects.create(
                demande=demande, partie=partie, recue_le=maintenant(), mode=ModeReception.PLATEFORME, declaree_par=acteur
            )
            r.evenement = _evenement(
                "reception", acteur=acteur, e=e, objet=demande.uuid, partie=str(partie.uuid), mode=ModeReception.PLATEFORME
            )
            r.save(update_fields=["evenement"])
            nouvelles.append(r)
    return nouvelles


def declarer_reception_postale(
    *, acteur: Utilisateur, demande: DemandeRemuneration, partie: Partie, jour: dt.date | None
) -> Reception:
    """The expert declares the day a party reached by post received the fee request."""
    with transaction.atomic():
        e = _verrouiller(demande.expertise)
        _exiger(acteur, e, Qualite.EXPERT, "Seul l'expert déclare la réception par courrier de sa demande.")
        if partie.expertise_id != e.pk:
            raise RefusChamp("partie", "Choisissez une partie de cette expertise.")
        if jour is None:
            raise RefusChamp("jour", "Indiquez la date de réception.")
        if jour > _aujourd_hui(e):
            raise RefusChamp("jour", "La date de réception ne peut pas être dans le futur.")
        if jour < date_locale(demande.deposee_le, e.fuseau):
            raise RefusChamp("jour", "La date de réception ne peut pas précéder le dépôt de la demande.")
        if Reception.objects.filter(demande=demande, partie=partie).exists():
            raise RefusChamp("partie", "La réception de cette partie est déjà établie.")
        # The day counts as received at noon court time (the period starts the next day anyway).
        from justexpert.lib.temps import zone

        instant = dt.datetime.combine(jour, dt.time(12), tzinfo=zone(e.fuseau))
        r = Reception.objects.create(
            demande=demande, partie=partie, recue_le=instant, mode=ModeReception.POSTE, declaree_par=acteur
        )
        r.evenement = _evenement(
            "reception",
            acteur=acteur,
            e=e,
            objet=demande.uuid,
            partie=str(partie.uuid),
            mode=ModeReception.POSTE,
            jour=jour.isoformat(),
        )
        r.save(update_fields=["evenement"])
    return r


def fin_observations(r: Reception) -> dt.date:
    """Last day of the party's 15 days (CPC 282, 640-642)."""
    return echeance_en_jours(r.recue_le, JOURS_OBSERVATIONS, r.demande.expertise.fuseau)


@dataclass
class Delai:
    partie: Partie
    reception: Reception | None
    fin: dt.date | None
    echu: bool


def delais(e: Expertise) -> list[Delai]:
    dr = DemandeRemuneration.objects.filter(expertise=e).first()
    recues = {r.partie_id: r for r in Reception.objects.filter(demande=dr).select_related("demande__expertise")} if dr else {}
    result = []
    for p in parties_de(e):
        r = recues.get(p.pk)
        fin = fin_observations(r) if r else None
        result.append(Delai(p, r, fin, bool(fin and est_echu(fin, e.fuseau))))
    return result


def deposer_observations(*, acteur: Utilisateur, expertise: Expertise, partie: Partie, texte: str) -> ObservationRemuneration:
    texte = (texte or "").strip()
    if not texte:
        raise RefusChamp("texte", "Écrivez vos observations.")
    with transaction.atomic():
        e = _verrouiller(expertise)
        dr = DemandeRemuneration.objects.filter(expertise=e).first()
        if dr is None:
            raise RefusService("Aucune demande de rémunération n'est déposée.")
        if hasattr(e, "taxe") and e.taxe.rendue_le:
            raise RefusService("L'ordonnance de taxe est rendue : les observations sont closes.")
        mes = Participant.objects.filter(
            expertise=e, utilisateur=acteur, retire_le__isnull=True, qualite__in=[Qualite.AVOCAT, Qualite.PARTIE], partie=partie
        )
        if not mes.exists():
            raise RefusService("Vous déposez des observations pour une partie que vous représentez dans cette expertise.")
        o = ObservationRemuneration.objects.create(demande=dr, partie=partie, texte=texte[:10000], deposee_par=acteur)
        o.evenement = _evenement("observations", acteur=acteur, e=e, objet=dr.uuid, partie=str(partie.uuid))
        o.save(update_fields=["evenement"])
    return o


# --- (4) The ordonnance de taxe (CPC 284) ---------------------------------------------------------


def _verifier_delais(e: Expertise) -> DemandeRemuneration:
    dr = DemandeRemuneration.objects.filter(expertise=e).first()
    if dr is None:
        raise RefusService("L'expert n'a pas déposé sa demande de rémunération (CPC 282).")
    manquent = []
    for d in delais(e):
        if d.reception is None:
            manquent.append(f"{d.partie.designation} (réception non établie)")
        elif not d.echu:
            manquent.append(f"{d.partie.designation} (jusqu'au {date_longue(d.fin)})")
    if manquent:
        raise RefusService(
            "Le délai de quinze jours laissé aux parties pour leurs observations (CPC 282) n'a pas couru pour : "
            + ", ".join(manquent)
            + "."
        )
    return dr


def _taxe(e: Expertise) -> Taxe:
    return Taxe.objects.select_for_update().get_or_create(expertise=e)[0]


def inviter_expert(
    *, acteur: Utilisateur, expertise: Expertise, montant: object, motifs: str, date_limite: dt.date | None
) -> Taxe:
    """Before fixing less than asked, the judge invites the expert's observations (a deadline)."""
    envisage = montant_valide(montant, zero=True)
    motifs = (motifs or "").strip()
    with transaction.atomic():
        e = _verrouiller(expertise)
        _civile(e)
        _exiger(acteur, e, Qualite.MAGISTRAT, "Seul le magistrat de l'expertise fixe la rémunération.")
        dr = _verifier_delais(e)
        if envisage >= dr.montant:
            raise RefusChamp("montant", "L'invitation ne sert qu'à fixer moins que la demande : fixez directement le montant.")
        if not motifs:
            raise RefusChamp("motifs", "Indiquez à l'expert pourquoi vous envisagez de réduire sa demande.")
        if date_limite is None or date_limite <= _aujourd_hui(e):
            raise RefusChamp("date_limite", "Indiquez une date limite dans le futur pour les observations de l'expert.")
        t = _taxe(e)
        if t.rendue_le:
            raise RefusService("L'ordonnance de taxe est déjà rendue.")
        t.montant_envisage, t.invitation_motifs, t.invitation_le, t.date_limite_expert = (
            envisage,
            motifs[:5000],
            maintenant(),
            date_limite,
        )
        t.observations_expert, t.observations_expert_le = "", None
        t.save()
        _evenement(
            "invitation_expert", acteur=acteur, e=e, objet=t.uuid, montant=_euros(envisage), date_limite=date_limite.isoformat()
        )
    return t


def observer_taxe(*, acteur: Utilisateur, expertise: Expertise, texte: str) -> Taxe:
    texte = (texte or "").strip()
    if not texte:
        raise RefusChamp("texte", "Écrivez vos observations.")
    with transaction.atomic():
        e = _verrouiller(expertise)
        _exiger(acteur, e, Qualite.EXPERT, "Seul l'expert répond à l'invitation du juge.")
        t = Taxe.objects.select_for_update().filter(expertise=e, invitation_le__isnull=False, rendue_le__isnull=True).first()
        if t is None:
            raise RefusService("Le juge ne vous a pas invité à présenter des observations.")
        if t.date_limite_expert and est_echu(t.date_limite_expert, e.fuseau):
            raise RefusService(f"Le délai de vos observations a expiré le {date_longue(t.date_limite_expert)}.")
        t.observations_expert, t.observations_expert_le = texte[:10000], maintenant()
        t.save(update_fields=["observations_expert", "observations_expert_le"])
        _evenement("observations_expert", acteur=acteur, e=e, objet=t.uuid)
    return t


def _ordonnance_pdf(e: Expertise, t: Taxe, dr: DemandeRemuneration, acteur: Utilisateur, s: Solde) -> bytes:
    paragraphes = [
        f"Vu la demande de rémunération de l'expert déposée le {date_longue(date_locale(dr.deposee_le, e.fuseau))}, "
        f"d'un montant de {documents.montant_texte(dr.montant)} ;",
        f"Vu les observations des parties ({dr.observations.count()}) et, le cas échéant, celles de l'expert ;",
        f"Vu l'article 284 du code de procédure civile ; les sommes consignées à la régie s'élèvent à "
        f"{documents.montant_texte(s.consigne)} ;",
    ]
    if t.motifs:
        paragraphes.append(f"Motifs : {t.motifs}")
    paragraphes.append(f"Fixons la rémunération de l'expert à {documents.montant_texte(t.montant)}.")
    paragraphes.append(
        f"Autorisons l'expert à se faire remettre par la régie, jusqu'à due concurrence, les sommes consignées, soit "
        f"{documents.montant_texte(s.du_par_regie)}"
        + (f", dont {documents.montant_texte(s.acomptes)} déjà versés en acompte." if s.acomptes else ".")
    )
    if s.complement and t.debiteur:
        paragraphes.append(
            f"Disons que le complément de {documents.montant_texte(s.complement)} est à la charge de {t.debiteur.designation}, "
            "qui le versera directement à l'expert."
        )
    for ligne in s.remboursements:
        paragraphes.append(
            f"Ordonnons la restitution à {ligne.partie.designation} de {documents.montant_texte(ligne.du)} consignés en excédent."
        )
    paragraphes += [
        f"Fait le {date_longue(_aujourd_hui(e))} par {acteur}, magistrat.",
        "Notification et recours : l'expert notifie la présente ordonnance à chacune des parties ; le délai de recours d'un "
        "mois devant le premier président de la cour d'appel court, à l'égard de chaque partie, du jour de cette "
        "notification (articles 724 et 714, alinéa 2, du code de procédure civile). Le recours n'est pas suspensif "
        "d'exécution. Textes reproduits ci-dessous (article 725 du code de procédure civile).",
    ]
    annexes = dict(documents.ARTICLES_724)
    return documents.rendre(e, titre="Ordonnance de taxe", paragraphes=paragraphes, annexes=annexes, motif="Ordonnance de taxe")


def taxer(
    *, acteur: Utilisateur, expertise: Expertise, montant: object, motifs: str = "", debiteur: Partie | None = None
) -> Taxe:
    """The ordonnance de taxe: after every party's 15 days; less than asked only after the expert
    was invited to comment (answer given or deadline passed), and with reasons; a complement above
    the consigned sums is charged to a named party."""
    somme = montant_valide(montant, zero=True)
    motifs = (motifs or "").strip()[:5000]
    with transaction.atomic():
        e = _verrouiller(expertise)
        _civile(e)
        _exiger(acteur, e, Qualite.MAGISTRAT, "Seul le magistrat de l'expertise rend l'ordonnance de taxe.")
        if e.etat not in (Etat.RAPPORT_DEPOSE, Etat.SANS_OBJET, Etat.TAXATION):
            raise RefusService("L'ordonnance de taxe se rend après le dépôt du rapport.")
        dr = _verifier_delais(e)
        t = _taxe(e)
        if t.rendue_le:
            raise RefusService("L'ordonnance de taxe est déjà rendue.")
        if somme < dr.montant:
            if t.invitation_le is None:
                raise RefusChamp(
                    "montant",
                    f"Avant de fixer moins que la demande ({euros(dr.montant)}), invitez l'expert à présenter ses observations.",
                )
            if not t.observations_expert_le and not est_echu(t.date_limite_expert, e.fuseau):
                raise RefusChamp(
                    "montant",
                    f"L'expert peut présenter ses observations jusqu'au {date_longue(t.date_limite_expert)} : attendez-les.",
                )
            if not motifs:
                raise RefusChamp("motifs", "Motivez la réduction de la rémunération demandée.")
        if debiteur is not None and debiteur.expertise_id != e.pk:
            raise RefusChamp("debiteur", "Choisissez une partie de cette expertise.")
        if somme > consigne(e) and debiteur is None:
            raise RefusChamp(
                "debiteur",
                f"La rémunération dépasse les sommes consignées ({euros(consigne(e))}) : indiquez la partie qui doit le complément.",
            )
        if e.etat != Etat.TAXATION:
            e = expertises.ouvrir_taxation(acteur=acteur, expertise=e)
        t.montant, t.motifs, t.debiteur = somme, motifs, debiteur if somme > consigne(e) else None
        t.rendue_par, t.rendue_le = acteur, maintenant()
        s = solde(e, taxe=t)
        t.ordonnance = _deposer_pdf(
            e, _ordonnance_pdf(e, t, dr, acteur, s), f"ordonnance-de-taxe-{_aujourd_hui(e).isoformat()}.pdf"
        )
        t.save()
        t.evenement = _evenement(
            "taxe",
            acteur=acteur,
            e=e,
            objet=t.uuid,
            montant=_euros(somme),
            demande=_euros(dr.montant),
            complement=_euros(s.complement) if s.complement else None,
            debiteur=str(t.debiteur.uuid) if t.debiteur else None,
            document_sha256=t.ordonnance.sha256,
        )
        t.save(update_fields=["evenement"])
    return t


def notifier_taxe(*, acteur: Utilisateur, expertise: Expertise, jour: dt.date | None) -> Taxe:
    """The expert notified the ordonnance to the parties on ``jour``: the recourse month runs (CPC 724)."""
    with transaction.atomic():
        e = _verrouiller(expertise)
        _exiger(acteur, e, Qualite.EXPERT, "L'expert notifie l'ordonnance de taxe aux parties (CPC 724).")
        t = Taxe.objects.select_for_update().filter(expertise=e, rendue_le__isnull=False).first()
        if t is None:
            raise RefusService("L'ordonnance de taxe n'est pas rendue.")
        if jour is None:
            raise RefusChamp("jour", "Indiquez la date de la notification.")
        if jour > _aujourd_hui(e) or jour < date_locale(t.rendue_le, e.fuseau):
            raise RefusChamp("jour", "La notification se date entre l'ordonnance et aujourd'hui.")
        t.notifiee_le = jour
        t.save(update_fields=["notifiee_le"])
        _evenement("taxe_notifiee", acteur=acteur, e=e, objet=t.uuid, jour=jour.isoformat())
    return t


def fin_recours(t: Taxe) -> dt.date | None:
    """The last day of the month of recourse from the notification (CPC 714 al. 2, 724): same day
    of the next month (CPC 641; the last day of a shorter month), moved to the next working day
    (CPC 642)."""
    if t.notifiee_le is None:
        return None
    from dateutil.relativedelta import relativedelta

    from justexpert.lib.temps import jour_ouvrable_suivant

    return jour_ouvrable_suivant(t.notifiee_le + relativedelta(months=1))


def demander_titre_executoire(*, acteur: Utilisateur, expertise: Expertise) -> Taxe:
    with transaction.atomic():
        e = _verrouiller(expertise)
        _exiger(acteur, e, Qualite.EXPERT, "Seul l'expert demande le titre exécutoire.")
        t = Taxe.objects.select_for_update().filter(expertise=e, rendue_le__isnull=False).first()
        if t is None or not solde(e, taxe=t).complement:
            raise RefusService("Aucun complément n'est dû par une partie : pas de titre exécutoire à demander.")
        if t.titre_executoire_le:
            raise RefusService("Le titre exécutoire est déjà demandé.")
        t.titre_executoire_le = maintenant()
        t.save(update_fields=["titre_executoire_le"])
        _evenement("titre_executoire", acteur=acteur, e=e, objet=t.uuid, debiteur=str(t.debiteur.uuid) if t.debiteur else None)
    return t


# --- (5) After the taxation ------------------------------------------------------------------------


@dataclass
class Remboursement:
    partie: Partie
    du: Decimal
    rembourse: Decimal = ZERO

    @property
    def reste(self) -> Decimal:
        return self.du - self.rembourse


@dataclass
class Solde:
    taxe: Decimal | None
    consigne: Decimal
    acomptes: Decimal
    paye_expert: Decimal
    remboursements: list[Remboursement] = field(default_factory=list)
    debiteur: Partie | None = None

    @property
    def du_par_regie(self) -> Decimal:
        """What the régie pays the expert from the provision (the consigned sums, up to the taxe)."""
        return min(self.taxe or ZERO, self.consigne)

    @property
    def reste_expert(self) -> Decimal:
        return max(self.du_par_regie - self.paye_expert, ZERO)

    @property
    def complement(self) -> Decimal:
        return max((self.taxe or ZERO) - self.consigne, ZERO)

    @property
    def excedent(self) -> Decimal:
        return max(self.consigne - (self.taxe or ZERO), ZERO) if self.taxe is not None else ZERO

    @property
    def reste_a_rembourser(self) -> Decimal:
        return sum((r.reste for r in self.remboursements), ZERO)

    @property
    def regle(self) -> bool:
        """Settled: the expert received what the régie owes, every surplus is refunded; a
        complement is assigned to the party the ordonnance names (the expert recovers it)."""
        return self.taxe is not None and self.reste_expert == 0 and self.reste_a_rembourser == 0


def solde(e: Expertise, taxe: Taxe | None = None) -> Solde:
    t = taxe if taxe is not None else Taxe.objects.filter(expertise=e, rendue_le__isnull=False).first()
    montant = t.montant if t is not None and t.montant is not None else None
    sorties = list(Sortie.objects.filter(expertise=e))
    acomptes = sum((x.montant for x in sorties if x.type == TypeSortie.ACOMPTE), ZERO)
    s = Solde(
        taxe=montant,
        consigne=consigne(e),
        acomptes=acomptes,
        paye_expert=sum((x.montant for x in sorties if x.type != TypeSortie.REMBOURSEMENT), ZERO),
        debiteur=t.debiteur if t is not None else None,
    )
    if s.excedent:
        # The surplus goes back to the parties in proportion to what each paid for itself.
        livre = grand_livre.calculer(e)
        payeurs = sorted((ligne.cle, ligne.verse) for ligne in livre.lignes if ligne.cle is not None and ligne.verse > 0)
        total = sum((v for _, v in payeurs), ZERO)
        if total:
            montants = repartir(s.excedent, [v / total for _, v in payeurs])
            rembourses: dict[int, Decimal] = defaultdict(lambda: ZERO)
            for x in sorties:
                if x.type == TypeSortie.REMBOURSEMENT and x.partie_id:
                    rembourses[x.partie_id] += x.montant
            noms = {p.pk: p for p in Partie.objects.filter(pk__in=[c for c, _ in payeurs])}
            s.remboursements = [
                Remboursement(noms[cle], m, rembourses[cle]) for (cle, _), m in zip(payeurs, montants, strict=True) if m > 0
            ]
    return s


def enregistrer_sortie(
    *,
    acteur: Utilisateur,
    expertise: Expertise,
    type_: str,
    montant: object,
    payee_le: dt.date | None,
    partie: Partie | None = None,
) -> Sortie:
    """The greffe records a payment of the régie: an advance or the fees to the expert, a refund to a party."""
    somme = montant_valide(montant)
    if type_ not in TypeSortie.values:
        raise RefusChamp("type", "Choisissez le type de paiement.")
    with transaction.atomic():
        e = _verrouiller(expertise)
        _civile(e)
        _exiger(acteur, e, Qualite.GREFFIER, "Seul le greffe enregistre les paiements de la régie.")
        if payee_le is None:
            raise RefusChamp("payee_le", "Indiquez la date du paiement.")
        if payee_le > _aujourd_hui(e):
            raise RefusChamp("payee_le", "La date du paiement ne peut pas être dans le futur.")
        demande = None
        if type_ == TypeSortie.ACOMPTE:
            partie = None
            reste = acomptes_a_payer(e)
            if somme > reste:
                raise RefusChamp("montant", f"L'acompte à verser selon les décisions du juge est de {euros(reste)}.")
            demande = (
                Demande.objects.filter(expertise=e, type=TypeDemande.ACOMPTE, statut=StatutDemande.ACCORDEE)
                .order_by("-decidee_le")
                .first()
            )
        else:
            s = solde(e)
            if s.taxe is None:
                raise RefusService("L'ordonnance de taxe n'est pas rendue : seul un acompte accordé peut être versé.")
            if type_ == TypeSortie.REMUNERATION:
                partie = None
                if somme > s.reste_expert:
                    raise RefusChamp("montant", f"La régie doit encore {euros(s.reste_expert)} à l'expert.")
            else:
                ligne = next((r for r in s.remboursements if partie is not None and r.partie.pk == partie.pk), None)
                if ligne is None:
                    raise RefusChamp("partie", "Aucune somme n'est à rembourser à cette partie.")
                if somme > ligne.reste:
                    raise RefusChamp("montant", f"Il reste {euros(ligne.reste)} à rembourser à {ligne.partie.designation}.")
        x = Sortie.objects.create(
            expertise=e, type=type_, montant=somme, partie=partie, payee_le=payee_le, demande=demande, enregistree_par=acteur
        )
        x.evenement = _evenement(
            "sortie",
            acteur=acteur,
            e=e,
            objet=x.uuid,
            type=type_,
            montant=_euros(somme),
            payee_le=payee_le.isoformat(),
            partie=str(partie.uuid) if partie else None,
        )
        x.save(update_fields=["evenement"])
    return x


def empechement_cloture(e: Expertise) -> Empechement | None:
    """The case closes (« taxer ») only once the ledger is settled, when frais follows the taxation."""
    if e.matiere != Matiere.CIVILE:
        return None
    t = Taxe.objects.filter(expertise=e).first()
    if t is None or t.rendue_le is None:
        if DemandeRemuneration.objects.filter(expertise=e).exists():
            return Empechement(
                "La demande de rémunération est déposée : l'ordonnance de taxe se rend dans l'onglet « Frais ».",
                qui="le magistrat",
            )
        return None
    s = solde(e, taxe=t)
    if s.regle:
        return None
    morceaux = []
    if s.reste_expert:
        morceaux.append(f"{euros(s.reste_expert)} à verser à l'expert")
    if s.reste_a_rembourser:
        morceaux.append(f"{euros(s.reste_a_rembourser)} à rembourser aux parties")
    return Empechement(
        "Le grand livre n'est pas soldé : " + ", ".join(morceaux) + ".", qui="le greffe enregistre les paiements de la régie"
    )


def verifier_montant_taxe(e: Expertise, *, acteur: Utilisateur | None, **_: Any) -> None:
    """Reaction to « taxer » (in its transaction): once frais rendered the ordonnance, the case is
    closed with its amount, whichever page fires the step (otherwise nothing is recorded)."""
    t = Taxe.objects.filter(expertise=e, rendue_le__isnull=False).first()
    if t is not None and e.montant_taxe != t.montant:
        raise RefusService(
            f"Le montant taxé est celui de l'ordonnance de taxe du {date_longue(date_locale(t.rendue_le, e.fuseau))} : "
            f"{euros(t.montant)}."
        )


def clore(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    """Once settled, the magistrate closes the case with the taxed amount (transition « taxer »,
    whose guard is ``empechement_cloture``)."""
    t = Taxe.objects.filter(expertise=expertise, rendue_le__isnull=False).first()
    if t is None:
        raise RefusService("L'ordonnance de taxe n'est pas rendue.")
    return expertises.taxer(acteur=acteur, expertise=expertise, montant=t.montant)


# --- (6) Penal: the mémoire de frais ---------------------------------------------------------------


def _memoire_pdf(e: Expertise, m: MemoireFrais, r: Releve) -> bytes:
    tableau = [["Date", "Prestation", "Article", "Quantité", "Tarif", "HT", "TVA", "TTC"]]
    for ligne, ht, tva, ttc in r.lignes:
        tableau.append(
            [
                ligne.jour.strftime("%d/%m/%Y"),
                ligne.libelle,
                ligne.tarif.article if ligne.tarif else "—",
                str(ligne.quantite),
                documents.montant_texte(ligne.taux),
                *map(documents.montant_texte, (ht, tva, ttc)),
            ]
        )
    tableau.append(["", "Total", "", "", "", *map(documents.montant_texte, (r.ht, r.tva, r.ttc))])
    paragraphes = [
        "Mémoire de frais de justice de l'expert (articles R. 91 et suivants du code de procédure pénale), "
        f"établi le {date_longue(date_locale(m.etabli_le, e.fuseau))} par {m.etabli_par}.",
    ]
    if m.certifie_le:
        paragraphes.append(f"Certifié par {m.certifie_par}, magistrat, le {date_longue(date_locale(m.certifie_le, e.fuseau))}.")
    return documents.rendre(
        e, titre="Mémoire de frais de justice", paragraphes=paragraphes, tableau=tableau, motif="Mémoire de frais"
    )


def etablir_memoire(*, acteur: Utilisateur, expertise: Expertise) -> MemoireFrais:
    with transaction.atomic():
        e = _verrouiller(expertise)
        if e.matiere != Matiere.PENALE:
            raise RefusService("Le mémoire de frais de justice concerne les expertises pénales.")
        _exiger(acteur, e, Qualite.EXPERT, "Seul l'expert de la mission établit son mémoire de frais.")
        r = releve(e)
        if not r.lignes:
            raise RefusService("Le relevé du temps et des frais est vide.")
        m = MemoireFrais.objects.select_for_update().filter(expertise=e).first()
        if m is not None and m.certifie_le:
            raise RefusService("Le mémoire est certifié : il ne peut plus être modifié.")
        if m is None:
            m = MemoireFrais(expertise=e)
        m.montant_ht, m.montant_tva, m.montant, m.etabli_par, m.etabli_le = r.ht, r.tva, r.ttc, acteur, maintenant()
        _remplacer(m.document if m.pk else None, e, acteur)
        m.document = _deposer_pdf(e, _memoire_pdf(e, m, r), "memoire-de-frais.pdf")
        m.save()
        m.evenement = _evenement(
            "memoire", acteur=acteur, e=e, objet=m.uuid, montant=_euros(r.ttc), document_sha256=m.document.sha256
        )
        m.save(update_fields=["evenement"])
    return m


def certifier_memoire(*, acteur: Utilisateur, expertise: Expertise) -> MemoireFrais:
    with transaction.atomic():
        e = _verrouiller(expertise)
        _exiger(acteur, e, Qualite.MAGISTRAT, "Seul le magistrat de l'expertise certifie le mémoire de frais.")
        m = MemoireFrais.objects.select_for_update().filter(expertise=e).first()
        if m is None:
            raise RefusService("L'expert n'a pas établi son mémoire de frais.")
        if m.certifie_le:
            raise RefusService("Le mémoire est déjà certifié.")
        m.certifie_par, m.certifie_le = acteur, maintenant()
        _remplacer(m.document, e, acteur)
        m.document = _deposer_pdf(e, _memoire_pdf(e, m, releve(e)), "memoire-de-frais-certifie.pdf")
        m.save()
        _evenement(
            "memoire_certifie", acteur=acteur, e=e, objet=m.uuid, montant=_euros(m.montant), document_sha256=m.document.sha256
        )
    return m


COLONNES_EXPORT = [
    "date",
    "nature",
    "libelle",
    "article_cpp",
    "code_tarif",
    "quantite",
    "taux_ht",
    "montant_ht",
    "taux_tva",
    "montant_tva",
    "montant_ttc",
]


def export_memoire(e: Expertise) -> tuple[str, str]:
    """(CSV, JSON) of a certified mémoire: one row per line, amounts as decimal strings (docs/frais.md)."""
    m = MemoireFrais.objects.filter(expertise=e, certifie_le__isnull=False).first()
    if m is None:
        raise RefusService("Le mémoire de frais n'est pas certifié : il ne peut pas être exporté.")
    r = releve(e)
    lignes = [
        {
            "date": ligne.jour.isoformat(),
            "nature": ligne.nature,
            "libelle": ligne.libelle,
            "article_cpp": ligne.tarif.article if ligne.tarif else "",
            "code_tarif": ligne.tarif.code if ligne.tarif else "",
            "quantite": str(ligne.quantite),
            "taux_ht": str(ligne.taux),
            "montant_ht": str(ht),
            "taux_tva": ligne.tva,
            "montant_tva": str(tva),
            "montant_ttc": str(ttc),
        }
        for ligne, ht, tva, ttc in r.lignes
    ]
    # Through the platform's one CSV writer: every cell neutralised against spreadsheet formulas.
    texte_csv = tableur.csv_texte(COLONNES_EXPORT, ([ligne[c] for c in COLONNES_EXPORT] for ligne in lignes), separateur=";")
    document = {
        "format": "justexpert.memoire-frais/1",
        "memoire": str(m.uuid),
        "juridiction": str(e.juridiction),
        "certifie_le": m.certifie_le.isoformat() if m.certifie_le else None,
        "montant_ht": str(m.montant_ht),
        "montant_tva": str(m.montant_tva),
        "montant_ttc": str(m.montant),
        "lignes": lignes,
    }
    return texte_csv, json.dumps(document, ensure_ascii=False, indent=2)
