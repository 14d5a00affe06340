"""Every change of the operations of a case: plan, move or cancel a meeting; convene each person by
the channel the law requires and record the proof of delivery; record consents; the attendance
sheet; the calendar of operations and the per-person iCalendar secret.

Like the services of expertises and frais: one transaction, the acting user as ``acteur``, the case
row locked, an evidence-log event per change (references and hashes only: never a name, an address
or a tracking number), the case changed only through expertises' services (the sealed convocation
PDF is drawn up and deposited by ``expertises.depots.convoquer``), mails after commit.

Channels (CPC 160, 748-1 ff.):
- a participant (party or lawyer) who consented to electronic exchange: platform notice; the
  delivery is proven by their first opening of the sealed convocation (its receipt);
- a party without that consent: registered letter with avis de réception (or electronic registered
  mail when an LRE provider is configured and the party has an account); the expert records the
  tracking number, then deposits the scanned avis de réception or records « pli non réclamé »;
- a lawyer without that consent: simple letter (sent = regularly convened);
- a party with no account at all: registered letter, tracked the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from justexpert.coffre import services as coffre
from justexpert.coffre.models import Document
from justexpert.comptes.models import Utilisateur
from justexpert.comptes.services import RefusService
from justexpert.expertises import depots
from justexpert.expertises import permissions as expertises_permissions
from justexpert.expertises import services as expertises
from justexpert.expertises.models import Depot, Etat, Expertise, Ouverture, Participant, Partie, Qualite, TypeDocument
from justexpert.lib.format import date_longue
from justexpert.lib.temps import maintenant, nom_heure, zone
from justexpert.preuves import services as preuves

from . import lre
from .models import (
    Canal,
    ConsentementEchange,
    ConsentementVisio,
    Convocation,
    EtapeCalendrier,
    JetonCalendrier,
    ModeSignature,
    NatureEtape,
    Presence,
    Reunion,
    StatutConvocation,
    StatutPresence,
    StatutReunion,
)

logger = logging.getLogger(__name__)

PREAVIS_MAX = 90
FERMEES = (Etat.CLOSE,)
TAILLE_MAX_AVIS = 2_621_440  # the scan travels in memory (FILE_UPLOAD_MAX_MEMORY_SIZE)
SUITE_STATUTS = {
    "remise": StatutConvocation.PROUVEE,
    "non_reclamee": StatutConvocation.NON_RECLAMEE,
    "refusee": StatutConvocation.PROUVEE,
}


class RefusChamp(RefusService):
    """A refusal about one field of the form (the view shows it at that field)."""

    def __init__(self, champ: str, message: str) -> None:
        super().__init__(message)
        self.champ = champ


def _evenement(type_: str, *, acteur: Utilisateur | None, e: Expertise, objet: object, **details: Any) -> Any:
    return preuves.enregistrer(
        f"operations.{type_}",
        acteur_ref=str(acteur.uuid) if acteur is not None else expertises.ACTEUR_SYSTEME,
        objet_ref=str(objet),
        dossier_ref=str(e.uuid),
        details={k: v for k, v in details.items() if v is not None} or None,
    )


def _verrouiller(e: Expertise) -> Expertise:
    return Expertise.objects.select_for_update().select_related("juridiction").get(pk=e.pk)


def _expert(acteur: Utilisateur, e: Expertise) -> None:
    if Qualite.EXPERT not in expertises_permissions.qualites(acteur, e):
        raise RefusService("Seul l'expert de l'affaire organise les réunions et les convocations.")
    if e.etat in FERMEES:
        raise RefusService("L'expertise est close : plus aucune réunion ne peut être organisée.")


def heure_locale(instant: dt.datetime, fuseau: str) -> str:
    local = instant.astimezone(zone(fuseau))
    return f"{date_longue(local.date())} à {local:%H:%M} ({nom_heure(fuseau)})"


# --- Who is convened, and by which channel --------------------------------------------------------


@dataclass(frozen=True)
class Destinataire:
    """Someone the expert may convene: a party (``partie``) or a lawyer (``participant``)."""

    cle: str  # « partie:<uuid> » or « avocat:<uuid> »
    nom: str
    qualite: str
    canal: str
    partie: Partie | None = None
    participant: Participant | None = None


def consentement_actif(participant: Participant) -> ConsentementEchange | None:
    return ConsentementEchange.objects.filter(participant=participant, retire_le__isnull=True).first()


def destinataires(e: Expertise) -> list[Destinataire]:
    """Every person who must be convened in this case, with the channel the law requires: each
    party (civil), by the platform through its own account when it consented, else by registered
    letter (or LRE); each active lawyer, by the platform when they consented, else by simple letter."""
    actifs = list(
        Participant.objects.filter(expertise=e, retire_le__isnull=True, qualite__in=[Qualite.AVOCAT, Qualite.PARTIE])
        .select_related("utilisateur", "partie")
        .order_by("id")
    )
    consentis = set(
        ConsentementEchange.objects.filter(participant__in=actifs, retire_le__isnull=True).values_list(
            "participant_id", flat=True
        )
    )
    lre_actif = lre.fournisseur() is not None
    result: list[Destinataire] = []
    if not e.est_penale:  # in penal cases the parties are reached through their lawyers
        for partie in Partie.objects.filter(expertise=e).order_by("id"):
            comptes = [p for p in actifs if p.qualite == Qualite.PARTIE and p.partie_id == partie.pk]
            compte = comptes[0] if comptes else None
            if compte is not None and compte.pk in consentis:
                canal = Canal.PLATEFORME
            elif compte is not None and lre_actif:
                canal = Canal.LRE
            else:
                canal = Canal.LRAR
            result.append(
                Destinataire(
                    f"partie:{partie.uuid}",
                    partie.designation,
                    f"partie ({partie.get_qualite_display().lower()})",
                    canal,
                    partie=partie,
                    participant=compte,
                )
            )
    for p in actifs:
        if p.qualite != Qualite.AVOCAT:
            continue
        pour = f"avocat de {p.partie.designation}" if p.partie else "avocat"
        canal = Canal.PLATEFORME if p.pk in consentis else Canal.LETTRE_SIMPLE
        result.append(Destinataire(f"avocat:{p.uuid}", str(p.utilisateur), pour, canal, partie=p.partie, participant=p))
    return result


def _choisis(e: Expertise, cles: Iterable[str] | None) -> list[Destinataire]:
    tous = destinataires(e)
    if cles is None:
        return tous
    cles = list(cles)
    connus = {d.cle: d for d in tous}
    if any(c not in connus for c in cles):
        raise RefusChamp("convoques", "Choisissez les personnes convoquées parmi les parties et les avocats de l'expertise.")
    if not cles:
        raise RefusChamp("convoques", "Choisissez au moins une personne à convoquer.")
    return [connus[c] for c in cles]


def _valider_reunion(debut: dt.datetime | None, lieu: str, lien: str, preavis_jours: int | None) -> None:
    if debut is None:
        raise RefusChamp("debut", "Indiquez la date et l'heure de la réunion.")
    if debut <= maintenant():
        raise RefusChamp("debut", "La réunion doit avoir lieu dans le futur.")
    if not lieu and not lien:
        raise RefusChamp("lieu", "Indiquez le lieu de la réunion ou le lien de la visioconférence.")
    if lien and not lien.startswith("https://"):
        raise RefusChamp("lien", "Le lien de visioconférence doit commencer par https://.")
    if preavis_jours is not None and not 0 <= preavis_jours <= PREAVIS_MAX:
        raise RefusChamp("preavis_jours", f"Le délai de convocation minimal est un nombre de jours entre 0 et {PREAVIS_MAX}.")


def _convoquer(acteur: Utilisateur, e: Expertise, reunion: Reunion, choisis: list[Destinataire]) -> None:
    """Inside the caller's transaction: the sealed convocation PDF (deposited in the case, every
    participant told at once), then one convocation per person by their channel."""
    depot = depots.convoquer(acteur=acteur, expertise=e, reunion_le=reunion.debut, lieu=reunion.lieu, lien=reunion.lien)
    reunion.convocation = depot
    reunion.save(update_fields=["convocation"])
    instant = maintenant()
    lre_a_envoyer = []
    for d in choisis:
        plateforme = d.canal == Canal.PLATEFORME
        c = Convocation.objects.create(
            reunion=reunion,
            partie=d.partie,
            participant=d.participant,
            destinataire=d.nom[:200],
            qualite=d.qualite[:60],
            canal=d.canal,
            statut=StatutConvocation.ENVOYEE if plateforme else StatutConvocation.EN_ATTENTE,
            envoyee_le=instant if plateforme else None,
        )
        c.evenement = _evenement("convocation", acteur=acteur, e=e, objet=c.uuid, reunion=str(reunion.uuid), canal=d.canal)
        c.save(update_fields=["evenement"])
        if d.canal == Canal.LRE:
            lre_a_envoyer.append(c.uuid)
    for reference in lre_a_envoyer:
        transaction.on_commit(functools.partial(_planifier_lre, reference))


def _planifier_lre(reference: Any) -> None:
    from .tasks import envoyer_lre

    envoyer_lre.enqueue(str(reference))


def planifier(
    *,
    acteur: Utilisateur,
    expertise: Expertise,
    debut: dt.datetime | None,
    lieu: str = "",
    lien: str = "",
    ordre_du_jour: str = "",
    preavis_jours: int | None = None,
    convoques: Iterable[str] | None = None,
) -> Reunion:
    """The expert plans a meeting and convenes ``convoques`` (keys of ``destinataires``; all by
    default). Refused, with nothing recorded: a meeting in the past, a person not on the case."""
    lieu, lien = (lieu or "").strip(), (lien or "").strip()
    _valider_reunion(debut, lieu, lien, preavis_jours)
    assert debut is not None
    with transaction.atomic():
        e = _verrouiller(expertise)
        _expert(acteur, e)
        choisis = _choisis(e, convoques)
        reunion = Reunion.objects.create(
            expertise=e,
            debut=debut,
            lieu=lieu[:300],
            lien=lien[:500],
            ordre_du_jour=(ordre_du_jour or "").strip(),
            cree_par=acteur,
            **({"preavis_jours": preavis_jours} if preavis_jours is not None else {}),
        )
        reunion.evenement = _evenement("reunion", acteur=acteur, e=e, objet=reunion.uuid, visio=reunion.visio or None)
        reunion.save(update_fields=["evenement"])
        _convoquer(acteur, e, reunion, choisis)
    _prevenir_calendrier(e, acteur, "Une réunion d'expertise est prévue le " + heure_locale(debut, e.fuseau) + ".")
    return reunion


def _remplacer(reunion: Reunion) -> list[Destinataire]:
    """The current convocations become « remplacée »; returns who was convened (still on the case)."""
    cles = []
    for c in reunion.convocations.exclude(statut=StatutConvocation.REMPLACEE):
        if c.participant is not None and c.participant.qualite == Qualite.AVOCAT:
            cles.append(f"avocat:{c.participant.uuid}")
        elif c.partie is not None:
            cles.append(f"partie:{c.partie.uuid}")
    reunion.convocations.exclude(statut=StatutConvocation.REMPLACEE).update(statut=StatutConvocation.REMPLACEE)
    connus = {d.cle: d for d in destinataires(reunion.expertise)}
    return [connus[c] for c in cles if c in connus]


def _reunion_modifiable(reunion: Reunion) -> None:
    if reunion.statut != StatutReunion.PREVUE:
        raise RefusService("Cette réunion est annulée ou déjà tenue : elle ne peut plus être modifiée.")


def deplacer(
    *,
    acteur: Utilisateur,
    reunion: Reunion,
    debut: dt.datetime | None,
    lieu: str = "",
    lien: str = "",
    ordre_du_jour: str | None = None,
) -> Reunion:
    """Move the meeting: new convocations go out to the same persons, the old ones are superseded."""
    lieu, lien = (lieu or "").strip(), (lien or "").strip()
    _valider_reunion(debut, lieu, lien, None)
    assert debut is not None
    with transaction.atomic():
        e = _verrouiller(reunion.expertise)
        _expert(acteur, e)
        reunion = Reunion.objects.select_for_update().get(pk=reunion.pk)
        reunion.expertise = e
        _reunion_modifiable(reunion)
        choisis = _remplacer(reunion)
        reunion.debut, reunion.lieu, reunion.lien = debut, lieu[:300], lien[:500]
        if ordre_du_jour is not None:
            reunion.ordre_du_jour = ordre_du_jour.strip()
        reunion.deplacements += 1
        reunion.save()
        if not reunion.visio:  # no longer by video: the consents to it have no object
            ConsentementVisio.objects.filter(reunion=reunion).delete()
        _evenement("reunion_deplacee", acteur=acteur, e=e, objet=reunion.uuid, deplacements=reunion.deplacements)
        _convoquer(acteur, e, reunion, choisis)
    _prevenir_calendrier(e, acteur, "La réunion d'expertise est déplacée au " + heure_locale(debut, e.fuseau) + ".")
    return reunion


def annuler(*, acteur: Utilisateur, reunion: Reunion) -> Reunion:
    with transaction.atomic():
        e = _verrouiller(reunion.expertise)
        _expert(acteur, e)
        reunion = Reunion.objects.select_for_update().get(pk=reunion.pk)
        reunion.expertise = e
        _reunion_modifiable(reunion)
        _remplacer(reunion)
        reunion.statut, reunion.annulee_le = StatutReunion.ANNULEE, maintenant()
        reunion.save(update_fields=["statut", "annulee_le"])
        _evenement("reunion_annulee", acteur=acteur, e=e, objet=reunion.uuid)
    _prevenir_calendrier(e, acteur, "La réunion d'expertise du " + heure_locale(reunion.debut, e.fuseau) + " est annulée.")
    return reunion


# --- Delivery of each convocation ------------------------------------------------------------------


def _convocation_verrouillee(acteur: Utilisateur, convocation: Convocation) -> tuple[Expertise, Convocation]:
    e = _verrouiller(convocation.reunion.expertise)
    _expert(acteur, e)
    c = Convocation.objects.select_for_update().select_related("reunion").get(pk=convocation.pk)
    if c.statut == StatutConvocation.REMPLACEE:
        raise RefusService("Cette convocation a été remplacée (réunion déplacée ou annulée).")
    return e, c


def constater_ouvertures(reunion: Reunion) -> int:
    """Platform convocations whose addressee opened the sealed convocation: delivery proven at the
    time of that first opening (its own evidence event and receipt)."""
    if reunion.convocation_id is None:
        return 0
    n = 0
    for c in reunion.convocations.filter(canal=Canal.PLATEFORME, statut=StatutConvocation.ENVOYEE).select_related("participant"):
        if c.participant is None:
            continue
        o = Ouverture.objects.filter(depot_id=reunion.convocation_id, utilisateur_id=c.participant.utilisateur_id).first()
        if o is not None:
            c.statut, c.remise_le = StatutConvocation.PROUVEE, o.le
            c.save(update_fields=["statut", "remise_le"])
            n += 1
    return n


def ouverture_de(c: Convocation) -> Ouverture | None:
    if c.canal != Canal.PLATEFORME or c.participant is None:
        return None
    return Ouverture.objects.filter(depot_id=c.reunion.convocation_id, utilisateur_id=c.participant.utilisateur_id).first()


def declarer_envoi(
    *, acteur: Utilisateur, convocation: Convocation, numero_suivi: str = "", envoyee_le: dt.date | None = None
) -> Convocation:
    """The expert posted the letter: registered (tracking number required) or simple."""
    numero_suivi = (numero_suivi or "").strip().upper().replace(" ", "")
    with transaction.atomic():
        e, c = _convocation_verrouillee(acteur, convocation)
        if c.canal not in (Canal.LRAR, Canal.LETTRE_SIMPLE):
            raise RefusService("Cette convocation ne part pas par la poste.")
        if c.statut != StatutConvocation.EN_ATTENTE:
            raise RefusService("L'envoi de cette lettre est déjà enregistré.")
        if c.canal == Canal.LRAR and not (8 <= len(numero_suivi) <= 40 and numero_suivi.isalnum()):
            raise RefusChamp(
                "numero_suivi",
                "Indiquez le numéro de suivi de la lettre recommandée (lettres et chiffres, par exemple 1A12345678901).",
            )
        jour = envoyee_le or maintenant().astimezone(zone(e.fuseau)).date()
        if jour > maintenant().astimezone(zone(e.fuseau)).date():
            raise RefusChamp("envoyee_le", "La date d'envoi ne peut pas être dans le futur.")
        c.numero_suivi = numero_suivi if c.canal == Canal.LRAR else ""
        c.envoyee_le = dt.datetime.combine(jour, dt.time(12), tzinfo=zone(e.fuseau))
        c.statut = StatutConvocation.ENVOYEE
        c.save(update_fields=["numero_suivi", "envoyee_le", "statut"])
        _evenement("envoi_postal", acteur=acteur, e=e, objet=c.uuid, canal=c.canal)
    return c


def deposer_avis(
    *,
    acteur: Utilisateur,
    convocation: Convocation,
    non_reclame: bool = False,
    le: dt.date | None = None,
    scan: bytes | None = None,
    nom: str = "",
) -> Convocation:
    """The scanned avis de réception of a registered letter (delivery proven), or the letter came
    back « pli non réclamé » (its own status: case law treats it as convening, shown apart)."""
    with transaction.atomic():
        e, c = _convocation_verrouillee(acteur, convocation)
        if c.canal != Canal.LRAR:
            raise RefusService("Un avis de réception ne concerne qu'une lettre recommandée.")
        if c.statut == StatutConvocation.EN_ATTENTE or c.envoyee_le is None:
            raise RefusService("Cette lettre n'a pas été envoyée : indiquez d'abord son numéro de suivi et sa date d'envoi.")
        if c.statut != StatutConvocation.ENVOYEE:
            raise RefusService("L'issue de cette lettre est déjà enregistrée.")
        if not scan:
            raise RefusChamp("avis", "Joignez le scan de l'avis de réception (ou du pli revenu « non réclamé »).")
        if len(scan) > TAILLE_MAX_AVIS:
            raise RefusChamp("avis", "Le scan dépasse 2,5 Mo : numérisez-le en noir et blanc ou en PDF plus léger.")
        if le is None:
            raise RefusChamp("le", "Indiquez la date portée sur l'avis (remise ou présentation).")
        if le < c.envoyee_le.astimezone(zone(e.fuseau)).date() or le > maintenant().astimezone(zone(e.fuseau)).date():
            raise RefusChamp("le", "La date de l'avis doit être entre l'envoi et aujourd'hui.")
        try:
            document = coffre.deposer(io.BytesIO(scan), nom=nom or "avis-de-reception.pdf", proprietaire=depots.proprietaire(e))
        except coffre.RefusDepot as refus:
            raise RefusChamp("avis", f"Scan refusé : {refus}") from None
        c.avis_reception = document
        c.remise_le = dt.datetime.combine(le, dt.time(12), tzinfo=zone(e.fuseau))
        c.statut = StatutConvocation.NON_RECLAMEE if non_reclame else StatutConvocation.PROUVEE
        c.save(update_fields=["avis_reception", "remise_le", "statut"])
        preuves.enregistrer(
            "operations.avis_reception",
            acteur_ref=str(acteur.uuid),
            objet_ref=str(c.uuid),
            dossier_ref=str(e.uuid),
            document_sha256=document.sha256,
            details={"non_reclame": True} if non_reclame else None,
        )
    return c


# --- Electronic registered mail (lre.py) -----------------------------------------------------------


def envoyer_lre(reference: str) -> str:
    """Hand one LRE convocation to the provider (task). Provider down: stays « en attente », the
    attempt is counted and the expert told once; the periodic task retries."""
    fournisseur = lre.fournisseur()
    c = Convocation.objects.select_related(
        "reunion__expertise__juridiction", "reunion__convocation__document", "participant__utilisateur"
    ).get(uuid=reference)
    if fournisseur is None or c.canal != Canal.LRE or c.statut != StatutConvocation.EN_ATTENTE:
        return c.statut
    e = c.reunion.expertise
    with coffre.lecteur(c.reunion.convocation.document) as lecteur:  # type: ignore[union-attr]
        pdf = lecteur.read()
    try:
        envoi = fournisseur.envoyer(
            destinataire=c.destinataire,
            courriel=c.participant.utilisateur.email if c.participant else "",
            document=pdf,
            nom_document="convocation.pdf",
            reference=str(c.uuid),
        )
    except lre.FournisseurIndisponible as exc:
        with transaction.atomic():
            c = Convocation.objects.select_for_update().get(pk=c.pk)
            c.tentatives += 1
            c.derniere_erreur = str(exc)[:300]
            c.save(update_fields=["tentatives", "derniere_erreur"])
        if c.tentatives == 1:
            experts = [p.utilisateur for p in expertises.participants_actifs(e, Qualite.EXPERT)]
            transaction.on_commit(
                lambda: expertises._courriel(
                    e,
                    experts,
                    "convocation électronique en attente",
                    f"Le prestataire de lettre recommandée électronique est indisponible : la convocation de {c.destinataire} "
                    "reste en attente et sera renvoyée automatiquement. Vous pouvez aussi l'envoyer par lettre recommandée.",
                )
            )
        logger.warning("operations: LRE provider unavailable for %s (%d attempts)", c.uuid, c.tentatives)
        return c.statut
    with transaction.atomic():
        c = Convocation.objects.select_for_update().get(pk=c.pk)
        document = coffre.deposer(io.BytesIO(envoi.preuve_depot), nom=envoi.nom_preuve, proprietaire=depots.proprietaire(e))
        c.reference_lre, c.preuve_lre = envoi.reference, document
        c.statut, c.envoyee_le, c.tentatives = StatutConvocation.ENVOYEE, maintenant(), c.tentatives + 1
        c.save(update_fields=["reference_lre", "preuve_lre", "statut", "envoyee_le", "tentatives"])
        preuves.enregistrer(
            "operations.lre_depot",
            acteur_ref=expertises.ACTEUR_SYSTEME,
            objet_ref=str(c.uuid),
            dossier_ref=str(e.uuid),
            document_sha256=document.sha256,
        )
    return c.statut


def suivre_lre(reference: str) -> str:
    """Ask the provider where a sent LRE stands; a final outcome stores its proof as a deposit."""
    fournisseur = lre.fournisseur()
    c = Convocation.objects.select_related("reunion__expertise").get(uuid=reference)
    if fournisseur is None or c.canal != Canal.LRE or c.statut != StatutConvocation.ENVOYEE:
        return c.statut
    try:
        suivi = fournisseur.suivre(c.reference_lre)
    except lre.FournisseurIndisponible:
        return c.statut
    if suivi.statut not in SUITE_STATUTS or suivi.preuve is None:
        return c.statut
    e = c.reunion.expertise
    with transaction.atomic():
        c = Convocation.objects.select_for_update().get(pk=c.pk)
        document = coffre.deposer(io.BytesIO(suivi.preuve), nom=suivi.nom_preuve, proprietaire=depots.proprietaire(e))
        ancienne = c.preuve_lre
        c.preuve_lre, c.statut, c.remise_le = document, SUITE_STATUTS[suivi.statut], maintenant()
        c.save(update_fields=["preuve_lre", "statut", "remise_le"])
        preuves.enregistrer(
            "operations.lre_suivi",
            acteur_ref=expertises.ACTEUR_SYSTEME,
            objet_ref=str(c.uuid),
            dossier_ref=str(e.uuid),
            document_sha256=document.sha256,
            details={"statut": suivi.statut, "preuve_depot": ancienne.sha256 if ancienne else None},
        )
    return c.statut


def relancer_lre() -> int:
    """Periodic: retry the LRE convocations still « en attente », follow the ones sent."""
    n = 0
    for ref in Convocation.objects.filter(canal=Canal.LRE, statut=StatutConvocation.EN_ATTENTE).values_list("uuid", flat=True):
        n += envoyer_lre(str(ref)) == StatutConvocation.ENVOYEE
    for ref in Convocation.objects.filter(canal=Canal.LRE, statut=StatutConvocation.ENVOYEE).values_list("uuid", flat=True):
        suivre_lre(str(ref))
    return n


# --- Regularity of the convocations ----------------------------------------------------------------

REGULIERS = {
    Canal.PLATEFORME: {StatutConvocation.PROUVEE},
    Canal.LRAR: {StatutConvocation.PROUVEE, StatutConvocation.NON_RECLAMEE},
    Canal.LRE: {StatutConvocation.PROUVEE, StatutConvocation.NON_RECLAMEE},
    Canal.LETTRE_SIMPLE: {StatutConvocation.ENVOYEE, StatutConvocation.PROUVEE},
}


def synthese(c: Convocation) -> str:
    """prouvée / en attente / non réclamée / échec, in words."""
    if c.statut == StatutConvocation.NON_RECLAMEE:
        return "pli non réclamé"
    if c.statut == StatutConvocation.ECHEC:
        return "échec"
    if c.statut in REGULIERS[Canal(c.canal)]:
        return "envoyée (lettre simple)" if c.canal == Canal.LETTRE_SIMPLE else "prouvée"
    return "en attente"


def avertissements(reunion: Reunion) -> list[str]:
    """Why someone is not (yet) regularly convened, or the notice is shorter than the expert's minimum."""
    if reunion.statut != StatutReunion.PREVUE:
        return []
    e = reunion.expertise
    result = []
    courantes = [c for c in reunion.convocations.all() if c.statut != StatutConvocation.REMPLACEE]
    convoques = {
        f"avocat:{c.participant.uuid}" if c.participant and c.participant.qualite == Qualite.AVOCAT else f"partie:{c.partie.uuid}"
        for c in courantes
        if c.partie or c.participant
    }
    for d in destinataires(e):
        if d.cle not in convoques:
            result.append(f"{d.nom} ({d.qualite}) n'est pas convoqué(e) à cette réunion.")
    for c in courantes:
        if c.statut not in REGULIERS[Canal(c.canal)]:
            if c.statut == StatutConvocation.EN_ATTENTE:
                quoi = (
                    "la lettre n'est pas encore envoyée"
                    if c.canal != Canal.LRE
                    else "la lettre recommandée électronique est en attente"
                )
            elif c.statut == StatutConvocation.ECHEC:
                quoi = "la convocation a échoué"
            else:
                quoi = "la remise n'est pas encore prouvée"
            result.append(f"{c.destinataire} ({c.qualite}) n'est pas encore régulièrement convoqué(e) : {quoi}.")
        # Notice: from the sending, or from now for a letter still to send.
        depart = c.envoyee_le or (maintenant() if c.statut == StatutConvocation.EN_ATTENTE else None)
        if depart is not None and depart + dt.timedelta(days=reunion.preavis_jours) > reunion.debut:
            jours = max((reunion.debut - depart).days, 0)
            result.append(
                f"Délai de convocation de {c.destinataire} : {jours} jour(s) seulement avant la réunion, "
                f"moins que votre délai minimal de {reunion.preavis_jours} jours."
            )
    if reunion.visio:
        donnes = set(ConsentementVisio.objects.filter(reunion=reunion).values_list("participant_id", flat=True))
        for c in courantes:
            if c.participant is not None and c.participant_id not in donnes:
                result.append(f"{c.destinataire} n'a pas encore consenti à la réunion par visioconférence.")
            elif c.participant is None:
                result.append(
                    f"{c.destinataire} n'a pas de compte : son consentement à la visioconférence doit être recueilli par écrit."
                )
    return result


# --- Consents --------------------------------------------------------------------------------------


def _mon_participation(acteur: Utilisateur, e: Expertise) -> Participant:
    p = (
        Participant.objects.filter(
            expertise=e, utilisateur=acteur, retire_le__isnull=True, qualite__in=[Qualite.AVOCAT, Qualite.PARTIE]
        )
        .order_by("id")
        .first()
    )
    if p is None or (e.est_penale and p.qualite == Qualite.PARTIE):
        raise RefusService("Seuls les avocats et les parties de l'expertise donnent ce consentement.")
    return p


def consentir_echange(*, acteur: Utilisateur, expertise: Expertise) -> ConsentementEchange:
    """The person consents, from their own session, to receive convocations and notices by the
    platform (CPC 748-1 ff.). Reused if already given."""
    with transaction.atomic():
        e = _verrouiller(expertise)
        p = _mon_participation(acteur, e)
        deja = consentement_actif(p)
        if deja is not None:
            return deja
        evenement = _evenement("consentement_echange", acteur=acteur, e=e, objet=p.uuid)
        return ConsentementEchange.objects.create(participant=p, evenement=evenement)


def retirer_consentement(*, acteur: Utilisateur, expertise: Expertise) -> None:
    with transaction.atomic():
        e = _verrouiller(expertise)
        p = _mon_participation(acteur, e)
        c = consentement_actif(p)
        if c is None:
            raise RefusService("Vous n'aviez pas consenti aux échanges électroniques dans cette expertise.")
        c.retire_le = maintenant()
        c.save(update_fields=["retire_le"])
        _evenement("consentement_echange_retire", acteur=acteur, e=e, objet=p.uuid)


def consentir_visio(*, acteur: Utilisateur, reunion: Reunion) -> ConsentementVisio:
    with transaction.atomic():
        e = _verrouiller(reunion.expertise)
        if not reunion.visio or reunion.statut != StatutReunion.PREVUE:
            raise RefusService("Cette réunion n'a pas lieu par visioconférence.")
        if reunion.debut <= maintenant():
            raise RefusService("Le consentement à la visioconférence se donne avant la réunion.")
        convoques = {c.participant_id for c in reunion.convocations.exclude(statut=StatutConvocation.REMPLACEE)}
        mes = list(Participant.objects.filter(expertise=e, utilisateur=acteur, retire_le__isnull=True, pk__in=convoques))
        if not mes:
            raise RefusService("Vous n'êtes pas convoqué(e) à cette réunion.")
        deja = ConsentementVisio.objects.filter(reunion=reunion, participant=mes[0]).first()
        if deja is not None:
            return deja
        evenement = _evenement("consentement_visio", acteur=acteur, e=e, objet=reunion.uuid, participant=str(mes[0].uuid))
        return ConsentementVisio.objects.create(reunion=reunion, participant=mes[0], evenement=evenement)


# --- Attendance sheet ------------------------------------------------------------------------------


def _presence_ouverte(reunion: Reunion) -> None:
    if reunion.statut != StatutReunion.PREVUE:
        raise RefusService("La feuille de présence de cette réunion est close.")
    if maintenant() < reunion.debut - dt.timedelta(hours=2):
        raise RefusService("La feuille de présence s'ouvre le jour de la réunion, deux heures avant son début.")


def signer_presence(
    *,
    acteur: Utilisateur,
    reunion: Reunion,
    convocation: Convocation | None,
    nom: str,
    qualite: str = "",
    represente: str = "",
    arrivee: dt.datetime | None = None,
    depart: dt.datetime | None = None,
    statut: str = StatutPresence.PRESENT,
) -> Presence:
    """A line of the attendance sheet: the person signs on the expert's device (the expert is the
    actor), or confirms from their own session; the expert notes absent and excused persons."""
    nom = (nom or "").strip()
    with transaction.atomic():
        e = _verrouiller(reunion.expertise)
        reunion = Reunion.objects.select_for_update().get(pk=reunion.pk)
        mes = expertises_permissions.qualites(acteur, e)
        if convocation is None or convocation.reunion_id != reunion.pk or convocation.statut == StatutConvocation.REMPLACEE:
            raise RefusChamp(
                "convocation",
                "Cette personne n'est pas convoquée à cette réunion : elle ne peut pas signer la feuille de présence.",
            )
        par_expert = Qualite.EXPERT in mes
        par_soi = convocation.participant is not None and convocation.participant.utilisateur_id == acteur.pk
        if not par_expert and not par_soi:
            raise RefusService("Vous ne pouvez signer la feuille de présence que pour vous-même.")
        if statut not in StatutPresence.values or (statut != StatutPresence.PRESENT and not par_expert):
            raise RefusChamp("statut", "Choisissez : présent, absent ou excusé.")
        _presence_ouverte(reunion)
        if statut == StatutPresence.PRESENT and not nom:
            raise RefusChamp("nom", "La personne présente indique son nom pour signer.")
        if arrivee and depart and depart < arrivee:
            raise RefusChamp("depart", "L'heure de départ doit suivre l'heure d'arrivée.")
        if Presence.objects.filter(reunion=reunion, convocation=convocation).exists():
            raise RefusChamp("convocation", "La présence de cette personne est déjà inscrite sur la feuille.")
        evenement = _evenement(
            "presence", acteur=acteur, e=e, objet=reunion.uuid, convocation=str(convocation.uuid), statut=statut
        )
        try:
            return Presence.objects.create(
                reunion=reunion,
                convocation=convocation,
                statut=statut,
                nom=(nom or convocation.destinataire)[:200],
                qualite=(qualite or convocation.qualite).strip()[:100],
                represente=represente.strip()[:200],
                arrivee=arrivee if statut == StatutPresence.PRESENT else None,
                depart=depart if statut == StatutPresence.PRESENT else None,
                mode=(ModeSignature.SESSION if par_soi and not par_expert else ModeSignature.APPAREIL_EXPERT)
                if statut == StatutPresence.PRESENT
                else "",
                signe_par=acteur,
                evenement=evenement,
            )
        except IntegrityError:
            raise RefusChamp("convocation", "La présence de cette personne est déjà inscrite sur la feuille.") from None


def sceller_feuille(*, acteur: Utilisateur, reunion: Reunion) -> Reunion:
    """Close the attendance sheet: the convened persons not signed are noted absent, the sheet is
    drawn up as a PDF, sealed (PAdES) and stored; the meeting is « tenue »."""
    from .feuille import feuille_pdf

    with transaction.atomic():
        e = _verrouiller(reunion.expertise)
        _expert(acteur, e)
        reunion = Reunion.objects.select_for_update().get(pk=reunion.pk)
        reunion.expertise = e
        _presence_ouverte(reunion)
        if reunion.debut > maintenant():
            raise RefusService("La feuille de présence se scelle une fois la réunion commencée.")
        inscrits = set(reunion.presences.values_list("convocation_id", flat=True))
        for c in reunion.convocations.exclude(statut=StatutConvocation.REMPLACEE).exclude(pk__in=inscrits):
            Presence.objects.create(
                reunion=reunion,
                convocation=c,
                statut=StatutPresence.ABSENT,
                nom=c.destinataire,
                qualite=c.qualite,
                signe_par=acteur,
                evenement=_evenement(
                    "presence", acteur=acteur, e=e, objet=reunion.uuid, convocation=str(c.uuid), statut="absent"
                ),
            )
        pdf = feuille_pdf(reunion, acteur=acteur)
        jour = reunion.debut.astimezone(zone(e.fuseau)).date().isoformat()
        document = coffre.deposer(io.BytesIO(pdf), nom=f"feuille-de-presence-{jour}.pdf", proprietaire=depots.proprietaire(e))
        reunion.feuille = document
        reunion.statut = StatutReunion.TENUE
        reunion.feuille_evenement = preuves.enregistrer(
            "operations.feuille_presence",
            acteur_ref=str(acteur.uuid),
            objet_ref=str(reunion.uuid),
            dossier_ref=str(e.uuid),
            document_sha256=document.sha256,
        )
        reunion.save(update_fields=["feuille", "statut", "feuille_evenement"])
    return reunion


def lier_compte_rendu(*, acteur: Utilisateur, reunion: Reunion, depot: Depot | None) -> Reunion:
    with transaction.atomic():
        e = _verrouiller(reunion.expertise)
        _expert(acteur, e)
        if depot is None or depot.expertise_id != e.pk or depot.type != TypeDocument.COMPTE_RENDU:
            raise RefusChamp("compte_rendu", "Choisissez un compte rendu déposé dans cette expertise.")
        reunion.comptes_rendus.add(depot)
        _evenement("compte_rendu", acteur=acteur, e=e, objet=reunion.uuid, depot=str(depot.uuid))
    return reunion


# --- Calendar of operations ------------------------------------------------------------------------


def _prevenir_calendrier(e: Expertise, acteur: Utilisateur | None, texte: str) -> None:
    """Every active participant but the actor is told that the calendar changed."""
    personnes = [
        p.utilisateur
        for p in expertises.participants_actifs(e)
        if (acteur is None or p.utilisateur_id != acteur.pk) and not (e.est_penale and p.qualite == Qualite.PARTIE)
    ]
    if personnes:
        transaction.on_commit(lambda: expertises._courriel(e, personnes, "calendrier des opérations modifié", texte))


def enregistrer_etape(
    *,
    acteur: Utilisateur,
    expertise: Expertise,
    nature: str,
    date: dt.date | None,
    libelle: str = "",
    du_juge: bool = False,
    etape: EtapeCalendrier | None = None,
) -> EtapeCalendrier:
    """The expert publishes a date of his calendar; the magistrat or greffier enters the calendar
    the judge fixed (CPC 266), marked as the judge's. The expert cannot change the judge's dates."""
    with transaction.atomic():
        e = _verrouiller(expertise)
        mes = expertises_permissions.qualites(acteur, e)
        juge = bool(mes & {Qualite.MAGISTRAT, Qualite.GREFFIER})
        if not juge and Qualite.EXPERT not in mes:
            raise RefusService("Seuls l'expert et le juge (ou son greffe) tiennent le calendrier des opérations.")
        if e.etat in FERMEES:
            raise RefusService("L'expertise est close : son calendrier ne change plus.")
        if du_juge and not juge:
            raise RefusChamp("du_juge", "Seuls le juge et son greffe inscrivent le calendrier fixé par le juge.")
        if etape is not None and etape.du_juge and not juge:
            raise RefusService("Cette date a été fixée par le juge : seuls le juge et son greffe la modifient.")
        if nature not in NatureEtape.values:
            raise RefusChamp("nature", "Choisissez la nature de l'étape.")
        if date is None:
            raise RefusChamp("date", "Indiquez la date.")
        if etape is None:
            etape = EtapeCalendrier(expertise=e, cree_par=acteur)
        elif etape.expertise_id != e.pk:
            raise RefusService("Cette étape n'appartient pas à l'expertise.")
        etape.nature, etape.date, etape.libelle, etape.du_juge, etape.modifie_le = (
            nature,
            date,
            (libelle or "").strip()[:200],
            du_juge,
            maintenant(),
        )
        etape.save()
        etape.evenement = _evenement(
            "calendrier", acteur=acteur, e=e, objet=etape.uuid, nature=nature, date=date.isoformat(), du_juge=du_juge or None
        )
        etape.save(update_fields=["evenement"])
    auteur = "Le juge a fixé" if du_juge else "L'expert a fixé"
    _prevenir_calendrier(e, acteur, f"{auteur} : {etape.titre}, le {date_longue(date)}.")
    return etape


def supprimer_etape(*, acteur: Utilisateur, etape: EtapeCalendrier) -> None:
    with transaction.atomic():
        e = _verrouiller(etape.expertise)
        mes = expertises_permissions.qualites(acteur, e)
        juge = bool(mes & {Qualite.MAGISTRAT, Qualite.GREFFIER})
        if not (juge or (Qualite.EXPERT in mes and not etape.du_juge)):
            raise RefusService("Cette date a été fixée par le juge : seuls le juge et son greffe la retirent.")
        _evenement("calendrier_retire", acteur=acteur, e=e, objet=etape.uuid)
        etape.delete()
    _prevenir_calendrier(e, acteur, f"Date retirée du calendrier : {etape.titre} ({date_longue(etape.date)}).")


def _empreinte(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def renouveler_jeton(*, acteur: Utilisateur) -> str:
    """A new secret for this person's feed (the previous URL answers 404 from now on). Returns the
    secret: only its hash is kept, so the URL is shown once."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        JetonCalendrier.objects.filter(utilisateur=acteur).delete()
        JetonCalendrier.objects.create(utilisateur=acteur, empreinte=_empreinte(secret))
    return secret


def utilisateur_du_jeton(secret: str) -> Utilisateur | None:
    jeton = JetonCalendrier.objects.select_related("utilisateur").filter(empreinte=_empreinte(secret or "")).first()
    if jeton is None or not jeton.utilisateur.is_active:
        return None
    return jeton.utilisateur


# --- Purge -----------------------------------------------------------------------------------------


def purger(e: Expertise, *, acteur: Utilisateur | None, journal: Any) -> int:
    """With the case's purge: the attendance sheets, avis de réception and LRE proofs are destroyed
    (their hashes and events stay); names typed on the sheet are blanked."""
    n = 0
    documents: list[Document] = []
    for r in Reunion.objects.filter(expertise=e):
        if r.feuille is not None:
            documents.append(r.feuille)
        for c in r.convocations.all():
            documents += [d for d in (c.avis_reception, c.preuve_lre) if d is not None]
    for d in documents:
        if d.detruit_le is None:
            coffre.detruire(d, acteur=acteur, journal=journal, motif=depots.MOTIF_PURGE)
            n += 1
    Presence.objects.filter(reunion__expertise=e).update(nom="", represente="")
    return n
