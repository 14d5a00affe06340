"""One world holding objects of every module, and the actors around them (kind × membership).

Built through services only (the same paths production uses), so the matrix, the canary crawl and
the hostile-input tests see real objects: a civil and a penal expertise at TJ Paris, another civil
case of another expert, a civil and a penal PLEX folder, a deposited candidature with its pieces,
a solicitation, a published list, a coffre document, and accounts of every role.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from justexpert.annuaire import nomenclature
from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import ElementNomenclature, Expert
from justexpert.candidatures import services as candidatures
from justexpert.candidatures.models import TypeCandidature
from justexpert.coffre import services as coffre
from justexpert.coffre.services import Depot
from justexpert.comptes import invitations, organisations
from justexpert.comptes.models import Appartenance, Habilitation, Organisation, Role, Utilisateur
from justexpert.comptes.services import creer_jeton
from justexpert.echanges import services as echanges
from justexpert.echanges.models import Matiere as MatiereEchange
from justexpert.echanges.models import Participant as ParticipantEchange
from justexpert.expertises import participants as expertises_participants
from justexpert.expertises import relances as expertises_relances
from justexpert.expertises import services as expertises
from justexpert.expertises.models import Etat, Expertise, Matiere, Participant, Partie, Qualite, QualitePartie, TypeDocument
from justexpert.frais import services as frais
from justexpert.frais.services import PartDemandee
from justexpert.recherche import services as recherche
from justexpert.recherche.models import Sollicitation
from tests.conftest import creer_utilisateur

DATA = Path(nomenclature.__file__).resolve().parent / "data"
TOTP = "JBSWY3DPEHPK3PXP"


def pdf(contenu: bytes = b"") -> bytes:
    return b"%PDF-1.7\n" + contenu + b"\n%%EOF\n"


def depot(nom: str, contenu: bytes | None = None) -> Depot:
    d = Depot(nom)
    d.ecrire(contenu if contenu is not None else pdf(os.urandom(500)))
    d.terminer()
    return d


def avec_totp(user: Utilisateur) -> Utilisateur:
    user.totp_actif = True
    user.totp_secret = TOTP
    user.save(update_fields=["totp_actif", "totp_secret"])
    return user


def _secret(lien: str) -> str:
    return lien.rstrip("/").rsplit("/", 1)[1]


def _spe(code: str) -> ElementNomenclature:
    return ElementNomenclature.objects.get(version__code="2022", code=code)


def _fiche(acteur: Utilisateur, utilisateur: Utilisateur, nom: str, liste: Organisation) -> Expert:
    fiche = annuaire.creer_fiche(
        acteur=acteur,
        nom=nom,
        prenom="Alix",
        date_naissance=dt.date(1970, 5, 1),
        adresse_pro="12 rue de la Paix",
        code_postal_pro="75002",
        ville_pro="Paris",
        email=utilisateur.email,
    )
    annuaire.inscrire(fiche, acteur=acteur, liste=liste, specialite=_spe("C.2.8"), debut=dt.date(2024, 1, 1))
    lien = annuaire.inviter_expert(fiche, acteur=acteur)
    invitations.accepter(None, secret=_secret(lien), utilisateur=utilisateur)
    fiche.refresh_from_db()
    return fiche


def _inscrire(e: Expertise, acteur: Utilisateur, user: Utilisateur, qualite: str, partie: Partie) -> None:
    _inv, lien = expertises_participants.inviter_participant(
        acteur=acteur, expertise=e, email=user.email, qualite=qualite, partie=partie
    )
    invitations.accepter(None, secret=_secret(lien), utilisateur=user)


def _deposer(user, e: Expertise, type_: str, nom: str, texte: str, **kw):  # type: ignore[no-untyped-def]
    from justexpert.expertises import depots

    e.refresh_from_db()
    fichier = Depot(nom)
    fichier.ecrire(f"{texte}\n".encode())
    fichier.terminer()
    return depots.deposer(acteur=user, expertise=e, type_=type_, fichier=fichier, **kw)


def _expertise(
    *,
    acteur,
    fiche,
    juridiction,
    greffiers=(),
    matiere=Matiere.CIVILE,
    numero_rg,
    mission,
    noms_parties=("SCI Les Tilleuls", "Entreprise Toitures"),
) -> Expertise:
    aujourd_hui = timezone.localdate()
    civile = matiere == Matiere.CIVILE
    return expertises.designer(
        acteur=acteur,
        juridiction=juridiction,
        numero_rg=numero_rg,
        matiere=matiere,
        type_procedure="refere" if civile else "instruction",
        fiche_expert=fiche,
        mission=mission,
        questions=["Décrire", "Évaluer"],
        date_ordonnance=aujourd_hui - dt.timedelta(days=1),
        date_limite_rapport=aujourd_hui + dt.timedelta(days=180),
        greffiers=greffiers,
        consignation_montant=None,
        consignation_date_limite=None,
        parties=[
            (noms_parties[0], QualitePartie.DEMANDEUR if civile else QualitePartie.PARTIE_CIVILE),
            (noms_parties[1], QualitePartie.DEFENDEUR if civile else QualitePartie.MIS_EN_EXAMEN),
        ],
    )


@dataclass
class Monde:
    acteurs: dict[str, Utilisateur] = field(default_factory=dict)
    # key -> URL kwargs for that object (see politique.py)
    objets: dict[str, dict[str, object]] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    canaris: dict[str, str] = field(default_factory=dict)


def construire(*, canari: str = "") -> Monde:
    """The world; ``canari`` (a unique marker) goes into every title, name and content of the penal
    folder and the penal case, for the canary crawl."""
    m = Monde()
    # One marker per secret: the penal PLEX folder, the penal case, the medical document.
    m.canaris = {"echange": f"{canari}ECH", "penal": f"{canari}PEN", "medical": f"{canari}MED"} if canari else {}
    c_ = f" {canari}ECH" if canari else ""
    c_pen = f" {canari}PEN" if canari else ""
    c_med = f" {canari}MED" if canari else ""
    t_pen, t_med = c_pen.replace(" ", "-"), c_med.replace(" ", "-")
    organisations.charger_reference()
    organisations.importer_tribunaux(
        "code,nom,cour_appel,departement\nTJ_PARIS,Tribunal judiciaire de Paris,PARIS,75\n"
        "TJ_LYON,Tribunal judiciaire de Lyon,LYON,69\n"
    )
    o = m.orgs = {x.code: x for x in Organisation.objects.all()}
    for fichier in ("nomenclature-2022-fragment.csv", "nomenclature-demo-complement.csv"):
        nomenclature.importer((DATA / fichier).read_bytes(), version="2022", debut=dt.date(2024, 1, 1))

    u = m.acteurs
    pen, ctl, ins = Habilitation.MATIERE_PENALE, Habilitation.CONTROLE_EXPERTISES, Habilitation.INSTRUCTEUR_CANDIDATURES
    u["expert"] = creer_utilisateur("expert@test.fr", (Role.EXPERT, None, []))
    u["autre_expert"] = creer_utilisateur("autre.expert@test.fr", (Role.EXPERT, None, []))
    u["magistrat"] = creer_utilisateur("magistrat@test.fr", (Role.MAGISTRAT, o["TJ_PARIS"], [ctl]))
    u["magistrat_penal"] = creer_utilisateur("juge.instruction@test.fr", (Role.MAGISTRAT, o["TJ_PARIS"], [pen, ctl]))
    u["magistrat_lyon"] = creer_utilisateur("magistrat.lyon@test.fr", (Role.MAGISTRAT, o["TJ_LYON"], [ctl, pen]))
    u["greffier"] = creer_utilisateur("greffier@test.fr", (Role.GREFFIER, o["TJ_PARIS"], []))
    u["greffier_penal"] = creer_utilisateur("greffier.penal@test.fr", (Role.GREFFIER, o["TJ_PARIS"], [pen]))
    u["instructeur"] = creer_utilisateur("instructeur.paris@test.fr", (Role.GREFFIER, o["PARIS"], [ins]))
    u["greffier_lyon"] = creer_utilisateur("greffier.lyon@test.fr", (Role.GREFFIER, o["LYON"], [ins]))
    u["avocat_a"] = creer_utilisateur("avocat.a@test.fr", (Role.AVOCAT, None, []))
    u["partie_b"] = creer_utilisateur("partie.b@test.fr", (Role.PARTIE, None, []))
    u["avocat_penal"] = creer_utilisateur("avocat.penal@test.fr", (Role.AVOCAT, None, []))
    u["avocat_autre"] = creer_utilisateur("avocat.autre@test.fr", (Role.AVOCAT, None, []))
    u["agent"] = creer_utilisateur("agent@test.fr", (Role.AGENT, o["TJ_PARIS"], [pen]))
    u["agent_civil"] = creer_utilisateur("agent.civil@test.fr", (Role.AGENT, o["TJ_PARIS"], []))
    u["agent_lyon"] = creer_utilisateur("agent.lyon@test.fr", (Role.AGENT, o["TJ_LYON"], [pen]))
    u["invite"] = avec_totp(creer_utilisateur("invite@test.fr", (Role.INVITE, None, [])))
    u["invite_penal"] = avec_totp(creer_utilisateur("invite.penal@test.fr", (Role.INVITE, None, [])))
    u["candidat"] = creer_utilisateur("candidat@test.fr", (Role.CANDIDAT, None, []))
    u["autre_candidat"] = creer_utilisateur("autre.candidat@test.fr", (Role.CANDIDAT, None, []))
    u["administrateur"] = creer_utilisateur("admin@test.fr", (Role.ADMINISTRATEUR, o["MINISTERE"], []))

    # annuaire: the experts' fiches, inscribed on the Paris list, and the published list.
    fiche = _fiche(u["instructeur"], u["expert"], "Durand", o["PARIS"])
    fiche_autre = _fiche(u["instructeur"], u["autre_expert"], "Martin", o["PARIS"])
    liste = annuaire.publier_liste(acteur=u["instructeur"], liste=o["PARIS"], annee=timezone.localdate().year)
    m.objets["fiche"] = {"uuid": fiche.uuid}
    m.objets["inscription"] = {"uuid": fiche.inscriptions.get().uuid}
    m.objets["liste"] = {"uuid": liste.uuid}
    m.objets["liste_csv"] = {"uuid": liste.uuid, "format": "csv"}
    m.extra["fiche"], m.extra["fiche_autre"] = fiche, fiche_autre

    # expertises: civil and penal at TJ Paris, another civil case of another expert.
    civ = _expertise(
        acteur=u["magistrat"],
        fiche=fiche,
        juridiction=o["TJ_PARIS"],
        greffiers=[u["greffier"]],
        numero_rg="26/00001",
        mission="Décrire les désordres affectant la toiture.",
    )
    a, b = list(civ.parties.order_by("id"))
    _inscrire(civ, u["expert"], u["avocat_a"], Qualite.AVOCAT, a)
    _inscrire(civ, u["expert"], u["partie_b"], Qualite.PARTIE, b)
    # frais: the judge fixes a provision split between the two parties.
    provision = frais.fixer_provision(
        acteur=u["magistrat"],
        expertise=civ,
        montant=Decimal("1500.00"),
        parts=[PartDemandee(a, pourcentage=Decimal(60)), PartDemandee(b, pourcentage=Decimal(40))],
        echeances=[(timezone.localdate() + dt.timedelta(days=30), Decimal(100))],
    )
    m.objets["provision_civile"] = {"reference": civ.uuid, "provision": provision.uuid}
    pe = _expertise(
        acteur=u["magistrat_penal"],
        fiche=fiche,
        juridiction=o["TJ_PARIS"],
        greffiers=[u["greffier_penal"]],
        matiere=Matiere.PENALE,
        numero_rg="P26/0042",
        mission=f"Examen des scellés{c_pen}.",
        noms_parties=(f"Partie civile{c_pen}", f"Mis en examen{c_pen}"),
    )
    pa, _pb = list(pe.parties.order_by("id"))
    _inscrire(pe, u["expert"], u["avocat_penal"], Qualite.AVOCAT, pa)
    # Its greffier is nobody of the matrix: no actor is named on that case but its expert and lawyer.
    greffier_autre = creer_utilisateur("greffier.autre@test.fr", (Role.GREFFIER, o["TJ_PARIS"], []))
    autre = _expertise(
        acteur=u["magistrat"],
        fiche=fiche_autre,
        juridiction=o["TJ_PARIS"],
        greffiers=[greffier_autre],
        numero_rg="26/00077",
        mission="Autre mission.",
    )
    aa, _ab = list(autre.parties.order_by("id"))
    _inscrire(autre, u["autre_expert"], u["avocat_autre"], Qualite.AVOCAT, aa)
    cible = Participant.objects.get(expertise=civ, utilisateur=u["partie_b"])
    m.objets["juridiction_paris"] = {"juridiction": o["TJ_PARIS"].uuid}
    m.objets["expertise_civile"] = {"reference": civ.uuid}
    m.objets["expertise_penale"] = {"reference": pe.uuid}
    m.objets["frais_document_civil"] = {"reference": civ.uuid, "quoi": "ordonnance-de-taxe"}
    m.objets["frais_export_penal"] = {"reference": pe.uuid, "format": "csv"}
    m.objets["expertise_civile_action"] = {"reference": civ.uuid, "nom": "notifier"}
    m.objets["expertise_penale_action"] = {"reference": pe.uuid, "nom": "notifier"}
    m.objets["expertise_civile_partie"] = {"reference": civ.uuid, "partie": a.uuid}
    m.objets["expertise_penale_partie"] = {"reference": pe.uuid, "partie": pa.uuid}
    m.objets["expertise_civile_participant"] = {"reference": civ.uuid, "participant": cible.uuid}
    cible_p = Participant.objects.get(expertise=pe, utilisateur=u["avocat_penal"])
    m.objets["expertise_penale_participant"] = {"reference": pe.uuid, "participant": cible_p.uuid}
    m.extra.update(expertise_civile=civ, expertise_penale=pe, expertise_autre=autre)
    # controle: a reminder of the judge of the control in the civil case, and the statistics.
    relance = expertises_relances.relancer(acteur=u["magistrat"], expertises=[civ], message="Où en est le rapport ?")[0]
    m.objets["relance_civile"] = {"reference": civ.uuid, "relance": relance.uuid}
    m.objets["organisation_paris"] = {"organisation": o["TJ_PARIS"].uuid}

    # Documents of the cases (the cases move to « en cours » as the expert's acceptance would).
    Expertise.objects.filter(pk__in=[civ.pk, pe.pk]).update(etat=Etat.EN_COURS)
    note = _deposer(u["expert"], civ, TypeDocument.NOTE, "note-aux-parties.txt", "Note aux parties.")
    medical = _deposer(
        u["avocat_a"], civ, TypeDocument.PIECE, f"certificat-medical{t_med}.txt", f"Compte rendu médical{c_med}", medical=True
    )
    note_p = _deposer(u["expert"], pe, TypeDocument.NOTE, f"note-penale{t_pen}.txt", f"Constatations{c_pen}")
    for cle, e, d in (("civile", civ, note), ("medicale", civ, medical), ("penale", pe, note_p)):
        m.objets[f"document_{cle}"] = {"reference": e.uuid, "document": d.uuid}
        m.objets[f"accuse_{cle}"] = {"reference": e.uuid, "evenement": d.evenement.uuid, "format": "json"}

    # operations: a meeting in each case (the penal one carries the canary in its place and
    # agenda), a registered letter with its avis de réception, a held meeting with its sealed
    # attendance sheet, a date of the calendar, and the feed of the civil lawyer.
    from justexpert.operations import services as operations
    from justexpert.operations.models import Canal, Reunion

    dans_15 = timezone.now() + dt.timedelta(days=15)
    r_civ = operations.planifier(acteur=u["expert"], expertise=civ, debut=dans_15, lieu="12 rue des Tilleuls, Paris")
    r_pen = operations.planifier(
        acteur=u["expert"],
        expertise=pe,
        debut=dans_15,
        lieu=f"Salle des scellés{c_pen}",
        ordre_du_jour=f"Ouverture des scellés{c_pen}",
    )
    lettre = r_civ.convocations.get(canal=Canal.LRAR, partie=a)
    lettre = operations.declarer_envoi(acteur=u["expert"], convocation=lettre, numero_suivi="1A12345678901")
    operations.deposer_avis(acteur=u["expert"], convocation=lettre, le=timezone.localdate(), scan=pdf(b"avis"), nom="avis.pdf")
    tenue = operations.planifier(acteur=u["expert"], expertise=civ, debut=dans_15, lieu="Sur place")
    Reunion.objects.filter(pk=tenue.pk).update(debut=timezone.now() - dt.timedelta(hours=1))
    tenue.refresh_from_db()
    operations.sceller_feuille(acteur=u["expert"], reunion=tenue)
    etape = operations.enregistrer_etape(
        acteur=u["expert"], expertise=civ, nature="pieces", date=timezone.localdate() + dt.timedelta(days=20)
    )
    m.objets["reunion_civile"] = {"reference": civ.uuid, "reunion": r_civ.uuid}
    m.objets["reunion_penale"] = {"reference": pe.uuid, "reunion": r_pen.uuid}
    m.objets["reunion_tenue"] = {"reference": civ.uuid, "reunion": tenue.uuid}
    m.objets["convocation_civile"] = {"reference": civ.uuid, "convocation": lettre.uuid}
    m.objets["etape_civile"] = {"reference": civ.uuid, "etape": etape.uuid}
    m.objets["flux"] = {"secret": operations.renouveler_jeton(acteur=u["avocat_a"])}

    # echanges: a civil and a penal folder of the agent at TJ Paris.
    ech_c = echanges.creer_echange(
        acteur=u["agent"], titre="Expertise comptable SARL Dupont", juridiction=o["TJ_PARIS"], matiere=MatiereEchange.CIVILE
    )
    echanges.ajouter_agent(acteur=u["agent"], echange=ech_c, utilisateur=u["agent_civil"])
    _accepter_echange(ech_c, u["invite"], u["agent"])
    f_c = echanges.deposer(acteur=u["agent"], echange=ech_c, depot=depot("rapport-civil.pdf"), jours=7)
    ech_p = echanges.creer_echange(
        acteur=u["agent"],
        titre=f"Scellés affaire X{c_}",
        juridiction=o["TJ_PARIS"],
        matiere=MatiereEchange.PENALE,
        reference_procedure=f"PROC-42{c_}",
    )
    _accepter_echange(ech_p, u["invite_penal"], u["agent"])
    nom = f"scelles-penal{c_.replace(' ', '-')}.pdf"
    f_p = echanges.deposer(acteur=u["agent"], echange=ech_p, depot=depot(nom, pdf(f"Contenu{c_}".encode())), jours=7)
    # The invited person answers with a file of their own, and downloads the agent's.
    echanges.enregistrer_telechargement(acteur=u["invite_penal"], fichier=f_p)
    echanges.deposer(
        acteur=u["invite_penal"],
        echange=ech_p,
        depot=depot(f"reponse{c_.replace(' ', '-')}.pdf", pdf(f"Réponse{c_}".encode())),
        jours=2,
    )
    echanges.inviter_personne(acteur=u["agent"], echange=ech_p, email="externe@exemple.fr")
    m.extra.update(echange_civil=ech_c, echange_penal=ech_p, fichier_civil=f_c, fichier_penal=f_p)
    for cle, ech, f, qui in (("civil", ech_c, f_c, "invite"), ("penal", ech_p, f_p, "invite_penal")):
        m.objets[f"echange_{cle}"] = {"reference": ech.uuid}
        m.objets[f"fichier_{cle}"] = {"reference": f.uuid}
        m.objets[f"accuse_{cle}"] = {"reference": f.evenement_depot.uuid}
        part = ParticipantEchange.objects.get(echange=ech, utilisateur=u[qui])
        m.objets[f"echange_{cle}_participant"] = {"reference": ech.uuid, "participant": part.uuid}

    # candidatures: a deposited candidature of the candidate, with its pieces.
    c = candidatures.creer_brouillon(acteur=u["candidat"], type_=TypeCandidature.INITIALE)
    valeurs = {
        "civilite": "Mme",
        "nom": "Lemaire",
        "prenom": "Claire",
        "profession": "Ingénieure",
        "adresse_pro": "3 quai de la Seine",
        "code_postal_pro": "75019",
        "ville_pro": "Paris",
        "telephone": "06 12 34 56 78",
        "diplomes": "Diplôme d'ingénieur (2000)",
        "specialite": _spe("C.2.8"),
        "date_naissance": dt.date(candidatures.annee_ouverte() - 50, 6, 1),
        "liste": o["PARIS"],
    }
    from tests.candidatures.conftest import CHAMPS

    valeurs = {**CHAMPS, **valeurs}
    c = candidatures.enregistrer_brouillon(c, acteur=u["candidat"], saisie={}, valeurs=valeurs)
    for t in c.pieces_requises:
        candidatures.deposer_piece(c, acteur=u["candidat"], depot=depot(f"{t}.pdf"), type_piece=t)
    c = candidatures.deposer(c, acteur=u["candidat"])
    piece = c.pieces.first()
    m.objets["candidature"] = {"uuid": c.uuid}
    m.objets["candidature_piece"] = {"uuid": c.uuid, "piece": piece.uuid}
    m.objets["candidature_action"] = {"uuid": c.uuid, "transition": "passer_en_instruction"}
    m.objets["candidatures_export"] = {"code": "PARIS", "annee": candidatures.annee_ouverte(), "format": "csv"}
    m.extra["candidature"] = c
    # The expert's training ledger and a réinscription draft (its file shows the ledger).
    formation = candidatures.deposer_formation(
        acteur=u["expert"],
        depot=depot("attestation.pdf"),
        intitule="Procédure civile de l'expertise",
        organisme="Compagnie des experts",
        jour=dt.date(2025, 3, 14),
        heures="7",
        nature="procedure",
    )
    reinscription = candidatures.creer_brouillon(acteur=u["expert"], type_="reinscription")
    m.objets["formation"] = {"uuid": formation.uuid}
    m.objets["candidature_formation"] = {"uuid": reinscription.uuid, "formation": formation.uuid}
    m.objets["cour_paris"] = {"code": "PARIS"}
    # passerelles: an import from Démarches Simplifiées launched by the Paris instructor.
    from justexpert.passerelles.models import EtatImport, ImportDS

    import_ds = ImportDS.objects.create(
        cour=o["PARIS"], type_candidature="initiale", demarche=101, lance_par=u["instructeur"], etat=EtatImport.TERMINE
    )
    m.objets["import_ds"] = {"code": "PARIS", "uuid": import_ds.uuid}

    # recherche: the magistrat solicits the expert.
    demande = recherche.solliciter(
        acteur=u["magistrat"],
        experts=[fiche],
        resume_mission="Fissures sur le mur porteur.",
        type_procedure="refere",
        delai_mission=timezone.localdate() + dt.timedelta(days=90),
        date_limite_reponse=timezone.now() + dt.timedelta(days=3),
    )
    m.objets["demande"] = {"uuid": demande.uuid}
    m.objets["sollicitation"] = {"uuid": Sollicitation.objects.get(demande=demande).uuid}

    # coffre: a document of the expert's own deposits.
    doc = coffre.enregistrer(depot("note-personnelle.pdf"), proprietaire=f"utilisateur:{u['expert'].uuid}")
    m.objets["document"] = {"reference": doc.uuid}

    # comptes: an account and a membership the administrator manages.
    m.objets["compte"] = {"uuid": u["partie_b"].uuid}
    m.objets["appartenance"] = {"uuid": Appartenance.objects.filter(utilisateur=u["partie_b"]).first().uuid}
    m.objets["jeton_verification"] = {"jeton": "invalide"}
    m.objets["reinitialisation"] = {"uidb64": "MQ", "token": "set-password"}
    m.objets["invitation"] = {"secret": "secret-inconnu"}
    # A pending invitation of the penal lawyer to the civil case (accepted from the tableau de bord).
    invitation_en_attente, _lien = expertises_participants.inviter_participant(
        acteur=u["expert"], expertise=civ, email=u["avocat_penal"].email, qualite=Qualite.AVOCAT, partie=a
    )
    m.objets["invitation_en_attente"] = {"uuid": invitation_en_attente.uuid}
    m.objets["jeton"] = {"uuid": creer_jeton(acteur=u["expert"], nom="logiciel du cabinet")[0].uuid}
    m.objets["aucun"] = {}
    m.objets["fournisseur"] = {"fournisseur": "proconnect"}  # not configured in the tests' settings
    return m


def apres_commit(m: Monde) -> Monde:
    """What exists only once the on_commit side effects ran (checkpoints)."""
    from justexpert.preuves.models import PointDeControle

    m.objets["point"] = {"taille": PointDeControle.objects.order_by("taille").last().taille}
    return m


def _accepter_echange(echange, user, par) -> None:
    from justexpert.comptes.models import Invitation

    echanges.accepter_invitation(Invitation(objet_ref=str(echange.uuid), cree_par=par), user)
