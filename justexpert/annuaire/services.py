"""Every change of state of the annuaire: fiches, inscriptions, history, published lists, and the
figures other modules push (open missions, last designation).

Each function runs in one transaction, takes the acting user as keyword ``acteur`` (None for an
import run by an operator from the command line), locks the row it changes, writes one history
entry per change, and appends decisions on inscriptions to the evidence log (references only).

Rules of the décret n° 2004-1463 du 23 décembre 2004 (D2004) and of the loi n° 71-498 du
29 juin 1971 (L1971) encoded here, where they are mechanical:
- first inscription on a cour d'appel list is probationary for 3 years, renewals are for 5 years
  (L1971 art. 2-II);
- the national list needs 5 years of inscription on a cour d'appel list (L1971 art. 2-III),
  counted from ``inscrit_depuis``, which restarts after a radiation or a withdrawal
  (L1971 art. 6-2: a radiated expert re-enters probation);
- nobody is inscribed or re-inscribed on or after their 70th birthday (D2004 art. 2);
- radiation and suspension take effect at once: the inscription leaves ``actives()`` and the
  expert leaves ``Expert.objects.designables()``;
- a reclassement changes the specialite, never the term of the inscription (D2004 art. 18-1).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from justexpert.comptes import invitations
from justexpert.comptes.models import Invitation, Organisation, Role, TypeOrganisation, Utilisateur
from justexpert.comptes.services import RefusService, terminer_sessions
from justexpert.lib.temps import age_au
from justexpert.preuves import services as preuves

from .abonnements import fiches_modifiees
from .models import (
    STATUTS_ACTIFS,
    ActionHistorique,
    ElementNomenclature,
    Expert,
    Historique,
    Inscription,
    ListeAnnuelle,
    Niveau,
    StatutInscription,
)

DUREE_PROBATOIRE = 3  # years, L1971 art. 2-II
DUREE_INSCRIPTION = 5  # years, L1971 art. 2-II
DUREE_NATIONALE = 7  # years, L1971 art. 2-III
ANCIENNETE_NATIONALE = 5  # years on a cour d'appel list before the national list, L1971 art. 2-III
AGE_LIMITE = 70  # D2004 art. 2

OBJET_INVITATION = "annuaire.fiche"

# Fields of the fiche, by who may change them.
CHAMPS_IDENTITE = (
    "civilite",
    "nom",
    "prenom",
    "date_naissance",
    "profession",
    "diplomes",
    "langues",
    "date_serment",
    "adresse_pro",
    "code_postal_pro",
    "ville_pro",
    "adresse_postale",
    "email",
)
CHAMPS_EXPERT = (
    "telephone_fixe",
    "telephone_mobile",
    "compagnie",
    "specialites_fines",
    "zone_intervention",
    "matiere_civile",
    "matiere_penale",
    "echange_securise",
)
CHAMPS_FICHE = CHAMPS_IDENTITE + CHAMPS_EXPERT

# Allowed decisions on an inscription (the courts' transition table). Renewal is reinscrire();
# lifting a suspension is lever_suspension(); a new inscription after radiation is inscrire().
TRANSITIONS: dict[str, frozenset[str]] = {
    StatutInscription.PROBATOIRE: frozenset(
        {StatutInscription.SUSPENDU, StatutInscription.RADIE, StatutInscription.RETIRE, StatutInscription.HONORAIRE}
    ),
    StatutInscription.INSCRIT: frozenset(
        {StatutInscription.SUSPENDU, StatutInscription.RADIE, StatutInscription.RETIRE, StatutInscription.HONORAIRE}
    ),
    StatutInscription.SUSPENDU: frozenset({StatutInscription.RADIE, StatutInscription.RETIRE}),
    StatutInscription.HONORAIRE: frozenset({StatutInscription.RETIRE}),
    StatutInscription.RADIE: frozenset(),
    StatutInscription.RETIRE: frozenset(),
}
MOTIF_OBLIGATOIRE = frozenset({StatutInscription.SUSPENDU, StatutInscription.RADIE, StatutInscription.RETIRE})


class RegleNonRespectee(RefusService):
    """A rule of the décret or of the transition table refuses the change (French message)."""


# --- Dates and places ---------------------------------------------------------------------------


def ajouter_annees(jour: dt.date, annees: int) -> dt.date:
    try:
        return jour.replace(year=jour.year + annees)
    except ValueError:  # 29 February → 28 February
        return jour.replace(year=jour.year + annees, day=28)


def fin_de_periode(debut: dt.date, annees: int) -> dt.date:
    """Last day of a period of ``annees`` years starting on ``debut``."""
    return ajouter_annees(debut, annees) - dt.timedelta(days=1)


def departement_du_code_postal(code_postal: str) -> str:
    cp = re.sub(r"\s", "", code_postal or "")
    if not re.fullmatch(r"\d{5}", cp):
        return ""
    if cp.startswith(("97", "98")):
        return cp[:3]
    if cp.startswith("20"):  # Corse: 200xx-201xx Corse-du-Sud, 202xx-206xx Haute-Corse
        return "2A" if int(cp) < 20200 else "2B"
    return cp[:2]


def cours_par_departement() -> dict[str, Organisation]:
    table: dict[str, Organisation] = {}
    for cour in Organisation.objects.filter(type=TypeOrganisation.COUR_APPEL):
        for dep in cour.departements or []:
            table[str(dep)] = cour
    return table


def cour_du_departement(departement: str) -> Organisation | None:
    if not departement:
        return None
    return cours_par_departement().get(departement)


def est_liste(organisation: Organisation) -> bool:
    return organisation.type in (TypeOrganisation.COUR_APPEL, TypeOrganisation.COUR_CASSATION)


def est_nationale(organisation: Organisation) -> bool:
    return organisation.type == TypeOrganisation.COUR_CASSATION


# --- History ------------------------------------------------------------------------------------


def libelle_acteur(acteur: Utilisateur | None) -> str:
    if acteur is None:
        return "Import (ligne de commande)"
    return f"{acteur.nom_complet or acteur.email} <{acteur.email}>"


def _valeur(v: object) -> object:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Organisation):
        return v.code
    if isinstance(v, ElementNomenclature):
        return f"{v.code} (nomenclature {v.version.code})"
    return v


def historiser(
    expert: Expert,
    action: str,
    *,
    acteur: Utilisateur | None,
    changements: Mapping[str, tuple[object, object]] | None = None,
    inscription: Inscription | None = None,
    motif: str = "",
) -> Historique:
    return Historique.objects.create(
        expert=expert,
        inscription=inscription,
        acteur=acteur,
        acteur_libelle=libelle_acteur(acteur),
        action=action,
        changements={k: [_valeur(a), _valeur(b)] for k, (a, b) in (changements or {}).items()},
        motif=motif,
    )


def _journaliser_preuve(type_: str, *, acteur: Utilisateur | None, inscription: Inscription) -> None:
    """Decisions on an inscription go to the evidence log: references only, no names."""
    preuves.enregistrer(
        f"annuaire.{type_}",
        acteur_ref=acteur.uuid if acteur else "import",
        objet_ref=inscription.uuid,
        dossier_ref=inscription.expert.uuid,
        details={"liste": inscription.liste.code, "statut": inscription.statut},
    )


# --- Fiches -------------------------------------------------------------------------------------


def _appliquer(expert: Expert, champs: Mapping[str, object], autorises: Iterable[str]) -> dict[str, tuple[object, object]]:
    autorises = set(autorises)
    inconnus = set(champs) - autorises
    if inconnus:
        raise RefusService(f"Champs non modifiables ici : {', '.join(sorted(inconnus))}.")
    changements: dict[str, tuple[object, object]] = {}
    for nom, valeur in champs.items():
        if isinstance(valeur, str):
            valeur = valeur.strip()
        avant = getattr(expert, nom)
        if avant != valeur:
            changements[nom] = (avant, valeur)
            setattr(expert, nom, valeur)
    if "code_postal_pro" in changements or expert.departement == "":
        departement = departement_du_code_postal(expert.code_postal_pro)
        if departement != expert.departement:
            changements["departement"] = (expert.departement, departement)
            expert.departement = departement
        cour = cour_du_departement(departement)
        if cour != expert.cour_appel:
            changements["cour_appel"] = (expert.cour_appel, cour)
            expert.cour_appel = cour
    return changements


def creer_fiche(*, acteur: Utilisateur | None, motif: str = "", **champs: object) -> Expert:
    """A new fiche (identity given by the court); the département and ressort follow the
    professional postal code."""
    with transaction.atomic():
        expert = Expert()
        changements = _appliquer(expert, champs, CHAMPS_FICHE + ("reference",))
        if not expert.nom or not expert.prenom:
            raise RefusService("Le nom et le prénom sont obligatoires.")
        expert.save()
        historiser(expert, ActionHistorique.FICHE_CREEE, acteur=acteur, changements=changements, motif=motif)
        fiches_modifiees([expert.pk])
    return expert


def _modifier(expert: Expert, champs: Mapping[str, object], autorises: Iterable[str], *, acteur: Utilisateur | None) -> Expert:
    with transaction.atomic():
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        changements = _appliquer(expert, champs, autorises)
        if changements:
            if not expert.nom or not expert.prenom:
                raise RefusService("Le nom et le prénom sont obligatoires.")
            expert.save()
            historiser(expert, ActionHistorique.FICHE_MODIFIEE, acteur=acteur, changements=changements)
            fiches_modifiees([expert.pk])
    return expert


def modifier_fiche(expert: Expert, *, acteur: Utilisateur, **champs: object) -> Expert:
    """Change by the court: identity, addresses, and anything the expert may change too."""
    return _modifier(expert, champs, CHAMPS_FICHE, acteur=acteur)


def modifier_par_expert(expert: Expert, *, acteur: Utilisateur, **champs: object) -> Expert:
    """Change by the expert, on their own fiche, of the fields that are theirs (phones, compagnie,
    fine specialities, zone, matters, secure exchange)."""
    if expert.utilisateur_id is None or expert.utilisateur_id != acteur.pk:
        raise RefusService("Seul l'expert titulaire de la fiche peut la modifier ainsi.")
    return _modifier(expert, champs, CHAMPS_EXPERT, acteur=acteur)


# --- Inscriptions -------------------------------------------------------------------------------


def verifier_age(expert: Expert, debut: dt.date) -> None:
    if expert.date_naissance is None:
        raise RegleNonRespectee("La date de naissance de l'expert est nécessaire pour vérifier la limite d'âge (70 ans).")
    if age_au(expert.date_naissance, debut) >= AGE_LIMITE:
        raise RegleNonRespectee(
            f"L'expert aura {AGE_LIMITE} ans ou plus le {debut:%d/%m/%Y} : aucune inscription ni réinscription "
            "n'est possible à partir de 70 ans (décret n° 2004-1463, art. 2)."
        )


def anciennete_cour_appel(expert: Expert, le: dt.date) -> dt.date | None:
    """Earliest ``inscrit_depuis`` among the expert's cour d'appel inscriptions in force on ``le``."""
    dates = (
        Inscription.objects.actives(le)
        .filter(expert=expert, liste__type=TypeOrganisation.COUR_APPEL)
        .values_list("inscrit_depuis", flat=True)
    )
    return min(dates, default=None)


def verifier_nationale(expert: Expert, debut: dt.date) -> None:
    depuis = anciennete_cour_appel(expert, debut)
    if depuis is None or ajouter_annees(depuis, ANCIENNETE_NATIONALE) > debut:
        detail = f" (inscrit depuis le {depuis:%d/%m/%Y})" if depuis else " (aucune inscription en cours sur une telle liste)"
        raise RegleNonRespectee(
            "L'inscription sur la liste nationale exige au moins cinq années d'inscription sur la liste "
            f"d'une cour d'appel (loi n° 71-498, art. 2-III){detail}."
        )


def inscrire(
    expert: Expert,
    *,
    acteur: Utilisateur | None,
    liste: Organisation,
    specialite: ElementNomenclature,
    debut: dt.date,
    motif: str = "",
) -> Inscription:
    """Initial inscription (or extension to another specialite) decided by the court."""
    if not est_liste(liste):
        raise RefusService("La liste doit être celle d'une cour d'appel ou la liste nationale.")
    if specialite.niveau != Niveau.SPECIALITE:
        raise RefusService("L'inscription se fait dans une spécialité (code à trois niveaux, par exemple C.2.8).")
    with transaction.atomic():
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        verifier_age(expert, debut)
        existante = Inscription.objects.select_for_update().filter(expert=expert, liste=liste, specialite=specialite).first()
        if existante and existante.statut not in (StatutInscription.RADIE, StatutInscription.RETIRE):
            raise RegleNonRespectee(
                f"L'expert est déjà inscrit dans cette spécialité sur cette liste ({existante.get_statut_display()})."
            )
        statut: str
        fin: dt.date | None
        if est_nationale(liste):
            verifier_nationale(expert, debut)
            statut, fin = StatutInscription.INSCRIT, fin_de_periode(debut, DUREE_NATIONALE)
        else:
            # An extension to another specialite follows the inscription in force on the same list.
            courante = (
                Inscription.objects.actives(debut)
                .filter(expert=expert, liste=liste)
                .exclude(specialite=specialite)
                .order_by("-fin")
                .first()
            )
            if courante is not None:
                statut, fin = courante.statut, courante.fin
            else:
                statut, fin = StatutInscription.PROBATOIRE, fin_de_periode(debut, DUREE_PROBATOIRE)
        if existante is None:
            inscription = Inscription(expert=expert, liste=liste, specialite=specialite)
            avant: dict[str, object] = {"statut": None, "debut": None, "fin": None}
        else:
            inscription = existante
            avant = {"statut": existante.statut, "debut": existante.debut, "fin": existante.fin}
        inscription.statut, inscription.statut_precedent = statut, ""
        inscription.debut, inscription.fin, inscription.inscrit_depuis = debut, fin, debut
        inscription.save()
        fiches_modifiees([inscription.expert_id])
        apres = {"statut": statut, "debut": debut, "fin": fin}
        changements = {k: (avant[k], apres[k]) for k in apres if avant[k] != apres[k]}
        changements = {"liste": (None, liste), "specialite": (None, specialite), **changements}
        historiser(
            expert,
            ActionHistorique.INSCRIPTION_CREEE,
            acteur=acteur,
            inscription=inscription,
            changements=changements,
            motif=motif,
        )
        _journaliser_preuve("inscription", acteur=acteur, inscription=inscription)
    return inscription


def reinscrire(
    inscription: Inscription, *, acteur: Utilisateur | None, debut: dt.date | None = None, motif: str = ""
) -> Inscription:
    """Renewal for 5 years (7 on the national list), starting the day after the current period
    unless another start is given; an expert no longer on the list must apply again (inscrire)."""
    with transaction.atomic():
        inscription = Inscription.objects.select_for_update().select_related("expert", "liste").get(pk=inscription.pk)
        if inscription.statut not in STATUTS_ACTIFS:
            raise RegleNonRespectee(
                f"Une inscription au statut « {inscription.get_statut_display()} » ne peut pas être renouvelée."
            )
        if inscription.fin is None:
            raise RegleNonRespectee("Cette inscription n'a pas de date de fin : rien à renouveler.")
        lendemain = inscription.fin + dt.timedelta(days=1)
        debut = debut or lendemain
        if debut <= inscription.debut:
            raise RegleNonRespectee("La réinscription doit commencer après le début de la période en cours.")
        if debut > lendemain:
            raise RegleNonRespectee(
                f"L'inscription a pris fin le {inscription.fin:%d/%m/%Y} : l'expert doit présenter une nouvelle "
                "candidature (inscription initiale)."
            )
        verifier_age(inscription.expert, debut)
        duree = DUREE_NATIONALE if est_nationale(inscription.liste) else DUREE_INSCRIPTION
        avant = (inscription.statut, inscription.debut, inscription.fin)
        inscription.statut = StatutInscription.INSCRIT
        inscription.debut, inscription.fin = debut, fin_de_periode(debut, duree)
        inscription.save()
        fiches_modifiees([inscription.expert_id])
        historiser(
            inscription.expert,
            ActionHistorique.REINSCRIPTION,
            acteur=acteur,
            inscription=inscription,
            changements={
                k: (a, b)
                for k, a, b in zip(
                    ("statut", "debut", "fin"), avant, (inscription.statut, inscription.debut, inscription.fin), strict=True
                )
                if a != b
            },
            motif=motif,
        )
        _journaliser_preuve("reinscription", acteur=acteur, inscription=inscription)
    return inscription


def changer_statut(
    inscription: Inscription, nouveau: str, *, acteur: Utilisateur | None, motif: str = "", le: dt.date | None = None
) -> Inscription:
    """Suspension, radiation, withdrawal or honorariat, effective at once (``le``: date of the
    decision, today by default; the period then ends that day)."""
    motif = (motif or "").strip()
    with transaction.atomic():
        inscription = Inscription.objects.select_for_update().select_related("expert", "liste").get(pk=inscription.pk)
        if nouveau not in TRANSITIONS.get(inscription.statut, frozenset()):
            raise RegleNonRespectee(
                f"Passage de « {inscription.get_statut_display()} » à « {StatutInscription(nouveau).label} » impossible."
            )
        if nouveau in MOTIF_OBLIGATOIRE and not motif:
            raise RegleNonRespectee("Indiquez le motif de la décision.")
        jour = le or timezone.localdate()
        avant = (inscription.statut, inscription.fin)
        if nouveau == StatutInscription.SUSPENDU:
            inscription.statut_precedent = inscription.statut
        inscription.statut = nouveau
        if nouveau in (StatutInscription.RADIE, StatutInscription.RETIRE) and (inscription.fin is None or jour < inscription.fin):
            inscription.fin = max(jour, inscription.debut)
        inscription.save()
        fiches_modifiees([inscription.expert_id])
        changements: dict[str, tuple[object, object]] = {"statut": (avant[0], nouveau)}
        if avant[1] != inscription.fin:
            changements["fin"] = (avant[1], inscription.fin)
        historiser(
            inscription.expert,
            ActionHistorique.STATUT_CHANGE,
            acteur=acteur,
            inscription=inscription,
            changements=changements,
            motif=motif,
        )
        _journaliser_preuve(f"statut.{nouveau}", acteur=acteur, inscription=inscription)
        compte = inscription.expert.utilisateur
        if nouveau in (StatutInscription.RADIE, StatutInscription.SUSPENDU) and compte is not None:
            # A struck-off or suspended expert's open sessions and personal API tokens end at once
            # (ASVS 7.4.2): they log in again and see what their account still allows.
            terminer_sessions(compte)
    return inscription


def lever_suspension(inscription: Inscription, *, acteur: Utilisateur | None, motif: str = "") -> Inscription:
    with transaction.atomic():
        inscription = Inscription.objects.select_for_update().select_related("expert", "liste").get(pk=inscription.pk)
        if inscription.statut != StatutInscription.SUSPENDU:
            raise RegleNonRespectee("Cette inscription n'est pas suspendue.")
        retour = inscription.statut_precedent or StatutInscription.INSCRIT
        inscription.statut, inscription.statut_precedent = retour, ""
        inscription.save()
        fiches_modifiees([inscription.expert_id])
        historiser(
            inscription.expert,
            ActionHistorique.STATUT_CHANGE,
            acteur=acteur,
            inscription=inscription,
            changements={"statut": (StatutInscription.SUSPENDU, retour)},
            motif=motif or "Fin de la suspension",
        )
        _journaliser_preuve("statut.retabli", acteur=acteur, inscription=inscription)
    return inscription


def sanctionner_expert(
    expert: Expert, nouveau: str, *, acteur: Utilisateur | None, motif: str, liste: Organisation | None = None
) -> list[Inscription]:
    """Suspension or radiation of an expert: every inscription in force (on ``liste``, or on every
    list) changes at once."""
    if nouveau not in (StatutInscription.SUSPENDU, StatutInscription.RADIE):
        raise RefusService("Sanction inconnue.")
    with transaction.atomic():
        qs = Inscription.objects.filter(expert=expert, statut__in=STATUTS_ACTIFS)
        if liste is not None:
            qs = qs.filter(liste=liste)
        return [changer_statut(i, nouveau, acteur=acteur, motif=motif) for i in qs]


def reclasser_inscription(inscription: Inscription, nouvelle: ElementNomenclature, *, acteur: Utilisateur | None) -> Inscription:
    """Move an inscription to the specialite replacing it in a newer nomenclature; the term of the
    inscription does not change (D2004 art. 18-1)."""
    if nouvelle.niveau != Niveau.SPECIALITE:
        raise RefusService("Le reclassement se fait vers une spécialité.")
    with transaction.atomic():
        inscription = (
            Inscription.objects.select_for_update().select_related("expert", "specialite__version").get(pk=inscription.pk)
        )
        if Inscription.objects.filter(expert=inscription.expert, liste=inscription.liste, specialite=nouvelle).exists():
            raise RegleNonRespectee("L'expert est déjà inscrit dans la spécialité de destination sur cette liste.")
        ancienne = inscription.specialite
        inscription.specialite = nouvelle
        inscription.save(update_fields=["specialite", "modifie_le"])
        fiches_modifiees([inscription.expert_id])
        historiser(
            inscription.expert,
            ActionHistorique.RECLASSEMENT,
            acteur=acteur,
            inscription=inscription,
            changements={"specialite": (ancienne, nouvelle)},
        )
    return inscription


# --- Account link by invitation -----------------------------------------------------------------


def inviter_expert(expert: Expert, *, acteur: Utilisateur) -> str:
    """Invite the fiche's e-mail address to open (or use) an account linked to the fiche.
    Returns the link (shown in the demo mailbox; never logged)."""
    if not expert.email:
        raise RefusService("La fiche n'a pas d'adresse électronique : renseignez-la avant d'inviter l'expert.")
    if expert.utilisateur_id is not None:
        raise RefusService("La fiche est déjà liée à un compte.")
    with transaction.atomic():
        invitation, lien = invitations.inviter(
            acteur=acteur,
            email=expert.email,
            role=Role.EXPERT,
            objet=OBJET_INVITATION,
            objet_ref=str(expert.uuid),
            sujet="Justexpert : accédez à votre fiche d'expert de justice",
            message=(
                "La cour d'appel vous invite à accéder à votre fiche d'expert de justice sur Justexpert, "
                "pour tenir à jour vos téléphones, vos spécialités fines, votre zone d'intervention et les "
                "matières que vous acceptez."
            ),
        )
        historiser(expert, ActionHistorique.INVITATION_ENVOYEE, acteur=acteur, changements={"email": (None, expert.email)})
    return lien


def lier_compte(invitation: Invitation, utilisateur: Utilisateur) -> str:
    """Invitation handler (objet ``annuaire.fiche``), run inside the acceptance transaction."""
    expert = Expert.objects.select_for_update().filter(uuid=invitation.objet_ref).first()
    if expert is None:
        raise RefusService("La fiche d'expert visée par cette invitation n'existe plus.")
    if expert.utilisateur_id not in (None, utilisateur.pk):
        raise RefusService("Cette fiche d'expert est déjà liée à un autre compte.")
    if Expert.objects.filter(utilisateur=utilisateur).exclude(pk=expert.pk).exists():
        raise RefusService("Votre compte est déjà lié à une autre fiche d'expert.")
    if expert.utilisateur_id is None:
        expert.utilisateur = utilisateur
        expert.save(update_fields=["utilisateur", "modifie_le"])
        historiser(expert, ActionHistorique.COMPTE_LIE, acteur=utilisateur, changements={"compte": (None, utilisateur.email)})
    return reverse("annuaire:ma_fiche")


# --- Figures pushed by other modules ------------------------------------------------------------


def mettre_a_jour_compteurs(expert: Expert, *, missions_ouvertes: int = 0, designation_le: dt.date | None = None) -> Expert:
    """Called by expertises: ``missions_ouvertes`` is +1 when a mission opens, -1 when it closes;
    ``designation_le`` the date of a new designation. recherche reads the result."""
    with transaction.atomic():
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        expert.missions_en_cours = max(0, expert.missions_en_cours + missions_ouvertes)
        if designation_le and (expert.derniere_designation is None or designation_le > expert.derniere_designation):
            expert.derniere_designation = designation_le
        # modifie_le too: recherche copies these figures and follows modifie_le to stay fresh.
        expert.save(update_fields=["missions_en_cours", "derniere_designation", "modifie_le"])
        fiches_modifiees([expert.pk])
    return expert


# --- Annual lists -------------------------------------------------------------------------------


REGLE_LISTE = (
    "La liste de l'année {annee} rassemble les experts inscrits pour {annee} : les décisions de l'assemblée générale "
    "(de la cour d'appel, ou du bureau de la Cour de cassation pour la liste nationale) prises sur les candidatures "
    "déposées avant le 1er mars {precedente}, qui prennent effet le 1er janvier {annee}, et les inscriptions en cours. "
    "Elle peut être préparée et publiée dès que ces décisions sont enregistrées."
)


def regle_liste(annee: int) -> str:
    """Which inscriptions the list of ``annee`` holds and when it can be published (docs/annuaire.md)."""
    return REGLE_LISTE.format(annee=annee, precedente=annee - 1)


def annee_publiable(liste: Organisation, annee: int) -> bool:
    """Past and current lists, next year's, and any later year for which a decision is recorded
    (an inscription starting that year): the instructor prepares the list once the AG has decided."""
    if not 2000 <= annee <= 2100:
        return False
    if annee <= timezone.localdate().year + 1:
        return True
    return Inscription.objects.filter(liste=liste, debut__year=annee).exists()


def publier_liste(*, acteur: Utilisateur, liste: Organisation, annee: int) -> ListeAnnuelle:
    """Publish (or publish again, updating the date) the annual list of ``liste`` for ``annee``."""
    if not est_liste(liste):
        raise RefusService("Seules la liste d'une cour d'appel et la liste nationale se publient.")
    if not annee_publiable(liste, annee):
        raise RefusService(
            f"La liste {annee} ne peut pas encore être publiée : aucune décision d'inscription prenant effet en {annee} "
            f"n'est enregistrée pour {liste}. {regle_liste(annee)}"
        )
    with transaction.atomic():
        publication, cree = ListeAnnuelle.objects.select_for_update().get_or_create(
            liste=liste, annee=annee, defaults={"publiee_par": acteur}
        )
        if not cree:
            publication.publiee_le = timezone.now()
            publication.publiee_par = acteur
            publication.save(update_fields=["publiee_le", "publiee_par"])
    return publication
