"""Every change of state of a candidature: drafts, pieces, the transitions of the workflow table,
messages, the decision (which writes the inscription through annuaire's services), the
destruction of pieces after the appeal period, and the annual activity report.

Each function runs in one transaction, takes the acting user as keyword ``acteur``, locks the file
it changes, appends an event to the evidence log in the same transaction (references and hashes
only), and queues its mails for after the commit.

Rules checked at filing (blocking), from the décret n° 2004-1463 (D2004) and the loi n° 71-498
(L1971), reusing the annuaire's own checks:
- nobody aged 70 or more on 1 January of the list year (D2004 art. 2);
- the national list needs five years of inscription on a cour d'appel list (L1971 art. 2-III);
- a réinscription needs an inscription in force in that specialite on that list, an extension an
  inscription in force on that list.
Warnings for the instructor, who decides: main activity (or domicile when retired) outside the
ressort of the cour d'appel (D2004 art. 2); filed after the campaign deadline.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from justexpert.annuaire import activite
from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import Expert, Formation, Inscription, NatureFait
from justexpert.coffre import services as coffre
from justexpert.coffre.services import Depot
from justexpert.comptes.models import Habilitation, Organisation, Role, TypeOrganisation, Utilisateur
from justexpert.comptes.services import RefusService, envoyer_courriel, lien_absolu
from justexpert.lib import temps
from justexpert.lib.format import date_longue
from justexpert.preuves import services as preuves

from . import permissions, workflow
from .models import (
    ETATS_DECISION,
    Candidature,
    CompteRenduActivite,
    Etat,
    Message,
    Piece,
    Traitement,
    TypeCandidature,
    TypePiece,
)

logger = logging.getLogger(__name__)

# Fields of the form the candidate fills (model field names).
CHAMPS_FORMULAIRE = (
    "liste",
    "specialite",
    "annee_liste",
    "civilite",
    "nom",
    "prenom",
    "date_naissance",
    "profession",
    "retraite",
    "adresse_pro",
    "code_postal_pro",
    "ville_pro",
    "adresse_domicile",
    "code_postal_domicile",
    "ville_domicile",
    "telephone",
    "diplomes",
    "travaux",
    "activites",
    "moyens",
    "formations",
    "experience_judiciaire",
    "motivation",
    "declaration_honneur",
)
CHAMPS_OBLIGATOIRES = {
    "liste": "la liste demandée",
    "specialite": "la spécialité",
    "nom": "le nom",
    "prenom": "le prénom",
    "date_naissance": "la date de naissance",
    "profession": "la profession exercée",
    "activites": "les activités professionnelles exercées",
    "motivation": "la motivation",
}
ETATS_MODIFIABLES = (Etat.BROUILLON, Etat.COMPLEMENTS_DEMANDES)
AVIS_RECOURS = (
    "Cette décision peut faire l'objet d'un recours devant la Cour de cassation dans le délai d'un mois à "
    "compter de sa notification. Le recours est formé par déclaration au greffe de la cour d'appel ou par "
    "lettre recommandée avec demande d'avis de réception ; il doit être motivé, à peine d'irrecevabilité "
    "(décret n° 2004-1463 du 23 décembre 2004, art. 20)."
)
MOTIF_DESTRUCTION = "delai_de_recours_expire"


class RegleNonRespectee(RefusService):
    """The rules refuse the change; ``messages`` lists every reason, in French."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


# --- Settings and dates -------------------------------------------------------------------------


def _mois_jour(valeur: str) -> tuple[int, int]:
    mois, jour = (int(x) for x in valeur.split("-"))
    return mois, jour


def date_limite(annee_liste: int) -> dt.date:
    """Files for the list of ``annee_liste`` are deposited before this day of the year before
    (1 March by default, setting CANDIDATURES_DATE_LIMITE)."""
    mois, jour = _mois_jour(settings.CANDIDATURES_DATE_LIMITE)
    return dt.date(annee_liste - 1, mois, jour)


def fuseau(candidature: Candidature) -> str:
    return candidature.liste.fuseau if candidature.liste_id else temps.PARIS  # type: ignore[union-attr]


def annee_ouverte(le: dt.date | None = None) -> int:
    """The list year of the campaign open today: next year's list until the deadline, then the one after."""
    jour = le or timezone.localdate()
    return jour.year + 1 if jour < date_limite(jour.year + 1) else jour.year + 2


def debut_liste(candidature: Candidature) -> dt.date:
    return dt.date(candidature.annee_liste, 1, 1)


def cour_de_cassation() -> Organisation:
    return Organisation.objects.get(type=TypeOrganisation.COUR_CASSATION)


def fiche_de(user: Utilisateur) -> Expert | None:
    return Expert.objects.filter(utilisateur=user).first()


# --- Drafts -------------------------------------------------------------------------------------


def creer_brouillon(*, acteur: Utilisateur, type_: str) -> Candidature:
    """A new draft, prefilled from the account and, for an expert, from their fiche."""
    if type_ not in TypeCandidature.values:
        raise RefusService("Nature de demande inconnue.")
    if not acteur.a_role(Role.CANDIDAT, Role.EXPERT):
        raise RefusService("Seuls les candidats et les experts déposent des candidatures.")
    c = Candidature(candidat=acteur, type=type_, annee_liste=annee_ouverte(), nom=acteur.nom, prenom=acteur.prenom)
    fiche = fiche_de(acteur)
    if fiche is not None:
        c.expert = fiche
        for champ in ("civilite", "nom", "prenom", "date_naissance", "profession", "diplomes", "adresse_pro"):
            setattr(c, champ, getattr(fiche, champ) or getattr(c, champ))
        c.code_postal_pro, c.ville_pro = fiche.code_postal_pro, fiche.ville_pro
        c.telephone = fiche.telephone_mobile or fiche.telephone_fixe
        if type_ != TypeCandidature.NATIONALE and fiche.cour_appel_id:
            c.liste = fiche.cour_appel
    if type_ == TypeCandidature.NATIONALE:
        c.liste = cour_de_cassation()
    if type_ == TypeCandidature.REINSCRIPTION and fiche is not None:
        preremplir_reinscription(c, fiche)
    c.save()
    return c


def inscription_a_renouveler(fiche: Expert, liste: Organisation | None = None) -> Inscription | None:
    qs = Inscription.objects.actives().filter(expert=fiche).select_related("liste", "specialite").order_by("fin")
    if liste is not None:
        qs = qs.filter(liste=liste)
    return qs.first()


def annees_du_releve(c: Candidature) -> list[int]:
    """The years a réinscription is judged on: since the start of the period being renewed (at most
    seven years back), up to the year of deposit."""
    fin = temps.date_locale(c.depose_le or temps.maintenant(), fuseau(c)).year
    debut = fin - 4
    if c.expert_id is not None:
        inscription = inscription_a_renouveler(c.expert, c.liste)  # type: ignore[arg-type]
        if inscription is not None:
            debut = max(fin - 6, min(inscription.debut.year, fin))
    return list(range(debut, fin + 1))


def _phrase_annee(ligne_par_nature: dict[str, activite.Cellule]) -> str:
    def n(nature: str) -> int:
        return ligne_par_nature[nature].nombre

    taxe = f"{ligne_par_nature[NatureFait.REMUNERATION_TAXEE].montant or 0:.2f}".replace(".", ",")
    heures = f"{ligne_par_nature[activite.HEURES].montant or 0:.1f}".replace(".", ",").removesuffix(",0")
    return (
        f"{n(NatureFait.MISSION_ACCEPTEE)} mission(s) acceptée(s), {n(NatureFait.MISSION_REFUSEE)} refusée(s) ; "
        f"{n(NatureFait.RAPPORT_DEPOSE)} rapport(s) déposé(s), dont {n(NatureFait.DELAI_RESPECTE)} dans le délai ; "
        f"{n(NatureFait.DIRE_RECU)} dire(s) reçu(s), {n(NatureFait.DIRE_REPONDU)} répondu(s) ; "
        f"{n(NatureFait.REMUNERATION_DEMANDEE)} demande(s) de rémunération, "
        f"{n(NatureFait.REMUNERATION_TAXEE)} taxation(s) pour {taxe} € ; {heures} h de formation"
    )


def preremplir_reinscription(c: Candidature, fiche: Expert) -> None:
    """A réinscription starts from what the platform knows: the inscription to renew, the record of
    activity, the training ledger and the annual activity reports. The candidate corrects and
    completes; nothing here is final."""
    inscription = inscription_a_renouveler(fiche, c.liste)
    if inscription is not None:
        c.liste, c.specialite = inscription.liste, inscription.specialite
    annees = annees_du_releve(c)
    lignes = activite.releve(fiche, annees)
    experience = ["Activité enregistrée sur la plateforme :"]
    for i, annee in enumerate(annees):
        experience.append(f"- {annee} : " + _phrase_annee({ligne.nature: ligne.cellules[i] for ligne in lignes}) + ".")
    for cr in CompteRenduActivite.objects.filter(expert=fiche, annee__in=annees).order_by("annee"):
        experience.append(
            f"- Compte rendu annuel {cr.annee} : {cr.nombre_rapports} rapport(s) déposé(s), "
            f"{cr.expertises_en_cours} expertise(s) en cours." + (f" {cr.detail_expertises}" if cr.detail_expertises else "")
        )
    c.experience_judiciaire = "\n".join(experience)
    formations = [
        f"- {f.intitule}, {f.organisme}, le {f.jour:%d/%m/%Y} ({f.heures} h, {f.get_nature_display().lower()})"
        for f in Formation.objects.filter(expert=fiche, jour__year__in=annees).order_by("jour")
    ]
    for cr in CompteRenduActivite.objects.filter(expert=fiche, annee__in=annees).exclude(formations="").order_by("annee"):
        formations.append(f"- Déclaré au compte rendu {cr.annee} : {cr.formations}")
    c.formations = "\n".join(formations)


def enregistrer_brouillon(
    candidature: Candidature, *, acteur: Utilisateur, saisie: Mapping[str, Any], valeurs: Mapping[str, Any]
) -> Candidature:
    """Save what the candidate typed: ``saisie`` raw (invalid values included, shown back as typed),
    ``valeurs`` the fields that passed validation, copied to the file. Called on every POST of the
    form and by the autosave endpoint."""
    with transaction.atomic():
        c = Candidature.objects.select_for_update().get(pk=candidature.pk)
        if c.candidat_id != acteur.pk:
            raise RefusService("Seul le candidat modifie sa candidature.")
        if c.etat not in ETATS_MODIFIABLES:
            raise RefusService("La candidature n'est plus modifiable dans son état actuel.")
        c.saisie = {k: v for k, v in saisie.items() if k in CHAMPS_FORMULAIRE}
        for champ, valeur in valeurs.items():
            if champ not in CHAMPS_FORMULAIRE:
                continue
            if champ == "liste" and c.type == TypeCandidature.NATIONALE:
                continue  # the national list is filed with the Cour de cassation, always
            if champ == "annee_liste":
                if valeur not in (None, ""):
                    c.annee_liste = int(valeur)
                continue
            if valeur is None and champ not in ("liste", "specialite", "date_naissance"):
                valeur = ""
            setattr(c, champ, valeur)
        c.save()
    return c


# --- Rules at filing ----------------------------------------------------------------------------


def erreurs_bloquantes(c: Candidature) -> list[str]:
    """Every reason the file cannot be deposited yet, in French (empty: it can)."""
    erreurs: list[str] = []
    manquants = [libelle for champ, libelle in CHAMPS_OBLIGATOIRES.items() if not getattr(c, champ)]
    if not (c.code_postal_domicile if c.retraite else c.code_postal_pro):
        manquants.append("le code postal du domicile" if c.retraite else "le code postal de l'activité principale")
    if manquants:
        erreurs.append("Renseignez " + ", ".join(manquants) + ".")
    if not c.declaration_honneur:
        erreurs.append("Cochez la déclaration sur l'honneur.")
    pieces = c.pieces_manquantes()
    if pieces:
        libelles = dict(TypePiece.choices)
        erreurs.append("Pièces manquantes : " + " ; ".join(libelles[p] for p in pieces) + ".")
    debut = debut_liste(c)
    if c.date_naissance:
        try:
            # The annuaire's own age rule, on the first day of the list year.
            annuaire.verifier_age(Expert(date_naissance=c.date_naissance), debut)
        except annuaire.RegleNonRespectee as refus:
            erreurs.append(str(refus).replace("L'expert aura", "Vous aurez"))
    if c.type != TypeCandidature.INITIALE:
        fiche = c.expert or fiche_de(c.candidat)
        if fiche is None:
            erreurs.append(
                "Cette demande est réservée aux experts inscrits : aucune fiche d'expert n'est liée à votre compte. "
                "Déposez une demande d'inscription initiale."
            )
        elif c.type == TypeCandidature.NATIONALE:
            try:
                annuaire.verifier_nationale(fiche, debut)
            except annuaire.RegleNonRespectee as refus:
                erreurs.append(str(refus))
        elif c.liste_id and c.specialite_id:
            en_cours = Inscription.objects.actives().filter(expert=fiche, liste_id=c.liste_id)
            if c.type == TypeCandidature.REINSCRIPTION and not en_cours.filter(specialite_id=c.specialite_id).exists():
                erreurs.append(
                    "Une réinscription suppose une inscription en cours dans cette spécialité sur la liste de cette "
                    "cour d'appel ; à défaut, déposez une demande d'inscription initiale."
                )
            if c.type == TypeCandidature.EXTENSION:
                if not en_cours.exists():
                    erreurs.append(
                        "Une extension suppose une inscription en cours sur la liste de cette cour d'appel ; "
                        "à défaut, déposez une demande d'inscription initiale."
                    )
                elif en_cours.filter(specialite_id=c.specialite_id).exists():
                    erreurs.append("Vous êtes déjà inscrit dans cette spécialité sur cette liste.")
    return erreurs


def alertes(c: Candidature, depose_le: dt.datetime) -> list[str]:
    """Points for the instructor, who decides (not blocking)."""
    points: list[str] = []
    liste = c.liste
    if liste is not None and liste.type == TypeOrganisation.COUR_APPEL:
        cp = c.code_postal_domicile if c.retraite else c.code_postal_pro
        cour = annuaire.cour_du_departement(annuaire.departement_du_code_postal(cp))
        if cour != liste:
            lieu = "Le domicile (candidat retraité)" if c.retraite else "L'activité professionnelle principale"
            ailleurs = f"dans le ressort de la {cour}" if cour else "hors de tout ressort connu"
            points.append(f"{lieu} ({cp}) se situe {ailleurs}, pas dans celui de la {liste} (décret n° 2004-1463, art. 2).")
    limite = date_limite(c.annee_liste)
    jour = temps.date_locale(depose_le, fuseau(c))
    if jour >= limite:
        points.append(
            f"Candidature déposée le {jour:%d/%m/%Y}, après la date limite de la campagne {c.annee_liste} "
            f"(dépôt avant le {limite:%d/%m/%Y})."
        )
    return points


# --- Transitions --------------------------------------------------------------------------------


def _evenement(type_: str, c: Candidature, *, acteur: Utilisateur | None, objet: object = None, **kw: Any) -> Any:
    return preuves.enregistrer(
        f"candidatures.{type_}",
        acteur_ref=acteur.uuid if acteur else "systeme",
        objet_ref=objet or c.uuid,
        dossier_ref=c.uuid,
        **kw,
    )


def _transition(
    candidature: Candidature, nom: str, *, acteur: Utilisateur, motif: str = "", **champs: Any
) -> tuple[Candidature, workflow.Regle]:
    """Lock, check the table and the actor's role on this file, write, log. Runs inside the
    caller's transaction."""
    c = Candidature.objects.select_for_update(of=("self",)).select_related("liste", "candidat").get(pk=candidature.pk)
    r = workflow.regle(nom, c.etat, c.type)
    if r is None:
        raise RegleNonRespectee(
            f"« {workflow.LIBELLES.get(nom, nom)} » n'est pas possible : la candidature est à l'état « {c.get_etat_display()} »."
        )
    if permissions.role_sur(acteur, c) != r.acteur:
        raise RegleNonRespectee(
            "Cette action est réservée au candidat."
            if r.acteur == workflow.CANDIDAT
            else "Cette action est réservée à l'instruction."
        )
    de = c.etat
    for champ, valeur in champs.items():
        setattr(c, champ, valeur)
    c.etat = r.cible
    c.save()
    evenement = _evenement(nom, c, acteur=acteur, details={"de": de, "vers": r.cible})
    Traitement.objects.create(candidature=c, transition=nom, de=de, vers=r.cible, acteur=acteur, motif=motif, evenement=evenement)
    return c, r


def _lien(c: Candidature, ancre: str = "") -> str:
    return lien_absolu(reverse("candidatures:detail", args=[c.uuid]) + (f"#{ancre}" if ancre else ""))


def instructeurs(c: Candidature) -> list[str]:
    """E-mail addresses of the people instructing this court's files (same rule as permissions)."""
    if c.liste_id is None:
        return []
    liste = c.liste_id
    habilite = Q(appartenances__habilitations__code=Habilitation.INSTRUCTEUR_CANDIDATURES)
    qs = Utilisateur.objects.filter(is_active=True).filter(
        Q(appartenances__role=Role.GREFFIER, appartenances__organisation_id=liste)
        | (habilite & Q(appartenances__organisation_id=liste))
        | (habilite & Q(appartenances__organisation__cour_appel_id=liste))
    )
    return sorted(set(qs.exclude(pk=c.candidat_id).values_list("email", flat=True)))


def _notifier_candidat(c: Candidature, sujet: str, corps: str, ancre: str = "") -> None:
    envoyer_courriel(
        sujet=f"Justexpert : {sujet}",
        corps=f"Bonjour,\n\n{corps}\n\nOuvrir la candidature : {_lien(c, ancre)}\n",
        destinataires=[c.candidat.email],
    )


def _notifier_instruction(c: Candidature, sujet: str, corps: str, ancre: str = "") -> None:
    envoyer_courriel(
        sujet=f"Justexpert : {sujet}",
        corps=f"Bonjour,\n\n{corps}\n\nOuvrir la candidature : {_lien(c, ancre)}\n",
        destinataires=instructeurs(c),
    )


def deposer(candidature: Candidature, *, acteur: Utilisateur) -> Candidature:
    """Brouillon → déposée, once every blocking rule passes; warnings are kept for the instructor."""
    with transaction.atomic():
        c = Candidature.objects.select_for_update().get(pk=candidature.pk)
        if c.etat == Etat.BROUILLON and c.candidat_id == acteur.pk:
            erreurs = erreurs_bloquantes(c)
            if erreurs:
                raise RegleNonRespectee(erreurs)
        maintenant = temps.maintenant()
        c.alertes = alertes(c, maintenant) if c.liste_id else []
        c, _ = _transition(c, "deposer", acteur=acteur, depose_le=maintenant, alertes=c.alertes)
        _notifier_instruction(
            c,
            "nouvelle candidature déposée",
            f"Une candidature ({c.get_type_display()}, liste {c.annee_liste}) a été déposée et attend l'instruction.",
        )
    return c


def passer_en_instruction(candidature: Candidature, *, acteur: Utilisateur) -> Candidature:
    with transaction.atomic():
        c, _ = _transition(candidature, "passer_en_instruction", acteur=acteur)
        _notifier_candidat(c, "votre candidature est en instruction", "Votre candidature est en cours d'instruction.")
    return c


def _message(c: Candidature, *, acteur: Utilisateur, corps: str, instruction: bool, demande: bool = False) -> Message:
    m = Message.objects.create(
        candidature=c, auteur=acteur, corps=corps, de_l_instruction=instruction, demande_complements=demande
    )
    _evenement("message", c, acteur=acteur, objet=m.uuid)
    return m


def demander_complements(candidature: Candidature, *, acteur: Utilisateur, texte: str) -> Candidature:
    texte = (texte or "").strip()
    if not texte:
        raise RegleNonRespectee(workflow.TEXTE_OBLIGATOIRE["demander_complements"])
    with transaction.atomic():
        c, _ = _transition(candidature, "demander_complements", acteur=acteur, motif=texte)
        m = _message(c, acteur=acteur, corps=texte, instruction=True, demande=True)
        _notifier_candidat(
            c,
            "des compléments sont demandés pour votre candidature",
            f"Le service des experts demande des compléments :\n\n{texte}",
            ancre=f"message-{m.uuid}",
        )
    return c


def apporter_complements(candidature: Candidature, *, acteur: Utilisateur, texte: str = "") -> Candidature:
    with transaction.atomic():
        c, _ = _transition(candidature, "apporter_complements", acteur=acteur, motif=texte)
        ancre = ""
        if texte.strip():
            ancre = f"message-{_message(c, acteur=acteur, corps=texte.strip(), instruction=False).uuid}"
        _notifier_instruction(c, "compléments apportés", "Le candidat a apporté les compléments demandés.", ancre=ancre)
    return c


def enregistrer_avis_parquet(candidature: Candidature, *, acteur: Utilisateur, texte: str) -> Candidature:
    if not (texte or "").strip():
        raise RegleNonRespectee(workflow.TEXTE_OBLIGATOIRE["enregistrer_avis_parquet"])
    with transaction.atomic():
        c, _ = _transition(candidature, "enregistrer_avis_parquet", acteur=acteur, avis_parquet=texte.strip())
    return c


def enregistrer_avis_commission(candidature: Candidature, *, acteur: Utilisateur, texte: str) -> Candidature:
    if not (texte or "").strip():
        raise RegleNonRespectee(workflow.TEXTE_OBLIGATOIRE["enregistrer_avis_commission"])
    with transaction.atomic():
        c, _ = _transition(candidature, "enregistrer_avis_commission", acteur=acteur, avis_commission=texte.strip())
    return c


def _ecrire_inscription(c: Candidature, *, acteur: Utilisateur) -> Expert:
    """Acceptance writes or extends the inscription, through the annuaire's services and rules."""
    motif = f"Décision sur la candidature {c.uuid}"
    debut = max(debut_liste(c), timezone.localdate())
    fiche = c.expert or fiche_de(c.candidat)
    if c.type == TypeCandidature.REINSCRIPTION:
        if fiche is None:
            raise RegleNonRespectee("Aucune fiche d'expert n'est liée au candidat.")
        inscription = Inscription.objects.actives().filter(expert=fiche, liste=c.liste, specialite=c.specialite).first()
        if inscription is None:
            raise RegleNonRespectee("L'inscription à renouveler n'est plus en cours.")
        annuaire.reinscrire(inscription, acteur=acteur, motif=motif)
        return fiche
    if fiche is None:
        fiche = annuaire.creer_fiche(
            acteur=acteur,
            motif=motif,
            civilite=c.civilite,
            nom=c.nom,
            prenom=c.prenom,
            date_naissance=c.date_naissance,
            profession=c.profession,
            diplomes=c.diplomes,
            adresse_pro=c.adresse_domicile if c.retraite else c.adresse_pro,
            code_postal_pro=c.code_postal_domicile if c.retraite else c.code_postal_pro,
            ville_pro=c.ville_domicile if c.retraite else c.ville_pro,
            email=c.candidat.email,
            telephone_mobile=c.telephone,
        )
    annuaire.inscrire(fiche, acteur=acteur, liste=c.liste, specialite=c.specialite, debut=debut, motif=motif)  # type: ignore[arg-type]
    if fiche.utilisateur_id is None and fiche.email:
        annuaire.inviter_expert(fiche, acteur=acteur)
    return fiche


def accepter(candidature: Candidature, *, acteur: Utilisateur, motifs: str = "") -> Candidature:
    """Decision of the assemblée générale (of the Cour de cassation's bureau for the national
    list): acceptance. Writes the inscription, notifies with the appeal notice."""
    with transaction.atomic():
        maintenant = timezone.now()
        c, _ = _transition(
            candidature, "accepter", acteur=acteur, motif=motifs, motifs_decision=motifs.strip(), decide_le=maintenant
        )
        c.expert = _ecrire_inscription(c, acteur=acteur)
        c.notifie_le = maintenant
        c.save(update_fields=["expert", "notifie_le"])
        _notifier_candidat(
            c,
            "décision sur votre candidature",
            f"Votre candidature ({c.get_type_display()}, spécialité {c.specialite.code if c.specialite else ''}) a été "
            f"acceptée : vous figurerez sur la liste {c.annee_liste} ({c.liste}).\n\n{avis_recours(c)}",
        )
    return c


def echeance_recours(c: Candidature) -> dt.date | None:
    """Last day to appeal to the Cour de cassation: one month from the notification (D2004 art. 20),
    counted in the court's time zone."""
    if c.notifie_le is None or c.etat not in ETATS_DECISION:
        return None
    jour = temps.date_locale(c.notifie_le, fuseau(c))
    annee, mois = (jour.year + 1, 1) if jour.month == 12 else (jour.year, jour.month + 1)
    for quantieme in (jour.day, 30, 29, 28):
        try:
            return dt.date(annee, mois, quantieme)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def avis_recours(c: Candidature) -> str:
    echeance = echeance_recours(c)
    precision = f" Pour cette décision, le délai expire le {date_longue(echeance)}." if echeance else ""
    return AVIS_RECOURS + precision


def empechement_refus(c: Candidature) -> str:
    """Why the refusal of this réinscription cannot be recorded yet ("" when it can): under the
    court's fair-instruction rule the reasons envisaged go to the candidate first, and the
    candidate has until the deadline to answer."""
    if c.type != TypeCandidature.REINSCRIPTION or c.liste_id is None:
        return ""
    if c.etat == Etat.AVIS_COMMISSION and activite.regles_de(c.liste).instruction_contradictoire:  # type: ignore[arg-type]
        return (
            "Avant de refuser une réinscription, communiquez au candidat les motifs de refus envisagés : il pourra y "
            "répondre avant que la commission décide (règle de bonne pratique de la cour, modifiable dans ses réglages)."
        )
    if c.etat == Etat.MOTIFS_ENVISAGES and c.date_limite_reponse and not temps.est_echu(c.date_limite_reponse, fuseau(c)):
        return (
            f"Le candidat peut répondre aux motifs envisagés jusqu'au {date_longue(c.date_limite_reponse)} inclus "
            f"({temps.nom_heure(fuseau(c))}) : la décision de refus se prend après sa réponse "
            "ou après cette date."
        )
    return ""


def enoncer_motifs(candidature: Candidature, *, acteur: Utilisateur, texte: str) -> Candidature:
    """Réinscription: the instructor sends the reasons of refusal envisaged; the candidate may answer
    within the court's delay (the platform's rule of good practice; D2004 art. 14: the commission
    may hear the candidate; L1971 art. 2: the refusal is reasoned)."""
    texte = (texte or "").strip()
    if not texte:
        raise RegleNonRespectee(workflow.TEXTE_OBLIGATOIRE["enoncer_motifs"])
    with transaction.atomic():
        c = Candidature.objects.select_related("liste").get(pk=candidature.pk)
        delai = activite.regles_de(c.liste).delai_reponse_jours if c.liste_id else 15  # type: ignore[arg-type]
        limite = temps.echeance_en_jours(temps.maintenant(), delai, fuseau(c))
        c, _ = _transition(
            candidature, "enoncer_motifs", acteur=acteur, motif=texte, motifs_envisages=texte, date_limite_reponse=limite
        )
        _notifier_candidat(
            c,
            "motifs de refus envisagés pour votre réinscription",
            f"Avant de décider, la cour vous communique les motifs pour lesquels elle envisage de refuser votre "
            f"réinscription :\n\n{texte}\n\nVous pouvez y répondre dans votre candidature jusqu'au "
            f"{date_longue(limite)} inclus ({temps.nom_heure(fuseau(c))}). La commission décidera ensuite.",
            ancre="motifs-envisages",
        )
    return c


def repondre_motifs(candidature: Candidature, *, acteur: Utilisateur, texte: str) -> Candidature:
    """The candidate answers the reasons envisaged. After the deadline the answer is still taken
    (nothing is lost) and flagged late for the commission."""
    texte = (texte or "").strip()
    if not texte:
        raise RegleNonRespectee(workflow.TEXTE_OBLIGATOIRE["repondre_motifs"])
    with transaction.atomic():
        c = Candidature.objects.select_related("liste").get(pk=candidature.pk)
        en_retard = bool(c.date_limite_reponse) and temps.est_echu(c.date_limite_reponse, fuseau(c))  # type: ignore[arg-type]
        c, _ = _transition(
            candidature,
            "repondre_motifs",
            acteur=acteur,
            motif=texte,
            reponse_motifs=texte,
            reponse_le=timezone.now(),
            reponse_en_retard=en_retard,
        )
        _notifier_instruction(
            c,
            "réponse aux motifs envisagés",
            "Le candidat a répondu aux motifs de refus envisagés" + (" (après la date limite)." if en_retard else "."),
            ancre="motifs-envisages",
        )
    return c


def refuser(candidature: Candidature, *, acteur: Utilisateur, motifs: str) -> Candidature:
    motifs = (motifs or "").strip()
    if not motifs:
        raise RegleNonRespectee(workflow.TEXTE_OBLIGATOIRE["refuser"])
    with transaction.atomic():
        raison = empechement_refus(Candidature.objects.select_related("liste").get(pk=candidature.pk))
        if raison:
            raise RegleNonRespectee(raison)
        maintenant = timezone.now()
        c, _ = _transition(
            candidature,
            "refuser",
            acteur=acteur,
            motif=motifs,
            motifs_decision=motifs,
            decide_le=maintenant,
            notifie_le=maintenant,
        )
        _notifier_candidat(
            c,
            "décision sur votre candidature",
            f"Votre candidature ({c.get_type_display()}) a été refusée pour les motifs suivants :\n\n{motifs}\n\n{avis_recours(c)}",
        )
    return c


def classer_sans_suite(candidature: Candidature, *, acteur: Utilisateur, motifs: str = "") -> Candidature:
    with transaction.atomic():
        maintenant = timezone.now()
        c, _ = _transition(
            candidature,
            "classer_sans_suite",
            acteur=acteur,
            motif=motifs,
            motifs_decision=motifs.strip(),
            decide_le=maintenant,
            notifie_le=maintenant,
        )
        _notifier_candidat(
            c,
            "décision sur votre candidature",
            f"Votre candidature a été classée sans suite.\n{motifs.strip()}\n\n{avis_recours(c)}",
        )
    return c


def retirer(candidature: Candidature, *, acteur: Utilisateur) -> Candidature:
    with transaction.atomic():
        c, _ = _transition(candidature, "retirer", acteur=acteur, decide_le=timezone.now())
        if c.depose_le:
            _notifier_instruction(c, "candidature retirée", "Le candidat a retiré sa candidature.")
    return c


ACTIONS_INSTRUCTION = {
    "passer_en_instruction": lambda c, acteur, texte: passer_en_instruction(c, acteur=acteur),
    "demander_complements": lambda c, acteur, texte: demander_complements(c, acteur=acteur, texte=texte),
    "enregistrer_avis_parquet": lambda c, acteur, texte: enregistrer_avis_parquet(c, acteur=acteur, texte=texte),
    "enregistrer_avis_commission": lambda c, acteur, texte: enregistrer_avis_commission(c, acteur=acteur, texte=texte),
    "enoncer_motifs": lambda c, acteur, texte: enoncer_motifs(c, acteur=acteur, texte=texte),
    "accepter": lambda c, acteur, texte: accepter(c, acteur=acteur, motifs=texte),
    "refuser": lambda c, acteur, texte: refuser(c, acteur=acteur, motifs=texte),
    "classer_sans_suite": lambda c, acteur, texte: classer_sans_suite(c, acteur=acteur, motifs=texte),
}


def executer(candidature: Candidature, transition: str, *, acteur: Utilisateur, texte: str = "") -> Candidature:
    """Fire any transition of the table by name (used by the views and the workflow test)."""
    if transition == "deposer":
        return deposer(candidature, acteur=acteur)
    if transition == "apporter_complements":
        return apporter_complements(candidature, acteur=acteur, texte=texte)
    if transition == "retirer":
        return retirer(candidature, acteur=acteur)
    if transition == "repondre_motifs":
        return repondre_motifs(candidature, acteur=acteur, texte=texte)
    if transition not in ACTIONS_INSTRUCTION:
        raise RegleNonRespectee("Action inconnue.")
    return ACTIONS_INSTRUCTION[transition](candidature, acteur, texte)


# --- Pieces and messages ------------------------------------------------------------------------


def deposer_piece(candidature: Candidature, *, acteur: Utilisateur, depot: Depot, type_piece: str, client_id: str = "") -> Piece:
    """Record an uploaded piece (already encrypted in coffre by ``recevoir_depot``) and its deposit
    event; the candidate then downloads the receipt of that event."""
    if type_piece not in TypePiece.values:
        depot.abandonner()
        raise RefusService("Choisissez le type de la pièce.")
    if candidature.candidat_id != acteur.pk or candidature.etat not in ETATS_MODIFIABLES:
        depot.abandonner()
        raise RefusService("Des pièces ne peuvent être ajoutées qu'au brouillon ou en réponse à une demande de compléments.")
    reference = uuid.uuid4()
    document = coffre.enregistrer(depot, proprietaire=f"candidature:{candidature.uuid}", client_id=client_id)
    with transaction.atomic():
        c = Candidature.objects.select_for_update().get(pk=candidature.pk)
        existante = Piece.objects.filter(document=document).first()
        if existante is not None:  # the same upload sent twice (idempotency key)
            return existante
        evenement = _evenement(
            "piece_deposee", c, acteur=acteur, objet=reference, document_sha256=document.sha256, details={"type": type_piece}
        )
        piece = Piece.objects.create(
            uuid=reference, candidature=c, type=type_piece, document=document, evenement=evenement, depose_par=acteur
        )
    return piece


MOTIF_PIECE_RETIREE = "piece_retiree_du_brouillon"


def retirer_piece(candidature: Candidature, *, acteur: Utilisateur, piece: Piece) -> None:
    """The candidate takes a piece back from the draft (to replace it, deposit the right one): the
    piece leaves the file and its content is destroyed; its deposit stays proven in the log."""
    if candidature.candidat_id != acteur.pk or candidature.etat != Etat.BROUILLON:
        raise RefusService("Une pièce ne peut être retirée que du brouillon, avant le dépôt de la candidature.")
    with transaction.atomic():
        c = Candidature.objects.select_for_update().get(pk=candidature.pk)
        if c.etat != Etat.BROUILLON:
            raise RefusService("Une pièce ne peut être retirée que du brouillon, avant le dépôt de la candidature.")
        p = Piece.objects.select_for_update().select_related("document").filter(pk=piece.pk, candidature=c).first()
        if p is None:
            raise RefusService("Cette pièce n'est plus dans le brouillon.")
        document = p.document
        _evenement("piece_retiree", c, acteur=acteur, objet=p.uuid, document_sha256=document.sha256)
        p.delete()
        coffre.detruire(document, acteur=acteur, journal=_journal_destruction(c, MOTIF_PIECE_RETIREE), motif=MOTIF_PIECE_RETIREE)


def envoyer_message(candidature: Candidature, *, acteur: Utilisateur, corps: str) -> Message:
    corps = (corps or "").strip()
    if not corps:
        raise RefusService("Le message est vide.")
    role = permissions.role_sur(acteur, candidature)
    if role is None:
        raise RefusService("Vous ne participez pas à ce dossier.")
    with transaction.atomic():
        c = Candidature.objects.select_for_update(of=("self",)).select_related("candidat", "liste").get(pk=candidature.pk)
        m = _message(c, acteur=acteur, corps=corps, instruction=role == workflow.INSTRUCTEUR)
        if role == workflow.INSTRUCTEUR:
            _notifier_candidat(
                c, "nouveau message sur votre candidature", "Le service des experts vous a écrit.", f"message-{m.uuid}"
            )
        elif c.etat != Etat.BROUILLON:
            _notifier_instruction(
                c, "nouveau message d'un candidat", "Le candidat a écrit sur sa candidature.", f"message-{m.uuid}"
            )
    return m


# --- Destruction after the appeal period --------------------------------------------------------


def _journal_destruction(c: Candidature, motif: str = "") -> Any:
    """Adapter from coffre's journal call to the evidence log (references and hashes only)."""
    motif = motif or MOTIF_DESTRUCTION

    def journal(type_: str, *, acteur: Any, references: dict, empreintes: dict, details: dict) -> None:
        preuves.enregistrer(
            type_,
            acteur_ref=getattr(acteur, "uuid", None) or "systeme",
            objet_ref=references["document"],
            dossier_ref=c.uuid,
            document_sha256=empreintes.get("sha256"),
            details={"motif": motif},
        )

    return journal


def echeance_destruction(c: Candidature) -> dt.datetime | None:
    fin = c.notifie_le or c.decide_le
    if fin is None or c.etat not in (*ETATS_DECISION, Etat.RETIREE):
        return None
    return fin + dt.timedelta(days=settings.CANDIDATURES_DELAI_DESTRUCTION_JOURS)


def detruire_pieces(candidature: Candidature, *, acteur: Utilisateur | None = None) -> int:
    """Destroy the contents of a decided file's pieces; the rows, hashes and receipts stay."""
    n = 0
    with transaction.atomic():
        c = Candidature.objects.select_for_update().get(pk=candidature.pk)
        for piece in c.pieces.select_related("document"):
            if not piece.document.est_detruit:
                coffre.detruire(piece.document, acteur=acteur, journal=_journal_destruction(c), motif=MOTIF_DESTRUCTION)
                n += 1
        c.pieces_detruites_le = timezone.now()
        c.save(update_fields=["pieces_detruites_le"])
    return n


def detruire_pieces_echues(le: dt.datetime | None = None) -> int:
    """Periodic: files decided (or withdrawn) more than CANDIDATURES_DELAI_DESTRUCTION_JOURS ago."""
    maintenant = le or timezone.now()
    limite = maintenant - dt.timedelta(days=settings.CANDIDATURES_DELAI_DESTRUCTION_JOURS)
    total = 0
    qs = Candidature.objects.filter(etat__in=[*ETATS_DECISION, Etat.RETIREE], pieces_detruites_le__isnull=True)
    for c in qs.iterator():
        fin = c.notifie_le or c.decide_le
        if fin is not None and fin <= limite:
            total += detruire_pieces(c)
    return total


# --- Annual activity report ---------------------------------------------------------------------


def deposer_compte_rendu(
    *,
    acteur: Utilisateur,
    annee: int,
    nombre_rapports: int,
    expertises_en_cours: int,
    detail_expertises: str = "",
    formations: str = "",
) -> CompteRenduActivite:
    """The expert files (or corrects) the report of ``annee`` (D2004 art. 23)."""
    fiche = fiche_de(acteur)
    if fiche is None:
        raise RefusService("Aucune fiche d'expert n'est liée à votre compte.")
    with transaction.atomic():
        Expert.objects.select_for_update().get(pk=fiche.pk)
        existant = CompteRenduActivite.objects.filter(expert=fiche, annee=annee).first()
        reference = existant.uuid if existant else uuid.uuid4()
        evenement = preuves.enregistrer(
            "candidatures.compte_rendu_depose",
            acteur_ref=acteur.uuid,
            objet_ref=reference,
            dossier_ref=fiche.uuid,
            details={"annee": annee, "rapports": nombre_rapports, "en_cours": expertises_en_cours},
        )
        valeurs = {
            "nombre_rapports": nombre_rapports,
            "expertises_en_cours": expertises_en_cours,
            "detail_expertises": detail_expertises.strip(),
            "formations": formations.strip(),
            "evenement": evenement,
        }
        cr, _ = CompteRenduActivite.objects.update_or_create(
            expert=fiche, annee=annee, defaults=valeurs, create_defaults={"uuid": reference, **valeurs}
        )
    return cr


def experts_sans_compte_rendu(cours: Iterable[int], annee: int) -> list[Expert]:
    """Experts on these lists during ``annee`` who have not filed its report."""
    inscrits = Inscription.objects.de_l_annee(annee).filter(liste_id__in=list(cours)).values("expert_id")
    deposes = CompteRenduActivite.objects.filter(annee=annee).values("expert_id")
    return list(Expert.objects.filter(pk__in=inscrits).exclude(pk__in=deposes).select_related("cour_appel"))


# --- The expert's training ledger (kept in annuaire, certificates stored here) -------------------


def deposer_formation(*, acteur: Utilisateur, depot: Depot, client_id: str = "", **champs: Any) -> Formation:
    """Add a training with its certificate to the acting expert's ledger. The values are checked
    before the certificate is stored: a refused entry stores nothing (activite.SaisieInvalide says
    which field is wrong, in French)."""
    fiche = fiche_de(acteur)
    if fiche is None:
        depot.abandonner()
        raise RefusService("Aucune fiche d'expert n'est liée à votre compte.")
    try:
        activite.verifier_formation(**champs)
    except RefusService:
        depot.abandonner()
        raise
    reference = uuid.uuid4()
    document = coffre.enregistrer(depot, proprietaire=f"formations:{fiche.uuid}", client_id=client_id)
    existante = Formation.objects.filter(attestation_ref=document.uuid).first()
    if existante is not None:  # the same upload sent twice (idempotency key)
        return existante
    return activite.enregistrer_formation(
        fiche,
        acteur=acteur,
        reference=reference,
        attestation_ref=document.uuid,
        attestation_nom=document.nom,
        attestation_sha256=document.sha256,
        **champs,
    )
