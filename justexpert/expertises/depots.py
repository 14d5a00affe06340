"""Every change about the documents of a case: deposits by type (types_documents.py), the
convocation the platform draws up, first openings, notifications and the daily digest, and the
purge of contents after closure plus the retention delay.

Like services.py: one transaction per change, the acting user as ``acteur``, the case row locked,
the event appended to the evidence log in the same transaction (references and hashes only: never a
file name, a party or an RG number), mails after commit. Notifications name the kind of document
and the case, never the file name or its content; a medical document is announced only to those
who may see it.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from justexpert.annuaire.models import NatureFait
from justexpert.coffre import services as coffre
from justexpert.comptes import certificats
from justexpert.comptes.models import Utilisateur
from justexpert.comptes.services import RefusService
from justexpert.lib.format import date_longue
from justexpert.lib.temps import date_locale, echeance_en_jours, est_echu, maintenant
from justexpert.preuves import sceau, signatures
from justexpert.preuves import services as preuves

from . import extensions, permissions, services, types_documents
from .models import (
    AvisEnAttente,
    Depot,
    Etat,
    Expertise,
    ModeNotification,
    Ouverture,
    Participant,
    Partie,
    PreferenceNotification,
    Qualite,
    TypeDocument,
)

logger = logging.getLogger(__name__)

MOTIF_PURGE = "conservation_echue"
TAILLE_MAX_RAPPORT = 200 * 1024 * 1024  # signature verification reads the whole PDF in memory


def proprietaire(e: Expertise) -> str:
    return f"expertise:{e.uuid}"


def _qualite_deposant(mes: set[str], regle: types_documents.RegleDepot) -> str:
    autorisees = mes & regle.deposants
    for q in (Qualite.MAGISTRAT, Qualite.EXPERT, Qualite.GREFFIER, Qualite.AVOCAT, Qualite.PARTIE):
        if q in autorisees:
            return q
    raise RefusService("Vous ne pouvez pas déposer ce type de document dans cette expertise.")


def verifier_regle(acteur: Utilisateur, e: Expertise, type_: str) -> tuple[types_documents.RegleDepot, set[str]]:
    """The rule of ``type_`` if ``acteur`` may deposit it in this case now (RefusService otherwise)."""
    regle = types_documents.regle(type_)
    if regle is None:
        raise RefusService("Choisissez le type du document.")
    mes = permissions.qualites(acteur, e)
    if not mes & regle.deposants:
        raise RefusService(f"Vous ne pouvez pas déposer de « {TypeDocument(type_).label.lower()} » dans cette expertise.")
    if e.etat == Etat.CLOSE:
        raise RefusService("L'expertise est close : son dossier ne peut plus recevoir de document.")
    if e.est_penale and type_ in types_documents.PROPRES_AU_CIVIL:
        raise RefusService("Ce type de document ne s'applique pas en matière pénale.")
    if e.etat not in regle.etats:
        raise RefusService(
            f"« {TypeDocument(type_).label} » ne peut pas être déposé maintenant : "
            f"l'expertise est à l'état « {e.get_etat_display().lower()} »."
        )
    return regle, mes


def _partie_du_deposant(acteur: Utilisateur, e: Expertise, partie: Partie | None) -> Partie:
    miennes = {
        p.partie_id: p.partie
        for p in Participant.objects.filter(
            expertise=e, utilisateur=acteur, retire_le__isnull=True, qualite__in=[Qualite.AVOCAT, Qualite.PARTIE]
        ).select_related("partie")
        if p.partie is not None
    }
    if partie is not None:
        if partie.pk not in miennes:
            raise RefusService("Vous ne représentez pas cette partie dans l'expertise.")
        return partie
    if len(miennes) != 1:
        raise RefusService("Indiquez pour quelle partie vous déposez.")
    return next(iter(miennes.values()))


def _autorises(e: Expertise, acteur: Utilisateur, references: Iterable[Participant]) -> list[Participant]:
    result = []
    for p in references:
        if p.expertise_id != e.pk or p.retire_le is not None:
            raise RefusService("Choisissez les destinataires parmi les participants de l'expertise.")
        if p.utilisateur_id != acteur.pk:
            result.append(p)
    return result


def _lire(depot: coffre.Depot) -> bytes:
    if depot.taille > TAILLE_MAX_RAPPORT:
        raise RefusService("Le rapport dépasse 200 Mo : déposez les pièces volumineuses en annexe.")
    with depot.lecteur() as lecteur:
        return lecteur.read()


def verdict_rapport(acteur: Utilisateur, depot: coffre.Depot) -> signatures.Verdict:
    """The final report must be a PDF signed by the certificate registered to the expert."""
    if depot.format.type_mime != "application/pdf":
        raise RefusService("Le rapport définitif doit être un PDF signé avec le certificat de votre carte.")
    certificat = certificats.certificat_courant(acteur)
    return signatures.verifier_signature_requise(
        _lire(depot), certificat_der=bytes(certificat.der) if certificat else None, document_sha256=depot.sha256
    )


def deposer(
    *,
    acteur: Utilisateur,
    expertise: Expertise,
    type_: str,
    fichier: coffre.Depot,
    client_id: str = "",
    medical: bool = False,
    autorises: Iterable[Participant] = (),
    partie: Partie | None = None,
    repond_a: Depot | None = None,
    date_limite: dt.date | None = None,
    montant: Decimal | None = None,
) -> Depot:
    """Record an uploaded document (already encrypted in the coffre, not yet committed) of kind
    ``type_``. On any refusal the upload is discarded and RefusService says why, in French."""
    try:
        regle, mes = verifier_regle(acteur, expertise, type_)
        if regle.genere:
            raise RefusService("La convocation est établie par la plateforme : remplissez le formulaire de convocation.")
        verdict = verdict_rapport(acteur, fichier) if type_ == TypeDocument.RAPPORT else None
        if verdict is not None and verdict.statut != signatures.Statut.VALIDE:
            raise RefusService(
                "Le rapport n'est pas accepté : "
                + (" ; ".join(verdict.motifs) or f"signature {verdict.libelle}")
                + ". Pour le signer avec la carte enregistrée sur votre compte : « Comment signer son rapport », sous le formulaire de dépôt."
            )
        with transaction.atomic():
            e = Expertise.objects.select_for_update().select_related("juridiction").get(pk=expertise.pk)
            regle, mes = verifier_regle(acteur, e, type_)
            document = coffre.enregistrer(fichier, proprietaire=proprietaire(e), client_id=client_id)
            deja = Depot.objects.filter(document=document).first()
            if deja is not None:  # the same upload sent twice (idempotency key)
                return deja
            return _creer(
                acteur=acteur,
                e=e,
                regle=regle,
                mes=mes,
                document=document,
                medical=medical,
                autorises=autorises,
                partie=partie,
                repond_a=repond_a,
                date_limite=date_limite,
                montant=montant,
                verdict=verdict,
            )
    except BaseException:
        fichier.abandonner()  # no-op once committed; otherwise the staged object goes now
        raise


def _creer(
    *,
    acteur: Utilisateur,
    e: Expertise,
    regle: types_documents.RegleDepot,
    mes: set[str],
    document: Any,
    medical: bool = False,
    autorises: Iterable[Participant] = (),
    partie: Partie | None = None,
    repond_a: Depot | None = None,
    date_limite: dt.date | None = None,
    montant: Decimal | None = None,
    verdict: signatures.Verdict | None = None,
    reunion: dict[str, Any] | None = None,
) -> Depot:
    """Inside the caller's transaction, with the case row locked."""
    type_ = regle.type
    qualite = _qualite_deposant(mes, regle)
    numero = None
    if regle.par_partie:
        partie = _partie_du_deposant(acteur, e, partie)
        if type_ == TypeDocument.PIECE:
            dernier = Depot.objects.filter(expertise=e, partie=partie, type=type_).aggregate(n=Max("numero"))["n"]
            numero = (dernier or 0) + 1
    else:
        partie = None
    en_retard = False
    if type_ in (TypeDocument.DIRE, TypeDocument.DIRE_RECAPITULATIF) and e.date_limite_dires:
        # CPC 276: the expert may disregard observations sent after the deadline; the platform
        # accepts them (a lawyer must be able to prove what was sent, and when) and flags them.
        en_retard = est_echu(e.date_limite_dires, e.fuseau)
    if type_ == TypeDocument.REPONSE_DIRE:
        if (
            repond_a is None
            or repond_a.expertise_id != e.pk
            or repond_a.type
            not in (
                TypeDocument.DIRE,
                TypeDocument.DIRE_RECAPITULATIF,
            )
        ):
            raise RefusService("Choisissez le dire auquel vous répondez.")
    else:
        repond_a = None
    choisis = _autorises(e, acteur, autorises) if medical else []
    # What the deposit does to the procedure (the transitions check state and capacity again).
    if type_ == TypeDocument.PRE_RAPPORT:
        e = services.ouvrir_dires(acteur=acteur, expertise=e, jour=date_limite)
        date_limite = e.date_limite_dires
    elif type_ == TypeDocument.RAPPORT:
        e = services.deposer_rapport(acteur=acteur, expertise=e)
    elif type_ == TypeDocument.ORDONNANCE_TAXE:
        e = services.taxer(acteur=acteur, expertise=e, montant=montant)
    elif type_ == TypeDocument.DEMANDE_REMUNERATION:
        # CPC 282: the parties have 15 days from the request to send their observations.
        e.date_limite_observations = echeance_en_jours(maintenant(), services.JOURS_OBSERVATIONS_REMUNERATION, e.fuseau)
        e.save(update_fields=["date_limite_observations"])
        date_limite = e.date_limite_observations
    else:
        date_limite = None
    reference = uuid.uuid4()
    details: dict[str, object] = {"type": type_, "qualite": qualite}
    if medical:
        details["medical"] = True
    if en_retard:
        details["en_retard"] = True
    if numero:
        details["numero"] = numero
    if partie is not None:
        details["partie"] = str(partie.uuid)
    if repond_a is not None:
        details["repond_a"] = str(repond_a.uuid)
    evenement = preuves.enregistrer(
        "expertises.depot",
        acteur_ref=str(acteur.uuid),
        objet_ref=str(reference),
        dossier_ref=str(e.uuid),
        document_sha256=document.sha256,
        details=details,
    )
    depot = Depot.objects.create(
        uuid=reference,
        expertise=e,
        type=type_,
        document=document,
        depose_par=acteur,
        qualite=qualite,
        partie=partie,
        numero=numero,
        evenement=evenement,
        medical=medical,
        en_retard=en_retard,
        repond_a=repond_a,
        date_limite=date_limite,
        verdict=verdict.en_dict() if verdict is not None else None,
        **(reunion or {}),
    )
    if choisis:
        depot.autorises.set(choisis)
    # The experts' record (annuaire.activite): dires received and answered, fee requests.
    if type_ in (TypeDocument.DIRE, TypeDocument.DIRE_RECAPITULATIF):
        services.consigner(e, NatureFait.DIRE_RECU, reference=depot.uuid)
    elif type_ == TypeDocument.REPONSE_DIRE and repond_a is not None:
        services.consigner(e, NatureFait.DIRE_REPONDU, reference=repond_a.uuid)
    elif type_ == TypeDocument.DEMANDE_REMUNERATION:
        services.consigner(e, NatureFait.REMUNERATION_DEMANDEE, reference=depot.uuid)
    transaction.on_commit(lambda: notifier_depot(depot.pk))
    return depot


# --- Convocation ----------------------------------------------------------------------------------


def convoquer(
    *, acteur: Utilisateur, expertise: Expertise, reunion_le: dt.datetime | None, lieu: str = "", lien: str = ""
) -> Depot:
    """The expert convenes the parties (CPC 160): the platform draws up the convocation, seals it,
    deposits it like any document and tells every participant at once."""
    from .convocation import convocation_pdf

    lieu, lien = (lieu or "").strip(), (lien or "").strip()
    if reunion_le is None:
        raise RefusService("Indiquez la date et l'heure de la réunion.")
    if reunion_le <= maintenant():
        raise RefusService("La réunion doit avoir lieu dans le futur.")
    if not lieu and not lien:
        raise RefusService("Indiquez le lieu de la réunion ou le lien de la visioconférence.")
    if lien and not lien.startswith("https://"):
        raise RefusService("Le lien de visioconférence doit commencer par https://.")
    with transaction.atomic():
        e = Expertise.objects.select_for_update().select_related("juridiction").get(pk=expertise.pk)
        regle, mes = verifier_regle(acteur, e, TypeDocument.CONVOCATION)
        pdf = convocation_pdf(e, acteur=acteur, reunion_le=reunion_le, lieu=lieu, lien=lien)
        jour = date_locale(reunion_le, e.fuseau).isoformat()
        document = coffre.deposer(io.BytesIO(pdf), nom=f"convocation-{jour}.pdf", proprietaire=proprietaire(e))
        return _creer(
            acteur=acteur,
            e=e,
            regle=regle,
            mes=mes,
            document=document,
            reunion={
                "reunion_le": reunion_le,
                "reunion_lieu": lieu[:300],
                "reunion_lien": lien[:500],
                "fin_horodatage": sceau.fin_du_dernier_horodatage(pdf),  # prolongation.py extends it in time
            },
        )


# --- Openings ---------------------------------------------------------------------------------------


def ouvrir(*, acteur: Utilisateur, depot: Depot) -> Ouverture | None:
    """Record the first opening of a (visible) document by this person, with its evidence event.
    The depositor's own downloads and the openings of destroyed contents are not recorded."""
    return ouvrir_plusieurs(acteur=acteur, depots=[depot]).get(depot.pk)


def ouvrir_plusieurs(*, acteur: Utilisateur, depots: list[Depot]) -> dict[int, Ouverture]:
    nouveaux: dict[int, Ouverture] = {}
    candidats = [d for d in depots if d.depose_par_id != acteur.pk and d.document.detruit_le is None]
    if not candidats:
        return nouveaux
    deja = set(
        Ouverture.objects.filter(utilisateur=acteur, depot__in=[d.pk for d in candidats]).values_list("depot_id", flat=True)
    )
    for d in candidats:
        if d.pk in deja:
            continue
        try:
            with transaction.atomic():
                evenement = preuves.enregistrer(
                    "expertises.ouverture",
                    acteur_ref=str(acteur.uuid),
                    objet_ref=str(d.uuid),
                    dossier_ref=str(d.expertise.uuid),
                    document_sha256=d.document.sha256,
                )
                nouveaux[d.pk] = Ouverture.objects.create(depot=d, utilisateur=acteur, evenement=evenement)
        except IntegrityError:  # a concurrent first opening won: it is the proven one
            continue
    return nouveaux


# --- Notifications ---------------------------------------------------------------------------------


def lecteurs(depot: Depot) -> list[Utilisateur]:
    """Active participants (other than the depositor) who may see this document."""
    e = depot.expertise
    participants = Participant.objects.filter(expertise=e, retire_le__isnull=True).select_related("utilisateur")
    if e.est_penale:
        participants = participants.exclude(qualite=Qualite.PARTIE)
    autorises = set(depot.autorises.filter(retire_le__isnull=True).values_list("pk", flat=True)) if depot.medical else set()
    result: dict[int, Utilisateur] = {}
    for p in participants:
        if p.utilisateur_id == depot.depose_par_id or not p.utilisateur.is_active:
            continue
        if depot.medical and p.qualite not in (Qualite.EXPERT, Qualite.MAGISTRAT) and p.pk not in autorises:
            continue
        result[p.utilisateur_id] = p.utilisateur
    return list(result.values())


def _phrase(depot: Depot) -> str:
    texte = f"Nouveau document : {depot.libelle.lower()} ({depot.get_qualite_display().lower()})"
    if depot.en_retard:
        texte += ", reçu après la date limite des dires"
    return texte + "."


def notifier_depot(depot_pk: int) -> None:
    """After commit: mail now, or queue for the daily digest, as each reader chose. The convocation
    goes at once to everyone (it summons them)."""
    depot = Depot.objects.select_related("expertise__juridiction", "depose_par").get(pk=depot_pk)
    e = depot.expertise
    destinataires = lecteurs(depot)
    quotidiens = set(
        PreferenceNotification.objects.filter(utilisateur__in=destinataires, mode=ModeNotification.QUOTIDIEN).values_list(
            "utilisateur_id", flat=True
        )
    )
    if depot.type == TypeDocument.CONVOCATION:
        quotidiens = set()
    maintenant_ = [u for u in destinataires if u.pk not in quotidiens]
    if maintenant_:
        texte = _phrase(depot)
        if depot.reunion_le:
            texte += f"\nRéunion d'expertise le {_heure(depot.reunion_le, e.fuseau)} (heure de {e.fuseau})."
        services._courriel(e, maintenant_, f"nouveau document ({depot.libelle.lower()})", texte)
    AvisEnAttente.objects.bulk_create(
        [AvisEnAttente(utilisateur=u, depot=depot) for u in destinataires if u.pk in quotidiens], ignore_conflicts=True
    )


def _heure(instant: dt.datetime, fuseau: str) -> str:
    from justexpert.lib.temps import zone

    local = instant.astimezone(zone(fuseau))
    return f"{date_longue(local.date())} à {local:%H:%M}"


def envoyer_recapitulatifs() -> int:
    """Daily digest: one mail per person listing, case by case, the documents deposited since the
    last digest that they may still see (access is checked again now). Returns the mails sent."""
    avis = AvisEnAttente.objects.select_related("utilisateur", "depot__expertise__juridiction").order_by("utilisateur_id", "id")
    par_personne: dict[int, list[AvisEnAttente]] = defaultdict(list)
    for a in avis:
        par_personne[a.utilisateur_id].append(a)
    envoyes = 0
    for items in par_personne.values():
        user = items[0].utilisateur
        par_dossier: dict[int, list[Depot]] = defaultdict(list)
        for a in items:
            par_dossier[a.depot.expertise_id].append(a.depot)
        lignes = []
        for depots in par_dossier.values():
            e = depots[0].expertise
            if not permissions.expertises_visibles(user).filter(pk=e.pk).exists():
                continue
            visibles = set(
                permissions.depots_visibles(user, e).filter(pk__in=[d.pk for d in depots]).values_list("pk", flat=True)
            )
            libelles = [d.libelle.lower() for d in depots if d.pk in visibles]
            if libelles:
                reference = "pénale" if e.est_penale else f"RG {e.numero_rg}"
                lignes.append(f"- Expertise {reference}, {e.juridiction} : {', '.join(libelles)}\n  {services.lien(e)}")
        if lignes and user.is_active:
            from justexpert.comptes.services import envoyer_courriel

            envoyer_courriel(
                sujet="Justexpert : récapitulatif des nouveaux documents",
                corps="Bonjour,\n\nNouveaux documents dans vos expertises depuis le dernier récapitulatif :\n\n"
                + "\n".join(lignes)
                + "\n",
                destinataires=[user.email],
            )
            envoyes += 1
        AvisEnAttente.objects.filter(pk__in=[a.pk for a in items]).delete()
    return envoyes


def choisir_notification(*, acteur: Utilisateur, mode: str) -> PreferenceNotification:
    if mode not in ModeNotification.values:
        raise RefusService("Choisissez comment être prévenu des nouveaux documents.")
    preference, _ = PreferenceNotification.objects.update_or_create(utilisateur=acteur, defaults={"mode": mode})
    return preference


# --- Purge after closure ------------------------------------------------------------------------------


def a_purger(instant: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    limite = (instant or maintenant()) - dt.timedelta(days=settings.EXPERTISES_DELAI_CONSERVATION_JOURS)
    return Expertise.objects.filter(etat=Etat.CLOSE, close_le__lte=limite, purgee_le__isnull=True)


def purger(expertise: Expertise, *, acteur: Utilisateur | None = None) -> int:
    """Destroy the contents of a closed case's documents through the coffre (each destruction an
    evidence event, replayed after a restore); rows, hashes and receipts stay and still verify."""
    n = 0
    with transaction.atomic():
        e = Expertise.objects.select_for_update().get(pk=expertise.pk)
        if e.etat != Etat.CLOSE:
            raise RefusService("Seule une expertise close peut être purgée.")
        journal = preuves.journal_destruction(dossier_ref=e.uuid)
        for depot in Depot.objects.filter(expertise=e, document__detruit_le__isnull=True).select_related("document"):
            coffre.detruire(depot.document, acteur=acteur, journal=journal, motif=MOTIF_PURGE)
            n += 1
        # The modules above expertises (frais…) purge their documents and data with the case.
        n += extensions.purger(e, acteur=acteur, journal=journal)
        e.purgee_le = maintenant()
        e.save(update_fields=["purgee_le"])
        preuves.enregistrer(
            "expertises.purge",
            acteur_ref=str(acteur.uuid) if acteur else services.ACTEUR_SYSTEME,
            objet_ref=str(e.uuid),
            dossier_ref=str(e.uuid),
            details={"documents": n},
        )
    logger.info("expertises: purged %d documents of case %s", n, e.uuid)
    return n


def purger_echues(instant: dt.datetime | None = None) -> int:
    total = 0
    for e in a_purger(instant):
        total += purger(e)
    return total
